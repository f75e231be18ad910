"""Execute every ```python block of README.md and docs/**/*.md against the local server.

One test per page. A page's blocks run in order in one namespace, in a fresh temporary working
directory, with ``OPENAI_BASE_URL``/``OPENAI_API_KEY`` pointing at the session's local server, so
a block may use names and files made by the blocks above it — just as a reader following the page
would. Conventions:

* ``<!-- no-test: reason -->`` on the line before a fence exempts that block (a real OpenAI key
  needed, a bare signature). Shell and other non-Python blocks are never executed.
* A block that only includes an example script (``--8<-- "examples/x.py"``) is not run here:
  tests/docs/test_examples.py runs the script itself.
* Functions named ``test_*`` that a page defines (the testing guide shows pytest tests) are
  called after the page's blocks, with the ``audio_server``, ``audio_server_clean`` and ``tmp_path``
  arguments they ask for (the same session server the examples use).
* Tracebacks point at the Markdown file and line of the failing code.
"""

from __future__ import annotations

import inspect
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from openai_audio.testing import AudioServer

from .conftest import REPO, CodeBlock, code_blocks, markdown_pages

_SNIPPET = re.compile(r'^--8<--\s+"(?P<path>[^"]+)"\s*$')
_FIXTURE_NAMES = frozenset({"audio_server", "audio_server_clean", "tmp_path"})


def _is_example_include(block: CodeBlock) -> bool:
    lines = [line.strip() for line in block.code.splitlines() if line.strip()]
    return bool(lines) and all(
        (m := _SNIPPET.match(line)) and m["path"].startswith("examples/") for line in lines
    )


def _runnable(path: Path) -> list[CodeBlock]:
    return [b for b in code_blocks(path) if b.is_python and not b.skip and not _is_example_include(b)]


PAGES = [page for page in markdown_pages() if _runnable(page)]


def test_pages_are_found() -> None:
    names = {page.relative_to(REPO).as_posix() for page in PAGES}
    assert "README.md" in names
    assert len(names) >= 10, names


def test_opt_outs_are_rare_and_explained() -> None:
    python_blocks = [b for page in markdown_pages() for b in code_blocks(page) if b.is_python]
    skipped = [b for b in python_blocks if b.skip]
    assert len(skipped) * 10 <= len(python_blocks), [b.where for b in skipped]
    for page in markdown_pages():
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            if "no-test" in line:
                assert re.search(r"<!--\s*no-test:\s*\S", line), f"{page}:{number}: give the no-test a reason"


def _call_tests(namespace: dict[str, Any], server: AudioServer, tmp_path: Path) -> int:
    called = 0
    for name, value in list(namespace.items()):
        if not (name.startswith("test_") and inspect.isfunction(value)):
            continue
        wanted = inspect.signature(value).parameters
        assert set(wanted) <= _FIXTURE_NAMES, f"{name} asks for fixtures the docs runner lacks: {set(wanted)}"
        fixtures: dict[str, Any] = {"audio_server": server, "tmp_path": tmp_path / name}
        fixtures["tmp_path"].mkdir()
        if "audio_server_clean" in wanted:
            server.reset()
            fixtures["audio_server_clean"] = server
        try:
            value(**{key: fixtures[key] for key in wanted})
        finally:
            server.clear_faults()
        called += 1
    return called


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(REPO).as_posix() for p in PAGES])
def test_page_code_runs(
    page: Path,
    docs_server: AudioServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in [key for key in os.environ if key.startswith("OPENAI_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("OPENAI_BASE_URL", docs_server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", docs_server.api_key)
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    monkeypatch.setattr(sys, "argv", [str(page)])
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    for block in _runnable(page):
        # Padding keeps line numbers: a traceback names the Markdown line that failed.
        source = "\n" * (block.line - 1) + block.code
        code = compile(source, str(page), "exec")
        try:
            exec(code, namespace)  # noqa: S102 - the docs are our own code
        except BaseException as exc:
            raise AssertionError(f"the code block at {block.where} failed: {exc!r}") from exc
    called = _call_tests(namespace, docs_server, tmp_path)
    if page.relative_to(REPO).as_posix() == "docs/guides/testing.md":
        assert called >= 2, "the testing guide's pytest examples were not run"
