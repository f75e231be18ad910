"""Clients against the session's local server; faults and the request log are cleared per test."""

from __future__ import annotations

import struct
from collections.abc import AsyncIterator, Iterator

import pytest

from openai_audio import AsyncAudioClient, AudioClient
from openai_audio.testing import AudioServer


def make_wav(seconds: float, *, rate: int = 8000, tone: int = 1) -> bytes:
    """A valid 16-bit mono PCM WAV of ``seconds`` (content varies with ``tone``)."""
    frames = int(seconds * rate)
    data = bytes([tone % 256, 0]) * frames
    fmt = struct.pack("<4sIHHIIHH", b"fmt ", 16, 1, 1, rate, rate * 2, 2, 16)
    return (
        b"RIFF"
        + struct.pack("<I", 4 + len(fmt) + 8 + len(data))
        + b"WAVE"
        + fmt
        + b"data"
        + struct.pack("<I", len(data))
        + data
    )


@pytest.fixture
def server(audio_server: AudioServer) -> Iterator[AudioServer]:
    audio_server.clear_faults()
    audio_server.clear_requests()
    try:
        yield audio_server
    finally:
        audio_server.clear_faults()
        audio_server.clear_requests()


@pytest.fixture
def client(server: AudioServer) -> Iterator[AudioClient]:
    # No retries: a fault injected once must reach the code under test.
    with AudioClient(base_url=server.base_url, api_key=server.api_key, max_retries=0, timeout=60) as c:
        yield c


@pytest.fixture
async def aclient(server: AudioServer) -> AsyncIterator[AsyncAudioClient]:
    async with AsyncAudioClient(
        base_url=server.base_url, api_key=server.api_key, max_retries=0, timeout=60
    ) as c:
        yield c


@pytest.fixture
def speech_wav(client: AudioClient) -> bytes:
    """Server-made speech whose transcription is exactly its text."""
    return client.speech.create("Hello from the test suite.", voice="alloy", response_format="wav")
