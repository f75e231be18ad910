"""``AudioClient`` and ``AsyncAudioClient``: settings, a view over a connection pool, the resources.

``AsyncAudioClient`` is written once in ``_async/client.py``; ``AudioClient`` is generated from
it (``_sync/client.py``, by scripts/unasync.py). What they share: ``_client_base``.
"""

from ._async.client import AsyncAudioClient
from ._client_base import USER_AGENT
from ._sync.client import AudioClient

__all__ = ["USER_AGENT", "AsyncAudioClient", "AudioClient"]
