"""Raw responses: ``client.<resource>.with_raw_response.<method>(...)``, as in the official SDK.

A method called through ``with_raw_response`` sends the same request, raises the same errors,
and returns an :class:`APIResponse`: the HTTP status, headers (request id, rate limits,
processing time), the request that was sent, and ``parse()`` for the typed result the method
would have returned. The switch is a context variable set around the method call, read once by
the first request the method makes, so pages fetched later through the result stay ordinary.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Generic, ParamSpec, TypeVar, cast

import httpx

T = TypeVar("T")
P = ParamSpec("P")

_RAW_MODE: ContextVar[bool] = ContextVar("openai_audio_raw_response", default=False)
_UNPARSED: Any = object()


@contextmanager
def raw_mode() -> Iterator[None]:
    """Within the block, the next request a method makes answers with an :class:`APIResponse`."""
    token = _RAW_MODE.set(True)
    try:
        yield
    finally:
        _RAW_MODE.reset(token)


def raw_response_wrapper(method: Callable[P, T]) -> Callable[P, APIResponse[T]]:
    """``method`` answering with its :class:`APIResponse` (``with_raw_response.<method>``)."""

    @functools.wraps(method)
    def raw(*args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        with raw_mode():
            return cast("APIResponse[T]", method(*args, **kwargs))

    return raw


def async_raw_response_wrapper(
    method: Callable[P, Awaitable[T]],
) -> Callable[P, Awaitable[APIResponse[T]]]:
    """The async twin of :func:`raw_response_wrapper` (the scripts/unasync.py name mapping)."""

    @functools.wraps(method)
    async def raw(*args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        with raw_mode():
            return cast("APIResponse[T]", await method(*args, **kwargs))

    return raw


def in_raw_mode() -> bool:
    """Whether the next request is to answer raw (without taking that mode, as :func:`take_raw_mode` does)."""
    return _RAW_MODE.get()


def take_raw_mode() -> bool:
    """Whether this request is the raw one; later requests of the same call are ordinary."""
    if not _RAW_MODE.get():
        return False
    _RAW_MODE.set(False)
    return True


class APIResponse(Generic[T]):
    """The HTTP response of one successful call; ``parse()`` gives the method's typed result.

    The names are the official SDK's (``LegacyAPIResponse``): ``status_code``, ``headers``,
    ``request_id``, ``http_request``, ``http_response``, ``content``, ``text``, ``json()``,
    ``parse()``. Error statuses raise the usual exceptions; they never come back as an
    ``APIResponse``.
    """

    def __init__(self, response: httpx.Response, parse: Callable[[httpx.Response], T]) -> None:
        self.http_response = response
        self._parse = parse
        self._parsed: T = _UNPARSED

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """Every response header: ``x-request-id``, ``openai-processing-ms``, ``x-ratelimit-*``..."""
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        """The ``x-request-id`` header, to quote to OpenAI support."""
        request_id: str | None = self.http_response.headers.get("x-request-id")
        return request_id

    @property
    def http_request(self) -> httpx.Request:
        return self.http_response.request

    @property
    def url(self) -> httpx.URL:
        return self.http_response.url

    @property
    def method(self) -> str:
        return self.http_response.request.method

    @property
    def elapsed(self) -> float:
        """Seconds from sending the request to reading the whole response."""
        return self.http_response.elapsed.total_seconds()

    @property
    def content(self) -> bytes:
        return self.http_response.content

    @property
    def text(self) -> str:
        return self.http_response.text

    def json(self) -> Any:
        return json.loads(self.http_response.content)

    def parse(self) -> T:
        """The typed result, as the method returns it without ``with_raw_response`` (parsed once)."""
        if self._parsed is _UNPARSED:
            self._parsed = self._parse(self.http_response)
        return self._parsed

    def __repr__(self) -> str:
        return f"<APIResponse [{self.status_code}] {self.method} {self.url}>"
