"""``POST /v1/audio/speech``: synthetic speech as audio bytes or an SSE stream."""

from __future__ import annotations

import base64
import math
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from openai_audio.testing import _audio
from openai_audio.testing._errors import invalid
from openai_audio.testing._injection import fault_response, sse_response, take_fault
from openai_audio.testing._pipeline import api_endpoint, server_state
from openai_audio.testing._requests import read_json
from openai_audio.testing._validation import speech_options

EXACT_SIZE_HEADER = "x-test-audio-bytes"


async def iterate_chunks(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    # Each step is cheap (joining cached tones or slicing a prebuilt block), so no worker thread.
    for chunk in chunks:
        yield chunk


async def iterate_in_thread(chunks: Iterator[bytes]) -> AsyncIterator[bytes]:
    # Encoding takes real CPU time: each step runs in a worker thread, one step at a time.
    try:
        while (chunk := await anyio.to_thread.run_sync(next, chunks, None)) is not None:
            if chunk:
                yield chunk
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            await anyio.to_thread.run_sync(close)


async def create_speech(request: Request) -> Response:
    fault = await take_fault(request)
    body = await read_json(request)
    if fault:
        return fault_response(fault)
    opts = speech_options(body, server_state(request).store)
    fmt, text, speed = opts.response_format, opts.text, opts.speed

    exact = request.headers.get(EXACT_SIZE_HEADER)
    if exact is not None:
        size = _exact_size(exact, fmt)
        chunks: AsyncIterator[bytes] = iterate_chunks(_audio.exact_size_chunks(fmt, size))
    elif fmt in ("wav", "pcm"):
        chunks = iterate_chunks(_audio.speech_chunks(fmt, text, speed))
    elif _audio.encodes_with_pyav(fmt):  # real mp3/aac/opus/flac, streamed as it is encoded
        chunks = iterate_in_thread(_audio.encoded_chunks(fmt, text, speed))
    elif fmt == "mp3":
        chunks = iterate_chunks(_audio.speech_chunks(fmt, text, speed))
    else:
        encoded = await anyio.to_thread.run_sync(_audio.encode_with_soundfile, fmt, text, speed)
        chunks = iterate_chunks(
            encoded[i : i + _audio.CHUNK_BYTES] for i in range(0, len(encoded), _audio.CHUNK_BYTES)
        )

    if opts.stream_format == "sse":
        input_tokens = math.ceil(len(text) / 4) + math.ceil(len(opts.instructions or "") / 4)

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

        return sse_response(events(), request)
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


ROUTES = [Route("/v1/audio/speech", api_endpoint(create_speech), methods=["POST"])]
