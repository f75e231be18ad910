"""The request log: what the server received, for assertions in tests.

Bounded on both axes, so a long-running server does not grow without end: at most
``max_requests`` entries (the oldest are dropped), and no form value or JSON body over
``max_value_bytes`` is kept (it is replaced by a note of its size and sha256). Uploaded files
are never kept, only their size and sha256.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any

DEFAULT_MAX_REQUESTS = 10_000
DEFAULT_MAX_VALUE_BYTES = 128 * 1024


@dataclass(frozen=True)
class UploadRecord:
    """One uploaded file part; the content itself is not kept, only its size and sha256."""

    field: str
    filename: str | None
    content_type: str | None
    size: int
    sha256: str


@dataclass(frozen=True)
class RecordedRequest:
    """One request as received. ``headers`` never includes ``authorization``."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    form: dict[str, list[str]] = field(default_factory=dict)
    uploads: list[UploadRecord] = field(default_factory=list)
    json: Any = None
    status: int = 0
    request_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _not_kept(data: bytes) -> str:
    return f"<{len(data)} bytes not kept, sha256 {hashlib.sha256(data).hexdigest()}>"


class RequestLog:
    """Thread-safe, bounded; ``max_requests=None`` keeps every request (for soak tests)."""

    def __init__(
        self,
        *,
        max_requests: int | None = DEFAULT_MAX_REQUESTS,
        max_value_bytes: int = DEFAULT_MAX_VALUE_BYTES,
    ) -> None:
        if max_requests is not None and max_requests < 1:
            raise ValueError("max_requests must be at least 1 (or None for no bound)")
        if max_value_bytes < 0:
            raise ValueError("max_value_bytes must be >= 0")
        self._lock = threading.Lock()
        self._items: deque[RecordedRequest] = deque(maxlen=max_requests)
        self.max_value_bytes = max_value_bytes

    def keepable(self, value: str) -> str:
        """``value``, or a short note of its size and digest when it is over the limit."""
        data = value.encode("utf-8", "surrogatepass")
        return value if len(data) <= self.max_value_bytes else _not_kept(data)

    def keepable_json(self, value: Any) -> Any:
        if value is None:
            return None
        data = json.dumps(value, separators=(",", ":")).encode()
        return value if len(data) <= self.max_value_bytes else _not_kept(data)

    def append(self, item: RecordedRequest) -> None:
        with self._lock:
            self._items.append(item)

    def snapshot(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
