"""A request described once, then sent by the sync or the async client.

Resources build an :class:`APICall` from the generated endpoint's own request
builder (its ``_get_kwargs``) and a parser; only the sending differs between
``AudioClient`` and ``AsyncAudioClient``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

import httpx

T = TypeVar("T")


class Closeable(Protocol):
    def close(self) -> None: ...


@dataclass
class APICall(Generic[T]):
    kwargs: dict[str, Any]
    """httpx request arguments: method, url, params, json, files, headers."""
    parse: Callable[[httpx.Response], T]
    """Turns a 2xx response into the result; raises APIResponseValidationError."""
    resources: list[Closeable] = field(default_factory=list)
    """Files opened for this call, closed once it is over."""

    def close(self) -> None:
        for resource in self.resources:
            resource.close()
