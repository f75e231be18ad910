"""Injected faults: make the next N matching requests misbehave the ways real networks and proxies do."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Any, ClassVar

STATUS = "status"
RATE_LIMIT = "rate_limit"
SERVER_ERROR = "server_error"
UNAVAILABLE = "unavailable"
DROP = "drop"
STALL = "stall"
TRUNCATED_JSON = "truncated_json"
HTML_ERROR = "html_error"
WRONG_CONTENT_TYPE = "wrong_content_type"
EMPTY_200 = "empty_200"
GARBAGE_SSE = "garbage_sse"
SSE_NO_DONE = "sse_no_done"
SSE_ERROR = "sse_error"
MALFORMED_JSON = "malformed_json"

# Faults that replace the response without performing the operation.
REPLACING_KINDS = frozenset(
    {STATUS, RATE_LIMIT, SERVER_ERROR, UNAVAILABLE, TRUNCATED_JSON, HTML_ERROR, EMPTY_200, MALFORMED_JSON}
)
# Faults applied to the real response while it is sent.
SENDING_KINDS = frozenset({DROP, WRONG_CONTENT_TYPE})
# Faults that only match requests answered with an SSE stream (others leave them queued).
SSE_KINDS = frozenset({GARBAGE_SSE, SSE_NO_DONE, SSE_ERROR})
ALL_KINDS = REPLACING_KINDS | SENDING_KINDS | SSE_KINDS | {STALL}
NON_SSE_KINDS = ALL_KINDS - SSE_KINDS

_DEFAULT_STATUS = {RATE_LIMIT: 429, SERVER_ERROR: 500, UNAVAILABLE: 503, HTML_ERROR: 502, STATUS: 500}
_ids = itertools.count(1)


@dataclass
class Fault:
    """One injected fault; ``remaining`` counts down as matching requests consume it."""

    KINDS: ClassVar[frozenset[str]] = ALL_KINDS

    kind: str
    count: int = 1
    path: str | None = None
    method: str | None = None
    status: int | None = None
    retry_after: float | None = None
    retry_after_ms: int | None = None
    stall: float | None = None
    body: Any = None
    headers: dict[str, str] | None = None
    id: int = field(default_factory=lambda: next(_ids))
    remaining: int = field(init=False)

    def __post_init__(self) -> None:
        if self.kind not in ALL_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {sorted(ALL_KINDS)}")
        if self.count < 1:
            raise ValueError("count must be >= 1")
        if self.kind == STALL and (self.stall is None or self.stall < 0):
            raise ValueError("a 'stall' fault needs stall=<seconds> >= 0")
        if self.status is not None and not 100 <= self.status <= 599:
            raise ValueError("status must be an HTTP status code")
        self.method = self.method.upper() if self.method else None
        self.remaining = self.count

    @property
    def effective_status(self) -> int:
        return self.status if self.status is not None else _DEFAULT_STATUS.get(self.kind, 200)

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method != method.upper():
            return False
        # An exact path or any substring of it, so "/voice_consents" and "speech" both work.
        return self.path is None or self.path == path or self.path in path

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "count": self.count,
            "remaining": self.remaining,
            "path": self.path,
            "method": self.method,
            "status": self.status,
            "retry_after": self.retry_after,
            "retry_after_ms": self.retry_after_ms,
            "stall": self.stall,
            "body": self.body,
            "headers": self.headers,
        }


class FaultRegistry:
    """Thread-safe queue of faults: the test thread injects, the server loop consumes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, method: str, path: str, kinds: frozenset[str]) -> Fault | None:
        """Consume one use of the oldest fault of one of ``kinds`` matching the request."""
        with self._lock:
            for fault in self._faults:
                if fault.kind in kinds and fault.matches(method, path):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
