"""What each endpoint accepts as an uploaded file (:class:`UploadRule`), and the checks of a file's
size, format and content type against it, made before any network I/O."""

from __future__ import annotations

import functools
import mimetypes
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Final, TypeAlias

from ._audio_formats import (
    CANONICAL_TYPES,
    MIME_ALIASES,
    PREFERRED_EXTENSIONS,
    canonical_mime,
    sniff,
)
from .errors import InvalidArgumentError

MIB: Final = 1024 * 1024
OCTET_STREAM: Final = "application/octet-stream"

# Produces the first bytes of an upload, for sniffing; called only when needed.
Head: TypeAlias = Callable[[], bytes]


@dataclass(frozen=True)
class UploadRule:
    """What one endpoint accepts as an uploaded file."""

    endpoint: str  # used in error messages, e.g. "transcriptions"
    formats: Mapping[str, str]  # extension (lower case, no dot) -> canonical MIME type
    mime_types: frozenset[str]  # content types accepted as given (lower case, no parameters)
    max_bytes: int | None = None  # None: no client-side limit


def _formats(*extensions: str) -> Mapping[str, str]:
    return MappingProxyType({ext: CANONICAL_TYPES[ext] for ext in extensions})


_TRANSCRIPTION_FORMATS = _formats("flac", "mp3", "mp4", "mpeg", "mpga", "m4a", "ogg", "oga", "wav", "webm")

TRANSCRIPTION_UPLOADS: Final = UploadRule(
    endpoint="transcriptions",
    formats=_TRANSCRIPTION_FORMATS,
    # Every alias of an accepted type: the transcription endpoints document formats, not types.
    mime_types=frozenset(
        alias for alias, canonical in MIME_ALIASES.items() if canonical in _TRANSCRIPTION_FORMATS.values()
    ),
    max_bytes=None,
)
TRANSLATION_UPLOADS: Final = replace(TRANSCRIPTION_UPLOADS, endpoint="translations")

VOICE_SAMPLE_UPLOADS: Final = UploadRule(
    endpoint="voices",
    formats=_formats("aac", "flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm"),
    # Exactly the list in the API reference for consent recordings and voice samples.
    mime_types=frozenset(
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
    ),
    max_bytes=10 * MIB,
)
VOICE_CONSENT_UPLOADS: Final = replace(VOICE_SAMPLE_UPLOADS, endpoint="voice consents")


def check_size(argument: str, rule: UploadRule, size: int, *, path: str | None = None) -> None:
    what = f"{path!r}" if path is not None else "the file"
    if size == 0:
        raise InvalidArgumentError(argument, f"{what} is empty (0 bytes)")
    if rule.max_bytes is not None and size > rule.max_bytes:
        raise InvalidArgumentError(
            argument,
            f"{what} is {size / MIB:.1f} MiB ({size} bytes); "
            f"{rule.endpoint} accepts at most {mib(rule.max_bytes)}",
        )


def resolve_format(
    argument: str,
    rule: UploadRule,
    *,
    name: str | None,
    content_type: str | None,
    head: Head,
) -> tuple[str, str]:
    """The ``(filename, content type)`` to upload with, or an error if the endpoint refuses it."""
    extension = _extension(name)
    if content_type is not None and content_type.split(";", 1)[0].strip().lower() not in ("", OCTET_STREAM):
        sent = _accept_content_type(argument, rule, content_type)
        canonical = canonical_mime(sent)
        fmt = PREFERRED_EXTENSIONS.get(canonical) if canonical else None
    elif extension is not None and extension in CANONICAL_TYPES:
        fmt = extension
        sent = _accept_format(argument, rule, fmt, source=f"{name!r}")
    else:
        if extension is not None and (other := _non_audio_type(extension)) is not None:
            raise InvalidArgumentError(
                argument,
                f"{name!r} is not an audio file ({other}); {rule.endpoint} accepts: {listing(rule)}",
            )
        sniffed = sniff(head())
        if sniffed is None:
            raise InvalidArgumentError(
                argument,
                f"unrecognised audio format for {argument}; {rule.endpoint} accepts: {listing(rule)}",
            )
        fmt = sniffed
        sent = _accept_format(argument, rule, fmt, source="the content")
    if name and extension in CANONICAL_TYPES:
        return name, sent
    stem = name or "audio"
    return (f"{stem}.{fmt}" if fmt else stem), sent


def _accept_format(argument: str, rule: UploadRule, fmt: str, *, source: str) -> str:
    content_type = rule.formats.get(fmt)
    if content_type is None:
        raise InvalidArgumentError(
            argument,
            f"{source} is {fmt} audio, which {rule.endpoint} does not accept; "
            f"{rule.endpoint} accepts: {listing(rule)}",
        )
    return content_type


def _accept_content_type(argument: str, rule: UploadRule, content_type: str) -> str:
    base = content_type.split(";", 1)[0].strip().lower()
    if not rule.mime_types or base in rule.mime_types:
        return content_type.strip()
    canonical = MIME_ALIASES.get(base)
    if canonical is not None and canonical in rule.mime_types:
        return canonical  # the endpoint lists only the canonical spelling
    raise InvalidArgumentError(
        argument,
        f"content type {content_type!r} is not accepted by {rule.endpoint}; "
        f"accepted content types: {', '.join(sorted(rule.mime_types))}",
    )


# -- small helpers ------------------------------------------------------------------------------


def _extension(name: str | None) -> str | None:
    if not name or "." not in name.lstrip("."):
        return None
    return name.rsplit(".", 1)[1].lower() or None


@functools.cache
def _builtin_mime_types() -> mimetypes.MimeTypes:
    # Python's built-in table only: the system's mime.types differs between machines.
    return mimetypes.MimeTypes()


def _non_audio_type(extension: str) -> str | None:
    """The MIME type an extension names if it is clearly not audio (``txt``), else None."""
    guessed, _ = _builtin_mime_types().guess_type(f"x.{extension}")
    if guessed is None or guessed == OCTET_STREAM or guessed in MIME_ALIASES:
        return None
    if guessed.split("/", 1)[0] in ("audio", "video"):
        return None  # maybe a container we accept (Opus in Ogg, QuickTime's ftyp): sniff it
    return guessed


def listing(rule: UploadRule) -> str:
    return ", ".join(sorted(rule.formats))


def mib(n: int) -> str:
    return f"{n / MIB:g} MiB"
