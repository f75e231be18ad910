"""The client's request pacer on a fake clock: no test here waits for wall time."""

from __future__ import annotations

import asyncio
import threading

import pytest

from openai_audio._ratelimit import AsyncPacer, Pacer, PacingState, Ticket, parse_duration

INTERVAL_300 = 60 / (300 * 0.95)  # the pace at a learned limit of 300/min, with its margin


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def headers(limit: int, remaining: int, reset: str, **extra: str) -> dict[str, str]:
    return {
        "x-ratelimit-limit-requests": str(limit),
        "x-ratelimit-remaining-requests": str(remaining),
        "x-ratelimit-reset-requests": reset,
        **extra,
    }


def go(state: PacingState) -> Ticket:
    """Reserve and send at the slot, moving the clock there."""
    ticket = state.reserve()
    assert ticket.slot is not None
    state.clock.now = max(state.clock.now, ticket.slot)  # type: ignore[attr-defined]
    state.send(ticket)
    return ticket


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1s", 1.0),
        ("6m0s", 360.0),
        ("120ms", 0.12),
        ("1.2s", 1.2),
        ("2m59.56s", 179.56),
        ("1h0m0s", 3600.0),
        ("20us", 2e-5),
        ("0.5", 0.5),
        ("", None),
        ("soon", None),
        ("5 s", None),
        ("1s2", None),
    ],
)
def test_durations_in_openai_spelling(text: str, seconds: float | None) -> None:
    parsed = parse_duration(text)
    assert parsed == pytest.approx(seconds) if seconds is not None else parsed is None


def test_a_lone_request_waits_for_nothing_and_a_server_without_headers_is_never_paced() -> None:
    clock = FakeClock()
    state = PacingState(clock=clock)
    first = state.reserve()
    assert first.slot == clock.now and first.probe
    state.send(first)
    state.observe(first, 200, {}, None)
    slots = [state.reserve().slot for _ in range(50)]
    assert slots == [clock.now] * 50


def test_until_the_first_answer_one_request_goes_alone() -> None:
    clock = FakeClock()
    state = PacingState(clock=clock)
    probe = state.reserve()
    state.send(probe)
    waiting = state.reserve()
    assert waiting.slot is None and not state.ready()
    state.abandon(probe)  # the probe failed without an answer: the next caller probes instead
    assert state.ready()
    again = state.reserve()
    assert again.probe and again.slot == clock.now


def test_learns_limit_and_burst_from_headers_then_paces() -> None:
    clock = FakeClock()
    state = PacingState(clock=clock)
    probe = go(state)
    # As the local server at 300/min answers its first request: 4 of 5 left, full again in 200 ms.
    state.observe(probe, 200, headers(300, 4, "200ms"), None)
    assert state.limit_per_minute == 300 and state.burst == 5
    slots = [state.reserve().slot for _ in range(8)]
    start = clock.now
    # Of the four tokens left, three go at once (one is kept for jitter), then one per interval.
    assert slots[:3] == pytest.approx([start] * 3)
    assert slots[3:] == pytest.approx([start + k * INTERVAL_300 for k in range(1, 6)])


def test_openai_style_headers_give_the_whole_limit_as_burst() -> None:
    state = PacingState(clock=FakeClock())
    probe = go(state)
    state.observe(probe, 200, headers(500, 499, "120ms"), None)
    assert state.burst == 500


def test_steady_pace_is_just_under_the_limit() -> None:
    clock = FakeClock()
    state = PacingState(clock=clock)
    probe = go(state)
    state.observe(probe, 200, headers(300, 4, "200ms"), None)
    sent = [go(state) for _ in range(1000)]
    elapsed = sent[-1].sent_at - sent[0].sent_at  # type: ignore[operator]
    rate_per_minute = (len(sent) - 1) / elapsed * 60
    assert 0.94 * 300 < rate_per_minute < 300


def test_later_answers_only_slow_the_schedule() -> None:
    clock = FakeClock()
    state = PacingState(clock=clock)
    probe = go(state)
    state.observe(probe, 200, headers(300, 4, "200ms"), None)
    ticket = go(state)
    # Another process drained the bucket: the answer says 0 left, so (with one token kept in
    # reserve for jitter) the next waits two intervals.
    state.observe(ticket, 200, headers(300, 0, "1s"), None)
    assert state.reserve().slot == pytest.approx(clock.now + 2 * INTERVAL_300)
    # A stale answer saying "plenty left" does not bring the burst back.
    state.observe(ticket, 200, headers(300, 5, "0ms"), None)
    assert state.reserve().slot == pytest.approx(clock.now + 3 * INTERVAL_300)


def test_a_429_moves_every_waiting_caller_back_in_order_without_a_herd() -> None:
    clock = FakeClock()
    state = PacingState(clock=clock, rand=lambda: 0.0)
    probe = go(state)
    state.observe(probe, 200, headers(300, 4, "200ms"), None)
    waiting = [state.reserve() for _ in range(6)]  # 4 at once (the burst), then spaced
    refused = go(state.__class__(clock=clock))  # any attempt in flight
    state.observe(refused, 429, headers(300, 0, "1s", **{"retry-after-ms": "1500"}), "rate_limit_exceeded")
    resume = clock.now + 1.5
    assert [t.slot for t in waiting] == pytest.approx([resume + k * INTERVAL_300 for k in range(6)])
    # A newcomer (e.g. the refused request trying again) queues behind them.
    assert state.reserve().slot == pytest.approx(resume + 6 * INTERVAL_300)
    # More 429s for requests that were already in flight do not push the queue further.
    state.observe(refused, 429, headers(300, 0, "1s", **{"retry-after-ms": "1400"}), "rate_limit_exceeded")
    assert waiting[0].slot == pytest.approx(resume)


def test_the_pause_after_a_429_is_jittered() -> None:
    clock = FakeClock()
    slots = []
    for rand in (0.0, 0.5, 1.0):
        state = PacingState(clock=clock, rand=lambda r=rand: r)
        probe = go(state)
        state.observe(probe, 200, headers(60, 0, "1s"), None)
        refused = go(state)
        state.observe(refused, 429, headers(60, 0, "1s", **{"retry-after-ms": "2000"}), "rate_limit_exceeded")
        slots.append(state.reserve().slot - clock.now)  # type: ignore[operator]
    assert slots == pytest.approx([2.0, 2.1, 2.2])


def test_insufficient_quota_does_not_pause_anyone() -> None:
    clock = FakeClock()
    state = PacingState(clock=clock)
    probe = go(state)
    state.observe(probe, 200, headers(300, 4, "200ms"), None)
    ticket = go(state)
    state.observe(ticket, 429, {"retry-after-ms": "60000"}, "insufficient_quota")
    assert state.reserve().slot == clock.now


def test_a_429_from_a_server_without_headers_pauses_then_probes() -> None:
    clock = FakeClock()
    state = PacingState(clock=clock, rand=lambda: 0.0)
    probe = go(state)
    state.observe(probe, 200, {}, None)
    ticket = go(state)
    state.observe(ticket, 429, {"retry-after": "3"}, "rate_limit_exceeded")
    again = state.reserve()
    assert again.probe and again.slot == clock.now + 3
    assert state.reserve().slot is None  # the others wait for the probe's answer


def test_the_callers_cap_paces_exactly_from_the_first_request() -> None:
    clock = FakeClock()
    state = PacingState(clock=clock, requests_per_minute=120)
    slots = [state.reserve().slot for _ in range(4)]
    assert slots == pytest.approx([clock.now + k * 0.5 for k in range(4)])
    # A server limit above the cap changes nothing; one below it takes over (with its margin).
    state.observe(go(state), 200, headers(600, 9, "100ms"), None)
    assert state.per_second == pytest.approx(2.0)
    state.observe(go(state), 200, headers(60, 0, "1s"), None)
    assert state.per_second == pytest.approx(0.95)


def test_threads_are_served_first_come_first_served() -> None:
    clock = FakeClock()
    ticks = threading.Condition()

    def sleep(seconds: float) -> None:  # fake time: wait until the test has moved the clock on
        with ticks:
            target = clock.now + seconds
            ticks.wait_for(lambda: clock.now >= target)

    pacer = Pacer(clock=clock, sleep=sleep)
    probe = pacer.acquire()
    pacer.release(probe, 200, headers(60, 0, "1s"))
    sent: list[int] = []

    def call(i: int) -> None:
        ticket = pacer.acquire()
        with ticks:
            sent.append(i)
        pacer.release(ticket, 200, headers(60, 0, "1s"))

    threads = [threading.Thread(target=call, args=(i,)) for i in range(6)]
    for number, thread in enumerate(threads, start=2):
        thread.start()
        while pacer.state.reserved < number:  # its place is taken before the next one starts
            threading.Event().wait(0.001)
    while any(t.is_alive() for t in threads):
        with ticks:
            clock.now += 0.05
            ticks.notify_all()
        threading.Event().wait(0.001)
    assert sent == list(range(6))


def test_sync_acquire_waits_for_the_slot_and_rechecks_after_a_429() -> None:
    clock = FakeClock()
    slept: list[float] = []
    pacer: Pacer

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 1:  # while this caller sleeps, another gets a 429 asking for 5 s
            refused = pacer.state.reserve()
            pacer.state.send(refused)
            pacer.release(
                refused, 429, headers(60, 0, "1s", **{"retry-after-ms": "5000"}), "rate_limit_exceeded"
            )
        clock.now += seconds

    pacer = Pacer(clock=clock, sleep=sleep, rand=lambda: 0.0)
    probe = pacer.acquire()
    pacer.release(probe, 200, headers(60, 0, "1s"))
    start = clock.now
    ticket = pacer.acquire()
    assert slept[0] == pytest.approx(60 / 57)
    # The 429 (at `start`) asked for 5 s: the caller looked again and waited for that.
    assert ticket.sent_at == pytest.approx(start + 5)


def test_sync_waiters_for_the_first_answer_are_woken_by_it() -> None:
    pacer = Pacer(clock=FakeClock(), sleep=lambda s: None)
    probe = pacer.acquire()
    got: list[Ticket] = []
    waiter = threading.Thread(target=lambda: got.append(pacer.acquire()))
    waiter.start()
    while not pacer._answered._waiters:  # type: ignore[attr-defined]  # until it waits (a condition, not time)
        threading.Event().wait(0.001)
    assert not got
    pacer.release(probe, 200, {})
    waiter.join(5)
    assert got and not got[0].probe


async def test_async_tasks_are_served_in_arrival_order() -> None:
    clock = FakeClock()

    async def sleep(seconds: float) -> None:
        clock.now += seconds
        await asyncio.sleep(0)

    pacer = AsyncPacer(clock=clock, sleep=sleep)
    sent: list[int] = []

    async def call(i: int) -> None:
        ticket = await pacer.acquire()
        sent.append(i)
        pacer.release(ticket, 200, headers(120, 0, "500ms"))

    await asyncio.gather(*(call(i) for i in range(10)))
    assert sent == list(range(10))
    assert pacer.state.limit_per_minute == 120


async def test_async_cancelled_waiter_gives_its_turn_back() -> None:
    clock = FakeClock()
    pacer = AsyncPacer(clock=clock, sleep=lambda s: asyncio.sleep(0))
    probe = await pacer.acquire()
    waiter = asyncio.ensure_future(pacer.acquire())
    await asyncio.sleep(0)
    assert not waiter.done()
    waiter.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiter
    pacer.release(probe, None)  # the probe failed with no answer: someone else may probe
    assert (await pacer.acquire()).probe


def test_two_pacers_on_one_request_keep_their_own_tickets() -> None:
    # A client's pacer, and another in a transport the caller handed it: neither may release the
    # other's ticket (the first would then wait for its probe's answer forever).
    import httpx

    outer, inner = (
        Pacer(clock=FakeClock(), sleep=lambda s: None),
        Pacer(clock=FakeClock(), sleep=lambda s: None),
    )
    for _ in range(3):
        request = httpx.Request("GET", "http://127.0.0.1/v1/audio/voice_consents")
        outer.before(request)
        inner.before(request)
        response = httpx.Response(200, request=request)
        inner.after(request, response)
        outer.after(request, response)
    assert outer.state.known and inner.state.known
    assert not outer.state.probing and not inner.state.probing
