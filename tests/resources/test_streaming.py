"""SSE edge cases from crafted bodies (httpx.MockTransport); sync and async share one decoder."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import httpx
import pytest

from openai_audio import APIResponseValidationError, AsyncAudioClient, AudioClient, StreamError
from openai_audio._streaming import (
    SpeechAudioDeltaEvent,
    TranscriptTextDeltaEvent,
    TranscriptTextDoneEvent,
    UnknownEvent,
)

DONE = {"type": "transcript.text.done", "text": "hi"}


def _data(event: object) -> str:
    return f"data: {json.dumps(event)}\n\n"


def _sse_handler(
    body: str | bytes, content_type: str = "text/event-stream"
) -> Callable[[httpx.Request], httpx.Response]:
    raw = body.encode() if isinstance(body, str) else body

    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": content_type}, content=raw)

    return handle


@pytest.fixture
def mock_client() -> Iterator[Callable[..., AudioClient]]:
    made: list[AudioClient] = []

    def make(body: str | bytes, content_type: str = "text/event-stream") -> AudioClient:
        http = httpx.Client(transport=httpx.MockTransport(_sse_handler(body, content_type)))
        client = AudioClient(
            api_key="sk-test", base_url="http://127.0.0.1:9/v1", http_client=http, max_retries=0
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.http_client.close()


def _transcribe(client: AudioClient) -> list[object]:
    return list(client.transcriptions.stream(("a.wav", b"RIFF\x00\x00\x00\x00WAVE")))


def test_crlf_comments_unknown_fields_and_done_marker_are_tolerated(
    mock_client: Callable[..., AudioClient],
) -> None:
    body = (
        ": comment\r\nretry: 5\r\nid: 1\r\nnonsense\r\n\r\n"
        'data: {"type": "transcript.text.delta",\r\ndata:  "delta": "h"}\r\n\r\n'
        "event: ping\r\n\r\n"
        f"data: {json.dumps(DONE)}\r\n\r\n"
        "data: [DONE]\r\n\r\n"
    )
    events = _transcribe(mock_client(body))
    assert events == [TranscriptTextDeltaEvent(delta="h"), TranscriptTextDoneEvent(text="hi")]


def test_unknown_event_types_are_passed_through(mock_client: Callable[..., AudioClient]) -> None:
    future = {"type": "transcript.text.future", "x": [1, 2]}
    events = _transcribe(mock_client(_data(future) + _data(DONE)))
    assert events[0] == UnknownEvent(type="transcript.text.future", data=future)
    assert isinstance(events[1], TranscriptTextDoneEvent)


def test_speech_events_are_not_mistaken_for_transcript_events(
    mock_client: Callable[..., AudioClient],
) -> None:
    other = {"type": "speech.audio.delta", "audio": "AAAA"}
    events = _transcribe(mock_client(_data(other) + _data(DONE)))
    assert isinstance(events[0], UnknownEvent)


@pytest.mark.parametrize(
    "body",
    [
        _data({"error": {"message": "boom", "type": "server_error", "code": "x"}}),
        _data({"type": "error", "error": {"message": "boom", "type": "server_error", "code": "x"}}),
        'event: error\ndata: {"message": "boom", "type": "server_error", "code": "x"}\n\n',
    ],
)
def test_errors_in_the_stream_raise_stream_error(mock_client: Callable[..., AudioClient], body: str) -> None:
    client = mock_client(_data({"type": "transcript.text.delta", "delta": "a"}) + body)
    received: list[object] = []
    with (
        pytest.raises(StreamError, match="boom") as info,
        client.transcriptions.stream(("a.wav", b"RIFF")) as s,
    ):
        received.extend(s)
    assert info.value.code == "x"
    assert info.value.type == "server_error"
    assert received == [TranscriptTextDeltaEvent(delta="a")]


def test_plain_text_error_event(mock_client: Callable[..., AudioClient]) -> None:
    with pytest.raises(StreamError, match="overloaded"):
        _transcribe(mock_client("event: error\ndata: overloaded\n\n"))


@pytest.mark.parametrize(
    "body",
    [
        "data: not json\n\n",
        "data: [1, 2]\n\n",
        _data({"type": "transcript.text.delta"}),  # missing delta
        _data({"type": "transcript.text.delta", "delta": 5}),
        _data(
            {
                "type": "transcript.text.segment",
                "id": "s",
                "start": "0",
                "end": 1,
                "text": "t",
                "speaker": "A",
            }
        ),
    ],
)
def test_malformed_data_is_a_validation_error(mock_client: Callable[..., AudioClient], body: str) -> None:
    with pytest.raises(APIResponseValidationError):
        _transcribe(mock_client(body + _data(DONE)))


def test_non_sse_answer_is_a_validation_error(mock_client: Callable[..., AudioClient]) -> None:
    with pytest.raises(APIResponseValidationError, match="event stream"):
        _transcribe(mock_client('{"text": "hi"}', "application/json"))


def test_bad_base64_in_speech_delta(mock_client: Callable[..., AudioClient]) -> None:
    client = mock_client(_data({"type": "speech.audio.delta", "audio": "!!!"}))
    with pytest.raises(APIResponseValidationError, match="Base64"):
        list(client.speech.stream_events("Hi.", voice="alloy"))


def test_empty_stream_ended_early(mock_client: Callable[..., AudioClient]) -> None:
    with pytest.raises(StreamError, match="ended before"):
        _transcribe(mock_client(""))


def test_event_classes_are_frozen_and_typed() -> None:
    event = SpeechAudioDeltaEvent(audio="aGk=")
    assert event.audio_bytes == b"hi" == event.data
    with pytest.raises(AttributeError):
        event.audio = "x"  # type: ignore[misc]


async def test_async_shares_the_decoder() -> None:
    future = {"type": "brand.new", "v": 1}
    body = _data({"type": "transcript.text.delta", "delta": "a"}) + _data(future) + _data(DONE)
    http = httpx.AsyncClient(transport=httpx.MockTransport(_sse_handler(body)))
    async with AsyncAudioClient(
        api_key="sk-test", base_url="http://127.0.0.1:9/v1", http_client=http
    ) as client:
        async with client.transcriptions.stream(("a.wav", b"RIFF")) as events:
            received = [e async for e in events]
        assert received == [
            TranscriptTextDeltaEvent(delta="a"),
            UnknownEvent("brand.new", future),
            DONE_EVENT,
        ]
        error_body = _data({"error": {"message": "nope"}})
        http2 = httpx.AsyncClient(transport=httpx.MockTransport(_sse_handler(error_body)))
        async with AsyncAudioClient(
            api_key="sk-test", base_url="http://127.0.0.1:9/v1", http_client=http2
        ) as c2:
            with pytest.raises(StreamError, match="nope"):
                await _drain(c2)
        await http2.aclose()
    await http.aclose()


DONE_EVENT = TranscriptTextDoneEvent(text="hi")


async def _drain(client: AsyncAudioClient) -> None:
    async for _ in client.transcriptions.stream(("a.wav", b"RIFF")):
        pass
