"""What every resource class shares: its client, sending one call (per-call extras, raw mode),
and streams that open their upload when entered."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, TypeVar, cast

import httpx

from ..._blocking import AsyncDeferred
from ..._call import APICall, Body, Headers, Query
from ..._config import NotGiven, TimeoutTypes
from ..._raw_response import take_raw_mode

if TYPE_CHECKING:
    from ..._client import AsyncAudioClient

T = TypeVar("T")


class AsyncResource:
    def __init__(self, client: AsyncAudioClient) -> None:
        self._client = client

    async def _send(
        self,
        call: APICall[T],
        timeout: TimeoutTypes | NotGiven,
        extra_headers: Headers | None,
        extra_query: Query | None,
        extra_body: Body | None,
    ) -> T:
        """Send ``call`` with the caller's extras; under ``with_raw_response``, answer raw."""
        call = _with_extras(call, extra_headers, extra_query, extra_body)
        if take_raw_mode():
            raw = await self._client._execute(call.as_raw(), timeout=timeout)
            return cast(T, raw)  # an APIResponse[T]: with_raw_response's wrapper types it
        return await self._client._execute(call, timeout=timeout)

    @asynccontextmanager
    async def _stream_deferred(
        self,
        call: AsyncDeferred[APICall[Any]],
        timeout: TimeoutTypes | NotGiven,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
    ) -> AsyncIterator[httpx.Response]:
        """Take the call (its upload is prepared now, off the event loop) and stream its response."""
        sent = _with_extras(await call.get(), extra_headers, extra_query, extra_body)
        async with self._client._stream(sent, timeout=timeout) as response:
            yield response

    @asynccontextmanager
    async def _stream_call(
        self,
        call: APICall[Any],
        timeout: TimeoutTypes | NotGiven,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
    ) -> AsyncIterator[httpx.Response]:
        """Stream the response of a call already prepared (a chunk of a long recording)."""
        sent = _with_extras(call, extra_headers, extra_query, extra_body)
        async with self._client._stream(sent, timeout=timeout) as response:
            yield response


def _with_extras(
    call: APICall[T], extra_headers: Headers | None, extra_query: Query | None, extra_body: Body | None
) -> APICall[T]:
    try:
        return call.with_extras(extra_headers, extra_query, extra_body)
    except BaseException:
        call.close()  # a bad extra: release the files the call opened, send nothing
        raise
