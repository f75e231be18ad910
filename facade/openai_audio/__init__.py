"""openai-audio: a fast, typed client for the OpenAI Audio API.

from openai_audio import AudioClient

client = AudioClient()          # OPENAI_API_KEY from the environment
client.speech.save("Hello!", "hello.wav", voice="alloy")
print(client.transcriptions.create("hello.wav").text)
"""

from ._client import AsyncAudioClient, AudioClient
from ._config import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    NOT_GIVEN,
    InsecureBaseURLWarning,
    NotGiven,
)
from ._files import FileInput
from ._pagination import AsyncPage, Page
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
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RequestTooLargeError,
    StreamError,
    UnprocessableEntityError,
)
from .types import (
    Transcription,
    TranscriptionDiarized,
    TranscriptionVerbose,
    Translation,
    TranslationVerbose,
    Voice,
    VoiceConsent,
    VoiceConsentDeleted,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncAudioClient",
    "AsyncPage",
    "AudioClient",
    "AudioError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "FileInput",
    "InsecureBaseURLWarning",
    "InternalServerError",
    "InvalidArgumentError",
    "InvalidArgumentTypeError",
    "MissingAPIKeyError",
    "NotFoundError",
    "NotGiven",
    "Page",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTooLargeError",
    "StreamError",
    "Transcription",
    "TranscriptionDiarized",
    "TranscriptionVerbose",
    "Translation",
    "TranslationVerbose",
    "UnprocessableEntityError",
    "Voice",
    "VoiceConsent",
    "VoiceConsentDeleted",
    "__version__",
]
