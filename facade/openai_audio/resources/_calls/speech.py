"""Speech requests, described once for both clients: argument checks, the call, the save target."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final, TypeAlias

import httpx

from openai_audio_api.api.audio import create_speech
from openai_audio_api.models import CreateSpeechRequest, CustomVoice, SpeechResponseFormat, VoiceResource
from openai_audio_api.types import UNSET

from ..._call import APICall
from ..._capabilities import DEFAULT_SPEECH_MODEL, SPEECH_FORMATS, speech_model
from ..._checks import check_number, check_str
from ..._response import parse_json_body
from ...errors import InvalidArgumentError, InvalidArgumentTypeError

VoiceInput: TypeAlias = str | CustomVoice | VoiceResource | Mapping[str, str]
"""A built-in voice name, a custom voice id ``"voice_..."``, a ``Voice``/``CustomVoice`` object,
or ``{"id": "voice_..."}``."""

DEFAULT_MODEL: Final = DEFAULT_SPEECH_MODEL
MAX_INPUT_CHARS: Final = 4096
_SUFFIX_FORMATS: Final[Mapping[str, SpeechResponseFormat]] = {f".{fmt}": fmt for fmt in SPEECH_FORMATS}


def _voice(value: Any) -> str | CustomVoice:
    if isinstance(value, str):
        check_str("voice", value)
        # Custom voices are referenced by object; a bare id would be taken for a voice name.
        return CustomVoice(id=value) if value.startswith("voice_") else value
    if isinstance(value, CustomVoice):
        return CustomVoice(id=check_str("voice", value.id))
    if isinstance(value, VoiceResource):
        return CustomVoice(id=check_str("voice", value.id))
    if isinstance(value, Mapping):
        if set(value) != {"id"}:
            raise InvalidArgumentError("voice", 'a voice mapping must be exactly {"id": "voice_..."}')
        return CustomVoice(id=check_str("voice", value["id"]))
    raise InvalidArgumentTypeError(
        "voice", f"expected a voice name, a custom voice id or a Voice object, got {type(value).__name__}"
    )


def _response_format(value: Any) -> SpeechResponseFormat | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidArgumentTypeError("response_format", f"expected a str, got {type(value).__name__}")
    for fmt in SPEECH_FORMATS:
        if value == fmt:
            return fmt
    raise InvalidArgumentError(
        "response_format", f"must be one of {', '.join(SPEECH_FORMATS)}; got {value!r}"
    )


def _speed(value: Any) -> float | None:
    if value is None:
        return None
    return check_number("speed", value, 0.25, 4.0)


def request(
    input: str,
    *,
    voice: VoiceInput,
    model: str,
    instructions: str | None,
    response_format: str | None,
    speed: float | None,
    sse: bool = False,
) -> CreateSpeechRequest:
    """Validate everything the spec lets us check locally, before any I/O."""
    check_str("input", input)
    if len(input) > MAX_INPUT_CHARS:
        raise InvalidArgumentError("input", f"at most {MAX_INPUT_CHARS} characters, got {len(input)}")
    check_str("model", model)
    if instructions is not None:
        check_str("instructions", instructions, allow_empty=True)
        if len(instructions) > MAX_INPUT_CHARS:
            raise InvalidArgumentError(
                "instructions", f"at most {MAX_INPUT_CHARS} characters, got {len(instructions)}"
            )
    # The table knows OpenAI's own models; other names may be OpenAI-compatible servers' models.
    caps = speech_model(model)
    if instructions is not None and caps is not None and not caps.instructions:
        raise InvalidArgumentError("instructions", f"not supported by {model}; use {DEFAULT_MODEL}")
    if sse and caps is not None and not caps.sse:
        raise InvalidArgumentError(
            "model", f"{model} cannot stream events (stream_format='sse'); use gpt-4o-mini-tts"
        )
    fmt = _response_format(response_format)
    rate = _speed(speed)
    return CreateSpeechRequest(
        model=model,
        input_=input,
        voice=_voice(voice),
        instructions=UNSET if instructions is None else instructions,
        response_format=UNSET if fmt is None else fmt,
        speed=UNSET if rate is None else rate,
        stream_format="sse" if sse else UNSET,
    )


def _audio_body(response: httpx.Response) -> bytes:
    # A JSON answer where audio was expected is a proxy's or server's error object.
    if response.headers.get("content-type", "").startswith("application/json"):
        parse_json_body(response)
    return response.content


def call(request: CreateSpeechRequest) -> APICall[bytes]:
    return APICall(create_speech._get_kwargs(body=request), _audio_body)


def check_chunk_size(chunk_size: Any) -> int | None:
    if chunk_size is None:
        return None
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int):
        raise InvalidArgumentTypeError("chunk_size", f"expected an int, got {type(chunk_size).__name__}")
    if chunk_size < 1:
        raise InvalidArgumentError("chunk_size", f"must be positive, got {chunk_size}")
    return chunk_size


def save_target(
    path: str | os.PathLike[str], response_format: str | None
) -> tuple[Path, SpeechResponseFormat]:
    """The target path and the format to request: given, or inferred from the suffix."""
    if not isinstance(path, str | os.PathLike):
        raise InvalidArgumentTypeError("path", f"expected a str or os.PathLike, got {type(path).__name__}")
    target = Path(path)
    by_suffix = _SUFFIX_FORMATS.get(target.suffix.lower())
    fmt = _response_format(response_format)
    if fmt is None:
        if by_suffix is None:
            raise InvalidArgumentError(
                "path",
                f"cannot infer the audio format from {target.name!r}: use one of "
                f"{', '.join(_SUFFIX_FORMATS)} or pass response_format",
            )
        return target, by_suffix
    if by_suffix is not None and by_suffix != fmt:
        raise InvalidArgumentError(
            "response_format", f"{fmt!r} does not match the file suffix {target.suffix!r} ({by_suffix})"
        )
    return target, fmt
