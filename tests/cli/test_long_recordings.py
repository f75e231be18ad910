"""The CLI with recordings over the limits: split, stitched, one progress bar per recording."""

from __future__ import annotations

import re
from pathlib import Path

from helpers.synthetic_speech import sentence_text
from helpers.synthetic_speech import speech_wav as long_speech
from openai_audio.testing import AudioServer

from .conftest import Runner

PATH = "/v1/audio/transcriptions"


def test_srt_of_a_long_recording_is_one_stitched_file(
    cli: Runner, audio_server: AudioServer, tmp_path: Path
) -> None:
    (tmp_path / "long.wav").write_bytes(long_speech(sentence_text(60)))
    audio_server.clear_requests()
    result = cli("transcribe", "long.wav", "--format", "srt", "--max-duration", "6")
    assert result.returncode == 0, result.stderr
    chunks = [r for r in audio_server.requests if r.path == PATH]
    assert len(chunks) >= 3
    numbers = re.findall(r"^(\d+)$", result.stdout, flags=re.M)
    assert numbers == [str(i) for i in range(1, len(numbers) + 1)] and len(numbers) >= len(chunks)
    assert result.stdout.count("-->") == len(numbers)


def test_batch_and_progress_bars_per_recording(
    cli: Runner, audio_server: AudioServer, tmp_path: Path
) -> None:
    for name, words in (("a.wav", 60), ("b.wav", 45)):
        (tmp_path / name).write_bytes(long_speech(sentence_text(words, seed=len(name) + words)))
    audio_server.clear_requests()
    forced = {"OPENAI_AUDIO_PROGRESS": "1", "COLUMNS": "200"}
    result = cli(
        "transcribe", "a.wav", "b.wav", "--out-dir", "out", "-j", "2", "--max-duration", "6", env_extra=forced
    )
    assert result.returncode == 0, result.stderr
    assert re.search(r"a\.wav .*\d+/\d+ chunks", result.stderr) and re.search(
        r"b\.wav .*\d+/\d+ chunks", result.stderr
    )
    assert (tmp_path / "out" / "a.txt").read_text().strip() and (
        tmp_path / "out" / "b.txt"
    ).read_text().strip()
    assert len([r for r in audio_server.requests if r.path == PATH]) >= 6


def test_no_split_sends_each_file_whole(cli: Runner, audio_server: AudioServer, tmp_path: Path) -> None:
    (tmp_path / "long.wav").write_bytes(long_speech(sentence_text(60)))
    audio_server.clear_requests()
    result = cli("transcribe", "long.wav", "--max-duration", "6", "--no-split")
    assert len([r for r in audio_server.requests if r.path == PATH]) == 1, result.stderr
