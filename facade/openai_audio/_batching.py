"""Many calls at once, results as they complete: threads for the sync client, tasks for the async one.

``create_many`` is written once, async, in the resources' ``_async`` sources; scripts/unasync.py
turns :class:`AsyncBatchRunner` into :class:`BatchRunner` in the sync twins. Both keep memory
bounded whatever the number of inputs: the input iterable is consumed lazily, one item per
free slot, and at most ``concurrency`` calls (and their results) exist at a time. Pacing to the
rate limit is the client's (its pacer), so ``concurrency`` only bounds what is in flight.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Generic, Self, TypeVar

from .errors import APIStatusError, InvalidArgumentError, InvalidArgumentTypeError

I = TypeVar("I")  # noqa: E741 - an input
R = TypeVar("R")

DEFAULT_CONCURRENCY = 8


@dataclass(frozen=True)
class BatchResult(Generic[I, R]):
    """One input's outcome: ``result`` when it succeeded, else ``error`` (the exception)."""

    index: int  # the input's position in the iterable
    input: I
    result: R | None = None
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def check_concurrency(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgumentTypeError("concurrency", f"expected an int, got {type(value).__name__}")
    if not 1 <= value <= 1024:
        raise InvalidArgumentError("concurrency", f"must be 1 to 1024, got {value}")
    return value


def quota_exhausted(error: Exception) -> bool:
    """Every further request would fail alike: a batch stops starting new ones."""
    return isinstance(error, APIStatusError) and error.code == "insufficient_quota"


class AsyncBatchRunner(Generic[I, R]):
    """``async for outcome in runner``: each input's :class:`BatchResult` as it completes (asyncio).

    After an exhausted quota no new input is started; the calls in flight are yielded, then the
    quota error is raised. Leaving the loop early (``break``, an exception) and closing the
    runner (``async with``, or :meth:`aclose`) cancels the calls still in flight.
    """

    def __init__(self, call: Callable[[I], Awaitable[R]], inputs: Iterable[I], concurrency: int) -> None:
        self._call = call
        self._inputs: Iterator[I] | None = iter(inputs)
        self._concurrency = check_concurrency(concurrency)
        self._running: set[asyncio.Task[BatchResult[I, R]]] = set()
        self._done: list[asyncio.Task[BatchResult[I, R]]] = []
        self._next_index = 0
        self._stopped_by: Exception | None = None

    async def _one(self, index: int, item: I) -> BatchResult[I, R]:
        try:
            return BatchResult(index, item, result=await self._call(item))
        except Exception as exc:  # handed to the caller in the result
            return BatchResult(index, item, error=exc)

    def _start_more(self) -> None:
        while self._inputs is not None and len(self._running) + len(self._done) < self._concurrency:
            try:
                item = next(self._inputs)
            except StopIteration:
                self._inputs = None
                return
            self._running.add(asyncio.ensure_future(self._one(self._next_index, item)))
            self._next_index += 1

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> BatchResult[I, R]:
        if self._stopped_by is None:
            self._start_more()
        if not self._done:
            if not self._running:
                if self._stopped_by is not None:
                    error, self._stopped_by = self._stopped_by, None
                    self._inputs = None
                    raise error
                raise StopAsyncIteration
            try:
                finished, _ = await asyncio.wait(self._running, return_when=asyncio.FIRST_COMPLETED)
            except BaseException:
                await self.aclose()
                raise
            self._running -= finished
            self._done.extend(sorted(finished, key=lambda t: t.result().index))
        outcome = self._done.pop(0).result()
        if outcome.error is not None and quota_exhausted(outcome.error) and self._stopped_by is None:
            self._stopped_by = outcome.error
        return outcome

    async def aclose(self) -> None:
        """Cancel what is in flight; start nothing more."""
        self._inputs = None
        running, self._running = self._running, set()
        for task in running:
            task.cancel()
        if running:
            await asyncio.gather(*running, return_exceptions=True)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


class BatchRunner(Generic[I, R]):
    """``for outcome in runner``: each input's :class:`BatchResult` as it completes (threads).

    After an exhausted quota no new input is started; the calls in flight are yielded, then the
    quota error is raised. Closing the runner (``with``, or :meth:`close`) starts nothing more
    and waits for the calls in flight (a thread cannot be interrupted).
    """

    def __init__(self, call: Callable[[I], R], inputs: Iterable[I], concurrency: int) -> None:
        self._call = call
        self._inputs: Iterator[I] | None = iter(inputs)
        self._concurrency = check_concurrency(concurrency)
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._running: set[concurrent.futures.Future[BatchResult[I, R]]] = set()
        self._done: list[concurrent.futures.Future[BatchResult[I, R]]] = []
        self._next_index = 0
        self._stopped_by: Exception | None = None

    def _one(self, index: int, item: I) -> BatchResult[I, R]:
        try:
            return BatchResult(index, item, result=self._call(item))
        except Exception as exc:  # handed to the caller in the result
            return BatchResult(index, item, error=exc)

    def _start_more(self) -> None:
        while self._inputs is not None and len(self._running) + len(self._done) < self._concurrency:
            try:
                item = next(self._inputs)
            except StopIteration:
                self._inputs = None
                return
            if self._pool is None:
                self._pool = concurrent.futures.ThreadPoolExecutor(
                    self._concurrency, thread_name_prefix="openai-audio-batch"
                )
            self._running.add(self._pool.submit(self._one, self._next_index, item))
            self._next_index += 1

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> BatchResult[I, R]:
        if self._stopped_by is None:
            self._start_more()
        if not self._done:
            if not self._running:
                self.close()
                if self._stopped_by is not None:
                    error, self._stopped_by = self._stopped_by, None
                    raise error
                raise StopIteration
            finished, _ = concurrent.futures.wait(
                self._running, return_when=concurrent.futures.FIRST_COMPLETED
            )
            self._running -= finished
            self._done.extend(sorted(finished, key=lambda f: f.result().index))
        outcome = self._done.pop(0).result()
        if outcome.error is not None and quota_exhausted(outcome.error) and self._stopped_by is None:
            self._stopped_by = outcome.error
        return outcome

    def close(self) -> None:
        """Start nothing more; wait for the calls in flight."""
        self._inputs = None
        for future in self._running:
            future.cancel()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._running = set()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
