"""The ASGI application: the ``/v1/audio`` routes of every endpoint module, the ``/__control`` routes, and
the error handlers."""

from __future__ import annotations

import os
from collections.abc import Iterable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from openai_audio.testing import _consents, _control, _speech, _transcriptions, _voices
from openai_audio.testing._errors import APIError, error_body
from openai_audio.testing._pipeline import RequestMiddleware
from openai_audio.testing._server_state import DEFAULT_API_KEY, ServerState

# Each endpoint group keeps its routes beside its handlers; a new route goes in its group's ROUTES.
API_ROUTES: list[Route] = [*_speech.ROUTES, *_transcriptions.ROUTES, *_consents.ROUTES, *_voices.ROUTES]

__all__ = ["API_ROUTES", "DEFAULT_API_KEY", "ServerState", "create_app"]


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, APIError)
    return exc.response()


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        message = f"Invalid URL ({request.method} {request.url.path})"
    else:
        message = f"{exc.detail} ({request.method} {request.url.path})"
    return JSONResponse(error_body(message), exc.status_code, headers=exc.headers)


async def _server_error(request: Request, exc: Exception) -> Response:
    return JSONResponse(
        error_body("The server had an error while processing your request.", type="server_error"), 500
    )


def create_app(
    *,
    api_keys: Iterable[str] | None = None,
    db_path: str | os.PathLike[str] | None = None,
    state: ServerState | None = None,
) -> Starlette:
    """The ASGI app; serve it with any ASGI server. ``app.state.audio`` is its ``ServerState``."""
    state = state if state is not None else ServerState(api_keys=api_keys, db_path=db_path)
    app = Starlette(
        routes=[*API_ROUTES, *_control.ROUTES],
        middleware=[Middleware(RequestMiddleware, state=state)],
        exception_handlers={APIError: _api_error, HTTPException: _http_error, Exception: _server_error},
    )
    app.state.audio = state
    return app
