"""``python -m openai_audio.testing``: serve until SIGINT/SIGTERM; the first stdout line is the base URL."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from openai_audio import _extras


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m openai_audio.testing", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--api-key", dest="api_keys", action="append", help="an accepted key (repeatable)")
    parser.add_argument("--db", default=None, help="SQLite file keeping consents and voices")
    parser.add_argument(
        "--requests-per-minute",
        type=_positive,
        default=None,
        metavar="N",
        help="limit each API key to N requests per minute, as OpenAI does (default: unlimited)",
    )
    parser.add_argument(
        "--processing-speed",
        default=None,
        metavar="SPEED",
        help="simulate processing time: e.g. 30x answers a 60 s recording after 2 s (default: at once)",
    )
    args = parser.parse_args(argv)
    try:
        _extras.require("server", "the local server")
    except _extras.ExtraNotInstalledError as exc:
        print(f"python -m openai_audio.testing: {exc}", file=sys.stderr)
        return 2
    from openai_audio.testing._processing import parse_speed
    from openai_audio.testing._server import AudioServer

    try:
        speed = parse_speed(args.processing_speed)
    except ValueError as exc:
        parser.error(str(exc))

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    server = AudioServer(
        host=args.host,
        port=args.port,
        api_keys=args.api_keys,
        db_path=args.db,
        requests_per_minute=args.requests_per_minute,
        processing_speed=speed,
    )
    server.start()
    print(server.base_url, flush=True)
    print(f"api key: {server.api_key}", flush=True)
    try:
        while not stop.wait(1.0):  # a timed wait keeps the main thread responsive to signals
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
