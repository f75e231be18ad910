"""Client configuration: arguments, environment, defaults, copies, closing, secrecy."""

from __future__ import annotations

import logging
import warnings

import httpx
import pytest

import openai_audio
from helpers import CannedResponse, RecordingServer
from openai_audio import AsyncAudioClient, AudioClient, errors
from openai_audio.testing import AudioServer
from openai_audio_api import AuthenticatedClient
from openai_audio_api.api.audio import list_voice_consents

KEY = "sk-secret-do-not-leak-1234"
EMPTY_LIST = CannedResponse.json(
    {"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_LOG"):
        monkeypatch.delenv(name, raising=False)


def test_missing_key_names_the_environment_variable() -> None:
    with pytest.raises(errors.MissingAPIKeyError, match="OPENAI_API_KEY") as info:
        AudioClient()
    assert isinstance(info.value, ValueError)
    with pytest.raises(errors.MissingAPIKeyError):
        AsyncAudioClient()


def test_environment_is_read(monkeypatch: pytest.MonkeyPatch, recording_server: RecordingServer) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", f"{recording_server.base_url}/v1")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-1")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-1")
    recording_server.response = EMPTY_LIST
    with AudioClient() as client:
        assert client.base_url == f"{recording_server.base_url}/v1"
        client.voice_consents.list()
    sent = recording_server.last
    assert sent.path == "/v1/audio/voice_consents"
    assert sent.header("OpenAI-Organization") == "org-1"
    assert sent.header("OpenAI-Project") == "proj-1"
    assert sent.header("Authorization") == f"Bearer {KEY}"


def test_arguments_beat_the_environment(
    monkeypatch: pytest.MonkeyPatch, recording_server: RecordingServer
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    recording_server.response = EMPTY_LIST
    with AudioClient(api_key=KEY, base_url=f"{recording_server.base_url}/v2/") as client:
        assert client.base_url == f"{recording_server.base_url}/v2"
        client.voice_consents.list()
    assert recording_server.last.path == "/v2/audio/voice_consents"
    assert recording_server.last.header("Authorization") == f"Bearer {KEY}"


def test_defaults() -> None:
    with AudioClient(api_key=KEY) as client:
        assert client.base_url == "https://api.openai.com/v1"
        assert client.timeout.connect == 5.0
        assert client.timeout.read == 600.0
        assert client.max_retries == 2
        assert client.http_client.follow_redirects is False


def test_bad_settings_are_typed_errors_naming_the_argument() -> None:
    with pytest.raises(errors.InvalidArgumentError, match="max_retries"):
        AudioClient(api_key=KEY, max_retries=-1)
    with pytest.raises(errors.InvalidArgumentTypeError, match="timeout"):
        AudioClient(api_key=KEY, timeout="fast")  # type: ignore[arg-type]
    with pytest.raises(errors.InvalidArgumentError, match="base_url"):
        AudioClient(api_key=KEY, base_url="ftp://example.com")


def test_plain_http_to_a_remote_host_warns_but_loopback_does_not() -> None:
    with pytest.warns(openai_audio.InsecureBaseURLWarning):
        AudioClient(api_key=KEY, base_url="http://api.example.com/v1").close()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        AudioClient(api_key=KEY, base_url="http://127.0.0.1:8080/v1").close()
        AudioClient(api_key=KEY, base_url="http://localhost:8080/v1").close()


def test_key_never_in_repr_or_str() -> None:
    client = AudioClient(api_key=KEY)
    for text in (
        repr(client),
        str(client),
        repr(client.raw),
        repr(client.with_options(timeout=3)),
        repr(client._config),
        repr(client.http_client.headers),
    ):
        assert KEY not in text
    client.close()


def test_with_options_copies_share_the_pool_and_keep_the_original(audio_server: AudioServer) -> None:
    sent: list[str] = []
    pool = httpx.Client(event_hooks={"request": [lambda request: sent.append(request.url.path)]})
    with AudioClient(
        api_key=audio_server.api_key, base_url=audio_server.base_url, http_client=pool
    ) as client:
        copy = client.with_options(timeout=3, max_retries=5)
        assert copy.max_retries == 5 and client.max_retries == 2
        assert copy.timeout.read == 3 and client.timeout.read == 600
        assert copy.http_client.timeout.read == 3 and client.http_client.timeout.read == 600
        copy.voice_consents.list()
        copy.close()  # a copy does not own the pool...
        client.voice_consents.list()  # ...nor the original's own httpx client
        assert not client.http_client.is_closed
    assert client.http_client.is_closed
    assert sent == ["/v1/audio/voice_consents"] * 2  # both through the one pool
    pool.close()


def test_a_pool_we_create_is_closed_with_the_client_but_not_by_copies() -> None:
    client = AudioClient(api_key=KEY)
    copy = client.with_options(timeout=3)
    copy.close()
    assert copy.http_client.is_closed and not client.http_client.is_closed
    client.close()
    assert client.http_client.is_closed
    with pytest.raises(RuntimeError, match="closed"):
        client.with_options().http_client.get("audio/voices")  # the pool itself is closed


def test_raw_is_the_generated_client_on_the_same_pool(audio_server: AudioServer) -> None:
    sent: list[str] = []
    pool = httpx.Client(event_hooks={"request": [lambda request: sent.append(request.url.path)]})
    with AudioClient(
        api_key=audio_server.api_key, base_url=audio_server.base_url, http_client=pool
    ) as client:
        assert isinstance(client.raw, AuthenticatedClient)
        assert client.raw is client.raw
        # Its own httpx client: the generated client's with_headers()/with_timeout() write into it.
        raw_http = client.raw.get_httpx_client()
        assert raw_http is not client.http_client and raw_http is not pool
        assert list_voice_consents.sync_detailed(client=client.raw).status_code == 200
    assert raw_http.is_closed
    assert sent == ["/v1/audio/voice_consents"]
    pool.close()


def test_user_http_client_is_used_with_our_settings_and_retries(audio_server: AudioServer) -> None:
    audio_server.clear_requests()
    audio_server.inject("status", status=503, path="/v1/audio/voice_consents", method="GET")
    http = httpx.Client()
    with AudioClient(
        api_key=audio_server.api_key, base_url=audio_server.base_url, http_client=http
    ) as client:
        client._set_retry_clock(lambda seconds: None, lambda: 0.0)
        assert client.voice_consents.list().data is not None
    assert [r.status for r in audio_server.requests] == [503, 200]
    assert not http.is_closed  # the caller owns it
    http.close()


def test_a_timeout_given_to_the_users_http_client_is_kept_unless_timeout_is_passed() -> None:
    with httpx.Client(timeout=12) as http, AudioClient(api_key=KEY, http_client=http) as client:
        assert client.timeout.read == 12 and client.http_client.timeout.read == 12
    with httpx.Client(timeout=12) as http, AudioClient(api_key=KEY, http_client=http, timeout=3) as client:
        assert client.timeout.read == 3 and client.http_client.timeout.read == 3
        assert http.timeout.read == 12  # theirs, unchanged
    with httpx.Client() as http, AudioClient(api_key=KEY, http_client=http) as client:
        assert client.timeout.read == 600  # httpx's 5 s default is not a choice: ours applies


async def test_async_client_keeps_its_http_clients_timeout() -> None:
    async with httpx.AsyncClient(timeout=httpx.Timeout(30, connect=2)) as http:
        async with AsyncAudioClient(api_key=KEY, http_client=http) as client:
            assert client.timeout.read == 30 and client.timeout.connect == 2


async def test_async_client_context_and_raw() -> None:
    async with AsyncAudioClient(api_key=KEY) as client:
        raw_http = client.raw.get_async_httpx_client()
        assert isinstance(raw_http, httpx.AsyncClient) and raw_http is not client.http_client
        assert KEY not in repr(client)
    assert client.http_client.is_closed and raw_http.is_closed


def test_debug_logging_never_shows_the_key(
    audio_server: AudioServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    with AudioClient(api_key=audio_server.api_key, base_url=audio_server.base_url) as client:
        client.voice_consents.list()
    assert any("voice_consents" in r.getMessage() for r in caplog.records)
    assert all(audio_server.api_key not in r.getMessage() for r in caplog.records)
    assert all("authorization" not in r.getMessage().lower() for r in caplog.records)


def test_default_headers_are_sent(audio_server: AudioServer) -> None:
    audio_server.clear_requests()
    with AudioClient(
        api_key=audio_server.api_key,
        base_url=audio_server.base_url,
        default_headers={"X-Trace": "t1"},
        organization="org-9",
        project="proj-9",
    ) as client:
        client.voice_consents.list()
    seen = audio_server.requests[-1].headers
    assert seen["x-trace"] == "t1"
    assert seen["openai-organization"] == "org-9"
    assert seen["openai-project"] == "proj-9"
    assert seen["user-agent"].startswith("openai-audio/")


def test_public_all_is_complete_and_importable() -> None:
    for name in openai_audio.__all__:
        assert hasattr(openai_audio, name), name
    assert len(set(openai_audio.__all__)) == len(openai_audio.__all__)
    public = {
        n
        for n in dir(openai_audio)
        if n[0] not in "_@" and n not in {"errors", "types", "resources", "testing", "cli"}
    }
    assert public <= set(openai_audio.__all__) | {"annotations"}
