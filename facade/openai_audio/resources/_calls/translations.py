"""Translation requests, described once for both clients: checks, the call, parsing by format."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final, TypeAlias

import httpx

from openai_audio_api.api.audio import create_translation
from openai_audio_api.models import (
    CreateTranslationRequest,
    CreateTranslationResponseJson,
    CreateTranslationResponseVerboseJson,
)
from openai_audio_api.types import UNSET

from ..._call import APICall, Body, Headers, Query
from ..._capabilities import DEFAULT_TRANSLATION_MODEL, TEXT_FORMATS, TRANSLATION_FORMATS, translation_model
from ..._checks import check_choice, check_str, check_temperature
from ..._config import ClientConfig, NotGiven, TimeoutTypes
from ..._files import TRANSLATION_UPLOADS, FileInput, prepare_file
from ..._long_calls import LongCall
from ..._long_recordings import check_split_options, model_limits
from ...errors import InvalidArgumentError
from .._base import generated_file
from .transcriptions import SplitOptions, checked_model, text_body

DEFAULT_MODEL: Final = DEFAULT_TRANSLATION_MODEL

Translation: TypeAlias = CreateTranslationResponseJson
TranslationVerbose: TypeAlias = CreateTranslationResponseVerboseJson
TranslationResult: TypeAlias = Translation | TranslationVerbose | str


class TranslationOptions(SplitOptions, total=False):
    """The keyword arguments of ``translations.create`` besides ``response_format``, written once
    for its overloads."""

    model: str
    prompt: str | None
    temperature: float | None
    extra_headers: Headers | None
    extra_query: Query | None
    extra_body: Body | None
    timeout: TimeoutTypes | NotGiven


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


def request(
    file: FileInput, *, model: str, prompt: str | None, response_format: str | None, temperature: float | None
) -> Callable[[], APICall[TranslationResult]]:
    """Check the arguments now; the function returned opens the upload (blocking work) and
    returns the call."""
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

    def upload() -> APICall[TranslationResult]:
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

    return upload


def split_request(
    file: FileInput,
    *,
    config: ClientConfig,
    model: str,
    prompt: str | None,
    response_format: str | None,
    temperature: float | None,
    split: bool,
    max_concurrency: int,
    max_upload_bytes: int | None | NotGiven,
    max_duration: float | None | NotGiven,
    on_chunk_done: Callable[[int, int], None] | None,
) -> LongCall[TranslationResult]:
    """:func:`request` for a recording of any length (see the transcriptions' ``split_request``)."""
    check_split_options(
        split=split,
        max_concurrency=max_concurrency,
        max_upload_bytes=max_upload_bytes,
        max_duration=max_duration,
    )
    upload = request(
        file, model=model, prompt=prompt, response_format=response_format, temperature=temperature
    )

    def build(
        chunk: FileInput, chunk_prompt: str | None, _speakers: Mapping[str, FileInput] | None
    ) -> APICall[TranslationResult]:
        return request(
            chunk, model=model, prompt=chunk_prompt, response_format=response_format, temperature=temperature
        )()

    caps = translation_model(model)
    return LongCall(
        whole=None,
        upload=upload,
        build=build,
        fmt=response_format or "json",
        limits=model_limits(
            model,
            endpoint="translations",
            max_upload_bytes=config.max_upload_bytes
            if isinstance(max_upload_bytes, NotGiven)
            else max_upload_bytes,
            max_duration=config.max_duration if isinstance(max_duration, NotGiven) else max_duration,
        ),
        split=split,
        max_concurrency=max_concurrency,
        prompt=prompt,
        takes_prompt=caps is None or caps.prompt,
        known_speakers=None,
        on_chunk_done=on_chunk_done,
    )
