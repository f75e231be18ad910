"""Compressed recordings (mp3, m4a/mp4/aac, ogg/opus, webm, flac) through PyAV, the ``media`` extra.

Only a recording over the limits is decoded. It is decoded once, as a stream, to 16 kHz mono
16-bit PCM in a temporary file on disk (what speech models work at; memory holds one frame at a
time). The cut points are found in that PCM exactly as for a WAV (:mod:`._audio_split`). Then:

* **mp3** is cut on frame (packet) boundaries and copied without re-encoding: each cut moves to
  the packet boundary nearest to it, which is still inside the pause (a frame lasts ~26 ms).
* **everything else** is re-encoded chunk by chunk to FLAC from the PCM. A chunk's size is
  budgeted as if it were uncompressed PCM, and FLAC never exceeds that (it falls back to
  verbatim frames), so every chunk fits whatever the audio.

Chunks are written to spooled temporary files (1 MiB in memory, then disk).
"""

from __future__ import annotations

import array
import contextlib
import importlib
import io
import math
import tempfile
from typing import IO, Any, Final, cast

from ._audio_split import (
    BYTES_HEADROOM,
    DURATION_HEADROOM,
    MAX_SEARCH_SECONDS,
    MIN_BYTES_HEADROOM,
    SEARCH_SHARE,
    SharedReader,
    SplitLimits,
    WavLayout,
    iter_chunk_views,
    plan_cuts,
    quietest_cut,
    wav_header,
)
from ._files import PreparedFile
from ._long_recordings import Chunk, SplitRecording
from .errors import InvalidArgumentError, MissingExtraError

__all__ = ["probe_duration", "split_compressed"]

PCM_RATE: Final = 16_000
_SPOOL_BYTES: Final = 1024 * 1024
_COPYABLE: Final = frozenset({"mp3"})  # containers whose packets can be cut and copied as they are


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
    if _format_name(av, prepared.stream) in _COPYABLE:
        return _split_packets(av, prepared, limits, reserved_bytes)
    pcm = tempfile.TemporaryFile()  # noqa: SIM115 - owned by the SplitRecording
    try:
        container_format = _decode_to_wav(av, prepared.stream, pcm)
        size = pcm.seek(0, 2)
        layout = WavLayout(1, 1, PCM_RATE, 2, 44, size - 44)
        reader = SharedReader(pcm)
        try:
            spans = plan_cuts(reader, layout, limits.chunk_frames(layout, reserved_bytes=reserved_bytes))
        except ValueError as exc:
            raise InvalidArgumentError("max_upload_bytes", str(exc)) from exc
        stem = prepared.name.rsplit(".", 1)[0] or "audio"
        if container_format in _COPYABLE and len(spans) > 1:
            chunks = _copy_packets(av, prepared.stream, spans, stem, container_format)
        else:
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


def _copy_packets(
    av: Any, source: IO[bytes], spans: list[tuple[int, int]], stem: str, container_format: str
) -> list[Chunk]:
    """Packets copied as they are into one output per span; each cut at the nearest packet boundary."""
    cut_times = [first / PCM_RATE for first, _ in spans[1:]]
    chunks: list[Chunk] = []
    source.seek(0)
    output: Any = None
    out_stream: Any = None
    start_pts = 0
    try:
        with av.open(source, mode="r") as container:
            stream = container.streams.audio[0]
            time_base = stream.time_base
            index = -1
            next_cut = 0.0
            for packet in container.demux(stream):
                if packet.size == 0 or packet.pts is None:
                    continue  # the flush packet
                begins = float(packet.pts * time_base)
                ends = begins + float((packet.duration or 0) * time_base)
                # A packet starts the next chunk when its middle is past the cut.
                if output is None or (index + 1 < len(spans) and (begins + ends) / 2 >= next_cut):
                    if output is not None:
                        output.close()
                        chunks[-1].stream.seek(0)
                    index += 1
                    next_cut = cut_times[index] if index < len(cut_times) else float("inf")
                    target = _spool()
                    chunks.append(
                        Chunk(index, begins, 0.0, f"{stem}.part{index + 1:03d}.mp3", "audio/mpeg", target)
                    )
                    output = av.open(target, mode="w", format=container_format)
                    out_stream = _copy_stream(output, stream)
                    start_pts = packet.pts
                packet.pts -= start_pts
                if packet.dts is not None:
                    packet.dts -= start_pts
                packet.stream = out_stream
                output.mux(packet)
                chunks[-1].duration = ends - chunks[-1].start
            if output is not None:
                output.close()
                output = None
                chunks[-1].stream.seek(0)
    except BaseException:
        if output is not None:
            with contextlib.suppress(Exception):
                output.close()
        for chunk in chunks:
            chunk.stream.close()
        raise
    return chunks


def _copy_stream(output: Any, template: Any) -> Any:
    add = getattr(output, "add_stream_from_template", None)
    if add is not None:  # PyAV 14 and later
        return add(template)
    return output.add_stream(template=template)


# -- mp3: planned on the packets, decoded only where a cut is looked for ----------------------------


def _format_name(av: Any, source: IO[bytes]) -> str:
    source.seek(0)
    try:
        with av.open(source, mode="r") as container:
            return str(container.format.name).split(",")[0]
    except av.FFmpegError:
        return ""
    finally:
        source.seek(0)


def _packet_index(av: Any, source: IO[bytes]) -> tuple[array.array[float], array.array[int], Any]:
    """Start time and size of every audio packet (a demux pass: nothing is decoded)."""
    starts: array.array[float] = array.array("d")
    sizes: array.array[int] = array.array("q")
    source.seek(0)
    with av.open(source, mode="r") as container:
        stream = container.streams.audio[0]
        time_base = stream.time_base
        seconds = float(time_base)  # a Fraction per packet would cost more than the demuxing
        for packet in container.demux(stream):
            if packet.size == 0 or packet.pts is None:
                continue
            starts.append(packet.pts * seconds)
            sizes.append(packet.size)
    return starts, sizes, time_base


def _packet_energies(
    av: Any, source: IO[bytes], starts: array.array[float], first: int, last: int
) -> list[float]:
    """Mean-square energy of packets ``first..last-1``: decoded from a little before (the bit
    reservoir of mp3 needs the frames before), one value per packet."""
    energies = [math.inf] * (last - first)
    wanted = {round(starts[i], 6): i - first for i in range(first, last)}
    source.seek(0)
    with av.open(source, mode="r") as container:
        stream = container.streams.audio[0]
        lead_in = max(0.0, starts[first] - 1.0)
        container.seek(int(lead_in / stream.time_base), stream=stream, backward=True, any_frame=False)
        resampler = av.AudioResampler(format="s16", layout="mono", rate=PCM_RATE)
        for frame in container.decode(stream):
            if frame.time is None:
                continue
            if frame.time > starts[last - 1] + 1e-6:
                break
            slot = wanted.get(round(frame.time, 6))
            if slot is None:
                continue
            pcm = b"".join(bytes(p.planes[0])[: p.samples * 2] for p in resampler.resample(frame))
            samples = array.array("h", pcm)
            energies[slot] = sum(x * x for x in samples[::4]) / max(1, len(samples[::4]))
    # Packets that did not decode (the lead-in's damage) never count as quiet.
    return energies


def _split_packets(
    av: Any, prepared: PreparedFile, limits: SplitLimits, reserved_bytes: int
) -> SplitRecording:
    source = prepared.stream
    try:
        starts, sizes, _ = _packet_index(av, source)
        if len(starts) < 2:
            raise InvalidArgumentError("file", "the audio has too few frames to split")
        frame_seconds = starts[1] - starts[0]
        max_seconds = min(
            limits.spread_seconds(starts[-1] + frame_seconds),
            math.inf if limits.max_duration is None else limits.max_duration * (1 - DURATION_HEADROOM),
        )
        max_bytes = math.inf
        if limits.max_bytes is not None:
            headroom = max(MIN_BYTES_HEADROOM, int(limits.max_bytes * BYTES_HEADROOM)) + reserved_bytes
            max_bytes = limits.max_bytes - headroom - 4096  # container framing around the packets
        if max_seconds < 0.1 or max_bytes < 4096:
            raise InvalidArgumentError(
                "max_upload_bytes", "the limits leave room for less than 0.1 s of audio per request"
            )
        cuts = [0]
        total = len(starts)
        while True:
            first = cuts[-1]
            end, used = first, 0
            while (
                end < total
                and used + sizes[end] <= max_bytes
                and starts[end] + frame_seconds - starts[first] <= max_seconds
            ):
                used += sizes[end]
                end += 1
            if end >= total:
                break
            reach = max(1, int((end - first) * SEARCH_SHARE))
            reach = min(reach, max(1, int(MAX_SEARCH_SECONDS / frame_seconds)))
            lo = end - reach
            energies = _packet_energies(av, source, starts, lo, end)
            cut = quietest_cut(energies, lo, 1)
            cuts.append(min(max(cut, first + 1), end))
        stem = prepared.name.rsplit(".", 1)[0] or "audio"
        chunks = _copy_packet_ranges(av, source, cuts, stem, starts, frame_seconds)
    finally:
        source.seek(0)

    def clip(start: float, end: float) -> tuple[str, IO[bytes], str] | None:
        data = _decode_span(av, source, start, end)
        return None if data is None else ("reference.wav", io.BytesIO(data), "audio/wav")

    return SplitRecording(chunks, clip=clip)


def _copy_packet_ranges(
    av: Any, source: IO[bytes], cuts: list[int], stem: str, starts: array.array[float], frame_seconds: float
) -> list[Chunk]:
    """One mp3 per range of packets ``[cuts[i], cuts[i+1])``, packets copied as they are."""
    bounds = [*cuts[1:], len(starts)]
    chunks: list[Chunk] = []
    output: Any = None
    out_stream: Any = None
    index = -1
    start_pts = 0
    source.seek(0)
    try:
        with av.open(source, mode="r") as container:
            stream = container.streams.audio[0]
            number = 0
            for packet in container.demux(stream):
                if packet.size == 0 or packet.pts is None:
                    continue
                if index < 0 or number >= bounds[index]:
                    if output is not None:
                        output.close()
                        chunks[-1].stream.seek(0)
                    index += 1
                    first, last = cuts[index], bounds[index]
                    target = _spool()
                    duration = starts[last - 1] + frame_seconds - starts[first]
                    chunks.append(
                        Chunk(
                            index,
                            starts[first],
                            duration,
                            f"{stem}.part{index + 1:03d}.mp3",
                            "audio/mpeg",
                            target,
                        )
                    )
                    output = av.open(target, mode="w", format="mp3")
                    out_stream = _copy_stream(output, stream)
                    start_pts = packet.pts
                packet.pts -= start_pts
                if packet.dts is not None:
                    packet.dts -= start_pts
                packet.stream = out_stream
                output.mux(packet)
                number += 1
            if output is not None:
                output.close()
                output = None
                chunks[-1].stream.seek(0)
    except BaseException:
        if output is not None:
            with contextlib.suppress(Exception):
                output.close()
        for chunk in chunks:
            chunk.stream.close()
        raise
    return chunks


def _decode_span(av: Any, source: IO[bytes], start: float, end: float) -> bytes | None:
    """``start``..``end`` seconds of ``source`` as a 16 kHz mono WAV (a reference clip)."""
    parts: list[bytes] = []
    source.seek(0)
    try:
        with av.open(source, mode="r") as container:
            stream = container.streams.audio[0]
            container.seek(int(max(0.0, start - 1.0) / stream.time_base), stream=stream, backward=True)
            resampler = av.AudioResampler(format="s16", layout="mono", rate=PCM_RATE)
            for frame in container.decode(stream):
                if frame.time is None or frame.time < start:
                    continue
                if frame.time >= end:
                    break
                parts.extend(bytes(p.planes[0])[: p.samples * 2] for p in resampler.resample(frame))
    finally:
        source.seek(0)
    pcm = b"".join(parts)
    if not pcm:
        return None
    return wav_header(WavLayout(1, 1, PCM_RATE, 2, 44, len(pcm)), len(pcm) // 2) + pcm
