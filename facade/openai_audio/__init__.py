"""openai-audio: a fast, typed client for the OpenAI Audio API.

from openai_audio import AudioClient

client = AudioClient()          # OPENAI_API_KEY from the environment
client.speech.save("Hello!", "hello.wav", voice="alloy")
print(client.transcriptions.create("hello.wav").text)
"""

import importlib
from typing import TYPE_CHECKING

from ._client import AsyncAudioClient, AudioClient
from ._config import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    NOT_GIVEN,
    InsecureBaseURLWarning,
    NotGiven,
)
from ._pagination import AsyncPage, Page
from ._raw_response import APIResponse
from ._version import __version__
from .errors import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AudioError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    InvalidArgumentError,
    InvalidArgumentTypeError,
    MissingAPIKeyError,
    MissingExtraError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestTooLargeError,
    StreamError,
    UnprocessableEntityError,
)

if TYPE_CHECKING:
    from ._batching import AsyncBatchRunner, BatchResult, BatchRunner
    from ._files import FileInput
    from .resources._async._streamed import AsyncStreamedAudioResponse, AsyncStreamedEventsResponse
    from .resources._sync._streamed import StreamedAudioResponse, StreamedEventsResponse
    from .types import (
        AsyncAudioStream,
        AsyncEventStream,
        AudioStream,
        EventStream,
        SpeechAudioDeltaEvent,
        SpeechAudioDoneEvent,
        SpeechStreamEvent,
        Transcription,
        TranscriptionDiarized,
        TranscriptionStreamEvent,
        TranscriptionVerbose,
        TranscriptTextDeltaEvent,
        TranscriptTextDoneEvent,
        TranscriptTextSegmentEvent,
        Translation,
        TranslationVerbose,
        UnknownEvent,
        Voice,
        VoiceConsent,
        VoiceConsentDeleted,
        VoiceDeleted,
    )

# The models and stream types load on first use (PEP 562): they pull in the generated models
# and the SSE parser, which an app pays for only when it touches them.
_LAZY_FROM = (
    {
        "FileInput": "._files",
        "AsyncStreamedAudioResponse": ".resources._async._streamed",
        "AsyncStreamedEventsResponse": ".resources._async._streamed",
        "StreamedAudioResponse": ".resources._sync._streamed",
        "StreamedEventsResponse": ".resources._sync._streamed",
    }
    | dict.fromkeys(("AsyncBatchRunner", "BatchResult", "BatchRunner"), "._batching")
    | dict.fromkeys(
        (
            "AsyncAudioStream",
            "AsyncEventStream",
            "AudioStream",
            "EventStream",
            "SpeechAudioDeltaEvent",
            "SpeechAudioDoneEvent",
            "SpeechStreamEvent",
            "Transcription",
            "TranscriptionDiarized",
            "TranscriptionStreamEvent",
            "TranscriptionVerbose",
            "TranscriptTextDeltaEvent",
            "TranscriptTextDoneEvent",
            "TranscriptTextSegmentEvent",
            "Translation",
            "TranslationVerbose",
            "UnknownEvent",
            "Voice",
            "VoiceConsent",
            "VoiceConsentDeleted",
            "VoiceDeleted",
        ),
        ".types",
    )
)


def __getattr__(name: str) -> object:
    module = _LAZY_FROM.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncAudioClient",
    "AsyncAudioStream",
    "AsyncBatchRunner",
    "AsyncEventStream",
    "AsyncPage",
    "AsyncStreamedAudioResponse",
    "AsyncStreamedEventsResponse",
    "AudioClient",
    "AudioError",
    "AudioStream",
    "AuthenticationError",
    "BadRequestError",
    "BatchResult",
    "BatchRunner",
    "ConflictError",
    "EventStream",
    "FileInput",
    "InsecureBaseURLWarning",
    "InternalServerError",
    "InvalidArgumentError",
    "InvalidArgumentTypeError",
    "MissingAPIKeyError",
    "MissingExtraError",
    "NotFoundError",
    "NotGiven",
    "Page",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTooLargeError",
    "SpeechAudioDeltaEvent",
    "SpeechAudioDoneEvent",
    "SpeechStreamEvent",
    "StreamError",
    "StreamedAudioResponse",
    "StreamedEventsResponse",
    "TranscriptTextDeltaEvent",
    "TranscriptTextDoneEvent",
    "TranscriptTextSegmentEvent",
    "Transcription",
    "TranscriptionDiarized",
    "TranscriptionStreamEvent",
    "TranscriptionVerbose",
    "Translation",
    "TranslationVerbose",
    "UnknownEvent",
    "UnprocessableEntityError",
    "Voice",
    "VoiceConsent",
    "VoiceConsentDeleted",
    "VoiceDeleted",
    "__version__",
]
