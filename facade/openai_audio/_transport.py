"""How a request travels: retries and pacing over a connection pool we do not change.

Each ``AudioClient`` sends through a private httpx client of its own, its *view*: the base URL,
our headers, the default query, the timeout and the API key (``_auth.KeyAuth``) are set there,
and its transport is

    RetryTransport(PoolTransport(pool))

where ``pool`` is the caller's ``http_client`` (or a plain ``httpx.Client`` we create and own).
``PoolTransport`` hands each attempt to ``pool.send(...)``, httpx's public API, so the pool's
proxies (also those from the environment), mounts, TLS settings, limits and event hooks apply as
the caller configured them, and nothing of ours is written into it. That is why any number of
clients, with different keys and base URLs, can share one pool, why the key never reaches the
caller's other requests, and why no private httpx attribute is read. ``with_options`` copies
and ``client.raw`` get views of their own over the same pool (a view is a few small objects, no
connections), with their own timeout and retries and the client's one pacer.

Why not set the retries on the pool itself (as this module once did): it changes the caller's
client (their other requests get retried and carry our settings), and reaching its proxies and
mounts needs httpx's private attributes. Why not retry above httpx, in the resources: raw
generated calls would then not be retried.

What is retried: connection failures, timeouts, a connection dropped before the full answer
arrived, and the statuses 408, 409, 429 and 5xx; for a failure status the server's
``x-should-retry`` header overrides that. A success is never sent again: a 2xx/3xx is final
whatever its headers say (a proxy can add ``x-should-retry: true`` to anything), and a body cut
off after a success status is fetched again only for methods that change nothing (GET, HEAD,
OPTIONS). The wait is ``retry-after-ms``, else ``Retry-After`` (seconds or an HTTP date) when
within a cap, else exponential backoff with jitter.

Rate limits: a 429 ``insufficient_quota`` is final (waiting cannot help); any other 429 is
retried until the request's ``rate_limit_timeout`` has passed since its first attempt, not a
fixed number of times (``max_retries=0`` still means no retry at all). A client's pacer (see
``_ratelimit``) is asked before every attempt and told every answer; with one, the pacer does
the waiting after a 429, so all the client's callers wait together.

Bodies are replayed byte-identically: httpx re-renders a multipart body on each
attempt and rewinds file parts, and the façade only hands it seekable files (a
non-seekable stream is spooled to a temporary file first; see ``_files``).
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from ._config import DEFAULT_RATE_LIMIT_TIMEOUT
from ._logging import logger
from ._ratelimit import INSUFFICIENT_QUOTA, AsyncPacer, Pacer, error_code

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


class RetryTransport(httpx.BaseTransport):
    """Wraps a transport and retries what is worth retrying."""

    def __init__(
        self,
        wrapped: httpx.BaseTransport,
        policy: RetryPolicy,
        *,
        sleep: Callable[[float], None] = time.sleep,
        rand: Callable[[], float] = random.random,
        pacer: Pacer | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.wrapped = wrapped
        self.policy = policy
        self.pacer = pacer
        self._sleep = sleep
        self._rand = rand
        self._clock = clock

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        retries = _retries_for(request, self.policy)
        attempt = 0
        started: float | None = None
        pacer = self.pacer
        while True:
            response: httpx.Response | None = None
            try:
                if pacer is not None:
                    pacer.before(request)
                started = self._clock() if started is None else started
                response = self.wrapped.handle_request(request)
                rate_delay = None
                if response.status_code == 429:
                    response.read()  # a small JSON error: its code says whether waiting can help
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
                    response.close()
                elif response.status_code != 429 and self.policy.should_retry(response) and attempt < retries:
                    delay = self.policy.delay_for(response, attempt, self._rand)
                    reason = f"status {response.status_code}"
                    response.close()
                else:
                    if not request.extensions.get(STREAM_EXTENSION):
                        response.read()
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
                self._sleep(delay)

    def close(self) -> None:
        self.wrapped.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """The async twin of :class:`RetryTransport`; same policy, awaited sleeps (asyncio or trio)."""

    def __init__(
        self,
        wrapped: httpx.AsyncBaseTransport,
        policy: RetryPolicy,
        *,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        rand: Callable[[], float] = random.random,
        pacer: AsyncPacer | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if sleep is None:
            # anyio (an httpx dependency) sleeps on whichever event loop runs the client; imported
            # here so that a sync-only app never loads an event loop library.
            import anyio

            sleep = anyio.sleep
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


class PoolTransport(httpx.BaseTransport):
    """Sends each attempt through the pool client with its public ``send``.

    The pool's own proxies, mounts, TLS settings, event hooks and ``follow_redirects`` apply
    (httpx drops the key on a redirect to another origin); its base URL, headers, params and
    timeout do not (``send`` takes the request as built by the view). Its ``auth`` is not applied
    either: the request already carries the client's credentials, and the caller's auth (meant
    for their own requests) must neither replace them nor see them.
    """

    def __init__(self, pool: httpx.Client) -> None:
        self.pool = pool

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        # stream=True: the retry loop decides whether and when the body is read.
        return self.pool.send(request, stream=True, auth=None)

    def close(self) -> None:
        """The pool is closed by whoever owns it, never through a view."""


class AsyncPoolTransport(httpx.AsyncBaseTransport):
    """Sends each attempt through the pool client with its public ``send`` (see :class:`PoolTransport`)."""

    def __init__(self, pool: httpx.AsyncClient) -> None:
        self.pool = pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        # stream=True: the retry loop decides whether and when the body is read.
        return await self.pool.send(request, stream=True, auth=None)

    async def aclose(self) -> None:
        """The pool is closed by whoever owns it, never through a view."""
