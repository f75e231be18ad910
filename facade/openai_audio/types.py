"""Short public names for the generated models users meet, and the façade's stream types.

Two kinds of names, never mixed up:

* The models (``Transcription``, ``VoiceConsent``, ``VadConfig``, the ``...EventModel`` wire
  shapes, the ``Literal`` aliases, ...) are the generated attrs classes themselves
  (``openai_audio_api.models``), so a value from the façade and one from the raw generated
  client are the same type. Their docstrings come from the spec; where it has none
  (``Translation``, ``TranslationVerbose``, ``VoiceConsentDeleted``, ``TranscriptionSegment``,
  ``TranscriptionWord``, ``VadConfig``), docs/reference/types.md says what they are, and
  tests/docs checks that it does.
* The stream events (``SpeechAudioDeltaEvent``, ``TranscriptTextDoneEvent``, ...,
  ``UnknownEvent``) and the stream classes are the façade's own (``_events.py``,
  ``_streaming.py``): frozen, strictly checked, ``None`` for what is absent, audio decoded once.
  The generated shapes of the same events are the ``...EventModel`` classes; the generated
  package has no class under the façade's event names, so no name means two classes.
"""

from __future__ import annotations

from openai_audio_api.models import (
    AudioResponseFormat,
    BuiltinVoice,
    ChunkingStrategyAuto,
    CustomVoice,
    SpeechAudioDeltaEventModel,
    SpeechAudioDoneEventModel,
    SpeechModel,
    SpeechResponseFormat,
    SpeechStreamFormat,
    TimestampGranularity,
    TranscriptionDiarizedSegment,
    TranscriptionInclude,
    TranscriptionLanguage,
    TranscriptionModel,
    TranscriptionSegment,
    TranscriptionWord,
    TranscriptTextDeltaEventModel,
    TranscriptTextDoneEventModel,
    TranscriptTextSegmentEventModel,
    TranscriptTextUsageDuration,
    TranscriptTextUsageTokens,
    TranslationModel,
    TranslationResponseFormat,
    VadConfig,
    VoiceDeleted,
)
from openai_audio_api.models import (
    CreateTranscriptionResponseDiarizedJson as TranscriptionDiarized,
)
from openai_audio_api.models import (
    CreateTranscriptionResponseJson as Transcription,
)
from openai_audio_api.models import (
    CreateTranscriptionResponseVerboseJson as TranscriptionVerbose,
)
from openai_audio_api.models import (
    CreateTranslationResponseJson as Translation,
)
from openai_audio_api.models import (
    CreateTranslationResponseVerboseJson as TranslationVerbose,
)
from openai_audio_api.models import (
    VoiceConsentDeletedResource as VoiceConsentDeleted,
)
from openai_audio_api.models import (
    VoiceConsentResource as VoiceConsent,
)
from openai_audio_api.models import (
    VoiceResource as Voice,
)

from ._streaming import (
    AsyncAudioStream,
    AsyncEventStream,
    AudioStream,
    EventStream,
    SpeechAudioDeltaEvent,
    SpeechAudioDoneEvent,
    SpeechStreamEvent,
    TranscriptionStreamEvent,
    TranscriptTextDeltaEvent,
    TranscriptTextDoneEvent,
    TranscriptTextSegmentEvent,
    UnknownEvent,
)

__all__ = [
    "AsyncAudioStream",
    "AsyncEventStream",
    "AudioResponseFormat",
    "AudioStream",
    "BuiltinVoice",
    "ChunkingStrategyAuto",
    "CustomVoice",
    "EventStream",
    "SpeechAudioDeltaEvent",
    "SpeechAudioDeltaEventModel",
    "SpeechAudioDoneEvent",
    "SpeechAudioDoneEventModel",
    "SpeechModel",
    "SpeechResponseFormat",
    "SpeechStreamEvent",
    "SpeechStreamFormat",
    "TimestampGranularity",
    "TranscriptTextDeltaEvent",
    "TranscriptTextDeltaEventModel",
    "TranscriptTextDoneEvent",
    "TranscriptTextDoneEventModel",
    "TranscriptTextSegmentEvent",
    "TranscriptTextSegmentEventModel",
    "TranscriptTextUsageDuration",
    "TranscriptTextUsageTokens",
    "Transcription",
    "TranscriptionDiarized",
    "TranscriptionDiarizedSegment",
    "TranscriptionInclude",
    "TranscriptionLanguage",
    "TranscriptionModel",
    "TranscriptionSegment",
    "TranscriptionStreamEvent",
    "TranscriptionVerbose",
    "TranscriptionWord",
    "Translation",
    "TranslationModel",
    "TranslationResponseFormat",
    "TranslationVerbose",
    "UnknownEvent",
    "VadConfig",
    "Voice",
    "VoiceConsent",
    "VoiceConsentDeleted",
    "VoiceDeleted",
]
