"""Custom voices: ``Voices`` (sync) and ``AsyncVoices``.

The classes are written once, async, in ``_async/voices.py``; ``Voices`` is generated from it
(``_sync/voices.py``). The request lives in ``_calls/voices.py``.
"""

from ._async.voices import AsyncVoices
from ._sync.voices import Voices

__all__ = ["AsyncVoices", "Voices"]
