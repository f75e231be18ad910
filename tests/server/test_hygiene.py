"""Local server hygiene: stop() releases what the server opened, the request log is bounded, and
a server reachable from other machines that accepts any key says so loudly."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import httpx
import pytest

from openai_audio.testing import AudioServer
from openai_audio.testing._server import OpenServerWarning


def _fds_on(path: Path) -> int:
    """Open file descriptors of this process on ``path`` (or its SQLite side files)."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        count += target.startswith(str(path))
    return count


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="reads /proc/self/fd")
def test_stop_closes_the_sqlite_store(tmp_path: Path) -> None:
    db = tmp_path / "audio.db"
    server = AudioServer(db_path=db).start()
    headers = {"authorization": f"Bearer {server.api_key}"}
    assert httpx.get(f"{server.base_url}/audio/voice_consents", headers=headers).status_code == 200
    assert _fds_on(db) >= 1
    server.stop()
    assert _fds_on(db) == 0
    # Started again, it opens the same file again and serves.
    server.start()
    try:
        assert httpx.get(f"{server.base_url}/audio/voice_consents", headers=headers).status_code == 200
    finally:
        server.stop()
    assert _fds_on(db) == 0


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="reads /proc/self/fd")
def test_stop_of_a_server_never_started_closes_its_store(tmp_path: Path) -> None:
    db = tmp_path / "idle.db"
    server = AudioServer(db_path=db)
    assert _fds_on(db) >= 1
    server.stop()
    assert _fds_on(db) == 0


def test_the_request_log_keeps_the_newest_entries_only() -> None:
    with AudioServer(max_logged_requests=3) as server:
        headers = {"authorization": f"Bearer {server.api_key}"}
        for after in ("a", "b", "c", "d", "e"):
            httpx.get(f"{server.base_url}/audio/voice_consents", params={"after": after}, headers=headers)
        assert [r.query["after"] for r in server.requests] == ["c", "d", "e"]


def test_the_request_log_keeps_no_big_bodies() -> None:
    with AudioServer(max_logged_value_bytes=1024) as server:
        headers = {"authorization": f"Bearer {server.api_key}"}
        small, big = "x" * 1024, "y" * 1025
        for prompt in (small, big):
            httpx.post(
                f"{server.base_url}/audio/transcriptions",
                headers=headers,
                data={"model": "whisper-1", "prompt": prompt},
                files={"file": ("a.wav", b"RIFF", "audio/wav")},
            )
        httpx.post(
            f"{server.base_url}/audio/speech",
            headers=headers,
            json={"model": "tts-1", "voice": "alloy", "input": big},
        )
        logged = server.requests
        assert logged[0].form["prompt"] == [small]
        note = logged[1].form["prompt"][0]
        assert note.startswith("<1025 bytes not kept, sha256 ") and len(note) < 200
        assert isinstance(logged[2].json, str) and "bytes not kept" in logged[2].json
        # Uploaded files are never kept, only described.
        assert logged[0].uploads[0].size == 4 and len(logged[0].uploads[0].sha256) == 64


# Never bound: these servers are only constructed.
ALL_INTERFACES = "0.0.0.0"  # noqa: S104


@pytest.mark.parametrize("host", [ALL_INTERFACES, "192.0.2.10", "::", "example.internal"])
def test_a_server_others_can_reach_warns_that_any_key_is_accepted(host: str) -> None:
    # Constructing it is enough: nothing is bound until start().
    with pytest.warns(OpenServerWarning, match="accepts ANY API key"):
        server = AudioServer(host=host)
    server.stop()


@pytest.mark.parametrize(
    ("host", "keys"), [("127.0.0.1", None), ("::1", None), ("localhost", None), (ALL_INTERFACES, ["sk-1"])]
)
def test_loopback_or_keyed_servers_do_not_warn(host: str, keys: list[str] | None) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        server = AudioServer(host=host, api_keys=keys)
    server.stop()
