"""A real loopback HTTP server that records every request byte for byte and answers a canned response.

Tests that must see exactly what goes over the wire (multipart layout, boundaries, query strings,
percent-encoding) use this instead of a mock transport, so httpx's own encoding is part of the test.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    target: str  # the request target exactly as sent: path and query, still percent-encoded
    headers: list[tuple[str, str]]  # in wire order, duplicates kept
    body: bytes  # de-chunked if it was sent with Transfer-Encoding: chunked
    raw_head: bytes  # request line and header block as received

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query, keep_blank_values=True)

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        if len(values) > 1:
            raise AssertionError(f"header {name!r} sent {len(values)} times: {values}")
        return values[0] if values else None

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class CannedResponse:
    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})

    @classmethod
    def json(cls, payload: Any, status: int = 200) -> CannedResponse:
        return cls(status, json.dumps(payload).encode(), {"Content-Type": "application/json"})

    @classmethod
    def text(
        cls, text: str, content_type: str = "text/plain; charset=utf-8", status: int = 200
    ) -> CannedResponse:
        return cls(status, text.encode(), {"Content-Type": content_type})


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive, like a real API server

    def _handle(self) -> None:
        body = self._read_body()
        raw_head = (self.requestline + "\r\n").encode("latin-1") + self.headers.as_bytes()
        self.server.owner._record(
            RecordedRequest(self.command, self.path, list(self.headers.items()), body, raw_head)
        )
        canned = self.server.owner._next_response()
        self.send_response(canned.status)
        for name, value in canned.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(canned.body)))
        self.end_headers()
        self.wfile.write(canned.body)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _handle

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean; the requests are recorded instead


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, owner: RecordingServer) -> None:
        self.owner = owner
        super().__init__(("127.0.0.1", 0), _Handler)


class RecordingServer:
    """Loopback server on a free port; use as a context manager or call start()/stop().

    ``response`` is what every request gets until changed (after any queued with ``respond_next``);
    ``requests`` lists what arrived.
    """

    def __init__(self, response: CannedResponse | None = None) -> None:
        self.response = response or CannedResponse()
        self._queued: list[CannedResponse] = []
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("RecordingServer is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def last(self) -> RecordedRequest:
        with self._lock:
            if not self._requests:
                raise AssertionError("no request reached the recording server")
            return self._requests[-1]

    def respond_next(self, *responses: CannedResponse) -> None:
        """Answer the next requests with ``responses``, in order, then ``response`` again."""
        with self._lock:
            self._queued.extend(responses)

    def _next_response(self) -> CannedResponse:
        with self._lock:
            return self._queued.pop(0) if self._queued else self.response

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def start(self) -> Self:
        self._server = _Server(self)
        # A short poll interval: shutdown() waits up to one interval, and fixtures stop a server per test.
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.01,), name="recording-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
