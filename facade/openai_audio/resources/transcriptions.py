"""Speech to text: ``Transcriptions`` (sync) and ``AsyncTranscriptions``.

The classes are written once, async, in ``_async/transcriptions.py``; ``Transcriptions`` is
generated from it (``_sync/transcriptions.py``). The checks, the call and the parsing by
``response_format`` live in ``_calls/transcriptions.py``.
"""

from ._async.transcriptions import AsyncTranscriptions
from ._calls.transcriptions import (
    DEFAULT_MODEL,
    ChunkingStrategy,
    Transcription,
    TranscriptionDiarized,
    TranscriptionOptions,
    TranscriptionResult,
    TranscriptionVerbose,
)
from ._sync.transcriptions import Transcriptions

__all__ = [
    "DEFAULT_MODEL",
    "AsyncTranscriptions",
    "ChunkingStrategy",
    "Transcription",
    "TranscriptionDiarized",
    "TranscriptionOptions",
    "TranscriptionResult",
    "TranscriptionVerbose",
    "Transcriptions",
]
