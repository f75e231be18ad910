"""OpenAI-style request rate limits for the local server: a token bucket per API key.

Each key's bucket refills continuously at ``N / 60`` requests per second and holds one second's
worth (at least one request), so a client that sends faster than the limit gets 429s within a
second, as it would from OpenAI. A refused request takes no token. Every answer carries the
``x-ratelimit-*-requests`` headers; a refusal also carries ``retry-after-ms`` and ``retry-after``.

Pure logic with an injectable clock: the app asks :meth:`RateLimits.check` before each ``/v1``
request and renders what it returns.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from openai_audio.testing._errors import APIError

DOCS_URL = "https://platform.openai.com/account/rate-limits"
QUOTA_MESSAGE = (
    "You exceeded your current quota, please check your plan and billing details. For more "
    "information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors."
)


def format_duration(seconds: float) -> str:
    """OpenAI's spelling of a duration in rate-limit headers: ``120ms``, ``1.2s``, ``6m0s``, ``1h0m0s``."""
    millis = max(0, math.ceil(seconds * 1000 - 1e-6))
    if millis < 1000:
        return f"{millis}ms"
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs = f"{rest / 1000:.3f}".rstrip("0").rstrip(".")
    if hours:
        return f"{hours}h{minutes}m{secs}s"
    if minutes:
        return f"{minutes}m{secs}s"
    return f"{secs}s"


@dataclass
class _Bucket:
    tokens: float
    stamp: float


@dataclass(frozen=True)
class Decision:
    """What the limiter says about one request: the headers to send, and whether it is refused."""

    headers: dict[str, str]
    refused: bool = False
    quota_exhausted: bool = False
    limit: int = 0
    retry_in: float = 0.0
    organization: str | None = None

    def error(self, model: str) -> APIError:
        """The 429 to answer a refused request for ``model`` with."""
        if self.quota_exhausted:
            return APIError(429, QUOTA_MESSAGE, type="insufficient_quota", code="insufficient_quota")
        message = (
            f"Rate limit reached for {model} in organization {self.organization or 'org-local'} on "
            f"requests per min (RPM): Limit {self.limit}, Used {self.limit}, Requested 1. Please try "
            f"again in {format_duration(self.retry_in)}. Visit {DOCS_URL} to learn more."
        )
        return APIError(429, message, type="requests", code="rate_limit_exceeded", headers=self.headers)


@dataclass
class RateLimits:
    """The server's limits; ``requests_per_minute=None`` means unlimited (and no headers)."""

    requests_per_minute: int | None = None
    # Every request is refused as if the account had run out of credit (final, never worth a retry).
    insufficient_quota: bool = False
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, _Bucket] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def configure(self, *, requests_per_minute: int | None, insufficient_quota: bool = False) -> None:
        """Change the limits; every key starts again with a full bucket."""
        if requests_per_minute is not None and (
            isinstance(requests_per_minute, bool)
            or not isinstance(requests_per_minute, int)
            or requests_per_minute < 1
        ):
            raise ValueError(f"requests_per_minute must be a positive integer, got {requests_per_minute!r}")
        with self._lock:
            self.requests_per_minute = requests_per_minute
            self.insufficient_quota = bool(insufficient_quota)
            self._buckets.clear()

    def reset(self) -> None:
        """Back to unlimited."""
        self.configure(requests_per_minute=None)

    def to_dict(self) -> dict[str, object]:
        return {
            "requests_per_minute": self.requests_per_minute,
            "insufficient_quota": self.insufficient_quota,
        }

    def check(self, key: str, *, organization: str | None = None) -> Decision:
        """Take one request from ``key``'s bucket, or refuse it (see :meth:`Decision.error`)."""
        if self.insufficient_quota:
            return Decision({}, refused=True, quota_exhausted=True)
        limit = self.requests_per_minute
        if limit is None:
            return Decision({})
        rate = limit / 60.0
        capacity = max(1.0, rate)
        with self._lock:
            now = self.clock()
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(capacity, now)
            bucket.tokens = min(capacity, bucket.tokens + max(0.0, now - bucket.stamp) * rate)
            bucket.stamp = now
            allowed = bucket.tokens >= 1.0
            if allowed:
                bucket.tokens -= 1.0
            tokens = bucket.tokens
        headers = {
            "x-ratelimit-limit-requests": str(limit),
            "x-ratelimit-remaining-requests": str(int(tokens)),
            "x-ratelimit-reset-requests": format_duration((capacity - tokens) / rate),
        }
        if allowed:
            return Decision(headers)
        wait = (1.0 - tokens) / rate
        headers["retry-after-ms"] = str(max(1, math.ceil(wait * 1000)))
        headers["retry-after"] = str(max(1, math.ceil(wait)))
        return Decision(headers, refused=True, limit=limit, retry_in=wait, organization=organization)
