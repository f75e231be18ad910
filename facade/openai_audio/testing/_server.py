"""``AudioServer``: the app served by uvicorn in a daemon thread, for tests and demos."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
import socket
import threading
import warnings
from collections.abc import Awaitable, Callable, Iterable
from types import TracebackType
from typing import Any

import uvicorn

from openai_audio._capabilities import MAX_UPLOAD_BYTES
from openai_audio.testing._app import create_app
from openai_audio.testing._faults import Fault
from openai_audio.testing._log import DEFAULT_MAX_REQUESTS, DEFAULT_MAX_VALUE_BYTES, RecordedRequest
from openai_audio.testing._processing import parse_speed
from openai_audio.testing._server_state import ServerState


class _QuietDrops(logging.Filter):
    """Hide uvicorn's complaint about the incomplete responses that "drop" faults make on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "returned without completing response" not in record.getMessage()


_QUIET_DROPS = _QuietDrops()


class _Server(uvicorn.Server):
    """Reports readiness through an event instead of polling ``started``."""

    def __init__(self, config: uvicorn.Config, ready: threading.Event) -> None:
        super().__init__(config)
        self._ready = ready
        self.loop: asyncio.AbstractEventLoop | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self.loop = asyncio.get_running_loop()
        await super().startup(sockets)
        self._ready.set()


class OpenServerWarning(UserWarning):
    """The server is reachable from other machines and accepts any API key."""


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any interface


class AudioServer:
    """A local OpenAI-audio server on ``host:port`` (port 0 picks a free port).

    ``api_keys``: the accepted bearer keys; ``None`` accepts any non-empty key (and warns, with an
    :class:`OpenServerWarning`, when ``host`` is not a loopback address). ``db_path``: keep consents
    and voices in that SQLite file instead of in memory. ``requests_per_minute``: limit each key as
    OpenAI does (see :meth:`set_rate_limit`); ``clock``: the monotonic clock of that limit, for tests.
    The request log keeps the newest ``max_logged_requests`` requests (``None``: all) and no form
    value or JSON body over ``max_logged_value_bytes``. ``processing_speed``: simulate processing
    time, e.g. ``"30x"`` (see :meth:`set_processing_speed`); ``sleep``: the async sleep it uses, for
    tests. ``max_upload_bytes``: the transcription/translation upload limit (OpenAI's 26214400).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        api_keys: Iterable[str] | None = None,
        db_path: str | os.PathLike[str] | None = None,
        requests_per_minute: int | None = None,
        clock: Callable[[], float] | None = None,
        *,
        max_logged_requests: int | None = DEFAULT_MAX_REQUESTS,
        max_logged_value_bytes: int = DEFAULT_MAX_VALUE_BYTES,
        processing_speed: str | float | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        max_upload_bytes: int = MAX_UPLOAD_BYTES,
    ) -> None:
        self.host = host
        self.port = port
        self._state = ServerState(
            api_keys=api_keys,
            db_path=db_path,
            requests_per_minute=requests_per_minute,
            clock=clock,
            max_logged_requests=max_logged_requests,
            max_logged_value_bytes=max_logged_value_bytes,
            processing_speed=parse_speed(processing_speed),
            sleep=sleep,
            max_upload_bytes=max_upload_bytes,
        )
        if self._state.api_keys is None and not is_loopback(host):
            warnings.warn(
                f"the local OpenAI-audio server on {host!r} is reachable from other machines and "
                "accepts ANY API key; pass api_keys=[...] (--api-key) to restrict it",
                OpenServerWarning,
                stacklevel=2,
            )
        self.app = create_app(state=self._state)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> AudioServer:
        """Bind, serve in a daemon thread, and return once requests are accepted."""
        if self._thread is not None:
            raise RuntimeError("server already started")
        self._state.reopen()  # after stop(): a fresh connection (an in-memory store starts empty)
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on accepted sockets whose protocol
        # says TCP, and without it Nagle plus delayed ACKs cost ~40 ms per keep-alive request.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError:
            sock.close()
            raise
        sock.listen(128)
        self.port = sock.getsockname()[1]
        self._socket = sock
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            loop="asyncio",
            timeout_graceful_shutdown=3,
        )
        logging.getLogger("uvicorn.error").addFilter(_QUIET_DROPS)  # idempotent for the same filter
        ready = threading.Event()
        server = _Server(config, ready)
        self._server = server
        # serve() installs no signal handlers outside the main thread, which is what we want here.
        self._thread = threading.Thread(
            target=lambda: asyncio.run(server.serve(sockets=[sock])), name="openai-audio-server", daemon=True
        )
        self._thread.start()
        while not ready.wait(0.05):
            if not self._thread.is_alive():
                self._cleanup()
                raise RuntimeError("the local OpenAI-audio server failed to start")
        return self

    def stop(self) -> None:
        """Stop gracefully: stalled requests end at once, the thread is joined, the socket and
        the store (its SQLite connection) are closed. ``start()`` may be called again."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            self._state.close()  # never started (or already stopped): the store may still be open
            return
        if server.loop is not None and not server.loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop may close in the meantime
                server.loop.call_soon_threadsafe(self._state.stopping.set)
        server.should_exit = True
        thread.join(timeout=10)
        if thread.is_alive():
            server.force_exit = True
            thread.join(timeout=5)
        self._cleanup()

    def _cleanup(self) -> None:
        if self._socket is not None:
            self._socket.close()
        self._socket = None
        self._server = None
        self._thread = None
        # A fresh event, so the server can be started again after stop().
        self._state.stopping = asyncio.Event()
        self._state.close()

    def __enter__(self) -> AudioServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ------------------------------------------------------------------ addresses and keys

    @property
    def base_url(self) -> str:
        """``http://<host>:<port>/v1``: pass it as the client's ``base_url``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/v1"

    @property
    def api_key(self) -> str:
        """A key the server accepts: the first of ``api_keys``, else ``sk-local-test``."""
        return self._state.api_key

    # ------------------------------------------------------------------ request log, faults, state

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first (a snapshot)."""
        return self._state.log.snapshot()

    def clear_requests(self) -> None:
        """Forget the recorded requests."""
        self._state.log.clear()

    def reset(self) -> None:
        """Forget everything: stored consents and voices, pending faults, recorded requests; the rate
        limit goes back to the one the server was started with."""
        self._state.reset()

    def set_rate_limit(self, requests_per_minute: int | None, *, insufficient_quota: bool = False) -> None:
        """Limit each API key to ``requests_per_minute`` (``None``: unlimited), as OpenAI does.

        A token bucket per key refills at ``N / 60`` per second and holds one second's worth (at
        least one request). Every reply then carries ``x-ratelimit-limit-requests``,
        ``x-ratelimit-remaining-requests`` and ``x-ratelimit-reset-requests``; a request over the
        limit gets a 429 ``rate_limit_exceeded`` with ``retry-after-ms``. ``insufficient_quota``:
        refuse every request with the final 429 ``insufficient_quota`` instead. Every key starts
        with a full bucket; :meth:`reset` restores the limit the server was started with.
        """
        self._state.rate_limits.configure(
            requests_per_minute=requests_per_minute, insufficient_quota=insufficient_quota
        )

    def set_processing_speed(self, speed: str | float | None) -> None:
        """Make transcriptions and translations take the audio's duration divided by ``speed``.

        ``"30x"`` (or ``30``): a 60-second recording is answered after 2 seconds. ``None``: at once
        (the default). Only requests that reach transcription wait; :meth:`reset` restores the speed
        the server was started with.
        """
        self._state.processing.speed = parse_speed(speed)

    def set_upload_limit(self, max_upload_bytes: int) -> None:
        """Answer bigger transcription/translation bodies with OpenAI's 413 (default 26214400).

        For tests of the 413 that need not send 25 MB; :meth:`reset` restores the start-up limit.
        """
        if max_upload_bytes < 1:
            raise ValueError("max_upload_bytes must be positive")
        self._state.max_upload_bytes = max_upload_bytes

    def inject(
        self,
        kind: str,
        *,
        count: int = 1,
        path: str | None = None,
        method: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
        retry_after_ms: int | None = None,
        stall: float | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Fault:
        """Make the next ``count`` requests matching ``path``/``method`` misbehave as ``kind``.

        ``path`` matches any part of the URL path and ``method`` the HTTP method; the other
        arguments tune the fault (see the fault kinds in the testing guide). Returns the queued
        :class:`Fault`, whose ``remaining`` counts down.
        """
        fault = Fault(
            kind,
            count=count,
            path=path,
            method=method,
            status=status,
            retry_after=retry_after,
            retry_after_ms=retry_after_ms,
            stall=stall,
            body=body,
            headers=headers,
        )
        return self._state.faults.add(fault)

    @property
    def faults(self) -> list[Fault]:
        """The faults still waiting for matching requests."""
        return self._state.faults.pending()

    def clear_faults(self) -> None:
        """Drop every pending fault."""
        self._state.faults.clear()
