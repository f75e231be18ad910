"""serve as a subprocess, forced progress bars, the upload wrapper's rewinds, and scripts/demo.py."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from openai_audio import AudioClient
from openai_audio.cli._progress import ProgressReader
from openai_audio.testing import AudioServer

from .conftest import FAKE_KEY, REPO, Runner, cli_env


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_serve_prints_url_first_and_stops_cleanly(tmp_path: Path, stop_signal: signal.Signals) -> None:
    accepted = "sk-serve-accepted-key-42"
    server = subprocess.Popen(
        [sys.executable, "-m", "openai_audio.cli", "serve", "--port", "0", "--api-key", accepted],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")

        def call(key: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run(
                [sys.executable, "-m", "openai_audio.cli", "consents", "list", "--json"],
                env=cli_env(url, key),
                capture_output=True,
                text=True,
                timeout=30,
            )

        ok = call(accepted)
        assert ok.returncode == 0, ok.stderr
        assert ok.stdout.strip() == "[]"
        if stop_signal == signal.SIGTERM:  # once is enough: a wrong key is one clear line
            wrong = call(FAKE_KEY)
            assert wrong.returncode == 1
            assert wrong.stderr.startswith("error: AuthenticationError: 401 ")
            assert FAKE_KEY not in wrong.stdout + wrong.stderr
        server.send_signal(stop_signal)
        out, err = server.communicate(timeout=15)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert server.returncode == 0
    assert "Traceback" not in err
    assert accepted not in out + err


def test_forced_progress_bars(cli: Runner, speech_wav: Callable[[str], bytes], tmp_path: Path) -> None:
    forced = {"OPENAI_AUDIO_PROGRESS": "1"}
    spoken = cli("speak", "Progress bars on demand.", "-o", "bar.wav", env_extra=forced)
    assert spoken.returncode == 0, spoken.stderr
    assert "download bar.wav" in spoken.stderr

    (tmp_path / "b.wav").write_bytes(speech_wav("The second upload."))
    batch = cli("transcribe", "bar.wav", "b.wav", "--out-dir", "out", "-j", "2", env_extra=forced)
    assert batch.returncode == 0, batch.stderr
    assert "2/2 files" in batch.stderr and "upload" in batch.stderr
    assert (tmp_path / "out" / "bar.txt").read_text() == "Progress bars on demand.\n"

    single = cli("transcribe", "bar.wav", env_extra=forced)
    assert single.stdout == "Progress bars on demand.\n"  # bars go to stderr only

    consent = cli(
        "consents", "create", "--name", "p", "--recording", "b.wav", "--language", "en", env_extra=forced
    )
    assert consent.returncode == 0, consent.stderr
    assert "upload b.wav" in consent.stderr

    # Without a terminal (and without the variable) there are no bars at all.
    quiet = cli("speak", "No bars.", "-o", "quiet.wav")
    assert quiet.stderr == "wrote quiet.wav (" + str((tmp_path / "quiet.wav").stat().st_size) + " bytes)\n"


def test_upload_reader_rewinds_on_retry(
    audio_server: AudioServer, speech_wav: Callable[[str], bytes], tmp_path: Path
) -> None:
    audio = tmp_path / "retry.wav"
    audio.write_bytes(speech_wav("Sent twice, counted once."))
    deltas: list[int] = []
    audio_server.inject("status", status=500, count=1, path="/audio/transcriptions")
    try:
        with (
            AudioClient(base_url=audio_server.base_url, api_key=FAKE_KEY, max_retries=1) as client,
            ProgressReader.open(audio, deltas.append, argument="file") as reader,
        ):
            result = client.transcriptions.create(("retry.wav", reader.as_io()))
    finally:
        audio_server.clear_faults()
    assert result.text == "Sent twice, counted once."
    # Two uploads happened (the first got a 500) yet the bar ends at exactly the file's size.
    assert sum(delta for delta in deltas if delta > 0) >= 2 * audio.stat().st_size
    assert sum(deltas) == audio.stat().st_size
    assert any(delta < 0 for delta in deltas)


def test_demo_script_runs_green() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "demo.py")],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "round trip ok" in result.stdout
    assert "$ openai-audio consents list --json" in result.stdout
    assert "demo passed" in result.stdout
