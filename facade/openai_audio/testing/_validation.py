"""OpenAI-style validation of request fields: each failure is the 400 (or 413) OpenAI would send."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import UploadFile

from openai_audio import _capabilities
from openai_audio._upload_rules import VOICE_SAMPLE_UPLOADS
from openai_audio.testing import _audio
from openai_audio.testing._errors import APIError, invalid, unrecognized
from openai_audio.testing._requests import FormFields
from openai_audio.testing._state import Store

# The same rule the façade checks before sending: one list of sample types, one size limit.
SAMPLE_MIME_TYPES = VOICE_SAMPLE_UPLOADS.mime_types


_EXT_MIME = {
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "ogg": "audio/ogg",
    "aac": "audio/aac",
    "flac": "audio/flac",
    "webm": "audio/webm",
    "mp4": "audio/mp4",
    "m4a": "audio/mp4",
}


def parse_bool(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    raise invalid(name, f"Invalid value for '{name}': expected a boolean (true or false), got '{value}'.")


def parse_number(name: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise invalid(name, f"Invalid type for '{name}': expected a number.", code="invalid_type")
    try:
        number = float(value)
    except ValueError:
        raise invalid(name, f"Invalid value for '{name}': expected a number, got '{value}'.") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise invalid(name, f"Invalid value for '{name}': must be between {low:g} and {high:g}.")
    return number


def check_enum(name: str, value: str, allowed: Iterable[str]) -> str:
    allowed = tuple(allowed)
    if value not in allowed:
        raise invalid(name, f"Invalid value for '{name}': '{value}'. Supported values are: {list(allowed)}.")
    return value


def unknown_model(model: str) -> APIError:
    return APIError(
        400,
        f"The model `{model}` does not exist or you do not have access to it.",
        param="model",
        code="model_not_found",
    )


def require_text(name: str, value: Any, *, max_length: int | None = None, allow_empty: bool = False) -> str:
    if value is None:
        raise invalid(name, f"Missing required parameter: '{name}'.", code="missing_required_parameter")
    if not isinstance(value, str):
        raise invalid(name, f"Invalid type for '{name}': expected a string.", code="invalid_type")
    if not allow_empty and not value.strip():
        raise invalid(name, f"Invalid value for '{name}': must not be empty.", code="empty_string")
    if max_length is not None and len(value) > max_length:
        raise invalid(
            name,
            f"Invalid '{name}': string too long. Expected a maximum length of {max_length}.",
            code="string_above_max_length",
        )
    return value


def check_sample(param: str, upload: UploadFile) -> None:
    ctype = (upload.content_type or "").split(";")[0].strip().lower()
    if ctype in ("", "application/octet-stream") and upload.filename and "." in upload.filename:
        ctype = _EXT_MIME.get(
            upload.filename.rsplit(".", 1)[1].lower(), ctype
        )  # untyped parts: trust the name
    if ctype not in SAMPLE_MIME_TYPES:
        raise invalid(
            param,
            f"Unsupported file type '{ctype or 'unknown'}' for '{param}'. Supported MIME types: "
            f"{sorted(SAMPLE_MIME_TYPES)}.",
            code="invalid_file_format",
        )
    limit = VOICE_SAMPLE_UPLOADS.max_bytes
    if limit is not None and (upload.size or 0) > limit:
        raise APIError(
            413, f"'{param}' is too large: the maximum size is 10 MiB.", param=param, code="file_too_large"
        )


@dataclass
class SpeechOptions:
    model: str
    text: str
    instructions: str | None
    response_format: str
    speed: float
    stream_format: str


def speech_options(body: dict[str, Any], store: Store) -> SpeechOptions:
    """The checked fields of a speech request (custom voices are looked up in ``store``)."""
    for key in body:
        if key not in (
            "model",
            "input",
            "instructions",
            "voice",
            "response_format",
            "speed",
            "stream_format",
        ):
            raise unrecognized(key)
    model = require_text("model", body.get("model"))
    if model not in _capabilities.SPEECH_MODELS:
        raise unknown_model(model)
    text = require_text("input", body.get("input"), max_length=4096, allow_empty=False)
    voice = body.get("voice")
    if voice is None:
        raise invalid("voice", "Missing required parameter: 'voice'.", code="missing_required_parameter")
    if isinstance(voice, str):
        if voice not in _capabilities.BUILTIN_VOICES:
            supported = sorted(_capabilities.BUILTIN_VOICES)
            raise invalid(
                "voice", f"Invalid value for 'voice': '{voice}'. Supported values are: {supported}."
            )
    elif isinstance(voice, dict) and set(voice) == {"id"} and isinstance(voice["id"], str):
        custom = store.get_voice(voice["id"])
        if custom is None:
            raise invalid("voice", f"No such voice: '{voice['id']}'", code="voice_not_found")
        if custom.type == "prompt":
            raise invalid(
                "voice",
                f"Voice '{custom.id}' was created from a prompt: prompt voices are supported only in Live"
                " sessions, not by the speech endpoint.",
            )
    else:
        raise invalid(
            "voice",
            "Invalid type for 'voice': expected a voice name or an object {\"id\": ...}.",
            code="invalid_type",
        )
    instructions = None
    if "instructions" in body:
        instructions = require_text("instructions", body["instructions"], max_length=4096, allow_empty=True)
        if not _capabilities.SPEECH_MODELS[model].instructions:
            raise invalid(
                "instructions",
                f"'instructions' is not supported with the model {model}.",
                code="unsupported_parameter",
            )
    fmt = body.get("response_format", "mp3")
    if not isinstance(fmt, str):
        raise invalid(
            "response_format", "Invalid type for 'response_format': expected a string.", code="invalid_type"
        )
    check_enum("response_format", fmt, _capabilities.SPEECH_FORMATS)
    speed = parse_number("speed", body.get("speed", 1.0), 0.25, 4.0)
    stream_format = body.get("stream_format", "audio")
    if not isinstance(stream_format, str):
        raise invalid(
            "stream_format", "Invalid type for 'stream_format': expected a string.", code="invalid_type"
        )
    check_enum("stream_format", stream_format, _capabilities.SPEECH_STREAM_FORMATS)
    if stream_format == "sse" and not _capabilities.SPEECH_MODELS[model].sse:
        raise invalid(
            "stream_format",
            f"stream_format 'sse' is not supported with the model {model}.",
            code="unsupported_value",
        )
    if not _audio.can_encode(fmt):
        raise invalid(
            "response_format",
            f"The response_format '{fmt}' is not supported by this local test server (no encoder available).",
            code="unsupported_value",
        )
    return SpeechOptions(model, text, instructions, fmt, speed, stream_format)


@dataclass
class SttOptions:
    model: str
    caps: _capabilities.SpeechToTextModel
    response_format: str
    language: str | None
    prompt: str | None
    temperature: float
    stream: bool
    include: list[str]
    granularities: list[str]
    chunking: str | dict[str, Any] | None
    speakers: list[str]
    languages: list[str]


def _parse_chunking(fields: FormFields) -> str | dict[str, Any] | None:
    raw: dict[str, Any]
    if "chunking_strategy" in fields.objects:
        if "chunking_strategy" in fields.scalars:
            raise invalid(
                "chunking_strategy", "Give chunking_strategy either as text or as bracketed fields."
            )
        raw = dict(fields.objects["chunking_strategy"])
    elif "chunking_strategy" in fields.scalars:
        text = fields.scalars["chunking_strategy"].strip()
        if text == "auto":
            return "auto"
        try:
            parsed = json.loads(text)
        except ValueError:
            raise invalid(
                "chunking_strategy",
                "Invalid value for 'chunking_strategy': expected \"auto\" or a server_vad object.",
            ) from None
        if parsed == "auto":
            return "auto"
        if not isinstance(parsed, dict):
            raise invalid("chunking_strategy", "Invalid value for 'chunking_strategy'.")
        raw = parsed
    else:
        return None
    config: dict[str, Any] = {}
    for key, value in raw.items():
        param = f"chunking_strategy[{key}]"
        if key == "type":
            if value != "server_vad":
                raise invalid(param, "Invalid value for 'chunking_strategy.type': must be 'server_vad'.")
            config[key] = value
        elif key == "threshold":
            config[key] = parse_number(param, value, 0.0, 1.0)
        elif key in ("prefix_padding_ms", "silence_duration_ms"):
            number = parse_number(param, value, 0, 60_000)
            if number != int(number):
                raise invalid(param, f"Invalid value for '{param}': expected an integer.")
            config[key] = int(number)
        else:
            raise unrecognized(param)
    if "type" not in config:
        raise invalid(
            "chunking_strategy[type]",
            "Missing required parameter: 'chunking_strategy.type'.",
            code="missing_required_parameter",
        )
    return config


STT_SCALARS = frozenset(
    {"model", "language", "prompt", "response_format", "temperature", "stream", "chunking_strategy"}
)


STT_ARRAYS = frozenset(
    {
        "include",
        "timestamp_granularities",
        "known_speaker_names",
        "known_speaker_references",
        "languages",
        "keywords",
    }
)


def stt_options(fields: FormFields, *, translation: bool) -> SttOptions:
    if "file" not in fields.files:
        raise invalid("file", "Missing required parameter: 'file'.", code="missing_required_parameter")
    model = require_text("model", fields.scalars.get("model"))
    caps = (_capabilities.translation_model if translation else _capabilities.transcription_model)(model)
    if caps is None:
        if translation and model in _capabilities.TRANSCRIPTION_MODELS:
            translators = ", ".join(_capabilities.TRANSLATION_MODELS)
            raise invalid("model", f"The model {model} is not supported for translations; use {translators}.")
        raise unknown_model(model)
    formats = caps.response_formats
    fmt = fields.scalars.get("response_format", "json")
    check_enum(
        "response_format",
        fmt,
        _capabilities.TRANSLATION_FORMATS if translation else _capabilities.TRANSCRIPTION_FORMATS,
    )
    if fmt not in formats:
        raise invalid(
            "response_format",
            f"response_format '{fmt}' is not compatible with model '{model}'. Use one of {list(formats)}.",
            code="unsupported_value",
        )
    temperature = parse_number("temperature", fields.scalars.get("temperature", "0"), 0.0, 1.0)
    stream = parse_bool("stream", fields.scalars["stream"]) if "stream" in fields.scalars else False
    include = fields.arrays.get("include", [])
    for value in include:
        check_enum("include[]", value, _capabilities.TRANSCRIPTION_INCLUDES)
    if include and (not caps.logprobs or fmt != "json"):
        raise invalid(
            "include[]",
            "logprobs are only available with response_format 'json' and the models "
            f"{sorted(_capabilities.transcription_models_with('logprobs'))}.",
            code="unsupported_parameter",
        )
    granularities = fields.arrays.get("timestamp_granularities", [])
    for value in granularities:
        check_enum("timestamp_granularities[]", value, _capabilities.TIMESTAMP_GRANULARITIES)
    if granularities and fmt != "verbose_json":
        raise invalid(
            "timestamp_granularities[]",
            "timestamp_granularities requires response_format 'verbose_json'.",
            code="unsupported_parameter",
        )
    if granularities and not caps.timestamp_granularities:
        raise invalid(
            "timestamp_granularities[]",
            f"timestamp_granularities are not supported with {model}.",
            code="unsupported_parameter",
        )
    prompt = fields.scalars.get("prompt")
    if not caps.prompt and prompt is not None:
        raise invalid("prompt", f"'prompt' is not supported with {model}.", code="unsupported_parameter")
    names = fields.arrays.get("known_speaker_names", [])
    refs = fields.arrays.get("known_speaker_references", [])
    for param, values in (("known_speaker_names[]", names), ("known_speaker_references[]", refs)):
        if len(values) > 4:
            raise invalid(param, f"At most 4 entries are supported in '{param}'.")
    if refs and len(refs) != len(names):
        raise invalid(
            "known_speaker_references[]",
            "known_speaker_references[] must match known_speaker_names[] one to one.",
        )
    for ref in refs:
        if not ref.startswith("data:"):
            raise invalid(
                "known_speaker_references[]", "known_speaker_references[] entries must be data URLs."
            )
    languages = fields.arrays.get("languages", [])
    for param in ("languages", "keywords"):
        if param in fields.arrays and not caps.languages_and_keywords:
            supported = ", ".join(_capabilities.transcription_models_with("languages_and_keywords"))
            raise invalid(
                f"{param}[]", f"'{param}' is only supported with {supported}.", code="unsupported_parameter"
            )
    chunking = _parse_chunking(fields)
    return SttOptions(
        model=model,
        caps=caps,
        response_format=fmt,
        language=fields.scalars.get("language"),
        prompt=prompt,
        temperature=temperature,
        stream=stream and caps.streaming,  # the spec: streaming is ignored for whisper-1
        include=include,
        granularities=granularities or ["segment"],
        chunking=chunking,
        speakers=names,
        languages=languages,
    )
