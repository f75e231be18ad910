"""Recordings over a model's limits: deciding to split, and sending the chunks (sync and async).

:func:`split_if_needed` looks at a prepared upload as cheaply as it can (its size, a WAV
header, a PyAV probe of the container) and returns None when it is within the limits: such a
recording is sent exactly as it would be without this module. Otherwise it returns a
:class:`SplitRecording`, whose chunks :func:`run_chunks` / :func:`arun_chunks` send with bounded
concurrency, each as an ordinary request (so each is retried and paced on its own).

Continuity between chunks, and what it costs:

* ``prompt``: with ``max_concurrency=1`` each chunk gets the tail of the previous chunk's text
  (after the caller's prompt, if any): the chunks then go one after the other. With more
  concurrency the chunks are independent and each gets the caller's prompt only — the default,
  because a cut always falls in a pause, where context matters least.
* diarization: the first chunk goes first; a reference clip (2–10 s) of up to four of the
  speakers it found (fewer when the caller named some) is then passed as ``known_speakers`` to
  every later chunk, which run concurrently.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import IO, Any, Final, Generic, TypeVar, cast

from ._audio_formats import sniff
from ._audio_split import (
    ChunkView,
    SharedReader,
    SplitLimits,
    UnsupportedWavError,
    iter_chunk_views,
    plan_cuts,
    read_wav_layout,
    wav_header,
)
from ._capabilities import MAX_UPLOAD_BYTES, transcription_model, translation_model
from ._config import NOT_GIVEN, NotGiven, check_max_duration, check_max_upload_bytes
from ._files import FileInput, PreparedFile
from .errors import InvalidArgumentError

__all__ = [
    "DEFAULT_MAX_CONCURRENCY",
    "Chunk",
    "ChunkRequest",
    "SplitRecording",
    "arun_chunks",
    "check_split_options",
    "model_limits",
    "run_chunks",
    "split_if_needed",
]

T = TypeVar("T")

DEFAULT_MAX_CONCURRENCY: Final = 4
#: How much of the previous chunk's text is passed on as a prompt (characters, cut at a word).
PROMPT_TAIL_CHARS: Final = 200
#: Reference clips for diarization: the API takes 2–10 s each and at most four speakers.
MIN_REFERENCE_SECONDS: Final = 2.0
MAX_REFERENCE_SECONDS: Final = 10.0
MAX_KNOWN_SPEAKERS: Final = 4


def model_limits(
    model: str,
    *,
    endpoint: str = "transcriptions",
    max_upload_bytes: int | None | NotGiven = NOT_GIVEN,
    max_duration: float | None | NotGiven = NOT_GIVEN,
) -> SplitLimits:
    """The model's limits from the capability table, each replaced by the caller's value when
    given (None: no limit). A model the table does not know (an OpenAI-compatible server's) gets
    OpenAI's upload limit and no duration limit."""
    known = translation_model(model) if endpoint == "translations" else transcription_model(model)
    size = MAX_UPLOAD_BYTES if known is None else known.max_upload_bytes
    duration = None if known is None else known.max_duration_seconds
    return SplitLimits(
        max_bytes=size if isinstance(max_upload_bytes, NotGiven) else max_upload_bytes,
        max_duration=duration if isinstance(max_duration, NotGiven) else max_duration,
    )


def check_split_options(
    *, split: Any, max_concurrency: Any, max_upload_bytes: Any, max_duration: Any
) -> None:
    """Typed errors naming the argument, before anything is opened or sent."""
    if not isinstance(split, bool):
        raise InvalidArgumentError("split", f"expected True or False, got {split!r}")
    if isinstance(max_concurrency, bool) or not isinstance(max_concurrency, int) or max_concurrency < 1:
        raise InvalidArgumentError("max_concurrency", f"expected an int >= 1, got {max_concurrency!r}")
    check_max_upload_bytes(max_upload_bytes)
    check_max_duration(max_duration)


@dataclass
class Chunk:
    """One piece of a recording, ready to upload."""

    index: int
    start: float  # seconds from the start of the recording
    duration: float
    name: str
    content_type: str
    stream: IO[bytes]

    def file(self) -> tuple[str, IO[bytes], str]:
        self.stream.seek(0)
        return (self.name, self.stream, self.content_type)


class SplitRecording:
    """The chunks of a recording over the limits; ``close()`` frees what splitting opened."""

    def __init__(
        self,
        chunks: list[Chunk],
        *,
        clip: Callable[[float, float], tuple[str, IO[bytes], str] | None],
        resources: Sequence[Any] = (),
    ) -> None:
        self.chunks = chunks
        self._clip = clip
        self._resources = list(resources)

    @property
    def offsets(self) -> list[float]:
        return [chunk.start for chunk in self.chunks]

    def reference_clip(self, start: float, end: float) -> tuple[str, IO[bytes], str] | None:
        """A short WAV of the recording from ``start`` to ``end`` seconds, where one can be cut."""
        return self._clip(start, end)

    def close(self) -> None:
        for chunk in self.chunks:
            chunk.stream.close()
        for resource in self._resources:
            with contextlib.suppress(Exception):
                resource.close()


def split_if_needed(
    prepared: PreparedFile, limits: SplitLimits, *, reserved_bytes: int = 0
) -> SplitRecording | None:
    """None when ``prepared`` is within ``limits`` (or its duration cannot be told cheaply and its
    size is within them); else its chunks. Blocking: the async client runs it in a worker thread."""
    size = prepared.size
    stream = prepared.stream
    stream.seek(0)
    head = stream.read(64)
    stream.seek(0)
    if sniff(head) == "wav" and size is not None:
        try:
            layout = read_wav_layout(stream, size)
        except UnsupportedWavError:
            layout = None
        finally:
            stream.seek(0)
        if layout is not None:
            if not limits.exceeded_by(size, layout.duration):
                return None
            return _split_wav(stream, size, layout, limits, reserved_bytes, prepared.name)
    from . import _media  # PyAV only for compressed input, and only when it matters

    return _media.split_compressed(prepared, limits, reserved_bytes=reserved_bytes)


def _split_wav(
    stream: IO[bytes], size: int, layout: Any, limits: SplitLimits, reserved_bytes: int, name: str
) -> SplitRecording:
    reader = SharedReader(stream)
    try:
        spans = plan_cuts(reader, layout, limits.chunk_frames(layout, reserved_bytes=reserved_bytes))
    except ValueError as exc:
        raise InvalidArgumentError("max_upload_bytes", str(exc)) from exc
    finally:
        stream.seek(0)
    stem = name.rsplit(".", 1)[0] or "audio"
    chunks = [
        Chunk(
            index=i,
            start=first / layout.sample_rate,
            duration=(end - first) / layout.sample_rate,
            name=f"{stem}.part{i + 1:03d}.wav",
            content_type="audio/wav",
            stream=cast(IO[bytes], view),
        )
        for i, ((first, end), view) in enumerate(
            zip(spans, iter_chunk_views(reader, layout, spans), strict=True)
        )
    ]

    def clip(start: float, end: float) -> tuple[str, IO[bytes], str] | None:
        first = max(0, int(start * layout.sample_rate))
        last = min(layout.frames, int(end * layout.sample_rate))
        if last <= first:
            return None
        view = ChunkView(
            wav_header(layout, last - first),
            reader,
            layout.data_offset + first * layout.frame_bytes,
            (last - first) * layout.frame_bytes,
        )
        return ("reference.wav", cast(IO[bytes], view), "audio/wav")

    return SplitRecording(chunks, clip=clip)


# -- what each chunk is sent with -----------------------------------------------------------------


@dataclass(frozen=True)
class ChunkRequest:
    """One chunk and the arguments that differ from chunk to chunk."""

    chunk: Chunk
    prompt: str | None
    known_speakers: Mapping[str, FileInput] | None


def prompt_tail(text: str) -> str:
    """The last words of ``text``, about :data:`PROMPT_TAIL_CHARS` characters of them."""
    text = text.strip()
    if len(text) <= PROMPT_TAIL_CHARS:
        return text
    tail = text[-PROMPT_TAIL_CHARS:]
    space = tail.find(" ")
    return tail[space + 1 :] if 0 <= space < len(tail) - 1 else tail


def chained_prompt(caller: str | None, previous_text: str | None) -> str | None:
    if not previous_text or not previous_text.strip():
        return caller
    tail = prompt_tail(previous_text)
    return f"{caller.rstrip()} {tail}" if caller and caller.strip() else tail


@dataclass
class ChunkPlan(Generic[T]):
    """How the chunks of one call are sent."""

    recording: SplitRecording
    max_concurrency: int
    prompt: str | None = None
    chain_prompts: bool = False  # only with max_concurrency=1 and a model that takes a prompt
    text_of: Callable[[T], str] = str
    known_speakers: Mapping[str, FileInput] | None = None
    speakers_of: Callable[[T], list[tuple[str, float, float]]] | None = None  # diarization only
    on_chunk_done: Callable[[int, int], None] | None = None
    references: list[str] = field(default_factory=list)
    """Labels of the first chunk's speakers passed on to the later chunks (filled in while running)."""

    def request(self, index: int, previous: T | None) -> ChunkRequest:
        chunk = self.recording.chunks[index]
        prompt = self.prompt
        if self.chain_prompts and previous is not None:
            prompt = chained_prompt(self.prompt, self.text_of(previous))
        return ChunkRequest(chunk, prompt, self.known_speakers)

    def learn_speakers(self, first: T) -> None:
        """After the first chunk: reference clips of its speakers for all the later ones."""
        if self.speakers_of is None:
            return
        known = dict(self.known_speakers or {})
        room = MAX_KNOWN_SPEAKERS - len(known)
        longest: dict[str, tuple[float, float]] = {}
        for label, start, end in self.speakers_of(first):
            if label in known:
                continue
            best = longest.get(label)
            if best is None or end - start > best[1] - best[0]:
                longest[label] = (start, end)
        for label, (start, end) in longest.items():
            if room <= 0:
                break
            if end - start < MIN_REFERENCE_SECONDS:
                continue  # too short for the API to take as a reference
            clip = self.recording.reference_clip(start, min(end, start + MAX_REFERENCE_SECONDS))
            if clip is None:
                continue
            name, stream, content_type = clip
            with stream:  # read once here: every later chunk's request re-reads the bytes
                known[label] = (name, stream.read(), content_type)
            self.references.append(label)
            room -= 1
        self.known_speakers = known or None

    def done(self, count: int) -> None:
        if self.on_chunk_done is not None:
            self.on_chunk_done(count, len(self.recording.chunks))


def run_chunks(plan: ChunkPlan[T], send: Callable[[ChunkRequest], T]) -> list[T]:
    """Every chunk's result, in order; the first failure cancels what has not started and is raised."""
    total = len(plan.recording.chunks)
    results: list[T | None] = [None] * total
    finished = 0
    lock = threading.Lock()

    def one(index: int, previous: T | None) -> T:
        nonlocal finished
        result = send(plan.request(index, previous))
        with lock:
            finished += 1
            plan.done(finished)
        return result

    start = 0
    if plan.chain_prompts or plan.max_concurrency == 1:
        for index in range(total):
            results[index] = one(index, results[index - 1] if index else None)
        return results  # type: ignore[return-value]
    if plan.speakers_of is not None:
        first = one(0, None)
        results[0] = first
        plan.learn_speakers(first)
        start = 1
    with ThreadPoolExecutor(max_workers=min(plan.max_concurrency, total - start or 1)) as pool:
        futures: dict[Future[T], int] = {pool.submit(one, i, None): i for i in range(start, total)}
        done, _pending = wait(futures, return_when=FIRST_EXCEPTION)
        failed = sorted((futures[f], f) for f in done if f.exception() is not None)
        if failed:
            for future in futures:
                future.cancel()
            raise failed[0][1].exception()  # type: ignore[misc]
        for future, index in futures.items():
            results[index] = future.result()
    return results  # type: ignore[return-value]


async def arun_chunks(plan: ChunkPlan[T], send: Callable[[ChunkRequest], Awaitable[T]]) -> list[T]:
    """:func:`run_chunks` for the async client: tasks bounded by a semaphore, cancelled on failure."""
    import anyio

    total = len(plan.recording.chunks)
    results: list[T | None] = [None] * total
    finished = 0

    async def one(index: int, previous: T | None) -> T:
        nonlocal finished
        result = await send(plan.request(index, previous))
        finished += 1
        plan.done(finished)
        return result

    start = 0
    if plan.chain_prompts or plan.max_concurrency == 1:
        for index in range(total):
            results[index] = await one(index, results[index - 1] if index else None)
        return results  # type: ignore[return-value]
    if plan.speakers_of is not None:
        first = await one(0, None)
        results[0] = first
        await anyio.to_thread.run_sync(plan.learn_speakers, first)
        start = 1
    limiter = anyio.Semaphore(plan.max_concurrency)
    errors: list[tuple[int, Exception]] = []

    async with anyio.create_task_group() as group:

        async def slot(index: int) -> None:
            async with limiter:
                try:
                    results[index] = await one(index, None)
                except Exception as exc:  # the first failure stops the rest, and is raised as is
                    errors.append((index, exc))
                    group.cancel_scope.cancel()

        for index in range(start, total):
            group.start_soon(slot, index)
    if errors:
        raise min(errors, key=lambda item: item[0])[1]
    return results  # type: ignore[return-value]
