"""Which requests are retried, when and how long to wait: shared by both clients' transports
(``_async/transport.py`` and its generated sync twin; the design is in ``_transport``)."""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from ._config import DEFAULT_RATE_LIMIT_TIMEOUT
from ._logging import logger
from ._ratelimit import INSUFFICIENT_QUOTA, error_code

# Request extensions the façade sets per call.
MAX_RETRIES_EXTENSION = "openai_audio.max_retries"
# A streamed call must get the live body; everything else is read inside the
# retry loop, so a connection dropped mid-body is retried like any other failure.
STREAM_EXTENSION = "openai_audio.stream"
RATE_LIMIT_TIMEOUT_EXTENSION = "openai_audio.rate_limit_timeout"
# Methods whose repetition changes nothing on the server.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

RETRYABLE_STATUSES = frozenset({408, 409, 429})
RETRYABLE_ERRORS: tuple[type[Exception], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    # A server asking for a longer pause than this is not taken at its word
    # (a call must not block for minutes): the usual backoff applies instead.
    max_retry_after: float = 60.0
    jitter: float = 0.25
    # How long a request keeps retrying 429 rate_limit_exceeded answers, from its first attempt.
    rate_limit_timeout: float = DEFAULT_RATE_LIMIT_TIMEOUT

    def backoff(self, attempt: int, rand: Callable[[], float] = random.random) -> float:
        """Exponential delay for retry number ``attempt`` (0-based), minus up to ``jitter``."""
        delay = min(self.initial_delay * 2.0**attempt, self.max_delay)
        return delay * (1 - self.jitter * rand())

    def server_delay(self, headers: httpx.Headers, now: Callable[[], float] = time.time) -> float | None:
        """The wait the server asked for, if any and within the cap."""
        value = headers.get("retry-after-ms")
        if value is not None:
            try:
                delay = float(value) / 1000
            except ValueError:
                delay = -1
            if 0 <= delay <= self.max_retry_after:
                return delay
        value = headers.get("retry-after")
        if value is None:
            return None
        try:
            delay = float(value)
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError):
                return None
            delay = max(when.timestamp() - now(), 0.0)
        return delay if 0 <= delay <= self.max_retry_after else None

    def should_retry(self, response: httpx.Response) -> bool:
        # A success (or a redirect, which we never follow) was processed: sending it again could do
        # the work twice, whatever a proxy's ``x-should-retry`` says. The header only decides failures.
        if response.status_code < 400:
            return False
        override = response.headers.get("x-should-retry")
        if override == "true":
            return True
        if override == "false":
            return False
        return response.status_code in RETRYABLE_STATUSES or response.status_code >= 500

    def delay_for(
        self, response: httpx.Response, attempt: int, rand: Callable[[], float] = random.random
    ) -> float:
        server = self.server_delay(response.headers)
        return server if server is not None else self.backoff(attempt, rand)

    def rate_limit_delay(
        self, response: httpx.Response, *, retries: int, elapsed: float, timeout: float, paced: bool
    ) -> float | None:
        """For a 429 whose body is read: the wait before retrying it (0 when a pacer waits
        instead), or ``None`` when it is final (quota exhausted, no retries, deadline passed)."""
        if retries <= 0 or error_code(response) == INSUFFICIENT_QUOTA or not self.should_retry(response):
            return None
        pause = self.server_delay(response.headers)
        if elapsed + (pause or 0.0) > timeout:
            return None
        return 0.0 if paced else (pause if pause is not None else self.initial_delay)


def _retries_for(request: httpx.Request, policy: RetryPolicy) -> int:
    value = request.extensions.get(MAX_RETRIES_EXTENSION)
    return value if isinstance(value, int) else policy.max_retries


def _rate_limit_timeout_for(request: httpx.Request, policy: RetryPolicy) -> float:
    value = request.extensions.get(RATE_LIMIT_TIMEOUT_EXTENSION)
    return float(value) if isinstance(value, int | float) else policy.rate_limit_timeout


def may_resend_after(request: httpx.Request, response: httpx.Response) -> bool:
    """Whether a body that failed mid-way after ``response``'s status line may be fetched again."""
    return response.status_code >= 400 or request.method in SAFE_METHODS


def _describe(request: httpx.Request) -> str:
    return f"{request.method} {request.url.copy_with(query=None)}"


def _log_retry(request: httpx.Request, delay: float, reason: str, attempt: int, retries: int) -> None:
    if reason == "rate limited":  # paced, or until the deadline: no retry count
        logger.info("retrying %s in %.2fs (rate limited)", _describe(request), delay)
    else:
        logger.info(
            "retrying %s in %.2fs (%s; retry %d of %d)", _describe(request), delay, reason, attempt, retries
        )
