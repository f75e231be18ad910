"""Voice consent recordings: ``VoiceConsents`` (sync) and ``AsyncVoiceConsents``.

The classes are written once, async, in ``_async/voice_consents.py``; ``VoiceConsents`` is
generated from it (``_sync/voice_consents.py``). The requests live in ``_calls/voice_consents.py``.
"""

from ._async.voice_consents import AsyncVoiceConsents
from ._sync.voice_consents import VoiceConsents

__all__ = ["AsyncVoiceConsents", "VoiceConsents"]
