"""Translation of speech into English text, typed by ``response_format``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final, Literal, TypeAlias, overload

import httpx

from openai_audio_api.api.audio import create_translation
from openai_audio_api.models import (
    CreateTranslationRequest,
    CreateTranslationResponseJson,
    CreateTranslationResponseVerboseJson,
    TranslationResponseFormat,
)
from openai_audio_api.types import UNSET

from .._call import APICall
from .._capabilities import DEFAULT_TRANSLATION_MODEL, TEXT_FORMATS, TRANSLATION_FORMATS, translation_model
from .._checks import check_choice, check_str, check_temperature
from .._config import NOT_GIVEN, NotGiven, TimeoutTypes
from .._files import TRANSLATION_UPLOADS, FileInput, prepare_file
from ..errors import InvalidArgumentError
from ._base import AsyncResource, SyncResource, generated_file
from .transcriptions import checked_model, text_body

DEFAULT_MODEL: Final = DEFAULT_TRANSLATION_MODEL

Translation: TypeAlias = CreateTranslationResponseJson
TranslationVerbose: TypeAlias = CreateTranslationResponseVerboseJson
TranslationResult: TypeAlias = Translation | TranslationVerbose | str

_NUMBER = (int, float)
_PARSERS: Final[Mapping[str, Callable[[httpx.Response], TranslationResult]]] = {
    "json": checked_model(CreateTranslationResponseJson.from_dict, "translation", {"text": str}),
    "verbose_json": checked_model(
        CreateTranslationResponseVerboseJson.from_dict,
        "verbose translation",
        {"text": str, "language": str, "duration": _NUMBER, "segments": list},
    ),
    **{fmt: text_body for fmt in TEXT_FORMATS},
}


def _build(
    file: FileInput, *, model: str, prompt: str | None, response_format: str | None, temperature: float | None
) -> APICall[TranslationResult]:
    check_str("model", model)
    fmt = (
        "json"
        if response_format is None
        else check_choice("response_format", response_format, TRANSLATION_FORMATS)
    )
    # Other names than OpenAI's pass through for OpenAI-compatible servers.
    caps = translation_model(model)
    if caps is not None and fmt not in caps.response_formats:
        raise InvalidArgumentError(
            "response_format", f"{model} answers only {', '.join(caps.response_formats)}"
        )
    if prompt is not None:
        check_str("prompt", prompt, allow_empty=True)
        if caps is not None and not caps.prompt:
            raise InvalidArgumentError("prompt", f"not supported by {model}")
    rate = check_temperature(temperature)
    prepared = prepare_file(file, argument="file", rule=TRANSLATION_UPLOADS)
    try:
        body = CreateTranslationRequest(
            file=generated_file(prepared),
            model=model,
            prompt=UNSET if prompt is None else prompt,
            response_format=UNSET if response_format is None else fmt,  # type: ignore[arg-type]
            temperature=UNSET if rate is None else rate,
        )
        kwargs = create_translation._get_kwargs(body=body)
    except BaseException:
        prepared.close()
        raise
    return APICall(kwargs, _PARSERS[fmt], [prepared])


class Translations(SyncResource):
    """``client.translations``: speech in any language to English text."""

    @overload
    def create(
        self,
        file: FileInput,
        *,
        model: str = ...,
        prompt: str | None = ...,
        response_format: Literal["json"] | None = ...,
        temperature: float | None = ...,
        timeout: TimeoutTypes | NotGiven = ...,
    ) -> Translation: ...
    @overload
    def create(
        self,
        file: FileInput,
        *,
        model: str = ...,
        prompt: str | None = ...,
        response_format: Literal["verbose_json"],
        temperature: float | None = ...,
        timeout: TimeoutTypes | NotGiven = ...,
    ) -> TranslationVerbose: ...
    @overload
    def create(
        self,
        file: FileInput,
        *,
        model: str = ...,
        prompt: str | None = ...,
        response_format: Literal["text", "srt", "vtt"],
        temperature: float | None = ...,
        timeout: TimeoutTypes | NotGiven = ...,
    ) -> str: ...
    @overload
    def create(
        self,
        file: FileInput,
        *,
        model: str = ...,
        prompt: str | None = ...,
        response_format: TranslationResponseFormat | None = ...,
        temperature: float | None = ...,
        timeout: TimeoutTypes | NotGiven = ...,
    ) -> TranslationResult: ...
    def create(
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
        call = _build(
            file, model=model, prompt=prompt, response_format=response_format, temperature=temperature
        )
        return self._client._execute(call, timeout=timeout)


class AsyncTranslations(AsyncResource):
    """``client.translations`` for the async client."""

    @overload
    async def create(
        self,
        file: FileInput,
        *,
        model: str = ...,
        prompt: str | None = ...,
        response_format: Literal["json"] | None = ...,
        temperature: float | None = ...,
        timeout: TimeoutTypes | NotGiven = ...,
    ) -> Translation: ...
    @overload
    async def create(
        self,
        file: FileInput,
        *,
        model: str = ...,
        prompt: str | None = ...,
        response_format: Literal["verbose_json"],
        temperature: float | None = ...,
        timeout: TimeoutTypes | NotGiven = ...,
    ) -> TranslationVerbose: ...
    @overload
    async def create(
        self,
        file: FileInput,
        *,
        model: str = ...,
        prompt: str | None = ...,
        response_format: Literal["text", "srt", "vtt"],
        temperature: float | None = ...,
        timeout: TimeoutTypes | NotGiven = ...,
    ) -> str: ...
    @overload
    async def create(
        self,
        file: FileInput,
        *,
        model: str = ...,
        prompt: str | None = ...,
        response_format: TranslationResponseFormat | None = ...,
        temperature: float | None = ...,
        timeout: TimeoutTypes | NotGiven = ...,
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
        """Translate ``file`` into English; see :meth:`Translations.create`."""
        call = _build(
            file, model=model, prompt=prompt, response_format=response_format, temperature=temperature
        )
        return await self._client._execute(call, timeout=timeout)
