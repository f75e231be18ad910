"""The one place that turns httpx outcomes into results or typed errors."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import httpx

from .errors import (
    APIConnectionError,
    APIResponseValidationError,
    APITimeoutError,
    error_fields,
    status_error_class,
)

T = TypeVar("T")

_SNIPPET = 200


def transport_error(exc: httpx.TransportError | httpx.DecodingError) -> APIConnectionError:
    """Map an httpx failure to our connection errors (chain with ``from exc``)."""
    request = exc._request if hasattr(exc, "_request") else None
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"Request timed out ({type(exc).__name__}).", request=request)
    if isinstance(exc, httpx.DecodingError):
        # A body that contradicts its Content-Encoding (usually a proxy): it did not arrive intact.
        return APIConnectionError(
            f"Connection error: the response body could not be decoded: {exc}", request=request
        )
    detail = str(exc) or type(exc).__name__
    return APIConnectionError(f"Connection error: {detail}", request=request)


def _decode_json(response: httpx.Response) -> Any:
    try:
        return json.loads(response.content)
    except RecursionError:
        # Absurdly deep nesting is not a body any API sends: treat it as invalid JSON.
        raise ValueError("JSON nested too deeply") from None


def _snippet(response: httpx.Response) -> str:
    text = response.content[:_SNIPPET].decode("utf-8", "replace").strip()
    return " ".join(text.split())


def raise_for_status(response: httpx.Response) -> None:
    """Raise the typed error for a 3xx/4xx/5xx response (its body must have been read).

    Redirects are never followed (the key must not travel to another origin), so a 3xx is an
    error too: its body is not the result the caller asked for.
    """
    if response.status_code < 300:
        return
    try:
        body: Any = _decode_json(response)
    except ValueError:
        body = response.text if response.content else None
    # As in the SDK: the error object inside {"error": {...}} is the body users index into.
    error_object = body.get("error", body) if isinstance(body, dict) else body
    fields = error_object if isinstance(error_object, dict) else {}
    message = fields.get("message") if isinstance(fields.get("message"), str) else None
    if not message:
        reason = response.reason_phrase or "error"
        content_type = response.headers.get("content-type", "unknown content type")
        message = f"{response.status_code} {reason}"
        if response.status_code < 400:
            message += f" (redirect to {response.headers.get('location', 'nowhere')!r} not followed)"
        elif response.content:
            message += f" ({content_type}): {_snippet(response)}"
    cls = status_error_class(response.status_code)
    raise cls(message, response=response, body=error_object)


def parse_json_body(response: httpx.Response) -> Any:
    """The JSON body of a 2xx answer, or APIResponseValidationError saying what is wrong."""
    if not response.content:
        raise APIResponseValidationError("empty response body where JSON was expected", response=response)
    try:
        body = _decode_json(response)
    except ValueError:
        content_type = response.headers.get("content-type", "no content type")
        raise APIResponseValidationError(
            f"response is not valid JSON ({content_type}): {_snippet(response)}", response=response
        ) from None
    fields = error_fields(body)
    if fields:
        message = fields.get("message") or "error object in a successful response"
        raise APIResponseValidationError(
            f"server returned an error with status 200: {message}", response=response, body=body
        )
    return body


def parse_model(
    response: httpx.Response,
    from_dict: Callable[[dict[str, Any]], T],
    what: str,
    fields: Mapping[str, type | tuple[type, ...]] | None = None,
) -> T:
    """Build a generated model from a 2xx JSON body; shape errors become APIResponseValidationError.

    ``fields``: types to check for fields the generated ``from_dict`` copies without checking.
    """
    body = parse_json_body(response)
    if not isinstance(body, dict):
        raise APIResponseValidationError(
            f"expected a JSON object for {what}, got {type(body).__name__}", response=response, body=body
        )
    for name, kind in (fields or {}).items():
        value = body.get(name)
        # bool is an int subclass: never accept it where a number or text is meant.
        wrong = not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool)
        if value is not None and wrong:
            raise APIResponseValidationError(
                f"{what}: field {name!r} has type {type(value).__name__}", response=response, body=body
            )
    try:
        return from_dict(body)
    except KeyError as exc:
        raise APIResponseValidationError(
            f"{what} is missing required field {exc.args[0]!r}", response=response, body=body
        ) from exc
    except (TypeError, ValueError, AttributeError) as exc:
        raise APIResponseValidationError(
            f"{what} does not match the API schema: {exc}", response=response, body=body
        ) from exc


def parse_text(response: httpx.Response) -> str:
    return response.text
