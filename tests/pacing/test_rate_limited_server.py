"""Pacing through the clients against the rate-limited local server: counts of 429s and successes.

The deadline tests drive the retry transport with a fake clock and a recording sleep; the
concurrency tests run for real over loopback and assert what happened, never how long it took.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import httpx
import pytest

from openai_audio import AsyncAudioClient, AudioClient, errors
from openai_audio._ratelimit import Pacer
from openai_audio.testing import AudioServer

CONSENTS = "/v1/audio/voice_consents"
TRANSCRIPTIONS = "/v1/audio/transcriptions"


@pytest.fixture
def server(audio_server_clean: AudioServer) -> AudioServer:
    return audio_server_clean  # reset() afterwards also lifts the limit


@pytest.fixture(scope="module")
def wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from openai_audio.testing._audio import pcm_chunks, pcm_size, wav_header

    path = tmp_path_factory.mktemp("audio") / "hello.wav"
    text = "hello there"
    path.write_bytes(wav_header(pcm_size(text, 1.0), text) + b"".join(pcm_chunks(text, 1.0)))
    return path


def statuses(server: AudioServer, path: str) -> list[int]:
    return [r.status for r in server.requests if r.path == path]


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def fake_time_client(server: AudioServer, fake: FakeTime, *, paced: bool, **options: object) -> AudioClient:
    pacer = Pacer(clock=fake.clock, sleep=fake.sleep, rand=lambda: 0.0) if paced else None
    client = AudioClient(base_url=server.base_url, api_key=server.api_key, **options)  # type: ignore[arg-type]
    # The client's retry transport (max_retries and rate_limit_timeout from the client) on fake time.
    client._set_retry_clock(fake.sleep, lambda: 0.0, clock=fake.clock, pacer=pacer)
    return client


@pytest.mark.parametrize("paced", [False, True])
def test_rate_limited_429s_are_retried_until_the_deadline_not_a_count(
    server: AudioServer, paced: bool
) -> None:
    fake = FakeTime()
    server.inject("rate_limit", count=5, path=CONSENTS, retry_after_ms=3000)
    with fake_time_client(server, fake, paced=paced) as client:  # max_retries=2, yet 5 429s pass
        assert client.voice_consents.list().data is not None
    assert statuses(server, CONSENTS) == [429] * 5 + [200]
    assert fake.now == pytest.approx(15.0)  # 3 s each time, as the server asked


@pytest.mark.parametrize("paced", [False, True])
def test_past_the_deadline_the_429_is_raised(server: AudioServer, paced: bool) -> None:
    fake = FakeTime()
    server.inject("rate_limit", count=100, path=CONSENTS, retry_after_ms=3000)
    with fake_time_client(server, fake, paced=paced, rate_limit_timeout=10.0) as client:
        with pytest.raises(errors.RateLimitError) as caught:
            client.voice_consents.list()
    assert caught.value.code == "rate_limit_exceeded"
    # Sent at 0, 3, 6 and 9 s; waiting 3 s more would pass the 10 s deadline.
    assert statuses(server, CONSENTS) == [429] * 4
    assert fake.now == pytest.approx(9.0)


@pytest.mark.parametrize("paced", [False, True])
def test_insufficient_quota_is_final(server: AudioServer, paced: bool) -> None:
    fake = FakeTime()
    server.set_rate_limit(None, insufficient_quota=True)
    with fake_time_client(server, fake, paced=paced) as client:
        with pytest.raises(errors.RateLimitError) as caught:
            client.voice_consents.list()
    assert caught.value.code == "insufficient_quota" and caught.value.type == "insufficient_quota"
    assert statuses(server, CONSENTS) == [429]
    assert fake.slept == []


def test_max_retries_zero_still_means_no_retry(server: AudioServer) -> None:
    server.inject("rate_limit", path=CONSENTS, retry_after_ms=1)
    with AudioClient(base_url=server.base_url, api_key=server.api_key, max_retries=0) as client:
        with pytest.raises(errors.RateLimitError):
            client.voice_consents.list()
    assert statuses(server, CONSENTS) == [429]


def test_with_options_copies_share_the_pacer_and_take_their_own_deadline(server: AudioServer) -> None:
    with AudioClient(base_url=server.base_url, api_key=server.api_key, rate_limit_timeout=30) as client:
        copy = client.with_options(rate_limit_timeout=0)
        server.inject("rate_limit", path=CONSENTS, retry_after_ms=1)
        with pytest.raises(errors.RateLimitError):
            copy.voice_consents.list()  # a deadline of 0: the first 429 is final
        server.inject("rate_limit", path=CONSENTS, retry_after_ms=1)
        assert client.voice_consents.list().data is not None
        transports = {id(t.pacer) for t in [client.http_client._transport, copy.http_client._transport]}  # type: ignore[attr-defined]
    assert len(transports) == 1
    assert statuses(server, CONSENTS) == [429, 429, 200]


@pytest.mark.parametrize("bad", [-1, float("nan"), "10", True])
def test_bad_pacing_options_name_the_argument(bad: object) -> None:
    with pytest.raises((errors.InvalidArgumentError, errors.InvalidArgumentTypeError)) as caught:
        AudioClient(api_key="sk-x", rate_limit_timeout=bad)  # type: ignore[arg-type]
    assert caught.value.argument == "rate_limit_timeout"
    with pytest.raises((errors.InvalidArgumentError, errors.InvalidArgumentTypeError)) as caught:
        AudioClient(api_key="sk-x", requests_per_minute=0 if bad == -1 else bad)  # type: ignore[arg-type]
    assert caught.value.argument == "requests_per_minute"


async def test_asyncio_gather_runs_near_the_limit_not_into_it(server: AudioServer, wav: Path) -> None:
    # 1,200/min: the server's bucket holds 20. 60 at once would get 40 refusals without pacing.
    server.set_rate_limit(1200)
    async with AsyncAudioClient(base_url=server.base_url, api_key=server.api_key) as client:
        results = await asyncio.gather(*(client.transcriptions.create(wav) for _ in range(60)))
    assert len(results) == 60 and all(r.text for r in results)
    seen = statuses(server, TRANSCRIPTIONS)
    assert seen.count(200) == 60
    # A busy machine delays a few sends (a refusal or two each way); a herd would cost dozens.
    assert seen.count(429) <= 5


def test_threads_share_one_clients_pace(server: AudioServer) -> None:
    server.set_rate_limit(1200)
    failures: list[BaseException] = []
    with AudioClient(base_url=server.base_url, api_key=server.api_key) as client:

        def work() -> None:
            try:
                for _ in range(8):
                    client.voice_consents.list()
            except BaseException as exc:  # reported below
                failures.append(exc)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert not failures
    seen = statuses(server, CONSENTS)
    assert seen.count(200) == 64
    assert seen.count(429) <= 5  # a few at most on a busy machine; unpaced: 10+


async def test_without_pacing_the_same_work_runs_into_the_limit(server: AudioServer) -> None:
    # The control for the two tests above: the official SDK's way (no pacer) gets refusals.
    server.set_rate_limit(1200)
    async with httpx.AsyncClient(
        base_url=server.base_url, headers={"Authorization": f"Bearer {server.api_key}"}
    ) as http:
        answers = await asyncio.gather(*(http.get("/audio/voice_consents") for _ in range(60)))
    assert sum(a.status_code == 429 for a in answers) >= 10  # 40 when all arrive within a second
