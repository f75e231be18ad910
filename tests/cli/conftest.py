"""Helpers for the CLI tests: the CLI runs as a subprocess against the session's local server."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from openai_audio import AudioClient
from openai_audio.testing import AudioServer

# Recognisable, so a leak in any output is easy to spot (the session server accepts any key).
FAKE_KEY = "sk-cli-test-DO-NOT-PRINT-7f3a9c"
REPO = Path(__file__).resolve().parents[2]


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


Runner = Callable[..., Result]


def cli_env(base_url: str, api_key: str = FAKE_KEY, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "COLUMNS"))}
    env.update(OPENAI_BASE_URL=base_url, OPENAI_API_KEY=api_key, PYTHONUNBUFFERED="1", **extra)
    return env


@pytest.fixture
def cli(audio_server: AudioServer, tmp_path: Path) -> Runner:
    """``cli("transcribe", "a.wav", env_extra={...}, stdin="...")`` runs in ``tmp_path``."""

    def run(
        *args: str,
        env_extra: Mapping[str, str] | None = None,
        stdin: str | None = None,
        api_key: str = FAKE_KEY,
        cwd: Path | None = None,
    ) -> Result:
        env = cli_env(audio_server.base_url, api_key, **(env_extra or {}))
        done = subprocess.run(
            [sys.executable, "-m", "openai_audio.cli", *args],
            env=env,
            cwd=cwd or tmp_path,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    return run


@pytest.fixture(scope="session")
def speech_wav(audio_server: AudioServer, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], bytes]:
    """WAV bytes of a sentence, from the local server (whose transcription of it is exact)."""
    cache: dict[str, bytes] = {}
    client = AudioClient(base_url=audio_server.base_url, api_key=audio_server.api_key, max_retries=0)

    def make(text: str) -> bytes:
        if text not in cache:
            cache[text] = client.speech.create(text, voice="alloy", response_format="wav")
        return cache[text]

    return make
