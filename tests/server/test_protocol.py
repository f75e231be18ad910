"""Auth, request ids, unknown routes, the public API surface and the pytest plugin."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import httpx
import pytest
from server_helpers import assert_error

import openai_audio.testing
from openai_audio.testing import AudioServer

_MULTIPART = "multipart/form-data; boundary=xyz"
_TOO_BIG = 11 * 1024 * 1024  # over the 10 MiB sample limit (413 with a key)
# Bodies that fail before any validation when a key is given: unparsable JSON (400), a wrong content
# type (415), JSON over the 1 MiB limit (413), a broken multipart (400), an oversized sample (413).
BAD_BODIES: list[tuple[str, str, dict[str, Any]]] = [
    (
        "speech, invalid JSON",
        "/audio/speech",
        {"content": b"{not json", "headers": {"content-type": "application/json"}},
    ),
    ("speech, not JSON", "/audio/speech", {"content": b"x", "headers": {"content-type": "text/plain"}}),
    ("speech, JSON over 1 MiB", "/audio/speech", {"json": {"input": "x" * (1024 * 1024 + 1)}}),
    (
        "transcription, broken multipart",
        "/audio/transcriptions",
        {"content": b"garbage", "headers": {"content-type": _MULTIPART}},
    ),
    (
        "translation, broken multipart",
        "/audio/translations",
        {"content": b"garbage", "headers": {"content-type": _MULTIPART}},
    ),
    (
        "transcription, field over 1 MiB",
        "/audio/transcriptions",
        {"files": {"prompt": (None, "x" * (1024 * 1024 + 1))}},
    ),
    (
        "consent, 11 MiB recording",
        "/audio/voice_consents",
        {
            "files": {
                "name": (None, "n"),
                "language": (None, "en"),
                "recording": ("a.wav", bytes(_TOO_BIG), "audio/wav"),
            }
        },
    ),
    (
        "consent update, invalid JSON",
        "/audio/voice_consents/cons_x",
        {"content": b"{", "headers": {"content-type": "application/json"}},
    ),
    (
        "voice, 11 MiB sample",
        "/audio/voices",
        {
            "files": {
                "name": (None, "v"),
                "consent": (None, "cons_x"),
                "audio_sample": ("s.wav", bytes(_TOO_BIG), "audio/wav"),
            }
        },
    ),
]


def test_public_api() -> None:
    assert sorted(openai_audio.testing.__all__) == [
        "AudioServer",
        "Fault",
        "RecordedRequest",
        "UploadRecord",
        "create_app",
    ]
    for name in openai_audio.testing.__all__:
        assert getattr(openai_audio.testing, name) is not None


@pytest.mark.parametrize("header", [None, "", "Bearer", "Basic abc", "Token sk-x"])
def test_missing_or_malformed_auth(server: AudioServer, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    response = httpx.get(f"{server.base_url}/audio/voice_consents", headers=headers)
    assert_error(response, 401, None, "invalid_api_key")
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_any_key_accepted_by_default(server: AudioServer) -> None:
    assert server.api_key == "sk-local-test"
    response = httpx.get(
        f"{server.base_url}/audio/voice_consents", headers={"Authorization": "Bearer whatever"}
    )
    assert response.status_code == 200


def test_api_keys_restrict_and_are_never_echoed() -> None:
    with AudioServer(api_keys=["sk-one", "sk-two"]) as own:
        assert own.api_key == "sk-one"
        url = f"{own.base_url}/audio/voice_consents"
        assert httpx.get(url, headers={"Authorization": "Bearer sk-two"}).status_code == 200
        wrong = httpx.get(url, headers={"Authorization": "Bearer sk-secret-guess"})
        assert_error(wrong, 401, None, "invalid_api_key")
        assert "sk-secret-guess" not in wrong.text
        assert all("authorization" not in r.headers for r in own.requests)
        assert "sk-secret-guess" not in repr(own.requests)


def test_every_response_has_a_request_id(server: AudioServer, client: httpx.Client) -> None:
    responses = [
        client.get("/audio/voice_consents"),
        client.get("/audio/nope"),
        client.put("/audio/speech"),
        httpx.get(f"{server.base_url}/audio/voice_consents"),
        client.post("/audio/speech", json={"model": "tts-1"}),
    ]
    ids = [r.headers["x-request-id"] for r in responses]
    assert all(i.startswith("req_") and len(i) > 8 for i in ids)
    assert len(set(ids)) == len(ids)
    assert [r.request_id for r in server.requests] == ids


def test_unknown_routes_are_json(client: httpx.Client) -> None:
    assert_error(client.get("/audio/unknown"), 404)
    assert_error(client.get("/audio/voice_consents/a/b"), 404)
    assert_error(client.delete("/audio/voices"), 405)


def test_request_log_query_and_json(server: AudioServer, client: httpx.Client) -> None:
    client.get("/audio/voice_consents", params={"limit": "5"})
    client.post("/audio/voice_consents/cons_x", json={"name": "n"})
    first, second = server.requests
    assert first.query == {"limit": "5"}
    assert first.json is None
    assert second.json == {"name": "n"}
    assert second.status == 404
    server.clear_requests()
    assert server.requests == []


def test_plugin_does_not_import_the_server_stack() -> None:
    code = (
        "import sys, openai_audio.testing.pytest_plugin as p; "
        "bad = [m for m in ('starlette', 'uvicorn', 'multipart') if m in sys.modules]; "
        "assert not bad, bad; print('ok')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_plugin_fixture_is_session_scoped(audio_server: AudioServer, server: AudioServer) -> None:
    assert audio_server is server
    assert audio_server.base_url.startswith("http://127.0.0.1:")
    assert audio_server.base_url.endswith("/v1")


def test_restart_after_stop() -> None:
    own = AudioServer()
    own.start()
    own.stop()
    own.start()
    try:
        assert (
            httpx.get(
                f"{own.base_url}/audio/voice_consents", headers={"Authorization": "Bearer k"}
            ).status_code
            == 200
        )
    finally:
        own.stop()


def _post_bad_body(base_url: str, path: str, key: str | None, request: dict[str, Any]) -> httpx.Response:
    headers = dict(request.get("headers", {}))
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    return httpx.post(f"{base_url}{path}", timeout=30, **(request | {"headers": headers}))


@pytest.mark.parametrize(
    ("path", "request_kwargs"), [b[1:] for b in BAD_BODIES], ids=[b[0] for b in BAD_BODIES]
)
def test_auth_is_checked_before_the_body_is_read(
    server: AudioServer, path: str, request_kwargs: dict[str, Any]
) -> None:
    with_key = _post_bad_body(server.base_url, path, server.api_key, request_kwargs)
    assert with_key.status_code in (400, 413, 415), with_key.text  # the body really is bad
    server.clear_requests()
    without_key = _post_bad_body(server.base_url, path, None, request_kwargs)
    assert_error(without_key, 401, None, "invalid_api_key")
    [logged] = server.requests
    # Nothing of the body was parsed: no form fields, uploads or JSON were recorded.
    assert (logged.status, logged.form, logged.uploads, logged.json) == (401, {}, [], None)


@pytest.mark.parametrize(
    ("path", "request_kwargs"), [b[1:] for b in BAD_BODIES], ids=[b[0] for b in BAD_BODIES]
)
def test_wrong_key_is_refused_before_the_body_is_read(path: str, request_kwargs: dict[str, Any]) -> None:
    with AudioServer(api_keys=["sk-right"]) as own:
        wrong = _post_bad_body(own.base_url, path, "sk-wrong", request_kwargs)
        assert_error(wrong, 401, None, "invalid_api_key")
        assert "sk-wrong" not in wrong.text
        right = _post_bad_body(own.base_url, path, "sk-right", request_kwargs)
        assert right.status_code in (400, 413, 415), right.text
        refused, answered = own.requests
        assert (refused.status, refused.form, refused.uploads, refused.json) == (401, {}, [], None)
        assert answered.status == right.status_code


def test_connection_is_reused_after_an_unread_body_is_refused(server: AudioServer) -> None:
    # The 401 goes out before the upload is read; the server discards the rest and keeps the connection.
    big = {
        "recording": ("a.wav", bytes(_TOO_BIG), "audio/wav"),
        "name": (None, "n"),
        "language": (None, "en"),
    }
    with httpx.Client(base_url=server.base_url, timeout=30) as c:
        assert c.post("/audio/voice_consents", files=big).status_code == 401
        ok = c.get("/audio/voice_consents", headers={"Authorization": f"Bearer {server.api_key}"})
        assert ok.status_code == 200
        assert c.post("/audio/voice_consents", files=big).status_code == 401


def test_unauthenticated_requests_do_not_use_up_faults(server: AudioServer, client: httpx.Client) -> None:
    server.inject("status", status=503, path="/v1/audio/speech")
    response = httpx.post(
        f"{server.base_url}/audio/speech", content=b"{", headers={"content-type": "application/json"}
    )
    assert_error(response, 401, None, "invalid_api_key")
    assert len(server.faults) == 1
    assert client.post("/audio/speech", json={}).status_code == 503


def test_unknown_routes_need_no_key(server: AudioServer) -> None:
    # Routing comes first: an unknown URL or method is a 404/405 with or without a key.
    assert_error(httpx.get(f"{server.base_url}/audio/unknown"), 404)
    assert_error(httpx.delete(f"{server.base_url}/audio/voices"), 405)
