"""Round trips through the local server, which hears its own speech from the samples: a long
recording split into chunks gives back exactly the words spoken, with word timestamps within a
fraction of a word of where each word really is, for every response format and both streams."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest

from helpers.synthetic_speech import sentence_text, speech_wav
from openai_audio import AsyncAudioClient, AudioClient
from openai_audio.testing import AudioServer
from openai_audio.types import TranscriptTextDeltaEvent, TranscriptTextDoneEvent, TranscriptTextSegmentEvent

TEXT = sentence_text(90, seed=11)  # about 33 s
LIMITS = {"max_duration": 8.0}
PATH = "/v1/audio/transcriptions"
UNIT = 0.06  # seconds per character of the server's speech


@pytest.fixture(scope="module")
def wav() -> bytes:
    return speech_wav(TEXT)


@pytest.fixture
def client(audio_server: AudioServer) -> Iterator[AudioClient]:
    audio_server.clear_requests()
    with AudioClient(base_url=audio_server.base_url, api_key=audio_server.api_key) as c:
        yield c


def _chunks(server: AudioServer) -> int:
    return sum(r.path == PATH for r in server.requests)


def _true_starts(text: str = TEXT) -> list[float]:
    return [m.start() * UNIT for m in re.finditer(r"\S+", text)]


def test_verbose_json_words_and_timestamps(
    client: AudioClient, audio_server: AudioServer, wav: bytes
) -> None:
    result = client.transcriptions.create(
        ("talk.wav", wav),
        model="whisper-1",
        response_format="verbose_json",
        timestamp_granularities=["word"],
        **LIMITS,
    )
    assert _chunks(audio_server) >= 4
    assert result.text == TEXT
    assert [w.word for w in result.words] == TEXT.split()
    for word, true_start in zip(result.words, _true_starts(), strict=True):
        assert abs(word.start - true_start) < 2 * UNIT  # well within the word itself


@pytest.mark.parametrize("fmt", ["json", "text", "srt", "vtt"])
def test_other_formats_give_back_the_words(client: AudioClient, wav: bytes, fmt: str) -> None:
    result = client.transcriptions.create(("talk.wav", wav), model="whisper-1", response_format=fmt, **LIMITS)
    if fmt == "json":
        assert result.text == TEXT
    elif fmt == "text":
        assert result == TEXT + "\n"
    else:
        cues = [line for line in result.splitlines() if line and "-->" not in line and not line.isdigit()]
        assert " ".join(c for c in cues if c != "WEBVTT") == TEXT


def test_diarized_json_and_its_stream(client: AudioClient, wav: bytes) -> None:
    model = "gpt-4o-transcribe-diarize"
    result = client.transcriptions.create(
        ("talk.wav", wav), model=model, response_format="diarized_json", **LIMITS
    )
    assert " ".join(s.text for s in result.segments) == TEXT
    starts = [s.start for s in result.segments]
    assert starts == sorted(starts) and result.segments[-1].end <= len(TEXT) * UNIT + 0.01
    with client.transcriptions.stream(
        ("talk.wav", wav), model=model, response_format="diarized_json", **LIMITS
    ) as events:
        seen = list(events)
    segments = [e for e in seen if isinstance(e, TranscriptTextSegmentEvent)]
    assert [(s.text, s.start) for s in segments] == [(s.text, s.start) for s in result.segments]
    assert isinstance(seen[-1], TranscriptTextDoneEvent) and seen[-1].text == TEXT


def test_the_stream_gives_back_the_words(client: AudioClient, wav: bytes) -> None:
    with client.transcriptions.stream(("talk.wav", wav), model="gpt-4o-mini-transcribe", **LIMITS) as events:
        seen = list(events)
    assert "".join(e.delta for e in seen if isinstance(e, TranscriptTextDeltaEvent)) == TEXT
    assert isinstance(seen[-1], TranscriptTextDoneEvent) and seen[-1].text == TEXT


async def test_async_create_and_stream(audio_server: AudioServer, wav: bytes) -> None:
    async with AsyncAudioClient(base_url=audio_server.base_url, api_key=audio_server.api_key) as aclient:
        result = await aclient.transcriptions.create(("talk.wav", wav), model="gpt-4o-transcribe", **LIMITS)
        assert result.text == TEXT
        async with aclient.transcriptions.stream(
            ("talk.wav", wav), model="gpt-4o-transcribe", **LIMITS
        ) as events:
            seen = [e async for e in events]
        assert isinstance(seen[-1], TranscriptTextDoneEvent) and seen[-1].text == TEXT
        translated = await aclient.translations.create(("talk.wav", wav), **LIMITS)
        assert translated.text  # the server "translates" to English: the words it heard


@pytest.mark.parametrize(
    ("container", "codec", "name"), [("mp3", "libmp3lame", "talk.mp3"), ("ipod", "aac", "talk.m4a")]
)
def test_compressed_recordings_give_back_the_words(
    client: AudioClient, audio_server: AudioServer, wav: bytes, container: str, codec: str, name: str
) -> None:
    av = pytest.importorskip("av")
    source = av.open(io.BytesIO(wav))
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=container) as output:
        stream = output.add_stream(codec, rate=24_000, layout="mono")
        stream.bit_rate = 64_000
        for frame in source.decode(audio=0):
            frame.pts = None
            for packet in stream.encode(frame):
                output.mux(packet)
        for packet in stream.encode(None):
            output.mux(packet)
    result = client.transcriptions.create(
        (name, buffer.getvalue()),
        model="whisper-1",
        response_format="verbose_json",
        timestamp_granularities=["word"],
        **LIMITS,
    )
    assert _chunks(audio_server) >= 4
    assert result.text == TEXT
    for word, true_start in zip(result.words, _true_starts(), strict=True):
        assert abs(word.start - true_start) < 2 * UNIT
