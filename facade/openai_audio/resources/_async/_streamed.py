"""``with_streaming_response``: the SDK's streamed responses, for speech and both event streams.

``async with client.speech.with_streaming_response.create(...) as response:`` sends the request
and gives the status and headers at once; the body is read only when asked, through
``iter_bytes()``, ``read()``, ``parse()`` or ``stream_to_file()``. Built on the resources' own
streams, so errors, retries and closing behave exactly as with ``speech.stream()`` or
``transcriptions.stream()``.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, Generic, ParamSpec, TypeVar

import httpx

from ..._atomic import AsyncAtomicFile
from ..._streaming import AsyncAudioStream, AsyncEventStream, _AsyncStream, aiter_audio

P = ParamSpec("P")
E = TypeVar("E")
S = TypeVar("S", bound=_AsyncStream[Any])


class _AsyncStreamedResponse(Generic[S]):
    def __init__(self, stream: S) -> None:
        self._stream = stream

    async def __aenter__(self) -> Any:
        await self._stream.__aenter__()  # sends the request; an error status raises here
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._stream.close()

    async def close(self) -> None:
        await self._stream.close()

    @property
    def http_response(self) -> httpx.Response:
        return self._stream.response

    @property
    def http_request(self) -> httpx.Request:
        return self._stream.response.request

    @property
    def status_code(self) -> int:
        return self._stream.response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self._stream.response.headers

    @property
    def request_id(self) -> str | None:
        request_id: str | None = self._stream.response.headers.get("x-request-id")
        return request_id

    async def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """The body as it arrives (a broken connection raises ``APIConnectionError``)."""
        async for chunk in aiter_audio(self._stream.response, chunk_size):
            yield chunk

    async def read(self) -> bytes:
        """The whole body."""
        return b"".join([chunk async for chunk in self.iter_bytes()])


class AsyncStreamedAudioResponse(_AsyncStreamedResponse[AsyncAudioStream]):
    """A speech response being streamed: ``parse()`` gives the audio bytes (read whole)."""

    async def __aenter__(self) -> AsyncStreamedAudioResponse:
        await self._stream.__aenter__()
        return self

    async def parse(self) -> bytes:
        return await self.read()

    async def stream_to_file(self, path: str | os.PathLike[str]) -> Path:
        """Write the audio to ``path`` atomically: a failed download leaves no truncated file."""
        out = await AsyncAtomicFile.open(Path(path))
        try:
            async for chunk in self.iter_bytes():
                await out.write(chunk)
            return await out.commit()
        finally:
            await out.abort()  # a no-op after commit


class AsyncStreamedEventsResponse(_AsyncStreamedResponse[AsyncEventStream[E]]):
    """An event stream being received: ``parse()`` gives the typed event stream, already open."""

    async def __aenter__(self) -> AsyncStreamedEventsResponse[E]:
        await self._stream.__aenter__()
        return self

    async def parse(self) -> AsyncEventStream[E]:
        return self._stream


def streamed_audio(method: Callable[P, AsyncAudioStream]) -> Callable[P, AsyncStreamedAudioResponse]:
    """``method`` (a speech stream) as ``with_streaming_response`` hands it out."""

    def streamed(*args: P.args, **kwargs: P.kwargs) -> AsyncStreamedAudioResponse:
        return AsyncStreamedAudioResponse(method(*args, **kwargs))

    return streamed


def streamed_events(method: Callable[P, AsyncEventStream[E]]) -> Callable[P, AsyncStreamedEventsResponse[E]]:
    """``method`` (an event stream) as ``with_streaming_response`` hands it out."""

    def streamed(*args: P.args, **kwargs: P.kwargs) -> AsyncStreamedEventsResponse[E]:
        return AsyncStreamedEventsResponse(method(*args, **kwargs))

    return streamed
