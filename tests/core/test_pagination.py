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
    ids = [c.id for p in (page, second, third) for c in p.data]
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
        items = [c async for c in page]  # every page, as the SDK's pages
        assert len(items) == 260 and items[:100] == page.data
        nxt = await page.next_page()
        assert nxt is not None and nxt.data[0].id != page.data[0].id
        every = [c.id async for c in client.voice_consents.iter(limit=100)]
    assert len(every) == len(set(every)) == 260


# -- the SDK's page semantics ------------------------------------------------------------------------


def test_iterating_a_page_walks_every_page_lazily(client: AudioClient, server: AudioServer) -> None:
    page = client.voice_consents.list(limit=100)
    server.clear_requests()
    items = iter(page)
    first_hundred = [next(items) for _ in range(100)]
    assert first_hundred == page.data and server.requests == []  # this page costs nothing
    rest = list(items)
    assert len(first_hundred) + len(rest) == 260
    assert [r.query.get("after") for r in server.requests] == [page.last_id, rest[99].id]
    assert len(page.data) == len(page) == 100  # .data stays the current page


def test_get_next_page_and_iter_pages(client: AudioClient) -> None:
    page = client.voice_consents.list(limit=100)
    pages = list(page.iter_pages())
    assert [len(p.data) for p in pages] == [100, 100, 60]
    assert pages[0] is page
    assert page.get_next_page().data == pages[1].data
    with pytest.raises(RuntimeError, match="has_next_page"):
        pages[-1].get_next_page()


def test_next_pages_keep_the_first_requests_options(client: AudioClient, server: AudioServer) -> None:
    server.clear_requests()
    page = client.voice_consents.list(limit=100, extra_headers={"X-Trace": "t"})
    list(page.iter_pages())
    assert [r.headers.get("x-trace") for r in server.requests] == ["t", "t", "t"]


async def test_async_get_next_page_and_iter_pages(server: AudioServer) -> None:
    async with AsyncAudioClient(base_url=server.base_url, api_key=server.api_key) as client:
        page = await client.voice_consents.list(limit=100)
        pages = [p async for p in page.iter_pages()]
        assert [len(p.data) for p in pages] == [100, 100, 60]
        assert (await page.get_next_page()).data == pages[1].data
        with pytest.raises(RuntimeError):
            await pages[-1].get_next_page()
