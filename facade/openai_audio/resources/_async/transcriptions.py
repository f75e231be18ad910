"""Speech to text: one-shot transcriptions typed by ``response_format``, and streamed events."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Literal, overload

from openai_audio_api.models import AudioResponseFormat, TimestampGranularity, TranscriptionInclude

from ..._batching import DEFAULT_CONCURRENCY, AsyncBatchRunner
from ..._blocking import to_worker_thread
from ..._call import APICall, Body, Headers, Query
from ..._config import NOT_GIVEN, NotGiven, TimeoutTypes
from ..._files import FileInput, may_block
from ..._long_calls import AsyncLongCalls
from ..._long_recordings import DEFAULT_MAX_CONCURRENCY
from ..._raw_response import async_raw_response_wrapper, in_raw_mode
from ..._streaming import TRANSCRIPTION_EVENTS, AsyncEventStream, TranscriptionStreamEvent, aiter_events
from .._calls.transcriptions import (
    DEFAULT_MODEL,
    ChunkingStrategy,
    Transcription,
    TranscriptionDiarized,
    TranscriptionResult,
    TranscriptionVerbose,
    check_options,
    split_request,
)
from ._resource import AsyncResource
from ._streamed import streamed_events

if TYPE_CHECKING:
    from typing import Unpack

    from .._calls.transcriptions import TranscriptionOptions


class AsyncTranscriptions(AsyncResource):
    """``client.transcriptions``: turn audio into text."""

    @cached_property
    def with_raw_response(self) -> AsyncTranscriptionsWithRawResponse:
        """The same methods, answering with an ``APIResponse``: status, headers (request id, rate
        limits, processing time) and ``parse()`` for the usual result."""
        return AsyncTranscriptionsWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncTranscriptionsWithStreamingResponse:
        """The streaming methods as the SDK's streamed responses: ``async with ... as response``
        gives status and headers at once; the body is read only when asked."""
        return AsyncTranscriptionsWithStreamingResponse(self)

    # One overload per result type; the other keyword arguments are TranscriptionOptions.
    @overload
    async def create(
        self,
        file: FileInput,
        *,
        response_format: Literal["json"] | None = ...,
        **options: Unpack[TranscriptionOptions],
    ) -> Transcription: ...
    @overload
    async def create(
        self,
        file: FileInput,
        *,
        response_format: Literal["verbose_json"],
        **options: Unpack[TranscriptionOptions],
    ) -> TranscriptionVerbose: ...
    @overload
    async def create(
        self,
        file: FileInput,
        *,
        response_format: Literal["diarized_json"],
        **options: Unpack[TranscriptionOptions],
    ) -> TranscriptionDiarized: ...
    @overload
    async def create(
        self,
        file: FileInput,
        *,
        response_format: Literal["text", "srt", "vtt"],
        **options: Unpack[TranscriptionOptions],
    ) -> str: ...
    @overload
    async def create(
        self,
        file: FileInput,
        *,
        response_format: AudioResponseFormat | None = ...,
        **options: Unpack[TranscriptionOptions],
    ) -> TranscriptionResult: ...
    async def create(
        self,
        file: FileInput,
        *,
        model: str = DEFAULT_MODEL,
        response_format: AudioResponseFormat | None = None,
        language: str | None = None,
        languages: Sequence[str] | None = None,
        keywords: Sequence[str] | None = None,
        prompt: str | None = None,
        temperature: float | None = None,
        include: Sequence[TranscriptionInclude] | None = None,
        timestamp_granularities: Sequence[TimestampGranularity] | None = None,
        chunking_strategy: ChunkingStrategy | None = None,
        known_speakers: Mapping[str, FileInput] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        split: bool = True,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        max_upload_bytes: int | None | NotGiven = NOT_GIVEN,
        max_duration: float | None | NotGiven = NOT_GIVEN,
        on_chunk_done: Callable[[int, int], None] | None = None,
    ) -> TranscriptionResult:
        """Transcribe ``file`` (a path is streamed from disk, never read whole).

        The result type follows ``response_format``: ``Transcription`` for json (the default),
        ``TranscriptionVerbose`` for verbose_json, ``TranscriptionDiarized`` for diarized_json,
        ``str`` for text/srt/vtt.

        The spec's rules are checked before anything is sent (for OpenAI's own model names;
        other names pass through for OpenAI-compatible servers): the formats each model
        answers, ``timestamp_granularities`` only with verbose_json, ``include=["logprobs"]``
        only with json, ``temperature`` 0–1. With ``gpt-4o-transcribe-diarize``,
        ``chunking_strategy`` defaults to ``"auto"`` (the API requires one for audio over 30 s),
        and ``prompt``/``include``/``timestamp_granularities`` are rejected.

        ``chunking_strategy``: ``"auto"``, a ``VadConfig`` or ``{"type": "server_vad", ...}``.
        ``known_speakers``: up to 4 ``{name: audio}`` reference clips of 2–10 s each, sent as
        ``known_speaker_names[]``/``known_speaker_references[]`` data URLs.

        Any size and length: a recording over the model's limits (25 MB; 1500 s for the gpt-4o
        models, 1400 s for diarize) is split at pauses, its chunks are sent ``max_concurrency``
        (4) at a time, each retried on its own, and the results stitched into one of the same
        type. Within the limits it is sent exactly as is. ``split=False`` always sends it whole;
        ``max_upload_bytes``/``max_duration`` (None: no limit) override the limits, as the
        client's own do; ``on_chunk_done(done, total)`` follows a split recording's progress.
        Compressed audio over the limits needs ``pip install 'openai-audio[media]'``. See the
        transcription guide's "Long recordings" for what is guaranteed across chunks.
        """
        long = split_request(
            file,
            config=self._client._config,
            model=model,
            response_format=response_format,
            language=language,
            languages=languages,
            keywords=keywords,
            prompt=prompt,
            temperature=temperature,
            include=include,
            timestamp_granularities=timestamp_granularities,
            chunking_strategy=chunking_strategy,
            known_speakers=known_speakers,
            stream=False,
            # A raw response is one HTTP response: under with_raw_response nothing is split.
            split=False if in_raw_mode() else split,
            max_concurrency=max_concurrency,
            max_upload_bytes=max_upload_bytes,
            max_duration=max_duration,
            on_chunk_done=on_chunk_done,
        )
        long.whole = await to_worker_thread(
            long.make_whole, needed=may_block(file) or known_speakers is not None, undo=APICall.close
        )
        return await AsyncLongCalls.create(
            long, lambda call: self._send(call, timeout, extra_headers, extra_query, extra_body)
        )

    def create_many(
        self,
        inputs: Iterable[FileInput],
        *,
        response_format: AudioResponseFormat | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        **options: Unpack[TranscriptionOptions],
    ) -> AsyncBatchRunner[FileInput, TranscriptionResult]:
        """Transcribe many files, yielding each one's outcome as it completes.

        ``async for outcome in client.transcriptions.create_many(paths): ...``; each outcome is a
        ``BatchResult`` with ``.input``, ``.index`` (its place in ``inputs``) and ``.result``
        (what :meth:`create` returns) or ``.error`` (the exception it raised). Memory stays
        bounded for any number of inputs: ``inputs`` is read lazily and at most ``concurrency``
        files are in flight. Requests are paced to the account's rate limit by the client, so
        the batch runs near the limit, not into it. An exhausted quota (``insufficient_quota``)
        starts nothing more: the files in flight are yielded, then that ``RateLimitError`` is
        raised. Use the runner as a context manager (``async with ... as outcomes:``) so that
        leaving the loop early stops the batch. The other keyword arguments are :meth:`create`'s,
        the same for every file, checked once before anything is sent.
        """

        check_options(response_format, options)

        async def transcribe(file: FileInput) -> TranscriptionResult:
            return await self.create(file, response_format=response_format, **options)

        return AsyncBatchRunner(transcribe, inputs, concurrency)

    def stream(
        self,
        file: FileInput,
        *,
        model: str = DEFAULT_MODEL,
        response_format: AudioResponseFormat | None = None,
        language: str | None = None,
        languages: Sequence[str] | None = None,
        keywords: Sequence[str] | None = None,
        prompt: str | None = None,
        temperature: float | None = None,
        include: Sequence[TranscriptionInclude] | None = None,
        chunking_strategy: ChunkingStrategy | None = None,
        known_speakers: Mapping[str, FileInput] | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        split: bool = True,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        max_upload_bytes: int | None | NotGiven = NOT_GIVEN,
        max_duration: float | None | NotGiven = NOT_GIVEN,
        on_chunk_done: Callable[[int, int], None] | None = None,
    ) -> AsyncEventStream[TranscriptionStreamEvent]:
        """Transcribe with ``stream=true``: ``TranscriptTextDeltaEvent``s as text arrives,
        ``TranscriptTextSegmentEvent``s (diarize model with diarized_json), then one
        ``TranscriptTextDoneEvent``; ``UnknownEvent`` for types this version does not know.

        ``async with client.transcriptions.stream(...) as events: async for event in events: ...``;
        the response is closed however the loop ends. An error sent in the stream raises
        ``StreamError``; so does a stream that ends before its done event. Same rules as
        :meth:`create`, checked here; whisper-1 cannot stream. The async client opens the file
        when the stream is entered, on a worker thread.

        A recording over the limits is split as in :meth:`create`: every chunk's deltas and
        segments come in recording order (timestamps moved, ids renumbered, a space delta where
        two chunks meet), then one done event with the whole text and the summed usage.
        """
        long = split_request(
            file,
            config=self._client._config,
            model=model,
            response_format=response_format,
            language=language,
            languages=languages,
            keywords=keywords,
            prompt=prompt,
            temperature=temperature,
            include=include,
            timestamp_granularities=None,
            chunking_strategy=chunking_strategy,
            known_speakers=known_speakers,
            stream=True,
            # A raw response is one HTTP response: under with_raw_response nothing is split.
            split=False if in_raw_mode() else split,
            max_concurrency=max_concurrency,
            max_upload_bytes=max_upload_bytes,
            max_duration=max_duration,
            on_chunk_done=on_chunk_done,
        )
        # The upload is prepared (off the event loop) and split, if it must be, when it is opened.
        return AsyncLongCalls.stream(
            long,
            lambda call: AsyncEventStream(
                lambda: self._stream_call(call, timeout, extra_headers, extra_query, extra_body),
                lambda r: aiter_events(r, TRANSCRIPTION_EVENTS),
                call.close,
            ),
        )


class AsyncTranscriptionsWithRawResponse:
    """``client.transcriptions.with_raw_response``."""

    def __init__(self, transcriptions: AsyncTranscriptions) -> None:
        self.create = async_raw_response_wrapper(transcriptions.create)


class AsyncTranscriptionsWithStreamingResponse:
    """``client.transcriptions.with_streaming_response``."""

    def __init__(self, transcriptions: AsyncTranscriptions) -> None:
        self.stream = streamed_events(transcriptions.stream)
