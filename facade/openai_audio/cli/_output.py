"""Writing results: atomic files, JSON, and tables (rich on a terminal, tab-separated otherwise)."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from rich.console import Console
from rich.table import Table


def dump_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def print_json(value: Any) -> None:
    sys.stdout.write(dump_json(value) + "\n")
    sys.stdout.flush()


def print_table(columns: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str | None = None) -> None:
    """A rich table on a terminal; a header line plus tab-separated rows when piped."""
    console = Console()
    if console.is_terminal:
        table = Table(*columns, title=title)
        for row in rows:
            table.add_row(*(str(cell) for cell in row))
        console.print(table)
        return
    sys.stdout.write("\t".join(columns) + "\n")
    for row in rows:
        sys.stdout.write("\t".join(str(cell) for cell in row) + "\n")
    sys.stdout.flush()


@contextlib.contextmanager
def atomic_writer(target: Path) -> Iterator[IO[bytes]]:
    """A temp file beside ``target`` that replaces it only if the block completes.

    Resumable batches rely on this: an output file that exists is a complete one, so
    "skip if it exists" is safe after a crash or Ctrl-C.
    """
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below
        dir=target.parent, prefix=f".{target.name}.", suffix=".part", delete=False
    )
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        # NamedTemporaryFile is 0600; give the result the usual mode for new files.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(handle.name, 0o666 & ~umask)
        os.replace(handle.name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(handle.name)
        raise


def write_text_atomic(target: Path, text: str) -> None:
    with atomic_writer(target) as out:
        out.write(text.encode("utf-8"))
