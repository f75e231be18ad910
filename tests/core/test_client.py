"""Client configuration: arguments, environment, defaults, copies, closing, secrecy."""

from __future__ import annotations

import logging
import warnings

import httpx
import pytest

import openai_audio
from openai_audio import AsyncAudioClient, AudioClient, errors
from openai_audio.testing import AudioServer
from openai_audio_api import AuthenticatedClient

KEY = "sk-secret-do-not-leak-1234"


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


def test_environment_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-1")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-1")
    with AudioClient() as client:
        headers = client.http_client.headers
        assert client.base_url == "http://127.0.0.1:9/v1"
        assert headers["OpenAI-Organization"] == "org-1"
        assert headers["OpenAI-Project"] == "proj-1"
        assert headers["Authorization"] == f"Bearer {KEY}"


def test_arguments_beat_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    with AudioClient(api_key=KEY, base_url="http://127.0.0.1:10/v2/") as client:
        assert client.base_url == "http://127.0.0.1:10/v2"
        assert client.http_client.headers["Authorization"] == f"Bearer {KEY}"


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


def test_with_options_copies_share_the_pool_and_keep_the_original() -> None:
    with AudioClient(api_key=KEY, max_retries=2) as client:
        copy = client.with_options(timeout=3, max_retries=5)
        assert copy.http_client is client.http_client
        assert copy.max_retries == 5 and client.max_retries == 2
        assert copy.timeout.read == 3 and client.timeout.read == 600
        copy.close()  # a copy does not own the pool
        assert not client.http_client.is_closed
    assert client.http_client.is_closed


def test_raw_is_the_generated_client_on_the_same_pool() -> None:
    with AudioClient(api_key=KEY) as client:
        assert isinstance(client.raw, AuthenticatedClient)
        assert client.raw.get_httpx_client() is client.http_client


def test_user_http_client_gets_settings_and_retries(audio_server_clean: AudioServer) -> None:
    server = audio_server_clean
    consents = "/v1/audio/voice_consents"
    # Two 429s asking for a 1 ms wait: retried without a real backoff, and within max_retries=2.
    server.inject("rate_limit", path=consents, count=2, retry_after_ms=1)
    http = httpx.Client()
    with AudioClient(api_key=server.api_key, base_url=server.base_url, http_client=http) as client:
        assert client.http_client is http
        page = client.voice_consents.list()  # our base URL and key, through the caller's client
    assert page.data == []
    assert [(r.path, r.status) for r in server.requests] == [(consents, 429)] * 2 + [(consents, 200)]
    assert not http.is_closed  # the caller owns it
    http.close()


def test_a_timeout_given_to_the_users_http_client_is_kept_unless_timeout_is_passed() -> None:
    with httpx.Client(timeout=12) as http, AudioClient(api_key=KEY, http_client=http) as client:
        assert client.timeout.read == 12 and http.timeout.read == 12
    with httpx.Client(timeout=12) as http, AudioClient(api_key=KEY, http_client=http, timeout=3) as client:
        assert client.timeout.read == 3 and http.timeout.read == 3
    with httpx.Client() as http, AudioClient(api_key=KEY, http_client=http) as client:
        assert client.timeout.read == 600  # httpx's 5 s default is not a choice: ours applies


async def test_async_client_keeps_its_http_clients_timeout() -> None:
    async with httpx.AsyncClient(timeout=httpx.Timeout(30, connect=2)) as http:
        async with AsyncAudioClient(api_key=KEY, http_client=http) as client:
            assert client.timeout.read == 30 and client.timeout.connect == 2


async def test_async_client_context_and_raw() -> None:
    async with AsyncAudioClient(api_key=KEY) as client:
        assert client.raw.get_async_httpx_client() is client.http_client
        assert KEY not in repr(client)
    assert client.http_client.is_closed


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
