"""The exceptions openai-audio raises.

Everything derives from :class:`AudioError`. Problems with the caller's arguments
are :class:`InvalidArgumentError` (a ``ValueError``) or :class:`InvalidArgumentTypeError`
(a ``TypeError``), raised before any network I/O and naming the argument. Problems
talking to the server are :class:`APIError` and its subclasses, which mirror the names
the official ``openai`` SDK uses so existing ``except`` clauses keep working.
"""

from __future__ import annotations

from typing import Any

import httpx

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AudioError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "InvalidArgumentError",
    "InvalidArgumentTypeError",
    "MissingAPIKeyError",
    "MissingExtraError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTooLargeError",
    "StreamError",
    "UnprocessableEntityError",
]


class AudioError(Exception):
    """Base class of every exception raised by openai-audio."""


class InvalidArgumentError(AudioError, ValueError):
    """An argument has a value the API cannot accept; ``argument`` names it."""

    def __init__(self, argument: str, message: str) -> None:
        super().__init__(f"{argument}: {message}")
        self.argument = argument


class InvalidArgumentTypeError(AudioError, TypeError):
    """An argument has a type the client cannot use; ``argument`` names it."""

    def __init__(self, argument: str, message: str) -> None:
        super().__init__(f"{argument}: {message}")
        self.argument = argument


class MissingAPIKeyError(InvalidArgumentError):
    """No API key was passed and ``OPENAI_API_KEY`` is not set."""

    def __init__(self) -> None:
        super().__init__(
            "api_key",
            "no API key given: pass api_key=... or set the OPENAI_API_KEY environment variable",
        )


class MissingExtraError(InvalidArgumentError):
    """The input needs an optional extra that is not installed; ``extra`` names it (e.g. "media")."""

    def __init__(self, argument: str, message: str, *, extra: str) -> None:
        super().__init__(argument, f"{message}; install it with: pip install 'openai-audio[{extra}]'")
        self.extra = extra


class APIError(AudioError):
    """A request to the API failed. ``request`` is the httpx request, when known.

    As in the official ``openai`` SDK, ``body`` is the server's error object (the inner
    ``{"message", "type", "param", "code"}`` of an ``{"error": {...}}`` reply), the decoded body
    when it has no such object, the raw text when it is not JSON, or ``None`` without a response.
    ``code``, ``param`` and ``type`` are read from that object and are ``None`` where absent, on
    every subclass (connection and timeout errors included).
    """

    message: str
    request: httpx.Request | None
    body: object | None
    code: str | None
    param: str | None
    type: str | None

    def __init__(
        self, message: str, *, request: httpx.Request | None = None, body: object | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body
        self.code, self.param, self.type = _error_details(body)


def _error_details(body: object | None) -> tuple[str | None, str | None, str | None]:
    """``(code, param, type)`` of an error object; numeric codes become text, as in the SDK."""
    if not isinstance(body, dict):
        return None, None, None
    code, param, kind = body.get("code"), body.get("param"), body.get("type")
    return (
        None if code is None or isinstance(code, (dict, list)) else str(code),
        param if isinstance(param, str) else None,
        kind if isinstance(kind, str) else None,
    )


class APIConnectionError(APIError):
    """The server could not be reached, or the connection broke before a full answer."""

    def __init__(self, message: str = "Connection error.", *, request: httpx.Request | None = None) -> None:
        super().__init__(message, request=request)


class APITimeoutError(APIConnectionError):
    """The request did not complete within its timeout."""

    def __init__(self, message: str = "Request timed out.", *, request: httpx.Request | None = None) -> None:
        super().__init__(message, request=request)


class APIResponseValidationError(APIError):
    """A successful (2xx) answer whose body does not match the API's schema.

    ``body`` is what arrived (decoded JSON, or text). ``code``, ``param`` and ``type`` are
    ``None`` unless that body is an error object (a 200 reply carrying ``{"error": {...}}``).
    """

    def __init__(self, message: str, *, response: httpx.Response, body: object | None = None) -> None:
        error_object = error_fields(body)
        super().__init__(message, request=response.request, body=body)
        # A successful body's own "type" (an event's kind, say) is not an error type.
        self.code, self.param, self.type = _error_details(error_object or None)
        self.response = response
        self.status_code = response.status_code
        self.request_id: str | None = response.headers.get("x-request-id")


class StreamError(APIError):
    """The server reported an error in the middle of an event stream.

    ``body`` is the error object the stream carried (as for :class:`APIStatusError`).
    """


class APIStatusError(APIError):
    """The API answered with an error status (4xx or 5xx).

    ``body`` is the inner error object of OpenAI's ``{"error": {...}}`` reply, so
    ``exc.body["message"]`` works as with the SDK; ``code``, ``param`` and ``type`` come from it.
    """

    status_code: int

    def __init__(self, message: str, *, response: httpx.Response, body: object | None = None) -> None:
        super().__init__(message, request=response.request, body=body)
        self.response = response
        self.status_code = response.status_code
        self.request_id: str | None = response.headers.get("x-request-id")

    def __str__(self) -> str:
        text = f"Error code: {self.status_code} - {self.message}"
        return f"{text} (request id: {self.request_id})" if self.request_id else text


class BadRequestError(APIStatusError):
    """400: the request was malformed or failed validation."""


class AuthenticationError(APIStatusError):
    """401: the API key is missing, wrong or revoked."""


class PermissionDeniedError(APIStatusError):
    """403: the key may not use this resource."""


class NotFoundError(APIStatusError):
    """404: no such resource (or route)."""


class ConflictError(APIStatusError):
    """409: the resource changed concurrently."""


class RequestTooLargeError(APIStatusError):
    """413: the upload is larger than the API accepts."""


class UnprocessableEntityError(APIStatusError):
    """422: the request was well-formed but semantically invalid."""


class RateLimitError(APIStatusError):
    """429: too many requests, or quota exhausted."""


class InternalServerError(APIStatusError):
    """5xx: the server failed."""


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: RequestTooLargeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The exception class for an error status code."""
    if status_code >= 500:
        return InternalServerError
    return _STATUS_CLASSES.get(status_code, APIStatusError)


def error_fields(body: Any) -> dict[str, Any]:
    """The ``{"error": {...}}`` object of an OpenAI error body, or ``{}``."""
    if isinstance(body, dict):
        inner = body.get("error")
        if isinstance(inner, dict):
            return inner
    return {}
