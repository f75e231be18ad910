"""One-line error reports, with the API key scrubbed from everything they show."""

from __future__ import annotations

import sys

from openai_audio.errors import APIResponseValidationError, APIStatusError

_secrets: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember a value (the API key) that must never appear in anything we print."""
    # Very short values would redact ordinary words; real keys are long.
    if value and len(value) >= 4:
        _secrets.add(value)


def redact(text: str) -> str:
    for secret in _secrets:
        text = text.replace(secret, "***")
    return text


def describe(exc: BaseException) -> str:
    """``<ErrorClass>: [<status> ]<message>[ (request id: …)]`` on one line."""
    name = type(exc).__name__
    if isinstance(exc, APIStatusError | APIResponseValidationError):
        message = getattr(exc, "message", None) or str(exc)
        text = f"{name}: {exc.status_code} {message}"
        if exc.request_id:
            text += f" (request id: {exc.request_id})"
    elif isinstance(exc, OSError) and exc.strerror:
        # "[Errno 13] Permission denied: 'x'" is noisier than it needs to be.
        target = f": {exc.filename!r}" if exc.filename is not None else ""
        text = f"{name}: {exc.strerror}{target}"
    else:
        text = f"{name}: {exc}" if str(exc) else name
    # Server messages may span lines; an error report is exactly one.
    return redact(" ".join(text.split()))


def report(exc: BaseException) -> None:
    print(f"error: {describe(exc)}", file=sys.stderr, flush=True)
