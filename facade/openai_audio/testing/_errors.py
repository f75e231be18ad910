"""OpenAI-shaped errors: ``{"error": {"message", "type", "param", "code"}}`` with all four keys."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse


class APIError(Exception):
    """Raised by handlers; rendered as an OpenAI error response."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return error_body(self.message, type=self.type, param=self.param, code=self.code)

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


def error_body(
    message: str, *, type: str = "invalid_request_error", param: str | None = None, code: str | None = None
) -> dict[str, Any]:
    return {"error": {"message": message, "type": type, "param": param, "code": code}}


def invalid(param: str | None, message: str, *, code: str | None = "invalid_value") -> APIError:
    """A 400 validation error naming the offending request parameter."""
    return APIError(400, message, param=param, code=code)


def unrecognized(name: str) -> APIError:
    return APIError(
        400, f"Unrecognized request argument supplied: {name}", param=name, code="unknown_parameter"
    )


def not_found(what: str, object_id: str, *, param: str | None) -> APIError:
    return APIError(404, f"No such {what}: '{object_id}'", param=param, code="not_found")
