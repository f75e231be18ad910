"""Client options as the official SDK has them: default headers and query, every option in
``with_options``/``copy``, a callable key asked before each request, OPENAI_LOG levels."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from helpers import CannedResponse, RecordingServer
from openai_audio import AsyncAudioClient, AudioClient, _logging, errors
from openai_audio._call import APICall
from openai_audio_api.api.audio import list_voice_consents

EMPTY_LIST = CannedResponse.json(
    {"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_LOG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    with RecordingServer(EMPTY_LIST) as recording:
        yield recording


def test_default_query_goes_with_every_request_raw_included(server: RecordingServer) -> None:
    with AudioClient(
        api_key="sk-1", base_url=f"{server.base_url}/v1", default_query={"api-version": "2026-01", "n": 2}
    ) as client:
        assert client.default_query == {"api-version": "2026-01", "n": 2}
        client.voice_consents.list(limit=5)
        list_voice_consents.sync_detailed(client=client.raw)
    assert [r.query for r in server.requests] == [
        {"api-version": ["2026-01"], "n": ["2"], "limit": ["5"]},
        {"api-version": ["2026-01"], "n": ["2"]},
    ]


def test_bad_default_query_is_refused_naming_the_argument() -> None:
    with pytest.raises(errors.InvalidArgumentTypeError, match=r"default_query\[x\]"):
        AudioClient(api_key="sk-1", default_query={"x": object()})
    with pytest.raises(errors.InvalidArgumentError, match="default_query"):
        AudioClient(api_key="sk-1", default_query={"": "v"})


def test_with_options_takes_every_client_option(server: RecordingServer) -> None:
    with (
        RecordingServer(EMPTY_LIST) as other,
        AudioClient(
            api_key="sk-1",
            base_url=f"{server.base_url}/v1",
            organization="org-1",
            default_headers={"X-A": "a", "X-B": "b"},
            default_query={"q": "1"},
        ) as client,
    ):
        copy = client.with_options(
            api_key="sk-2",
            base_url=f"{other.base_url}/v2",
            organization="org-2",
            project="proj-2",
            timeout=7,
            max_retries=0,
            default_headers={"X-B": "B", "X-C": "c"},  # merged
            default_query={"r": "2"},  # merged
        )
        assert (copy.base_url, copy.timeout.read, copy.max_retries) == (f"{other.base_url}/v2", 7, 0)
        copy.voice_consents.list()
        client.voice_consents.list()
        replaced = client.copy(set_default_headers={"X-Only": "1"}, set_default_query={"only": "1"})
        replaced.voice_consents.list()
    sent = other.last
    assert sent.path == "/v2/audio/voice_consents"
    assert sent.header("Authorization") == "Bearer sk-2"
    assert (sent.header("OpenAI-Organization"), sent.header("OpenAI-Project")) == ("org-2", "proj-2")
    assert (sent.header("X-A"), sent.header("X-B"), sent.header("X-C")) == ("a", "B", "c")
    assert sent.query == {"q": ["1"], "r": ["2"]}
    original, replaced_sent = server.requests
    assert original.header("Authorization") == "Bearer sk-1"  # the original is unchanged
    assert (original.header("X-B"), original.header("X-C"), original.header("OpenAI-Project")) == (
        "b",
        None,
        None,
    )
    assert original.query == {"q": ["1"]}
    assert (replaced_sent.header("X-A"), replaced_sent.header("X-Only")) == (None, "1")
    assert replaced_sent.query == {"only": ["1"]}


def test_with_options_http_client_uses_that_pool_unmodified(server: RecordingServer) -> None:
    seen: list[str] = []
    other_pool = httpx.Client(event_hooks={"request": [lambda request: seen.append(request.url.path)]})
    with AudioClient(api_key="sk-1", base_url=f"{server.base_url}/v1") as client:
        copy = client.with_options(http_client=other_pool)
        copy.voice_consents.list()
        client.voice_consents.list()
        copy.close()
    assert seen == ["/v1/audio/voice_consents"]  # only the copy's call went through it
    assert not other_pool.is_closed and "Authorization" not in other_pool.headers
    other_pool.close()


def test_with_options_checks_its_arguments() -> None:
    with AudioClient(api_key="sk-1") as client:
        with pytest.raises(errors.InvalidArgumentError, match="base_url"):
            client.with_options(base_url="ftp://example.com")
        with pytest.raises(errors.InvalidArgumentError, match="set_default_headers"):
            client.with_options(default_headers={"a": "1"}, set_default_headers={"b": "2"})
        with pytest.raises(errors.InvalidArgumentError, match="api_key"):
            client.with_options(api_key="bad\nkey")


def test_a_callable_key_is_asked_before_each_request(server: RecordingServer) -> None:
    keys = iter(["sk-first", "sk-second", "sk-third"])
    with AudioClient(api_key=lambda: next(keys), base_url=f"{server.base_url}/v1") as client:
        client.voice_consents.list()
        client.with_options(timeout=3).voice_consents.list()
        list_voice_consents.sync_detailed(client=client.raw)
    assert [r.header("Authorization") for r in server.requests] == [
        "Bearer sk-first",
        "Bearer sk-second",
        "Bearer sk-third",
    ]


def test_a_callable_key_is_asked_once_per_call_not_per_retry(server: RecordingServer) -> None:
    asked: list[int] = []

    def key() -> str:
        asked.append(1)
        return "sk-rotating"

    server.respond_next(CannedResponse.json({"error": {"message": "busy"}}, status=503))
    with AudioClient(api_key=key, base_url=f"{server.base_url}/v1") as client:
        client._set_retry_clock(lambda seconds: None, lambda: 0.0)
        client.voice_consents.list()
    assert len(server.requests) == 2 and len(asked) == 1
    assert {r.header("Authorization") for r in server.requests} == {"Bearer sk-rotating"}


@pytest.mark.parametrize(
    ("returned", "error"),
    [
        (None, errors.InvalidArgumentTypeError),
        ("", errors.InvalidArgumentError),
        ("sk-é", errors.InvalidArgumentError),
    ],
)
def test_a_bad_key_from_the_callable_is_a_typed_error_before_sending(
    server: RecordingServer, returned: Any, error: type[Exception]
) -> None:
    with AudioClient(api_key=lambda: returned, base_url=f"{server.base_url}/v1") as client:
        with pytest.raises(error, match="api_key") as info:
            client.voice_consents.list()
    assert "sk-é" not in str(info.value)
    assert server.requests == []


def test_the_sync_client_refuses_an_async_key_provider(server: RecordingServer) -> None:
    async def key() -> str:
        return "sk-async"

    with AudioClient(api_key=key, base_url=f"{server.base_url}/v1") as client:  # type: ignore[arg-type]
        with pytest.raises(errors.InvalidArgumentTypeError, match="AsyncAudioClient"):
            client.voice_consents.list()
    assert server.requests == []


async def test_the_async_client_takes_sync_and_async_key_providers(server: RecordingServer) -> None:
    counter = iter(range(10))

    async def async_key() -> str:
        return f"sk-async-{next(counter)}"

    async with AsyncAudioClient(api_key=async_key, base_url=f"{server.base_url}/v1") as client:
        await client.voice_consents.list()
        await client.voice_consents.list()
        await list_voice_consents.asyncio_detailed(client=client.raw)
    async with AsyncAudioClient(api_key=lambda: "sk-sync", base_url=f"{server.base_url}/v1") as client:
        await client.voice_consents.list()
    assert [r.header("Authorization") for r in server.requests] == [
        "Bearer sk-async-0",
        "Bearer sk-async-1",
        "Bearer sk-async-2",
        "Bearer sk-sync",
    ]


def test_a_callable_key_needs_no_environment_and_is_never_shown() -> None:
    client = AudioClient(api_key=lambda: "sk-never-shown")
    assert "sk-never-shown" not in repr(client) + repr(client._config)
    client.close()


def test_extra_headers_and_query_for_one_call_are_merged_over_the_defaults(server: RecordingServer) -> None:
    # The plumbing the resources' per-call options use.
    with AudioClient(
        api_key="sk-1",
        base_url=f"{server.base_url}/v1",
        default_headers={"X-A": "a"},
        default_query={"q": "1"},
    ) as client:
        call = APICall(
            {"method": "get", "url": "/audio/voice_consents", "params": {"limit": 2}}, lambda r: r.status_code
        )
        assert (
            client._execute(call, extra_headers={"X-A": "A", "X-Call": "c"}, extra_query={"extra": "e"})
            == 200
        )
        with client._stream(call, extra_headers={"Authorization": "Bearer sk-call"}) as response:
            assert response.status_code == 200
    first, second = server.requests
    assert (first.header("X-A"), first.header("X-Call")) == ("A", "c")
    assert first.query == {"q": ["1"], "limit": ["2"], "extra": ["e"]}
    assert second.header("Authorization") == "Bearer sk-call"  # as in the SDK, an explicit header wins
    assert second.header("X-Call") is None


@pytest.mark.parametrize(
    ("value", "level"),
    [
        ("debug", logging.DEBUG),
        ("info", logging.INFO),
        ("WARNING", logging.WARNING),
        ("error", logging.ERROR),
    ],
)
def test_openai_log_levels(monkeypatch: pytest.MonkeyPatch, value: str, level: int) -> None:
    logger = logging.getLogger("openai_audio")
    handlers, old_level = list(logger.handlers), logger.level
    monkeypatch.setattr(_logging, "_configured", False)
    monkeypatch.setenv("OPENAI_LOG", value)
    try:
        AudioClient(api_key="sk-1").close()
        assert logger.level == level
        assert len(logger.handlers) == len(handlers) + 1
    finally:
        logger.handlers[:] = handlers
        logger.setLevel(old_level)
