"""Text to speech: whole files, byte streams, typed SSE events, and atomic saves to disk."""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path

from openai_audio_api.models import SpeechResponseFormat

from ..._atomic import AsyncAtomicFile
from ..._call import Body, Headers, Query
from ..._config import NOT_GIVEN, NotGiven, TimeoutTypes
from ..._raw_response import async_raw_response_wrapper
from ..._streaming import (
    SPEECH_EVENTS,
    AsyncAudioStream,
    AsyncEventStream,
    SpeechStreamEvent,
    aiter_audio,
    aiter_events,
)
from .._calls.speech import DEFAULT_MODEL, VoiceInput, call, check_chunk_size, request, save_target
from ._resource import AsyncResource
from ._streamed import streamed_audio, streamed_events


class AsyncSpeech(AsyncResource):
    """``client.speech``: generate audio from text."""

    @cached_property
    def with_raw_response(self) -> AsyncSpeechWithRawResponse:
        """The same methods, answering with an ``APIResponse``: status, headers (request id, rate
        limits, processing time) and ``parse()`` for the usual result."""
        return AsyncSpeechWithRawResponse(self)

    @cached_property
    def with_streaming_response(self) -> AsyncSpeechWithStreamingResponse:
        """The streaming methods as the SDK's streamed responses: ``async with ... as response``
        gives status and headers at once; the body is read only when asked."""
        return AsyncSpeechWithStreamingResponse(self)

    async def create(
        self,
        input: str,
        *,
        voice: VoiceInput,
        model: str = DEFAULT_MODEL,
        instructions: str | None = None,
        response_format: SpeechResponseFormat | None = None,
        speed: float | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> bytes:
        """The whole audio file (mp3 unless ``response_format`` says otherwise) in memory.

        ``voice``: a built-in name, a custom voice id ``"voice_..."`` (sent as ``{"id": ...}``),
        or a ``Voice``/``CustomVoice`` object. Use :meth:`stream` or :meth:`save` for long texts.
        """
        speech = request(
            input,
            voice=voice,
            model=model,
            instructions=instructions,
            response_format=response_format,
            speed=speed,
        )
        return await self._send(call(speech), timeout, extra_headers, extra_query, extra_body)

    def stream(
        self,
        input: str,
        *,
        voice: VoiceInput,
        model: str = DEFAULT_MODEL,
        instructions: str | None = None,
        response_format: SpeechResponseFormat | None = None,
        speed: float | None = None,
        chunk_size: int | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> AsyncAudioStream:
        """The audio as it is generated, never buffered whole.

        ``async with client.speech.stream(...) as audio: async for chunk in audio: ...`` or simply
        ``async for chunk in client.speech.stream(...)``; either way the response is closed when the
        loop ends or stops early. Arguments are checked here, the request is sent on first use.
        """
        speech = request(
            input,
            voice=voice,
            model=model,
            instructions=instructions,
            response_format=response_format,
            speed=speed,
        )
        size = check_chunk_size(chunk_size)
        sent = call(speech).with_extras(extra_headers, extra_query, extra_body)
        return AsyncAudioStream(
            lambda: self._client._stream(sent, timeout=timeout), lambda r: aiter_audio(r, size), sent.close
        )

    def stream_events(
        self,
        input: str,
        *,
        voice: VoiceInput,
        model: str = DEFAULT_MODEL,
        instructions: str | None = None,
        response_format: SpeechResponseFormat | None = None,
        speed: float | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> AsyncEventStream[SpeechStreamEvent]:
        """Typed events (``stream_format="sse"``): ``SpeechAudioDeltaEvent`` chunks, then one
        ``SpeechAudioDoneEvent`` with token usage. Not available for tts-1 / tts-1-hd.

        ``async with client.speech.stream_events(...) as events: async for event in events: ...``
        """
        speech = request(
            input,
            voice=voice,
            model=model,
            instructions=instructions,
            response_format=response_format,
            speed=speed,
            sse=True,
        )
        sent = call(speech).with_extras(extra_headers, extra_query, extra_body)
        return AsyncEventStream(
            lambda: self._client._stream(sent, timeout=timeout),
            lambda r: aiter_events(r, SPEECH_EVENTS),
            sent.close,
        )

    async def save(
        self,
        input: str,
        path: str | os.PathLike[str],
        *,
        voice: VoiceInput,
        model: str = DEFAULT_MODEL,
        instructions: str | None = None,
        response_format: SpeechResponseFormat | None = None,
        speed: float | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> Path:
        """Stream the audio into ``path`` atomically and return it.

        The format is inferred from the suffix (.mp3 .opus .aac .flac .wav .pcm) unless
        ``response_format`` is given; a mismatch is an error. The audio goes to a hidden
        ``.<name>.*.part`` file beside the target, which replaces the target only once complete:
        on any failure the target keeps its previous content and the part file is removed.
        """
        target, fmt = save_target(path, response_format)
        speech = request(
            input, voice=voice, model=model, instructions=instructions, response_format=fmt, speed=speed
        )
        sent = call(speech).with_extras(extra_headers, extra_query, extra_body)
        out = await AsyncAtomicFile.open(target)
        try:
            async with self._client._stream(sent, timeout=timeout) as response:
                async for chunk in aiter_audio(response, None):
                    await out.write(chunk)
            return await out.commit()
        finally:
            await out.abort()  # a no-op after commit


class AsyncSpeechWithRawResponse:
    """``client.speech.with_raw_response``."""

    def __init__(self, speech: AsyncSpeech) -> None:
        self.create = async_raw_response_wrapper(speech.create)


class AsyncSpeechWithStreamingResponse:
    """``client.speech.with_streaming_response``."""

    def __init__(self, speech: AsyncSpeech) -> None:
        self.create = streamed_audio(speech.stream)
        self.stream_events = streamed_events(speech.stream_events)
