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
