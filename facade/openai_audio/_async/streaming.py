"""Streamed responses: raw audio bytes, and server-sent events as typed events.

* :class:`AsyncAudioStream` hands out the body of a speech response chunk by chunk, never
  buffering it whole.
* :class:`AsyncEventStream` parses ``text/event-stream`` bodies with httpx-sse and turns each
  event into a typed, frozen event class (``_events.py``, shared by both clients).

Every stream is a context manager *and* an iterator. ``async with client.speech.stream(...) as s``
closes the response when the block ends, however it ends; a bare ``async for chunk in stream``
opens the response on first use and closes it when the loop finishes or stops early (in CPython
an abandoned sync generator is finalised at once; the ``with`` form is deterministic everywhere
and is the one to use with the async client, whose abandoned generators are finalised later).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from types import TracebackType
from typing import Any, Generic, TypeVar

import httpx
from httpx_sse import EventSource, SSEError

from .._events import EventDecoder, EventKinds, UnknownEvent, not_sse
from .._response import transport_error

T = TypeVar("T")
E = TypeVar("E")


async def aiter_events(response: httpx.Response, kinds: EventKinds[E]) -> AsyncIterator[E | UnknownEvent]:
    decoder = EventDecoder(kinds, response)
    source = EventSource(response).aiter_sse()
    try:
        async for sse in source:
            event = decoder.feed(sse)
            if event is not None:
                yield event
    except SSEError as exc:
        raise not_sse(response, exc) from exc
    except httpx.TransportError as exc:
        raise transport_error(exc) from exc
    finally:
        await _aclose(source)
    decoder.finish()


async def aiter_audio(response: httpx.Response, chunk_size: int | None) -> AsyncIterator[bytes]:
    try:
        async for chunk in response.aiter_bytes(chunk_size):
            yield chunk
    except httpx.TransportError as exc:
        raise transport_error(exc) from exc


class _AsyncStream(Generic[T]):
    """An open-on-demand response: a context manager and an iterator of ``T``."""

    def __init__(
        self,
        opener: Callable[[], AbstractAsyncContextManager[httpx.Response]],
        items: Callable[[httpx.Response], AsyncIterator[T]],
        on_discard: Callable[[], None],
    ) -> None:
        self._opener = opener
        self._items = items
        self._on_discard = on_discard  # frees request resources if the stream is never opened
        self._stack: AsyncExitStack | None = None
        self._response: httpx.Response | None = None
        self._used = False

    @property
    def response(self) -> httpx.Response:
        """The httpx response, once the stream has been opened (``is_closed`` tells if it still is)."""
        if self._response is None:
            raise RuntimeError("the stream is not open yet: use it in an async with block or iterate over it")
        return self._response

    async def _open(self) -> httpx.Response:
        if self._used:
            raise RuntimeError("a stream can be opened only once; call the method again for a new request")
        self._used = True
        stack = AsyncExitStack()
        self._response = await stack.enter_async_context(self._opener())
        self._stack = stack
        return self._response

    async def __aenter__(self) -> _AsyncStream[T]:
        await self._open()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        stack, self._stack = self._stack, None
        if stack is not None:
            await stack.__aexit__(exc_type, exc, tb)

    async def close(self) -> None:
        """Close the response (or release the prepared request if it was never sent)."""
        if self._stack is not None:
            await self.__aexit__(None, None, None)
        elif not self._used:
            self._used = True
            self._on_discard()

    async def __aiter__(self) -> AsyncIterator[T]:
        if self._used and self._stack is None:
            raise RuntimeError("the stream is closed")
        if self._response is not None:
            items = self._items(self._response)
            try:
                async for item in items:
                    yield item
            finally:
                await _aclose(items)
            return
        # Plain iteration: this generator owns the response and closes it however the loop ends.
        async with self:
            items = self._items(self.response)
            try:
                async for item in items:
                    yield item
            finally:
                await _aclose(items)


async def _aclose(iterator: AsyncIterator[Any]) -> None:
    close = getattr(iterator, "aclose", None)
    if close is not None:
        await close()


class AsyncAudioStream(_AsyncStream[bytes]):
    """Speech audio as it arrives: ``async for chunk in stream`` or ``stream.iter_bytes()``."""

    async def __aenter__(self) -> AsyncAudioStream:
        await self._open()
        return self

    def iter_bytes(self) -> AsyncIterator[bytes]:
        """The audio bytes chunk by chunk (the stream's ``chunk_size`` when one was given)."""
        return self.__aiter__()


class AsyncEventStream(_AsyncStream[E]):
    """Typed server-sent events: ``async for event in stream``; ``match`` on the event classes."""

    async def __aenter__(self) -> AsyncEventStream[E]:
        await self._open()
        return self
