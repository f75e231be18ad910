"""Request pacing: run near the account's rate limit instead of into it.

One pacer per client (its ``with_options`` views share it). It is asked before every attempt
and told about every response. It learns the limit from OpenAI's ``x-ratelimit-*-requests``
headers and from 429s, and hands out send times like a token bucket mirroring the server's
(a "generic cell rate" schedule: a burst as large as the server's bucket, then one request
every ``60 / limit`` seconds, slowed by a small margin so network jitter never overdraws it).

- Until the first answer tells it anything, one request goes alone and the others wait for it
  (a lone request pays nothing; a batch of 16 does not start with 11 refusals).
- Send times are handed out in call order, so waiting callers are served first come, first
  served.
- A 429 pushes every waiting caller back together, keeping their order and spacing (no
  thundering herd when the pause ends); the pause has a little random jitter so processes
  sharing a key do not come back in step.
- An explicit ``requests_per_minute`` caps the pace below what the server allows (to split one
  key's limit between processes).

:class:`PacingState` is pure logic on an injected clock; :class:`Pacer` and :class:`AsyncPacer`
wrap it for threads and for event loops (asyncio or trio), with injectable sleeps.
"""

from __future__ import annotations

import functools
import json
import math
import random
import re
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

# Pace at this share of the learned limit: the server's bucket then refills a little faster
# than it is drained and absorbs jitter in when requests arrive.
HEADROOM = 0.95
# Share of a 429's pause added at random, so clients sharing a key spread out when it ends.
PAUSE_JITTER = 0.1
# The pause after a 429 that names none.
DEFAULT_PAUSE = 1.0

_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(h|ms|m|s|us|µs|ns)")
_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9}


@functools.lru_cache(maxsize=256)  # answers repeat the same few spellings
def parse_duration(text: str) -> float | None:
    """Seconds in OpenAI's header spelling (``"6m0s"``, ``"1.2s"``, ``"120ms"``), else ``None``."""
    text = text.strip()
    if not text:
        return None
    total, end = 0.0, 0
    for match in _DURATION_PART.finditer(text):
        if match.start() != end:
            return None
        total += float(match.group(1)) * _UNITS[match.group(2)]
        end = match.end()
    if end != len(text):
        try:  # a bare number is seconds
            return max(0.0, float(text)) if end == 0 else None
        except ValueError:
            return None
    return total


_WANTED = frozenset(
    {
        "x-ratelimit-limit-requests",
        "x-ratelimit-remaining-requests",
        "x-ratelimit-reset-requests",
        "retry-after-ms",
        "retry-after",
    }
)


def _pacing_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The headers pacing reads, in one pass (httpx's lookups scan every header each time)."""
    if isinstance(headers, httpx.Headers):
        found: dict[str, str] = {}
        for raw_name, raw_value in headers.raw:
            name = raw_name.decode("latin-1").lower()
            if name in _WANTED:
                found[name] = raw_value.decode("latin-1")
        return found
    return {name.lower(): value for name, value in headers.items() if name.lower() in _WANTED}


def _number(headers: Mapping[str, str], name: str) -> float | None:
    value = headers.get(name)
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) and number >= 0 else None


def server_pause(headers: Mapping[str, str]) -> float | None:
    """How long a 429 asks to wait: ``retry-after-ms``, else ``retry-after`` seconds."""
    millis = _number(headers, "retry-after-ms")
    if millis is not None:
        return millis / 1000
    return _number(headers, "retry-after")


@dataclass(eq=False, slots=True)
class Ticket:
    """One attempt's place in the schedule."""

    slot: float | None  # when it may be sent (a 429 may move it later); None: wait for the first answer
    order: int = 0
    probe: bool = False
    sent_at: float | None = None
    sequence: int = 0  # how many attempts had been sent when this one was


@dataclass
class PacingState:
    """The schedule; every method is quick and must be called under the owner's lock."""

    clock: Callable[[], float] = time.monotonic
    rand: Callable[[], float] = random.random
    requests_per_minute: float | None = None  # the caller's cap, if any
    headroom: float = HEADROOM
    # Learned from the server.
    limit_per_minute: float | None = None
    burst: float = 1.0
    # Nothing is known before the first answer: one request goes alone.
    known: bool = False
    probing: bool = False
    tat: float = -math.inf  # the "theoretical arrival time" of the next request
    sent: int = 0
    reserved: int = 0
    waiting: dict[Ticket, None] = field(default_factory=dict)  # an ordered set

    @property
    def per_second(self) -> float | None:
        """The pace in requests per second, ``None`` when unpaced."""
        learned, cap = self.limit_per_minute, self.requests_per_minute
        if learned is None and cap is None:
            return None
        if cap is not None and (learned is None or cap < learned * self.headroom):
            return cap / 60.0  # the caller's own share is exact
        assert learned is not None
        return learned / 60.0 * self.headroom

    def _interval(self) -> float | None:
        pace = self.per_second
        return None if pace is None else 1.0 / pace

    def _tolerance(self, interval: float) -> float:
        return max(self.burst - 1.0, 0.0) * interval

    def reserve(self) -> Ticket:
        """A place in the schedule for the next attempt (``slot`` None: wait for :meth:`ready`)."""
        now = self.clock()
        self.reserved += 1
        interval = self._interval()
        if interval is None:
            if self.known:
                return Ticket(now, self.reserved)
            if self.probing:
                return Ticket(None, self.reserved)
            self.probing = True
            return Ticket(max(now, self.tat), self.reserved, probe=True)
        slot = max(now, self.tat - self._tolerance(interval))
        self.tat = max(self.tat, now) + interval
        ticket = Ticket(slot, self.reserved)
        self.waiting[ticket] = None
        return ticket

    def ready(self) -> bool:
        """Whether a caller without a slot may ask again (the first answer came, or the probe gave up)."""
        return self.known or not self.probing

    def send(self, ticket: Ticket) -> None:
        """The attempt is going out now."""
        self.waiting.pop(ticket, None)
        self.sent += 1
        ticket.sequence = self.sent
        ticket.sent_at = self.clock()

    def abandon(self, ticket: Ticket) -> None:
        """The attempt failed without an answer, or its caller gave up waiting."""
        self.waiting.pop(ticket, None)
        if ticket.probe:
            self.probing = False

    def observe(self, ticket: Ticket, status: int, headers: Mapping[str, str], code: str | None) -> None:
        """Learn from an answer to ``ticket``'s attempt (``code``: the error code of a 429)."""
        now = self.clock()
        headers = _pacing_headers(headers)
        first = not self.known
        if ticket.probe:
            self.probing = False
        self.known = True
        limit = _number(headers, "x-ratelimit-limit-requests")
        if limit is not None and limit > 0:
            self.limit_per_minute = limit
        remaining = _number(headers, "x-ratelimit-remaining-requests")
        reset_text = headers.get("x-ratelimit-reset-requests")
        reset = parse_duration(reset_text) if reset_text is not None else None
        if self.limit_per_minute is not None and remaining is not None and reset is not None:
            # What the server's bucket holds when full: what is left plus what refills by the reset.
            self.burst = max(1.0, math.ceil(remaining + reset * self.limit_per_minute / 60.0 - 1e-6))
        if status == 429:
            if code != "insufficient_quota":  # that one is final: pacing cannot help
                self._pause(now, server_pause(headers))
            return
        interval = self._interval()
        if interval is None or self.limit_per_minute is None or remaining is None:
            return
        # What is left now: refilled since this attempt went out, less what was sent after it.
        since = now - (ticket.sent_at if ticket.sent_at is not None else now)
        left = min(self.burst, remaining + since * self.limit_per_minute / 60.0) - (
            self.sent - ticket.sequence
        )
        if self.burst >= 2:
            left -= 1  # one token in reserve: jitter in arrival times then never overdraws the bucket
        tat = now + (self.burst - left) * interval
        # The first answer sets the schedule; later ones only ever slow it (another process may
        # share the key), since an answer's view of the bucket is a little stale.
        self.tat = tat if first else max(self.tat, tat)

    def _pause(self, now: float, pause: float | None) -> None:
        pause = (pause if pause is not None else DEFAULT_PAUSE) * (1.0 + PAUSE_JITTER * self.rand())
        resume = now + pause
        interval = self._interval()
        if interval is None:
            # Nothing to pace by: wait as asked, then let one request find out whether it passes.
            self.known = False
            self.tat = max(self.tat, resume)
            return
        # The server's bucket is empty: the waiting callers go from `resume` on, one interval
        # apart, in their order; the burst is gone.
        last = resume - interval
        for ticket in sorted(self.waiting, key=lambda t: (t.slot or 0.0, t.order)):
            assert ticket.slot is not None
            last = ticket.slot = max(ticket.slot, last + interval)
        self.tat = max(self.tat, last + interval + self._tolerance(interval))


class Pacer:
    """The pacer of a sync client: shared by threads, sleeps with ``sleep``."""

    def __init__(
        self,
        *,
        requests_per_minute: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.state = PacingState(clock=clock, rand=rand, requests_per_minute=requests_per_minute)
        self._sleep = sleep
        self._lock = threading.Lock()
        self._answered = threading.Condition(self._lock)

    def acquire(self) -> Ticket:
        """Wait for this attempt's turn; call :meth:`release` with the answer (or None) after."""
        state = self.state
        with self._lock:
            ticket = state.reserve()
            while ticket.slot is None:
                # Woken when the first answer arrives (or the lone request fails).
                self._answered.wait_for(state.ready)
                ticket = state.reserve()
        try:
            while True:
                with self._lock:
                    assert ticket.slot is not None
                    wait = ticket.slot - state.clock()
                    if wait <= 0:
                        state.send(ticket)
                        return ticket
                # A 429 meanwhile may move the slot later: look again after sleeping.
                self._sleep(wait)
        except BaseException:
            with self._lock:
                self._abandon(ticket)
            raise

    def _abandon(self, ticket: Ticket) -> None:
        self.state.abandon(ticket)
        self._answered.notify_all()

    def release(
        self,
        ticket: Ticket,
        status: int | None,
        headers: Mapping[str, str] | None = None,
        code: str | None = None,
    ) -> None:
        """The attempt's answer (``status`` None: no answer, e.g. a connection error)."""
        with self._lock:
            if status is None:
                self._abandon(ticket)
            else:
                self.state.observe(ticket, status, headers or {}, code)
                self._answered.notify_all()

    def before(self, request: httpx.Request) -> None:
        """Wait for ``request``'s attempt to be sent (its ticket travels in its extensions)."""
        self.failed(request)
        request.extensions[_ticket_key(self)] = self.acquire()

    def after(self, request: httpx.Request, response: httpx.Response) -> None:
        """The attempt got ``response`` (a 429's body read, so its error code counts)."""
        _observe(self, request, response)

    def failed(self, request: httpx.Request) -> None:
        """The attempt got no answer (connection error, timeout, cancellation)."""
        _forget(self, request)


class AsyncPacer:
    """The pacer of an async client: one event loop's tasks, sleeps with an awaited ``sleep``."""

    def __init__(
        self,
        *,
        requests_per_minute: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.state = PacingState(clock=clock, rand=rand, requests_per_minute=requests_per_minute)
        self._sleep = sleep
        # Created on first wait, on the running loop (asyncio or trio).
        self._answered: Any = None

    async def acquire(self) -> Ticket:
        """Wait for this attempt's turn; call :meth:`release` with the answer (or None) after."""
        import anyio

        sleep = self._sleep if self._sleep is not None else anyio.sleep
        state = self.state
        ticket = state.reserve()
        while ticket.slot is None:
            if self._answered is None:
                self._answered = anyio.Event()
            await self._answered.wait()
            ticket = state.reserve()
        try:
            while True:
                assert ticket.slot is not None
                wait = ticket.slot - state.clock()
                if wait <= 0:
                    state.send(ticket)
                    return ticket
                await sleep(wait)
        except BaseException:
            self._abandon(ticket)
            raise

    def _abandon(self, ticket: Ticket) -> None:
        self.state.abandon(ticket)
        self._wake()

    def _wake(self) -> None:
        if self._answered is not None:
            self._answered.set()
            self._answered = None

    def release(
        self,
        ticket: Ticket,
        status: int | None,
        headers: Mapping[str, str] | None = None,
        code: str | None = None,
    ) -> None:
        """The attempt's answer (``status`` None: no answer, e.g. a connection error)."""
        if status is None:
            self._abandon(ticket)
        else:
            self.state.observe(ticket, status, headers or {}, code)
            self._wake()

    async def before(self, request: httpx.Request) -> None:
        """Wait for ``request``'s attempt to be sent (its ticket travels in its extensions)."""
        self.failed(request)
        request.extensions[_ticket_key(self)] = await self.acquire()

    def after(self, request: httpx.Request, response: httpx.Response) -> None:
        """The attempt got ``response`` (a 429's body read, so its error code counts)."""
        _observe(self, request, response)

    def failed(self, request: httpx.Request) -> None:
        """The attempt got no answer (connection error, timeout, cancellation)."""
        _forget(self, request)


# -- the transport's view ----------------------------------------------------------------------------

TICKET_EXTENSION = "openai_audio.pacing_ticket"
INSUFFICIENT_QUOTA = "insufficient_quota"


def error_code(response: httpx.Response) -> str | None:
    """The ``error.code`` of a read JSON error body, else ``None`` (never raises)."""
    try:
        body = json.loads(response.content)
    except (httpx.ResponseNotRead, ValueError, UnicodeDecodeError):
        return None
    inner = body.get("error") if isinstance(body, dict) else None
    code = inner.get("code") if isinstance(inner, dict) else None
    return code if isinstance(code, str) else None


def _ticket_key(pacer: Pacer | AsyncPacer) -> str:
    # Per pacer: a request can pass two (a client's, and one in a transport the caller gave it).
    return f"{TICKET_EXTENSION}.{id(pacer)}"


def _forget(pacer: Pacer | AsyncPacer, request: httpx.Request) -> None:
    ticket = request.extensions.pop(_ticket_key(pacer), None)
    if isinstance(ticket, Ticket):
        pacer.release(ticket, None)


def _observe(pacer: Pacer | AsyncPacer, request: httpx.Request, response: httpx.Response) -> None:
    ticket = request.extensions.pop(_ticket_key(pacer), None)
    if isinstance(ticket, Ticket):
        code = error_code(response) if response.status_code == 429 else None
        pacer.release(ticket, response.status_code, response.headers, code)
