"""What each OpenAI audio model accepts: the one table behind the façade's checks, the CLI and the
local server.

Enumerations the spec defines (model names, formats, voices, granularities, include values) are read
from the generated ``Literal`` types, so ``make generate`` updates them. Only facts the spec states in
prose, or not at all, are written here, each once. A model name the spec lists but this table has no
facts for is treated like any unknown name (passed through by the façade) until someone adds it; a
test fails until they do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, get_args

# The generated enum modules one by one: importing the models package would be cheap too (it is
# lazy), but this keeps the dependency list honest.
from openai_audio_api.models.audio_response_format import AudioResponseFormat
from openai_audio_api.models.builtin_voice import BuiltinVoice
from openai_audio_api.models.speech_model import SpeechModel
from openai_audio_api.models.speech_response_format import SpeechResponseFormat
from openai_audio_api.models.speech_stream_format import SpeechStreamFormat
from openai_audio_api.models.timestamp_granularity import TimestampGranularity
from openai_audio_api.models.transcription_include import TranscriptionInclude
from openai_audio_api.models.transcription_model import TranscriptionModel
from openai_audio_api.models.translation_model import TranslationModel
from openai_audio_api.models.translation_response_format import TranslationResponseFormat

# -- enumerations of the spec -----------------------------------------------------------------------

TRANSCRIPTION_FORMATS: Final[tuple[AudioResponseFormat, ...]] = get_args(AudioResponseFormat)
TRANSLATION_FORMATS: Final[tuple[TranslationResponseFormat, ...]] = get_args(TranslationResponseFormat)
SPEECH_FORMATS: Final[tuple[SpeechResponseFormat, ...]] = get_args(SpeechResponseFormat)
SPEECH_STREAM_FORMATS: Final[tuple[SpeechStreamFormat, ...]] = get_args(SpeechStreamFormat)
TIMESTAMP_GRANULARITIES: Final[tuple[TimestampGranularity, ...]] = get_args(TimestampGranularity)
TRANSCRIPTION_INCLUDES: Final[tuple[TranscriptionInclude, ...]] = get_args(TranscriptionInclude)
# The description of `voice` also names fable, onyx and nova, which its enum lacks; the API takes them.
BUILTIN_VOICES: Final[tuple[str, ...]] = (*get_args(BuiltinVoice), "fable", "onyx", "nova")

# Answered as plain text rather than a JSON object (the spec gives them text/plain content).
TEXT_FORMATS: Final = frozenset({"text", "srt", "vtt"})

# -- limits OpenAI enforces but the spec does not state -------------------------------------------

# Every transcription and translation upload: a bigger body is a 413 "Maximum content size limit
# (26214400) exceeded".
MAX_UPLOAD_BYTES: Final = 26_214_400


@dataclass(frozen=True)
class SpeechToTextModel:
    """What one transcription or translation model accepts (OpenAI's own models only)."""

    name: str
    response_formats: tuple[str, ...]
    streaming: bool  # ``stream=true`` gives events (whisper-1 ignores it)
    prompt: bool
    languages_and_keywords: bool  # the ``languages[]`` / ``keywords[]`` hints
    diarization: bool  # speaker labels (``diarized_json`` and segment events)
    chunking_strategy: bool  # accepts ``chunking_strategy``
    chunking_required_over: float | None  # seconds of audio above which a chunking_strategy is required
    known_speakers: bool  # accepts ``known_speaker_names[]`` / ``known_speaker_references[]``
    logprobs: bool  # ``include[]=logprobs`` (with response_format json)
    timestamp_granularities: bool
    max_upload_bytes: int | None
    max_duration_seconds: float | None  # longer audio is a 400 invalid_value
    usage: str = "tokens"  # how the answers' ``usage`` is counted: "tokens" or "duration" (seconds)


@dataclass(frozen=True)
class SpeechModelCapabilities:
    """What one text-to-speech model accepts."""

    name: str
    instructions: bool
    sse: bool  # ``stream_format="sse"``


def _gpt_4o(name: str, *, max_duration: float) -> SpeechToTextModel:
    # The spec: "For gpt-4o-transcribe and gpt-4o-mini-transcribe, the only supported format is json";
    # logprobs "only with gpt-4o-transcribe, gpt-4o-mini-transcribe, and gpt-4o-mini-transcribe-2025-12-15".
    return SpeechToTextModel(
        name=name,
        response_formats=("json",),
        streaming=True,
        prompt=True,
        languages_and_keywords=False,
        diarization=False,
        chunking_strategy=True,
        chunking_required_over=None,
        known_speakers=True,
        logprobs=True,
        timestamp_granularities=True,
        max_upload_bytes=MAX_UPLOAD_BYTES,
        max_duration_seconds=max_duration,
    )


_TRANSCRIPTION_FACTS: Final[tuple[SpeechToTextModel, ...]] = (
    # The spec restricts no format for whisper-1; diarized_json carries speakers, which it cannot tell.
    SpeechToTextModel(
        name="whisper-1",
        response_formats=tuple(f for f in TRANSCRIPTION_FORMATS if f != "diarized_json"),
        streaming=False,  # the spec: "Streaming is not supported for the whisper-1 model and will be ignored"
        prompt=True,
        languages_and_keywords=False,
        diarization=False,
        chunking_strategy=True,
        chunking_required_over=None,
        known_speakers=True,
        logprobs=False,
        timestamp_granularities=True,
        max_upload_bytes=MAX_UPLOAD_BYTES,
        max_duration_seconds=None,  # only the size limit
        usage="duration",
    ),
    _gpt_4o("gpt-4o-transcribe", max_duration=1500),
    _gpt_4o("gpt-4o-mini-transcribe", max_duration=1500),
    _gpt_4o("gpt-4o-mini-transcribe-2025-12-15", max_duration=1500),  # a snapshot of the mini model
    SpeechToTextModel(
        name="gpt-4o-transcribe-diarize",
        # The spec: "the supported formats are json, text, and diarized_json".
        response_formats=("json", "text", "diarized_json"),
        streaming=True,
        prompt=False,  # the spec: "not supported when using gpt-4o-transcribe-diarize"
        languages_and_keywords=False,
        diarization=True,
        chunking_strategy=True,
        chunking_required_over=30.0,  # the spec: "Required ... for inputs longer than 30 seconds"
        known_speakers=True,
        logprobs=False,
        timestamp_granularities=False,  # the spec: "not available for gpt-4o-transcribe-diarize"
        max_upload_bytes=MAX_UPLOAD_BYTES,
        max_duration_seconds=1400,
    ),
    SpeechToTextModel(
        name="gpt-transcribe",
        # The spec names no formats for it; like the other GPT transcribers it has no segment
        # timestamps (srt, vtt, verbose_json) and, not being the diarize model, no diarized_json.
        response_formats=("json", "text"),
        streaming=True,
        prompt=True,
        languages_and_keywords=True,  # the spec: "Supported by gpt-transcribe"
        diarization=False,
        chunking_strategy=True,
        chunking_required_over=None,
        known_speakers=True,
        logprobs=False,
        timestamp_granularities=False,
        max_upload_bytes=MAX_UPLOAD_BYTES,
        max_duration_seconds=None,  # not published
    ),
)

TRANSCRIPTION_MODELS: Final[Mapping[str, SpeechToTextModel]] = {
    model.name: model for model in _TRANSCRIPTION_FACTS if model.name in get_args(TranscriptionModel)
}

TRANSLATION_MODELS: Final[Mapping[str, SpeechToTextModel]] = {
    name: SpeechToTextModel(
        name=name,
        response_formats=TRANSLATION_FORMATS,
        streaming=False,
        prompt=True,
        languages_and_keywords=False,
        diarization=False,
        chunking_strategy=False,
        chunking_required_over=None,
        known_speakers=False,
        logprobs=False,
        timestamp_granularities=False,
        max_upload_bytes=MAX_UPLOAD_BYTES,
        max_duration_seconds=None,
        usage="none",  # translations report no usage
    )
    for name in get_args(TranslationModel)  # whisper-1 alone today
}

# The spec: instructions "Does not work with tts-1 or tts-1-hd"; sse "is not supported for tts-1 or tts-1-hd".
_LEGACY_TTS: Final = frozenset({"tts-1", "tts-1-hd"})
SPEECH_MODELS: Final[Mapping[str, SpeechModelCapabilities]] = {
    name: SpeechModelCapabilities(
        name=name, instructions=name not in _LEGACY_TTS, sse=name not in _LEGACY_TTS
    )
    for name in get_args(SpeechModel)
}

DEFAULT_TRANSCRIPTION_MODEL: Final = "gpt-4o-transcribe"
DEFAULT_TRANSLATION_MODEL: Final = "whisper-1"
DEFAULT_SPEECH_MODEL: Final = "gpt-4o-mini-tts"


def transcription_model(name: str) -> SpeechToTextModel | None:
    """The facts about an OpenAI transcription model; ``None`` for other names (compatible servers)."""
    return TRANSCRIPTION_MODELS.get(name)


def translation_model(name: str) -> SpeechToTextModel | None:
    return TRANSLATION_MODELS.get(name)


def speech_model(name: str) -> SpeechModelCapabilities | None:
    return SPEECH_MODELS.get(name)


def transcription_models_with(feature: str) -> tuple[str, ...]:
    """Names of the transcription models whose ``feature`` field is true, for error messages."""
    return tuple(name for name, model in TRANSCRIPTION_MODELS.items() if getattr(model, feature))


def model_for_format(fmt: str, preferred: str = DEFAULT_TRANSCRIPTION_MODEL) -> str:
    """``preferred`` if it answers ``fmt``, else the first transcription model that does."""
    if fmt in TRANSCRIPTION_MODELS[preferred].response_formats:
        return preferred
    for name, model in TRANSCRIPTION_MODELS.items():
        if fmt in model.response_formats:
            return name
    raise ValueError(f"no transcription model answers {fmt!r}")
