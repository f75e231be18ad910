"""The ASGI application: the nine ``/v1/audio`` operations plus the ``/__control`` test endpoints."""

from __future__ import annotations

import asyncio
import base64
import functools
import hashlib
import hmac
import json
import math
import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.datastructures import FormData, MutableHeaders, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from openai_audio import _capabilities
from openai_audio.testing import _audio, _faults
from openai_audio.testing._errors import APIError, error_body, invalid, not_found, unrecognized
from openai_audio.testing._faults import Fault, FaultRegistry
from openai_audio.testing._log import RecordedRequest, RequestLog, UploadRecord
from openai_audio.testing._ratelimit import RateLimits
from openai_audio.testing._state import Store

DEFAULT_API_KEY = "sk-local-test"
MAX_SAMPLE_BYTES = 10 * 1024 * 1024
MAX_JSON_BYTES = 1024 * 1024
EXACT_SIZE_HEADER = "x-test-audio-bytes"
_CTX_KEY = "openai_audio.ctx"
_HASH_CHUNK = 1024 * 1024

SPEECH_MODELS = frozenset(_capabilities.SPEECH_MODELS)
VOICES = frozenset(_capabilities.BUILTIN_VOICES)
SAMPLE_MIME_TYPES = frozenset(
    {
        "audio/mpeg",
        "audio/wav",
        "audio/x-wav",
        "audio/ogg",
        "audio/aac",
        "audio/flac",
        "audio/webm",
        "audio/mp4",
    }
)
_EXT_MIME = {
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "ogg": "audio/ogg",
    "aac": "audio/aac",
    "flac": "audio/flac",
    "webm": "audio/webm",
    "mp4": "audio/mp4",
    "m4a": "audio/mp4",
}
_LANGUAGE_NAMES = {
    "en": "english",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "pt": "portuguese",
    "nl": "dutch",
    "ja": "japanese",
    "zh": "chinese",
    "ru": "russian",
}
UNSUPPORTED_FORMAT_MESSAGE = (
    "Invalid file format. Supported formats: "
    "['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm']"
)


class ServerState:
    """Everything the app shares with ``AudioServer``: store, faults, request log, accepted keys."""

    def __init__(
        self,
        *,
        api_keys: Iterable[str] | None = None,
        db_path: str | os.PathLike[str] | None = None,
        requests_per_minute: int | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.api_keys: tuple[str, ...] | None = tuple(api_keys) if api_keys is not None else None
        if self.api_keys is not None and not self.api_keys:
            raise ValueError("api_keys must name at least one key (or be None to accept any key)")
        self.store = Store(db_path)
        self.faults = FaultRegistry()
        self.log = RequestLog()
        self.rate_limits = RateLimits() if clock is None else RateLimits(clock=clock)
        # What reset() goes back to: the limit the server was started with.
        self.default_requests_per_minute = requests_per_minute
        self.rate_limits.configure(requests_per_minute=requests_per_minute)
        # Set by AudioServer.stop() so stalled requests end promptly instead of holding up shutdown.
        self.stopping = asyncio.Event()

    @property
    def api_key(self) -> str:
        return self.api_keys[0] if self.api_keys else DEFAULT_API_KEY

    def key_accepted(self, key: str) -> bool:
        if not key:
            return False
        if self.api_keys is None:
            return True
        return any(hmac.compare_digest(key.encode(), k.encode()) for k in self.api_keys)

    def reset(self) -> None:
        self.store.clear()
        self.faults.clear()
        self.log.clear()
        self.rate_limits.configure(requests_per_minute=self.default_requests_per_minute)


@dataclass
class _Context:
    """Per-request notes the handler leaves for the middleware (which logs and applies send faults)."""

    request_id: str
    form: dict[str, list[str]] = field(default_factory=dict)
    uploads: list[UploadRecord] = field(default_factory=list)
    json: Any = None
    fault: Fault | None = None
    hashes: dict[int, str] = field(default_factory=dict)  # id(UploadFile) -> sha256, to hash once
    headers: dict[str, str] = field(default_factory=dict)  # added to the reply, whatever it is


class _Dropped(Exception):
    """Raised from ``send`` to stop the app once a "drop" fault has sent its share of the body."""


class _RequestMiddleware:
    """Adds ``x-request-id``, records the request, and applies the faults that act on sending."""

    def __init__(self, app: ASGIApp, state: ServerState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        ctx = _Context(request_id=f"req_{secrets.token_hex(16)}")
        scope[_CTX_KEY] = ctx
        path: str = scope["path"]
        budget: int | None = None  # body bytes a "drop" fault still lets through

        async def send_wrapper(message: Message) -> None:
            nonlocal budget
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["x-request-id"] = ctx.request_id
                for name, value in ctx.headers.items():
                    headers[name] = value
                kind = ctx.fault.kind if ctx.fault else None
                if kind == _faults.WRONG_CONTENT_TYPE:
                    headers["content-type"] = "text/plain; charset=utf-8"
                elif kind == _faults.DROP:
                    declared = headers.get("content-length")
                    # Half the declared body, or some audio of a chunked stream, then the connection dies.
                    budget = int(declared) // 2 if declared else 16 * 1024
                if not path.startswith("/__control"):
                    self.state.log.append(_record(scope, ctx, int(message["status"])))
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


def _record(scope: Scope, ctx: _Context, status: int) -> RecordedRequest:
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
        form={k: list(v) for k, v in ctx.form.items()},
        uploads=list(ctx.uploads),
        json=ctx.json,
        status=status,
        request_id=ctx.request_id,
    )


def _ctx(request: Request) -> _Context:
    ctx: _Context = request.scope[_CTX_KEY]
    return ctx


def _state(request: Request) -> ServerState:
    state: ServerState = request.app.state.audio
    return state


# --------------------------------------------------------------------------- request plumbing


async def _begin(request: Request) -> Fault | None:
    """Take a non-SSE fault for this request; serve a "stall" at once."""
    state = _state(request)
    fault = state.faults.take(request.method, request.url.path, _faults.NON_SSE_KINDS)
    if fault is None:
        return None
    if fault.kind == _faults.STALL:
        return await _stall(request, state, fault.stall or 0)
    if fault.kind in _faults.SENDING_KINDS:
        _ctx(request).fault = fault
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


_Endpoint = Callable[[Request], Awaitable[Response]]


def _authenticate(request: Request) -> None:
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
    if not _state(request).key_accepted(key.strip()):
        # Never echo the key back: logs of failing tests are often public.
        raise APIError(401, "Incorrect API key provided.", code="invalid_api_key")


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


async def _rate_limit(request: Request) -> None:
    """Take a request from the key's bucket; the x-ratelimit headers go on every reply."""
    key = request.headers.get("authorization", "").partition(" ")[2].strip()
    decision = _state(request).rate_limits.check(key, organization=request.headers.get("openai-organization"))
    _ctx(request).headers.update(decision.headers)
    if decision.refused:
        raise decision.error(await _model_named(request) if not decision.quota_exhausted else "")


def _authenticated(handler: _Endpoint) -> _Endpoint:
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
        _authenticate(request)
        await _rate_limit(request)
        return await handler(request)

    return endpoint


def _fault_response(fault: Fault) -> Response:
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


def _client_gone() -> APIError:
    # Nobody reads this answer; it exists so the request is logged (as nginx's 499) and
    # no "Exception in ASGI application" traceback is printed.
    return APIError(499, "Client closed the request before sending its whole body.")


async def _read_json(request: Request) -> Any:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/json" and not ctype.endswith("+json"):
        raise APIError(415, f"Invalid Content-Type header ({ctype or 'none'}), expected application/json.")
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_JSON_BYTES:
                raise APIError(413, "Request body too large.", code="request_too_large")
            chunks.append(chunk)
    except ClientDisconnect:
        raise _client_gone() from None
    try:
        data = json.loads(b"".join(chunks))
    except (ValueError, UnicodeDecodeError):
        raise APIError(
            400,
            "We could not parse the JSON body of your request. The OpenAI API expects a JSON payload, "
            "but what was sent was not valid JSON.",
        ) from None
    _ctx(request).json = data
    if not isinstance(data, dict):
        raise invalid(None, "The request body must be a JSON object.")
    return data


async def _sha256(upload: UploadFile) -> str:
    digest = hashlib.sha256()
    await upload.seek(0)
    while chunk := await upload.read(_HASH_CHUNK):
        digest.update(chunk)
    await upload.seek(0)
    return digest.hexdigest()


async def _read_form(request: Request) -> FormData:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "multipart/form-data":
        raise APIError(415, f"Invalid Content-Type header ({ctype or 'none'}), expected multipart/form-data.")
    try:
        form = await request.form(max_files=16, max_fields=256, max_part_size=MAX_JSON_BYTES)
    except MultiPartException as exc:
        raise APIError(400, f"Could not parse multipart form: {exc.message}") from None
    except ClientDisconnect:
        raise _client_gone() from None
    ctx = _ctx(request)
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            sha = await _sha256(value)
            ctx.hashes[id(value)] = sha
            ctx.uploads.append(UploadRecord(name, value.filename, value.content_type, value.size or 0, sha))
        else:
            ctx.form.setdefault(name, []).append(value)
    return form


@dataclass
class _Fields:
    """Multipart fields in OpenAI's wire forms: ``a[]`` arrays, ``o[key]`` objects, plain scalars."""

    scalars: dict[str, str] = field(default_factory=dict)
    arrays: dict[str, list[str]] = field(default_factory=dict)
    objects: dict[str, dict[str, str]] = field(default_factory=dict)
    files: dict[str, UploadFile] = field(default_factory=dict)


def _classify(
    form: FormData,
    *,
    scalars: frozenset[str],
    arrays: frozenset[str] = frozenset(),
    objects: frozenset[str] = frozenset(),
    files: frozenset[str],
) -> _Fields:
    out = _Fields()
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            if name not in files:
                raise (
                    unrecognized(name)
                    if name not in scalars | arrays
                    else invalid(name, f"'{name}' must not be a file.")
                )
            out.files[name] = value
            continue
        if name in files:
            raise invalid(name, f"'{name}' must be a file upload, not a text field.")
        base, bracket, rest = name.partition("[")
        if bracket and rest == "]" and base in arrays:
            out.arrays.setdefault(base, []).append(value)
        elif bracket and rest.endswith("]") and base in objects and "[" not in rest:
            out.objects.setdefault(base, {})[rest[:-1]] = value
        elif name in arrays:
            out.arrays.setdefault(name, []).append(value)  # bare repeated names are accepted too
        elif name in scalars:
            out.scalars[name] = value  # the last one wins, as with most form parsers
        else:
            raise unrecognized(name)
    return out


def _parse_bool(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    raise invalid(name, f"Invalid value for '{name}': expected a boolean (true or false), got '{value}'.")


def _parse_number(name: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise invalid(name, f"Invalid type for '{name}': expected a number.", code="invalid_type")
    try:
        number = float(value)
    except ValueError:
        raise invalid(name, f"Invalid value for '{name}': expected a number, got '{value}'.") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise invalid(name, f"Invalid value for '{name}': must be between {low:g} and {high:g}.")
    return number


def _check_enum(name: str, value: str, allowed: Iterable[str]) -> str:
    allowed = tuple(allowed)
    if value not in allowed:
        raise invalid(name, f"Invalid value for '{name}': '{value}'. Supported values are: {list(allowed)}.")
    return value


def _unknown_model(model: str) -> APIError:
    return APIError(
        400,
        f"The model `{model}` does not exist or you do not have access to it.",
        param="model",
        code="model_not_found",
    )


def _require_text(name: str, value: Any, *, max_length: int | None = None, allow_empty: bool = False) -> str:
    if value is None:
        raise invalid(name, f"Missing required parameter: '{name}'.", code="missing_required_parameter")
    if not isinstance(value, str):
        raise invalid(name, f"Invalid type for '{name}': expected a string.", code="invalid_type")
    if not allow_empty and not value.strip():
        raise invalid(name, f"Invalid value for '{name}': must not be empty.", code="empty_string")
    if max_length is not None and len(value) > max_length:
        raise invalid(
            name,
            f"Invalid '{name}': string too long. Expected a maximum length of {max_length}.",
            code="string_above_max_length",
        )
    return value


# --------------------------------------------------------------------------- SSE


def _sse(event: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(event, separators=(",", ":")).encode() + b"\n\n"


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


def _sse_response(events: AsyncIterator[dict[str, Any]], request: Request) -> StreamingResponse:
    fault = _state(request).faults.take(request.method, request.url.path, _faults.SSE_KINDS)
    return StreamingResponse(
        _sse_stream(events, fault),
        media_type="text/event-stream",
        headers={"cache-control": "no-cache"},
    )


# --------------------------------------------------------------------------- speech


async def _iterate(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    # Each step is cheap (joining cached tones or slicing a prebuilt block), so no worker thread.
    for chunk in chunks:
        yield chunk


async def create_speech(request: Request) -> Response:
    fault = await _begin(request)
    body = await _read_json(request)
    if fault:
        return _fault_response(fault)
    state = _state(request)
    for key in body:
        if key not in (
            "model",
            "input",
            "instructions",
            "voice",
            "response_format",
            "speed",
            "stream_format",
        ):
            raise unrecognized(key)
    model = _require_text("model", body.get("model"))
    if model not in SPEECH_MODELS:
        raise _unknown_model(model)
    text = _require_text("input", body.get("input"), max_length=4096, allow_empty=False)
    voice = body.get("voice")
    if voice is None:
        raise invalid("voice", "Missing required parameter: 'voice'.", code="missing_required_parameter")
    if isinstance(voice, str):
        if voice not in VOICES:
            raise invalid(
                "voice", f"Invalid value for 'voice': '{voice}'. Supported values are: {sorted(VOICES)}."
            )
    elif isinstance(voice, dict) and set(voice) == {"id"} and isinstance(voice["id"], str):
        if state.store.get_voice(voice["id"]) is None:
            raise invalid("voice", f"No such voice: '{voice['id']}'", code="voice_not_found")
    else:
        raise invalid(
            "voice",
            "Invalid type for 'voice': expected a voice name or an object {\"id\": ...}.",
            code="invalid_type",
        )
    if "instructions" in body:
        _require_text("instructions", body["instructions"], max_length=4096, allow_empty=True)
        if not _capabilities.SPEECH_MODELS[model].instructions:
            raise invalid(
                "instructions",
                f"'instructions' is not supported with the model {model}.",
                code="unsupported_parameter",
            )
    fmt = body.get("response_format", "mp3")
    if not isinstance(fmt, str):
        raise invalid(
            "response_format", "Invalid type for 'response_format': expected a string.", code="invalid_type"
        )
    _check_enum("response_format", fmt, _capabilities.SPEECH_FORMATS)
    speed = _parse_number("speed", body.get("speed", 1.0), 0.25, 4.0)
    stream_format = body.get("stream_format", "audio")
    if not isinstance(stream_format, str):
        raise invalid(
            "stream_format", "Invalid type for 'stream_format': expected a string.", code="invalid_type"
        )
    _check_enum("stream_format", stream_format, _capabilities.SPEECH_STREAM_FORMATS)
    if stream_format == "sse" and not _capabilities.SPEECH_MODELS[model].sse:
        raise invalid(
            "stream_format",
            f"stream_format 'sse' is not supported with the model {model}.",
            code="unsupported_value",
        )
    if not _audio.can_encode(fmt):
        raise invalid(
            "response_format",
            f"The response_format '{fmt}' is not supported by this local test server (no encoder available).",
            code="unsupported_value",
        )

    exact = request.headers.get(EXACT_SIZE_HEADER)
    if exact is not None:
        size = _exact_size(exact, fmt)
        chunks: AsyncIterator[bytes] = _iterate(_audio.exact_size_chunks(fmt, size))
    elif fmt in _audio.EXACT_SIZE_FORMATS:
        chunks = _iterate(_audio.speech_chunks(fmt, text, speed))
    else:
        encoded = await anyio.to_thread.run_sync(_audio.encode_with_soundfile, fmt, text, speed)
        chunks = _iterate(
            encoded[i : i + _audio.CHUNK_BYTES] for i in range(0, len(encoded), _audio.CHUNK_BYTES)
        )

    if stream_format == "sse":
        input_tokens = math.ceil(len(text) / 4) + math.ceil(len(body.get("instructions", "")) / 4)

        async def events() -> AsyncIterator[dict[str, Any]]:
            total = 0
            async for chunk in chunks:
                total += len(chunk)
                # Smaller pieces per event, as OpenAI sends them.
                for i in range(0, len(chunk), 16 * 1024):
                    piece = chunk[i : i + 16 * 1024]
                    yield {"type": "speech.audio.delta", "audio": base64.b64encode(piece).decode("ascii")}
            output_tokens = max(1, total // 1000)
            usage = {
                "input_tokens": input_tokens,
                "output_tokens": output_tokens,
                "total_tokens": input_tokens + output_tokens,
            }
            yield {"type": "speech.audio.done", "usage": usage}

        return _sse_response(events(), request)
    return StreamingResponse(chunks, media_type=_audio.CONTENT_TYPES[fmt])


def _exact_size(raw: str, fmt: str) -> int:
    try:
        size = int(raw)
    except ValueError:
        raise invalid(None, f"{EXACT_SIZE_HEADER} must be an integer number of bytes.") from None
    minimum = 44 if fmt == "wav" else 0
    if size < minimum:
        raise invalid(None, f"{EXACT_SIZE_HEADER} must be at least {minimum} for {fmt}.")
    if fmt not in _audio.EXACT_SIZE_FORMATS:
        raise invalid(
            "response_format", f"{EXACT_SIZE_HEADER} supports only {sorted(_audio.EXACT_SIZE_FORMATS)}."
        )
    return size


# --------------------------------------------------------------------------- transcription / translation


@dataclass
class _SttOptions:
    model: str
    caps: _capabilities.SpeechToTextModel
    response_format: str
    language: str | None
    prompt: str | None
    temperature: float
    stream: bool
    include: list[str]
    granularities: list[str]
    chunking: str | dict[str, Any] | None
    speakers: list[str]
    languages: list[str]


async def _inspect_upload(request: Request, upload: UploadFile) -> tuple[_audio.AudioInfo, str]:
    await upload.seek(0)
    head = await upload.read(16)
    if _audio.upload_format(upload.filename, upload.content_type, head) is None:
        raise invalid("file", UNSUPPORTED_FORMAT_MESSAGE, code="invalid_file_format")
    sha = _ctx(request).hashes.get(id(upload)) or await _sha256(upload)
    info = await anyio.to_thread.run_sync(_audio.inspect_audio, upload.file, upload.size or 0)
    await upload.seek(0)
    return info, sha


def _parse_chunking(fields: _Fields) -> str | dict[str, Any] | None:
    raw: dict[str, Any]
    if "chunking_strategy" in fields.objects:
        if "chunking_strategy" in fields.scalars:
            raise invalid(
                "chunking_strategy", "Give chunking_strategy either as text or as bracketed fields."
            )
        raw = dict(fields.objects["chunking_strategy"])
    elif "chunking_strategy" in fields.scalars:
        text = fields.scalars["chunking_strategy"].strip()
        if text == "auto":
            return "auto"
        try:
            parsed = json.loads(text)
        except ValueError:
            raise invalid(
                "chunking_strategy",
                "Invalid value for 'chunking_strategy': expected \"auto\" or a server_vad object.",
            ) from None
        if parsed == "auto":
            return "auto"
        if not isinstance(parsed, dict):
            raise invalid("chunking_strategy", "Invalid value for 'chunking_strategy'.")
        raw = parsed
    else:
        return None
    config: dict[str, Any] = {}
    for key, value in raw.items():
        param = f"chunking_strategy[{key}]"
        if key == "type":
            if value != "server_vad":
                raise invalid(param, "Invalid value for 'chunking_strategy.type': must be 'server_vad'.")
            config[key] = value
        elif key == "threshold":
            config[key] = _parse_number(param, value, 0.0, 1.0)
        elif key in ("prefix_padding_ms", "silence_duration_ms"):
            number = _parse_number(param, value, 0, 60_000)
            if number != int(number):
                raise invalid(param, f"Invalid value for '{param}': expected an integer.")
            config[key] = int(number)
        else:
            raise unrecognized(param)
    if "type" not in config:
        raise invalid(
            "chunking_strategy[type]",
            "Missing required parameter: 'chunking_strategy.type'.",
            code="missing_required_parameter",
        )
    return config


_STT_SCALARS = frozenset(
    {"model", "language", "prompt", "response_format", "temperature", "stream", "chunking_strategy"}
)
_STT_ARRAYS = frozenset(
    {
        "include",
        "timestamp_granularities",
        "known_speaker_names",
        "known_speaker_references",
        "languages",
        "keywords",
    }
)


def _stt_options(fields: _Fields, *, translation: bool) -> _SttOptions:
    if "file" not in fields.files:
        raise invalid("file", "Missing required parameter: 'file'.", code="missing_required_parameter")
    model = _require_text("model", fields.scalars.get("model"))
    caps = (_capabilities.translation_model if translation else _capabilities.transcription_model)(model)
    if caps is None:
        if translation and model in _capabilities.TRANSCRIPTION_MODELS:
            translators = ", ".join(_capabilities.TRANSLATION_MODELS)
            raise invalid("model", f"The model {model} is not supported for translations; use {translators}.")
        raise _unknown_model(model)
    formats = caps.response_formats
    fmt = fields.scalars.get("response_format", "json")
    _check_enum(
        "response_format",
        fmt,
        _capabilities.TRANSLATION_FORMATS if translation else _capabilities.TRANSCRIPTION_FORMATS,
    )
    if fmt not in formats:
        raise invalid(
            "response_format",
            f"response_format '{fmt}' is not compatible with model '{model}'. Use one of {list(formats)}.",
            code="unsupported_value",
        )
    temperature = _parse_number("temperature", fields.scalars.get("temperature", "0"), 0.0, 1.0)
    stream = _parse_bool("stream", fields.scalars["stream"]) if "stream" in fields.scalars else False
    include = fields.arrays.get("include", [])
    for value in include:
        _check_enum("include[]", value, _capabilities.TRANSCRIPTION_INCLUDES)
    if include and (not caps.logprobs or fmt != "json"):
        raise invalid(
            "include[]",
            "logprobs are only available with response_format 'json' and the models "
            f"{sorted(_capabilities.transcription_models_with('logprobs'))}.",
            code="unsupported_parameter",
        )
    granularities = fields.arrays.get("timestamp_granularities", [])
    for value in granularities:
        _check_enum("timestamp_granularities[]", value, _capabilities.TIMESTAMP_GRANULARITIES)
    if granularities and fmt != "verbose_json":
        raise invalid(
            "timestamp_granularities[]",
            "timestamp_granularities requires response_format 'verbose_json'.",
            code="unsupported_parameter",
        )
    if granularities and not caps.timestamp_granularities:
        raise invalid(
            "timestamp_granularities[]",
            f"timestamp_granularities are not supported with {model}.",
            code="unsupported_parameter",
        )
    prompt = fields.scalars.get("prompt")
    if not caps.prompt and prompt is not None:
        raise invalid("prompt", f"'prompt' is not supported with {model}.", code="unsupported_parameter")
    names = fields.arrays.get("known_speaker_names", [])
    refs = fields.arrays.get("known_speaker_references", [])
    for param, values in (("known_speaker_names[]", names), ("known_speaker_references[]", refs)):
        if len(values) > 4:
            raise invalid(param, f"At most 4 entries are supported in '{param}'.")
    if refs and len(refs) != len(names):
        raise invalid(
            "known_speaker_references[]",
            "known_speaker_references[] must match known_speaker_names[] one to one.",
        )
    for ref in refs:
        if not ref.startswith("data:"):
            raise invalid(
                "known_speaker_references[]", "known_speaker_references[] entries must be data URLs."
            )
    languages = fields.arrays.get("languages", [])
    for param in ("languages", "keywords"):
        if param in fields.arrays and not caps.languages_and_keywords:
            supported = ", ".join(_capabilities.transcription_models_with("languages_and_keywords"))
            raise invalid(
                f"{param}[]", f"'{param}' is only supported with {supported}.", code="unsupported_parameter"
            )
    chunking = _parse_chunking(fields)
    return _SttOptions(
        model=model,
        caps=caps,
        response_format=fmt,
        language=fields.scalars.get("language"),
        prompt=prompt,
        temperature=temperature,
        stream=stream and caps.streaming,  # the spec: streaming is ignored for whisper-1
        include=include,
        granularities=granularities or ["segment"],
        chunking=chunking,
        speakers=names,
        languages=languages,
    )


def _timestamp(seconds: float, sep: str) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{sep}{millis:03d}"


def _subtitles(tr: _audio.Transcript, vtt: bool) -> str:
    cues: list[str] = []
    for i, seg in enumerate(tr.segments, start=1):
        sep = "." if vtt else ","
        timing = f"{_timestamp(seg.start, sep)} --> {_timestamp(seg.end, sep)}"
        cues.append(f"{timing}\n{seg.text}\n" if vtt else f"{i}\n{timing}\n{seg.text}\n")
    return ("WEBVTT\n\n" if vtt else "") + "\n".join(cues)


def _token_id(word: str) -> int:
    return 1000 + int.from_bytes(hashlib.sha256(word.encode()).digest()[:2], "big")


def _logprobs(tr: _audio.Transcript) -> list[dict[str, Any]]:
    out = []
    for i, word in enumerate(tr.words):
        token = word.text if i == 0 else " " + word.text
        logprob = -(_token_id(word.text) % 997) / 10_000
        out.append({"token": token, "logprob": logprob, "bytes": list(token.encode())})
    return out


def _token_usage(tr: _audio.Transcript, prompt: str | None) -> dict[str, Any]:
    audio_tokens = max(1, math.ceil(tr.duration * 10))
    text_tokens = math.ceil(len(prompt or "") / 4)
    output_tokens = max(1, math.ceil(len(tr.text) / 4))
    return {
        "type": "tokens",
        "input_tokens": audio_tokens + text_tokens,
        "input_token_details": {"text_tokens": text_tokens, "audio_tokens": audio_tokens},
        "output_tokens": output_tokens,
        "total_tokens": audio_tokens + text_tokens + output_tokens,
    }


def _whisper_segments(tr: _audio.Transcript, temperature: float) -> list[dict[str, Any]]:
    return [
        {
            "id": i,
            "seek": int(seg.start * 100),
            "start": seg.start,
            "end": seg.end,
            "text": " " + seg.text,
            "tokens": [_token_id(w.text) for w in seg.words],
            "temperature": temperature,
            "avg_logprob": -0.2,
            "compression_ratio": 1.2,
            "no_speech_prob": 0.01,
        }
        for i, seg in enumerate(tr.segments)
    ]


def _speaker(opts: _SttOptions, index: int) -> str:
    labels = opts.speakers or ["A", "B"]
    return labels[index % len(labels)]


def _diarized_segments(tr: _audio.Transcript, opts: _SttOptions) -> list[dict[str, Any]]:
    return [
        {
            "type": "transcript.text.segment",
            "id": f"seg_{i}",
            "start": seg.start,
            "end": seg.end,
            "text": seg.text,
            "speaker": _speaker(opts, i),
        }
        for i, seg in enumerate(tr.segments)
    ]


def _language_name(code: str | None) -> str:
    if not code:
        return "english"
    return _LANGUAGE_NAMES.get(code.lower().split("-")[0], code)


def _stt_response(tr: _audio.Transcript, opts: _SttOptions, *, translation: bool) -> Response:
    fmt = opts.response_format
    if fmt == "text":
        return PlainTextResponse(tr.text + "\n")
    if fmt in ("srt", "vtt"):
        return PlainTextResponse(_subtitles(tr, fmt == "vtt"))
    duration_usage = {"type": "duration", "seconds": math.ceil(tr.duration)}
    if fmt == "verbose_json":
        body: dict[str, Any] = {
            "task": "translate" if translation else "transcribe",
            "language": "english" if translation else _language_name(opts.language),
            "duration": tr.duration,
            "text": tr.text,
        }
        if "word" in opts.granularities and not translation:
            body["words"] = [{"word": w.text, "start": w.start, "end": w.end} for w in tr.words]
        if "segment" in opts.granularities or translation:
            body["segments"] = _whisper_segments(tr, opts.temperature)
        if not translation:
            body["usage"] = duration_usage
        return JSONResponse(body)
    if fmt == "diarized_json":
        return JSONResponse(
            {
                "task": "transcribe",
                "duration": tr.duration,
                "text": tr.text,
                "segments": _diarized_segments(tr, opts),
                "usage": _token_usage(tr, opts.prompt),
            }
        )
    body = {"text": tr.text}
    if translation:
        return JSONResponse(body)
    if "logprobs" in opts.include:
        body["logprobs"] = _logprobs(tr)
    if opts.caps.languages_and_keywords:
        body["languages"] = [{"code": c} for c in (opts.languages or [opts.language or "en"])]
    body["usage"] = duration_usage if opts.caps.usage == "duration" else _token_usage(tr, opts.prompt)
    return JSONResponse(body)


async def _stt_events(tr: _audio.Transcript, opts: _SttOptions) -> AsyncIterator[dict[str, Any]]:
    logprobs = _logprobs(tr) if "logprobs" in opts.include else None
    index = 0
    for seg_no, seg in enumerate(tr.segments):
        for word in seg.words:
            delta = word.text if index == 0 else " " + word.text
            event: dict[str, Any] = {"type": "transcript.text.delta", "delta": delta}
            if logprobs is not None:
                event["logprobs"] = [logprobs[index]]
            if opts.caps.diarization:
                event["segment_id"] = f"seg_{seg_no}"
            index += 1
            yield event
        if opts.response_format == "diarized_json":
            yield {
                "type": "transcript.text.segment",
                "id": f"seg_{seg_no}",
                "start": seg.start,
                "end": seg.end,
                "text": seg.text,
                "speaker": _speaker(opts, seg_no),
            }
    done: dict[str, Any] = {"type": "transcript.text.done", "text": tr.text}
    if logprobs is not None:
        done["logprobs"] = logprobs
    if opts.caps.languages_and_keywords:
        done["languages"] = [{"code": c} for c in (opts.languages or [opts.language or "en"])]
    done["usage"] = _token_usage(tr, opts.prompt)
    yield done


async def _speech_to_text(request: Request, *, translation: bool) -> Response:
    fault = await _begin(request)
    form = await _read_form(request)
    try:
        if fault:
            return _fault_response(fault)
        fields = _classify(
            form,
            scalars=frozenset({"model", "prompt", "response_format", "temperature"})
            if translation
            else _STT_SCALARS,
            arrays=frozenset() if translation else _STT_ARRAYS,
            objects=frozenset() if translation else frozenset({"chunking_strategy"}),
            files=frozenset({"file"}),
        )
        opts = _stt_options(fields, translation=translation)
        info, sha = await _inspect_upload(request, fields.files["file"])
        limit = opts.caps.chunking_required_over
        if limit is not None and opts.chunking is None and info.duration > limit:
            raise invalid(
                "chunking_strategy",
                f"chunking_strategy is required for {opts.model} "
                f"when the audio is longer than {limit:g} seconds.",
                code="missing_required_parameter",
            )
        text = info.text if info.text is not None else _audio.words_from_digest(sha, info.duration)
        tr = _audio.transcript(text, info.duration)
        if opts.stream:
            return _sse_response(_stt_events(tr, opts), request)
        return _stt_response(tr, opts, translation=translation)
    finally:
        await form.close()


async def create_transcription(request: Request) -> Response:
    return await _speech_to_text(request, translation=False)


async def create_translation(request: Request) -> Response:
    return await _speech_to_text(request, translation=True)


# --------------------------------------------------------------------------- consents and voices


def _check_sample(param: str, upload: UploadFile) -> None:
    ctype = (upload.content_type or "").split(";")[0].strip().lower()
    if ctype in ("", "application/octet-stream") and upload.filename and "." in upload.filename:
        ctype = _EXT_MIME.get(
            upload.filename.rsplit(".", 1)[1].lower(), ctype
        )  # untyped parts: trust the name
    if ctype not in SAMPLE_MIME_TYPES:
        raise invalid(
            param,
            f"Unsupported file type '{ctype or 'unknown'}' for '{param}'. Supported MIME types: "
            f"{sorted(SAMPLE_MIME_TYPES)}.",
            code="invalid_file_format",
        )
    if (upload.size or 0) > MAX_SAMPLE_BYTES:
        raise APIError(
            413, f"'{param}' is too large: the maximum size is 10 MiB.", param=param, code="file_too_large"
        )


async def create_voice_consent(request: Request) -> Response:
    fault = await _begin(request)
    form = await _read_form(request)
    try:
        if fault:
            return _fault_response(fault)
        fields = _classify(form, scalars=frozenset({"name", "language"}), files=frozenset({"recording"}))
        name = _require_text("name", fields.scalars.get("name"))
        language = _require_text("language", fields.scalars.get("language"), max_length=35)
        if "recording" not in fields.files:
            raise invalid(
                "recording", "Missing required parameter: 'recording'.", code="missing_required_parameter"
            )
        recording = fields.files["recording"]
        _check_sample("recording", recording)
        consent = _state(request).store.create_consent(
            name, language, _ctx(request).hashes[id(recording)], recording.size or 0
        )
        return JSONResponse(consent.resource())
    finally:
        await form.close()


async def list_voice_consents(request: Request) -> Response:
    fault = await _begin(request)
    if fault:
        return _fault_response(fault)
    for key in request.query_params:
        if key not in ("after", "limit"):
            raise unrecognized(key)
    raw_limit = request.query_params.get("limit", "20")
    try:
        limit = int(raw_limit)
    except ValueError:
        raise invalid(
            "limit", f"Invalid value for 'limit': expected an integer, got '{raw_limit}'."
        ) from None
    if not 1 <= limit <= 100:
        raise invalid("limit", "Invalid value for 'limit': must be between 1 and 100.")
    page = _state(request).store.list_consents(limit=limit, after=request.query_params.get("after"))
    data = [c.resource() for c in page.data]
    return JSONResponse(
        {
            "object": "list",
            "data": data,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
            "has_more": page.has_more,
        }
    )


async def voice_consent(request: Request) -> Response:
    fault = await _begin(request)
    body = await _read_json(request) if request.method == "POST" else None
    if fault:
        return _fault_response(fault)
    store = _state(request).store
    consent_id: str = request.path_params["consent_id"]
    if request.method == "DELETE":
        if not store.delete_consent(consent_id):
            raise not_found("voice consent", consent_id, param="consent_id")
        return JSONResponse({"id": consent_id, "object": "audio.voice_consent", "deleted": True})
    if body is not None:
        for key in body:
            if key != "name":
                raise unrecognized(key)
        name = _require_text("name", body.get("name"))
        if store.get_consent(consent_id) is None:
            raise not_found("voice consent", consent_id, param="consent_id")
        consent = store.rename_consent(consent_id, name)
    else:
        consent = store.get_consent(consent_id)
    if consent is None:
        raise not_found("voice consent", consent_id, param="consent_id")
    return JSONResponse(consent.resource())


async def create_voice(request: Request) -> Response:
    fault = await _begin(request)
    form = await _read_form(request)
    try:
        if fault:
            return _fault_response(fault)
        fields = _classify(form, scalars=frozenset({"name", "consent"}), files=frozenset({"audio_sample"}))
        name = _require_text("name", fields.scalars.get("name"))
        consent_id = _require_text("consent", fields.scalars.get("consent"))
        if "audio_sample" not in fields.files:
            raise invalid(
                "audio_sample",
                "Missing required parameter: 'audio_sample'.",
                code="missing_required_parameter",
            )
        sample = fields.files["audio_sample"]
        _check_sample("audio_sample", sample)
        store = _state(request).store
        if store.get_consent(consent_id) is None:
            raise invalid("consent", f"No such voice consent: '{consent_id}'", code="consent_not_found")
        voice = store.create_voice(name, consent_id, _ctx(request).hashes[id(sample)])
        return JSONResponse(voice.resource())
    finally:
        await form.close()


# --------------------------------------------------------------------------- control endpoints (test only)

_INJECT_KEYS = frozenset(
    {"kind", "count", "path", "method", "status", "retry_after", "retry_after_ms", "stall", "body", "headers"}
)


async def control_faults(request: Request) -> Response:
    state = _state(request)
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
    state = _state(request)
    if request.method == "DELETE":
        state.log.clear()
        return JSONResponse({"cleared": True})
    return JSONResponse({"requests": [r.to_dict() for r in state.log.snapshot()]})


async def control_rate_limits(request: Request) -> Response:
    """GET the limits, or POST ``{"requests_per_minute": N or null, "insufficient_quota": bool}``."""
    limits = _state(request).rate_limits
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


async def control_reset(request: Request) -> Response:
    _state(request).reset()
    return JSONResponse({"reset": True})


# --------------------------------------------------------------------------- app


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
    routes = [
        Route("/v1/audio/speech", _authenticated(create_speech), methods=["POST"]),
        Route("/v1/audio/transcriptions", _authenticated(create_transcription), methods=["POST"]),
        Route("/v1/audio/translations", _authenticated(create_translation), methods=["POST"]),
        Route("/v1/audio/voice_consents", _authenticated(create_voice_consent), methods=["POST"]),
        Route("/v1/audio/voice_consents", _authenticated(list_voice_consents), methods=["GET"]),
        Route(
            "/v1/audio/voice_consents/{consent_id}",
            _authenticated(voice_consent),
            methods=["GET", "POST", "DELETE"],
        ),
        Route("/v1/audio/voices", _authenticated(create_voice), methods=["POST"]),
        Route("/__control/faults", control_faults, methods=["GET", "POST", "DELETE"]),
        Route("/__control/requests", control_requests, methods=["GET", "DELETE"]),
        Route("/__control/rate_limits", control_rate_limits, methods=["GET", "POST"]),
        Route("/__control/reset", control_reset, methods=["POST"]),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(_RequestMiddleware, state=state)],
        exception_handlers={APIError: _api_error, HTTPException: _http_error, Exception: _server_error},
    )
    app.state.audio = state
    return app
