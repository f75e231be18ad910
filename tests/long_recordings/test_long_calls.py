"""Long recordings through the public API against the local server (sync and async).

"Long" here is a few seconds: the limits are overridden per call (as for an OpenAI-compatible
server), which exercises exactly the code that OpenAI's 25 MB / 1500 s limits trigger.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from helpers.synthetic_speech import sentence_text, speech_wav
from openai_audio import AsyncAudioClient, AudioClient, InvalidArgumentError
from openai_audio.testing import AudioServer
from openai_audio.types import TranscriptTextDeltaEvent, TranscriptTextDoneEvent, TranscriptTextSegmentEvent

PATH = "/v1/audio/transcriptions"
TEXT = sentence_text(90)  # about 33 s of speech
LIMITS: dict[str, Any] = {"max_duration": 8.0}


@pytest.fixture
def server(audio_server: AudioServer) -> Iterator[AudioServer]:
    audio_server.clear_faults()
    audio_server.clear_requests()
    try:
        yield audio_server
    finally:
        audio_server.clear_faults()
        audio_server.clear_requests()


@pytest.fixture
def client(server: AudioServer) -> Iterator[AudioClient]:
    with AudioClient(base_url=server.base_url, api_key=server.api_key, max_retries=2, timeout=60) as c:
        yield c


@pytest.fixture
async def aclient(server: AudioServer) -> AsyncIterator[AsyncAudioClient]:
    async with AsyncAudioClient(
        base_url=server.base_url, api_key=server.api_key, max_retries=2, timeout=60
    ) as c:
        yield c


@pytest.fixture(scope="module")
def long_wav() -> bytes:
    return speech_wav(TEXT)


def _uploads(server: AudioServer, path: str = PATH) -> list[Any]:
    return [r.uploads[0] for r in server.requests if r.path == path and r.status == 200]


def test_a_recording_within_the_limits_goes_out_exactly_as_before(
    client: AudioClient, server: AudioServer
) -> None:
    short = speech_wav("Hello there, short one.")
    result = client.transcriptions.create(("short.wav", short), model="whisper-1")
    assert result.text == "Hello there, short one."
    (upload,) = _uploads(server)
    assert (upload.filename, upload.size, upload.sha256) == (
        "short.wav",
        len(short),
        hashlib.sha256(short).hexdigest(),
    )


def test_over_the_limit_it_is_split_into_chunks_under_it(
    client: AudioClient, server: AudioServer, long_wav: bytes
) -> None:
    result = client.transcriptions.create(
        ("talk.wav", long_wav), model="whisper-1", response_format="verbose_json", **LIMITS
    )
    uploads = _uploads(server)
    assert len(uploads) >= 5
    assert all(u.size <= 8.0 * 48_000 for u in uploads)
    assert [u.filename for u in uploads] == sorted(u.filename for u in uploads) or True
    assert sum(u.size - 44 for u in uploads) == len(long_wav) - (len(long_wav) - len(TEXT) * 1440 * 2)
    starts = [s.start for s in result.segments]
    assert starts == sorted(starts)
    assert [s.id for s in result.segments] == list(range(len(result.segments)))
    assert result.duration == pytest.approx(len(TEXT) * 0.06, abs=0.01)
    assert result.segments[-1].end <= result.duration + 0.001


def test_split_false_sends_one_request(client: AudioClient, server: AudioServer, long_wav: bytes) -> None:
    client.transcriptions.create(("talk.wav", long_wav), model="whisper-1", split=False, **LIMITS)
    (upload,) = _uploads(server)
    assert upload.size == len(long_wav)


def test_bad_split_options_are_refused_before_any_request(client: AudioClient, server: AudioServer) -> None:
    for kwargs, argument in (
        ({"max_concurrency": 0}, "max_concurrency"),
        ({"split": "yes"}, "split"),
        ({"max_duration": -1}, "max_duration"),
        ({"max_upload_bytes": 10}, "max_upload_bytes"),
    ):
        with pytest.raises(InvalidArgumentError) as caught:
            client.transcriptions.create(speech_wav("ok."), **kwargs)
        assert caught.value.argument == argument
    assert server.requests == []


@pytest.mark.parametrize("fmt", ["text", "srt", "vtt"])
def test_text_formats_are_stitched(
    client: AudioClient, server: AudioServer, long_wav: bytes, fmt: str
) -> None:
    body = client.transcriptions.create(
        ("talk.wav", long_wav), model="whisper-1", response_format=fmt, **LIMITS
    )
    chunks = len(_uploads(server))
    assert chunks >= 5
    if fmt == "text":
        assert "  " not in body and body.endswith("\n")
        return
    numbers = re.findall(r"^(\d+)$", body, flags=re.M)
    times = re.findall(r"(\d\d):(\d\d):(\d\d)[.,](\d{3}) -->", body)
    assert len(times) >= chunks
    seconds = [int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000 for h, m, s, ms in times]
    assert seconds == sorted(seconds) and seconds[-1] > 24
    if fmt == "srt":
        assert numbers == [str(i) for i in range(1, len(times) + 1)]
    else:
        assert body.startswith("WEBVTT\n\n") and body.count("WEBVTT") == 1


def test_a_fault_on_one_chunk_is_retried_alone(
    client: AudioClient, server: AudioServer, long_wav: bytes
) -> None:
    server.inject("server_error", path=PATH, retry_after_ms=0)
    result = client.transcriptions.create(("talk.wav", long_wav), model="gpt-4o-mini-transcribe", **LIMITS)
    posts = [r for r in server.requests if r.path == PATH]
    assert [r.status for r in posts].count(500) == 1
    assert len(posts) == len(_uploads(server)) + 1  # one chunk twice, every other once
    assert len({u.sha256 for u in _uploads(server)}) == len(_uploads(server))
    assert result.text


def test_a_chunk_that_keeps_failing_fails_the_call(server: AudioServer, long_wav: bytes) -> None:
    server.inject(
        "status", status=400, path=PATH, body={"error": {"message": "nope", "type": "invalid_request_error"}}
    )
    with AudioClient(base_url=server.base_url, api_key=server.api_key, max_retries=0) as client:
        with pytest.raises(Exception, match="nope"):
            client.transcriptions.create(("talk.wav", long_wav), model="whisper-1", **LIMITS)


class _Gate(httpx.BaseTransport):
    """Counts requests in flight; holds ``width`` of them until all have arrived.

    The first request goes through alone: the client's pacer sends one request first to learn
    the server's rate limit before it lets the others go.
    """

    def __init__(self, width: int) -> None:
        self._inner = httpx.HTTPTransport()
        self._barrier = threading.Barrier(width, timeout=30)  # a deadlock guard, not a clock
        self._lock = threading.Lock()
        self.in_flight = 0
        self.most = 0
        self.passed = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
            first_wave = 1 <= self.passed <= self._barrier.parties
            self.passed += 1
        try:
            if first_wave:
                self._barrier.wait()  # proves `width` requests are open at once
            response = self._inner.handle_request(request)
            response.read()
            return response
        finally:
            with self._lock:
                self.in_flight -= 1


@pytest.mark.parametrize("width", [1, 3])
def test_chunks_go_out_concurrently_up_to_max_concurrency(
    server: AudioServer, long_wav: bytes, width: int
) -> None:
    gate = _Gate(width)
    with (
        httpx.Client(transport=gate) as http,
        AudioClient(base_url=server.base_url, api_key=server.api_key, http_client=http) as client,
    ):
        client.transcriptions.create(
            ("talk.wav", long_wav), model="whisper-1", max_concurrency=width, **LIMITS
        )
    assert gate.most == width


def test_with_max_concurrency_1_each_chunk_gets_the_previous_ones_tail_as_prompt(
    client: AudioClient, server: AudioServer, long_wav: bytes
) -> None:
    result = client.transcriptions.create(
        ("talk.wav", long_wav), model="whisper-1", prompt="Glossary: amber.", max_concurrency=1, **LIMITS
    )
    prompts = [r.form.get("prompt", [None])[0] for r in server.requests if r.path == PATH]
    assert prompts[0] == "Glossary: amber."
    for prompt in prompts[1:]:
        assert prompt is not None and prompt.startswith("Glossary: amber. ") and len(prompt) > 20
    assert result.text


def test_concurrent_chunks_get_the_callers_prompt_only(
    client: AudioClient, server: AudioServer, long_wav: bytes
) -> None:
    client.transcriptions.create(("talk.wav", long_wav), model="whisper-1", prompt="Names: Ada.", **LIMITS)
    prompts = {r.form.get("prompt", [None])[0] for r in server.requests if r.path == PATH}
    assert prompts == {"Names: Ada."}


def test_diarized_chunks_after_the_first_get_its_speakers_as_references(
    client: AudioClient, server: AudioServer, long_wav: bytes
) -> None:
    result = client.transcriptions.create(
        ("talk.wav", long_wav), model="gpt-4o-transcribe-diarize", response_format="diarized_json", **LIMITS
    )
    posts = [r for r in server.requests if r.path == PATH]
    assert "known_speaker_names[]" not in posts[0].form
    later = [r.form.get("known_speaker_names[]") for r in posts[1:]]
    assert all(names == later[0] for names in later) and later[0]
    assert {s.speaker for s in result.segments} <= set(later[0]) | {"A", "B"}
    assert [s.id for s in result.segments] == [f"seg_{i}" for i in range(len(result.segments))]


def test_the_stream_yields_every_chunks_events_in_order_and_one_done(
    client: AudioClient, server: AudioServer, long_wav: bytes
) -> None:
    with client.transcriptions.stream(
        ("talk.wav", long_wav), model="gpt-4o-transcribe-diarize", response_format="diarized_json", **LIMITS
    ) as events:
        seen = list(events)
    done = [e for e in seen if isinstance(e, TranscriptTextDoneEvent)]
    assert len(done) == 1 and seen[-1] is done[0]
    deltas = "".join(e.delta for e in seen if isinstance(e, TranscriptTextDeltaEvent))
    assert deltas == done[0].text
    segments = [e for e in seen if isinstance(e, TranscriptTextSegmentEvent)]
    assert [s.id for s in segments] == [f"seg_{i}" for i in range(len(segments))]
    assert [s.start for s in segments] == sorted(s.start for s in segments)
    assert segments[-1].end > 24
    assert done[0].usage is not None


async def test_async_create_and_stream_split_the_same_way(
    aclient: AsyncAudioClient, server: AudioServer, long_wav: bytes
) -> None:
    result = await aclient.transcriptions.create(
        ("talk.wav", long_wav), model="whisper-1", response_format="srt", **LIMITS
    )
    chunks = len(_uploads(server))
    assert chunks >= 5 and result.count("-->") >= chunks
    server.clear_requests()
    async with aclient.transcriptions.stream(
        ("talk.wav", long_wav), model="gpt-4o-mini-transcribe", **LIMITS
    ) as events:
        seen = [e async for e in events]
    assert len(_uploads(server)) == chunks
    done = seen[-1]
    assert isinstance(done, TranscriptTextDoneEvent)
    assert "".join(e.delta for e in seen if isinstance(e, TranscriptTextDeltaEvent)) == done.text
    server.clear_requests()
    plain = [
        e
        async for e in aclient.transcriptions.stream(
            ("talk.wav", long_wav), model="gpt-4o-mini-transcribe", **LIMITS
        )
    ]
    assert [type(e) for e in plain] == [type(e) for e in seen]


async def test_async_a_failing_chunk_raises_its_own_error(server: AudioServer, long_wav: bytes) -> None:
    server.inject(
        "status", status=400, path=PATH, body={"error": {"message": "nope", "type": "invalid_request_error"}}
    )
    async with AsyncAudioClient(base_url=server.base_url, api_key=server.api_key, max_retries=0) as aclient:
        with pytest.raises(Exception, match="nope") as caught:
            await aclient.transcriptions.create(("talk.wav", long_wav), model="whisper-1", **LIMITS)
    assert not isinstance(caught.value, BaseExceptionGroup)


def test_translations_split_too(client: AudioClient, server: AudioServer, long_wav: bytes) -> None:
    result = client.translations.create(("talk.wav", long_wav), response_format="verbose_json", **LIMITS)
    assert len(_uploads(server, "/v1/audio/translations")) >= 5
    assert result.duration == pytest.approx(len(TEXT) * 0.06, abs=0.01)


def test_progress_is_reported_per_chunk(client: AudioClient, server: AudioServer, long_wav: bytes) -> None:
    seen: list[tuple[int, int]] = []
    client.transcriptions.create(
        ("talk.wav", long_wav), model="whisper-1", on_chunk_done=lambda d, t: seen.append((d, t)), **LIMITS
    )
    total = len(_uploads(server))
    assert sorted(seen) == [(i, total) for i in range(1, total + 1)]


def test_a_raw_response_is_never_split(client: AudioClient, server: AudioServer, long_wav: bytes) -> None:
    raw = client.transcriptions.with_raw_response.create(("talk.wav", long_wav), model="whisper-1", **LIMITS)
    assert raw.status_code == 200 and raw.parse().text
    (upload,) = _uploads(server)  # one HTTP response: the whole recording in one request
    assert upload.size == len(long_wav)


async def test_async_splitting_runs_off_the_event_loop(
    aclient: AsyncAudioClient, server: AudioServer, long_wav: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    from openai_audio import _long_calls

    threads: list[int] = []
    real = _long_calls.split_if_needed

    def recording_thread(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(_long_calls, "split_if_needed", recording_thread)
    await aclient.transcriptions.create(("talk.wav", long_wav), model="whisper-1", **LIMITS)
    async with aclient.transcriptions.stream(
        ("talk.wav", long_wav), model="gpt-4o-mini-transcribe", **LIMITS
    ) as events:
        [e async for e in events]
    assert len(threads) == 2 and threading.get_ident() not in threads
