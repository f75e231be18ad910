"""Bounded memory, measured in a fresh interpreter: the peak RSS growth while a recording is
split and every chunk read through (as an upload reads it) stays far below the recording's size."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.synthetic_speech import pcm_of, wav_bytes

_CHILD = r"""
import json, os, sys
from openai_audio._files import TRANSCRIPTION_UPLOADS, prepare_file
from openai_audio._long_recordings import model_limits, split_if_needed

def hwm_kib():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))

def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024

before = rss_kib()
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # reset the high-water mark: imports do not count
with prepare_file(sys.argv[1], argument="file", rule=TRANSCRIPTION_UPLOADS) as prepared:
    recording = split_if_needed(prepared, model_limits("whisper-1", max_upload_bytes=int(sys.argv[2])))
    sizes = []
    for chunk in recording.chunks:
        stream = chunk.file()[1]
        total = 0
        while block := stream.read(64 * 1024):  # what httpx does with an upload
            total += len(block)
        sizes.append(total)
    recording.close()
print(json.dumps({"growth_mib": (hwm_kib() - before) / 1024, "sizes": sizes}))
"""


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="needs Linux's resettable VmHWM")
def test_splitting_a_large_wav_holds_a_window_not_the_file(tmp_path: Path) -> None:
    block = pcm_of("a quiet signal, then amber river lantern. " * 40)
    path = tmp_path / "long.wav"
    with path.open("wb") as out:  # ~96 MB: the same block over and over
        header = bytearray(wav_bytes(b""))
        header[4:8] = (36 + len(block) * 40).to_bytes(4, "little")
        header[40:44] = (len(block) * 40).to_bytes(4, "little")
        out.write(header)
        for _ in range(40):
            out.write(block)
    size = path.stat().st_size
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), str(8 * 1024 * 1024)],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(proc.stdout)
    assert len(result["sizes"]) >= 12 and sum(result["sizes"]) >= size - 44
    assert max(result["sizes"]) <= 8 * 1024 * 1024
    assert result["growth_mib"] < 16  # of a ~96 MB recording: a few blocks, never the file
