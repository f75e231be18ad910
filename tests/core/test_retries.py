"""The retry matrix through the local server's fault injection, with a recording sleep."""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from openai_audio import AsyncAudioClient, AudioClient, errors
from openai_audio.testing import AudioServer
from openai_audio_api.api.audio import get_voice_consent, list_voice_consents

CONSENTS = "/v1/audio/voice_consents"


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def server(audio_server: AudioServer) -> Iterator[AudioServer]:
    audio_server.clear_faults()
    audio_server.clear_requests()
    yield audio_server
    audio_server.clear_faults()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


class ShortFirstAttempt(httpx.HTTPTransport):
    """Gives only the first attempt a short read timeout; retries keep the client's own.

    So a test can time out a stalled first attempt without also requiring the retried request to
    answer within that short time, which a loaded machine may not do.
    """

    def __init__(self, read_timeout: float) -> None:
        super().__init__()
        self.read_timeout = read_timeout
        self.attempts = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.attempts += 1
        timeouts = dict(request.extensions["timeout"])
        if self.attempts == 1:
            # The retry transport sends this same request object again: change a copy.
            request.extensions = {**request.extensions, "timeout": {**timeouts, "read": self.read_timeout}}
            try:
                return super().handle_request(request)
            finally:
                request.extensions = {**request.extensions, "timeout": timeouts}
        return super().handle_request(request)


def make_client(
    server: AudioServer,
    sleeps: Sleeps,
    max_retries: int = 2,
    timeout: float = 10,
    inner: httpx.BaseTransport | None = None,
) -> AudioClient:
    """A client with a recording sleep and no pacing; ``inner`` is the pool's transport."""
    client = AudioClient(
        base_url=server.base_url,
        api_key=server.api_key,
        max_retries=max_retries,
        timeout=timeout,
        http_client=None if inner is None else httpx.Client(transport=inner),
    )
    client._set_retry_clock(sleeps, lambda: 0.0)
    return client


def hits(server: AudioServer, path: str = CONSENTS) -> int:
    return sum(1 for r in server.requests if r.path == path)


def test_429_honours_retry_after_seconds(server: AudioServer, sleeps: Sleeps) -> None:
    server.inject("status", status=429, retry_after=2, path=CONSENTS)
    with make_client(server, sleeps) as client:
        page = client.voice_consents.list()
    assert page.data is not None
    assert sleeps == [2.0]
    assert hits(server) == 2


def test_retry_after_ms_is_preferred(server: AudioServer, sleeps: Sleeps) -> None:
    server.inject("status", status=429, retry_after_ms=1500, retry_after=9, path=CONSENTS)
    with make_client(server, sleeps) as client:
        client.voice_consents.list()
    assert sleeps == [1.5]


def test_5xx_backs_off_exponentially_then_succeeds(server: AudioServer, sleeps: Sleeps) -> None:
    server.inject("status", status=500, path=CONSENTS)
    server.inject("status", status=503, path=CONSENTS)
    with make_client(server, sleeps) as client:
        client.voice_consents.list()
    assert sleeps == [0.5, 1.0]
    assert hits(server) == 3


def test_gives_up_after_max_retries(server: AudioServer, sleeps: Sleeps) -> None:
    server.inject("status", status=503, count=5, path=CONSENTS)
    with make_client(server, sleeps, max_retries=2) as client, pytest.raises(errors.InternalServerError):
        client.voice_consents.list()
    assert hits(server) == 3
    assert len(sleeps) == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 413, 422])
def test_other_4xx_are_never_retried(server: AudioServer, sleeps: Sleeps, status: int) -> None:
    server.inject("status", status=status, path=CONSENTS)
    with make_client(server, sleeps) as client, pytest.raises(errors.APIStatusError):
        client.voice_consents.list()
    assert hits(server) == 1
    assert sleeps == []


@pytest.mark.parametrize("status", [408, 409])
def test_408_and_409_are_retried(server: AudioServer, sleeps: Sleeps, status: int) -> None:
    server.inject("status", status=status, path=CONSENTS)
    with make_client(server, sleeps) as client:
        client.voice_consents.list()
    assert hits(server) == 2


def test_x_should_retry_header_is_honoured(server: AudioServer, sleeps: Sleeps) -> None:
    server.inject("status", status=500, headers={"x-should-retry": "false"}, path=CONSENTS)
    with make_client(server, sleeps) as client, pytest.raises(errors.InternalServerError):
        client.voice_consents.list()
    assert hits(server) == 1
    server.inject("status", status=400, headers={"x-should-retry": "true"}, path=CONSENTS)
    with make_client(server, sleeps) as client:
        client.voice_consents.list()


def test_dropped_connection_mid_body_is_retried(server: AudioServer, sleeps: Sleeps) -> None:
    server.inject("drop", path=CONSENTS)
    with make_client(server, sleeps) as client:
        client.voice_consents.list()
    assert hits(server) == 2


def test_stall_beyond_read_timeout_is_retried(server: AudioServer, sleeps: Sleeps) -> None:
    server.inject("stall", stall=300, path=CONSENTS)
    first_short = ShortFirstAttempt(read_timeout=0.2)
    with make_client(server, sleeps, timeout=30, inner=first_short) as client:
        page = client.voice_consents.list()
    assert page.data is not None
    assert first_short.attempts == 2
    # The stalled attempt timed out client-side and was retried once after a backoff.
    assert sleeps == [0.5]
    assert server.faults == []


def test_with_options_max_retries_applies_per_call_sharing_the_pool(
    server: AudioServer, sleeps: Sleeps
) -> None:
    server.inject("status", status=500, path=CONSENTS)
    with make_client(server, sleeps, max_retries=3) as client:
        no_retry = client.with_options(max_retries=0)
        with pytest.raises(errors.InternalServerError):
            no_retry.voice_consents.list()
    assert hits(server) == 1


def test_with_options_copy_raw_client_uses_the_copys_retries_and_timeout(
    server: AudioServer, sleeps: Sleeps
) -> None:
    consent_path = f"{CONSENTS}/cons_missing"
    with make_client(server, sleeps, max_retries=3, timeout=10) as client:
        copy = client.with_options(max_retries=0)
        server.inject("status", status=500, path=consent_path)
        response = get_voice_consent.sync_detailed(client=copy.raw, consent_id="cons_missing")
        assert response.status_code == 500  # not retried: the copy says 0
        assert hits(server, consent_path) == 1
        # A stall beyond a copy's 0.5 s read timeout fails it (the original waits 10 s). A copy of
        # its own, so no request that must answer is held to 0.5 s.
        server.inject("stall", stall=300, path=consent_path)
        short = client.with_options(max_retries=0, timeout=0.5)
        with pytest.raises(httpx.ReadTimeout):
            get_voice_consent.sync_detailed(client=short.raw, consent_id="cons_missing")
        # The original's raw client still retries as it was told, on the same pool.
        server.inject("status", status=500, count=2, path=consent_path)
        response = get_voice_consent.sync_detailed(client=client.raw, consent_id="cons_missing")
        assert response.status_code == 404
        assert hits(server, consent_path) == 5
        copy.raw.get_httpx_client().close()  # a view: closing it leaves the pool open
        assert client.voice_consents.list().data is not None
    assert sleeps == [0.5, 1.0]
    server.clear_faults()


async def test_async_with_options_copy_raw_client_uses_the_copys_retries(server: AudioServer) -> None:
    consent_path = f"{CONSENTS}/cons_missing"
    async with AsyncAudioClient(base_url=server.base_url, api_key=server.api_key, max_retries=3) as client:
        copy = client.with_options(max_retries=0, timeout=7)
        assert copy.raw.get_async_httpx_client().timeout.read == 7
        server.inject("status", status=503, path=consent_path)
        response = await get_voice_consent.asyncio_detailed(client=copy.raw, consent_id="cons_missing")
    assert response.status_code == 503
    assert hits(server, consent_path) == 1


def test_mounted_transports_retry_too(server: AudioServer) -> None:
    # A mount (a proxy, or a transport per host) handles the request instead of the client's own
    # transport: it must retry all the same.
    class CountingTransport(httpx.HTTPTransport):
        sent = 0

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            CountingTransport.sent += 1
            return super().handle_request(request)

    http = httpx.Client(mounts={"http://127.0.0.1": CountingTransport()})
    with AudioClient(base_url=server.base_url, api_key=server.api_key, http_client=http) as client:
        server.inject("rate_limit", path=CONSENTS, retry_after_ms=1)
        assert client.voice_consents.list().data is not None
        copy = client.with_options(max_retries=0)
        server.inject("rate_limit", path=CONSENTS, retry_after_ms=1)
        response = list_voice_consents.sync_detailed(client=copy.raw)
    http.close()
    assert response.status_code == 429  # the copy's raw view: the copy's retries (none)...
    assert hits(server) == 3
    assert CountingTransport.sent == 3  # ...through the same mount, every time


def _wav(n: int) -> bytes:
    data = os.urandom(n)
    header = b"RIFF" + (36 + n).to_bytes(4, "little") + b"WAVEfmt " + (16).to_bytes(4, "little")
    header += (1).to_bytes(2, "little") + (1).to_bytes(2, "little") + (24000).to_bytes(4, "little")
    header += (48000).to_bytes(4, "little") + (2).to_bytes(2, "little") + (16).to_bytes(2, "little")
    return header + b"data" + n.to_bytes(4, "little") + data


class OneWayStream(io.RawIOBase):
    """A readable stream that cannot seek, like a pipe."""

    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        chunk = self._inner.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


@pytest.mark.parametrize("kind", ["path", "seekable", "non_seekable"])
def test_retried_upload_is_replayed_byte_identically(
    server: AudioServer, sleeps: Sleeps, tmp_path: Path, kind: str
) -> None:
    audio = _wav(300_000)
    path = tmp_path / "consent.wav"
    path.write_bytes(audio)
    recording: object = {"path": path, "seekable": io.BytesIO(audio), "non_seekable": OneWayStream(audio)}[
        kind
    ]
    if kind == "non_seekable":
        recording = ("consent.wav", recording, "audio/wav")
    server.inject("status", status=503, path=CONSENTS, method="POST")
    with make_client(server, sleeps) as client:
        consent = client.voice_consents.create(name="n", recording=recording, language="en-US")  # type: ignore[arg-type]
    assert consent.id.startswith("cons_")
    uploads = [r.uploads for r in server.requests if r.path == CONSENTS and r.method == "POST"]
    assert len(uploads) == 2
    expected = hashlib.sha256(audio).hexdigest()
    assert [u[0].sha256 for u in uploads] == [expected, expected]
    assert [u[0].size for u in uploads] == [len(audio), len(audio)]


def test_raw_generated_calls_are_authenticated_and_retried(server: AudioServer, sleeps: Sleeps) -> None:
    with make_client(server, sleeps) as client:
        consent = client.voice_consents.create(name="raw", recording=_wav(48_000), language="en")
        server.inject("status", status=429, retry_after=1, path=f"{CONSENTS}/{consent.id}")
        response = get_voice_consent.sync_detailed(client=client.raw, consent_id=consent.id)
    assert response.status_code == 200
    assert response.parsed is not None and response.parsed.id == consent.id  # type: ignore[union-attr]
    assert sleeps == [1.0]
    last = [r for r in server.requests if r.path == f"{CONSENTS}/{consent.id}"]
    assert len(last) == 2
    assert all("authorization" not in r.headers for r in last)  # the log strips it; the server checked it


async def test_async_retries_with_recorded_sleep(server: AudioServer) -> None:
    delays: list[float] = []

    async def sleep(seconds: float) -> None:
        delays.append(seconds)

    server.inject("status", status=429, retry_after=3, path=CONSENTS)
    server.inject("drop", path=CONSENTS)
    async with AsyncAudioClient(base_url=server.base_url, api_key=server.api_key) as client:
        client._set_retry_clock(sleep, lambda: 0.0)
        page = await client.voice_consents.list()
    assert page.has_more in (True, False)
    # The 429 is retried until the rate-limit deadline and not counted: the drop is the first retry.
    assert delays == [3.0, 0.5]
    assert hits(server) == 3


def _consent(client: AudioClient) -> str:
    return client.voice_consents.create(name="before", recording=_wav(4_800), language="en").id


@pytest.mark.parametrize("status", [200, 201, 302])
def test_a_success_is_never_sent_again_whatever_x_should_retry_says(
    server: AudioServer, sleeps: Sleeps, status: int
) -> None:
    # A proxy can add x-should-retry to any answer; the update was done, sending it again must not be.
    with make_client(server, sleeps) as client:
        consent_id = _consent(client)
        path = f"{CONSENTS}/{consent_id}"
        server.inject(
            "status",
            status=status,
            path=path,
            method="POST",
            headers={"x-should-retry": "true"},
            body={
                "id": consent_id,
                "object": "audio.voice_consent",
                "name": "after",
                "language": "en",
                "created_at": 1,
            },
        )
        server.clear_requests()
        if status < 300:
            assert client.voice_consents.update(consent_id, name="after").name == "after"
        else:
            with pytest.raises(errors.APIStatusError):
                client.voice_consents.update(consent_id, name="after")
    assert [r.method for r in server.requests if r.path == path] == ["POST"]
    assert sleeps == []


def test_a_success_whose_body_is_cut_off_is_not_sent_again_unless_reading_changes_nothing(
    server: AudioServer, sleeps: Sleeps
) -> None:
    with make_client(server, sleeps) as client:
        consent_id = _consent(client)
        path = f"{CONSENTS}/{consent_id}"
        server.clear_requests()
        server.inject("drop", path=path, method="POST")
        with pytest.raises(errors.APIConnectionError):
            client.voice_consents.update(consent_id, name="after")
        assert [r.method for r in server.requests if r.path == path] == ["POST"]
        # The update was done (the answer was lost): a GET may be repeated, it changes nothing.
        server.inject("drop", path=path, method="GET")
        assert client.voice_consents.retrieve(consent_id).name == "after"
    assert [r.method for r in server.requests if r.path == path] == ["POST", "GET", "GET"]


async def test_async_success_is_never_sent_again(server: AudioServer) -> None:
    async with AsyncAudioClient(base_url=server.base_url, api_key=server.api_key) as client:
        consent = await client.voice_consents.create(name="before", recording=_wav(4_800), language="en")
        path = f"{CONSENTS}/{consent.id}"
        server.inject(
            "status",
            status=200,
            path=path,
            method="POST",
            headers={"x-should-retry": "true"},
            body={
                "id": consent.id,
                "object": "audio.voice_consent",
                "name": "after",
                "language": "en",
                "created_at": 1,
            },
        )
        server.clear_requests()
        await client.voice_consents.update(consent.id, name="after")
        server.inject("drop", path=path, method="POST")
        with pytest.raises(errors.APIConnectionError):
            await client.voice_consents.update(consent.id, name="again")
    assert [r.method for r in server.requests if r.path == path] == ["POST", "POST"]
