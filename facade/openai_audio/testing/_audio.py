"""Deterministic "speech synthesis" and "recognition".

Synthesis makes real, playable audio: one short tone per character (silence for spaces and punctuation),
24 kHz 16-bit mono. The input text is embedded in the container (a private ``oatx`` RIFF chunk in WAV, an
ID3v2.4 ``TXXX`` frame in MP3, a comment in FLAC/Ogg) so that this server's recognition reads it back
exactly. Any other audio is "recognised" as words picked deterministically from its sha256.
"""

from __future__ import annotations

import array
import hashlib
import importlib
import io
import math
import re
import struct
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import IO, Any

SAMPLE_RATE = 24_000
SAMPLE_WIDTH = 2
MS_PER_CHAR = 60
CHUNK_BYTES = 64 * 1024
TEXT_CHUNK_ID = b"oatx"
ID3_DESCRIPTION = "openai-audio-text"
# Integer periods (in samples) so every cached tone block starts and ends at a zero crossing.
_PERIODS = (20, 24, 30, 32, 40, 48, 60, 80)
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
    if fmt in ("wav", "pcm", "mp3"):
        return True
    return fmt in _SOUNDFILE_FORMATS and _soundfile() is not None


@lru_cache(maxsize=256)
def _tone(period: int, n: int) -> bytes:
    fade = max(1, min(240, n // 4))  # short ramps avoid clicks between characters
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
        parts.append(_tone(_PERIODS[ord(ch) % len(_PERIODS)], n) if ch.isalnum() else silence)
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
    elif fmt == "mp3":
        yield from _mp3_chunks(text, speed)
    else:
        raise ValueError(f"no incremental encoder for {fmt}")


def encode_with_soundfile(fmt: str, text: str, speed: float) -> bytes:
    """Encode with libsndfile (blocking: run it in a worker thread)."""
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


# --------------------------------------------------------------------------- recognition

UPLOAD_FORMATS = ("flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm")
_CONTENT_TYPE_FORMATS = {
    "audio/flac": "flac",
    "audio/x-flac": "flac",
    "audio/mpeg": "mp3",
    "audio/mp3": "mp3",
    "audio/mpga": "mpga",
    "audio/mp4": "mp4",
    "video/mp4": "mp4",
    "audio/m4a": "m4a",
    "audio/x-m4a": "m4a",
    "audio/ogg": "ogg",
    "audio/opus": "ogg",
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/wave": "wav",
    "audio/vnd.wave": "wav",
    "audio/webm": "webm",
    "video/webm": "webm",
}


def sniff(head: bytes) -> str | None:
    """Container format from magic bytes."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head[:4] == b"OggS":
        return "ogg"
    if head[:4] == b"fLaC":
        return "flac"
    if head[4:8] == b"ftyp":
        return "mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    return None


def upload_format(filename: str | None, content_type: str | None, head: bytes) -> str | None:
    """A supported format named by the extension, the content type or the magic bytes, else None."""
    if filename and "." in filename:
        ext = filename.rsplit(".", 1)[1].lower()
        if ext in UPLOAD_FORMATS:
            return ext
    if content_type:
        fmt = _CONTENT_TYPE_FORMATS.get(content_type.split(";")[0].strip().lower())
        if fmt:
            return fmt
    return sniff(head)


@dataclass(frozen=True)
class AudioInfo:
    text: str | None  # text embedded by this server's synthesis, if any
    duration: float  # seconds: exact where the container says, else estimated from the size


def _estimate(size: int) -> float:
    return max(0.1, size / 16_000)  # as if 128 kbit/s


def _read_wav(f: IO[bytes], size: int) -> AudioInfo:
    text: str | None = None
    rate, channels, bits = SAMPLE_RATE, 1, 16
    data_size: int | None = None
    pos = 12
    while pos + 8 <= size:
        f.seek(pos)
        header = f.read(8)
        if len(header) < 8:
            break
        cid, csize = header[:4], struct.unpack("<I", header[4:])[0]
        if cid == b"fmt " and csize >= 16:
            _, channels, rate, _, _, bits = struct.unpack("<HHIIHH", f.read(16))
        elif cid == TEXT_CHUNK_ID and csize <= 1 << 20:
            text = f.read(csize).decode("utf-8", errors="replace")
        elif cid == b"data":
            data_size = min(csize, size - pos - 8)
        pos += 8 + csize + (csize % 2)
    if data_size is None or not rate or not channels or not bits:
        return AudioInfo(text, _estimate(size))
    return AudioInfo(text, data_size / (rate * channels * max(1, bits // 8)))


def _read_mp3(f: IO[bytes], size: int) -> AudioInfo:
    f.seek(0)
    head = f.read(10)
    text: str | None = None
    tag_size = 0
    if head[:3] == b"ID3" and len(head) == 10:
        tag_size = 10 + sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(head[6:10]))
        body = f.read(min(tag_size - 10, 1 << 20))
        pos = 0
        while pos + 10 <= len(body):
            fid = body[pos : pos + 4]
            fsize = sum((b & 0x7F) << (7 * (3 - i)) for i, b in enumerate(body[pos + 4 : pos + 8]))
            if fid == b"TXXX":
                payload = body[pos + 10 : pos + 10 + fsize]
                desc, _, value = payload[1:].partition(b"\x00")
                if desc.decode("latin-1") == ID3_DESCRIPTION:
                    text = value.decode("utf-8", errors="replace")
            if fsize == 0:
                break
            pos += 10 + fsize
    f.seek(tag_size)
    if f.read(4) == MP3_FRAME[:4]:
        frames = (size - tag_size) // len(MP3_FRAME)
        return AudioInfo(text, max(0.0, frames * MP3_FRAME_SAMPLES / SAMPLE_RATE))
    return AudioInfo(text, _estimate(size - tag_size))


def _read_soundfile(f: IO[bytes], size: int) -> AudioInfo:
    sf = _soundfile()
    if sf is None:
        return AudioInfo(None, _estimate(size))
    try:
        f.seek(0)
        with sf.SoundFile(f) as snd:
            comment = snd.comment or None
            duration = snd.frames / snd.samplerate if snd.samplerate else _estimate(size)
    except Exception:  # any libsndfile failure means "not something we made": estimate instead
        return AudioInfo(None, _estimate(size))
    return AudioInfo(comment, duration)


def inspect_audio(f: IO[bytes], size: int) -> AudioInfo:
    """Blocking: run in a worker thread. ``f`` is the spooled upload (seekable)."""
    f.seek(0)
    kind = sniff(f.read(16))
    if kind == "wav":
        return _read_wav(f, size)
    if kind == "mp3":
        return _read_mp3(f, size)
    if kind in ("flac", "ogg"):
        return _read_soundfile(f, size)
    return AudioInfo(None, _estimate(size))


_WORDS = (
    "amber",
    "river",
    "quiet",
    "signal",
    "harbor",
    "lantern",
    "meadow",
    "copper",
    "orbit",
    "velvet",
    "thunder",
    "garden",
    "pixel",
    "echo",
    "marble",
    "canyon",
    "silver",
    "window",
    "rhythm",
    "falcon",
    "violet",
    "summit",
    "breeze",
    "crystal",
    "anchor",
    "ember",
    "horizon",
    "maple",
    "cobalt",
    "willow",
    "comet",
    "ripple",
    "tunnel",
    "beacon",
    "prairie",
    "nectar",
    "glacier",
    "saffron",
    "compass",
    "lagoon",
    "pepper",
    "granite",
    "morning",
    "whisper",
    "island",
    "cedar",
    "voyage",
    "lemon",
    "atlas",
    "meteor",
    "orchard",
    "delta",
    "pebble",
    "sparrow",
    "tango",
    "basalt",
    "monsoon",
    "quartz",
)


def words_from_digest(sha256_hex: str, duration: float) -> str:
    """Deterministic pseudo-transcript: about 2.5 words per second, in sentences of up to 8 words."""
    count = max(3, min(400, round(duration * 2.5)))
    seed = bytes.fromhex(sha256_hex)
    stream = b""
    counter = 0
    while len(stream) < count:
        stream += hashlib.sha256(seed + counter.to_bytes(4, "big")).digest()
        counter += 1
    words = [_WORDS[b % len(_WORDS)] for b in stream[:count]]
    sentences = [words[i : i + 8] for i in range(0, count, 8)]
    return " ".join(" ".join(s).capitalize() + "." for s in sentences)


@dataclass(frozen=True)
class Word:
    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Segment:
    text: str
    start: float
    end: float
    words: tuple[Word, ...]


@dataclass(frozen=True)
class Transcript:
    text: str
    duration: float
    words: tuple[Word, ...]
    segments: tuple[Segment, ...]


def transcript(text: str, duration: float) -> Transcript:
    """Timings proportional to character positions: exact for audio made by ``speech_chunks``."""
    per_char = duration / len(text) if text else 0.0
    matches = list(re.finditer(r"\S+", text))
    words = tuple(
        Word(m.group(), round(m.start() * per_char, 3), round(m.end() * per_char, 3)) for m in matches
    )
    segments: list[Segment] = []
    first = 0
    for i, m in enumerate(matches):
        if m.group()[-1] in ".!?" or i - first >= 19 or i == len(matches) - 1:
            seg_text = text[matches[first].start() : m.end()]
            segments.append(Segment(seg_text, words[first].start, words[i].end, words[first : i + 1]))
            first = i + 1
    return Transcript(text, round(duration, 3), words, tuple(segments))
