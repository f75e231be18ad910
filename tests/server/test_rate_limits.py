"""The local server's rate limits over HTTP: headers, 429 bodies, per-key buckets, control API, CLI flags."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest
from server_helpers import assert_error

from openai_audio.testing import AudioServer

CONSENTS = "/audio/voice_consents"
SPEECH = {"model": "tts-1", "input": "Hi.", "voice": "alloy", "response_format": "wav"}


class FakeClock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="module")
def limited_server(clock: FakeClock) -> Iterator[AudioServer]:
    with AudioServer(api_keys=["sk-one", "sk-two"], requests_per_minute=120, clock=clock) as server:
        yield server


@pytest.fixture
def limited(limited_server: AudioServer) -> AudioServer:
    limited_server.reset()  # back to 120/min, full buckets
    return limited_server


def api(server: AudioServer, key: str | None = None) -> httpx.Client:
    return httpx.Client(
        base_url=server.base_url,
        headers={"Authorization": f"Bearer {server.api_key if key is None else key}"},
        timeout=30,
    )


def test_replies_carry_the_headers_and_over_the_limit_is_an_openai_429(limited: AudioServer) -> None:
    with api(limited) as c:
        first = c.get(CONSENTS)
        second = c.get(CONSENTS)
        refused = c.post("/audio/speech", json=SPEECH, headers={"OpenAI-Organization": "org-abc"})
    assert first.status_code == 200
    assert first.headers["x-ratelimit-limit-requests"] == "120"
    assert first.headers["x-ratelimit-remaining-requests"] == "1"
    assert first.headers["x-ratelimit-reset-requests"] == "500ms"
    assert second.headers["x-ratelimit-remaining-requests"] == "0"
    assert_error(refused, 429, code="rate_limit_exceeded")
    assert refused.json()["error"] == {
        "message": "Rate limit reached for tts-1 in organization org-abc on requests per min (RPM): "
        "Limit 120, Used 120, Requested 1. Please try again in 500ms. "
        "Visit https://platform.openai.com/account/rate-limits to learn more.",
        "type": "requests",
        "param": None,
        "code": "rate_limit_exceeded",
    }
    assert refused.headers["retry-after-ms"] == "500"
    assert refused.headers["retry-after"] == "1"
    assert refused.headers["x-ratelimit-remaining-requests"] == "0"
    assert [r.status for r in limited.requests] == [200, 200, 429]


def test_an_upload_refused_names_its_model_and_the_connection_stays_usable(
    limited: AudioServer, clock: FakeClock
) -> None:
    files = {"file": ("a.wav", b"RIFF....WAVE", "audio/wav")}
    with api(limited) as c:
        c.get(CONSENTS)
        c.get(CONSENTS)
        refused = c.post("/audio/transcriptions", data={"model": "whisper-1"}, files=files)
        clock.now += 0.5  # one token back
        after = c.get(CONSENTS)
    assert "Rate limit reached for whisper-1 in organization org-local" in refused.json()["error"]["message"]
    assert after.status_code == 200


def test_the_bucket_refills_continuously_and_refusals_take_nothing(
    limited: AudioServer, clock: FakeClock
) -> None:
    with api(limited) as c:
        statuses = [c.get(CONSENTS).status_code for _ in range(4)]
        clock.now += 0.25
        assert c.get(CONSENTS).status_code == 429
        clock.now += 0.25
        statuses.append(c.get(CONSENTS).status_code)
    assert statuses == [200, 200, 429, 429, 200]


def test_each_key_has_its_own_bucket(limited: AudioServer) -> None:
    with api(limited, "sk-one") as one, api(limited, "sk-two") as two:
        assert [one.get(CONSENTS).status_code for _ in range(3)] == [200, 200, 429]
        assert two.get(CONSENTS).status_code == 200


def test_unlimited_servers_send_no_rate_limit_headers(audio_server_clean: AudioServer) -> None:
    with api(audio_server_clean) as c:
        response = c.get(CONSENTS)
    assert response.status_code == 200
    assert not [name for name in response.headers if name.startswith("x-ratelimit")]


def test_limits_per_test_in_process_and_through_the_control_api(audio_server_clean: AudioServer) -> None:
    server = audio_server_clean
    control = server.base_url.removesuffix("/v1") + "/__control/rate_limits"
    with api(server) as c:
        server.set_rate_limit(60)
        assert [c.get(CONSENTS).status_code for _ in range(2)] == [200, 429]
        assert httpx.get(control).json() == {"requests_per_minute": 60, "insufficient_quota": False}
        set_quota = httpx.post(control, json={"requests_per_minute": None, "insufficient_quota": True})
        assert set_quota.json() == {"requests_per_minute": None, "insufficient_quota": True}
        exhausted = c.get(CONSENTS)
        assert_error(exhausted, 429, code="insufficient_quota")
        assert exhausted.json()["error"]["type"] == "insufficient_quota"
        assert "retry-after-ms" not in exhausted.headers
        assert httpx.post(control, json={"requests_per_minute": 0}).status_code == 400
        assert httpx.post(control, json={"rpm": 5}).status_code == 400
        server.reset()  # the session server starts unlimited, and goes back to that
        assert [c.get(CONSENTS).status_code for _ in range(5)] == [200] * 5


def test_an_unauthenticated_request_takes_no_token(limited: AudioServer) -> None:
    with api(limited, "wrong") as anonymous, api(limited) as c:
        assert anonymous.get(CONSENTS).status_code == 401
        assert [c.get(CONSENTS).status_code for _ in range(3)] == [200, 200, 429]


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "openai_audio.testing"],
        [sys.executable, "-c", "from openai_audio.cli import main; main()", "serve"],
    ],
)
def test_command_lines_take_requests_per_minute(command: list[str]) -> None:
    proc = subprocess.Popen(
        [*command, "--port", "0", "--requests-per-minute", "60"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().strip()
        with httpx.Client(base_url=base_url, headers={"Authorization": "Bearer sk-x"}, timeout=10) as c:
            replies = [c.get(CONSENTS) for _ in range(2)]
        assert [r.status_code for r in replies] == [200, 429]
        assert replies[0].headers["x-ratelimit-limit-requests"] == "60"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
