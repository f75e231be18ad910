"""The SDK's escape hatches on every façade method: extra_headers/extra_query/extra_body/timeout,
with_raw_response and with_streaming_response, sync and async, against the local server's log."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from openai_audio import (
    APIResponse,
    AsyncAudioClient,
    AudioClient,
    BadRequestError,
    InternalServerError,
    InvalidArgumentTypeError,
    NotFoundError,
    Page,
    Transcription,
    TranscriptTextDoneEvent,
    VoiceConsent,
)
from openai_audio.testing import AudioServer

from .conftest import make_wav

SAMPLE = make_wav(3.0)


def _consent(client: AudioClient) -> VoiceConsent:
    return client.voice_consents.create(name="c", recording=("c.wav", SAMPLE), language="en")


# Every method that sends one request, as (name, kind of body, call taking the client and the extras).
Call = Callable[..., Any]
METHODS: list[tuple[str, str | None, Call]] = [
    ("speech.create", "json", lambda c, cid, **x: c.speech.create("Hi.", voice="alloy", **x)),
    (
        "transcriptions.create",
        "form",
        lambda c, cid, **x: c.transcriptions.create(("a.wav", SAMPLE), model="whisper-1", **x),
    ),
    (
        "translations.create",
        "form",
        lambda c, cid, **x: c.translations.create(("a.wav", SAMPLE), **x),
    ),
    (
        "voice_consents.create",
        "form",
        lambda c, cid, **x: c.voice_consents.create(
            name="n", recording=("c.wav", SAMPLE), language="en", **x
        ),
    ),
    ("voice_consents.retrieve", None, lambda c, cid, **x: c.voice_consents.retrieve(cid, **x)),
    ("voice_consents.update", "json", lambda c, cid, **x: c.voice_consents.update(cid, name="m", **x)),
    ("voice_consents.list", None, lambda c, cid, **x: c.voice_consents.list(**x)),
    (
        "voices.create",
        "form",
        lambda c, cid, **x: c.voices.create(name="v", audio_sample=("s.wav", SAMPLE), consent=cid, **x),
    ),
    ("voice_consents.delete", None, lambda c, cid, **x: c.voice_consents.delete(cid, **x)),
    (
        "voices.delete",
        None,
        lambda c, cid, **x: c.voices.delete("voice_probe", **x),
    ),
]
IDS = [name for name, _, _ in METHODS]


def _last_request(server: AudioServer) -> Any:
    return server.requests[-1]


# -- extra_headers, extra_query, extra_body -------------------------------------------------------


def _tolerating_refusal(action: Callable[[], Any]) -> None:
    """Run ``action``; the server may refuse a query parameter it does not know (as the API does)."""
    refused: list[BadRequestError] = []
    try:
        action()
    except BadRequestError as exc:
        refused.append(exc)
    except NotFoundError:
        pass  # voices.delete of an id that does not exist: the request still arrived
    assert all(exc.param == "probe" for exc in refused)


@pytest.mark.parametrize(("name", "body", "call"), METHODS, ids=IDS)
def test_every_method_sends_extra_headers_and_query(
    client: AudioClient, server: AudioServer, name: str, body: str | None, call: Call
) -> None:
    cid = _consent(client).id
    _tolerating_refusal(lambda: call(client, cid, extra_headers={"X-Probe": "h"}, extra_query={"probe": "q"}))
    sent = _last_request(server)
    assert sent.headers["x-probe"] == "h" and sent.query["probe"] == "q"


@pytest.mark.parametrize(("name", "body", "call"), METHODS, ids=IDS)
async def test_every_async_method_sends_extra_headers_and_query(
    aclient: AsyncAudioClient,
    client: AudioClient,
    server: AudioServer,
    name: str,
    body: str | None,
    call: Call,
) -> None:
    cid = _consent(client).id
    refused: list[BadRequestError] = []
    try:
        await call(aclient, cid, extra_headers={"X-Probe": "h"}, extra_query={"probe": "q"})
    except BadRequestError as exc:
        refused.append(exc)
    except NotFoundError:
        pass
    assert all(exc.param == "probe" for exc in refused)
    sent = _last_request(server)
    assert sent.headers["x-probe"] == "h" and sent.query["probe"] == "q"


BODY_METHODS = [m for m in METHODS if m[1] is not None]


@pytest.mark.parametrize(("name", "body", "call"), BODY_METHODS, ids=[m[0] for m in BODY_METHODS])
def test_extra_body_is_a_json_key_or_a_form_field(
    client: AudioClient, server: AudioServer, name: str, body: str, call: Call
) -> None:
    cid = _consent(client).id
    with pytest.raises(BadRequestError) as info:
        call(client, cid, extra_body={"probe": "b"})
    assert info.value.param == "probe"
    sent = _last_request(server)
    if body == "json":
        assert sent.json["probe"] == "b"
    else:
        assert sent.form["probe"] == ["b"]


def test_extra_body_replaces_a_field_the_method_set(client: AudioClient, server: AudioServer) -> None:
    client.transcriptions.create(
        ("a.wav", SAMPLE), model="whisper-1", language="fr", extra_body={"language": "en"}
    )
    assert _last_request(server).form["language"] == ["en"]
    client.speech.create("Hi.", voice="alloy", extra_body={"voice": "echo", "speed": 1.5})
    assert _last_request(server).json | {} == {
        "model": "gpt-4o-mini-tts",
        "input": "Hi.",
        "voice": "echo",
        "speed": 1.5,
    }


def test_extra_body_list_and_dict_become_bracketed_form_fields(
    client: AudioClient, server: AudioServer
) -> None:
    client.transcriptions.create(
        ("a.wav", SAMPLE),
        model="gpt-4o-transcribe",
        extra_body={"include": ["logprobs"], "chunking_strategy": {"type": "server_vad", "threshold": 0.4}},
    )
    form = _last_request(server).form
    assert form["include[]"] == ["logprobs"]
    assert form["chunking_strategy[type]"] == ["server_vad"]
    assert form["chunking_strategy[threshold]"] == ["0.4"]


@pytest.mark.parametrize(
    "extras",
    [
        {"extra_headers": ["X-A"]},
        {"extra_query": {1: "x"}},
        {"extra_body": {"x": object()}},
    ],
)
def test_bad_extras_fail_before_any_request_and_close_the_file(
    client: AudioClient, server: AudioServer, tmp_path: Path, extras: dict[str, Any]
) -> None:
    path = tmp_path / "a.wav"
    path.write_bytes(SAMPLE)
    with open(path, "rb") as handle:
        with pytest.raises(InvalidArgumentTypeError) as info:
            client.transcriptions.create(handle, model="whisper-1", **extras)
        assert info.value.argument in ("extra_headers", "extra_query", "extra_body")
        assert not handle.closed  # the caller's file object stays theirs
    server_requests = [r for r in server.requests if r.path.endswith("/transcriptions")]
    assert server_requests == []


def test_extras_reach_streams_and_saves(client: AudioClient, server: AudioServer, tmp_path: Path) -> None:
    extras: dict[str, Any] = {"extra_headers": {"X-Probe": "s"}, "extra_body": {"speed": 2.0}}
    with client.speech.stream("Hi.", voice="alloy", **extras) as audio:
        b"".join(audio)
    assert _last_request(server).headers["x-probe"] == "s" and _last_request(server).json["speed"] == 2.0
    with client.speech.stream_events("Hi.", voice="alloy", **extras) as events:
        list(events)
    assert _last_request(server).json["speed"] == 2.0
    client.speech.save("Hi.", tmp_path / "hi.wav", voice="alloy", **extras)
    assert _last_request(server).json["speed"] == 2.0
    with client.transcriptions.stream(("a.wav", SAMPLE), extra_body={"language": "en"}) as stream:
        list(stream)
    assert _last_request(server).form["language"] == ["en"]


async def test_async_extras_reach_streams(aclient: AsyncAudioClient, server: AudioServer) -> None:
    async with aclient.transcriptions.stream(("a.wav", SAMPLE), extra_headers={"X-Probe": "a"}) as events:
        [event async for event in events]
    assert _last_request(server).headers["x-probe"] == "a"


# -- with_raw_response ----------------------------------------------------------------------------

RAW: list[tuple[str, Call, type | None]] = [
    ("speech.create", lambda c, cid: c.speech.with_raw_response.create("Hi.", voice="alloy"), bytes),
    (
        "transcriptions.create",
        lambda c, cid: c.transcriptions.with_raw_response.create(("a.wav", SAMPLE), model="whisper-1"),
        Transcription,
    ),
    ("translations.create", lambda c, cid: c.translations.with_raw_response.create(("a.wav", SAMPLE)), None),
    (
        "voice_consents.create",
        lambda c, cid: c.voice_consents.with_raw_response.create(
            name="n", recording=("c.wav", SAMPLE), language="en"
        ),
        VoiceConsent,
    ),
    (
        "voice_consents.retrieve",
        lambda c, cid: c.voice_consents.with_raw_response.retrieve(cid),
        VoiceConsent,
    ),
    (
        "voice_consents.update",
        lambda c, cid: c.voice_consents.with_raw_response.update(cid, name="m"),
        VoiceConsent,
    ),
    ("voice_consents.list", lambda c, cid: c.voice_consents.with_raw_response.list(limit=1), Page),
    (
        "voices.create",
        lambda c, cid: c.voices.with_raw_response.create(
            name="v", audio_sample=("s.wav", SAMPLE), consent=cid
        ),
        None,
    ),
    ("voice_consents.delete", lambda c, cid: c.voice_consents.with_raw_response.delete(cid), None),
    # Its second argument is a voice id (made by _ids), not a consent id.
    ("voices.delete", lambda c, vid: c.voices.with_raw_response.delete(vid), None),
]


def _ids(client: AudioClient, name: str) -> str:
    """The id the raw call of ``name`` takes: a consent's, or for voices.delete a voice's."""
    cid = _consent(client).id
    if name == "voices.delete":
        return client.voices.create(name="d", audio_sample=("s.wav", SAMPLE), consent=cid).id
    return cid


@pytest.fixture
def limited(server: AudioServer) -> Iterator[AudioServer]:
    """The server with a generous rate limit, so that its replies carry the x-ratelimit headers."""
    server.set_rate_limit(600_000)
    try:
        yield server
    finally:
        server.set_rate_limit(None)


def _check_raw(raw: Any, kind: type | None, server: AudioServer) -> None:
    assert isinstance(raw, APIResponse)
    sent = _last_request(server)
    assert raw.status_code == 200
    assert raw.request_id == raw.headers["x-request-id"] == sent.request_id
    assert raw.http_request.method == sent.method and raw.http_request.url.path == sent.path
    assert raw.http_response.status_code == 200 and raw.content
    assert "x-ratelimit-limit-requests" in raw.headers  # rate-limit headers reachable on success
    parsed = raw.parse()
    assert parsed is raw.parse()  # parsed once
    if kind is not None:
        assert isinstance(parsed, kind)


@pytest.mark.parametrize(("name", "call", "kind"), RAW, ids=[r[0] for r in RAW])
def test_with_raw_response_on_every_method(
    client: AudioClient, limited: AudioServer, name: str, call: Call, kind: type | None
) -> None:
    server = limited
    _check_raw(call(client, _ids(client, name)), kind, server)


@pytest.mark.parametrize(("name", "call", "kind"), RAW, ids=[r[0] for r in RAW])
async def test_async_with_raw_response_on_every_method(
    aclient: AsyncAudioClient,
    client: AudioClient,
    limited: AudioServer,
    name: str,
    call: Call,
    kind: type | None,
) -> None:
    server = limited
    result = call(aclient, _ids(client, name))
    assert isinstance(result, Awaitable)
    _check_raw(await result, None if kind is Page else kind, server)


def test_raw_errors_raise_as_usual(client: AudioClient) -> None:
    with pytest.raises(Exception) as info:
        client.voice_consents.with_raw_response.retrieve("cons_missing")
    assert type(info.value).__name__ == "NotFoundError"


def test_raw_list_pages_on_normally(client: AudioClient, server: AudioServer) -> None:
    for _ in range(3):
        _consent(client)
    raw = client.voice_consents.with_raw_response.list(limit=1)
    page = raw.parse()
    following = page.get_next_page()  # an ordinary page, not another raw response
    assert isinstance(following, Page) and len(following.data) == 1
    assert raw.json()["data"][0]["id"] == page.data[0].id


# -- with_streaming_response ----------------------------------------------------------------------


def test_streaming_speech_reads_the_body_only_when_asked(client: AudioClient) -> None:
    whole = client.speech.create("Stream me.", voice="alloy", response_format="wav")
    with client.speech.with_streaming_response.create(
        "Stream me.", voice="alloy", response_format="wav"
    ) as r:
        assert r.status_code == 200 and r.headers["content-type"] == "audio/wav"
        assert r.request_id and r.http_request.method == "POST"
        assert not r.http_response.is_stream_consumed  # nothing read yet
        assert b"".join(r.iter_bytes(1000)) == whole
    with client.speech.with_streaming_response.create(
        "Stream me.", voice="alloy", response_format="wav"
    ) as r:
        assert r.parse() == whole


def test_streaming_speech_to_file_is_atomic(client: AudioClient, server: AudioServer, tmp_path: Path) -> None:
    target = tmp_path / "out.wav"
    with client.speech.with_streaming_response.create("Save me.", voice="alloy", response_format="wav") as r:
        assert r.stream_to_file(target) == target
    assert target.read_bytes() == client.speech.create("Save me.", voice="alloy", response_format="wav")
    target.write_bytes(b"old")
    server.inject("drop", path="/v1/audio/speech")
    with pytest.raises(Exception):
        with client.speech.with_streaming_response.create("Save me.", voice="alloy") as r:
            r.stream_to_file(target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.wav"]  # no part file left


def test_streaming_response_error_status_raises_on_enter(client: AudioClient, server: AudioServer) -> None:
    server.inject("status", status=500, path="/v1/audio/speech")
    with pytest.raises(InternalServerError):
        with client.speech.with_streaming_response.create("Hi.", voice="alloy"):
            pass


def test_streaming_transcription_and_speech_events(client: AudioClient) -> None:
    with client.transcriptions.with_streaming_response.stream(("a.wav", SAMPLE)) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        events = list(r.parse())
    assert isinstance(events[-1], TranscriptTextDoneEvent)
    with client.speech.with_streaming_response.stream_events("Hi.", voice="alloy") as r:
        kinds = [event.type for event in r.parse()]
    assert kinds[-1] == "speech.audio.done"


async def test_async_streaming_responses(aclient: AsyncAudioClient, tmp_path: Path) -> None:
    whole = await aclient.speech.create("Async stream.", voice="alloy", response_format="wav")
    async with aclient.speech.with_streaming_response.create(
        "Async stream.", voice="alloy", response_format="wav"
    ) as r:
        assert r.status_code == 200 and not r.http_response.is_stream_consumed
        assert b"".join([chunk async for chunk in r.iter_bytes()]) == whole
    async with aclient.speech.with_streaming_response.create(
        "Async stream.", voice="alloy", response_format="wav"
    ) as r:
        await r.stream_to_file(tmp_path / "a.wav")
    assert (tmp_path / "a.wav").read_bytes() == whole
    async with aclient.transcriptions.with_streaming_response.stream(("a.wav", SAMPLE)) as r:
        events = [event async for event in await r.parse()]
    assert isinstance(events[-1], TranscriptTextDoneEvent)
