"""The retry policy's decisions, as pure functions (no network, no clock)."""

from __future__ import annotations

import email.utils

import httpx
import pytest

from openai_audio._transport import RetryPolicy


def _response(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers)


@pytest.mark.parametrize(
    ("status", "retry"),
    [
        (408, True),
        (409, True),
        (429, True),
        (500, True),
        (502, True),
        (503, True),
        (599, True),
        (400, False),
        (401, False),
        (403, False),
        (404, False),
        (413, False),
        (422, False),
        (200, False),
    ],
)
def test_which_statuses_are_retried(status: int, retry: bool) -> None:
    assert RetryPolicy().should_retry(_response(status)) is retry


def test_x_should_retry_overrides_the_status() -> None:
    policy = RetryPolicy()
    assert policy.should_retry(_response(400, **{"x-should-retry": "true"})) is True
    assert policy.should_retry(_response(503, **{"x-should-retry": "false"})) is False


def test_retry_after_ms_wins_over_retry_after() -> None:
    headers = httpx.Headers({"retry-after-ms": "250", "retry-after": "7"})
    assert RetryPolicy().server_delay(headers) == pytest.approx(0.25)


def test_retry_after_seconds_and_http_date() -> None:
    policy = RetryPolicy()
    assert policy.server_delay(httpx.Headers({"retry-after": "3"})) == 3.0
    date = email.utils.formatdate(1_000_010.0, usegmt=True)
    assert policy.server_delay(
        httpx.Headers({"retry-after": date}), now=lambda: 1_000_000.0
    ) == pytest.approx(10.0)


def test_retry_after_beyond_the_cap_or_garbage_falls_back_to_backoff() -> None:
    policy = RetryPolicy(max_retry_after=60)
    assert policy.server_delay(httpx.Headers({"retry-after": "3600"})) is None
    assert policy.server_delay(httpx.Headers({"retry-after": "soon"})) is None
    assert policy.server_delay(httpx.Headers({"retry-after-ms": "-5"})) is None
    assert policy.delay_for(_response(429, **{"retry-after": "3600"}), 0, rand=lambda: 0.0) == 0.5


def test_backoff_grows_exponentially_is_capped_and_jittered() -> None:
    policy = RetryPolicy(initial_delay=0.5, max_delay=8.0, jitter=0.25)
    assert [policy.backoff(n, rand=lambda: 0.0) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert policy.backoff(1, rand=lambda: 1.0) == pytest.approx(0.75)
