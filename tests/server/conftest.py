"""Fixtures for the local OpenAI-audio server suite; responses are checked against openapi.yaml."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from openai_audio.testing import AudioServer

# server_helpers lives beside this file; make it importable under any --import-mode.
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from server_helpers import check_response  # noqa: E402


@pytest.fixture
def server(audio_server_clean: AudioServer) -> AudioServer:
    """The plugin's session server, reset around each test."""
    return audio_server_clean


@pytest.fixture
def client(server: AudioServer) -> Iterator[httpx.Client]:
    """An authenticated client whose every response is checked against openapi.yaml."""
    with httpx.Client(
        base_url=server.base_url,
        headers={"Authorization": f"Bearer {server.api_key}"},
        event_hooks={"response": [check_response]},
        timeout=30,
    ) as c:
        yield c


@pytest.fixture
def raw_client(server: AudioServer) -> Iterator[httpx.Client]:
    """An authenticated client without response checks (for faults that break responses on purpose)."""
    with httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Bearer {server.api_key}"}, timeout=30
    ) as c:
        yield c


@pytest.fixture
def speak(client: httpx.Client) -> Callable[..., bytes]:
    """Synthesise ``text`` and return the audio bytes."""

    def run(text: str, response_format: str = "wav", **extra: Any) -> bytes:
        response = client.post(
            "/audio/speech",
            json={
                "model": "gpt-4o-mini-tts",
                "input": text,
                "voice": "alloy",
                "response_format": response_format,
            }
            | extra,
        )
        assert response.status_code == 200, response.text
        return response.content

    return run


@pytest.fixture
def make_consent(client: httpx.Client, speak: Callable[..., bytes]) -> Callable[..., dict[str, Any]]:
    recording = b"RIFF" + bytes(40)

    def run(name: str = "consent", language: str = "en-US") -> dict[str, Any]:
        response = client.post(
            "/audio/voice_consents",
            data={"name": name, "language": language},
            files={"recording": ("consent.wav", recording, "audio/wav")},
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    return run
