"""Auth, request ids, unknown routes, the public API surface and the pytest plugin."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest
from server_helpers import assert_error

import openai_audio.testing
from openai_audio.testing import AudioServer


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
