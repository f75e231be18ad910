"""How injected faults act on a request: stalls, replaced responses, and broken event streams."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from openai_audio.testing import _faults
from openai_audio.testing._errors import error_body
from openai_audio.testing._faults import Fault
from openai_audio.testing._pipeline import request_context, server_state
from openai_audio.testing._server_state import ServerState


async def take_fault(request: Request) -> Fault | None:
    """Take a non-SSE fault for this request; serve a "stall" at once."""
    state = server_state(request)
    fault = state.faults.take(request.method, request.url.path, _faults.NON_SSE_KINDS)
    if fault is None:
        return None
    if fault.kind == _faults.STALL:
        return await _stall(request, state, fault.stall or 0)
    if fault.kind in _faults.SENDING_KINDS:
        request_context(request).fault = fault
        return None
    return fault


async def _stall(request: Request, state: ServerState, seconds: float) -> Fault | None:
    """Hold the request for ``seconds``, or until the server stops or the client gives up.

    The body is read first (it stays cached for the handler), so that afterwards the
    only message left to receive is the client's disconnect. A client that gave up
    gets its request logged right away (status 499), not seconds later, when a
    later test may be reading the log.
    """
    try:
        await request.body()
    except ClientDisconnect:
        return Fault(kind=_faults.STATUS, status=499)
    waiters = {
        asyncio.ensure_future(state.stopping.wait()),
        asyncio.ensure_future(request.receive()),
    }
    try:
        done, _ = await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
    for waiter in done:
        message: object = None if waiter.cancelled() else waiter.result()
        if isinstance(message, dict) and message.get("type") == "http.disconnect":
            return Fault(kind=_faults.STATUS, status=499)
    return None


def fault_response(fault: Fault) -> Response:
    status = fault.effective_status
    headers = dict(fault.headers or {})
    if fault.retry_after is not None:
        headers["Retry-After"] = f"{fault.retry_after:g}"
    if fault.retry_after_ms is not None:
        headers["retry-after-ms"] = str(fault.retry_after_ms)
    kind = fault.kind
    if kind == _faults.HTML_ERROR:
        html = (
            f"<html><head><title>{status} Bad Gateway</title></head><body>"
            f"<center><h1>{status} Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n"
        )
        return Response(fault.body if isinstance(fault.body, str) else html, status, headers, "text/html")
    if kind == _faults.TRUNCATED_JSON:
        return Response('{"text": "The quick brown fox jumps ov', 200, headers, "application/json")
    if kind == _faults.EMPTY_200:
        return Response(b"", 200, headers)
    if kind == _faults.MALFORMED_JSON:
        return JSONResponse(fault.body if fault.body is not None else {"unexpected": True}, 200, headers)
    if fault.body is not None:
        if isinstance(fault.body, str | bytes):
            return Response(fault.body, status, headers, "application/json")
        return JSONResponse(fault.body, status, headers)
    if status == 429:
        body = error_body(
            "Rate limit reached for requests. Please try again later.",
            type="requests",
            code="rate_limit_exceeded",
        )
    elif status == 503:
        body = error_body("The server is overloaded or not ready yet.", type="server_error", code=None)
    elif status >= 500:
        body = error_body("The server had an error while processing your request.", type="server_error")
    else:
        body = error_body(f"Injected error (status {status}).", type="invalid_request_error")
    return JSONResponse(body, status, headers)


def _sse(event: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(event, separators=(",", ":")).encode() + b"\n\n"


# Lines every conforming SSE parser must ignore: comments, unknown fields, events without data.


# Lines every conforming SSE parser must ignore: comments, unknown fields, events without data.
_SSE_JUNK = (
    b": keep-alive\n\nretry: 1000\nid: 7\nthis line has no colon\n\nevent: ping\n\n: another comment\n"
)


async def _sse_stream(events: AsyncIterator[dict[str, Any]], fault: Fault | None) -> AsyncIterator[bytes]:
    kind = fault.kind if fault else None
    if kind == _faults.GARBAGE_SSE:
        yield _SSE_JUNK
    sent = 0
    async for event in events:
        is_final = str(event.get("type", "")).endswith(".done")
        if kind == _faults.SSE_NO_DONE and is_final:
            return
        if kind == _faults.SSE_ERROR and (sent == 1 or is_final):
            yield _sse(
                error_body("The server had an error while streaming the response.", type="server_error")
            )
            return
        yield _sse(event)
        sent += 1
        if kind == _faults.GARBAGE_SSE and sent == 1:
            yield _SSE_JUNK


def sse_response(events: AsyncIterator[dict[str, Any]], request: Request) -> StreamingResponse:
    fault = server_state(request).faults.take(request.method, request.url.path, _faults.SSE_KINDS)
    return StreamingResponse(
        _sse_stream(events, fault),
        media_type="text/event-stream",
        headers={"cache-control": "no-cache"},
    )
