"""``POST /v1/audio/transcriptions`` and ``/translations``: speech to text from the uploaded audio."""

from __future__ import annotations

import anyio
from starlette.datastructures import UploadFile
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from openai_audio.testing import _recognition
from openai_audio.testing._errors import APIError, invalid
from openai_audio.testing._injection import fault_response, sse_response, take_fault
from openai_audio.testing._pipeline import api_endpoint, request_context, server_state
from openai_audio.testing._requests import classify_form, client_gone, read_form, sha256_of
from openai_audio.testing._responses import stt_events, stt_response
from openai_audio.testing._validation import STT_ARRAYS, STT_SCALARS, SttOptions, stt_options

UNSUPPORTED_FORMAT_MESSAGE = (
    "Invalid file format. Supported formats: "
    "['flac', 'm4a', 'mp3', 'mp4', 'mpeg', 'mpga', 'oga', 'ogg', 'wav', 'webm']"
)


async def _inspect_upload(request: Request, upload: UploadFile) -> tuple[_recognition.AudioInfo, str]:
    await upload.seek(0)
    head = await upload.read(16)
    if _recognition.upload_format(upload.filename, upload.content_type, head) is None:
        raise invalid("file", UNSUPPORTED_FORMAT_MESSAGE, code="invalid_file_format")
    sha = request_context(request).hashes.get(id(upload)) or await sha256_of(upload)
    info = await anyio.to_thread.run_sync(_recognition.inspect_audio, upload.file, upload.size or 0)
    await upload.seek(0)
    return info, sha


async def check_upload_size(request: Request) -> None:
    """OpenAI's 413 for a body over the upload limit, with its wording, type and null code.

    The declared length decides before anything is parsed; the body is still read (and dropped),
    as a real server reads what it is sent before answering.
    """
    limit = server_state(request).max_upload_bytes
    declared = request.headers.get("content-length", "")
    size = int(declared) if declared.isdigit() else None
    if size is None or size <= limit:
        return
    try:
        async for _ in request.stream():
            pass
    except ClientDisconnect:
        raise client_gone() from None
    raise APIError(
        413, f"Maximum content size limit ({limit}) exceeded ({size} bytes read)", type="server_error"
    )


def _check_size_read(request: Request, form_size: int) -> None:
    # A chunked body has no declared length: judge what was read.
    limit = server_state(request).max_upload_bytes
    if form_size > limit:
        raise APIError(
            413,
            f"Maximum content size limit ({limit}) exceeded ({form_size} bytes read)",
            type="server_error",
        )


def check_audio(opts: SttOptions, info: _recognition.AudioInfo) -> None:
    """The rules that depend on the audio itself, checked once it has been inspected."""
    longest = opts.caps.max_duration_seconds
    if longest is not None and info.duration > longest:
        raise invalid(
            None,
            f"audio duration {info.duration:.2f} seconds is longer than {longest:g} seconds "
            "which is the maximum for this model",
        )
    limit = opts.caps.chunking_required_over
    if limit is not None and opts.chunking is None and info.duration > limit:
        raise invalid(
            "chunking_strategy",
            f"chunking_strategy is required for {opts.model} "
            f"when the audio is longer than {limit:g} seconds.",
            code="missing_required_parameter",
        )


async def _speech_to_text(request: Request, *, translation: bool) -> Response:
    fault = await take_fault(request)
    if not fault:
        await check_upload_size(request)
    form = await read_form(request)
    try:
        if fault:
            return fault_response(fault)
        if "content-length" not in request.headers:
            _check_size_read(
                request, sum(v.size or 0 for _, v in form.multi_items() if isinstance(v, UploadFile))
            )
        fields = classify_form(
            form,
            scalars=frozenset({"model", "prompt", "response_format", "temperature"})
            if translation
            else STT_SCALARS,
            arrays=frozenset() if translation else STT_ARRAYS,
            objects=frozenset() if translation else frozenset({"chunking_strategy"}),
            files=frozenset({"file"}),
        )
        opts = stt_options(fields, translation=translation)
        info, sha = await _inspect_upload(request, fields.files["file"])
        check_audio(opts, info)
        text = info.text if info.text is not None else _recognition.words_from_digest(sha, info.duration)
        tr = _recognition.transcript(text, info.duration)
        await server_state(request).processing.simulate(info.duration)
        if opts.stream:
            return sse_response(stt_events(tr, opts), request)
        return stt_response(tr, opts, translation=translation)
    finally:
        await form.close()


async def create_transcription(request: Request) -> Response:
    return await _speech_to_text(request, translation=False)


async def create_translation(request: Request) -> Response:
    return await _speech_to_text(request, translation=True)


ROUTES = [
    Route("/v1/audio/transcriptions", api_endpoint(create_transcription), methods=["POST"]),
    Route("/v1/audio/translations", api_endpoint(create_translation), methods=["POST"]),
]
