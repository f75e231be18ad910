"""client.transcriptions on the local server: formats, streams, rules, known speakers, big uploads."""

from __future__ import annotations

import base64
import hashlib
import struct
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from openai_audio import (
    AsyncAudioClient,
    AudioClient,
    InvalidArgumentError,
    InvalidArgumentTypeError,
    StreamError,
    Transcription,
    TranscriptionDiarized,
    TranscriptionVerbose,
)
from openai_audio._streaming import (
    TranscriptTextDeltaEvent,
    TranscriptTextDoneEvent,
    TranscriptTextSegmentEvent,
)
from openai_audio.errors import APIResponseValidationError
from openai_audio.testing import AudioServer
from openai_audio.types import VadConfig

from .conftest import make_wav

TEXT = "Hello from the test suite."
DIARIZE = "gpt-4o-transcribe-diarize"


def _file(wav: bytes) -> tuple[str, bytes]:
    return ("speech.wav", wav)


# -- formats --------------------------------------------------------------------------------------


def test_json_is_the_default(client: AudioClient, server: AudioServer, speech_wav: bytes) -> None:
    result = client.transcriptions.create(_file(speech_wav))
    assert isinstance(result, Transcription)
    assert result.text == TEXT
    form = server.requests[-1].form
    assert form["model"] == ["gpt-4o-transcribe"]
    assert "response_format" not in form


def test_verbose_json_with_word_timestamps(
    client: AudioClient, server: AudioServer, speech_wav: bytes
) -> None:
    result = client.transcriptions.create(
        _file(speech_wav), model="whisper-1", response_format="verbose_json", timestamp_granularities=["word"]
    )
    assert isinstance(result, TranscriptionVerbose)
    assert result.text == TEXT
    assert [w.word for w in result.words] == TEXT.split()  # type: ignore[union-attr]
    assert server.requests[-1].form["timestamp_granularities[]"] == ["word"]


def test_diarized_json_with_known_speakers(
    client: AudioClient, server: AudioServer, speech_wav: bytes
) -> None:
    agent, customer = make_wav(3.0, tone=1), make_wav(4.0, tone=2)
    result = client.transcriptions.create(
        _file(speech_wav),
        model=DIARIZE,
        response_format="diarized_json",
        known_speakers={"agent": agent, "customer": ("customer.wav", customer)},
    )
    assert isinstance(result, TranscriptionDiarized)
    assert result.text == TEXT
    assert result.segments[0].speaker == "agent"
    form = server.requests[-1].form
    assert form["known_speaker_names[]"] == ["agent", "customer"]
    refs = form["known_speaker_references[]"]
    assert [r.split(",", 1)[0] for r in refs] == ["data:audio/wav;base64"] * 2
    assert base64.b64decode(refs[1].split(",", 1)[1]) == customer
    assert form["chunking_strategy"] == ["auto"]  # defaulted for the diarize model


@pytest.mark.parametrize(("fmt", "marker"), [("text", None), ("srt", "-->"), ("vtt", "WEBVTT")])
def test_text_formats_return_str(
    client: AudioClient, speech_wav: bytes, fmt: str, marker: str | None
) -> None:
    result = client.transcriptions.create(_file(speech_wav), model="whisper-1", response_format=fmt)  # type: ignore[call-overload]
    assert isinstance(result, str)
    assert TEXT in result
    if marker:
        assert marker in result


def test_logprobs_with_json(client: AudioClient, speech_wav: bytes) -> None:
    result = client.transcriptions.create(_file(speech_wav), include=["logprobs"])
    assert result.logprobs


def test_vad_chunking_dict_is_sent_as_fields(
    client: AudioClient, server: AudioServer, speech_wav: bytes
) -> None:
    client.transcriptions.create(
        _file(speech_wav), chunking_strategy={"type": "server_vad", "threshold": 0.4}
    )
    form = server.requests[-1].form
    assert form["chunking_strategy[type]"] == ["server_vad"]
    assert form["chunking_strategy[threshold]"] == ["0.4"]
    client.transcriptions.create(_file(speech_wav), chunking_strategy=VadConfig(type_="server_vad"))


def test_a_body_of_the_wrong_shape_is_a_validation_error(client: AudioClient, server: AudioServer) -> None:
    server.inject("malformed_json", path="/v1/audio/transcriptions", body={"text": "x"})
    with pytest.raises(APIResponseValidationError, match="language"):
        client.transcriptions.create(_file(make_wav(1.0)), model="whisper-1", response_format="verbose_json")
    server.inject("malformed_json", path="/v1/audio/transcriptions", body={"text": 5})
    with pytest.raises(APIResponseValidationError):
        client.transcriptions.create(_file(make_wav(1.0)))


async def test_async_formats(aclient: AsyncAudioClient, speech_wav: bytes) -> None:
    assert (await aclient.transcriptions.create(_file(speech_wav))).text == TEXT
    verbose = await aclient.transcriptions.create(
        _file(speech_wav), model="whisper-1", response_format="verbose_json"
    )
    assert verbose.duration > 0
    diarized = await aclient.transcriptions.create(
        _file(speech_wav), model=DIARIZE, response_format="diarized_json"
    )
    assert diarized.segments
    assert TEXT in await aclient.transcriptions.create(
        _file(speech_wav), model="whisper-1", response_format="srt"
    )


# -- rules checked before sending -----------------------------------------------------------------


BAD_ARGUMENTS: list[tuple[dict[str, Any], type[Exception]]] = [
    ({"response_format": "xml"}, InvalidArgumentError),
    ({"response_format": "text"}, InvalidArgumentError),  # gpt-4o-transcribe answers only json
    ({"model": "gpt-4o-mini-transcribe", "response_format": "verbose_json"}, InvalidArgumentError),
    ({"model": "whisper-1", "response_format": "diarized_json"}, InvalidArgumentError),
    ({"model": DIARIZE, "response_format": "srt"}, InvalidArgumentError),
    ({"model": "whisper-1", "timestamp_granularities": ["word"]}, InvalidArgumentError),  # needs verbose_json
    (
        {"model": "whisper-1", "response_format": "verbose_json", "timestamp_granularities": ["char"]},
        InvalidArgumentError,
    ),
    ({"model": "whisper-1", "response_format": "text", "include": ["logprobs"]}, InvalidArgumentError),
    ({"model": "whisper-1", "include": ["logprobs"]}, InvalidArgumentError),
    ({"include": ["everything"]}, InvalidArgumentError),
    ({"model": DIARIZE, "include": ["logprobs"]}, InvalidArgumentError),
    ({"model": DIARIZE, "prompt": "context"}, InvalidArgumentError),
    ({"temperature": 1.5}, InvalidArgumentError),
    ({"temperature": -0.1}, InvalidArgumentError),
    ({"temperature": "hot"}, InvalidArgumentTypeError),
    ({"chunking_strategy": "manual"}, InvalidArgumentError),
    ({"chunking_strategy": {"type": "server_vad", "volume": 3}}, InvalidArgumentError),
    ({"chunking_strategy": {"type": "client_vad"}}, InvalidArgumentError),
    ({"chunking_strategy": {"type": "server_vad", "threshold": 2}}, InvalidArgumentError),
    ({"chunking_strategy": 5}, InvalidArgumentTypeError),
    ({"languages": "en"}, InvalidArgumentTypeError),
    ({"model": "gpt-transcribe", "languages": []}, InvalidArgumentError),
    ({"model": "gpt-transcribe", "keywords": ["ok", 3]}, InvalidArgumentTypeError),
    ({"languages": ["en"]}, InvalidArgumentError),  # only gpt-transcribe takes them
    ({"model": ""}, InvalidArgumentError),
    ({"known_speakers": {f"s{i}": make_wav(3.0) for i in range(5)}}, InvalidArgumentError),
    ({"known_speakers": {"": make_wav(3.0)}}, InvalidArgumentError),
    ({"known_speakers": ["agent.wav"]}, InvalidArgumentTypeError),
]


@pytest.mark.parametrize(("kwargs", "error"), BAD_ARGUMENTS)
def test_rules_raise_before_any_request(
    client: AudioClient, server: AudioServer, kwargs: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        client.transcriptions.create(_file(make_wav(1.0)), **kwargs)
    assert server.requests == []


@pytest.mark.parametrize(("kwargs", "error"), BAD_ARGUMENTS[:6])
async def test_async_rules_raise_before_any_request(
    aclient: AsyncAudioClient, server: AudioServer, kwargs: dict[str, Any], error: type[Exception]
) -> None:
    with pytest.raises(error):
        await aclient.transcriptions.create(_file(make_wav(1.0)), **kwargs)
    assert server.requests == []


def test_whisper_cannot_stream(client: AudioClient, server: AudioServer) -> None:
    with pytest.raises(InvalidArgumentError):
        client.transcriptions.stream(_file(make_wav(1.0)), model="whisper-1")
    assert server.requests == []


def test_unknown_models_pass_through(client: AudioClient, server: AudioServer) -> None:
    with pytest.raises(Exception, match="does not exist"):  # only the local server says no
        client.transcriptions.create(_file(make_wav(1.0)), model="my-stt", response_format="srt", prompt="p")
    assert server.requests[-1].form["model"] == ["my-stt"]


@pytest.mark.parametrize(
    ("clip", "match"),
    [
        (make_wav(1.0), "at least 2"),
        (make_wav(11.0), "at most 10"),
        (make_wav(700.0), "MiB"),  # over 10 MiB, refused before it is encoded
        (b"not audio at all", "format"),
    ],
)
def test_known_speaker_clips_are_checked(
    client: AudioClient, server: AudioServer, clip: bytes, match: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=match) as info:
        client.transcriptions.create(_file(make_wav(1.0)), model=DIARIZE, known_speakers={"agent": clip})
    assert info.value.argument == "known_speakers[agent]"
    assert server.requests == []


def test_known_speaker_from_a_path(
    client: AudioClient, server: AudioServer, tmp_path: Path, speech_wav: bytes
) -> None:
    clip = tmp_path / "agent.wav"
    clip.write_bytes(make_wav(2.5))
    client.transcriptions.create(_file(speech_wav), model=DIARIZE, known_speakers={"agent": clip})
    assert server.requests[-1].form["known_speaker_names[]"] == ["agent"]


def test_known_speaker_as_a_ready_made_data_url_is_sent_as_given(
    client: AudioClient, server: AudioServer, speech_wav: bytes
) -> None:
    # The official SDK's known_speaker_references take data URLs; a migrated call keeps them.
    url = "data:audio/wav;base64," + base64.b64encode(make_wav(3.0, tone=1)).decode()
    client.transcriptions.create(
        _file(speech_wav), model=DIARIZE, known_speakers={"agent": url, "customer": make_wav(3.0, tone=2)}
    )
    form = server.requests[-1].form
    assert form["known_speaker_names[]"] == ["agent", "customer"]
    assert form["known_speaker_references[]"][0] == url


@pytest.mark.parametrize(
    ("url", "match"),
    [
        ("data:text/plain;base64,aGVsbG8=", "data:audio"),
        ("data:audio/wav,raw-not-base64", "data:audio"),
        ("data:audio/wav;base64,@@not base64@@", "base64"),
        ("data:audio/wav;base64,", "no audio"),
        ("data:audio/wav;base64," + base64.b64encode(make_wav(1.0)).decode(), "1.00 s"),
        ("data:audio/wav;base64," + "A" * (14 * 1024 * 1024), "larger than"),
    ],
)
def test_bad_data_urls_fail_before_any_request(
    client: AudioClient, server: AudioServer, url: str, match: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=match) as info:
        client.transcriptions.create(_file(make_wav(1.0)), model=DIARIZE, known_speakers={"agent": url})
    assert info.value.argument == "known_speakers[agent]"
    assert server.requests == []


# -- big uploads ----------------------------------------------------------------------------------


def test_a_50_mib_path_upload_arrives_byte_exact(
    client: AudioClient, server: AudioServer, tmp_path: Path
) -> None:
    size = 50 * 1024 * 1024
    path = tmp_path / "big.wav"
    fmt = struct.pack("<4sIHHIIHH", b"fmt ", 16, 1, 1, 24000, 48000, 2, 16)
    digest = hashlib.sha256()
    with path.open("wb") as f:
        header = b"RIFF" + struct.pack("<I", 4 + len(fmt) + 8 + size) + b"WAVE" + fmt
        header += b"data" + struct.pack("<I", size)
        f.write(header)
        digest.update(header)
        block = bytes(range(256)) * 4096  # 1 MiB
        for _ in range(50):
            f.write(block)
            digest.update(block)
    # split=False: over OpenAI's 25 MB, the recording would otherwise go out in chunks; the
    # server's limit is raised for this one upload (an OpenAI-compatible server without it).
    server.set_upload_limit(64 * 1024 * 1024)
    try:
        result = client.transcriptions.create(path, model="whisper-1", response_format="text", split=False)
    finally:
        server.set_upload_limit(26_214_400)
    assert result.strip()
    upload = server.requests[-1].uploads[0]
    assert upload.field == "file"
    assert upload.filename == "big.wav"
    assert upload.size == path.stat().st_size
    assert upload.sha256 == digest.hexdigest()


# -- streaming ------------------------------------------------------------------------------------


def test_stream_typed_delta_and_done_events(
    client: AudioClient, server: AudioServer, speech_wav: bytes
) -> None:
    with client.transcriptions.stream(_file(speech_wav), include=["logprobs"]) as events:
        received = list(events)
    assert server.requests[-1].form["stream"] == ["true"]
    deltas = [e for e in received if isinstance(e, TranscriptTextDeltaEvent)]
    assert "".join(d.delta for d in deltas) == TEXT
    assert all(d.logprobs for d in deltas)
    done = received[-1]
    assert isinstance(done, TranscriptTextDoneEvent)
    assert done.text == TEXT
    assert done.usage is not None
    assert done.usage.total_tokens > 0


def test_stream_diarized_segments(client: AudioClient, speech_wav: bytes) -> None:
    events = list(
        client.transcriptions.stream(_file(speech_wav), model=DIARIZE, response_format="diarized_json")
    )
    segments = [e for e in events if isinstance(e, TranscriptTextSegmentEvent)]
    assert segments
    assert segments[0].text == TEXT
    assert segments[0].speaker == "A"
    assert segments[0].end > segments[0].start
    deltas = [e for e in events if isinstance(e, TranscriptTextDeltaEvent)]
    assert {d.segment_id for d in deltas} == {segments[0].id}


def test_stream_tolerates_garbage_lines(client: AudioClient, server: AudioServer, speech_wav: bytes) -> None:
    server.inject("garbage_sse", path="/v1/audio/transcriptions")
    events = list(client.transcriptions.stream(_file(speech_wav)))
    assert isinstance(events[-1], TranscriptTextDoneEvent)
    assert "".join(e.delta for e in events if isinstance(e, TranscriptTextDeltaEvent)) == TEXT


def test_stream_error_raises_stream_error(
    client: AudioClient, server: AudioServer, speech_wav: bytes
) -> None:
    server.inject("sse_error", path="/v1/audio/transcriptions")
    with pytest.raises(StreamError, match="error while streaming") as info:
        list(client.transcriptions.stream(_file(speech_wav)))
    assert info.value.type == "server_error"


def test_stream_without_done_raises(client: AudioClient, server: AudioServer, speech_wav: bytes) -> None:
    server.inject("sse_no_done", path="/v1/audio/transcriptions")
    received = []
    with (
        pytest.raises(StreamError, match="ended before"),
        client.transcriptions.stream(_file(speech_wav)) as events,
    ):
        received.extend(events)
    assert received  # the deltas that did arrive were delivered first


def test_stream_break_closes_the_response(client: AudioClient, speech_wav: bytes) -> None:
    stream = client.transcriptions.stream(_file(speech_wav))
    for _ in stream:
        break
    assert stream.response.is_closed


# One pooled connection, and a short wait for it: a stream left holding the connection after an
# early stop makes the next call fail with a pool timeout (APITimeoutError) instead of succeeding.
ONE_CONNECTION = httpx.Limits(max_connections=1, max_keepalive_connections=1)
POOL_WAIT = httpx.Timeout(60.0, pool=5.0)


@pytest.fixture
def one_connection_client(server: AudioServer) -> Iterator[AudioClient]:
    with (
        httpx.Client(limits=ONE_CONNECTION) as http,
        AudioClient(
            base_url=server.base_url,
            api_key=server.api_key,
            max_retries=0,
            timeout=POOL_WAIT,
            http_client=http,
        ) as client,
    ):
        yield client


@pytest.fixture
async def one_connection_aclient(server: AudioServer) -> AsyncIterator[AsyncAudioClient]:
    async with (
        httpx.AsyncClient(limits=ONE_CONNECTION) as http,
        AsyncAudioClient(
            base_url=server.base_url,
            api_key=server.api_key,
            max_retries=0,
            timeout=POOL_WAIT,
            http_client=http,
        ) as client,
    ):
        yield client


def test_stream_break_frees_the_only_pooled_connection(
    one_connection_client: AudioClient, speech_wav: bytes
) -> None:
    client = one_connection_client
    stream = client.transcriptions.stream(_file(speech_wav))
    received = []
    for event in stream:
        received.append(event)
        break
    assert isinstance(received[0], TranscriptTextDeltaEvent)
    assert stream.response.is_closed
    assert client.transcriptions.create(_file(speech_wav)).text == TEXT


async def test_async_stream_break_in_async_with_closes_and_frees_the_connection(
    one_connection_aclient: AsyncAudioClient, speech_wav: bytes
) -> None:
    client = one_connection_aclient
    async with client.transcriptions.stream(_file(speech_wav)) as events:
        firsts = []
        async for event in events:
            firsts.append(event)
            break
        assert not events.response.is_closed  # the block, not the break, closes it
    [first] = firsts
    assert isinstance(first, TranscriptTextDeltaEvent)
    assert first.delta == TEXT.split()[0]
    assert events.response.is_closed
    with pytest.raises(RuntimeError, match="closed"):
        async for _ in events:  # a closed stream cannot be iterated again
            pass
    # The connection went back to the pool: the one connection serves the next call.
    result = await client.transcriptions.create(_file(speech_wav))
    assert result.text == TEXT
    async with client.transcriptions.stream(_file(speech_wav)) as again:
        received = [event async for event in again]
    assert isinstance(received[-1], TranscriptTextDoneEvent)
    assert received[-1].text == TEXT


async def test_async_stream_plain_break_then_close_frees_the_connection(
    one_connection_aclient: AsyncAudioClient, speech_wav: bytes
) -> None:
    # Without async with, an abandoned async generator is finalised whenever the event loop gets
    # to it; `await stream.close()` is the deterministic way to let go after a break.
    client = one_connection_aclient
    stream = client.transcriptions.stream(_file(speech_wav))
    received = []
    async for event in stream:
        received.append(event)
        break
    assert isinstance(received[0], TranscriptTextDeltaEvent)
    await stream.close()
    assert stream.response.is_closed
    await stream.close()  # closing twice is harmless
    assert (await client.transcriptions.create(_file(speech_wav))).text == TEXT


async def test_async_stream(aclient: AsyncAudioClient, server: AudioServer, speech_wav: bytes) -> None:
    async with aclient.transcriptions.stream(
        _file(speech_wav), model=DIARIZE, response_format="diarized_json"
    ) as ev:
        received = [e async for e in ev]
    assert isinstance(received[-1], TranscriptTextDoneEvent)
    assert any(isinstance(e, TranscriptTextSegmentEvent) for e in received)
    server.inject("sse_error", path="/v1/audio/transcriptions")

    async def drain() -> None:
        async with aclient.transcriptions.stream(_file(speech_wav)) as events:
            async for _ in events:
                pass

    with pytest.raises(StreamError):
        await drain()
