"""The documentation site builds offline with warnings as errors (`mkdocs build --strict`)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import REPO

_HAVE_MKDOCS = all(
    importlib.util.find_spec(name) is not None for name in ("mkdocs", "material", "mkdocstrings_handlers")
)
_IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


class _Loader(yaml.SafeLoader):
    """mkdocs.yml may use !!python/name tags; reading it for its plugin list needs none of them."""


_Loader.add_multi_constructor("", lambda loader, suffix, node: None)


def _config() -> dict[str, object]:
    return yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506


def test_site_config_needs_no_network() -> None:
    config = _config()
    theme = config["theme"]
    assert isinstance(theme, dict)
    assert theme.get("font") is False, "theme.font must be false: no Google Fonts at build or view time"
    names = {next(iter(p)) if isinstance(p, dict) else p for p in config.get("plugins", [])}  # type: ignore[union-attr]
    assert not names & {"privacy", "social", "git-revision-date-localized"}, names
    assert "extra" not in config or "analytics" not in config["extra"]  # type: ignore[operator]


@pytest.mark.skipif(
    not _HAVE_MKDOCS and not _IN_CI,
    reason="the docs extra is not installed (pip install -e '.[docs]'); under CI=true this test runs",
)
def test_mkdocs_build_strict(tmp_path: Path) -> None:
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    assert (site / "index.html").is_file()
    assert (site / "migration" / "index.html").is_file()
    assert (site / "reference" / "client" / "index.html").is_file()
