"""The path of every request: request ids, the request log, send-time faults, and the API key check.

Seams for what every request shares:

- :class:`RequestMiddleware` sees every request and every reply: ``x-request-id``, the request log,
  and ``RequestContext.response_headers`` (added to every reply, errors included).
- :func:`api_endpoint` wraps every ``/v1`` route: the one place a request passes before its
  handler, once its API key is known (``RequestContext.api_key``) and before its body is read.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from openai_audio.testing import _faults
from openai_audio.testing._errors import APIError
from openai_audio.testing._faults import Fault
from openai_audio.testing._log import RecordedRequest, RequestLog, UploadRecord
from openai_audio.testing._server_state import ServerState

CTX_KEY = "openai_audio.ctx"


@dataclass
class RequestContext:
    """Per-request notes the handler leaves for the middleware (which logs and applies send faults)."""

    request_id: str
    form: dict[str, list[str]] = field(default_factory=dict)
    uploads: list[UploadRecord] = field(default_factory=list)
    json: Any = None
    fault: Fault | None = None
    hashes: dict[int, str] = field(default_factory=dict)  # id(UploadFile) -> sha256, to hash once
    api_key: str | None = None  # the accepted key, once api_endpoint has checked it
    response_headers: dict[str, str] = field(default_factory=dict)  # added to the reply, whatever it is


class _Dropped(Exception):
    """Raised from ``send`` to stop the app once a "drop" fault has sent its share of the body."""


class RequestMiddleware:
    """Adds ``x-request-id``, records the request, and applies the faults that act on sending."""

    def __init__(self, app: ASGIApp, state: ServerState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        ctx = RequestContext(request_id=f"req_{secrets.token_hex(16)}")
        scope[CTX_KEY] = ctx
        path: str = scope["path"]
        budget: int | None = None  # body bytes a "drop" fault still lets through

        async def send_wrapper(message: Message) -> None:
            nonlocal budget
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["x-request-id"] = ctx.request_id
                for name, value in ctx.response_headers.items():
                    headers[name] = value
                kind = ctx.fault.kind if ctx.fault else None
                if kind == _faults.WRONG_CONTENT_TYPE:
                    headers["content-type"] = "text/plain; charset=utf-8"
                elif kind == _faults.DROP:
                    declared = headers.get("content-length")
                    # Half the declared body, or some audio of a chunked stream, then the connection dies.
                    budget = int(declared) // 2 if declared else 16 * 1024
                if not path.startswith("/__control"):
                    self.state.log.append(_record(self.state.log, scope, ctx, int(message["status"])))
            elif message["type"] == "http.response.body" and budget is not None:
                body: bytes = message.get("body", b"")
                if len(body) >= budget or not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": body[:budget], "more_body": True})
                    raise _Dropped
                budget -= len(body)
            await send(message)

        # Not contextlib.suppress: on 3.11 it cannot see _Dropped inside an ExceptionGroup.
        try:  # noqa: SIM105
            await self.app(scope, receive, send_wrapper)
        except* _Dropped:
            # Returning without finishing the response makes the server close the connection mid-body.
            pass


def _record(log: RequestLog, scope: Scope, ctx: RequestContext, status: int) -> RecordedRequest:
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1").lower()
        if name not in ("authorization", "proxy-authorization"):
            headers[name] = raw_value.decode("latin-1")
    request = Request(scope)
    return RecordedRequest(
        method=scope["method"],
        path=scope["path"],
        query=dict(request.query_params),
        headers=headers,
        form={k: [log.keepable(value) for value in v] for k, v in ctx.form.items()},
        uploads=list(ctx.uploads),
        json=log.keepable_json(ctx.json),
        status=status,
        request_id=ctx.request_id,
    )


def request_context(request: Request) -> RequestContext:
    ctx: RequestContext = request.scope[CTX_KEY]
    return ctx


def server_state(request: Request) -> ServerState:
    state: ServerState = request.app.state.audio
    return state


Endpoint = Callable[[Request], Awaitable[Response]]


def authenticate(request: Request) -> str:
    """The request's API key, or the 401 OpenAI sends."""
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    if not header or scheme.lower() != "bearer" or not key.strip():
        raise APIError(
            401,
            "You didn't provide an API key. You need to provide your API key in an Authorization header "
            "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            param=None,
            code="invalid_api_key",
        )
    if not server_state(request).key_accepted(key.strip()):
        # Never echo the key back: logs of failing tests are often public.
        raise APIError(401, "Incorrect API key provided.", code="invalid_api_key")
    return key.strip()


async def _model_named(request: Request) -> str:
    """The request's model, for a rate-limit message (the body is read only for a refusal)."""
    model: Any = None
    try:
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            form = await request.form()
            model = form.get("model")
            await form.close()
        elif request.method == "POST":
            body = await request.json()
            model = body.get("model") if isinstance(body, dict) else None
    except Exception:  # an unreadable body still gets its 429
        model = None
    return model if isinstance(model, str) and model else "audio"


async def rate_limit(request: Request, key: str) -> None:
    """Take a request from the key's bucket; the x-ratelimit headers go on every reply."""
    decision = server_state(request).rate_limits.check(
        key, organization=request.headers.get("openai-organization")
    )
    request_context(request).response_headers.update(decision.headers)
    if decision.refused:
        raise decision.error(await _model_named(request) if not decision.quota_exhausted else "")


def api_endpoint(handler: Endpoint) -> Endpoint:
    """Wrap an API endpoint so the key is checked first, as OpenAI does.

    The single auth check for every ``/v1`` operation. It runs before anything else the
    handler does: before the body is read or parsed (an unparsable JSON body, a wrong
    content type or an oversized upload sent without a valid key is a 401, not a 400, 413
    or 415) and before a fault is taken (an unauthenticated request does not use up an
    injected fault). Unknown routes and methods still answer 404/405 without a key.
    The unread body is discarded by the server, and the connection stays usable.
    """

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        key = request_context(request).api_key = authenticate(request)
        await rate_limit(request, key)
        return await handler(request)

    return endpoint
