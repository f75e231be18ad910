"""Compressed audio through PyAV (the optional ``av`` package): decoding uploads, encoding speech.

Everything here is blocking: callers run it in a worker thread. Without PyAV, ``available()`` is
False and the server falls back to what it can do alone (WAV/PCM samples, embedded text).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import IO, Any

from openai_audio.testing import _tones

# Container and codec per response format; opus needs 48 kHz, the others keep 24 kHz.
ENCODERS = {
    "mp3": ("mp3", "libmp3lame", 64_000),
    "aac": ("adts", "aac", 64_000),
    "opus": ("ogg", "libopus", 64_000),
    "flac": ("flac", "flac", None),
}
# The fastest settings: a test server's audio needs to be decodable, not beautiful.
_OPTIONS = {"libmp3lame": {"compression_level": "9"}, "aac": {"aac_coder": "fast"}}
_METADATA_KEYS = ("openai-audio-text", "comment", "description")
_BLOCK_SAMPLES = 1 << 17


@lru_cache(maxsize=1)
def _av() -> Any:
    try:
        return importlib.import_module("av")
    except ImportError:
        return None


def available() -> bool:
    return _av() is not None


def can_encode(fmt: str) -> bool:
    if fmt not in ENCODERS or not available():
        return False
    try:
        _av().codec.Codec(ENCODERS[fmt][1], "w")
    except Exception:  # a PyAV build without this encoder
        return False
    return True


def _text_tag(container: Any) -> str | None:
    for meta in (container.metadata, *(s.metadata for s in container.streams.audio)):
        lowered = {str(k).lower(): v for k, v in meta.items()}
        for key in _METADATA_KEYS:
            if key in lowered:
                return str(lowered[key])
    return None


def hear(f: IO[bytes]) -> tuple[_tones.Heard, str | None] | None:
    """Decode the first audio stream of ``f`` and recognise it; None if PyAV cannot decode it.

    Also returns the text this server embedded in the container's metadata, if any.
    """
    av = _av()
    if av is None:
        return None
    f.seek(0)
    try:
        with av.open(f, "r") as container:
            if not container.streams.audio:
                return None
            stream = container.streams.audio[0]
            rate = stream.codec_context.sample_rate or stream.rate
            heard = _tones.decode(_blocks(_mono(frame) for frame in container.decode(stream)), rate)
            return heard, _text_tag(container)
    except Exception:  # not audio PyAV understands (garbage, truncated beyond repair): not ours
        return None


_SCALE = {"s16": 1 / 32768, "s32": 1 / 2147483648, "flt": 1.0, "dbl": 1.0, "u8": 1 / 128}


def _mono(frame: Any) -> Any:
    """A decoded frame as mono float32 (no resampler: a frame at a time, it costs more than it does)."""
    np = _tones._np()
    name = frame.format.name
    base = name.rstrip("p")
    data = frame.to_ndarray()
    channels = len(frame.layout.channels)
    if base not in _SCALE:  # an unusual sample format: let FFmpeg convert it
        converted = _av().AudioResampler(format="flt", layout="mono", rate=frame.sample_rate).resample(frame)
        return np.concatenate([c.to_ndarray().reshape(-1) for c in converted]) if converted else data[:0]
    samples = data.astype(np.float32)
    if base == "u8":
        samples -= 128
    samples *= _SCALE[base]
    if frame.format.is_planar:
        return samples.mean(axis=0) if channels > 1 else samples.reshape(-1)
    return samples.reshape(-1, channels).mean(axis=1) if channels > 1 else samples.reshape(-1)


def _blocks(frames: Iterable[Any]) -> Iterator[Any]:
    """Gather small decoded frames into large blocks: recognition's cost is per block."""
    np = _tones._np()
    pending: list[Any] = []
    size = 0
    for samples in frames:
        pending.append(samples)
        size += len(samples)
        if size >= _BLOCK_SAMPLES:
            yield np.concatenate(pending)
            pending, size = [], 0
    if pending:
        yield np.concatenate(pending)


def encode(fmt: str, pcm: Iterable[bytes], rate: int, text: str | None) -> Iterator[bytes]:
    """Encode 16-bit mono PCM chunks at ``rate`` as ``fmt``, yielding the file as it is written."""
    av = _av()
    container_format, codec, bit_rate = ENCODERS[fmt]
    sink = _Sink()
    with av.open(sink, "w", format=container_format) as container:
        out_rate = 48_000 if codec == "libopus" else rate
        stream = container.add_stream(codec, rate=out_rate, options=_OPTIONS.get(codec, {}))
        stream.layout = "mono"
        if bit_rate:
            stream.bit_rate = bit_rate
        if text is not None:
            # mp3 gets an ID3 TXXX frame named by the key; flac and ogg a Vorbis comment.
            key = "openai-audio-text" if fmt == "mp3" else "comment"
            container.metadata[key] = text
        resampler = av.AudioResampler(format=stream.codec_context.format, layout="mono", rate=out_rate)
        np = _tones._np()
        pts = 0
        for chunk in _pcm_blocks(pcm):
            samples = np.frombuffer(chunk, dtype="<i2").reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(samples, format="s16", layout="mono")
            frame.sample_rate = rate
            frame.pts = pts
            pts += samples.shape[1]
            for out in resampler.resample(frame):
                for packet in stream.encode(out):
                    container.mux(packet)
            yield sink.take()
        for out in resampler.resample(None):
            for packet in stream.encode(out):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    yield sink.take()


def _pcm_blocks(pcm: Iterable[bytes]) -> Iterator[bytes]:
    carry = b""
    for chunk in pcm:
        data = carry + chunk
        usable = min(len(data) - len(data) % 2, 2 * _BLOCK_SAMPLES)
        while usable:
            yield data[:usable]
            data = data[usable:]
            usable = min(len(data) - len(data) % 2, 2 * _BLOCK_SAMPLES)
        carry = data
    if carry:
        yield carry + b"\0"


class _Sink:
    """A write-only, unseekable file for PyAV that hands over what was written so far.

    Unseekable on purpose: muxers then write streamable files (no header patched at the end), so
    the audio can be sent while it is being encoded.
    """

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        out = b"".join(self._parts)
        self._parts.clear()
        return out
