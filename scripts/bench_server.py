"""The benchmark's server process: ``AudioServer`` on a free port, optionally over a pre-seeded SQLite file.

Prints the base URL, then the API key, one per line, and serves until stdin closes (so it never
outlives the benchmark, however that ends).

Why not ``python -m openai_audio.testing``: that server's listening socket is created without
TCP_NODELAY (``socket.socket(family, SOCK_STREAM)`` has ``proto == 0``, so asyncio's automatic
TCP_NODELAY does not apply to accepted connections). uvicorn writes the response head and body in
two sends, so Nagle holds the body until the client's delayed ACK: every keep-alive request after
the first waits about 40 ms, which drowns any client overhead. Linux copies TCP_NODELAY from the
listening socket to accepted ones, so setting it here is enough.
"""

from __future__ import annotations

import argparse
import secrets
import socket
import sqlite3
import sys
import time

from openai_audio.testing import AudioServer
from openai_audio.testing._state import Store


def seed_consents(db_path: str, count: int) -> list[str]:
    """Insert ``count`` consents straight into the server's SQLite schema (one transaction)."""
    Store(db_path).close()  # creates the schema exactly as the server will expect it
    now = int(time.time())
    ids = [f"cons_{secrets.token_hex(12)}" for _ in range(count)]
    with sqlite3.connect(db_path) as db:
        db.executemany(
            "INSERT INTO consents (id, name, language, created_at, recording_sha256, recording_size)"
            " VALUES (?, ?, 'en', ?, ?, 1024)",
            [(cid, f"bench consent {i}", now, "0" * 64) for i, cid in enumerate(ids)],
        )
    db.close()
    return ids


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default=None)
    parser.add_argument("--processing-speed", default=None, help="simulated processing speed, e.g. 30x")
    args = parser.parse_args()
    server = AudioServer(db_path=args.db, processing_speed=args.processing_speed).start()
    listener = server._socket
    if listener is not None:
        listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    print(server.base_url, flush=True)
    print(server.api_key, flush=True)
    try:
        sys.stdin.read()  # EOF when the benchmark exits or closes the pipe
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
