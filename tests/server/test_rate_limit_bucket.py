"""The local server's token bucket, driven by a fake clock (no wall time)."""

from __future__ import annotations

import pytest

from openai_audio.testing._ratelimit import RateLimits, format_duration


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _check(limits: RateLimits, key: str = "k") -> tuple[int | None, dict[str, str], str | None]:
    decision = limits.check(key)
    error = decision.error("whisper-1") if decision.refused else None
    return (error.status if error else None), decision.headers, (error.message if error else None)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0ms"),
        (0.12, "120ms"),
        (0.0004, "1ms"),
        (1, "1s"),
        (1.2, "1.2s"),
        (59.999, "59.999s"),
        (360, "6m0s"),
        (179.56, "2m59.56s"),
        (3600, "1h0m0s"),
    ],
)
def test_durations_are_spelled_as_openai_does(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


def test_unlimited_by_default_sends_no_headers() -> None:
    limits = RateLimits(clock=FakeClock())
    for _ in range(100):
        assert _check(limits) == (None, {}, None)


def test_capacity_is_one_seconds_worth_then_refills_continuously() -> None:
    clock = FakeClock()
    limits = RateLimits(requests_per_minute=300, clock=clock)  # 5 per second, burst 5
    seen = [_check(limits) for _ in range(6)]
    assert [s[0] for s in seen] == [None] * 5 + [429]
    assert [s[1]["x-ratelimit-remaining-requests"] for s in seen] == ["4", "3", "2", "1", "0", "0"]
    assert seen[0][1]["x-ratelimit-limit-requests"] == "300"
    assert seen[0][1]["x-ratelimit-reset-requests"] == "200ms"
    assert seen[4][1]["x-ratelimit-reset-requests"] == "1s"
    refused = seen[5][1]
    assert refused["retry-after-ms"] == "200"
    assert refused["retry-after"] == "1"
    assert seen[5][2] == (
        "Rate limit reached for whisper-1 in organization org-local on requests per min (RPM): "
        "Limit 300, Used 300, Requested 1. Please try again in 200ms. "
        "Visit https://platform.openai.com/account/rate-limits to learn more."
    )
    clock.now += 0.1  # half a token: still refused, and the wait says so
    status, headers, _ = _check(limits)
    assert status == 429 and headers["retry-after-ms"] == "100"
    clock.now += 0.1
    assert _check(limits)[0] is None
    assert _check(limits)[0] == 429
    clock.now += 3600  # never more than the capacity
    assert [_check(limits)[0] for _ in range(6)] == [None] * 5 + [429]


def test_a_slow_limit_still_allows_one_request() -> None:
    clock = FakeClock()
    limits = RateLimits(requests_per_minute=3, clock=clock)
    assert _check(limits)[0] is None
    status, headers, message = _check(limits)
    assert status == 429
    assert headers["retry-after-ms"] == "20000" and headers["x-ratelimit-reset-requests"] == "20s"
    assert message is not None and "Please try again in 20s." in message
    clock.now += 19.9
    assert _check(limits)[0] == 429
    clock.now += 0.1
    assert _check(limits)[0] is None


def test_each_key_has_its_own_bucket_and_configure_refills() -> None:
    clock = FakeClock()
    limits = RateLimits(requests_per_minute=60, clock=clock)
    assert _check(limits, "a")[0] is None
    assert _check(limits, "a")[0] == 429
    assert _check(limits, "b")[0] is None
    limits.configure(requests_per_minute=60)
    assert _check(limits, "a")[0] is None


def test_insufficient_quota_refuses_everything() -> None:
    limits = RateLimits(clock=FakeClock())
    limits.configure(requests_per_minute=None, insufficient_quota=True)
    decision = limits.check("k")
    assert decision.refused
    error = decision.error("whisper-1")
    assert error.status == 429
    assert error.code == "insufficient_quota" and error.type == "insufficient_quota"
    assert "retry-after-ms" not in error.headers
    limits.reset()
    assert not limits.check("k").refused


@pytest.mark.parametrize("bad", [0, -5, 1.5, True, "60"])
def test_bad_limits_are_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="requests_per_minute"):
        RateLimits().configure(requests_per_minute=bad)  # type: ignore[arg-type]
