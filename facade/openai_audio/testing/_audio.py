"""Deterministic "speech synthesis" (recognition is in ``_recognition``).

Synthesis makes real, playable audio: every character is a decodable pair of tones (see ``_tones``
for the alphabet and what recognition guarantees), 24 kHz 16-bit mono, generated in chunks. With
PyAV, mp3/aac/opus/flac are real encodings of those samples; without it mp3 is silent frames.

Recognition hears the samples (WAV and raw PCM with numpy alone, compressed containers with PyAV,
flac/ogg with soundfile as a fallback), so slices, concatenations, resampled and re-encoded copies
give back the words they contain, at their positions. The input text is also embedded in the
container (a private ``oatx`` RIFF chunk in WAV, an ID3v2.4 ``TXXX`` frame in MP3, a comment in
FLAC/Ogg): it is used only when it says what the samples say (so text beyond ASCII comes back
exactly from whole files), or when the samples cannot be decoded at all (mp3 without PyAV). Any
other audio is "recognised" as words picked deterministically from its sha256.
"""

from __future__ import annotations

import array
import importlib
import io
import math
import struct
import sys
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from openai_audio.testing import _media, _tones

SAMPLE_RATE = 24_000
SAMPLE_WIDTH = 2
MS_PER_CHAR = 60
CHUNK_BYTES = 64 * 1024
TEXT_CHUNK_ID = b"oatx"
ID3_DESCRIPTION = "openai-audio-text"
# MPEG-2 Layer III, 24 kHz, 32 kbps, mono, no CRC; all-zero side info decodes as silence.
MP3_FRAME = bytes((0xFF, 0xF3, 0x44, 0xC0)) + bytes(92)
MP3_FRAME_SAMPLES = 576

CONTENT_TYPES = {
    "mp3": "audio/mpeg",
    "opus": "audio/opus",
    "aac": "audio/aac",
    "flac": "audio/flac",
    "wav": "audio/wav",
    "pcm": "audio/pcm",
}
# Formats needing libsndfile (the optional ``soundfile`` package); "aac" has no encoder at all.
_SOUNDFILE_FORMATS = {"flac": ("FLAC", "PCM_16"), "opus": ("OGG", "OPUS")}
EXACT_SIZE_FORMATS = frozenset({"wav", "pcm", "mp3"})


def _soundfile() -> Any:
    try:
        return importlib.import_module("soundfile")
    except (ImportError, OSError):  # OSError: the package is there but libsndfile is not
        return None


def can_encode(fmt: str) -> bool:
    if fmt in ("wav", "pcm", "mp3") or _media.can_encode(fmt):
        return True
    return fmt in _SOUNDFILE_FORMATS and _soundfile() is not None


@lru_cache(maxsize=256)
def _tone(period: int, n: int) -> bytes:
    """A plain sine block for the exact-size filler (not speech: recognition ignores it)."""
    fade = max(1, min(240, n // 4))  # short ramps avoid clicks
    samples = array.array("h", bytes(2 * n))
    for i in range(n):
        gain = min(1.0, i / fade, (n - 1 - i) / fade)
        samples[i] = int(9000 * gain * math.sin(2 * math.pi * i / period))
    if sys.byteorder == "big":
        samples.byteswap()
    return samples.tobytes()


def samples_per_char(speed: float) -> int:
    return max(1, round(SAMPLE_RATE * MS_PER_CHAR / 1000 / speed))


def pcm_size(text: str, speed: float) -> int:
    return len(text) * samples_per_char(speed) * SAMPLE_WIDTH


def pcm_chunks(text: str, speed: float) -> Iterator[bytes]:
    """The tone sequence for ``text`` as little-endian 16-bit samples, about CHUNK_BYTES at a time."""
    n = samples_per_char(speed)
    silence = bytes(2 * n)
    parts: list[bytes] = []
    size = 0
    for ch in text:
        code = _tones.symbol(ch)
        parts.append(silence if code is None else _tones.char_pcm(code, n, SAMPLE_RATE))
        size += 2 * n
        if size >= CHUNK_BYTES:
            yield b"".join(parts)
            parts, size = [], 0
    if parts:
        yield b"".join(parts)


@lru_cache(maxsize=1)
def _filler_block() -> bytes:
    # One second each of two tones: repeated to make arbitrarily long, cheap, audible PCM.
    return _tone(60, SAMPLE_RATE) + _tone(40, SAMPLE_RATE)


def _repeat(block: bytes, total: int, chunk: int = 256 * 1024) -> Iterator[bytes]:
    if not block:
        return
    reps = max(1, chunk // len(block))
    big = block * reps
    while total > 0:
        piece = big[:total]
        total -= len(piece)
        yield piece


def wav_header(data_size: int, text: str | None) -> bytes:
    fmt = struct.pack(
        "<4sIHHIIHH", b"fmt ", 16, 1, 1, SAMPLE_RATE, SAMPLE_RATE * SAMPLE_WIDTH, SAMPLE_WIDTH, 16
    )
    extra = b""
    if text is not None:
        payload = text.encode("utf-8")
        extra = TEXT_CHUNK_ID + struct.pack("<I", len(payload)) + payload + b"\0" * (len(payload) % 2)
    data = b"data" + struct.pack("<I", data_size)
    riff_size = 4 + len(fmt) + len(extra) + len(data) + data_size
    return b"RIFF" + struct.pack("<I", riff_size) + b"WAVE" + fmt + extra + data


def _syncsafe(n: int) -> bytes:
    return bytes(((n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F))


def id3_tag(text: str) -> bytes:
    payload = b"\x03" + ID3_DESCRIPTION.encode() + b"\x00" + text.encode("utf-8")
    frame = b"TXXX" + _syncsafe(len(payload)) + b"\x00\x00" + payload
    return b"ID3\x04\x00\x00" + _syncsafe(len(frame)) + frame


def _mp3_chunks(text: str, speed: float) -> Iterator[bytes]:
    samples = len(text) * samples_per_char(speed)
    frames = max(1, math.ceil(samples / MP3_FRAME_SAMPLES))
    yield id3_tag(text)
    yield from _repeat(MP3_FRAME, frames * len(MP3_FRAME))


def speech_chunks(fmt: str, text: str, speed: float) -> Iterator[bytes]:
    """Audio for ``text`` in ``fmt`` ("wav", "pcm" or "mp3"), generated incrementally."""
    if fmt == "pcm":
        yield from pcm_chunks(text, speed)
    elif fmt == "wav":
        yield wav_header(pcm_size(text, speed), text)
        yield from pcm_chunks(text, speed)
    elif fmt == "mp3" and _media.can_encode("mp3"):
        yield from _media.encode("mp3", pcm_chunks(text, speed), SAMPLE_RATE, text)
    elif fmt == "mp3":
        yield from _mp3_chunks(text, speed)  # without PyAV: silent frames, the text in the tag
    else:
        raise ValueError(f"no incremental encoder for {fmt}")


def encodes_with_pyav(fmt: str) -> bool:
    return _media.can_encode(fmt)


def encoded_chunks(fmt: str, text: str, speed: float) -> Iterator[bytes]:
    """``fmt`` encoded by PyAV as it is made (blocking steps: iterate in a worker thread)."""
    return _media.encode(fmt, pcm_chunks(text, speed), SAMPLE_RATE, text)


def encode_with_soundfile(fmt: str, text: str, speed: float) -> bytes:
    """Encode with PyAV, else libsndfile (blocking: run it in a worker thread)."""
    if _media.can_encode(fmt):
        return b"".join(_media.encode(fmt, pcm_chunks(text, speed), SAMPLE_RATE, text))
    sf = _soundfile()
    container, subtype = _SOUNDFILE_FORMATS[fmt]
    buf = io.BytesIO()
    with sf.SoundFile(buf, "w", samplerate=SAMPLE_RATE, channels=1, format=container, subtype=subtype) as f:
        f.comment = text  # strings must be set before any audio is written
        for chunk in pcm_chunks(text, speed):
            f.buffer_write(chunk, dtype="int16")
    return buf.getvalue()


def exact_size_chunks(fmt: str, size: int) -> Iterator[bytes]:
    """Exactly ``size`` bytes of valid-ish audio: the benchmark knob for very large downloads."""
    if fmt == "wav":
        yield wav_header(size - 44, None)
        yield from _repeat(_filler_block(), size - 44)
    elif fmt == "pcm":
        yield from _repeat(_filler_block(), size)
    elif fmt == "mp3":
        yield from _repeat(MP3_FRAME, size)
    else:
        raise ValueError(f"no exact-size generator for {fmt}")
