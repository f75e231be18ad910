"""Text to speech: ``Speech`` (sync) and ``AsyncSpeech``.

The classes are written once, async, in ``_async/speech.py``; ``Speech`` is generated from it
(``_sync/speech.py``). What a speech request is lives in ``_calls/speech.py``.
"""

from .._capabilities import SPEECH_FORMATS
from ._async.speech import AsyncSpeech
from ._calls.speech import DEFAULT_MODEL, MAX_INPUT_CHARS, VoiceInput
from ._calls.speech import request as _request
from ._sync.speech import Speech

__all__ = [
    "DEFAULT_MODEL",
    "MAX_INPUT_CHARS",
    "SPEECH_FORMATS",
    "AsyncSpeech",
    "Speech",
    "VoiceInput",
    "_request",
]
