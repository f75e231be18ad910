"""Translation of speech into English text, typed by ``response_format``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, overload

from openai_audio_api.models import TranslationResponseFormat

from ..._blocking import to_worker_thread
from ..._call import APICall
from ..._config import NOT_GIVEN, NotGiven, TimeoutTypes
from ..._files import FileInput, may_block
from .._calls.translations import DEFAULT_MODEL, Translation, TranslationResult, TranslationVerbose, request
from ._resource import AsyncResource

if TYPE_CHECKING:
    from typing import Unpack

    from .._calls.translations import TranslationOptions


class AsyncTranslations(AsyncResource):
    """``client.translations``: speech in any language to English text."""

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
        timeout: TimeoutTypes | NotGiven = NOT_GIVEN,
    ) -> TranslationResult:
        """Translate ``file`` into English. The result type follows ``response_format``:
        ``Translation`` for json (the default), ``TranslationVerbose`` for verbose_json,
        ``str`` for text/srt/vtt. ``temperature`` 0–1; a path is streamed from disk."""
        upload = request(
            file, model=model, prompt=prompt, response_format=response_format, temperature=temperature
        )
        call = await to_worker_thread(upload, needed=may_block(file), undo=APICall.close)
        return await self._client._execute(call, timeout=timeout)
