"""Pages and lazy iteration over all of them, on the local server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from openai_audio import AsyncAudioClient, AudioClient, InvalidArgumentError, InvalidArgumentTypeError
from openai_audio.testing import AudioServer

from .test_retries import _wav


@pytest.fixture(scope="module")
def server() -> Iterator[AudioServer]:
    with AudioServer() as server:
        with AudioClient(base_url=server.base_url, api_key=server.api_key) as client:
            sample = _wav(4800)
            for n in range(260):
                client.voice_consents.create(name=f"c{n}", recording=sample, language="en")
        server.clear_requests()
        yield server


@pytest.fixture
def client(server: AudioServer) -> Iterator[AudioClient]:
    with AudioClient(base_url=server.base_url, api_key=server.api_key) as client:
        yield client


def test_page_fields_and_next_page(client: AudioClient) -> None:
    page = client.voice_consents.list(limit=100)
    assert len(page) == 100 and page.has_more
    assert page.first_id == page.data[0].id and page.last_id == page.data[-1].id
    second = page.next_page()
    assert second is not None and len(second) == 100
    third = second.next_page()
    assert third is not None and len(third) == 60 and not third.has_more
    assert third.next_page() is None
    ids = [c.id for p in (page, second, third) for c in p]
    assert len(set(ids)) == 260


def test_iter_walks_all_pages_lazily(client: AudioClient, server: AudioServer) -> None:
    server.clear_requests()
    iterator = client.voice_consents.iter(limit=50)
    assert server.requests == []  # nothing fetched before iteration starts
    first = next(iterator)
    assert len(server.requests) == 1
    rest = list(iterator)
    assert len(rest) + 1 == 260
    assert len(server.requests) == 6
    assert server.requests[0].query.get("after") is None
    assert len({c.id for c in rest} | {first.id}) == 260


def test_default_limit_is_left_to_the_server(client: AudioClient, server: AudioServer) -> None:
    server.clear_requests()
    page = client.voice_consents.list()
    assert len(page) == 20
    assert "limit" not in server.requests[-1].query


@pytest.mark.parametrize("limit", [0, 101, -5])
def test_limit_out_of_range_is_rejected_before_io(
    client: AudioClient, server: AudioServer, limit: int
) -> None:
    server.clear_requests()
    with pytest.raises(InvalidArgumentError, match="limit"):
        client.voice_consents.list(limit=limit)
    with pytest.raises(InvalidArgumentError, match="limit"):
        client.voice_consents.iter(limit=limit)
    with pytest.raises(InvalidArgumentTypeError, match="limit"):
        client.voice_consents.list(limit="10")  # type: ignore[arg-type]
    assert server.requests == []


async def test_async_pages_and_iter(server: AudioServer) -> None:
    async with AsyncAudioClient(base_url=server.base_url, api_key=server.api_key) as client:
        page = await client.voice_consents.list(limit=100)
        items = [c async for c in page]
        assert len(items) == 100
        nxt = await page.next_page()
        assert nxt is not None and nxt.data[0].id != page.data[0].id
        every = [c.id async for c in client.voice_consents.iter(limit=100)]
    assert len(every) == len(set(every)) == 260
