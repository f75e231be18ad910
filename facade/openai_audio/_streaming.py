"""Streamed responses, sync and async: audio byte streams and typed event streams.

The async faces are written once in ``_async/streaming.py``; the sync ones are generated from it
(``_sync/streaming.py``). The event classes and the SSE decoding are shared: ``_events.py``.
"""

from ._async.streaming import AsyncAudioStream, AsyncEventStream, _AsyncStream, aiter_audio, aiter_events
from ._events import (
    SPEECH_EVENTS,
    TRANSCRIPTION_EVENTS,
    EventKinds,
    SpeechAudioDeltaEvent,
    SpeechAudioDoneEvent,
    SpeechStreamEvent,
    TranscriptionStreamEvent,
    TranscriptTextDeltaEvent,
    TranscriptTextDoneEvent,
    TranscriptTextSegmentEvent,
    UnknownEvent,
)
from ._sync.streaming import AudioStream, EventStream, _SyncStream, iter_audio, iter_events

__all__ = [
    "SPEECH_EVENTS",
    "TRANSCRIPTION_EVENTS",
    "AsyncAudioStream",
    "AsyncEventStream",
    "AudioStream",
    "EventKinds",
    "EventStream",
    "SpeechAudioDeltaEvent",
    "SpeechAudioDoneEvent",
    "SpeechStreamEvent",
    "TranscriptTextDeltaEvent",
    "TranscriptTextDoneEvent",
    "TranscriptTextSegmentEvent",
    "TranscriptionStreamEvent",
    "UnknownEvent",
    "_AsyncStream",
    "_SyncStream",
    "aiter_audio",
    "aiter_events",
    "iter_audio",
    "iter_events",
]
