"""CLI batches against the rate-limited local server: paced, resumable after a kill, stopped by quota.

Real subprocesses; synchronised on output files, never on sleeps or durations.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from openai_audio.testing import AudioServer

from .conftest import FAKE_KEY, Runner, cli_env

TRANSCRIPTIONS = "/v1/audio/transcriptions"


@pytest.fixture
def server(audio_server_clean: AudioServer) -> Iterator[AudioServer]:
    return audio_server_clean  # reset() afterwards lifts the limit again


def make_files(tmp_path: Path, speech_wav: Callable[[str], bytes], count: int) -> dict[str, str]:
    texts = {f"f{i:03d}": f"This is file number {i}." for i in range(count)}
    for stem, text in texts.items():
        (tmp_path / f"{stem}.wav").write_bytes(speech_wav(text))
    return texts


def transcribed(server: AudioServer) -> list[str]:
    """The files the server transcribed (answered 200), in order."""
    return [
        r.uploads[0].filename or ""
        for r in server.requests
        if r.path == TRANSCRIPTIONS and r.status == 200 and r.uploads
    ]


def test_a_batch_over_the_limit_is_paced_not_refused(
    cli: Runner, server: AudioServer, speech_wav: Callable[[str], bytes], tmp_path: Path
) -> None:
    texts = make_files(tmp_path, speech_wav, 30)
    server.set_rate_limit(900)  # a bucket of 15: -j 16 unpaced would be refused at once
    result = cli("transcribe", *(f"{s}.wav" for s in texts), "--out-dir", "out", "-j", "16")
    assert result.returncode == 0, result.stderr
    for stem, text in texts.items():
        assert (tmp_path / "out" / f"{stem}.txt").read_text() == text + "\n"
    assert "transcribed 30 of 30 file(s): 30 done, 0 skipped, 0 failed in " in result.stderr
    assert "requests/min)" in result.stderr
    statuses = [r.status for r in server.requests if r.path == TRANSCRIPTIONS]
    assert statuses.count(200) == 30
    assert statuses.count(429) <= 5  # a few at most on a busy machine; unpaced: a dozen+


def test_an_exhausted_quota_stops_the_batch_at_once(
    cli: Runner, server: AudioServer, speech_wav: Callable[[str], bytes], tmp_path: Path
) -> None:
    texts = make_files(tmp_path, speech_wav, 8)
    server.set_rate_limit(None, insufficient_quota=True)
    result = cli("transcribe", *(f"{s}.wav" for s in texts), "--out-dir", "out", "-j", "2")
    assert result.returncode == 1
    assert "error: stopped: the API key's quota is exhausted" in result.stderr
    assert "insufficient_quota" in result.stderr or "exceeded your current quota" in result.stderr
    assert "run the same command again once the quota is restored" in result.stderr
    assert "Traceback" not in result.output and FAKE_KEY not in result.output
    # Never retried, and no new file started once the first answer said so (-j 2: at most 2 sent).
    assert 1 <= sum(r.path == TRANSCRIPTIONS for r in server.requests) <= 2
    assert not list((tmp_path / "out").iterdir())


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT], ids=["kill-9", "ctrl-c"])
def test_an_interrupted_batch_finishes_without_redoing_or_leaving_partial_files(
    server: AudioServer, speech_wav: Callable[[str], bytes], tmp_path: Path, stop: signal.Signals
) -> None:
    texts = make_files(tmp_path, speech_wav, 16)
    server.set_rate_limit(120)  # two a second: the batch is still running when we stop it
    out = tmp_path / "out"
    command = [sys.executable, "-m", "openai_audio.cli", "transcribe", "--out-dir", "out", "-j", "4"]
    command += [f"{s}.wav" for s in texts]
    env = cli_env(server.base_url)
    # A shell's background job inherits an ignored SIGINT (Python then never raises
    # KeyboardInterrupt): give the CLI the default disposition, as a terminal would.
    first = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        # Wait for some outputs (a condition on files, polled; not a duration).
        while first.poll() is None and len(list(out.glob("*.txt")) if out.exists() else []) < 3:
            time.sleep(0.02)
        assert first.poll() is None, "the batch finished before it could be interrupted"
        os.kill(first.pid, stop)
        first.wait(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    errors = first.stderr.read().decode() if first.stderr else ""
    assert first.returncode == (130 if stop == signal.SIGINT else -signal.SIGKILL), errors
    if stop == signal.SIGINT:
        assert "interrupted" in errors and "Traceback" not in errors
    finished = {p.stem for p in out.glob("*.txt")}
    assert 3 <= len(finished) < len(texts)
    for stem in finished:  # whatever exists is complete
        assert (out / f"{stem}.txt").read_text() == texts[stem] + "\n"
    server.clear_requests()

    second = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    assert f"{len(texts) - len(finished)} done, {len(finished)} skipped, 0 failed" in second.stderr
    redone = transcribed(server)
    assert sorted(redone) == sorted(f"{s}.wav" for s in texts if s not in finished)
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{s}.txt" for s in texts)  # no .part left
    for stem, text in texts.items():
        assert (out / f"{stem}.txt").read_text() == text + "\n"
