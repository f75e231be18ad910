"""What every resource class shares: its client, and streams that open their upload when entered."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import httpx

from ..._blocking import AsyncDeferred
from ..._call import APICall
from ..._config import NotGiven, TimeoutTypes

if TYPE_CHECKING:
    from ..._client import AsyncAudioClient


class AsyncResource:
    def __init__(self, client: AsyncAudioClient) -> None:
        self._client = client

    @asynccontextmanager
    async def _stream_deferred(
        self, call: AsyncDeferred[APICall[Any]], timeout: TimeoutTypes | NotGiven
    ) -> AsyncIterator[httpx.Response]:
        """Take the call (its upload is prepared now, off the event loop) and stream its response."""
        async with self._client._stream(await call.get(), timeout=timeout) as response:
            yield response
