"""Run the Prism mock server (``@stoplight/prism-cli``) as a child process for tests."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import threading
from pathlib import Path

# Prism prints "Prism is listening on http://127.0.0.1:PORT" once it accepts connections;
# with `-p 0` (supported by 5.14.2) PORT is the one the OS picked, so no port can collide.
_LISTENING = re.compile(r"Prism is listening on (https?://\S+)")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class PrismError(RuntimeError):
    """Prism did not start, or died; the message carries its output."""


class PrismServer:
    """One ``prism mock`` process in its own process group, with its output drained continuously."""

    def __init__(
        self,
        executable: Path,
        spec: Path,
        *,
        host: str = "127.0.0.1",
        startup_timeout: float = 60.0,
        stop_timeout: float = 10.0,
    ) -> None:
        self.executable = executable
        self.spec = spec
        self.host = host
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self._proc: subprocess.Popen[str] | None = None
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self._ready = threading.Event()  # set on the listening line or on EOF
        self._base_url: str | None = None
        self._reader: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://HOST:PORT``: Prism serves the spec's paths without the server's ``/v1`` prefix."""
        if self._base_url is None:
            raise PrismError("Prism is not running")
        return self._base_url

    @property
    def returncode(self) -> int | None:
        return None if self._proc is None else self._proc.poll()

    def is_alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def output(self) -> str:
        with self._lock:
            return "".join(self._lines)

    def start(self) -> None:
        cmd = [str(self.executable), "mock", "-h", self.host, "-p", "0", str(self.spec)]
        env = {**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"}
        self._proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=env,
            start_new_session=True,  # its own group, so stop() also reaches anything it spawns
        )
        self._reader = threading.Thread(target=self._drain, name="prism-output", daemon=True)
        self._reader.start()
        ended = self._ready.wait(self.startup_timeout)
        if ended and self._base_url is not None:
            return
        code = None
        if ended:
            # Output closed before the listening line: Prism is exiting, but may not be reaped yet.
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = self._proc.wait(timeout=self.stop_timeout)
        self.stop()
        if code is not None:
            state = f"exited with {code}"
        elif ended:
            state = "closed its output without listening"
        else:
            state = f"not listening after {self.startup_timeout}s"
        raise PrismError(f"Prism {state}: {' '.join(cmd)}\n--- output ---\n{self.output()}")

    def _drain(self) -> None:
        # Keeps reading until EOF so Prism never blocks on a full pipe, whatever it logs.
        assert self._proc is not None
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            clean = _ANSI.sub("", line)
            with self._lock:
                self._lines.append(clean)
            if self._base_url is None and (match := _LISTENING.search(clean)):
                self._base_url = match.group(1).rstrip("/")
                self._ready.set()
        self._ready.set()

    def stop(self) -> None:
        proc = self._proc
        if proc is None:
            return
        # Signal the group even if the leader already exited: a child may still hold the port.
        self._signal_group(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=self.stop_timeout)
        except subprocess.TimeoutExpired:
            self._signal_group(proc.pid, signal.SIGKILL)
            proc.wait(timeout=self.stop_timeout)
        self._signal_group(proc.pid, signal.SIGKILL)  # stragglers that ignored SIGTERM
        if self._reader is not None:
            self._reader.join(timeout=self.stop_timeout)
        if proc.stdout is not None:
            proc.stdout.close()

    @staticmethod
    def _signal_group(pgid: int, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):  # the group is already gone
            os.killpg(pgid, sig)
