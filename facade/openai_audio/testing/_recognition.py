"""Deterministic "speech recognition" of uploads: what the local server hears.

It hears the samples of its own synthetic speech (``_audio`` makes it, ``_tones`` is the alphabet):
WAV and raw PCM with numpy alone, compressed containers with PyAV, flac/ogg with soundfile as a
fallback, so slices, concatenations, resampled and re-encoded copies give back the words they
contain, at their positions. Text embedded by synthesis is trusted only when it says what the
samples say, or when the samples cannot be decoded (mp3 without PyAV). Any other audio is
"recognised" as words picked deterministically from its sha256.
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from openai_audio.testing import _media, _tones
from openai_audio.testing._audio import (
    ID3_DESCRIPTION,
    MP3_FRAME,
    MP3_FRAME_SAMPLES,
    SAMPLE_RATE,
    TEXT_CHUNK_ID,
    _soundfile,
)

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
    text: str | None  # what was said: heard in the samples, or embedded by this server's synthesis
    duration: float  # seconds: exact where the samples or the container say, else estimated from the size


class HeardText(str):
    """Recognised text that knows where each of its words is in the audio (seconds)."""

    spans: tuple[tuple[float, float], ...]

    def __new__(cls, text: str, spans: tuple[tuple[float, float], ...]) -> HeardText:
        obj = super().__new__(cls, text)
        obj.spans = spans
        return obj


def _estimate(size: int) -> float:
    return max(0.1, size / 16_000)  # as if 128 kbit/s


@dataclass(frozen=True)
class _WavLayout:
    text: str | None
    rate: int
    channels: int
    bits: int
    is_float: bool
    data_offset: int | None
    data_size: int


def _wav_layout(f: IO[bytes], size: int) -> _WavLayout:
    text: str | None = None
    rate, channels, bits, tag = SAMPLE_RATE, 1, 16, 1
    data_offset: int | None = None
    data_size = 0
    pos = 12
    while pos + 8 <= size:
        f.seek(pos)
        header = f.read(8)
        if len(header) < 8:
            break
        cid, csize = header[:4], struct.unpack("<I", header[4:])[0]
        if cid == b"fmt " and csize >= 16:
            tag, channels, rate, _, _, bits = struct.unpack("<HHIIHH", f.read(16))
            if tag == 0xFFFE and csize >= 40:  # WAVE_FORMAT_EXTENSIBLE: the real tag opens the GUID
                f.read(8)
                tag = struct.unpack("<H", f.read(2))[0]
        elif cid == TEXT_CHUNK_ID and csize <= 1 << 20:
            text = f.read(csize).decode("utf-8", errors="replace")
        elif cid == b"data":
            data_offset = pos + 8
            available = size - data_offset
            # 0 and 0xFFFFFFFF mark a stream written without knowing its length: read to the end.
            data_size = available if csize in (0, 0xFFFFFFFF) else min(csize, available)
            break  # chunks after the data are not needed
        pos += 8 + csize + (csize % 2)
    return _WavLayout(text, rate, channels, bits, tag == 3, data_offset, data_size)


_WAV_BLOCK_BYTES = 1 << 20


def _wav_samples(f: IO[bytes], layout: _WavLayout) -> Iterator[Any]:
    """The data chunk as mono float blocks (numpy), for 8/16/24/32-bit integer and 32/64-bit float."""
    np = _tones._np()
    width = layout.bits // 8
    frame = width * layout.channels
    assert layout.data_offset is not None
    f.seek(layout.data_offset)
    remaining = layout.data_size - layout.data_size % frame
    block = _WAV_BLOCK_BYTES - _WAV_BLOCK_BYTES % frame
    while remaining > 0:
        raw = f.read(min(block, remaining))
        if not raw:
            break
        raw = raw[: len(raw) - len(raw) % frame]
        remaining -= len(raw)
        if layout.is_float:
            samples = np.frombuffer(raw, dtype="<f4" if width == 4 else "<f8").astype(np.float32)
        elif width == 1:
            samples = (np.frombuffer(raw, dtype=np.uint8).astype(np.float32) - 128) / 128
        elif width == 3:
            bytes3 = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
            ints = bytes3[:, 0] | (bytes3[:, 1] << 8) | (bytes3[:, 2] << 16)
            samples = (np.where(ints >= 1 << 23, ints - (1 << 24), ints)).astype(np.float32) / (1 << 23)
        else:
            dtype = "<i2" if width == 2 else "<i4"
            samples = np.frombuffer(raw, dtype=dtype).astype(np.float32) / float(1 << (8 * width - 1))
        if layout.channels > 1:
            samples = samples.reshape(-1, layout.channels).mean(axis=1)
        yield samples


def _numpy_available() -> bool:
    try:
        _tones._np()
    except ImportError:
        return False
    return True


def _hear_wav(f: IO[bytes], layout: _WavLayout) -> _tones.Heard | None:
    decodable = (layout.is_float and layout.bits in (32, 64)) or (
        not layout.is_float and layout.bits in (8, 16, 24, 32)
    )
    if layout.data_offset is None or not decodable or layout.rate <= 0 or layout.channels <= 0:
        return None
    if not _numpy_available():
        return None
    return _tones.decode(_wav_samples(f, layout), layout.rate)


def _read_wav(f: IO[bytes], size: int) -> AudioInfo:
    layout = _wav_layout(f, size)
    heard = _hear_wav(f, layout)
    if heard is not None:
        return _resolve(layout.text, heard)
    if layout.data_offset is None or not layout.rate or not layout.channels or not layout.bits:
        return AudioInfo(layout.text, _estimate(size))
    return AudioInfo(
        layout.text, layout.data_size / (layout.rate * layout.channels * max(1, layout.bits // 8))
    )


def _id3_text(f: IO[bytes]) -> tuple[str | None, int]:
    """The text embedded in an ID3v2 TXXX frame by this server, and the tag's size."""
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
                    text = value.rstrip(b"\x00").decode("utf-8", errors="replace")
            if fsize == 0:
                break
            pos += 10 + fsize
    return text, tag_size


def _read_mp3(f: IO[bytes], size: int) -> AudioInfo:
    text, tag_size = _id3_text(f)
    f.seek(tag_size)
    if f.read(4) == MP3_FRAME[:4]:
        # The silent frames this server makes without PyAV: only the tag says what was said.
        frames = (size - tag_size) // len(MP3_FRAME)
        return AudioInfo(text, max(0.0, frames * MP3_FRAME_SAMPLES / SAMPLE_RATE))
    decoded = _media.hear(f)
    if decoded is not None:
        return _resolve(text, decoded[0])
    return AudioInfo(text, _estimate(size - tag_size))


def _read_soundfile(f: IO[bytes], size: int) -> AudioInfo:
    sf = _soundfile()
    if sf is None:
        return AudioInfo(None, _estimate(size))
    try:
        f.seek(0)
        with sf.SoundFile(f) as snd:
            comment = snd.comment or None
            rate = snd.samplerate
            if rate and _numpy_available():
                blocks = snd.blocks(blocksize=1 << 16, dtype="float32", always_2d=True)
                return _resolve(comment, _tones.decode((b.mean(axis=1) for b in blocks), rate))
            duration = snd.frames / rate if rate else _estimate(size)
    except Exception:  # any libsndfile failure means "not something we made": estimate instead
        return AudioInfo(None, _estimate(size))
    return AudioInfo(comment, duration)


def _resolve(embedded: str | None, heard: _tones.Heard) -> AudioInfo:
    """What was said, from the samples; the embedded text only where the samples agree with it."""
    duration = heard.duration
    if not heard.is_speech:
        # Silence or foreign audio. The embedded text stands only if it has nothing to hear either.
        if embedded is not None and not _tones.heard(embedded):
            return AudioInfo(embedded, duration)
        return AudioInfo(None, duration)
    spans = tuple((w.start, w.end) for w in heard.words)
    said = " ".join(w.text for w in heard.words)
    if embedded is not None and _tones.heard(embedded) == said:
        return AudioInfo(HeardText(embedded, spans), duration)  # exact text, even beyond ASCII
    return AudioInfo(HeardText(said, spans), duration)


def inspect_audio(f: IO[bytes], size: int) -> AudioInfo:
    """Blocking: run in a worker thread. ``f`` is the spooled upload (seekable)."""
    f.seek(0)
    kind = sniff(f.read(16))
    if kind == "wav":
        return _read_wav(f, size)
    if kind == "mp3":
        return _read_mp3(f, size)
    decoded = _media.hear(f)
    if decoded is not None:
        heard, tag = decoded
        return _resolve(tag, heard)
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
    """Word timings where recognition heard them; otherwise proportional to character positions."""
    per_char = duration / len(text) if text else 0.0
    matches = list(re.finditer(r"\S+", text))
    if isinstance(text, HeardText) and len(text.spans) == len(matches):
        words = tuple(
            Word(m.group(), round(start, 3), round(end, 3))
            for m, (start, end) in zip(matches, text.spans, strict=True)
        )
    else:
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
