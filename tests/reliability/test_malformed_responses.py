"""Malformed, surprising and hostile responses: each ends as a typed, useful error or a tolerated result.

Shapes the local server can make on demand use its fault kinds; the rest come from an
``httpx.MockTransport`` (no retries, so the one answer is the answer) or a raw loopback socket.
Never a bare KeyError / AttributeError / JSONDecodeError / RecursionError / httpx exception.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from openai_audio import AudioClient
from openai_audio.errors import (
    APIConnectionError,
    APIResponseValidationError,
    APIStatusError,
    AudioError,
    InternalServerError,
    StreamError,
)
from openai_audio.testing import AudioServer

from .conftest import RawServer, async_mock_client, mock_client, text_wav

WAV = text_wav("hello there", 4800)
CONSENT = {"id": "cons_1", "object": "audio.voice_consent", "name": "n", "language": "en", "created_at": 1}
DONE = {"type": "speech.audio.done", "usage": {"input_tokens": 1, "output_tokens": 1, "total_tokens": 2}}
JSON = {"content-type": "application/json"}
SSE = {"content-type": "text/event-stream"}


def answer(status: int, body: bytes | str | Any, headers: dict[str, str] | None = None) -> Callable[..., Any]:
    if not isinstance(body, bytes | str):
        body = json.dumps(body)
    content = body.encode() if isinstance(body, str) else body
    return lambda request: httpx.Response(status, content=content, headers=headers or {})


# Each operation, as a function of a client; streamed ones are consumed whole.
OPS: dict[str, Callable[[AudioClient], Any]] = {
    "retrieve": lambda c: c.voice_consents.retrieve("cons_1"),
    "list": lambda c: c.voice_consents.list(),
    "delete": lambda c: c.voice_consents.delete("cons_1"),
    "voice": lambda c: c.voices.create(name="v", audio_sample=WAV, consent="cons_1"),
    "transcribe": lambda c: c.transcriptions.create(WAV),
    "transcribe_text": lambda c: c.transcriptions.create(WAV, model="whisper-1", response_format="text"),
    "verbose": lambda c: c.transcriptions.create(WAV, model="whisper-1", response_format="verbose_json"),
    "translate": lambda c: c.translations.create(WAV),
    "speech": lambda c: c.speech.create("hi", voice="alloy"),
    "speech_stream": lambda c: b"".join(c.speech.stream("hi", voice="alloy")),
    "speech_events": lambda c: list(c.speech.stream_events("hi", voice="alloy")),
    "transcribe_stream": lambda c: list(c.transcriptions.stream(WAV)),
}

# (case id, operation, status, body, headers, expected exception or None for "tolerated", text in message)
CASES: list[tuple[str, str, int, Any, dict[str, str], type[Exception] | None, str]] = [
    ("wrong-shape-list-data", "list", 200, {"object": "list", "data": "x", "has_more": False}, JSON,
     APIResponseValidationError, "voice consent list"),
    ("missing-required-field", "retrieve", 200, {k: v for k, v in CONSENT.items() if k != "id"}, JSON,
     APIResponseValidationError, "'id'"),
    ("unknown-extra-fields", "retrieve", 200, {**CONSENT, "future": {"nested": [1, 2]}}, JSON, None, ""),
    ("unknown-object-enum", "retrieve", 200, {**CONSENT, "object": "audio.voice_consent.v2"}, JSON, None, ""),
    ("unknown-event-type", "transcribe_stream", 200,
     'data: {"type":"transcript.text.future","x":1}\n\ndata: {"type":"transcript.text.done","text":"t"}\n\n',
     SSE, None, ""),
    ("html-page-with-200", "retrieve", 200, "<html><body>Login</body></html>", {"content-type": "text/html"},
     APIResponseValidationError, "<html>"),
    ("crlf-sse", "transcribe_stream", 200,
     'data: {"type":"transcript.text.delta","delta":"t"}\r\n\r\n'
     'data: {"type":"transcript.text.done","text":"t"}\r\n\r\n',
     SSE, None, ""),
    ("cr-only-sse", "speech_events", 200,
     f'data: {{"type":"speech.audio.delta","audio":"AAA="}}\r\rdata: {json.dumps(DONE)}\r\r', SSE, None, ""),
    ("error-object-with-200", "retrieve", 200, {"error": {"message": "quota gone", "type": "x"}}, JSON,
     APIResponseValidationError, "quota gone"),
    ("error-object-with-200-speech", "speech", 200, {"error": {"message": "no audio today"}}, JSON,
     APIResponseValidationError, "no audio today"),
    ("non-utf8-json", "transcribe", 200, b'{"text":"\xff\xfe"}', JSON, APIResponseValidationError, "JSON"),
    ("non-utf8-text", "transcribe_text", 200, b"caf\xe9\n", {"content-type": "text/plain"}, None, ""),
    ("non-utf8-error-body", "retrieve", 500, b"\xff\xfe oops", {"content-type": "text/plain"},
     InternalServerError, "oops"),
    ("json-array", "retrieve", 200, [CONSENT], JSON, APIResponseValidationError, "JSON object"),
    ("json-null", "transcribe", 200, "null", JSON, APIResponseValidationError, "NoneType"),
    ("number-as-string", "retrieve", 200, {**CONSENT, "created_at": "1700000000"}, JSON,
     APIResponseValidationError, "created_at"),
    ("bool-as-number", "retrieve", 200, {**CONSENT, "created_at": True}, JSON,
     APIResponseValidationError, "created_at"),
    ("string-as-bool", "delete", 200, {"id": "cons_1", "object": "x", "deleted": "yes"}, JSON,
     APIResponseValidationError, "deleted"),
    ("duration-as-string", "verbose", 200, {"text": "t", "language": "en", "duration": "1.5"}, JSON,
     APIResponseValidationError, "duration"),
    ("no-content-204", "delete", 204, b"", {}, APIResponseValidationError, "empty"),
    ("deeply-nested-json", "transcribe", 200, "[" * 100_000, JSON, APIResponseValidationError, "JSON"),
    ("deeply-nested-error-body", "retrieve", 500, "[" * 100_000, JSON, InternalServerError, "500"),
    ("huge-integer", "transcribe", 200, '{"text":"a","n":' + "9" * 5000 + "}", JSON,
     APIResponseValidationError, "JSON"),
    ("bom-prefixed-json", "retrieve", 200, b"\xef\xbb\xbf" + json.dumps(CONSENT).encode(), JSON, None, ""),
    ("error-as-string", "retrieve", 503, {"error": "overloaded"}, JSON, InternalServerError, "overloaded"),
    ("gzip-declared-json", "retrieve", 200, json.dumps(CONSENT), {**JSON, "content-encoding": "gzip"},
     APIConnectionError, "decode"),
    ("gzip-declared-audio-stream", "speech_stream", 200, b"ID3 not gzip",
     {"content-type": "audio/mpeg", "content-encoding": "gzip"}, APIConnectionError, "decode"),
    ("gzip-declared-sse", "speech_events", 200, b"data: {}\n\n", {**SSE, "content-encoding": "gzip"},
     APIConnectionError, "decode"),
    ("sse-for-json-endpoint", "transcribe", 200, "data: {}\n\n", SSE, APIResponseValidationError, "JSON"),
    ("json-for-sse-endpoint", "speech_events", 200, CONSENT, JSON,
     APIResponseValidationError, "event stream"),
    *[
        (f"redirect-{status}-{op}", op, status, b"", {"location": "https://elsewhere.example/v1/x"},
         APIStatusError, "not followed")
        for status in (301, 302, 303, 307, 308)
        for op in ("retrieve", "speech", "speech_stream")
    ],
]  # fmt: skip


@pytest.mark.parametrize(
    ("op", "status", "body", "headers", "expected", "fragment"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_malformed_answer_is_typed_or_tolerated(
    op: str,
    status: int,
    body: Any,
    headers: dict[str, str],
    expected: type[Exception] | None,
    fragment: str,
) -> None:
    with mock_client(answer(status, body, headers)) as client:
        if expected is None:
            assert OPS[op](client) is not None
            return
        with pytest.raises(AudioError) as info:
            OPS[op](client)
    # The exact documented class, never a bare KeyError/JSONDecodeError wrapped or otherwise.
    assert type(info.value) is expected or (expected is APIStatusError and isinstance(info.value, expected))
    assert fragment in str(info.value)
    if isinstance(info.value, APIStatusError | APIResponseValidationError):
        assert info.value.status_code == status


def test_gzip_body_that_is_really_gzip_is_decoded() -> None:
    # The control for the gzip cases: a correct encoding is transparent.
    body = gzip.compress(json.dumps(CONSENT).encode())
    with mock_client(answer(200, body, {**JSON, "content-encoding": "gzip"})) as client:
        assert client.voice_consents.retrieve("cons_1").id == "cons_1"


async def test_async_malformed_answers_are_typed() -> None:
    async with async_mock_client(answer(200, "[" * 100_000, JSON)) as client:
        with pytest.raises(APIResponseValidationError):
            await client.voice_consents.retrieve("cons_1")
    async with async_mock_client(answer(307, b"", {"location": "http://x/"})) as client:
        with pytest.raises(APIStatusError) as info:
            await client.speech.create("hi", voice="alloy")
    assert info.value.status_code == 307


def test_deeply_nested_sse_data_is_a_validation_error() -> None:
    with mock_client(answer(200, "data: " + "[" * 100_000 + "\n\n", SSE)) as client:
        with pytest.raises(APIResponseValidationError):
            list(client.speech.stream_events("hi", voice="alloy"))


def test_unknown_usage_type_in_a_transcription_is_tolerated() -> None:
    body = {"text": "t", "usage": {"type": "minutes", "minutes": 1}}
    with mock_client(answer(200, body, JSON)) as client:
        assert client.transcriptions.create(WAV).text == "t"


# -- through the local server's fault kinds --------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "op", "expected", "fragment"),
    [
        ("truncated_json", "translate", APIResponseValidationError, "not valid JSON"),
        ("empty_200", "voice", APIResponseValidationError, "empty"),
        ("malformed_json", "list", APIResponseValidationError, "voice consent list"),
        ("html_error", "speech", InternalServerError, "502"),
        ("html_error", "speech_events", InternalServerError, "Bad Gateway"),
    ],
)
def test_server_fault_kinds_give_typed_errors(
    client: AudioClient, server: AudioServer, kind: str, op: str, expected: type[Exception], fragment: str
) -> None:
    server.inject(kind)
    with pytest.raises(AudioError) as info:
        OPS[op](client)
    assert type(info.value) is expected
    assert fragment in str(info.value)
    assert server.faults == []


def test_wrong_content_type_on_audio_is_tolerated(client: AudioClient, server: AudioServer) -> None:
    reference = client.speech.create("same words", voice="alloy", response_format="wav")
    server.inject("wrong_content_type", path="/v1/audio/speech")
    assert client.speech.create("same words", voice="alloy", response_format="wav") == reference


def test_garbage_sse_lines_are_tolerated_for_speech(client: AudioClient, server: AudioServer) -> None:
    reference = client.speech.create("garbage lines", voice="alloy", response_format="pcm")
    server.inject("garbage_sse")
    events = list(client.speech.stream_events("garbage lines", voice="alloy", response_format="pcm"))
    audio = b"".join(e.audio_bytes for e in events if e.type == "speech.audio.delta")  # type: ignore[union-attr]
    assert audio == reference
    assert events[-1].type == "speech.audio.done"


async def test_async_missing_final_event_and_error_event(server: AudioServer) -> None:
    from openai_audio import AsyncAudioClient

    async with AsyncAudioClient(base_url=server.base_url, api_key=server.api_key, max_retries=0) as client:
        server.inject("sse_no_done")

        async def transcribe() -> None:
            async with client.transcriptions.stream(WAV) as events:
                async for _ in events:
                    pass

        async def speak() -> None:
            async with client.speech.stream_events("an error midway", voice="alloy") as speech:
                async for _ in speech:
                    pass

        with pytest.raises(StreamError, match="ended before"):
            await transcribe()
        server.inject("sse_error")
        with pytest.raises(StreamError, match="error while streaming"):
            await speak()


# -- through a raw socket: framing no HTTP framework would send ----------------------------------------


@pytest.mark.parametrize(
    ("raw", "op"),
    [
        pytest.param(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Huge: "
            + b"a" * 300_000
            + b"\r\nContent-Length: 2\r\n\r\n{}",
            "retrieve",
            id="oversized-header-block",
        ),
        pytest.param(
            b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"id":',
            "retrieve",
            id="content-length-longer-than-body",
        ),
        pytest.param(
            b"HTTP/1.1 200 OK\r\nContent-Type: audio/mpeg\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nxx\r\n",
            "speech",
            id="broken-chunked-framing",
        ),
        pytest.param(b"SMTP ready\r\n\r\n", "list", id="not-http-at-all"),
        pytest.param(b"", "list", id="closed-without-answer"),
    ],
)
def test_broken_framing_is_a_connection_error(raw: bytes, op: str) -> None:
    with (
        RawServer(raw) as raw_server,
        AudioClient(base_url=raw_server.base_url, api_key="sk-raw", max_retries=0, timeout=10) as client,
    ):
        with pytest.raises(APIConnectionError):
            OPS[op](client)
