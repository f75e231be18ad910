"""Transcription streams for recordings of any length: each chunk's events, in order, as one stream.

The sync stream drives its chunks from a thread pool and hands events over through queues; the
async one from an anyio task group through memory streams. Both re-number segments, offset
times, keep speakers consistent and end with a single done event (see :class:`_StreamStitcher`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ._call import APICall
from ._long_recordings import ChunkPlan, SplitRecording
from ._stitch import SpeakerNames, join_text, sum_usage
from ._streaming import (
    AsyncEventStream,
    EventStream,
    TranscriptionStreamEvent,
    TranscriptTextDeltaEvent,
    TranscriptTextDoneEvent,
    TranscriptTextSegmentEvent,
)

if TYPE_CHECKING:
    from anyio.abc import TaskGroup
    from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

    from ._long_calls import LongCall

__all__ = ["AsyncSplittingEventStream", "SplittingEventStream"]


class _StreamStitcher:
    """Rewrites each chunk's events into those of one stream over the whole recording."""

    def __init__(self, offsets: list[float], known_speakers: Mapping[str, Any] | None) -> None:
        self._offsets = offsets
        self._texts: list[str] = []
        self._dones: list[TranscriptTextDoneEvent] = []
        self._segment_ids: dict[tuple[int, str], str] = {}
        self._said_anything = False
        self._chunk_started = False
        self.speakers = SpeakerNames(list(known_speakers or {}))

    def start_chunk(self) -> None:
        self._chunk_started = True

    def _segment_id(self, chunk: int, old: str) -> str:
        key = (chunk, old)
        if key not in self._segment_ids:
            self._segment_ids[key] = f"seg_{len(self._segment_ids)}"
        return self._segment_ids[key]

    def event(self, chunk: int, event: TranscriptionStreamEvent) -> TranscriptionStreamEvent | None:
        if isinstance(event, TranscriptTextDeltaEvent):
            changes: dict[str, Any] = {}
            if event.segment_id is not None:
                changes["segment_id"] = self._segment_id(chunk, event.segment_id)
            if event.delta:
                if self._chunk_started and self._said_anything:
                    changes["delta"] = " " + event.delta.lstrip()
                self._chunk_started = False
                self._said_anything = True
            return dataclasses.replace(event, **changes) if changes else event
        if isinstance(event, TranscriptTextSegmentEvent):
            return dataclasses.replace(
                event,
                id=self._segment_id(chunk, event.id),
                start=round(event.start + self._offsets[chunk], 3),
                end=round(event.end + self._offsets[chunk], 3),
                speaker=self.speakers.name(chunk, event.speaker),
            )
        if isinstance(event, TranscriptTextDoneEvent):
            self._dones.append(event)
            return None  # one done event, for the whole recording, at the very end
        return event

    def done(self) -> TranscriptTextDoneEvent:
        last = self._dones[-1]
        logprobs = [item for done in self._dones for item in done.logprobs or []]
        usages = [done.usage for done in self._dones if done.usage is not None]
        usage = None
        if usages and len(usages) == len(self._dones):
            summed = sum_usage([u.to_dict() for u in usages])
            usage = None if summed is None else type(usages[-1]).from_dict(summed)
        return dataclasses.replace(
            last,
            text=join_text([done.text for done in self._dones]),
            logprobs=logprobs or None,
            usage=usage,
        )


_END = object()


class SplittingEventStream(EventStream[TranscriptionStreamEvent]):
    """A transcription stream that splits the recording if it is over the limits.

    Within them it is the ordinary stream. Over them, chunks are streamed concurrently (each
    in a worker thread, into a queue of its own) and their events come out in recording order:
    deltas (a space where two chunks meet), segments offset and renumbered, and one done event
    with the whole text and the summed usage.
    """

    def __init__(self, call: LongCall[Any], open_stream: Callable[[APICall[Any]], EventStream[Any]]) -> None:
        # As every sync stream does, prepare the upload now: a missing file fails the call itself.
        call.make_whole()
        self._call = call
        self._open_stream = open_stream
        self._inner: EventStream[Any] | None = None
        self._recording: SplitRecording | None = None
        self._queues: list[queue.Queue[Any]] = []
        self._stop = threading.Event()
        self._driver: threading.Thread | None = None
        self._used = False
        self._closed = False

    @property
    def response(self) -> Any:
        if self._inner is not None:
            return self._inner.response
        raise RuntimeError("a split recording has one response per chunk; there is no single response")

    def __enter__(self) -> SplittingEventStream:
        if self._used:
            raise RuntimeError("a stream can be opened only once; call the method again for a new request")
        self._used = True
        try:
            self._recording = self._call.split_recording()
        except BaseException:
            self._call.close_whole()
            raise
        if self._recording is None:
            self._inner = self._open_stream(self._call.make_whole())
            self._inner.__enter__()
            return self
        plan = self._call.plan(self._recording, _stream_text)
        self._plan = plan
        self._queues = [queue.Queue() for _ in self._recording.chunks]
        self._driver = threading.Thread(
            target=self._drive, args=(plan,), daemon=True, name="openai-audio-chunks"
        )
        self._driver.start()
        return self

    def _run_chunk(
        self,
        plan: ChunkPlan[Any],
        index: int,
        previous: list[Any] | None,
        before_end: Callable[[list[Any]], None] | None = None,
    ) -> list[Any]:
        out = self._queues[index]
        events: list[Any] = []
        try:
            if self._stop.is_set():
                return events
            with self._open_stream(self._call.chunk_call(plan.request(index, previous))) as stream:
                for event in stream:
                    events.append(event)
                    out.put(event)
                    if self._stop.is_set():
                        break
            if before_end is not None:
                before_end(events)
        except BaseException as exc:
            out.put(exc)
            self._stop.set()
            raise
        out.put(_END)
        plan.done(index + 1)
        return events

    def _drive(self, plan: ChunkPlan[Any]) -> None:
        total = len(self._queues)
        with contextlib.suppress(BaseException):
            if plan.chain_prompts or plan.max_concurrency == 1:
                previous = None
                for index in range(total):
                    previous = self._run_chunk(plan, index, previous)
                return
            start = 0
            if plan.speakers_of is not None:
                self._run_chunk(plan, 0, None, plan.learn_speakers)
                start = 1
            with ThreadPoolExecutor(max_workers=plan.max_concurrency) as pool:
                for index in range(start, total):
                    pool.submit(self._run_chunk, plan, index, None)
        for q in self._queues:  # whatever never ran still ends its queue
            q.put(_END)

    def __iter__(self) -> Iterator[TranscriptionStreamEvent]:
        if self._inner is None and self._recording is None:
            if self._used:
                raise RuntimeError("the stream is closed")
            with self:
                yield from self
            return
        if self._inner is not None:
            yield from self._inner
            return
        assert self._recording is not None
        stitcher = _StreamStitcher(self._recording.offsets, self._call.known_speakers)
        for index, q in enumerate(self._queues):
            if index == 1:
                # The later chunks got the first one's speakers as references: those labels stay.
                stitcher.speakers.add_known(self._plan.references)
            stitcher.start_chunk()
            while (item := q.get()) is not _END:
                if isinstance(item, BaseException):
                    raise item
                event = stitcher.event(index, item)
                if event is not None:
                    yield event
        yield stitcher.done()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._used = True
        if self._inner is not None:
            self._inner.close()
            return
        self._stop.set()
        if self._recording is not None:
            recording = self._recording
            driver = self._driver

            def release() -> None:
                if driver is not None:
                    driver.join()
                recording.close()
                self._call.close_whole()

            # The chunks in flight finish their current event first; nobody waits for that.
            threading.Thread(target=release, daemon=True).start()
        else:
            self._call.close_whole()


def _stream_text(events: Any) -> str:
    for event in reversed(events or []):
        if isinstance(event, TranscriptTextDoneEvent):
            return event.text
    return ""


class AsyncSplittingEventStream(AsyncEventStream[TranscriptionStreamEvent]):
    """:class:`SplittingEventStream` for the async client.

    Splitting runs in a worker thread. In ``async with``, the chunks stream concurrently in
    tasks of a task group that lives exactly as long as the block; a plain ``async for``
    (no block to own the tasks) streams the chunks one after the other.
    """

    def __init__(
        self, call: LongCall[Any], open_stream: Callable[[APICall[Any]], AsyncEventStream[Any]]
    ) -> None:
        self._call = call
        self._open_stream = open_stream
        self._inner: AsyncEventStream[Any] | None = None
        self._recording: SplitRecording | None = None
        self._plan: ChunkPlan[Any] | None = None
        self._receivers: list[MemoryObjectReceiveStream[Any]] = []
        self._group: TaskGroup | None = None
        self._stopped = False
        self._used = False
        self._closed = False

    @property
    def response(self) -> Any:
        if self._inner is not None:
            return self._inner.response
        raise RuntimeError("a split recording has one response per chunk; there is no single response")

    async def _split(self) -> bool:
        """Split if needed; True when the recording is split (else the ordinary stream is open)."""
        import anyio

        if self._used:
            raise RuntimeError("a stream can be opened only once; call the method again for a new request")
        self._used = True
        try:
            self._recording = await anyio.to_thread.run_sync(self._call.split_recording)
        except BaseException:
            self._call.close_whole()
            raise
        if self._recording is None:
            self._inner = self._open_stream(self._call.make_whole())
            await self._inner.__aenter__()
            return False
        self._plan = await anyio.to_thread.run_sync(self._call.plan, self._recording, _stream_text)
        return True

    async def __aenter__(self) -> AsyncSplittingEventStream:
        import anyio

        if not await self._split():
            return self
        assert self._recording is not None and self._plan is not None
        senders: list[MemoryObjectSendStream[Any]] = []
        for _ in self._recording.chunks:
            send, receive = anyio.create_memory_object_stream[Any](max_buffer_size=math.inf)
            senders.append(send)
            self._receivers.append(receive)
        self._group = anyio.create_task_group()
        await self._group.__aenter__()
        self._group.start_soon(self._drive, self._plan, senders)
        return self

    async def _run_chunk(
        self,
        plan: ChunkPlan[Any],
        index: int,
        previous: list[Any] | None,
        out: MemoryObjectSendStream[Any],
        before_end: Callable[[list[Any]], None] | None = None,
    ) -> list[Any]:
        import anyio

        events: list[Any] = []
        with out:
            if self._stopped:
                return events
            try:
                async with self._open_stream(self._call.chunk_call(plan.request(index, previous))) as stream:
                    async for event in stream:
                        events.append(event)
                        await out.send(event)
                if before_end is not None:
                    await anyio.to_thread.run_sync(before_end, events)
            except Exception as exc:  # handed to the reader, which raises it in order
                self._stopped = True
                await out.send(exc)
                return events
            plan.done(index + 1)
        return events

    async def _drive(self, plan: ChunkPlan[Any], senders: list[MemoryObjectSendStream[Any]]) -> None:
        import anyio

        total = len(senders)
        if plan.chain_prompts or plan.max_concurrency == 1:
            previous = None
            for index in range(total):
                previous = await self._run_chunk(plan, index, previous, senders[index])
            return
        start = 0
        if plan.speakers_of is not None:
            await self._run_chunk(plan, 0, None, senders[0], plan.learn_speakers)
            start = 1
        limiter = anyio.Semaphore(plan.max_concurrency)

        async def slot(index: int) -> None:
            async with limiter:
                await self._run_chunk(plan, index, None, senders[index])

        async with anyio.create_task_group() as group:
            for index in range(start, total):
                group.start_soon(slot, index)

    async def __aiter__(self) -> AsyncIterator[TranscriptionStreamEvent]:
        if self._inner is None and self._recording is None:
            if self._used:
                raise RuntimeError("the stream is closed")
            async for event in self._sequential():
                yield event
            return
        if self._inner is not None:
            async for event in self._inner:
                yield event
            return
        assert self._recording is not None and self._plan is not None
        stitcher = _StreamStitcher(self._recording.offsets, self._call.known_speakers)
        for index, receiver in enumerate(self._receivers):
            if index == 1:
                stitcher.speakers.add_known(self._plan.references)
            stitcher.start_chunk()
            async with receiver:
                async for item in receiver:
                    if isinstance(item, BaseException):
                        raise item
                    rewritten = stitcher.event(index, item)
                    if rewritten is not None:
                        yield rewritten
        yield stitcher.done()

    async def _sequential(self) -> AsyncIterator[TranscriptionStreamEvent]:
        import anyio

        try:
            split = await self._split()
            if not split:
                assert self._inner is not None
                async for event in self._inner:
                    yield event
                return
            assert self._recording is not None and self._plan is not None
            plan = self._plan
            stitcher = _StreamStitcher(self._recording.offsets, self._call.known_speakers)
            previous: list[Any] | None = None
            for index in range(len(self._recording.chunks)):
                if index == 1:
                    if plan.speakers_of is not None and previous is not None:
                        await anyio.to_thread.run_sync(plan.learn_speakers, previous)
                    stitcher.speakers.add_known(plan.references)
                stitcher.start_chunk()
                events: list[Any] = []
                request = plan.request(index, previous if plan.chain_prompts else None)
                async with self._open_stream(self._call.chunk_call(request)) as stream:
                    async for item in stream:
                        events.append(item)
                        rewritten = stitcher.event(index, item)
                        if rewritten is not None:
                            yield rewritten
                plan.done(index + 1)
                previous = events
            yield stitcher.done()
        finally:
            await self.close()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        import anyio

        if self._closed:
            return
        self._closed = True
        self._used = True
        if self._inner is not None:
            await self._inner.close()
            return
        self._stopped = True
        group, self._group = self._group, None
        try:
            if group is not None:
                group.cancel_scope.cancel()
                await group.__aexit__(None, None, None)
        finally:
            for receiver in self._receivers:
                receiver.close()
            if self._recording is not None:
                await anyio.to_thread.run_sync(self._recording.close)
            self._call.close_whole()
