"""The transports the async client sends through: retries and pacing over the caller's pool.

Written once, async; scripts/unasync.py generates the sync twins (``_sync/transport.py``).
What is retried, and why the pool is never changed: ``_transport``'s docstring.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Awaitable, Callable

import httpx

from .._blocking import async_pause
from .._logging import logger
from .._ratelimit import AsyncPacer
from .._retry_policy import (
    RETRYABLE_ERRORS,
    STREAM_EXTENSION,
    RetryPolicy,
    _describe,
    _log_retry,
    _rate_limit_timeout_for,
    _retries_for,
    may_resend_after,
)


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """Wraps a transport and retries what is worth retrying (see ``_retry_policy``); the async
    client's sleeps are anyio's, so they run on asyncio or trio alike."""

    def __init__(
        self,
        wrapped: httpx.AsyncBaseTransport,
        policy: RetryPolicy,
        *,
        sleep: Callable[[float], Awaitable[None]] = async_pause,
        rand: Callable[[], float] = random.random,
        pacer: AsyncPacer | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.wrapped = wrapped
        self.policy = policy
        self.pacer = pacer
        self._sleep = sleep
        self._rand = rand
        self._clock = clock

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        retries = _retries_for(request, self.policy)
        attempt = 0
        started: float | None = None
        pacer = self.pacer
        while True:
            response: httpx.Response | None = None
            try:
                if pacer is not None:
                    await pacer.before(request)
                started = self._clock() if started is None else started
                response = await self.wrapped.handle_async_request(request)
                rate_delay = None
                if response.status_code == 429:
                    await response.aread()  # a small JSON error: its code says whether waiting can help
                    rate_delay = self.policy.rate_limit_delay(
                        response,
                        retries=retries,
                        elapsed=self._clock() - started,
                        timeout=_rate_limit_timeout_for(request, self.policy),
                        paced=pacer is not None,
                    )
                if pacer is not None:
                    pacer.after(request, response)
                if rate_delay is not None:
                    delay, reason = rate_delay, "rate limited"
                    attempt -= 1  # not counted: 429s are retried until the deadline instead
                    await response.aclose()
                elif response.status_code != 429 and self.policy.should_retry(response) and attempt < retries:
                    delay = self.policy.delay_for(response, attempt, self._rand)
                    reason = f"status {response.status_code}"
                    await response.aclose()
                else:
                    if not request.extensions.get(STREAM_EXTENSION):
                        await response.aread()
                    # Checked first: building the description re-parses the URL, a measurable
                    # share of a keep-alive call even when debug logging is off.
                    if logger.isEnabledFor(logging.DEBUG):
                        logger.debug("%s -> %d", _describe(request), response.status_code)
                    return response
            except RETRYABLE_ERRORS as exc:
                if pacer is not None:
                    pacer.failed(request)
                if attempt >= retries or (response is not None and not may_resend_after(request, response)):
                    raise
                delay = self.policy.backoff(attempt, self._rand)
                reason = type(exc).__name__
            except BaseException:
                if pacer is not None:
                    pacer.failed(request)
                raise
            attempt += 1
            _log_retry(request, delay, reason, attempt, retries)
            if delay > 0:
                await self._sleep(delay)

    async def aclose(self) -> None:
        await self.wrapped.aclose()


class AsyncPoolTransport(httpx.AsyncBaseTransport):
    """Sends each attempt through the pool client with its public ``send``.

    The pool's own proxies, mounts, TLS settings, event hooks and ``follow_redirects`` apply
    (httpx drops the key on a redirect to another origin); its base URL, headers, params and
    timeout do not (``send`` takes the request as built by the view). Its ``auth`` is not applied
    either: the request already carries the client's credentials, and the caller's auth (meant
    for their own requests) must neither replace them nor see them.
    """

    def __init__(self, pool: httpx.AsyncClient) -> None:
        self.pool = pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        # stream=True: the retry loop decides whether and when the body is read.
        return await self.pool.send(request, stream=True, auth=None)

    async def aclose(self) -> None:
        """The pool is closed by whoever owns it, never through a view."""
