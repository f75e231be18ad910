"""What the app shares with ``AudioServer``: the store, faults, request log and accepted keys."""

from __future__ import annotations

import asyncio
import hmac
import os
from collections.abc import Callable, Iterable

from openai_audio._capabilities import MAX_UPLOAD_BYTES
from openai_audio.testing._faults import FaultRegistry
from openai_audio.testing._log import DEFAULT_MAX_REQUESTS, DEFAULT_MAX_VALUE_BYTES, RequestLog
from openai_audio.testing._processing import Processing, Sleep
from openai_audio.testing._ratelimit import RateLimits
from openai_audio.testing._state import Store

DEFAULT_API_KEY = "sk-local-test"


class ServerState:
    """Everything the app shares with ``AudioServer``: store, faults, request log, accepted keys."""

    def __init__(
        self,
        *,
        api_keys: Iterable[str] | None = None,
        db_path: str | os.PathLike[str] | None = None,
        requests_per_minute: int | None = None,
        clock: Callable[[], float] | None = None,
        max_logged_requests: int | None = DEFAULT_MAX_REQUESTS,
        max_logged_value_bytes: int = DEFAULT_MAX_VALUE_BYTES,
        processing_speed: float | None = None,
        sleep: Sleep | None = None,
        max_upload_bytes: int = MAX_UPLOAD_BYTES,
    ) -> None:
        self.api_keys: tuple[str, ...] | None = tuple(api_keys) if api_keys is not None else None
        if self.api_keys is not None and not self.api_keys:
            raise ValueError("api_keys must name at least one key (or be None to accept any key)")
        self.db_path = db_path
        self.store = Store(db_path)
        self.faults = FaultRegistry()
        self.log = RequestLog(max_requests=max_logged_requests, max_value_bytes=max_logged_value_bytes)
        self.rate_limits = RateLimits() if clock is None else RateLimits(clock=clock)
        # What reset() goes back to: the limit the server was started with.
        self.default_requests_per_minute = requests_per_minute
        self.rate_limits.configure(requests_per_minute=requests_per_minute)
        self.processing = Processing(processing_speed, sleep)
        # OpenAI's 25 MB upload limit; smaller in tests that check the 413 without sending 25 MB.
        self.max_upload_bytes = self.default_max_upload_bytes = max_upload_bytes
        # Set by AudioServer.stop() so stalled requests end promptly instead of holding up shutdown.
        self.stopping = asyncio.Event()

    @property
    def api_key(self) -> str:
        return self.api_keys[0] if self.api_keys else DEFAULT_API_KEY

    def key_accepted(self, key: str) -> bool:
        if not key:
            return False
        if self.api_keys is None:
            return True
        return any(hmac.compare_digest(key.encode(), k.encode()) for k in self.api_keys)

    def reset(self) -> None:
        self.store.clear()
        self.faults.clear()
        self.log.clear()
        self.rate_limits.configure(requests_per_minute=self.default_requests_per_minute)
        self.processing.reset()
        self.max_upload_bytes = self.default_max_upload_bytes

    def close(self) -> None:
        """Close the store (its SQLite connection); :meth:`reopen` gives a fresh one."""
        self.store.close()

    def reopen(self) -> None:
        """A new connection after :meth:`close`: the same file, or a new empty in-memory store."""
        if self.store.closed:
            self.store = Store(self.db_path)
