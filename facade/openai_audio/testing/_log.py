"""The request log: what the server received, for assertions in tests."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from typing import Any


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


class RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[RecordedRequest] = []

    def append(self, item: RecordedRequest) -> None:
        with self._lock:
            self._items.append(item)

    def snapshot(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
