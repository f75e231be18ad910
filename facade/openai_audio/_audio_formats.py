"""Audio container formats: file extensions, MIME types, magic-byte sniffing and WAV durations.

Everything here is pure: it looks at bytes (or reads a few from a file object and puts the
position back) and never touches the network.
"""

from __future__ import annotations

import contextlib
import io
import os
import struct
from collections.abc import Mapping
from types import MappingProxyType
from typing import IO, Final

__all__ = [
    "CANONICAL_TYPES",
    "MIME_ALIASES",
    "PREFERRED_EXTENSIONS",
    "SNIFF_BYTES",
    "canonical_mime",
    "sniff",
    "wav_duration",
]

#: Extension (lower case, no dot) -> canonical MIME type, for every format any endpoint accepts.
CANONICAL_TYPES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "aac": "audio/aac",
        "flac": "audio/flac",
        "m4a": "audio/mp4",
        "mp3": "audio/mpeg",
        "mp4": "audio/mp4",
        "mpeg": "audio/mpeg",
        "mpga": "audio/mpeg",
        "oga": "audio/ogg",
        "ogg": "audio/ogg",
        "wav": "audio/wav",
        "webm": "audio/webm",
    }
)

#: Every MIME type we recognise (lower case, no parameters) -> its canonical type.
MIME_ALIASES: Final[Mapping[str, str]] = MappingProxyType(
    {
        **{canonical: canonical for canonical in set(CANONICAL_TYPES.values())},
        "audio/x-wav": "audio/wav",
        "audio/wave": "audio/wav",
        "audio/vnd.wave": "audio/wav",
        "audio/x-pn-wav": "audio/wav",
        "audio/mp3": "audio/mpeg",
        "audio/mpeg3": "audio/mpeg",
        "audio/x-mp3": "audio/mpeg",
        "audio/x-mpeg": "audio/mpeg",
        "audio/x-mpeg-3": "audio/mpeg",
        "audio/mpga": "audio/mpeg",
        "application/ogg": "audio/ogg",
        "audio/x-ogg": "audio/ogg",
        "audio/x-flac": "audio/flac",
        "video/webm": "audio/webm",
        "audio/m4a": "audio/mp4",
        "audio/x-m4a": "audio/mp4",
        "video/mp4": "audio/mp4",
        "audio/x-aac": "audio/aac",
        "audio/aacp": "audio/aac",
    }
)

#: Canonical MIME type -> the extension to give an upload that has none.
PREFERRED_EXTENSIONS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "audio/aac": "aac",
        "audio/flac": "flac",
        "audio/mp4": "m4a",
        "audio/mpeg": "mp3",
        "audio/ogg": "ogg",
        "audio/wav": "wav",
        "audio/webm": "webm",
    }
)

#: How many leading bytes :func:`sniff` looks at.
SNIFF_BYTES: Final = 64

# 0xFFFFFFFF in a RIFF size field means "unknown" (streamed WAV) or "see the ds64 chunk" (RF64).
_UNKNOWN_SIZE: Final = 0xFFFF_FFFF
# Bounds the chunk walk on hostile input; real files have a handful of chunks.
_MAX_CHUNKS: Final = 4096
_SKIP_CHUNK: Final = 64 * 1024
# WAVE format tags whose data bytes map linearly onto frames (PCM, IEEE float, extensible).
_LINEAR_FORMATS: Final = frozenset({0x0001, 0x0003, 0xFFFE})


def canonical_mime(content_type: str) -> str | None:
    """The canonical audio MIME type for ``content_type`` (parameters ignored), or None."""
    base = content_type.split(";", 1)[0].strip().lower()
    return MIME_ALIASES.get(base)


def sniff(head: bytes) -> str | None:
    """The format (an extension of :data:`CANONICAL_TYPES`) that ``head`` starts with, or None."""
    if len(head) >= 12 and head[:4] in (b"RIFF", b"RF64", b"BW64") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    if len(head) >= 8 and head[4:8] == b"ftyp":
        # Only the major brand says "audio only"; either way the MIME type is audio/mp4.
        return "m4a" if head[8:11] in (b"M4A", b"M4B") else "mp4"
    if head.startswith(b"ID3"):
        return "mp3"
    if len(head) >= 3 and head[0] == 0xFF:
        return _sniff_frame_sync(head[1], head[2])
    return None


def _sniff_frame_sync(b1: int, b2: int) -> str | None:
    # ADTS: 12 sync bits, then ID, then layer == 00 (a value MPEG audio reserves), then protection.
    if b1 & 0xF6 == 0xF0:
        return "aac" if (b2 >> 2) & 0x0F < 13 else None  # sampling frequency index 13..15 is invalid
    if b1 & 0xE0 != 0xE0:
        return None
    version, layer = (b1 >> 3) & 0b11, (b1 >> 1) & 0b11
    bitrate, rate = b2 >> 4, (b2 >> 2) & 0b11
    # Reject the reserved values so that random bytes after 0xFF rarely pass as MP3.
    if version == 0b01 or layer == 0b00 or bitrate == 0b1111 or rate == 0b11:
        return None
    return "mp3"


def wav_duration(data: bytes | bytearray | memoryview | IO[bytes]) -> float | None:
    """Duration in seconds from a WAV file's header, or None if it is not a (readable) WAV.

    A file object is read from its current position; a seekable one is put back there.
    A streamed WAV whose data size is unknown (0xFFFFFFFF without an RF64 ``ds64`` chunk)
    gives None. A data chunk declared longer than the bytes present is cut to what is there.
    """
    if isinstance(data, (bytes, bytearray, memoryview)):
        return _guarded(io.BytesIO(data), seekable=True)
    seekable = _is_seekable(data)
    start: int | None = None
    if seekable:
        try:
            start = data.tell()
        except (OSError, ValueError):
            seekable = False
    try:
        return _guarded(data, seekable=seekable)
    finally:
        if start is not None:
            with contextlib.suppress(OSError, ValueError):
                data.seek(start)


def _is_seekable(f: object) -> bool:
    probe = getattr(f, "seekable", None)
    if not callable(probe):
        return False
    try:
        return bool(probe())
    except (OSError, ValueError):
        return False


def _guarded(f: IO[bytes], *, seekable: bool) -> float | None:
    try:
        return _walk_wav(f, seekable=seekable)
    except (OSError, ValueError, struct.error):
        return None


def _read(f: IO[bytes], n: int) -> bytes:
    """Up to ``n`` bytes; fewer only at end of file (raw streams may return short reads)."""
    parts: list[bytes] = []
    while n > 0:
        chunk = f.read(n)
        if not chunk:
            break
        if not isinstance(chunk, bytes | bytearray):
            raise ValueError("not a binary stream")
        parts.append(bytes(chunk))
        n -= len(chunk)
    return b"".join(parts)


def _skip(f: IO[bytes], n: int, *, seekable: bool) -> None:
    if seekable:
        f.seek(n, os.SEEK_CUR)  # past the end is fine: the next read returns b""
        return
    while n > 0 and (chunk := f.read(min(n, _SKIP_CHUNK))):
        n -= len(chunk)


def _walk_wav(f: IO[bytes], *, seekable: bool) -> float | None:
    header = _read(f, 12)
    if sniff(header) != "wav":
        return None
    fmt: tuple[int, int, int, int, int] | None = None  # format tag, rate, byte rate, block align, bits
    fact_frames: int | None = None
    ds64_data_size: int | None = None
    data_size: int | None = None
    for _ in range(_MAX_CHUNKS):
        chunk_header = _read(f, 8)
        if len(chunk_header) < 8:
            break
        chunk_id, size = chunk_header[:4], int.from_bytes(chunk_header[4:], "little")
        consumed = 0
        if chunk_id == b"fmt ":
            body = _read(f, min(size, 16))
            consumed = len(body)
            if len(body) < 16:
                return None
            tag, _channels, rate, byte_rate, align, bits = struct.unpack("<HHIIHH", body)
            fmt = (tag, rate, byte_rate, align, bits)
        elif chunk_id == b"fact" and size >= 4:
            body = _read(f, 4)
            consumed = len(body)
            fact_frames = int.from_bytes(body, "little") if len(body) == 4 else None
        elif chunk_id == b"ds64" and size >= 16:
            body = _read(f, 16)
            consumed = len(body)
            if len(body) == 16:
                ds64_data_size = int.from_bytes(body[8:16], "little")
        elif chunk_id == b"data":
            data_size = ds64_data_size if size == _UNKNOWN_SIZE else size
            if data_size is None:
                return None
            size = data_size
            if seekable:  # a truncated file only holds what is there
                here = f.tell()
                end = f.seek(0, os.SEEK_END)
                f.seek(here)
                data_size = min(data_size, max(0, end - here))
            if fmt is not None:
                break
            # fmt after data is legal though rare: keep walking.
        _skip(f, size - consumed + (size & 1), seekable=seekable)  # chunks are padded to even sizes
    if fmt is None or data_size is None:
        return None
    tag, rate, byte_rate, align, _bits = fmt
    if rate == 0:
        return None
    if tag not in _LINEAR_FORMATS and fact_frames is not None:
        return fact_frames / rate  # compressed data: the fact chunk holds the frame count
    if align:
        return (data_size // align) / rate
    return data_size / byte_rate if byte_rate else None
