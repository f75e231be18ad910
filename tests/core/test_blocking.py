"""The twin primitives for blocking work: worker threads for async, the caller's thread for sync."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
import trio

from openai_audio._atomic import AsyncAtomicFile
from openai_audio._blocking import AsyncDeferred, Deferred, in_this_thread, to_worker_thread


async def test_work_runs_on_a_worker_thread_unless_not_needed() -> None:
    loop = threading.get_ident()
    assert await to_worker_thread(threading.get_ident) != loop
    assert await to_worker_thread(threading.get_ident, needed=False) == loop
    assert in_this_thread(threading.get_ident) == loop


async def test_what_a_cancelled_call_made_is_undone() -> None:
    started, release, released = threading.Event(), threading.Event(), threading.Event()
    undone: list[str] = []

    def undo(value: str) -> None:
        undone.append(value)
        released.set()

    def work() -> str:
        started.set()
        release.wait(30)
        return "an open file"

    task = asyncio.create_task(to_worker_thread(work, undo=undo))
    await asyncio.to_thread(started.wait, 30)
    task.cancel()
    release.set()  # the thread cannot be interrupted: it finishes, then its result is released
    with pytest.raises(asyncio.CancelledError):
        await task
    # Whichever finished first, the task or the thread, the value is released exactly once.
    assert await asyncio.to_thread(released.wait, 30)
    assert undone == ["an open file"]


async def test_deferred_values_are_made_when_taken_and_only_once() -> None:
    made: list[int] = []
    deferred = AsyncDeferred(lambda: made.append(threading.get_ident()) or len(made))
    assert made == []
    assert await deferred.get() == 1
    assert made != [threading.get_ident()]
    with pytest.raises(RuntimeError, match="only once"):
        await deferred.get()
    discarded = AsyncDeferred(lambda: made.append(0))
    discarded.discard()
    assert len(made) == 1


def test_the_sync_twin_makes_at_once_and_releases_on_discard() -> None:
    released: list[str] = []
    deferred = Deferred(lambda: "value", undo=released.append)
    deferred.discard()
    assert released == ["value"]
    with pytest.raises(RuntimeError, match="only once"):
        deferred.get()


def test_an_atomic_file_cancelled_under_trio_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")

    async def main() -> None:
        with trio.CancelScope() as scope:
            out = await AsyncAtomicFile.open(target)
            try:
                await out.write(b"new" * 1000)
                scope.cancel()
                await trio.sleep(1)  # raises Cancelled at once: the scope is cancelled
            finally:
                await out.abort()  # shielded: runs although the scope is cancelled

    trio.run(main)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]
