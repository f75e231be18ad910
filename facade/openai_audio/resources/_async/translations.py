"""Translation of speech into English text, typed by ``response_format``."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, Literal, overload

from openai_audio_api.models import TranslationResponseFormat

from ..._blocking import to_worker_thread
from ..._call import APICall, Body, Headers, Query
from ..._config import NOT_GIVEN, NotGiven, TimeoutTypes
from ..._files import FileInput, may_block
from ..._long_calls import AsyncLongCalls
from ..._long_recordings import DEFAULT_MAX_CONCURRENCY
from ..._raw_response import async_raw_response_wrapper, in_raw_mode
from .._calls.translations import (
    DEFAULT_MODEL,
    Translation,
    TranslationResult,
    TranslationVerbose,
    split_request,
)
from ._resource import AsyncResource

if TYPE_CHECKING:
    from typing import Unpack

    from .._calls.translations import TranslationOptions


class AsyncTranslations(AsyncResource):
    """``client.translations``: speech in any language to English text."""

    @cached_property
    def with_raw_response(self) -> AsyncTranslationsWithRawResponse:
        """The same methods, answering with an ``APIResponse``: status, headers (request id, rate
        limits, processing time) and ``parse()`` for the usual result."""
        return AsyncTranslationsWithRawResponse(self)

    # One overload per result type; the other keyword arguments are TranslationOptions.
    @overload
    async def create(
        self,
        file: FileInput,
        *,
        response_format: Literal["json"] | None = ...,
        **options: Unpack[TranslationOptions],
    ) -> Translation: ...
    @overload
    async def create(
        self,
        file: FileInput,
        *,
        response_format: Literal["verbose_json"],
        **options: Unpack[TranslationOptions],
    ) -> TranslationVerbose: ...
    @overload
    async def create(
        self,
        file: FileInput,
        *,
        response_format: Literal["text", "srt", "vtt"],
        **options: Unpack[TranslationOptions],
    ) -> str: ...
    @overload
    async def create(
        self,
        file: FileInput,
        *,
        response_format: TranslationResponseFormat | None = ...,
        **options: Unpack[TranslationOptions],
    ) -> TranslationResult: ...
    async def create(
        self,
        file: FileInput,
        *,
        model: str = DEFAULT_MODEL,
        prompt: str | None = None,
        response_format: TranslationResponseFormat | None = None,
        temperature: float | None = None,
        extra_headers: Headers | None = None,
        extra_query: Query | None = None,
        extra_body: Body | None = None,
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
        split: bool = True,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        max_upload_bytes: int | None | NotGiven = NOT_GIVEN,
        max_duration: float | None | NotGiven = NOT_GIVEN,
        on_chunk_done: Callable[[int, int], None] | None = None,
    ) -> TranslationResult:
        """Translate ``file`` into English. The result type follows ``response_format``:
        ``Translation`` for json (the default), ``TranslationVerbose`` for verbose_json,
        ``str`` for text/srt/vtt. ``temperature`` 0–1; a path is streamed from disk.

        Any size and length, as ``transcriptions.create``: a recording over the model's limits
        is split at pauses, its chunks sent ``max_concurrency`` at a time and the results
        stitched; ``split``, ``max_upload_bytes``, ``max_duration`` and ``on_chunk_done`` as there.
        """
        long = split_request(
            file,
            config=self._client._config,
            model=model,
            prompt=prompt,
            response_format=response_format,
            temperature=temperature,
            # A raw response is one HTTP response: under with_raw_response nothing is split.
            split=False if in_raw_mode() else split,
            max_concurrency=max_concurrency,
            max_upload_bytes=max_upload_bytes,
            max_duration=max_duration,
            on_chunk_done=on_chunk_done,
        )
        long.whole = await to_worker_thread(long.make_whole, needed=may_block(file), undo=APICall.close)
        return await AsyncLongCalls.create(
            long, lambda call: self._send(call, timeout, extra_headers, extra_query, extra_body)
        )


class AsyncTranslationsWithRawResponse:
    """``client.translations.with_raw_response``."""

    def __init__(self, translations: AsyncTranslations) -> None:
        self.create = async_raw_response_wrapper(translations.create)
