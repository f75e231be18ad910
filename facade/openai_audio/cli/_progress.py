"""Progress bars on stderr (only on a terminal) and a file wrapper that reports upload progress."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO, cast

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TransferSpeedColumn,
)

from openai_audio.errors import InvalidArgumentError

PROGRESS_ENV = "OPENAI_AUDIO_PROGRESS"
_CHUNK = 64 * 1024


def _forced() -> bool | None:
    """``OPENAI_AUDIO_PROGRESS``: 1 forces bars (tests, CI logs), 0 disables them, unset: auto."""
    value = os.environ.get(PROGRESS_ENV, "").strip().lower()
    if not value:
        return None
    return value not in ("0", "false", "no", "off")


def stderr_console() -> Console:
    return Console(stderr=True, force_terminal=True if _forced() else None)


def progress_enabled() -> bool:
    forced = _forced()
    if forced is not None:
        return forced
    return stderr_console().is_terminal


def redirect_stdout() -> bool:
    """Whether a live display should move stdout writes above its bars.

    Only when stdout is that same terminal: otherwise a transcript piped to a file would
    end up on stderr with the bars.
    """
    return sys.stdout.isatty()


def transfer_progress() -> Progress:
    """Bytes moved: for single uploads and downloads (total may be unknown)."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=stderr_console(),
        redirect_stdout=redirect_stdout(),
        redirect_stderr=False,
    )


class ProgressReader(io.RawIOBase):
    """A read-only, seekable view of a binary file that reports how far it has been read.

    httpx streams an upload with ``read()`` and rewinds it with ``seek(0)`` before each attempt,
    so the bar follows the position: reads move it forward, a rewind (a retry) moves it back.
    ``on_progress`` receives signed byte deltas, which lets several files feed one bar.
    """

    def __init__(self, raw: IO[bytes], on_progress: Callable[[int], None], *, name: str) -> None:
        super().__init__()
        self._raw = raw
        self._on_progress = on_progress
        self._shown = 0  # bytes currently counted on the bar
        self.name = name

    @classmethod
    def open(cls, path: Path, on_progress: Callable[[int], None], *, argument: str) -> ProgressReader:
        """Open ``path`` for upload; a missing or unreadable file is the same error the client raises."""
        try:
            raw = open(path, "rb")  # noqa: SIM115 - closed with the reader
        except FileNotFoundError:
            raise InvalidArgumentError(argument, f"no such file: {str(path)!r}") from None
        except IsADirectoryError:
            raise InvalidArgumentError(argument, f"{str(path)!r} is a directory, not a file") from None
        except OSError as exc:
            raise InvalidArgumentError(argument, f"cannot open {str(path)!r}: {exc.strerror}") from exc
        return cls(raw, on_progress, name=str(path))

    def as_io(self) -> IO[bytes]:
        """This reader, typed as the binary file the client accepts."""
        return cast(IO[bytes], self)

    def _moved(self, position: int, *, forward: bool) -> None:
        # After a read the bar shows the position; after a seek it may only go back, so probing
        # the size (seek to the end and back) does not flash a full bar.
        target = position if forward else min(self._shown, position)
        if target != self._shown:
            self._on_progress(target - self._shown)
            self._shown = target

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._raw.tell()

    def seek(self, offset: int, whence: int = os.SEEK_SET, /) -> int:
        position = self._raw.seek(offset, whence)
        self._moved(position, forward=False)
        return position

    def read(self, size: int | None = -1, /) -> bytes:
        data = self._raw.read(-1 if size is None else size)
        if data:
            self._moved(self._raw.tell(), forward=True)
        return data

    def readall(self) -> bytes:
        return self.read(-1)

    def readinto(self, buffer: memoryview | bytearray, /) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def bar_advancer(progress: Progress, task: TaskID) -> Callable[[int], None]:
    def advance(delta: int) -> None:
        progress.update(task, advance=delta)

    return advance
