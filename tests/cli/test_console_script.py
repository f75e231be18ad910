"""The installed ``openai-audio`` console script (pyproject's [project.scripts]), not ``python -m``:
it exists next to this interpreter, starts, and passes arguments and exit codes through."""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from openai_audio import __version__
from openai_audio.testing import AudioServer

from .conftest import FAKE_KEY, Result, cli_env

# Not resolved: the venv's bin/python is a symlink to the base interpreter, whose bin has no script.
BIN_DIR = Path(sys.executable).parent


@pytest.fixture(scope="module")
def script() -> str:
    found = shutil.which("openai-audio", path=str(BIN_DIR))
    assert found is not None, f"no openai-audio console script in {BIN_DIR}; is the project installed?"
    return found


def run(script: str, *args: str, base_url: str = "http://127.0.0.1:9/v1", cwd: Path | None = None) -> Result:
    done = subprocess.run(
        [script, *args],
        env=cli_env(base_url),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return Result(done.returncode, done.stdout, done.stderr)


def test_the_entry_point_is_declared_for_cli_main() -> None:
    scripts = importlib.metadata.entry_points(group="console_scripts", name="openai-audio")
    assert [ep.value for ep in scripts] == ["openai_audio.cli:main"]


def test_the_script_is_installed_beside_the_interpreter(script: str) -> None:
    assert Path(script).parent == BIN_DIR
    assert Path(script).name == "openai-audio"


def test_help_lists_the_global_options_and_commands(script: str) -> None:
    result = run(script, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: openai-audio [OPTIONS] COMMAND [ARGS]...")
    for option in ("--base-url", "--api-key", "--timeout", "--max-retries", "--json", "--version"):
        assert option in result.stdout
    for command in ("speak", "transcribe", "translate", "consents", "voices", "serve"):
        assert f"\n  {command} " in result.stdout
    assert result.stderr == ""
    assert FAKE_KEY not in result.output


def test_version_is_the_package_version(script: str) -> None:
    result = run(script, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"openai-audio, version {__version__}\n"
    assert __version__ == importlib.metadata.version("openai-audio")


def test_a_subcommand_help_and_a_usage_error_keep_their_exit_codes(script: str) -> None:
    speak_help = run(script, "speak", "--help")
    assert speak_help.returncode == 0
    assert "Usage: openai-audio speak [OPTIONS] TEXT" in speak_help.stdout
    unknown = run(script, "no-such-command")
    assert unknown.returncode == 2
    assert "No such command 'no-such-command'" in unknown.stderr
    assert "Traceback" not in unknown.output


def test_the_script_does_real_work(script: str, audio_server: AudioServer, tmp_path: Path) -> None:
    spoken = run(
        script, "speak", "Console scripts work.", "-o", "s.wav", base_url=audio_server.base_url, cwd=tmp_path
    )
    assert spoken.returncode == 0, spoken.stderr
    assert (tmp_path / "s.wav").read_bytes()[:4] == b"RIFF"
    heard = run(script, "transcribe", "s.wav", base_url=audio_server.base_url, cwd=tmp_path)
    assert heard.returncode == 0, heard.stderr
    assert heard.stdout == "Console scripts work.\n"
    # An API failure exits 1 through the script too (sys.exit(main())), not 0.
    missing = run(script, "consents", "get", "cons_missing", base_url=audio_server.base_url, cwd=tmp_path)
    assert missing.returncode == 1
    assert missing.stderr.startswith("error: NotFoundError: 404")
