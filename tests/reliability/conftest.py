"""Helpers for the reliability and security suite: WAV payloads, mock clients, tiny loopback servers."""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import socket
import struct
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

import httpx
import pytest

from openai_audio import AsyncAudioClient, AudioClient
from openai_audio.testing import AudioServer
from openai_audio.testing._audio import TEXT_CHUNK_ID, pcm_chunks, pcm_size, wav_header

# The suite's full-size knobs, read in one place so the Makefile and SECURITY.md can point here.
SOAK_REQUESTS = int(os.environ.get("OPENAI_AUDIO_SOAK_REQUESTS") or 600)
SOAK_SEED = int(os.environ.get("OPENAI_AUDIO_SOAK_SEED") or 20_250_501)
FUZZ_EXAMPLES = int(
    os.environ.get("OPENAI_AUDIO_FUZZ_EXAMPLES")
    or (1000 if os.environ.get("HYPOTHESIS_PROFILE") == "full" else 50)
)


def pytest_configure(config: pytest.Config) -> None:
    # Registered here (not in pyproject) so `pytest -m soak` works with --strict-markers.
    config.addinivalue_line("markers", "soak: the long mixed-traffic soak (size: OPENAI_AUDIO_SOAK_REQUESTS)")


def text_wav(text: str, pcm_bytes: int, rng: random.Random | None = None) -> bytes:
    """A valid 24 kHz mono WAV of the local server's speech for ``text``, which it hears back exactly.

    Padded to ``pcm_bytes`` with faint seeded noise (far below what recognition hears) so that every
    payload has its own sha256; the speech runs up to 4x faster to fit, and is longer only when even
    that does not fit.
    """
    speed = next((s for s in (1.0, 2.0, 4.0) if pcm_size(text, s) <= pcm_bytes), 4.0)
    speech = b"".join(pcm_chunks(text, speed))
    pad = max(0, pcm_bytes - len(speech)) // 2
    noise = bytes(x for b in (rng or random.Random(text)).randbytes(pad) for x in (b & 3, 0))
    pcm = speech + noise
    return wav_header(len(pcm), text) + pcm


def embedded_text(wav: bytes) -> str | None:
    """The text chunk the local server embeds in WAV speech, or None."""
    if wav[:4] != b"RIFF" or wav[8:12] != b"WAVE":
        return None
    pos = 12
    while pos + 8 <= len(wav):
        cid, size = wav[pos : pos + 4], struct.unpack("<I", wav[pos + 4 : pos + 8])[0]
        if cid == TEXT_CHUNK_ID:
            return wav[pos + 8 : pos + 8 + size].decode("utf-8")
        if cid == b"data":
            return None
        pos += 8 + size + (size % 2)
    return None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


Handler = Callable[[httpx.Request], httpx.Response]


def mock_client(handler: Handler, **kwargs: Any) -> AudioClient:
    """An AudioClient whose transport answers with ``handler``; no retries, so one answer is the answer."""
    return AudioClient(
        api_key=kwargs.pop("api_key", "sk-mock"),
        base_url="http://127.0.0.1:9/v1",
        max_retries=0,
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
        **kwargs,
    )


def async_mock_client(handler: Handler) -> AsyncAudioClient:
    return AsyncAudioClient(
        api_key="sk-mock",
        base_url="http://127.0.0.1:9/v1",
        max_retries=0,
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
    )


@pytest.fixture
def server(audio_server: AudioServer) -> Iterator[AudioServer]:
    """The shared server with a clean fault queue and request log (state is kept: ids are unique)."""
    audio_server.clear_faults()
    audio_server.clear_requests()
    try:
        yield audio_server
    finally:
        audio_server.clear_faults()


@pytest.fixture
def client(server: AudioServer) -> Iterator[AudioClient]:
    with AudioClient(base_url=server.base_url, api_key=server.api_key, max_retries=0, timeout=30) as c:
        yield c


class RawServer:
    """A loopback TCP server that answers every connection with the same raw bytes, then closes.

    For answers no HTTP framework would produce: oversized header blocks, lying Content-Length,
    broken chunked framing. ``seen`` keeps the raw request heads.
    """

    def __init__(self, answer: bytes) -> None:
        self.answer = answer
        self.seen: list[bytes] = []
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return  # closed
            with conn:
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    head += chunk
                self.seen.append(head)
                conn.sendall(self.answer)
                conn.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        # shutdown() wakes the thread blocked in accept(); close() alone does not on Linux.
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()
        self._thread.join(timeout=5)


class RedirectServer:
    """A tiny http.server on 127.0.0.1 answering every request with a redirect to ``target``.

    It records the headers it received, so a test can prove what was (not) sent where.
    """

    def __init__(self, target: str, status: int = 307) -> None:
        seen: list[dict[str, str]] = []
        self.seen = seen

        class _Handler(BaseHTTPRequestHandler):
            def _redirect(self) -> None:
                seen.append({k.lower(): v for k, v in self.headers.items()})
                length = int(self.headers.get("content-length") or 0)
                if length:
                    self.rfile.read(length)
                self.send_response(status)
                self.send_header("Location", target + self.path)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = do_DELETE = _redirect

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep test output clean

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
