"""Shared pieces of the documentation tests: where the docs are, and how their code blocks are found.

Every ```python block in docs/**/*.md and README.md is executed against the session's local server
(tests/docs/test_code_blocks.py), and every examples/*.py script runs in a subprocess against it
(tests/docs/test_examples.py), so that no snippet can drift from the library.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from openai_audio.testing import AudioServer

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
EXAMPLES = REPO / "examples"
README = REPO / "README.md"

# The marker that exempts the next block from execution; use it sparingly (a real OpenAI key
# needed, a bare signature). `<!-- no-test: reason -->` is the preferred spelling.
NO_TEST = re.compile(r"^<!--\s*no-test\b.*-->$")
_FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\s]*)(?P<rest>.*)$")
PYTHON_LANGS = frozenset({"python", "py", "python3"})


@dataclass(frozen=True)
class CodeBlock:
    path: Path
    line: int  # 1-based line of the first line of code (the line after the opening fence)
    lang: str
    code: str
    skip: bool

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(REPO)}:{self.line}"

    @property
    def is_python(self) -> bool:
        return self.lang.lower() in PYTHON_LANGS


def code_blocks(path: Path) -> list[CodeBlock]:
    """Every fenced code block of a Markdown file, in order (indented fences in lists included)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[CodeBlock] = []
    i = 0
    while i < len(lines):
        match = _FENCE_OPEN.match(lines[i])
        if match is None:
            i += 1
            continue
        indent, fence = match["indent"], match["fence"]
        previous = next((lines[j].strip() for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        start = i + 1
        end = start
        while end < len(lines) and not (
            lines[end].strip().startswith(fence) and lines[end].strip().strip(fence[0]) == ""
        ):
            end += 1
        if end == len(lines):
            raise AssertionError(f"{path}:{i + 1}: unclosed code fence")
        body = [
            line[len(indent) :] if line.startswith(indent) else line.lstrip() for line in lines[start:end]
        ]
        blocks.append(
            CodeBlock(
                path=path,
                line=start + 1,
                lang=match["info"],
                code="\n".join(body) + "\n",
                skip=bool(NO_TEST.match(previous)),
            )
        )
        i = end + 1
    return blocks


def markdown_pages() -> list[Path]:
    return [README, *sorted(DOCS.rglob("*.md"))]


def example_scripts() -> list[Path]:
    return sorted(EXAMPLES.glob("*.py"))


def server_env(server: AudioServer) -> dict[str, str]:
    """The environment a reader would have: OPENAI_* pointing at the local server, nothing else."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env.update(OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY=server.api_key, PYTHONUNBUFFERED="1")
    return env


@pytest.fixture
def docs_server(audio_server: AudioServer) -> Iterator[AudioServer]:
    """The session server, without faults left over from other tests (state is kept: it is cheap)."""
    audio_server.clear_faults()
    try:
        yield audio_server
    finally:
        audio_server.clear_faults()
