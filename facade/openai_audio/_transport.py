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

from ._async.transport import AsyncPoolTransport, AsyncRetryTransport
from ._retry_policy import (
    MAX_RETRIES_EXTENSION,
    RATE_LIMIT_TIMEOUT_EXTENSION,
    RETRYABLE_ERRORS,
    RETRYABLE_STATUSES,
    SAFE_METHODS,
    STREAM_EXTENSION,
    RetryPolicy,
    may_resend_after,
)
from ._sync.transport import PoolTransport, RetryTransport

__all__ = [
    "MAX_RETRIES_EXTENSION",
    "RATE_LIMIT_TIMEOUT_EXTENSION",
    "RETRYABLE_ERRORS",
    "RETRYABLE_STATUSES",
    "SAFE_METHODS",
    "STREAM_EXTENSION",
    "AsyncPoolTransport",
    "AsyncRetryTransport",
    "PoolTransport",
    "RetryPolicy",
    "RetryTransport",
    "may_resend_after",
]
