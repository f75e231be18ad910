"""Write a file so that readers see either the old content or the complete new one.

The data goes to a hidden temporary file in the target's folder (same file system, so the final
``os.replace`` is an atomic rename); it is fsynced before the rename. On any failure —
including ``KeyboardInterrupt`` and task cancellation — the temporary file is removed and the
target is left exactly as it was.

:class:`AsyncAtomicFile` is the same for the async client, with every disk operation on a worker
thread (see ``_blocking``); the async sources use it and their generated sync twins use
:class:`AtomicFile`, which has the same methods.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from typing import IO, Final

from ._blocking import to_worker_thread
from .errors import InvalidArgumentError

_WRITEBACK_STEP = 8 * 1024 * 1024
# The async twin hands writes to a worker thread in batches of about this size: one thread
# hop per network chunk would cost more than the write itself.
ASYNC_WRITE_BATCH: Final = 1024 * 1024
# Not on macOS or Windows: there the final fsync does all of the writing, as it always did.
_FADV_DONTNEED: int | None = (
    getattr(os, "POSIX_FADV_DONTNEED", None) if hasattr(os, "posix_fadvise") else None
)


def _new_file_mode() -> int:
    """0o666 minus the umask, as ``open()`` would create it (temp files are 0o600)."""
    # os.umask can only be read by setting it, which races with other threads: ask /proc instead.
    with (
        contextlib.suppress(OSError, ValueError),
        open("/proc/self/status", encoding="ascii", errors="replace") as status,
    ):
        for line in status:
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    return 0o644


class AtomicFile:
    """A temporary file that becomes ``target`` on :meth:`commit`, or vanishes on :meth:`abort`."""

    def __init__(self, target: Path, *, argument: str = "path") -> None:
        try:
            is_dir, parent_ok = target.is_dir(), target.parent.is_dir()
        except (OSError, ValueError) as exc:
            raise InvalidArgumentError(argument, f"unusable path {str(target)!r}: {exc}") from None
        if is_dir:
            raise InvalidArgumentError(argument, f"{str(target)!r} is a directory")
        if not parent_ok:
            raise InvalidArgumentError(argument, f"the folder {str(target.parent)!r} does not exist")
        self.target = target
        try:
            self._file: IO[bytes] = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed by commit/abort
                dir=target.parent, delete=False, prefix=f".{target.name}.", suffix=".part"
            )
        except (OSError, ValueError) as exc:
            # A NUL in the name, a name too long, a read-only folder: known before any request.
            raise InvalidArgumentError(argument, f"cannot write next to {str(target)!r}: {exc}") from None
        self.temp_path = Path(self._file.name)
        self._done = False
        self._written = self._kicked = 0

    @classmethod
    def open(cls, target: Path, *, argument: str = "path") -> AtomicFile:
        """``AtomicFile(target)``; the same call as :meth:`AsyncAtomicFile.open`, not awaited."""
        return cls(target, argument=argument)

    @property
    def done(self) -> bool:
        """Committed or aborted: nothing left to clean up."""
        return self._done

    def write(self, data: bytes) -> None:
        self._file.write(data)
        self._written += len(data)
        if self._written - self._kicked >= _WRITEBACK_STEP:
            self._start_writeback()

    def _start_writeback(self) -> None:
        # Queue what is written so far for writeback without waiting for it, so the fsync in
        # commit() finds little left to do (a large download otherwise pays for all of it at the
        # end). On Linux, POSIX_FADV_DONTNEED starts writeback of dirty pages and does not block.
        if _FADV_DONTNEED is None:
            return
        self._file.flush()
        with contextlib.suppress(OSError):
            os.posix_fadvise(self._file.fileno(), self._kicked, self._written - self._kicked, _FADV_DONTNEED)
        self._kicked = self._written

    def commit(self) -> Path:
        """Flush to disk and move into place; afterwards the target has all the data."""
        try:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            try:
                mode = stat.S_IMODE(os.stat(self.target).st_mode)  # keep an existing file's mode
            except FileNotFoundError:
                mode = _new_file_mode()
            os.chmod(self.temp_path, mode)
            os.replace(self.temp_path, self.target)
        except BaseException:
            self.abort()
            raise
        self._done = True
        _fsync_folder(self.target.parent)
        return self.target

    def abort(self) -> None:
        """Remove the temporary file; the target is untouched. Safe to call more than once."""
        if self._done:
            return
        self._done = True
        with contextlib.suppress(OSError):
            self._file.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.temp_path)


class AsyncAtomicFile:
    """:class:`AtomicFile` for the async client: the same steps, each on a worker thread.

    Writes are gathered into batches of about :data:`ASYNC_WRITE_BATCH` bytes, so memory stays
    bounded and the loop makes one thread hop per batch, not per chunk.
    """

    def __init__(self, file: AtomicFile) -> None:
        self._file = file
        self._pending: list[bytes] = []
        self._pending_bytes = 0

    @classmethod
    async def open(cls, target: Path, *, argument: str = "path") -> AsyncAtomicFile:
        """Check the target and create the temporary file beside it, off the event loop."""
        file = await to_worker_thread(lambda: AtomicFile(target, argument=argument), undo=AtomicFile.abort)
        return cls(file)

    @property
    def target(self) -> Path:
        return self._file.target

    @property
    def temp_path(self) -> Path:
        return self._file.temp_path

    async def write(self, data: bytes) -> None:
        self._pending.append(data)
        self._pending_bytes += len(data)
        if self._pending_bytes >= ASYNC_WRITE_BATCH:
            await self._flush()

    async def _flush(self) -> None:
        batch, self._pending, self._pending_bytes = b"".join(self._pending), [], 0
        if batch:
            await to_worker_thread(lambda: self._file.write(batch))

    async def commit(self) -> Path:
        """Write what is left, flush to disk and move into place (fsync can take a while)."""
        await self._flush()
        return await to_worker_thread(self._file.commit)

    async def abort(self) -> None:
        """Remove the temporary file, even while the calling task is being cancelled."""
        import anyio

        self._pending.clear()
        if self._file.done:
            return
        # Shielded: under trio (and anyio) every await in a cancelled scope raises at once,
        # which would leave the temporary file behind.
        with anyio.CancelScope(shield=True):
            await to_worker_thread(self._file.abort)


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable; not possible (nor needed) on every platform.
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
