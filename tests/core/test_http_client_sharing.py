"""A caller's httpx client is a connection pool we borrow: never modified, shareable, never given the key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import openai_audio
from helpers import CannedResponse, RecordingServer
from openai_audio import AsyncAudioClient, AudioClient
from openai_audio.testing import AudioServer
from openai_audio_api.api.audio import list_voice_consents

CONSENTS = "/v1/audio/voice_consents"
EMPTY_LIST = CannedResponse.json(
    {"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}
)
KEY_B = "sk-client-b-secret"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_LOG", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server(audio_server: AudioServer) -> Iterator[AudioServer]:
    audio_server.clear_faults()
    audio_server.clear_requests()
    yield audio_server
    audio_server.clear_faults()


@pytest.fixture
def other_host() -> Iterator[RecordingServer]:
    """A second server: the caller's own API, or another account's base URL."""
    with RecordingServer(EMPTY_LIST) as recording:
        yield recording


def snapshot(http: httpx.Client | httpx.AsyncClient) -> dict[str, Any]:
    """Everything a client of ours could have written into the caller's httpx client."""
    return {
        "base_url": str(http.base_url),
        "headers": list(http.headers.multi_items()),
        "params": str(http.params),
        "timeout": http.timeout,
        "auth": http.auth,
        "follow_redirects": http.follow_redirects,
        "event_hooks": {name: list(hooks) for name, hooks in http.event_hooks.items()},
        "cookies": list(http.cookies.items()),
        # Private, read by the test only: proof that no transport or mount was swapped.
        "transport": http._transport,
        "mounts": dict(http._mounts),
    }


def authorizations(recording: RecordingServer) -> list[str | None]:
    return [r.header("Authorization") for r in recording.requests]


def consent_hits(server: AudioServer) -> int:
    return sum(1 for r in server.requests if r.path == CONSENTS)


def test_the_callers_client_is_unchanged_and_never_carries_the_key(
    server: AudioServer, other_host: RecordingServer
) -> None:
    mine = httpx.Client(timeout=12, headers={"X-Mine": "1"})
    before = snapshot(mine)
    client = AudioClient(api_key=server.api_key, base_url=server.base_url, http_client=mine)
    client.voice_consents.list()
    copy = client.with_options(timeout=3, max_retries=0, default_headers={"X-Copy": "1"})
    copy.voice_consents.list()
    assert list_voice_consents.sync_detailed(client=client.raw).status_code == 200
    assert list_voice_consents.sync_detailed(client=copy.raw).status_code == 200
    assert snapshot(mine) == before
    mine.get(f"{other_host.base_url}/theirs")
    copy.close()
    client.close()
    assert snapshot(mine) == before
    assert not mine.is_closed  # the caller's to close
    mine.get(f"{other_host.base_url}/theirs")
    mine.close()
    sent = other_host.requests
    assert [r.path for r in sent] == ["/theirs", "/theirs"]
    assert authorizations(other_host) == [None, None]
    assert all("openai-audio" not in (r.header("User-Agent") or "") for r in sent)
    assert consent_hits(server) == 4  # all four calls reached our server (which checked the key)


async def test_the_callers_async_client_is_unchanged_and_never_carries_the_key(
    server: AudioServer, other_host: RecordingServer
) -> None:
    mine = httpx.AsyncClient(timeout=12)
    before = snapshot(mine)
    client = AsyncAudioClient(api_key=server.api_key, base_url=server.base_url, http_client=mine)
    await client.voice_consents.list()
    copy = client.with_options(timeout=3)
    await copy.voice_consents.list()
    assert (await list_voice_consents.asyncio_detailed(client=copy.raw)).status_code == 200
    await copy.close()
    await client.close()
    assert snapshot(mine) == before
    await mine.get(f"{other_host.base_url}/theirs")
    await mine.aclose()
    assert authorizations(other_host) == [None]
    assert consent_hits(server) == 3


def test_two_clients_sharing_one_pool_each_reach_their_own_server_with_their_own_key(
    server: AudioServer, other_host: RecordingServer
) -> None:
    with httpx.Client() as pool:
        a = AudioClient(api_key=server.api_key, base_url=server.base_url, http_client=pool)
        b = AudioClient(api_key=KEY_B, base_url=f"{other_host.base_url}/b/v1", http_client=pool)
        for _ in range(2):
            assert a.voice_consents.list().data is not None
            assert b.voice_consents.list().data == []
        b_copy = b.with_options(max_retries=0)
        b_copy.voice_consents.list()
        a.close()
        b.close()
    assert consent_hits(server) == 2  # a's key was accepted each time (the server checks it)
    assert [r.path for r in other_host.requests] == ["/b/v1/audio/voice_consents"] * 3
    assert authorizations(other_host) == [f"Bearer {KEY_B}"] * 3


async def test_two_async_clients_sharing_one_pool_each_reach_their_own_server_with_their_own_key(
    server: AudioServer, other_host: RecordingServer
) -> None:
    async with httpx.AsyncClient() as pool:
        a = AsyncAudioClient(api_key=server.api_key, base_url=server.base_url, http_client=pool)
        b = AsyncAudioClient(api_key=KEY_B, base_url=f"{other_host.base_url}/b/v1", http_client=pool)
        for _ in range(2):
            assert (await a.voice_consents.list()).data is not None
            assert (await b.voice_consents.list()).data == []
    assert consent_hits(server) == 2
    assert authorizations(other_host) == [f"Bearer {KEY_B}"] * 2


def test_the_key_goes_only_to_the_base_urls_host(server: AudioServer, other_host: RecordingServer) -> None:
    # An absolute URL through the client's own httpx client or the raw client's reaches another
    # host without the key.
    with AudioClient(api_key=server.api_key, base_url=server.base_url) as client:
        client.http_client.get(f"{other_host.base_url}/elsewhere")
        client.raw.get_httpx_client().get(f"{other_host.base_url}/elsewhere")
        assert client.http_client.get("audio/voice_consents").status_code == 200  # relative: ours, with key
    assert authorizations(other_host) == [None, None]


def test_a_proxy_of_the_callers_client_is_used_and_retried_through(other_host: RecordingServer) -> None:
    # The recording server plays an HTTP forward proxy: it sees absolute-form targets.
    other_host.respond_next(CannedResponse.json({"error": {"message": "busy"}}, status=503))
    base = "http://api.audio.test/v1"
    mine = httpx.Client(proxy=other_host.base_url)
    with pytest.warns(openai_audio.InsecureBaseURLWarning):
        client = AudioClient(api_key=KEY_B, base_url=base, http_client=mine)
    client._set_retry_clock(lambda seconds: None, lambda: 0.0)
    assert client.voice_consents.list().data == []
    mine.close()
    assert [r.target for r in other_host.requests] == [f"{base}/audio/voice_consents"] * 2
    assert authorizations(other_host) == [f"Bearer {KEY_B}"] * 2


def test_proxies_from_the_environment_apply_to_the_pool_we_own_and_are_retried_through(
    monkeypatch: pytest.MonkeyPatch, other_host: RecordingServer
) -> None:
    monkeypatch.setenv("HTTP_PROXY", other_host.base_url)
    other_host.respond_next(CannedResponse.json({"error": {"message": "busy"}}, status=429))
    base = "http://api.audio.test/v1"
    with pytest.warns(openai_audio.InsecureBaseURLWarning):
        client = AudioClient(api_key=KEY_B, base_url=base, max_retries=1)
    client._set_retry_clock(lambda seconds: None, lambda: 0.0)
    with client:
        assert client.voice_consents.list().data == []
    assert [r.target for r in other_host.requests] == [f"{base}/audio/voice_consents"] * 2


async def test_async_proxy_of_the_callers_client_is_retried_through(other_host: RecordingServer) -> None:
    other_host.respond_next(CannedResponse.json({"error": {"message": "busy"}}, status=500))
    base = "http://api.audio.test/v1"
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    async with httpx.AsyncClient(proxy=other_host.base_url) as mine:
        with pytest.warns(openai_audio.InsecureBaseURLWarning):
            client = AsyncAudioClient(api_key=KEY_B, base_url=base, http_client=mine)
        client._set_retry_clock(sleep, lambda: 0.0)
        assert (await client.voice_consents.list()).data == []
    assert slept == [0.5]
    assert [r.target for r in other_host.requests] == [f"{base}/audio/voice_consents"] * 2


def test_event_hooks_of_the_callers_client_see_our_requests(server: AudioServer) -> None:
    seen: list[str] = []
    with httpx.Client(event_hooks={"request": [lambda request: seen.append(request.url.path)]}) as mine:
        with AudioClient(api_key=server.api_key, base_url=server.base_url, http_client=mine) as client:
            client.voice_consents.list()
    assert seen == [CONSENTS]


def test_the_pools_own_headers_and_query_are_sent_under_ours_but_never_its_authorization(
    other_host: RecordingServer,
) -> None:
    # As in the official SDK (it builds requests with the caller's client): its defaults apply,
    # ours win; its Authorization is for the caller's own API and never replaces or joins ours.
    mine = httpx.Client(
        headers={"X-Mine": "1", "User-Agent": "mine", "Authorization": "Bearer theirs"}, params={"p": "1"}
    )
    with AudioClient(api_key=KEY_B, base_url=f"{other_host.base_url}/v1", http_client=mine) as client:
        client.voice_consents.list(limit=3)
    mine.get(f"{other_host.base_url}/theirs")
    mine.close()
    ours, theirs = other_host.requests
    assert ours.header("Authorization") == f"Bearer {KEY_B}"
    assert ours.header("X-Mine") == "1" and (ours.header("User-Agent") or "").startswith("openai-audio/")
    assert ours.query == {"p": ["1"], "limit": ["3"]}
    assert theirs.header("Authorization") == "Bearer theirs"
