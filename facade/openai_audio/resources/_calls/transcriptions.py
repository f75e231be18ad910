"""Transcription requests, described once for both clients: checks, the call, parsing by format."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, Literal, TypeAlias, TypedDict, TypeVar

import httpx

from openai_audio_api.api.audio import create_transcription
from openai_audio_api.models import (
    CreateTranscriptionRequest,
    CreateTranscriptionResponseDiarizedJson,
    CreateTranscriptionResponseJson,
    CreateTranscriptionResponseVerboseJson,
    TimestampGranularity,
    TranscriptionInclude,
    VadConfig,
)
from openai_audio_api.types import UNSET

from ..._call import APICall, Body, Headers, Query
from ..._capabilities import (
    DEFAULT_TRANSCRIPTION_MODEL,
    TEXT_FORMATS,
    TIMESTAMP_GRANULARITIES,
    TRANSCRIPTION_FORMATS,
    TRANSCRIPTION_INCLUDES,
    transcription_model,
    transcription_models_with,
)
from ..._checks import check_choice, check_str, check_str_list, check_temperature
from ..._config import NOT_GIVEN, ClientConfig, NotGiven, TimeoutTypes
from ..._files import TRANSCRIPTION_UPLOADS, FileInput, UploadRule, prepare_file
from ..._long_calls import LongCall
from ..._long_recordings import DEFAULT_MAX_CONCURRENCY, check_split_options, model_limits
from ..._response import parse_json_body, parse_model
from ..._speakers import known_speaker_fields
from ...errors import APIResponseValidationError, InvalidArgumentError, InvalidArgumentTypeError
from .._base import generated_file

T = TypeVar("T")

DEFAULT_MODEL: Final = DEFAULT_TRANSCRIPTION_MODEL
_VAD_KEYS: Final = frozenset({"type", "threshold", "prefix_padding_ms", "silence_duration_ms"})

ChunkingStrategy: TypeAlias = Literal["auto"] | VadConfig | Mapping[str, Any]
Transcription: TypeAlias = CreateTranscriptionResponseJson
TranscriptionVerbose: TypeAlias = CreateTranscriptionResponseVerboseJson
TranscriptionDiarized: TypeAlias = CreateTranscriptionResponseDiarizedJson
TranscriptionResult: TypeAlias = Transcription | TranscriptionVerbose | TranscriptionDiarized | str


class SplitOptions(TypedDict, total=False):
    """How a recording over the model's limits is split (transcriptions and translations)."""

    split: bool
    max_concurrency: int
    max_upload_bytes: int | None
    max_duration: float | None
    on_chunk_done: Callable[[int, int], None] | None


class TranscriptionOptions(SplitOptions, total=False):
    """The keyword arguments of ``transcriptions.create`` besides ``response_format``: written once
    here, unpacked into each of its overloads (one overload per result type)."""

    model: str
    language: str | None
    languages: Sequence[str] | None
    keywords: Sequence[str] | None
    prompt: str | None
    temperature: float | None
    include: Sequence[TranscriptionInclude] | None
    timestamp_granularities: Sequence[TimestampGranularity] | None
    chunking_strategy: ChunkingStrategy | None
    known_speakers: Mapping[str, FileInput] | None
    extra_headers: Headers | None
    extra_query: Query | None
    extra_body: Body | None
    timeout: TimeoutTypes | NotGiven


def _chunking(value: Any) -> Literal["auto"] | VadConfig:
    if isinstance(value, VadConfig):
        value = value.to_dict()
    if value == "auto":
        return "auto"
    if isinstance(value, str):
        raise InvalidArgumentError(
            "chunking_strategy", f'expected "auto" or a server_vad config, got {value!r}'
        )
    if not isinstance(value, Mapping):
        raise InvalidArgumentTypeError(
            "chunking_strategy", f'expected "auto", a VadConfig or a dict, got {type(value).__name__}'
        )
    unknown = set(value) - _VAD_KEYS
    if unknown:
        raise InvalidArgumentError(
            "chunking_strategy", f"unknown keys {sorted(map(str, unknown))}; allowed: {sorted(_VAD_KEYS)}"
        )
    if value.get("type") != "server_vad":
        raise InvalidArgumentError(
            "chunking_strategy", f"type must be 'server_vad', got {value.get('type')!r}"
        )
    threshold = value.get("threshold")
    if threshold is not None and (
        isinstance(threshold, bool) or not isinstance(threshold, int | float) or not 0 <= threshold <= 1
    ):
        raise InvalidArgumentError(
            "chunking_strategy", f"threshold must be a number from 0 to 1, got {threshold!r}"
        )
    for key in ("prefix_padding_ms", "silence_duration_ms"):
        ms = value.get(key)
        if ms is not None and (isinstance(ms, bool) or not isinstance(ms, int) or ms < 0):
            raise InvalidArgumentError("chunking_strategy", f"{key} must be an int >= 0, got {ms!r}")
    return VadConfig(
        type_="server_vad",
        threshold=UNSET if threshold is None else float(threshold),
        prefix_padding_ms=value.get("prefix_padding_ms", UNSET),
        silence_duration_ms=value.get("silence_duration_ms", UNSET),
    )


# -- parsing by the requested format ------------------------------------------------------------


def text_body(response: httpx.Response) -> str:
    # A JSON error object in a 200 is an error, not a transcript.
    if response.headers.get("content-type", "").startswith("application/json"):
        parse_json_body(response)
    return response.text


def checked_model(
    from_dict: Callable[[dict[str, Any]], T],
    what: str,
    fields: Mapping[str, type | tuple[type, ...]],
    usage_types: frozenset[str] = frozenset({"tokens", "duration"}),
) -> Callable[[httpx.Response], T]:
    """A parser that also checks the types of the fields the generated ``from_dict`` trusts."""

    def parse(response: httpx.Response) -> T:
        def build(body: dict[str, Any]) -> T:
            for name, kind in fields.items():
                value = body.get(name)
                if name in body and (not isinstance(value, kind) or isinstance(value, bool)):
                    raise APIResponseValidationError(
                        f"{what}: field {name!r} has type {type(value).__name__}",
                        response=response,
                        body=body,
                    )
            try:
                return from_dict(body)
            except (KeyError, TypeError, ValueError):
                usage = body.get("usage")
                if not isinstance(usage, dict) or usage.get("type") in usage_types:
                    raise
            # A usage kind this model does not know (newer than this client, or one the spec
            # does not list for this format) is billing metadata, not the result:
            # keep the transcription and hand the raw usage over in additional_properties.
            result = from_dict({key: value for key, value in body.items() if key != "usage"})
            extra = getattr(result, "additional_properties", None)
            if isinstance(extra, dict):
                extra["usage"] = usage
            return result

        return parse_model(response, build, what)

    return parse


_NUMBER = (int, float)
_PARSERS: Final[Mapping[str, Callable[[httpx.Response], TranscriptionResult]]] = {
    "json": checked_model(CreateTranscriptionResponseJson.from_dict, "transcription", {"text": str}),
    "verbose_json": checked_model(
        CreateTranscriptionResponseVerboseJson.from_dict,
        "verbose transcription",
        {"text": str, "language": str, "duration": _NUMBER, "segments": list, "words": list},
        usage_types=frozenset({"duration"}),  # the spec's only usage for verbose_json
    ),
    "diarized_json": checked_model(
        CreateTranscriptionResponseDiarizedJson.from_dict,
        "diarized transcription",
        {"text": str, "duration": _NUMBER, "segments": list},
    ),
    **{fmt: text_body for fmt in TEXT_FORMATS},
}


# -- the request --------------------------------------------------------------------------------


def request(
    file: FileInput,
    *,
    model: str,
    response_format: str | None,
    language: str | None,
    languages: Sequence[str] | None,
    keywords: Sequence[str] | None,
    prompt: str | None,
    temperature: float | None,
    include: Sequence[TranscriptionInclude] | None,
    timestamp_granularities: Sequence[TimestampGranularity] | None,
    chunking_strategy: ChunkingStrategy | None,
    known_speakers: Mapping[str, FileInput] | None,
    stream: bool,
    rule: UploadRule = TRANSCRIPTION_UPLOADS,
) -> Callable[[], APICall[TranscriptionResult]]:
    """Check every rule the spec states now; the function returned opens the upload and encodes
    the known speakers (blocking work, so the async client calls it on a worker thread) and
    returns the call. A bad argument therefore never leaves a file open."""
    check_str("model", model)
    fmt = (
        "json"
        if response_format is None
        else check_choice("response_format", response_format, TRANSCRIPTION_FORMATS)
    )
    # The table knows OpenAI's own models; other names pass through for OpenAI-compatible servers.
    caps = transcription_model(model)
    if caps is not None and fmt not in caps.response_formats:
        raise InvalidArgumentError(
            "response_format", f"{model} answers only {', '.join(caps.response_formats)}; got {fmt!r}"
        )
    if stream and caps is not None and not caps.streaming:
        raise InvalidArgumentError("model", f"{model} cannot stream; use create() or another model")
    if language is not None:
        check_str("language", language)
    if prompt is not None:
        check_str("prompt", prompt, allow_empty=True)
        if caps is not None and not caps.prompt:
            raise InvalidArgumentError("prompt", f"not supported by {model}")
    rate = check_temperature(temperature)
    lang_list = None if languages is None else check_str_list("languages", languages)
    keyword_list = None if keywords is None else check_str_list("keywords", keywords)
    for name, given in (("languages", lang_list), ("keywords", keyword_list)):
        if given is not None and caps is not None and not caps.languages_and_keywords:
            supported = ", ".join(transcription_models_with("languages_and_keywords"))
            raise InvalidArgumentError(name, f"supported only by {supported}, not {model}")
    includes = None if include is None else check_str_list("include", include, choices=TRANSCRIPTION_INCLUDES)
    if includes:
        if fmt != "json":
            raise InvalidArgumentError("include", f"logprobs need response_format 'json', not {fmt!r}")
        if caps is not None and not caps.logprobs:
            supported = ", ".join(transcription_models_with("logprobs"))
            raise InvalidArgumentError("include", f"logprobs are available only with {supported}")
    granularities = (
        None
        if timestamp_granularities is None
        else check_str_list(
            "timestamp_granularities", timestamp_granularities, choices=TIMESTAMP_GRANULARITIES
        )
    )
    if granularities:
        if fmt != "verbose_json":
            raise InvalidArgumentError(
                "timestamp_granularities", f"need response_format 'verbose_json', not {fmt!r}"
            )
        if caps is not None and not caps.timestamp_granularities:
            raise InvalidArgumentError("timestamp_granularities", f"not supported by {model}")
    chunking = None if chunking_strategy is None else _chunking(chunking_strategy)
    if chunking is None and caps is not None and caps.chunking_required_over is not None:
        chunking = "auto"  # required by the diarize model for audio over 30 s; harmless below that

    def upload() -> APICall[TranscriptionResult]:
        names, references = (None, None) if known_speakers is None else known_speaker_fields(known_speakers)
        prepared = prepare_file(file, argument="file", rule=rule)
        try:
            body = CreateTranscriptionRequest(
                file=generated_file(prepared),
                model=model,
                language=UNSET if language is None else language,
                languages=UNSET if lang_list is None else lang_list,
                keywords=UNSET if keyword_list is None else keyword_list,
                prompt=UNSET if prompt is None else prompt,
                response_format=UNSET if response_format is None else fmt,  # type: ignore[arg-type]
                temperature=UNSET if rate is None else rate,
                include=UNSET if includes is None else includes,  # type: ignore[arg-type]
                timestamp_granularities=UNSET if granularities is None else granularities,  # type: ignore[arg-type]
                stream=True if stream else UNSET,
                chunking_strategy=UNSET if chunking is None else chunking,
                known_speaker_names=UNSET if names is None else names,
                known_speaker_references=UNSET if references is None else references,
            )
            kwargs = create_transcription._get_kwargs(body=body)
        except BaseException:
            prepared.close()
            raise
        return APICall(kwargs, _PARSERS[fmt], [prepared])

    return upload


def check_options(response_format: str | None, options: TranscriptionOptions) -> None:
    """Check ``create``'s options once, before a batch sends anything (no file is opened)."""
    request(
        b"",
        model=options.get("model", DEFAULT_MODEL),
        response_format=response_format,
        language=options.get("language"),
        languages=options.get("languages"),
        keywords=options.get("keywords"),
        prompt=options.get("prompt"),
        temperature=options.get("temperature"),
        include=options.get("include"),
        timestamp_granularities=options.get("timestamp_granularities"),
        chunking_strategy=options.get("chunking_strategy"),
        known_speakers=options.get("known_speakers"),
        stream=False,
    )
    check_split_options(
        split=options.get("split", True),
        max_concurrency=options.get("max_concurrency", DEFAULT_MAX_CONCURRENCY),
        max_upload_bytes=options.get("max_upload_bytes", NOT_GIVEN),
        max_duration=options.get("max_duration", NOT_GIVEN),
    )


def split_request(
    file: FileInput,
    *,
    config: ClientConfig,
    model: str,
    response_format: str | None,
    language: str | None,
    languages: Sequence[str] | None,
    keywords: Sequence[str] | None,
    prompt: str | None,
    temperature: float | None,
    include: Sequence[TranscriptionInclude] | None,
    timestamp_granularities: Sequence[TimestampGranularity] | None,
    chunking_strategy: ChunkingStrategy | None,
    known_speakers: Mapping[str, FileInput] | None,
    stream: bool,
    split: bool,
    max_concurrency: int,
    max_upload_bytes: int | None | NotGiven,
    max_duration: float | None | NotGiven,
    on_chunk_done: Callable[[int, int], None] | None,
) -> LongCall[TranscriptionResult]:
    """:func:`request` for a recording of any length: checked now, like it; split (or not) when sent.

    The call's limits are the model's, unless the call or else the client overrides them."""
    check_split_options(
        split=split,
        max_concurrency=max_concurrency,
        max_upload_bytes=max_upload_bytes,
        max_duration=max_duration,
    )
    fixed: dict[str, Any] = {
        "model": model,
        "response_format": response_format,
        "language": language,
        "languages": languages,
        "keywords": keywords,
        "temperature": temperature,
        "include": include,
        "timestamp_granularities": timestamp_granularities,
        "chunking_strategy": chunking_strategy,
        "stream": stream,
    }
    upload = request(file, prompt=prompt, known_speakers=known_speakers, **fixed)

    def build(
        chunk: FileInput, chunk_prompt: str | None, speakers: Mapping[str, FileInput] | None
    ) -> APICall[TranscriptionResult]:
        return request(chunk, prompt=chunk_prompt, known_speakers=speakers, **fixed)()

    caps = transcription_model(model)
    return LongCall(
        whole=None,
        upload=upload,
        build=build,
        fmt=response_format or "json",
        limits=model_limits(
            model,
            max_upload_bytes=config.max_upload_bytes
            if isinstance(max_upload_bytes, NotGiven)
            else max_upload_bytes,
            max_duration=config.max_duration if isinstance(max_duration, NotGiven) else max_duration,
        ),
        split=split,
        max_concurrency=max_concurrency,
        prompt=prompt,
        takes_prompt=caps is None or caps.prompt,
        known_speakers=known_speakers,
        on_chunk_done=on_chunk_done,
    )
