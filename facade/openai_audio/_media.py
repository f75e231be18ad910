"""Compressed recordings (mp3, m4a/mp4/aac, ogg/opus, webm, flac) through PyAV, the ``media`` extra.

Only a recording over the limits is decoded. It is decoded once, as a stream, to 16 kHz mono
16-bit PCM in a temporary file on disk (what speech models work at; memory holds one frame at a
time). The cut points are found in that PCM exactly as for a WAV (:mod:`._audio_split`), and
each chunk is re-encoded to FLAC from it. A chunk's size is budgeted as if it were uncompressed
PCM, and FLAC never exceeds that (it falls back to verbatim frames), so every chunk fits
whatever the audio.

mp3 is re-encoded too, not cut between its frames and copied: a copied chunk loses its first
~100 ms to the decoder (mp3's bit reservoir points back into the frames before the cut), which a
short pause between words does not absorb, and its decoded length can differ from the packet
timestamps a plan would use. FLAC chunks are exact to the sample.

Chunks are written to spooled temporary files (1 MiB in memory, then disk).
"""

from __future__ import annotations

import importlib
import tempfile
from typing import IO, Any, Final, cast

from ._audio_split import (
    SharedReader,
    SplitLimits,
    WavLayout,
    iter_chunk_views,
    plan_cuts,
    wav_header,
)
from ._files import PreparedFile
from ._long_recordings import Chunk, SplitRecording
from .errors import InvalidArgumentError, MissingExtraError

__all__ = ["probe_duration", "split_compressed"]

PCM_RATE: Final = 16_000
_SPOOL_BYTES: Final = 1024 * 1024


def _av() -> Any:
    try:
        return importlib.import_module("av")
    except ImportError:
        return None


def probe_duration(stream: IO[bytes]) -> float | None:
    """Duration in seconds from the container's header (no decoding), None if unknown."""
    av = _av()
    if av is None:
        return None
    stream.seek(0)
    try:
        with av.open(stream, mode="r") as container:
            if container.duration is not None:
                return float(container.duration) / 1_000_000
            audio = container.streams.audio[0]
            if audio.duration is not None and audio.time_base is not None:
                return float(audio.duration * audio.time_base)
    except (av.FFmpegError, IndexError, ValueError):
        return None
    finally:
        stream.seek(0)
    return None


def split_compressed(
    prepared: PreparedFile, limits: SplitLimits, *, reserved_bytes: int = 0
) -> SplitRecording | None:
    """The chunks of a compressed recording over ``limits``, or None when it is within them."""
    size = prepared.size
    av = _av()
    over_size = limits.max_bytes is not None and size is not None and size > limits.max_bytes
    if av is None:
        if over_size:
            raise MissingExtraError(
                "file",
                f"{prepared.name!r} is {size} bytes, over the {limits.max_bytes}-byte upload limit, "
                "and splitting compressed audio needs PyAV",
                extra="media",
            )
        return None  # its duration cannot be told without PyAV: sent as is, the API judges
    duration = None if over_size else probe_duration(prepared.stream)
    if not over_size and (duration is None or not limits.exceeded_by(size, duration)):
        return None
    return _split(av, prepared, limits, reserved_bytes)


def _split(av: Any, prepared: PreparedFile, limits: SplitLimits, reserved_bytes: int) -> SplitRecording:
    pcm = tempfile.TemporaryFile()  # noqa: SIM115 - owned by the SplitRecording
    try:
        _decode_to_wav(av, prepared.stream, pcm)
        size = pcm.seek(0, 2)
        layout = WavLayout(1, 1, PCM_RATE, 2, 44, size - 44)
        reader = SharedReader(pcm)
        try:
            spans = plan_cuts(reader, layout, limits.chunk_frames(layout, reserved_bytes=reserved_bytes))
        except ValueError as exc:
            raise InvalidArgumentError("max_upload_bytes", str(exc)) from exc
        stem = prepared.name.rsplit(".", 1)[0] or "audio"
        chunks = _encode_flac(av, reader, layout, spans, stem)
    except BaseException:
        pcm.close()
        raise
    finally:
        prepared.stream.seek(0)

    def clip(start: float, end: float) -> tuple[str, IO[bytes], str] | None:
        first, last = int(start * PCM_RATE), min(layout.frames, int(end * PCM_RATE))
        if last <= first:
            return None
        views = list(iter_chunk_views(reader, layout, [(first, last)]))
        return ("reference.wav", cast(IO[bytes], views[0]), "audio/wav")

    return SplitRecording(chunks, clip=clip, resources=[pcm])


def _decode_to_wav(av: Any, source: IO[bytes], out: IO[bytes]) -> str:
    """Decode ``source`` to 16 kHz mono s16 WAV in ``out``; the container's format name."""
    source.seek(0)
    out.write(b"\0" * 44)  # the header is written once the size is known
    try:
        container = av.open(source, mode="r")
    except av.FFmpegError as exc:
        raise InvalidArgumentError("file", f"cannot read the audio: {exc}") from exc
    with container:
        if not container.streams.audio:
            raise InvalidArgumentError("file", "the file has no audio stream")
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="s16", layout="mono", rate=PCM_RATE)
        name = str(container.format.name).split(",")[0]
        try:
            for frame in container.decode(stream):
                for piece in resampler.resample(frame):
                    out.write(bytes(piece.planes[0])[: piece.samples * 2])
            for piece in resampler.resample(None):
                out.write(bytes(piece.planes[0])[: piece.samples * 2])
        except av.FFmpegError as exc:
            raise InvalidArgumentError("file", f"cannot decode the audio: {exc}") from exc
    size = out.seek(0, 2)
    out.seek(0)
    out.write(wav_header(WavLayout(1, 1, PCM_RATE, 2, 44, size - 44), (size - 44) // 2))
    return name


def _spool() -> IO[bytes]:
    return cast(IO[bytes], tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES))


def _encode_flac(
    av: Any, reader: SharedReader, layout: WavLayout, spans: list[tuple[int, int]], stem: str
) -> list[Chunk]:
    chunks: list[Chunk] = []
    block = PCM_RATE * 2  # one second at a time
    try:
        for index, (first, end) in enumerate(spans):
            target = _spool()
            chunks.append(
                Chunk(
                    index,
                    first / PCM_RATE,
                    (end - first) / PCM_RATE,
                    f"{stem}.part{index + 1:03d}.flac",
                    "audio/flac",
                    target,
                )
            )
            with av.open(target, mode="w", format="flac") as output:
                encoder = output.add_stream("flac", rate=PCM_RATE, layout="mono")
                frame_no = first
                while frame_no < end:
                    count = min(block, end - frame_no)
                    data = reader.pread(layout.data_offset + frame_no * 2, count * 2)
                    frame = av.AudioFrame(format="s16", layout="mono", samples=len(data) // 2)
                    frame.planes[0].update(data)
                    frame.sample_rate = PCM_RATE
                    frame.pts = frame_no - first
                    for packet in encoder.encode(frame):
                        output.mux(packet)
                    frame_no += count
                for packet in encoder.encode(None):
                    output.mux(packet)
            target.seek(0)
    except BaseException:
        for chunk in chunks:
            chunk.stream.close()
        raise
    return chunks
