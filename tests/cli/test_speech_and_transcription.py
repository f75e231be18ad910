"""speak / transcribe / translate through the CLI: stdout, files, batches, resume, failures."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from openai_audio.testing import AudioServer

from .conftest import FAKE_KEY, Runner

SENTENCE = "Command lines are still the fastest way to get things done."


def test_speak_then_transcribe_round_trip(cli: Runner, tmp_path: Path) -> None:
    spoken = cli("speak", SENTENCE, "-o", "said.wav", "--voice", "alloy")
    assert spoken.returncode == 0, spoken.stderr
    assert (tmp_path / "said.wav").read_bytes()[:4] == b"RIFF"
    assert not list(tmp_path.glob(".*.part"))  # the atomic write left nothing behind

    heard = cli("transcribe", "said.wav")
    assert heard.returncode == 0, heard.stderr
    assert heard.stdout == SENTENCE + "\n"

    # '-' reads the text from stdin; --format must agree with nothing else here (.bin has no format).
    piped = cli("speak", "-", "-o", "piped.bin", "--format", "wav", stdin="From standard input.\n")
    assert piped.returncode == 0, piped.stderr
    streamed = cli("transcribe", "piped.bin", "--stream")
    # piped.bin has no audio suffix; the client sniffs the WAV header.
    assert streamed.returncode == 0, streamed.stderr
    assert streamed.stdout == "From standard input.\n"

    srt = cli("transcribe", "said.wav", "--format", "srt")  # picks whisper-1 for srt
    assert srt.returncode == 0, srt.stderr
    assert re.search(r"00:00:00,000 --> \d\d:\d\d:\d\d,\d{3}\n" + re.escape(SENTENCE), srt.stdout)

    translated = cli("translate", "said.wav")
    assert translated.returncode == 0, translated.stderr
    assert translated.stdout == SENTENCE + "\n"


def test_speak_failure_keeps_the_old_file(cli: Runner, audio_server: AudioServer, tmp_path: Path) -> None:
    target = tmp_path / "keep.wav"
    target.write_bytes(b"old content")
    audio_server.inject("status", status=500, count=2, path="/audio/speech")
    try:
        for env in ({}, {"OPENAI_AUDIO_PROGRESS": "1"}):  # save() and the streamed, progress path
            failed = cli("--max-retries", "0", "speak", "hello", "-o", "keep.wav", env_extra=env)
            assert failed.returncode == 1
            assert "InternalServerError: 500" in failed.stderr
            assert target.read_bytes() == b"old content"
            assert not list(tmp_path.glob(".*.part"))
    finally:
        audio_server.clear_faults()


def test_batch_with_failures_resume_and_force(
    cli: Runner, audio_server: AudioServer, speech_wav: Callable[[str], bytes], tmp_path: Path
) -> None:
    texts = {"one": "The first file.", "two": "The second file.", "three": "The third file."}
    for stem, text in texts.items():
        (tmp_path / f"{stem}.wav").write_bytes(speech_wav(text))
    (tmp_path / "notes.txt").write_text("not audio at all")
    # No suffix and no audio magic bytes: the client cannot tell a format and refuses it.
    (tmp_path / "noise").write_bytes(b"\x00\x01garbage that is not audio" * 10)
    inputs = [*(f"{stem}.wav" for stem in texts), "notes.txt", "noise", "missing.wav"]

    first = cli("transcribe", *inputs, "--jobs", "3", "--out-dir", "out")
    assert first.returncode == 1
    for stem, text in texts.items():
        assert (tmp_path / "out" / f"{stem}.txt").read_text() == text + "\n"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["one.txt", "three.txt", "two.txt"]
    assert "transcribed 3 of 6 file(s): 3 done, 0 skipped, 3 failed in " in first.stderr
    failures = [line for line in first.stderr.splitlines() if line.startswith("  failed: ")]
    assert len(failures) == 3
    assert any(line.startswith("  failed: notes.txt: InvalidArgumentError:") for line in failures)
    assert any(line.startswith("  failed: missing.wav: InvalidArgumentError:") for line in failures)
    assert any(line.startswith("  failed: noise: InvalidArgumentError:") for line in failures)
    assert "Traceback" not in first.output and FAKE_KEY not in first.output

    # Resume: finished files are skipped, only the failures are retried.
    (tmp_path / "notes.txt").unlink()
    (tmp_path / "noise").unlink()
    (tmp_path / "out" / "two.txt").unlink()
    second = cli("transcribe", *(f"{stem}.wav" for stem in texts), "--out-dir", "out")
    assert second.returncode == 0, second.stderr
    assert "transcribed 1 of 3 file(s): 1 done, 2 skipped, 0 failed in " in second.stderr
    assert (tmp_path / "out" / "two.txt").read_text() == texts["two"] + "\n"

    # --force redoes everything; a server error fails just the file it hits.
    audio_server.inject("status", status=500, count=1, path="/audio/transcriptions")
    try:
        forced = cli(
            "--max-retries",
            "0",
            "transcribe",
            "--force",
            "-j",
            "3",
            "--out-dir",
            "out",
            "one.wav",
            "two.wav",
            "three.wav",
        )
    finally:
        audio_server.clear_faults()
    assert forced.returncode == 1
    assert "transcribed 2 of 3 file(s): 2 done, 0 skipped, 1 failed in " in forced.stderr
    assert re.search(r"failed: \w+\.wav: InternalServerError: 500 .* \(request id: req_\w+\)", forced.stderr)


def test_output_formats_and_names(cli: Runner, speech_wav: Callable[[str], bytes], tmp_path: Path) -> None:
    (tmp_path / "talk.wav").write_bytes(speech_wav("Formats are decided here."))
    results = {
        fmt: cli("transcribe", "talk.wav", "--format", fmt, "--out-dir", "t")
        for fmt in ("json", "verbose_json", "vtt")
    }
    assert all(r.returncode == 0 for r in results.values()), [r.stderr for r in results.values()]
    # json and verbose_json both map to talk.json: the second run skipped it (resume).
    assert "1 skipped" in results["verbose_json"].stderr
    assert json.loads((tmp_path / "t" / "talk.json").read_text())["text"] == "Formats are decided here."
    assert (tmp_path / "t" / "talk.vtt").read_text().startswith("WEBVTT")

    translated = cli("translate", "talk.wav", "--format", "srt", "--out-dir", "t")
    assert translated.returncode == 0, translated.stderr
    assert "Formats are decided here." in (tmp_path / "t" / "talk.srt").read_text()

    # Two inputs that would write the same output are refused up front (usage error).
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "talk.wav").write_bytes(speech_wav("Formats are decided here."))
    clash = cli("transcribe", "talk.wav", "sub/talk.wav", "--out-dir", "t2")
    assert clash.returncode == 2
    assert "would both be written" in clash.stderr

    # Several files without --out-dir: each output under a header.
    both = cli("transcribe", "talk.wav", "sub/talk.wav")
    assert both.returncode == 0, both.stderr
    assert both.stdout.count("==> ") == 2
