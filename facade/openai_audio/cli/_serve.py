"""``serve``: the local test server in the foreground until Ctrl-C or SIGTERM."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from types import FrameType

import click


def serve(
    *,
    host: str,
    port: int,
    api_keys: tuple[str, ...] | None,
    db: Path | None,
    requests_per_minute: int | None = None,
    processing_speed: float | None = None,
) -> int:
    try:
        from openai_audio.testing import AudioServer
    except ImportError as exc:  # the server extra is not installed
        missing = f"{exc.name} is missing"
        raise click.ClickException(f"the local server needs the 'server' extra ({missing})") from None

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    server = AudioServer(
        host=host,
        port=port,
        api_keys=api_keys,
        db_path=db,
        requests_per_minute=requests_per_minute,
        processing_speed=processing_speed,
    )
    server.start()
    try:
        # Scripts read the first stdout line to find the server: print it, flush it, first.
        print(server.base_url, flush=True)
        accepted = "the key(s) given with --api-key" if api_keys else "any non-empty API key"
        limit = f", {requests_per_minute} requests/min per key" if requests_per_minute else ""
        if processing_speed:
            limit += f", processing at {processing_speed:g}x real time"
        note = f"serving on {server.base_url}, accepting {accepted}{limit}; Ctrl-C stops"
        print(note, file=sys.stderr, flush=True)
        while not stop.wait(0.5):  # a timed wait keeps the main thread responsive to signals
            pass
    finally:
        server.stop()
    print("stopped", file=sys.stderr, flush=True)
    return 0
