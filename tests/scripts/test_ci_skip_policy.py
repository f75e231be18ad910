"""The spec tests never skip: the pinned upstream document is part of the repository, so a missing
one is a failure on every machine (CI or not), never a silent skip.

The proof runs a selection of those tests in a child pytest whose plugin points them at a document
that does not exist, and records every outcome; it counts nothing that adding a test would change.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO_ROOT

# Imported (-p) before any conftest, which import UPSTREAM_SPEC from helpers when loaded.
MISSING_SPEC_PLUGIN = """
import json
import os
from pathlib import Path

import helpers

helpers.UPSTREAM_SPEC = Path("/nonexistent/openai-openapi.yaml")

def pytest_runtest_logreport(report):
    with open(os.environ["OUTCOMES_FILE"], "a") as fh:
        fh.write(json.dumps([report.nodeid, report.when, report.outcome]) + "\\n")
"""

# Tests that read the document through module or session fixtures, and one that runs a script on it.
SELECTION = [
    "tests/scripts/test_generation.py::test_extraction_is_byte_identical",
    "tests/scripts/test_generation.py::test_extraction_matches_committed_spec",
    "tests/spec_change/test_spec_diff.py::test_unchanged_upstream_gives_an_empty_diff",
    "tests/spec_change/test_update_spec.py::test_dry_run_of_unchanged_upstream_exits_0",
]


@pytest.mark.parametrize("ci", [None, "true"], ids=["developer-machine", "ci"])
def test_spec_tests_fail_without_the_pinned_document(tmp_path: Path, ci: str | None) -> None:
    (tmp_path / "missing_spec_plugin.py").write_text(MISSING_SPEC_PLUGIN)
    outcomes_file = tmp_path / "outcomes.jsonl"
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    pythonpath = os.pathsep.join([str(tmp_path), str(REPO_ROOT / "tests")])
    env |= {"PYTHONPATH": pythonpath, "OUTCOMES_FILE": str(outcomes_file)}
    if ci is not None:
        env["CI"] = ci
    command = [sys.executable, "-m", "pytest", "-p", "missing_spec_plugin", "-p", "no:cacheprovider", "-q"]
    result = subprocess.run(
        [*command, *SELECTION], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 1, result.stdout + result.stderr

    reports = [json.loads(line) for line in outcomes_file.read_text().splitlines()]
    tests = {nodeid for nodeid, _, _ in reports}
    failed = {nodeid for nodeid, _, outcome in reports if outcome == "failed"}
    skipped = {nodeid for nodeid, _, outcome in reports if outcome == "skipped"}
    assert tests, result.stdout
    assert not skipped, result.stdout
    assert failed == tests, result.stdout  # every selected test failed, in set-up or in its body
    assert "/nonexistent/openai-openapi.yaml" in result.stdout
