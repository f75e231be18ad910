"""Injected faults, in-process and through the /__control endpoints."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from server_helpers import assert_error, sse_events

from openai_audio.testing import AudioServer, Fault
from openai_audio.testing._faults import FaultRegistry

SPEECH = {
    "model": "gpt-4o-mini-tts",
    "input": "Fault injection " * 40,
    "voice": "alloy",
    "response_format": "wav",
}


def test_kinds_are_listed() -> None:
    assert {
        "status",
        "rate_limit",
        "server_error",
        "unavailable",
        "drop",
        "stall",
        "truncated_json",
        "html_error",
        "wrong_content_type",
        "empty_200",
        "garbage_sse",
        "sse_no_done",
        "sse_error",
        "malformed_json",
    } == Fault.KINDS
    with pytest.raises(ValueError, match="unknown fault kind"):
        Fault("explode")


@pytest.mark.parametrize(
    ("kind", "status", "error_type"),
    [
        ("rate_limit", 429, "requests"),
        ("server_error", 500, "server_error"),
        ("unavailable", 503, "server_error"),
    ],
)
def test_status_kinds(
    server: AudioServer, client: httpx.Client, kind: str, status: int, error_type: str
) -> None:
    server.inject(kind, path="/v1/audio/voice_consents", retry_after=2, retry_after_ms=1500)
    response = client.get("/audio/voice_consents")
    assert_error(response, status)
    assert response.json()["error"]["type"] == error_type
    assert response.headers["retry-after"] == "2"
    assert response.headers["retry-after-ms"] == "1500"
    assert client.get("/audio/voice_consents").status_code == 200  # count=1: only once


def test_status_with_count_method_body_and_headers(server: AudioServer, client: httpx.Client) -> None:
    server.inject(
        "status",
        status=418,
        count=2,
        method="GET",
        path="voice_consents",
        headers={"x-teapot": "1"},
        body={"error": {"message": "teapot", "type": "tea", "param": None, "code": None}},
    )
    assert (
        client.post("/audio/voice_consents/cons_x", json={"name": "a"}).status_code == 404
    )  # method differs
    for _ in range(2):
        response = client.get("/audio/voice_consents")
        assert response.status_code == 418
        assert response.headers["x-teapot"] == "1"
        assert response.json()["error"]["message"] == "teapot"
    assert client.get("/audio/voice_consents").status_code == 200


def test_status_fault_on_upload_still_drains_and_logs(server: AudioServer, client: httpx.Client) -> None:
    server.inject("server_error", path="transcriptions")
    response = client.post(
        "/audio/transcriptions", files={"file": ("a.wav", b"RIFF" * 100_000)}, data={"model": "whisper-1"}
    )
    assert_error(response, 500)
    record = server.requests[-1]
    assert record.status == 500
    assert record.uploads[0].size == 400_000


def test_drop_json(server: AudioServer, raw_client: httpx.Client) -> None:
    server.inject("drop", path="voice_consents")
    with pytest.raises(httpx.RemoteProtocolError):
        raw_client.get("/audio/voice_consents")
    assert raw_client.get("/audio/voice_consents").status_code == 200


def test_drop_speech_download_after_some_audio(server: AudioServer, raw_client: httpx.Client) -> None:
    server.inject("drop", path="/v1/audio/speech")
    received = bytearray()

    def download() -> None:
        with raw_client.stream("POST", "/audio/speech", json=SPEECH) as response:
            assert response.status_code == 200
            for chunk in response.iter_bytes():
                received.extend(chunk)

    with pytest.raises(httpx.RemoteProtocolError):
        download()
    assert received.startswith(b"RIFF")


def test_stall_times_out_short_clients(server: AudioServer) -> None:
    server.inject("stall", stall=30, path="voice_consents")
    with (
        httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {server.api_key}"}) as c,
        pytest.raises(httpx.ReadTimeout),
    ):
        c.get("/audio/voice_consents", timeout=0.2)
    # A stalled request does not block others.
    assert (
        httpx.get(
            f"{server.base_url}/audio/voice_consents", headers={"Authorization": "Bearer k"}
        ).status_code
        == 200
    )


def test_stall_zero_answers_normally(server: AudioServer, client: httpx.Client) -> None:
    server.inject("stall", stall=0)
    assert client.get("/audio/voice_consents").status_code == 200


def test_stall_ends_on_stop(monkeypatch: pytest.MonkeyPatch) -> None:
    # The client stays connected (so only stop() can end the stall): the stalled request must then
    # be answered normally. Were the stop signal ignored, uvicorn's graceful shutdown would cancel
    # the request after its grace period and the client would see the connection drop instead.
    stalled = threading.Event()
    take = FaultRegistry.take

    def take_and_signal(self: FaultRegistry, *args: Any) -> Fault | None:
        fault = take(self, *args)
        if fault is not None and fault.kind == "stall":
            stalled.set()
        return fault

    monkeypatch.setattr(FaultRegistry, "take", take_and_signal)
    own = AudioServer().start()
    with ThreadPoolExecutor(1) as pool:
        try:
            own.inject("stall", stall=300)
            url = f"{own.base_url}/audio/voice_consents"
            answer = pool.submit(httpx.get, url, headers={"Authorization": "Bearer k"}, timeout=60)
            assert stalled.wait(60), "the request never reached the stall"
        finally:
            own.stop()
        response = answer.result(timeout=60)
    assert response.status_code == 200
    assert response.json()["object"] == "list"
    assert [r.status for r in own.requests] == [200]


@pytest.mark.parametrize(
    ("kind", "check"),
    [
        (
            "truncated_json",
            lambda r: r.status_code == 200 and r.headers["content-type"] == "application/json",
        ),
        ("html_error", lambda r: r.status_code == 502 and r.headers["content-type"].startswith("text/html")),
        (
            "wrong_content_type",
            lambda r: r.status_code == 200 and r.headers["content-type"].startswith("text/plain"),
        ),
        ("empty_200", lambda r: r.status_code == 200 and r.content == b""),
        ("malformed_json", lambda r: r.status_code == 200 and r.json() == {"unexpected": True}),
    ],
)
def test_body_faults(
    server: AudioServer, raw_client: httpx.Client, kind: str, check: Callable[[httpx.Response], bool]
) -> None:
    server.inject(kind, path="voice_consents")
    response = raw_client.get("/audio/voice_consents")
    assert check(response), (response.status_code, response.headers, response.text)
    if kind == "truncated_json":
        with pytest.raises(ValueError):
            response.json()
    if kind == "wrong_content_type":
        assert response.json()["object"] == "list"  # the real body, mislabelled


def test_html_error_with_status(server: AudioServer, raw_client: httpx.Client) -> None:
    server.inject("html_error", status=504)
    response = raw_client.get("/audio/voice_consents")
    assert response.status_code == 504
    assert "<html>" in response.text


def _stream_transcription(client: httpx.Client, wav: bytes) -> httpx.Response:
    return client.post(
        "/audio/transcriptions",
        files={"file": ("a.wav", wav)},
        data={"model": "gpt-4o-transcribe", "stream": "true"},
    )


def test_sse_faults_wait_for_a_streaming_request(
    server: AudioServer, raw_client: httpx.Client, speak: Callable[..., bytes]
) -> None:
    wav = speak("One two three four five.")
    server.inject("sse_no_done")
    assert raw_client.get("/audio/voice_consents").status_code == 200  # not SSE: the fault stays queued
    assert len(server.requests) and server.requests[-1].status == 200
    events = sse_events(_stream_transcription(raw_client, wav).text)
    assert events
    assert all(e["type"] == "transcript.text.delta" for e in events)
    assert sse_events(_stream_transcription(raw_client, wav).text)[-1]["type"] == "transcript.text.done"


def test_garbage_sse_is_ignorable(
    server: AudioServer, raw_client: httpx.Client, speak: Callable[..., bytes]
) -> None:
    wav = speak("One two three.")
    server.inject("garbage_sse")
    text = _stream_transcription(raw_client, wav).text
    assert ": keep-alive" in text
    assert "no colon" in text
    events = sse_events(text)
    assert events[-1] == events[-1] | {"type": "transcript.text.done", "text": "One two three."}


def test_sse_error_midway(server: AudioServer, raw_client: httpx.Client) -> None:
    server.inject("sse_error", path="speech")
    response = raw_client.post("/audio/speech", json=SPEECH | {"stream_format": "sse"})
    events = sse_events(response.text)
    assert events[0]["type"] == "speech.audio.delta"
    assert set(events[-1]["error"]) == {"message", "type", "param", "code"}
    assert not any(e.get("type") == "speech.audio.done" for e in events)


def test_sse_no_done_on_speech(server: AudioServer, raw_client: httpx.Client) -> None:
    server.inject("sse_no_done", path="speech")
    events = sse_events(raw_client.post("/audio/speech", json=SPEECH | {"stream_format": "sse"}).text)
    assert events
    assert {e["type"] for e in events} == {"speech.audio.delta"}


def test_clear_faults(server: AudioServer, client: httpx.Client) -> None:
    server.inject("server_error", count=5)
    assert len(server.faults) == 1
    server.clear_faults()
    assert client.get("/audio/voice_consents").status_code == 200


def test_control_endpoints(server: AudioServer) -> None:
    control = server.base_url.removesuffix("/v1") + "/__control"
    with httpx.Client() as c:
        created = c.post(f"{control}/faults", json={"kind": "rate_limit", "retry_after": 1}).json()
        assert created["kind"] == "rate_limit"
        assert c.get(f"{control}/faults").json()["faults"][0]["id"] == created["id"]
        api = httpx.Client(base_url=server.base_url, headers={"Authorization": "Bearer k"})
        assert api.get("/audio/voice_consents").status_code == 429
        c.post(f"{control}/faults", json={"kind": "server_error"})
        assert c.delete(f"{control}/faults").json() == {"cleared": True}
        assert api.get("/audio/voice_consents").status_code == 200
        log = c.get(f"{control}/requests").json()["requests"]
        assert [r["status"] for r in log] == [429, 200]
        assert "authorization" not in log[0]["headers"]
        assert c.post(f"{control}/faults", json={"kind": "nope"}).status_code == 400
        assert c.post(f"{control}/faults", json={"kind": "drop", "bogus": 1}).status_code == 400
        assert c.post(f"{control}/reset").json() == {"reset": True}
        assert c.get(f"{control}/requests").json()["requests"] == []
        api.close()
