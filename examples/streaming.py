"""Streaming: speech audio chunks, typed speech events, transcript events, and the async client.

Reads OPENAI_API_KEY and OPENAI_BASE_URL from the environment (see quickstart.py).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from openai_audio import (
    AsyncAudioClient,
    AudioClient,
    SpeechAudioDeltaEvent,
    SpeechAudioDoneEvent,
    TranscriptTextDeltaEvent,
    TranscriptTextDoneEvent,
)

TEXT = "Streaming lets you start playing audio before the whole file exists."


def sync_streams() -> None:
    with AudioClient() as client:
        # Raw audio chunks as they are generated.
        with (
            client.speech.stream(TEXT, voice="onyx", response_format="wav") as audio,
            open("stream.wav", "wb") as out,
        ):
            for chunk in audio:
                out.write(chunk)
        print(f"speech.stream(): {Path('stream.wav').stat().st_size} bytes")

        # Typed server-sent events: audio deltas, then usage.
        with client.speech.stream_events(TEXT, voice="onyx", response_format="pcm") as events:
            pcm = bytearray()
            for event in events:
                if isinstance(event, SpeechAudioDeltaEvent):
                    pcm += event.audio_bytes
                elif isinstance(event, SpeechAudioDoneEvent):
                    print(f"speech.stream_events(): {len(pcm)} bytes, {event.usage.total_tokens} tokens")

        # Transcript text as it is recognised.
        print("transcriptions.stream(): ", end="")
        with client.transcriptions.stream("stream.wav") as transcript:
            for event in transcript:
                if isinstance(event, TranscriptTextDeltaEvent):
                    print(event.delta, end="", flush=True)
                elif isinstance(event, TranscriptTextDoneEvent):
                    print()


async def async_streams() -> None:
    async with AsyncAudioClient() as client:
        size = 0
        async with client.speech.stream(TEXT, voice="nova") as audio:
            async for chunk in audio:
                size += len(chunk)
        print(f"async speech.stream(): {size} bytes of mp3")

        async with client.transcriptions.stream("stream.wav") as transcript:
            async for event in transcript:
                if isinstance(event, TranscriptTextDoneEvent):
                    print(f"async transcriptions.stream(): {event.text}")


if __name__ == "__main__":
    sync_streams()
    asyncio.run(async_streams())
