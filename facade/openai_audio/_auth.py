"""The API key on each request: only towards the base URL's host, asked afresh when it is a callable.

An ``httpx.Auth`` on the client's own view (see ``_transport``), never on the caller's httpx
client: the key cannot reach another host through it, even when someone sends an absolute URL
through ``client.raw`` or ``client.http_client``.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator

import httpx

from .errors import InvalidArgumentError, InvalidArgumentTypeError

KeyProvider = Callable[[], str]
AsyncKeyProvider = Callable[[], str | Awaitable[str]]


def bearer(key: object) -> str:
    """The Authorization value for a key a provider returned; checked here, since only now is it known."""
    if not isinstance(key, str):
        raise InvalidArgumentTypeError(
            "api_key", f"the key provider returned {type(key).__name__}, not a str"
        )
    if not key or not all(ch == "\t" or " " <= ch <= "~" for ch in key):
        # Never echo it: it is a secret even when malformed.
        raise InvalidArgumentError(
            "api_key", "the key provider returned an empty key or one with non-ASCII characters"
        )
    return f"Bearer {key}"


class KeyAuth(httpx.Auth):
    """Sets ``Authorization: Bearer <key>`` on requests to the base URL's scheme, host and port.

    A request that already has an ``Authorization`` header (from ``default_headers`` or
    ``extra_headers``) keeps it, as in the official SDK.
    """

    def __init__(self, api_key: str | AsyncKeyProvider, base_url: str) -> None:
        url = httpx.URL(base_url)
        self._origin = (url.scheme, url.host, url.port)
        # A fixed key is formatted once: this runs on every request.
        self._header = f"Bearer {api_key}" if isinstance(api_key, str) else None
        self._provider = None if isinstance(api_key, str) else api_key

    def _applies(self, request: httpx.Request) -> bool:
        url = request.url
        return (url.scheme, url.host, url.port) == self._origin and "Authorization" not in request.headers

    def apply(self, request: httpx.Request) -> None:
        """Add the key to ``request`` if it goes to the base URL's host (the sync client's calls)."""
        if self._applies(request):
            header = self._header
            if header is None:
                assert self._provider is not None
                key = self._provider()
                if inspect.isawaitable(key):
                    close = getattr(key, "close", None)
                    if close is not None:
                        close()  # an un-awaited coroutine would warn at garbage collection
                    raise InvalidArgumentTypeError(
                        "api_key",
                        "an async key provider needs AsyncAudioClient; AudioClient calls it directly",
                    )
                header = bearer(key)
            request.headers["Authorization"] = header

    async def apply_async(self, request: httpx.Request) -> None:
        """Add the key to ``request`` if it goes to the base URL's host (the async client's calls)."""
        if self._applies(request):
            header = self._header
            if header is None:
                assert self._provider is not None
                key = self._provider()
                if inspect.isawaitable(key):
                    key = await key
                header = bearer(key)
            request.headers["Authorization"] = header

    # As an ``httpx.Auth``: for requests sent through the httpx clients we hand out
    # (``client.http_client``, ``client.raw``).

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.apply(request)
        yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        await self.apply_async(request)
        yield request
