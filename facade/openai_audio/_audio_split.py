"""Splitting a long WAV recording at pauses, streaming, with the standard library only.

A :class:`WavLayout` is read from the header (a few hundred bytes). :func:`plan_cuts` then walks
the recording once per cut, reading only the search span before each limit (never the whole
file) to find the quietest stretch: energies over 10 ms windows, the longest run of windows
within a hair of the quietest, cut in its middle. A pause between words is far longer than the
closures inside a word, so the longest quiet run is a pause whenever the span holds one.

Each chunk is then a :class:`ChunkView`: a fresh 44-byte WAV header followed by a byte range of
the original data, read on demand through a lock-guarded :class:`SharedReader`. Nothing is
copied: a chunk costs its header, and concurrent uploads read the one source in turn.
"""

from __future__ import annotations

import array
import io
import math
import os
import struct
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Final

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

__all__ = [
    "ChunkView",
    "SharedReader",
    "SplitLimits",
    "WavLayout",
    "plan_cuts",
    "read_wav_layout",
    "wav_header",
]

#: Analysis window: 10 ms is short against a pause (100 ms and up) and long against a period.
WINDOW_SECONDS: Final = 0.010
#: The span searched for a pause before each limit, at most this long ...
MAX_SEARCH_SECONDS: Final = 30.0
#: ... and at most this share of a chunk (so short test limits still get chunks of a fair size).
SEARCH_SHARE: Final = 1 / 3
#: Chunks stay this far under the limits (multipart framing, other form fields, rounding).
DURATION_HEADROOM: Final = 0.02
BYTES_HEADROOM: Final = 0.02
MIN_BYTES_HEADROOM: Final = 16 * 1024
#: Energies below this (mean square, 16-bit scale) count as digital silence whatever the rest.
_SILENCE_FLOOR: Final = 4.0
#: A recording is never spread into chunks shorter than this (each request has a fixed cost).
MIN_SPREAD_SECONDS: Final = 60.0
SPREAD_SLACK: Final = 1.05
_READ_BLOCK: Final = 256 * 1024
_WAV_HEADER_BYTES: Final = 44
_MAX_CHUNKS: Final = 4096
_UNKNOWN_SIZE: Final = 0xFFFF_FFFF
_PCM, _FLOAT, _EXTENSIBLE = 0x0001, 0x0003, 0xFFFE


class UnsupportedWavError(ValueError):
    """The WAV cannot be split here (compressed data, odd sample widths, a broken header)."""


@dataclass(frozen=True)
class WavLayout:
    """Where the samples of a WAV are and what they look like."""

    format_tag: int  # 1 (integer PCM) or 3 (IEEE float), extensible resolved
    channels: int
    sample_rate: int
    sample_width: int  # bytes per sample
    data_offset: int  # byte offset of the first sample in the file
    data_size: int  # bytes of whole frames

    @property
    def frame_bytes(self) -> int:
        return self.channels * self.sample_width

    @property
    def frames(self) -> int:
        return self.data_size // self.frame_bytes

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate

    def chunk_bytes(self, frames: int) -> int:
        """Size of a chunk of ``frames`` frames written as WAV."""
        return _WAV_HEADER_BYTES + frames * self.frame_bytes


@dataclass(frozen=True)
class SplitLimits:
    """What one request may carry: bytes of the whole upload, seconds of audio (None: no limit)."""

    max_bytes: int | None
    max_duration: float | None
    parts: int = 1
    """When a recording must be split anyway, into at least this many chunks (the concurrency),
    so that they all run at once; never into chunks under :data:`MIN_SPREAD_SECONDS`."""

    def spread_seconds(self, total_seconds: float) -> float:
        """The longest chunk that spreads ``total_seconds`` over :attr:`parts` (a little over an
        equal share, so the cuts found just before it do not leave a small remainder)."""
        if self.parts <= 1:
            return math.inf
        return max(MIN_SPREAD_SECONDS, total_seconds / self.parts * SPREAD_SLACK)

    def exceeded_by(self, size: int | None, duration: float | None) -> bool:
        if self.max_bytes is not None and size is not None and size > self.max_bytes:
            return True
        return self.max_duration is not None and duration is not None and duration > self.max_duration

    def chunk_frames(self, layout: WavLayout, *, reserved_bytes: int = 0) -> int:
        """The most frames a chunk may hold, margins included."""
        frames = layout.frames
        if self.parts > 1:
            frames = min(frames, int(self.spread_seconds(layout.duration) * layout.sample_rate))
        if self.max_duration is not None:
            frames = min(frames, int(self.max_duration * (1 - DURATION_HEADROOM) * layout.sample_rate))
        if self.max_bytes is not None:
            headroom = max(MIN_BYTES_HEADROOM, int(self.max_bytes * BYTES_HEADROOM)) + reserved_bytes
            budget = self.max_bytes - headroom - _WAV_HEADER_BYTES
            frames = min(frames, budget // layout.frame_bytes)
        if frames < layout.sample_rate // 10:
            raise ValueError("the limits leave room for less than 0.1 s of audio per request")
        return frames


# -- reading --------------------------------------------------------------------------------------


def _read_exact(f: IO[bytes], n: int) -> bytes:
    parts: list[bytes] = []
    while n > 0:
        chunk = f.read(n)
        if not chunk:
            break
        parts.append(chunk)
        n -= len(chunk)
    return b"".join(parts)


def read_wav_layout(f: IO[bytes], size: int) -> WavLayout:
    """Walk the RIFF chunks of a seekable WAV (from position 0, ``size`` bytes long)."""
    f.seek(0)
    head = _read_exact(f, 12)
    if len(head) < 12 or head[:4] not in (b"RIFF", b"RF64", b"BW64") or head[8:12] != b"WAVE":
        raise UnsupportedWavError("not a WAV file")
    fmt: tuple[int, int, int, int] | None = None
    ds64: int | None = None
    pos = 12
    for _ in range(_MAX_CHUNKS):
        if pos + 8 > size:
            break
        f.seek(pos)
        header = _read_exact(f, 8)
        if len(header) < 8:
            break
        chunk_id, chunk_size = header[:4], int.from_bytes(header[4:], "little")
        if chunk_id == b"fmt ":
            body = _read_exact(f, min(chunk_size, 40))
            if len(body) < 16:
                raise UnsupportedWavError("the fmt chunk is too short")
            tag, channels, rate, _byte_rate, _align, bits = struct.unpack("<HHIIHH", body[:16])
            if tag == _EXTENSIBLE and len(body) >= 26:
                tag = int.from_bytes(body[24:26], "little")  # the sub-format GUID starts with the tag
            fmt = (tag, channels, rate, bits)
        elif chunk_id == b"ds64" and chunk_size >= 16:
            ds64 = int.from_bytes(_read_exact(f, 16)[8:16], "little")
        elif chunk_id == b"data":
            data_size = ds64 if chunk_size == _UNKNOWN_SIZE and ds64 is not None else chunk_size
            if chunk_size == _UNKNOWN_SIZE and ds64 is None:
                data_size = size - pos - 8  # a streamed WAV: the data runs to the end
            if fmt is None:
                raise UnsupportedWavError("the data chunk comes before the fmt chunk")
            return _layout(fmt, pos + 8, min(data_size, size - pos - 8))
        pos += 8 + chunk_size + (chunk_size & 1)
    raise UnsupportedWavError("no data chunk")


def _layout(fmt: tuple[int, int, int, int], offset: int, data_size: int) -> WavLayout:
    tag, channels, rate, bits = fmt
    width = (bits + 7) // 8
    if (tag == _PCM and width in (1, 2, 3, 4)) or (tag == _FLOAT and width == 4):
        if channels < 1 or rate < 1:
            raise UnsupportedWavError("the fmt chunk has no channels or no sample rate")
        frame = channels * width
        return WavLayout(tag, channels, rate, width, offset, data_size - data_size % frame)
    raise UnsupportedWavError(f"WAV format tag {tag:#x} with {bits}-bit samples cannot be split")


class SharedReader:
    """Positioned reads from one seekable stream, safe from several threads at once."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def pread(self, offset: int, n: int) -> bytes:
        with self._lock:
            self._stream.seek(offset)
            return _read_exact(self._stream, n)


def wav_header(layout: WavLayout, frames: int) -> bytes:
    """A canonical 44-byte header for ``frames`` frames shaped like ``layout``."""
    data_size = frames * layout.frame_bytes
    byte_rate = layout.sample_rate * layout.frame_bytes
    return struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + data_size,
        b"WAVE",
        b"fmt ",
        16,
        layout.format_tag,
        layout.channels,
        layout.sample_rate,
        byte_rate,
        layout.frame_bytes,
        layout.sample_width * 8,
        b"data",
        data_size,
    )


class ChunkView(io.RawIOBase):
    """``prefix`` then ``length`` bytes of the source from ``start``: one chunk as a seekable file.

    No ``fileno()``: httpx must take the length from ``seek``/``tell``, not from the source file.
    """

    def __init__(self, prefix: bytes, source: SharedReader, start: int, length: int) -> None:
        super().__init__()
        self._prefix = prefix
        self._source = source
        self._start = start
        self._length = len(prefix) + length
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = os.SEEK_SET, /) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: self._length}.get(whence)
        if base is None:
            raise ValueError(f"invalid whence ({whence})")
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._pos = base + offset
        return self._pos

    def read(self, size: int | None = -1, /) -> bytes:
        if self.closed:
            raise ValueError("I/O operation on closed file")
        remaining = self._length - self._pos
        if remaining <= 0 or size == 0:
            return b""
        n = remaining if size is None or size < 0 else min(size, remaining)
        out = b""
        if self._pos < len(self._prefix):
            out = self._prefix[self._pos : self._pos + n]
        if len(out) < n:
            data_pos = self._pos + len(out) - len(self._prefix)
            out += self._source.pread(self._start + data_pos, n - len(out))
        self._pos += len(out)
        return out

    def readinto(self, buffer: WriteableBuffer, /) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)


# -- finding pauses -------------------------------------------------------------------------------


def _as_int16(block: bytes, layout: WavLayout) -> array.array[int] | array.array[float]:
    """Samples of ``block`` on a comparable scale (16-bit); channels stay interleaved."""
    width = layout.sample_width
    if layout.format_tag == _FLOAT:
        floats = array.array("f", block)
        if sys.byteorder == "big":
            floats.byteswap()
        return array.array("f", (x * 32767.0 for x in floats))
    if width == 2:
        samples = array.array("h", block)
    elif width == 1:  # unsigned 8-bit: recentre, then scale
        return array.array("h", ((b - 128) << 8 for b in block))
    else:  # 24- and 32-bit: keep the two most significant bytes of each little-endian sample
        high = bytearray(2 * (len(block) // width))
        high[0::2] = block[width - 2 :: width]
        high[1::2] = block[width - 1 :: width]
        samples = array.array("h", bytes(high))
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def window_energies(reader: SharedReader, layout: WavLayout, first: int, last: int) -> list[float]:
    """Mean-square energy of each 10 ms window of frames ``[first, last)``, read block by block."""
    window = max(1, round(layout.sample_rate * WINDOW_SECONDS))
    # About 8 kHz worth of samples is plenty to tell speech from a pause. With several channels
    # the stride is not a multiple of the channel count, so every channel is visited in turn.
    stride = max(1, layout.sample_rate // 8000) * layout.channels
    if layout.channels > 1:
        stride += 1
    energies: list[float] = []
    windows_per_block = max(1, _READ_BLOCK // (window * layout.frame_bytes))
    frame = first
    while frame + window <= last:
        count = min(windows_per_block, (last - frame) // window)
        block = reader.pread(
            layout.data_offset + frame * layout.frame_bytes, count * window * layout.frame_bytes
        )
        samples = _as_int16(block, layout)
        per_window = window * layout.channels
        for i in range(count):
            part = samples[i * per_window : (i + 1) * per_window : stride]
            energies.append(sum(x * x for x in part) / max(1, len(part)))
        frame += count * window
    return energies


def quietest_cut(energies: list[float], first: int, window: int) -> int:
    """The frame in the middle of the longest run of windows within a hair of the quietest."""
    if not energies:
        return first
    ordered = sorted(energies)
    low, median = ordered[0], ordered[len(ordered) // 2]
    threshold = max(_SILENCE_FLOOR, low + 0.05 * (median - low))
    best_start, best_length, run_start = 0, 0, None
    for i, energy in enumerate([*energies, math.inf]):
        if energy <= threshold:
            if run_start is None:
                run_start = i
            continue
        if run_start is not None:
            length = i - run_start
            if length >= best_length:  # ties go to the later run: longer chunks, fewer requests
                best_start, best_length = run_start, length
            run_start = None
    if best_length == 0:  # nothing quiet at all: the least loud window
        best_start, best_length = energies.index(low), 1
    return first + (2 * best_start + best_length) * window // 2


def plan_cuts(reader: SharedReader, layout: WavLayout, max_frames: int) -> list[tuple[int, int]]:
    """``[(first frame, end frame), ...]`` covering the recording, each at most ``max_frames``."""
    window = max(1, round(layout.sample_rate * WINDOW_SECONDS))
    search = min(int(MAX_SEARCH_SECONDS * layout.sample_rate), int(max_frames * SEARCH_SHARE))
    spans: list[tuple[int, int]] = []
    start = 0
    while layout.frames - start > max_frames:
        limit = start + max_frames
        lo = limit - search
        cut = quietest_cut(window_energies(reader, layout, lo, limit), lo, window)
        cut = min(max(cut, lo), limit)
        spans.append((start, cut))
        start = cut
    spans.append((start, layout.frames))
    return spans


def iter_chunk_views(
    reader: SharedReader, layout: WavLayout, spans: list[tuple[int, int]]
) -> Iterator[ChunkView]:
    for first, end in spans:
        yield ChunkView(
            wav_header(layout, end - first),
            reader,
            layout.data_offset + first * layout.frame_bytes,
            (end - first) * layout.frame_bytes,
        )
