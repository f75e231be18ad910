"""Run every examples/*.py script as a reader would: a subprocess, a fresh working directory,
and OPENAI_BASE_URL / OPENAI_API_KEY pointing at the session's local server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from openai_audio.testing import AudioServer

from .conftest import EXAMPLES, REPO, example_scripts, server_env

SCRIPTS = example_scripts()
EXPECTED = {
    "quickstart.py",
    "speech.py",
    "transcription.py",
    "translation.py",
    "streaming.py",
    "voices_and_consents.py",
    "errors_and_retries.py",
    "raw_client.py",
    "testing_your_app.py",
}


def test_every_guide_topic_has_an_example() -> None:
    assert {script.name for script in SCRIPTS} >= EXPECTED


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_example_runs(script: Path, docs_server: AudioServer, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=server_env(docs_server),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, (
        f"{script.relative_to(REPO)} exited with {result.returncode}\n"
        f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    )
    assert result.stdout.strip(), f"{script.name} printed nothing"
    # Examples clean up after themselves: nothing but what they meant to write is left behind.
    assert not list(tmp_path.glob(".*.part")), "a partial download was left behind"


def test_examples_are_documented() -> None:
    page = (REPO / "docs" / "examples.md").read_text(encoding="utf-8")
    for script in SCRIPTS:
        assert f"examples/{script.name}" in page, f"docs/examples.md does not show {script.name}"
    assert EXAMPLES.is_dir()
