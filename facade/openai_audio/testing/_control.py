"""The ``/__control`` endpoints (test only, unauthenticated): faults, the request log, reset."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from openai_audio.testing._errors import error_body
from openai_audio.testing._faults import Fault
from openai_audio.testing._pipeline import server_state
from openai_audio.testing._processing import describe, parse_speed

_INJECT_KEYS = frozenset(
    {"kind", "count", "path", "method", "status", "retry_after", "retry_after_ms", "stall", "body", "headers"}
)


async def control_faults(request: Request) -> Response:
    state = server_state(request)
    if request.method == "DELETE":
        state.faults.clear()
        return JSONResponse({"cleared": True})
    if request.method == "GET":
        return JSONResponse({"faults": [f.to_dict() for f in state.faults.pending()]})
    try:
        spec = await request.json()
        if not isinstance(spec, dict) or not set(spec) <= _INJECT_KEYS:
            raise ValueError(f"expected a JSON object with keys from {sorted(_INJECT_KEYS)}")
        fault = state.faults.add(Fault(**spec))
    except (ValueError, TypeError) as exc:
        return JSONResponse(error_body(str(exc)), 400)
    return JSONResponse(fault.to_dict())


async def control_requests(request: Request) -> Response:
    state = server_state(request)
    if request.method == "DELETE":
        state.log.clear()
        return JSONResponse({"cleared": True})
    return JSONResponse({"requests": [r.to_dict() for r in state.log.snapshot()]})


async def control_rate_limits(request: Request) -> Response:
    """GET the limits, or POST ``{"requests_per_minute": N or null, "insufficient_quota": bool}``."""
    limits = server_state(request).rate_limits
    if request.method == "POST":
        try:
            spec = await request.json()
            if not isinstance(spec, dict) or not set(spec) <= {"requests_per_minute", "insufficient_quota"}:
                raise ValueError("expected a JSON object with keys requests_per_minute, insufficient_quota")
            limits.configure(
                requests_per_minute=spec.get("requests_per_minute"),
                insufficient_quota=spec.get("insufficient_quota", False) is True,
            )
        except ValueError as exc:
            return JSONResponse(error_body(str(exc)), 400)
    return JSONResponse(limits.to_dict())


async def control_limits(request: Request) -> Response:
    """GET or POST ``{"processing_speed": "30x" or null, "max_upload_bytes": N}`` (either key)."""
    state = server_state(request)
    if request.method == "POST":
        try:
            spec = await request.json()
            if not isinstance(spec, dict) or not set(spec) <= {"processing_speed", "max_upload_bytes"}:
                raise ValueError("expected a JSON object with keys processing_speed, max_upload_bytes")
            speed = parse_speed(spec["processing_speed"]) if "processing_speed" in spec else None
            size = spec.get("max_upload_bytes", state.max_upload_bytes)
            if isinstance(size, bool) or not isinstance(size, int) or size < 1:
                raise ValueError("max_upload_bytes must be a positive integer")
        except ValueError as exc:
            return JSONResponse(error_body(str(exc)), 400)
        if "processing_speed" in spec:
            state.processing.speed = speed
        state.max_upload_bytes = size
    return JSONResponse(
        {"processing_speed": describe(state.processing.speed), "max_upload_bytes": state.max_upload_bytes}
    )


async def control_reset(request: Request) -> Response:
    server_state(request).reset()
    return JSONResponse({"reset": True})


# Unauthenticated and never logged: they are how a test talks to the server, not part of the API.
ROUTES = [
    Route("/__control/faults", control_faults, methods=["GET", "POST", "DELETE"]),
    Route("/__control/requests", control_requests, methods=["GET", "DELETE"]),
    Route("/__control/rate_limits", control_rate_limits, methods=["GET", "POST"]),
    Route("/__control/limits", control_limits, methods=["GET", "POST"]),
    Route("/__control/reset", control_reset, methods=["POST"]),
]
