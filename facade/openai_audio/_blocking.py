"""Where blocking file work runs: a worker thread for the async client, the caller's thread for the sync one.

Opening, stat-ing, spooling and encoding files can stall on a slow disk; on the event loop's
thread that would stall every other task. The async sources (``_async/`` folders) hand such
work to :func:`to_worker_thread`; scripts/unasync.py turns each call into :func:`in_this_thread`
in the generated sync twins, which just calls the function: no thread, nothing added to the
sync path but one call.

anyio's worker threads work under asyncio and trio alike (anyio comes with httpx).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

# How retries wait: anyio's sleep for the async client (asyncio or trio), time.sleep for the sync
# one; scripts/unasync.py turns ``async_pause`` into ``pause``.
pause = time.sleep


async def async_pause(seconds: float) -> None:
    import anyio  # the sync client never loads an event loop library

    await anyio.sleep(seconds)


async def to_worker_thread(
    func: Callable[[], T], *, needed: bool = True, undo: Callable[[T], object] | None = None
) -> T:
    """``func()`` on a worker thread (inline when ``needed`` is false: nothing there can block).

    The thread cannot be interrupted: when the waiting task is cancelled, ``func`` still runs to
    its end and ``undo`` then releases what it made (e.g. closes the files it opened), whichever
    of the two finishes first.
    """
    if not needed:
        return func()
    import anyio.to_thread  # the sync client never loads an event loop library

    lock = threading.Lock()
    made: list[T] = []
    abandoned = False

    def run() -> T:
        value = func()
        with lock:
            if abandoned:
                if undo is not None:
                    undo(value)
            else:
                made.append(value)
        return value

    try:
        return await anyio.to_thread.run_sync(run)
    except BaseException:
        with lock:
            abandoned = True
            if made and undo is not None:
                undo(made[0])
        raise


def in_this_thread(
    func: Callable[[], T], *, needed: bool = True, undo: Callable[[T], object] | None = None
) -> T:
    """``func()`` right here: the sync twin of :func:`to_worker_thread`."""
    return func()


class AsyncDeferred(Generic[T]):
    """``func()``, made on a worker thread when first awaited with :meth:`get`.

    The async client's streams are opened by ``async with``/``async for``, not by the call
    that returns them: they prepare their upload then, off the event loop.
    """

    def __init__(
        self, func: Callable[[], T], *, needed: bool = True, undo: Callable[[T], object] | None = None
    ) -> None:
        self._func: Callable[[], T] | None = func
        self._needed = needed
        self._undo = undo

    async def get(self) -> T:
        func, self._func = self._func, None
        if func is None:
            raise RuntimeError("a deferred value can be taken only once")
        return await to_worker_thread(func, needed=self._needed, undo=self._undo)

    def discard(self) -> None:
        """Never taken: there is nothing to release, since nothing was made."""
        self._func = None


class Deferred(Generic[T]):
    """The sync twin of :class:`AsyncDeferred`: ``func()`` is made at once, so its errors are
    raised where the call is made; :meth:`discard` releases it if it is never taken."""

    def __init__(
        self, func: Callable[[], T], *, needed: bool = True, undo: Callable[[T], object] | None = None
    ) -> None:
        self._value: T | None = func()
        self._undo = undo

    def get(self) -> T:
        value, self._value = self._value, None
        if value is None:
            raise RuntimeError("a deferred value can be taken only once")
        return value

    def discard(self) -> None:
        value, self._value = self._value, None
        if value is not None and self._undo is not None:
            self._undo(value)
