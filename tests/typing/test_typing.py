"""The public API's static types: check_overloads.py must pass ``mypy --strict``.

(No __init__.py here on purpose: a package named ``typing`` would shadow the standard library.)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHECK = Path(__file__).resolve().with_name("check_overloads.py")

pytestmark = pytest.mark.slow  # a mypy run: seconds warm, much longer with a cold cache


def mypy(*files: Path) -> subprocess.CompletedProcess[str]:
    # The project's own settings (pyproject.toml), run from the root as `make lint` runs it.
    command = [sys.executable, "-m", "mypy", "--strict", "--config-file", str(REPO / "pyproject.toml")]
    return subprocess.run([*command, *map(str, files)], cwd=REPO, capture_output=True, text=True, timeout=600)


def test_public_api_overloads_type_check_under_mypy_strict() -> None:
    result = mypy(CHECK)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found in 1 source file" in result.stdout


WRONG = """
from typing import assert_type

from openai_audio import AudioClient, Transcription


def wrong(client: AudioClient) -> None:
    assert_type(client.speech.create("Hi.", voice="alloy"), str)
    assert_type(client.transcriptions.create("a.wav", response_format="text"), Transcription)
    client.speech.create("Hi.", voice="alloy")  # type: ignore[arg-type]
"""


def test_the_check_is_not_vacuous(tmp_path: Path) -> None:
    # Wrong expectations and a needless ignore must fail: mypy sees the real types (not Any)
    # and strict mode reports unused ignores, which the negative cases in the check rely on.
    wrong = tmp_path / "check_wrong_expectations.py"
    wrong.write_text(WRONG)
    result = mypy(wrong)
    assert result.returncode == 1, result.stdout + result.stderr
    assert 'Expression is of type "bytes", not "str"' in result.stdout
    assert 'Expression is of type "str", not "CreateTranscriptionResponseJson"' in result.stdout
    assert 'Unused "type: ignore" comment' in result.stdout
    assert "Found 3 errors in 1 file" in result.stdout
