"""Reading request bodies: JSON and multipart forms in OpenAI's wire shapes, recorded for the log."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import ClientDisconnect, Request

from openai_audio.testing._errors import APIError, invalid, unrecognized
from openai_audio.testing._log import UploadRecord
from openai_audio.testing._pipeline import request_context

MAX_JSON_BYTES = 1024 * 1024
_HASH_CHUNK = 1024 * 1024


def client_gone() -> APIError:
    # Nobody reads this answer; it exists so the request is logged (as nginx's 499) and
    # no "Exception in ASGI application" traceback is printed.
    return APIError(499, "Client closed the request before sending its whole body.")


async def read_json(request: Request) -> Any:
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
        raise client_gone() from None
    try:
        data = json.loads(b"".join(chunks))
    except (ValueError, UnicodeDecodeError):
        raise APIError(
            400,
            "We could not parse the JSON body of your request. The OpenAI API expects a JSON payload, "
            "but what was sent was not valid JSON.",
        ) from None
    request_context(request).json = data
    if not isinstance(data, dict):
        raise invalid(None, "The request body must be a JSON object.")
    return data


async def sha256_of(upload: UploadFile) -> str:
    digest = hashlib.sha256()
    await upload.seek(0)
    while chunk := await upload.read(_HASH_CHUNK):
        digest.update(chunk)
    await upload.seek(0)
    return digest.hexdigest()


async def read_form(request: Request) -> FormData:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "multipart/form-data":
        raise APIError(415, f"Invalid Content-Type header ({ctype or 'none'}), expected multipart/form-data.")
    try:
        form = await request.form(max_files=16, max_fields=256, max_part_size=MAX_JSON_BYTES)
    except MultiPartException as exc:
        raise APIError(400, f"Could not parse multipart form: {exc.message}") from None
    except ClientDisconnect:
        raise client_gone() from None
    ctx = request_context(request)
    for name, value in form.multi_items():
        if isinstance(value, UploadFile):
            sha = await sha256_of(value)
            ctx.hashes[id(value)] = sha
            ctx.uploads.append(UploadRecord(name, value.filename, value.content_type, value.size or 0, sha))
        else:
            ctx.form.setdefault(name, []).append(value)
    return form


@dataclass
class FormFields:
    """Multipart fields in OpenAI's wire forms: ``a[]`` arrays, ``o[key]`` objects, plain scalars."""

    scalars: dict[str, str] = field(default_factory=dict)
    arrays: dict[str, list[str]] = field(default_factory=dict)
    objects: dict[str, dict[str, str]] = field(default_factory=dict)
    files: dict[str, UploadFile] = field(default_factory=dict)


def classify_form(
    form: FormData,
    *,
    scalars: frozenset[str],
    arrays: frozenset[str] = frozenset(),
    objects: frozenset[str] = frozenset(),
    files: frozenset[str],
) -> FormFields:
    out = FormFields()
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
