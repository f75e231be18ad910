"""A request described once, then sent by the sync or the async client.

Resources build an :class:`APICall` from the generated endpoint's own request
builder (its ``_get_kwargs``) and a parser; only the sending differs between
``AudioClient`` and ``AsyncAudioClient``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Generic, Protocol, TypeVar

import httpx

from openai_audio_api.types import form_fields

from ._raw_response import APIResponse
from .errors import InvalidArgumentTypeError

T = TypeVar("T")
U = TypeVar("U")

# The SDK's per-call escape hatches, taken by every façade method.
Headers = Mapping[str, str]
Query = Mapping[str, object]
Body = Mapping[str, object]


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

    def map(self, then: Callable[[T], U]) -> APICall[U]:
        """The same request, its result passed through ``then`` (e.g. a listing made a page)."""
        parse = self.parse
        return APICall(self.kwargs, lambda response: then(parse(response)), self.resources)

    def as_raw(self) -> APICall[APIResponse[T]]:
        """The same request answering with an :class:`APIResponse` (``parse()`` gives the result)."""
        parse = self.parse
        return APICall(self.kwargs, lambda response: APIResponse(response, parse), self.resources)

    def with_extras(
        self,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
    ) -> APICall[T]:
        """The SDK's per-call escape hatches, applied over what the method built.

        ``extra_headers`` and ``extra_query`` are added (a same name replaces); ``extra_body``
        becomes top-level keys of a JSON body, or form fields of a multipart one (a same name
        replaces the method's field; lists as ``name[]``, dicts as ``name[key]``).
        """
        if not (extra_headers or extra_query or extra_body):
            return self
        kwargs = dict(self.kwargs)
        if extra_headers:
            _check_mapping("extra_headers", extra_headers)
            kwargs["headers"] = {**kwargs.get("headers", {}), **extra_headers}
        if extra_query:
            _check_mapping("extra_query", extra_query)
            kwargs["params"] = {**kwargs.get("params", {}), **extra_query}
        if extra_body:
            _check_mapping("extra_body", extra_body)
            if "files" in kwargs:
                replaced = {name.partition("[")[0] for name in extra_body}
                parts = [part for part in kwargs["files"] if part[0].partition("[")[0] not in replaced]
                try:
                    for name, value in extra_body.items():
                        parts.extend(form_fields(name, value))
                except TypeError as exc:
                    raise InvalidArgumentTypeError("extra_body", str(exc)) from None
                kwargs["files"] = parts
            else:
                kwargs["json"] = {**(kwargs.get("json") or {}), **extra_body}
        return replace(self, kwargs=kwargs)


def _check_mapping(argument: str, value: object) -> None:
    if not isinstance(value, Mapping):
        raise InvalidArgumentTypeError(argument, f"expected a mapping, got {type(value).__name__}")
    for key in value:
        if not isinstance(key, str):
            raise InvalidArgumentTypeError(argument, f"keys must be str, got {type(key).__name__}")
