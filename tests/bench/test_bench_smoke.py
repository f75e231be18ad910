"""``scripts/bench.py --smoke`` runs every benchmark end to end at tiny sizes.

Only that it runs and reports: timing targets are not checked here (the figures of a smoke run
mean nothing, and the machine may be busy).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# The comparison needs the openai SDK (the `bench` extra); without it there is nothing to run.
pytest.importorskip("openai")

REPO = Path(__file__).resolve().parents[2]
SECTIONS = ("## 1.", "## 1b.", "## 2a.", "## 2b.", "## 2c.", "## 3.", "## 4.", "## 5.", "## 6.")


def test_smoke_run_reports_every_benchmark(tmp_path: Path) -> None:
    report = tmp_path / "bench.md"
    proc = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "bench.py"), "--smoke", "--output", str(report)],
        capture_output=True,
        text=True,
        timeout=90,
        cwd=REPO,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    text = report.read_text()
    assert proc.stdout.strip() == text.strip()
    for section in SECTIONS:
        assert section in text, f"missing {section!r} in:\n{text}"
    assert "**Machine:**" in text
    # One PASS/FAIL verdict per target (10 of them), whatever the figures.
    verdicts = [line for line in text.splitlines() if line.endswith(("| PASS |", "| FAIL |"))]
    assert len(verdicts) == 10, text


@pytest.mark.slow
@pytest.mark.timeout(400)  # three clients (one the openai SDK, slow to import) and a server, on a busy box
def test_batch_benchmark_smoke_run_counts_every_variant() -> None:
    # The 100- and 1,000-file runs take minutes by nature: `make bench` only. This checks the script.
    proc = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "bench_batches.py"), "--smoke"],
        capture_output=True,
        text=True,
        timeout=380,
        cwd=REPO,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    rows = [line for line in proc.stdout.splitlines() if line.startswith("| ") and "| 12 |" in line]
    assert [row.split(" | ")[0] for row in rows] == [
        "| CLI `transcribe -j 16`",
        "| library `create_many(concurrency=16)`",
        "| naive `asyncio.gather`, openai SDK",
    ]
    # Paced variants: every file done (the figures of a smoke run mean nothing, the counts do).
    assert all(row.split(" | ")[6] == "0" for row in rows[:2]), rows
    assert "What pacing adds to one call" in proc.stdout
