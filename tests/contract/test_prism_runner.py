"""The Prism process runner itself, driven by stand-in shell scripts (no Prism needed): clear
failures with the child's output, and teardown that reaches the whole process group."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest

from helpers import PrismError, PrismServer


def fake_prism(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "prism"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_early_exit_fails_with_the_output(tmp_path: Path) -> None:
    exe = fake_prism(tmp_path, 'echo "[CLI] error: cannot parse openapi.yaml"\nexit 3\n')
    server = PrismServer(exe, tmp_path / "openapi.yaml", startup_timeout=10)
    with pytest.raises(PrismError, match=r"(?s)exited with 3.*cannot parse openapi\.yaml"):
        server.start()


def test_silence_fails_after_the_startup_timeout(tmp_path: Path) -> None:
    exe = fake_prism(tmp_path, 'echo "Starting Prism..."\nexec sleep 60\n')
    server = PrismServer(exe, tmp_path / "openapi.yaml", startup_timeout=0.5, stop_timeout=5)
    started = time.monotonic()
    with pytest.raises(PrismError, match=r"(?s)not listening after 0\.5s.*Starting Prism"):
        server.start()
    assert time.monotonic() - started < 5
    assert not server.is_alive()


def test_stop_kills_the_whole_group_even_if_sigterm_is_ignored(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    exe = fake_prism(
        tmp_path,
        "trap '' TERM\n"  # a leader that ignores SIGTERM, and a child holding on
        f"sh -c 'trap \"\" TERM; echo $$ > {pid_file}; exec sleep 60' &\n"
        'printf "\\033[32m[CLI] start Prism is listening on http://127.0.0.1:4010\\033[0m\\n"\n'
        "while true; do sleep 1; done\n",
    )
    server = PrismServer(exe, tmp_path / "openapi.yaml", startup_timeout=10, stop_timeout=1)
    server.start()
    assert server.base_url == "http://127.0.0.1:4010"  # parsed despite the colour codes
    assert server.is_alive()
    deadline = time.monotonic() + 5
    while not pid_file.exists() or not pid_file.read_text().strip():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    child = int(pid_file.read_text())

    server.stop()
    assert not server.is_alive()
    assert server.returncode is not None
    deadline = time.monotonic() + 5
    while pid_alive(child):  # reaped by init shortly after SIGKILL
        assert time.monotonic() < deadline, "the child outlived stop()"
        time.sleep(0.05)


def test_output_is_drained_while_running(tmp_path: Path) -> None:
    # Far more than a pipe buffer (64 KiB): Prism would block on write if nobody read it.
    exe = fake_prism(
        tmp_path,
        'i=0; while [ $i -lt 3000 ]; do echo "log line $i padding padding padding"; i=$((i+1)); done\n'
        'echo "Prism is listening on http://127.0.0.1:4011"\nexec sleep 60\n',
    )
    server = PrismServer(exe, tmp_path / "openapi.yaml", startup_timeout=20, stop_timeout=5)
    server.start()
    try:
        assert "log line 2999" in server.output()
    finally:
        server.stop()
