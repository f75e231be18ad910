"""The generation tests skip without the upstream spec on a developer's machine, but fail in CI."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO_ROOT

from .conftest import in_ci, skip_unless_ci


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, False), ("", False), ("0", False), ("false", False), ("No", False), ("true", True), ("1", True)],
)
def test_in_ci_reads_the_ci_variable(value: str | None, expected: bool) -> None:
    assert in_ci({} if value is None else {"CI": value}) is expected


def test_skip_unless_ci_skips_locally_and_fails_in_ci() -> None:
    with pytest.raises(pytest.skip.Exception, match="no spec"):
        skip_unless_ci("no spec", {})
    with pytest.raises(pytest.fail.Exception, match=r"no spec.*CI is set"):
        skip_unless_ci("no spec", {"CI": "true"})


# A plugin that points the suite at a spec that does not exist, loaded before collection.
MISSING_SPEC_PLUGIN = """
from pathlib import Path

def pytest_configure(config):
    import helpers
    helpers.UPSTREAM_SPEC = Path("/nonexistent/openai-openapi.yaml")
"""


def _run_generation_tests(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    (tmp_path / "missing_spec_plugin.py").write_text(MISSING_SPEC_PLUGIN)
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    env["PYTHONPATH"] = str(tmp_path)
    if ci is not None:
        env["CI"] = ci
    command = [sys.executable, "-m", "pytest", "-p", "missing_spec_plugin", "-p", "no:cacheprovider"]
    # Two tests: one that reads the document through module fixtures, one that needs nothing.
    selection = "test_extraction_is_byte_identical or test_stale_or_bad_override_fails_extraction"
    return subprocess.run(
        [*command, "-q", "-rs", "tests/scripts/test_generation.py", "-k", selection],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_generation_tests_skip_without_the_spec_on_a_developer_machine(tmp_path: Path) -> None:
    result = _run_generation_tests(tmp_path, ci=None)
    assert result.returncode == 0, result.stdout + result.stderr
    # Every selected test skipped (the rest of the module deselected by -k): none ran, none failed.
    assert re.match(r"7 skipped, \d+ deselected in ", result.stdout.splitlines()[-1]), result.stdout
    assert "upstream spec not found at /nonexistent/openai-openapi.yaml" in result.stdout


def test_generation_tests_fail_without_the_spec_in_ci(tmp_path: Path) -> None:
    result = _run_generation_tests(tmp_path, ci="true")
    assert result.returncode == 1, result.stdout + result.stderr
    assert re.match(r"\d+ deselected, 7 errors in ", result.stdout.splitlines()[-1]), result.stdout
    assert "upstream spec not found at /nonexistent/openai-openapi.yaml (CI is set" in result.stdout
