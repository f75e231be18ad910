"""transcriptions.create_many: results as they complete, lazy and bounded, paced, stopped by quota."""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from openai_audio import AsyncAudioClient, AudioClient, BatchResult, errors
from openai_audio._batching import AsyncBatchRunner, BatchRunner
from openai_audio.testing import AudioServer

TRANSCRIPTIONS = "/v1/audio/transcriptions"


@pytest.fixture
def limited(audio_server_clean: AudioServer) -> AudioServer:
    return audio_server_clean  # its reset() lifts any limit a test sets


@pytest.fixture
def files(client: AudioClient, tmp_path: Path) -> dict[Path, str]:
    texts = {tmp_path / f"clip{i:02d}.wav": f"Clip number {i}." for i in range(12)}
    for path, text in texts.items():
        path.write_bytes(client.speech.create(text, voice="alloy", response_format="wav"))
    return texts


def test_sync_yields_every_result_with_its_input(
    client: AudioClient, files: dict[Path, str], tmp_path: Path
) -> None:
    inputs = [*files, tmp_path / "missing.wav"]
    with client.transcriptions.create_many(inputs, concurrency=4) as outcomes:
        seen = list(outcomes)
    assert sorted(o.index for o in seen) == list(range(len(inputs)))
    for outcome in seen:
        assert outcome.input == inputs[outcome.index]
        if outcome.input in files:
            assert outcome.ok and outcome.result is not None
            assert outcome.result.text == files[outcome.input]  # type: ignore[union-attr]
        else:
            assert not outcome.ok and isinstance(outcome.error, errors.InvalidArgumentError)


async def test_async_yields_via_async_for(aclient: AsyncAudioClient, files: dict[Path, str]) -> None:
    texts: dict[Path, str] = {}
    async with aclient.transcriptions.create_many(
        files, model="whisper-1", response_format="text", concurrency=5
    ) as outcomes:
        async for outcome in outcomes:
            assert isinstance(outcome, BatchResult) and outcome.error is None
            texts[outcome.input] = outcome.result  # type: ignore[index,assignment]
    assert {path: text.strip() for path, text in texts.items()} == files


def test_bad_arguments_are_refused_before_anything_is_sent(
    server: AudioServer, client: AudioClient, files: dict[Path, str]
) -> None:
    server.clear_requests()
    with pytest.raises(errors.InvalidArgumentError) as caught:
        client.transcriptions.create_many(files, concurrency=0)
    assert caught.value.argument == "concurrency"
    with pytest.raises(errors.InvalidArgumentError) as caught:
        client.transcriptions.create_many(files, response_format="srt")  # not with gpt-4o-transcribe
    assert caught.value.argument == "response_format"
    with pytest.raises(errors.InvalidArgumentError) as caught:
        client.transcriptions.create_many(files, temperature=3)
    assert caught.value.argument == "temperature"
    assert not server.requests


class Counting:
    """10,000 inputs, pulled one at a time; counts how far ahead of the results the runner reads."""

    def __init__(self, n: int = 10_000) -> None:
        self.pulled = 0
        self.n = n

    def __iter__(self) -> Iterator[int]:
        for i in range(self.n):
            self.pulled += 1
            yield i


def test_sync_runner_reads_lazily_and_keeps_at_most_concurrency_in_flight() -> None:
    inputs = Counting()
    lock = threading.Lock()
    in_flight = peak = 0

    def call(i: int) -> int:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        with lock:
            in_flight -= 1
        return i * 2

    received = 0
    with BatchRunner(call, inputs, 8) as outcomes:
        for outcome in outcomes:
            received += 1
            assert outcome.result == outcome.index * 2
            assert inputs.pulled <= received + 8  # never reads far ahead of what it has handed out
    assert received == 10_000 and peak <= 8


async def test_async_runner_reads_lazily_and_stops_on_break() -> None:
    inputs = Counting()
    in_flight = peak = 0
    cancelled = 0

    async def call(i: int) -> int:
        nonlocal in_flight, peak, cancelled
        in_flight += 1
        peak = max(peak, in_flight)
        try:
            await asyncio.sleep(0)
            return i
        except asyncio.CancelledError:
            cancelled += 1
            raise
        finally:
            in_flight -= 1

    received = 0
    async with AsyncBatchRunner(call, inputs, 16) as outcomes:
        async for _ in outcomes:
            received += 1
            assert inputs.pulled <= received + 16
            if received == 5_000:
                break
    assert inputs.pulled <= 5_000 + 16 and peak <= 16
    assert in_flight == 0  # leaving the block cancelled what was still running


def test_an_exhausted_quota_starts_nothing_more_and_raises(
    limited: AudioServer, client: AudioClient, files: dict[Path, str]
) -> None:
    limited.set_rate_limit(None, insufficient_quota=True)
    outcomes = client.transcriptions.create_many(itertools.cycle(files), concurrency=3)
    seen: list[BatchResult[object, object]] = []

    def consume() -> None:
        with outcomes:
            seen.extend(outcomes)

    with pytest.raises(errors.RateLimitError) as caught:
        consume()
    assert caught.value.code == "insufficient_quota"
    assert 1 <= len(seen) <= 3 and all(o.error is not None for o in seen)
    assert sum(r.path == TRANSCRIPTIONS for r in limited.requests) == len(seen)


async def test_a_batch_over_the_limit_is_paced(limited: AudioServer, files: dict[Path, str]) -> None:
    limited.set_rate_limit(1200)  # a bucket of 20; 48 requests, 16 at a time
    async with AsyncAudioClient(base_url=limited.base_url, api_key=limited.api_key) as client:
        async with client.transcriptions.create_many(list(files) * 4, concurrency=16) as outcomes:
            results = [o async for o in outcomes]
    assert len(results) == 48 and all(o.ok for o in results)
    statuses = [r.status for r in limited.requests if r.path == TRANSCRIPTIONS]
    assert statuses.count(200) == 48 and statuses.count(429) <= 5
