"""The async client is not tied to asyncio: speech, retries and uploads under trio."""

from __future__ import annotations

from pathlib import Path

import trio

from openai_audio import AsyncAudioClient
from openai_audio.testing import AudioServer

SPEECH = "/v1/audio/speech"


def test_async_client_works_under_trio(audio_server: AudioServer, tmp_path: Path) -> None:
    audio_server.clear_requests()
    # One 503 first: the retry's sleep must run on trio's loop, not asyncio's.
    audio_server.inject("status", status=503, retry_after_ms=1, path=SPEECH)

    async def main() -> tuple[Path, str]:
        async with AsyncAudioClient(base_url=audio_server.base_url, api_key=audio_server.api_key) as client:
            saved = await client.speech.save(
                "Hello from trio.", tmp_path / "hello.wav", voice="alloy", response_format="wav"
            )
            transcription = await client.transcriptions.create(saved)
            return saved, transcription.text

    saved, text = trio.run(main)

    assert saved.read_bytes()[:4] == b"RIFF"
    assert text
    assert [r.path for r in audio_server.requests].count(SPEECH) == 2
    assert not audio_server.faults
