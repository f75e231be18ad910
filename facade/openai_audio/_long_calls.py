"""``create`` and ``stream`` for recordings of any length: split, send the chunks, stitch.

The resources build their request for the whole recording first, exactly as always (every
argument checked, the file prepared). Only then is the upload measured: within the limits,
that very request is sent; over them, the prepared file is split and each chunk is sent as
a request of its own, built by the same resource code.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from ._audio_split import SplitLimits
from ._call import APICall
from ._files import TRANSCRIPTION_UPLOADS, FileInput, PreparedFile, prepare_file
from ._long_recordings import (
    ChunkPlan,
    ChunkRequest,
    SplitRecording,
    arun_chunks,
    run_chunks,
    split_if_needed,
)
from ._split_streams import AsyncSplittingEventStream, SplittingEventStream
from ._stitch import SpeakerNames, stitch_model, stitch_text_format
from ._streaming import (
    TranscriptTextSegmentEvent,
)

if TYPE_CHECKING:
    pass

__all__ = ["AsyncLongCalls", "AsyncSplittingEventStream", "LongCall", "LongCalls", "SplittingEventStream"]

T = TypeVar("T")

R = TypeVar("R")
#: A request for one chunk: ``(file, prompt, known_speakers) -> APICall``.
BuildChunk = Callable[[FileInput, str | None, Mapping[str, FileInput] | None], APICall[R]]
#: Form fields, multipart framing and a prompt tail need room beside the audio in the request.
_RESERVED_BYTES = 8 * 1024


@dataclass
class LongCall(Generic[R]):
    """Everything about one call that the chunks share."""

    whole: APICall[R] | None  # the request for the whole recording, built and checked as always
    build: BuildChunk[R]
    fmt: str  # the response format
    limits: SplitLimits
    split: bool
    max_concurrency: int
    prompt: str | None
    takes_prompt: bool
    known_speakers: Mapping[str, FileInput] | None
    on_chunk_done: Callable[[int, int], None] | None = None
    upload: Callable[[], APICall[R]] | None = None
    """Makes ``whole`` when it was not made yet (a stream prepares its upload when opened)."""

    def make_whole(self) -> APICall[R]:
        """The request for the whole recording (prepared now if it was not); blocking."""
        if self.whole is None:
            assert self.upload is not None
            self.whole = self.upload()
        return self.whole

    def close_whole(self) -> None:
        if self.whole is not None:
            self.whole.close()

    @property
    def prepared(self) -> PreparedFile:
        return cast(PreparedFile, self.make_whole().resources[0])

    @property
    def diarized(self) -> bool:
        return self.fmt == "diarized_json"

    def reserved_bytes(self) -> int:
        reserved = _RESERVED_BYTES + len((self.prompt or "").encode())
        if self.diarized:  # up to four reference clips of 10 s, as Base64 data URLs
            reserved += 4 * (10 * 48_000 * 4 // 3 + 1024)
        return reserved

    def split_recording(self) -> SplitRecording | None:
        """The chunks, or None to send the whole recording; blocking (reads the file)."""
        self.make_whole()
        if not self.split:
            return None
        # Split anyway, then into at least as many chunks as may run at once.
        limits = dataclasses.replace(self.limits, parts=self.max_concurrency)
        return split_if_needed(self.prepared, limits, reserved_bytes=self.reserved_bytes())

    def plan(self, recording: SplitRecording, text_of: Callable[[Any], str]) -> ChunkPlan[Any]:
        return ChunkPlan(
            recording=recording,
            max_concurrency=self.max_concurrency,
            prompt=self.prompt,
            chain_prompts=self.takes_prompt and self.max_concurrency == 1,
            text_of=text_of,
            known_speakers=_read_once(self.known_speakers),
            speakers_of=_segments_of if self.diarized else None,
            on_chunk_done=self.on_chunk_done,
        )

    def chunk_call(self, request: ChunkRequest) -> APICall[R]:
        return self.build(request.chunk.file(), request.prompt, request.known_speakers)

    def stitch(self, recording: SplitRecording, results: list[R], plan: ChunkPlan[R]) -> R:
        """One result of the chunks' type (the one the whole recording would have had)."""
        offsets = recording.offsets
        if isinstance(results[0], str):
            return cast(R, stitch_text_format(self.fmt, cast(list[str], results), offsets))
        speakers = SpeakerNames([*(self.known_speakers or {}), *plan.references]) if self.diarized else None
        return stitch_model(results, offsets, speakers=speakers)


def _read_once(known: Mapping[str, FileInput] | None) -> Mapping[str, FileInput] | None:
    """The caller's reference clips as bytes: every chunk's request sends them again."""
    if known is None:
        return None
    out: dict[str, FileInput] = {}
    for name, clip in known.items():
        with prepare_file(clip, argument=f"known_speakers[{name}]", rule=TRANSCRIPTION_UPLOADS) as prepared:
            out[name] = (prepared.name, prepared.read_all(), prepared.content_type)
    return out


def _segments_of(result: Any) -> list[tuple[str, float, float]]:
    if isinstance(result, list):  # a stream's segment events
        return [(e.speaker, e.start, e.end) for e in result if isinstance(e, TranscriptTextSegmentEvent)]
    return [(s.speaker, s.start, s.end) for s in getattr(result, "segments", None) or []]


def _text_of(result: Any) -> str:
    if isinstance(result, str):
        return result
    return str(getattr(result, "text", ""))


# -- create ---------------------------------------------------------------------------------------


def _create(call: LongCall[R], execute: Callable[[APICall[R]], R]) -> R:
    """Send ``call`` whole if it fits (or splitting is off), else chunk by chunk, stitched."""
    try:
        recording = call.split_recording()
    except BaseException:
        call.close_whole()
        raise
    if recording is None:
        return execute(call.make_whole())
    try:
        plan = call.plan(recording, _text_of)
        results = run_chunks(plan, lambda request: execute(call.chunk_call(request)))
        return call.stitch(recording, results, plan)
    finally:
        recording.close()
        call.close_whole()


async def _acreate(call: LongCall[R], execute: Callable[[APICall[R]], Awaitable[R]]) -> R:
    """:func:`_create` for the async client; reading and splitting run in a worker thread."""
    import anyio

    try:
        recording = await anyio.to_thread.run_sync(call.split_recording)
    except BaseException:
        call.close_whole()
        raise
    if recording is None:
        return await execute(call.make_whole())
    try:
        plan = await anyio.to_thread.run_sync(call.plan, recording, _text_of)
        results = await arun_chunks(plan, lambda request: execute(call.chunk_call(request)))
        return call.stitch(recording, results, plan)
    finally:
        await anyio.to_thread.run_sync(recording.close)
        call.close_whole()


class LongCalls:
    """What the sync resources call: ``create`` and ``stream`` for a recording of any length.

    Named as a pair with :class:`AsyncLongCalls` so that scripts/unasync.py turns the async
    resources' calls into these.
    """

    create = staticmethod(_create)
    stream = SplittingEventStream


class AsyncLongCalls:
    """What the async resources call; see :class:`LongCalls`."""

    create = staticmethod(_acreate)
    stream = AsyncSplittingEventStream
