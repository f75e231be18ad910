"""The repository is self-contained: the pinned upstream document, its licence and provenance are
in it, the lock records its sha256, and nothing outside Markdown prose reads a directory beside
the checkout (as the old default, the shared reference folder one level up, did)."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path

import pytest

from helpers import REPO_ROOT, UPSTREAM_SPEC

PINNED_DIR = REPO_ROOT / "spec" / "upstream"
# Ways a file can reach beside the checkout: a relative path, the old folder's name, and the
# pathlib spelling `ROOT.parent / "shared"`.
OUTSIDE_READS = re.compile(r"""\.\.[/\\]shared|shared[/\\]reference|/\s*["']shared["']""")


def repository_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout.decode()
    return [REPO_ROOT / rel for rel in filter(None, listed.split("\0")) if (REPO_ROOT / rel).is_file()]


@pytest.mark.parametrize(
    "line",
    [
        # Spelled in pieces, so `git grep` for the old path finds nothing in the repository.
        "SPEC ?= .." + "/shared" + "/reference/openai-openapi.yaml",
        "UPSTREAM = ROOT.parent / " + '"sha' + 'red"' + ' / "reference" / "openai-openapi.yaml"',
        "cp .." + "\\shared\\x .",
    ],
)
def test_the_detector_sees_reads_beside_the_checkout(line: str) -> None:
    assert OUTSIDE_READS.search(line)


def test_nothing_outside_markdown_reads_beside_the_checkout() -> None:
    this_file = Path(__file__).resolve()
    offenders = []
    for path in repository_files():
        if path.suffix == ".md" or path.resolve() == this_file or path.resolve() == UPSTREAM_SPEC:
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        offenders += [
            f"{path.relative_to(REPO_ROOT)}:{number}: {line.strip()}"
            for number, line in enumerate(text.splitlines(), 1)
            if OUTSIDE_READS.search(line)
        ]
    assert not offenders, "\n".join(offenders)


def test_the_pinned_document_is_the_locked_one_with_licence_and_provenance() -> None:
    digest = hashlib.sha256(UPSTREAM_SPEC.read_bytes()).hexdigest()
    lock = json.loads((REPO_ROOT / "spec.lock.json").read_text())
    assert lock["upstream_sha256"] == digest
    assert "spec/upstream/openai-openapi.yaml" in lock["upstream"]
    assert (PINNED_DIR / "LICENSE").read_text().startswith("The MIT License")
    provenance = (PINNED_DIR / "PROVENANCE.md").read_text()
    assert digest in provenance
    assert "github.com/openai/openai-openapi" in provenance
