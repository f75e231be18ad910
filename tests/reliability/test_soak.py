"""Soak: mixed traffic over all 9 operations, sync and async at once, against ~25 % injected faults.

Size: ``OPENAI_AUDIO_SOAK_REQUESTS`` (default 600, ``make soak`` uses 5000); plan seed:
``OPENAI_AUDIO_SOAK_SEED``. What it proves, with max_retries=6 and a 1 s read timeout:

* zero failures under 429 (Retry-After), 500/503, mid-body connection drops and 2 s stalls;
* every upload arrives byte-exact on every attempt (server-side sha256 and size, found by a
  unique filename), and every answer belongs to its own request (the transcript is the text
  embedded in that upload's WAV);
* every download equals a fault-free reference download of the same input (and WAV carries its
  text), whether created whole, streamed, saved atomically or sent as SSE;
* afterwards no file descriptor, connection or ``.part`` file is left behind.

The guarantee for drops is exact: a drop while a non-streamed ``GET`` body is read is retried by
the transport. A drop after a success status of a ``POST`` or ``DELETE`` is never retried (the
work was done; sending it again could do it twice: ``tests/core/test_retries.py`` proves that), so
drops are planned only for non-streamed GETs. A streamed body (``stream()``, ``save()``,
``stream_events()``, ``transcriptions.stream()``) cannot be replayed either, so a drop there raises
APIConnectionError and the *test* retries the whole call (counted in ``stream_restarts``).
DELETE gets no stall: the server would perform it and the retry would 404.
"""

from __future__ import annotations

import asyncio
import gc
import io
import os
import random
import threading
from collections import Counter
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from openai_audio import AsyncAudioClient, AudioClient
from openai_audio.errors import APIConnectionError, APITimeoutError
from openai_audio.testing import AudioServer

from .conftest import SOAK_REQUESTS, SOAK_SEED, embedded_text, sha256, text_wav

SPEECH = "/v1/audio/speech"
TRANSCRIBE = "/v1/audio/transcriptions"
TRANSLATE = "/v1/audio/translations"
CONSENTS = "/v1/audio/voice_consents"
VOICES = "/v1/audio/voices"

FAULT_RATE = 0.25
READ_TIMEOUT = 1.0
STALL = 2.0
WORKERS = 4  # threads for the sync half, and concurrent tasks for the async half
PHRASES = [f"Soak phrase number {i}, with some words." for i in range(12)]
FORMATS = ("wav", "pcm", "mp3")

# operation -> (path, method, streamed, weight)
OPERATIONS: dict[str, tuple[str, str, bool, int]] = {
    "speech.create": (SPEECH, "POST", False, 3),
    "speech.stream": (SPEECH, "POST", True, 1),
    "speech.save": (SPEECH, "POST", True, 1),
    "speech.stream_events": (SPEECH, "POST", True, 1),
    "transcriptions.create": (TRANSCRIBE, "POST", False, 3),
    "transcriptions.stream": (TRANSCRIBE, "POST", True, 1),
    "translations.create": (TRANSLATE, "POST", False, 2),
    "voice_consents.create": (CONSENTS, "POST", False, 2),
    "voice_consents.retrieve": (CONSENTS, "GET", False, 2),
    "voice_consents.update": (CONSENTS, "POST", False, 1),
    "voice_consents.list": (CONSENTS, "GET", False, 1),
    "voice_consents.delete": (CONSENTS, "DELETE", False, 1),
    "voices.create": (VOICES, "POST", False, 1),
}
UPLOADS = {
    "transcriptions.create",
    "transcriptions.stream",
    "translations.create",
    "voice_consents.create",
    "voices.create",
}


@dataclass
class Job:
    index: int
    op: str
    faults: list[dict[str, Any]]
    phrase: str = ""
    fmt: str = "wav"
    payload: bytes = b""
    filename: str = ""
    input_kind: str = "bytes"


@dataclass
class Tally:
    done: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    stream_restarts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _fault(rng: random.Random, op: str) -> dict[str, Any]:
    _, method, streamed, _ = OPERATIONS[op]
    kinds = ["rate_limit", "server_error", "unavailable", "stall"]
    if not streamed and method == "GET":
        kinds.append("drop")
    if method == "DELETE":
        kinds.remove("stall")
    kind = rng.choice(kinds)
    spec: dict[str, Any] = {"kind": kind}
    if kind == "rate_limit":
        spec["retry_after_ms"] = 10
    elif kind in ("server_error", "unavailable") and rng.random() < 0.5:
        spec["retry_after_ms"] = 10  # the other half waits the exponential backoff
    elif kind == "stall":
        spec["stall"] = STALL
    return spec


def plan(n: int, seed: int) -> list[Job]:
    """The whole run, decided up front from the seed: operations, faults, inputs."""
    rng = random.Random(seed)
    names = list(OPERATIONS)
    weights = [OPERATIONS[name][3] for name in names]
    jobs = []
    for index in range(n):
        op = rng.choices(names, weights)[0]
        faults = []
        if rng.random() < FAULT_RATE:
            faults = [_fault(rng, op) for _ in range(1 if rng.random() < 0.8 else 2)]
        job = Job(index, op, faults, phrase=rng.choice(PHRASES), fmt=rng.choice(FORMATS))
        if op in UPLOADS:
            job.filename = f"soak-{seed}-{index:05d}.wav"
            job.payload = text_wav(
                f"soak upload {index} {rng.randrange(10**9)}", rng.randrange(2_000, 96_000), rng
            )
            job.input_kind = rng.choice(["bytes", "path", "seekable", "non_seekable"])
        jobs.append(job)
    return jobs


class OneWay(io.RawIOBase):
    """A pipe-like stream: readable once, not seekable (the client must spool it to retry)."""

    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        chunk = self._inner.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def file_input(job: Job, folder: Path) -> Any:
    if job.input_kind == "path":
        path = folder / job.filename
        path.write_bytes(job.payload)
        return path
    if job.input_kind == "seekable":
        return (job.filename, io.BytesIO(job.payload), "audio/wav")
    if job.input_kind == "non_seekable":
        return (job.filename, OneWay(job.payload), "audio/wav")
    return (job.filename, job.payload)


class Context:
    """What every worker shares: server, references, consent pool, output folder, tallies."""

    def __init__(self, server: AudioServer, folder: Path, references: dict[tuple[str, str], bytes]) -> None:
        self.server = server
        self.folder = folder
        self.references = references
        self.consents: list[str] = []
        self.tally = Tally()

    def inject(self, job: Job) -> None:
        path, method, _, _ = OPERATIONS[job.op]
        for spec in job.faults:
            self.server.inject(
                spec["kind"], path=path, method=method, **{k: v for k, v in spec.items() if k != "kind"}
            )
            with self.tally.lock:
                self.tally.faults[spec["kind"]] += 1

    def restarted(self) -> None:
        with self.tally.lock:
            self.tally.stream_restarts += 1

    def finished(self, job: Job) -> None:
        with self.tally.lock:
            self.tally.done[job.op] += 1


def check_speech(ctx: Context, job: Job, audio: bytes) -> None:
    assert audio == ctx.references[(job.phrase, job.fmt)], f"job {job.index}: audio differs from reference"
    if job.fmt == "wav":
        assert embedded_text(audio) == job.phrase


def restart_streamed(ctx: Context, job: Job, call: Callable[[], Any]) -> Any:
    """Run a streamed call; a drop mid-body is not replayable by design, so start it again here."""
    for _ in range(5):
        try:
            return call()
        except APIConnectionError as exc:
            if isinstance(exc, APITimeoutError):
                raise  # timeouts before the body are the transport's job: never expected here
            ctx.restarted()
            if job.op == "speech.save":  # atomic: a failed save leaves no target behind
                assert not (ctx.folder / f"save-{job.index}.{job.fmt}").exists()
    raise AssertionError(f"job {job.index}: streamed call failed 5 times")


def run_sync(client: AudioClient, ctx: Context, job: Job) -> None:
    ctx.inject(job)
    op = job.op
    if op == "speech.create":
        check_speech(ctx, job, client.speech.create(job.phrase, voice="alloy", response_format=job.fmt))  # type: ignore[arg-type]
    elif op == "speech.stream":
        audio = restart_streamed(
            ctx,
            job,
            lambda: b"".join(client.speech.stream(job.phrase, voice="alloy", response_format=job.fmt)),  # type: ignore[arg-type]
        )
        check_speech(ctx, job, audio)
    elif op == "speech.save":
        target = ctx.folder / f"save-{job.index}.{job.fmt}"
        restart_streamed(ctx, job, lambda: client.speech.save(job.phrase, target, voice="alloy"))
        check_speech(ctx, job, target.read_bytes())
    elif op == "speech.stream_events":
        events = restart_streamed(
            ctx,
            job,
            lambda: list(client.speech.stream_events(job.phrase, voice="alloy", response_format=job.fmt)),  # type: ignore[arg-type]
        )
        assert events[-1].type == "speech.audio.done"
        check_speech(ctx, job, b"".join(e.audio_bytes for e in events[:-1]))
    elif op == "transcriptions.create":
        result = client.transcriptions.create(file_input(job, ctx.folder))
        assert result.text == embedded_text(job.payload)
    elif op == "transcriptions.stream":
        events = restart_streamed(
            ctx, job, lambda: list(client.transcriptions.stream(file_input(job, ctx.folder)))
        )
        assert events[-1].text == embedded_text(job.payload)
    elif op == "translations.create":
        assert client.translations.create(file_input(job, ctx.folder)).text == embedded_text(job.payload)
    elif op == "voice_consents.create":
        consent = client.voice_consents.create(
            name=f"c{job.index}", recording=file_input(job, ctx.folder), language="en"
        )
        assert consent.name == f"c{job.index}"
    elif op == "voice_consents.retrieve":
        consent_id = ctx.consents[job.index % len(ctx.consents)]
        assert client.voice_consents.retrieve(consent_id).id == consent_id
    elif op == "voice_consents.update":
        consent_id = ctx.consents[job.index % len(ctx.consents)]
        assert (
            client.voice_consents.update(consent_id, name=f"renamed {job.index}").name
            == f"renamed {job.index}"
        )
    elif op == "voice_consents.list":
        page = client.voice_consents.list(limit=5)
        assert len(page.data) <= 5 and all(c.id.startswith("cons_") for c in page.data)
    elif op == "voice_consents.delete":
        # Its own consent, created without a planned fault, so the delete is the job's one faulted call.
        job_faults, job.faults = job.faults, []
        own = client.voice_consents.create(name="to delete", recording=text_wav("d", 2_000), language="en")
        job.faults = job_faults
        ctx.inject(job)
        assert client.voice_consents.delete(own.id).deleted is True
    elif op == "voices.create":
        consent = ctx.consents[job.index % len(ctx.consents)]
        voice = client.voices.create(
            name=f"v{job.index}", audio_sample=file_input(job, ctx.folder), consent=consent
        )
        assert voice.id.startswith("voice_")
    ctx.finished(job)


async def restart_streamed_async(ctx: Context, job: Job, call: Callable[[], Awaitable[Any]]) -> Any:
    for _ in range(5):
        try:
            return await call()
        except APIConnectionError as exc:
            if isinstance(exc, APITimeoutError):
                raise
            ctx.restarted()
            if job.op == "speech.save":
                assert not (ctx.folder / f"save-{job.index}.{job.fmt}").exists()
    raise AssertionError(f"job {job.index}: streamed call failed 5 times")


async def run_async(client: AsyncAudioClient, ctx: Context, job: Job) -> None:
    # inject() is a thread-safe in-process call that never blocks on I/O.
    ctx.inject(job)
    op = job.op
    fmt: Any = job.fmt
    if op == "speech.create":
        check_speech(ctx, job, await client.speech.create(job.phrase, voice="alloy", response_format=fmt))
    elif op == "speech.stream":

        async def stream() -> bytes:
            async with client.speech.stream(job.phrase, voice="alloy", response_format=fmt) as audio:
                return b"".join([chunk async for chunk in audio])

        check_speech(ctx, job, await restart_streamed_async(ctx, job, stream))
    elif op == "speech.save":
        target = ctx.folder / f"save-{job.index}.{job.fmt}"
        await restart_streamed_async(ctx, job, lambda: client.speech.save(job.phrase, target, voice="alloy"))
        check_speech(ctx, job, target.read_bytes())
    elif op == "speech.stream_events":

        async def events() -> list[Any]:
            async with client.speech.stream_events(job.phrase, voice="alloy", response_format=fmt) as source:
                return [event async for event in source]

        got = await restart_streamed_async(ctx, job, events)
        assert got[-1].type == "speech.audio.done"
        check_speech(ctx, job, b"".join(e.audio_bytes for e in got[:-1]))
    elif op == "transcriptions.create":
        result = await client.transcriptions.create(file_input(job, ctx.folder))
        assert result.text == embedded_text(job.payload)
    elif op == "transcriptions.stream":

        async def transcript() -> list[Any]:
            async with client.transcriptions.stream(file_input(job, ctx.folder)) as source:
                return [event async for event in source]

        got = await restart_streamed_async(ctx, job, transcript)
        assert got[-1].text == embedded_text(job.payload)
    elif op == "translations.create":
        result = await client.translations.create(file_input(job, ctx.folder))
        assert result.text == embedded_text(job.payload)
    elif op == "voice_consents.create":
        consent = await client.voice_consents.create(
            name=f"c{job.index}", recording=file_input(job, ctx.folder), language="en"
        )
        assert consent.name == f"c{job.index}"
    elif op == "voice_consents.retrieve":
        consent_id = ctx.consents[job.index % len(ctx.consents)]
        assert (await client.voice_consents.retrieve(consent_id)).id == consent_id
    elif op == "voice_consents.update":
        consent_id = ctx.consents[job.index % len(ctx.consents)]
        renamed = await client.voice_consents.update(consent_id, name=f"renamed {job.index}")
        assert renamed.name == f"renamed {job.index}"
    elif op == "voice_consents.list":
        page = await client.voice_consents.list(limit=5)
        assert len(page.data) <= 5
    elif op == "voice_consents.delete":
        job_faults, job.faults = job.faults, []
        own = await client.voice_consents.create(
            name="to delete", recording=text_wav("d", 2_000), language="en"
        )
        job.faults = job_faults
        ctx.inject(job)
        assert (await client.voice_consents.delete(own.id)).deleted is True
    elif op == "voices.create":
        consent = ctx.consents[job.index % len(ctx.consents)]
        voice = await client.voices.create(
            name=f"v{job.index}", audio_sample=file_input(job, ctx.folder), consent=consent
        )
        assert voice.id.startswith("voice_")
    ctx.finished(job)


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def busy_connections(pool: Any) -> list[Any]:
    """httpcore connections still serving a request (idle keep-alive ones are fine)."""
    return [c for c in pool.connections if not (c.is_idle() or c.is_closed())]


def references(server: AudioServer) -> dict[tuple[str, str], bytes]:
    """Fault-free downloads of every phrase in every format, from a separate client."""
    with AudioClient(base_url=server.base_url, api_key=server.api_key, max_retries=0) as client:
        return {
            (phrase, fmt): client.speech.create(phrase, voice="alloy", response_format=fmt)  # type: ignore[arg-type]
            for phrase in PHRASES
            for fmt in FORMATS
        }


@pytest.mark.soak
@pytest.mark.slow
@pytest.mark.timeout(120 + SOAK_REQUESTS // 10)
@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts file descriptors in /proc")
def test_soak_mixed_traffic_with_faults_loses_nothing(tmp_path: Path) -> None:
    jobs = plan(SOAK_REQUESTS, SOAK_SEED)
    gc.collect()
    fds_before = open_fds()

    # A dedicated server (faults must not leak) whose log keeps every request of the run.
    server = AudioServer(host="127.0.0.1", port=0, max_logged_requests=None).start()
    try:
        ctx = Context(server, tmp_path, references(server))
        with AudioClient(base_url=server.base_url, api_key=server.api_key, max_retries=0) as setup:
            ctx.consents = [
                setup.voice_consents.create(
                    name=f"pool {i}", recording=text_wav(f"p{i}", 4_000), language="en"
                ).id
                for i in range(8)
            ]
        timeout = httpx.Timeout(READ_TIMEOUT, connect=5.0)
        sync_client = AudioClient(
            base_url=server.base_url, api_key=server.api_key, max_retries=6, timeout=timeout
        )

        async def async_half() -> None:
            gate = asyncio.Semaphore(WORKERS)

            async def one(job: Job) -> None:
                async with gate:
                    await run_async(aclient, ctx, job)

            async with AsyncAudioClient(
                base_url=server.base_url, api_key=server.api_key, max_retries=6, timeout=timeout
            ) as aclient:
                await asyncio.gather(*(one(job) for job in jobs[1::2]))
                assert busy_connections(aclient._pool._transport._pool) == []  # type: ignore[attr-defined]

        with ThreadPoolExecutor(WORKERS) as pool:
            futures = [pool.submit(run_sync, sync_client, ctx, job) for job in jobs[0::2]]
            asyncio.run(async_half())
            for future in futures:
                future.result()  # re-raises the first failure with its traceback
        assert busy_connections(sync_client._pool._transport._pool) == []  # type: ignore[attr-defined]
        sync_client.close()
        assert sync_client._pool._transport._pool.connections == []  # type: ignore[attr-defined]

        tally = ctx.tally
        assert sum(tally.done.values()) == len(jobs), "every job completed"
        assert set(tally.done) == set(OPERATIONS), "every operation was exercised"
        # Every injected fault was consumed: no request slipped past the plan.
        assert server.faults == []
        log = server.requests
    finally:
        server.stop()

    # Every upload: each attempt that reached the server carried the exact bytes, one attempt succeeded.
    by_name: dict[str, list[Any]] = {}
    for record in log:
        for upload in record.uploads:
            if upload.filename:
                by_name.setdefault(upload.filename, []).append((record.status, upload))
    for job in jobs:
        if job.op not in UPLOADS:
            continue
        seen = by_name.get(job.filename, [])
        assert any(status == 200 for status, _ in seen), f"{job.filename} never arrived"
        for _, upload in seen:
            assert (upload.sha256, upload.size) == (sha256(job.payload), len(job.payload)), job.filename

    assert list(tmp_path.glob(".*.part")) == [], "save() left temporary files behind"
    gc.collect()
    leaked = open_fds() - fds_before
    assert leaked <= 2, f"{leaked} file descriptors more than before the soak"
    planned = Counter(spec["kind"] for job in jobs for spec in job.faults)
    print(
        f"\nsoak: {len(jobs)} jobs, faults {dict(planned)}, streamed restarts {tally.stream_restarts}, "
        f"log {len(log)} requests, fd delta {leaked}"
    )
