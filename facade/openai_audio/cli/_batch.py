"""Many files through one endpoint: N at a time over the async client, resumable, with a summary.

A job's output file is written atomically, so an existing output means a finished job and is
skipped on the next run (unless forced); a temporary file left by a killed run is removed. One
file's failure never stops the others, except an exhausted quota (``insufficient_quota``), which
fails every request alike: the batch stops at once. The client paces the requests to the
account's rate limit (see ``openai_audio._ratelimit``), so ``-j`` only bounds how many files are
in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from openai_audio import AsyncAudioClient, FileInput
from openai_audio.errors import RateLimitError

from ._errors import describe
from ._output import write_text_atomic
from ._progress import ProgressReader, progress_enabled, redirect_stdout, stderr_console

# Takes the client and the file to upload, returns the text to print or write.
#: ``callback(chunks done, chunks in all)`` for a recording split into chunks.
ChunkProgress = Callable[[int, int], None]
#: One file's work: ``operation(client, file, chunk_progress) -> output text``.
Operation = Callable[[AsyncAudioClient, FileInput, ChunkProgress | None], Awaitable[str]]


@dataclass(frozen=True)
class Job:
    source: Path
    output: Path | None  # None: print to stdout


@dataclass
class Result:
    job: Job
    state: Literal["done", "skipped", "failed", "not started"]
    error: str | None = None


class _QuotaExhausted(Exception):
    """Every further request would fail the same way: stop the batch."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def remove_stale_parts(jobs: Sequence[Job]) -> None:
    """Delete the temporary files a killed run left beside the outputs (``.<name>.*.part``)."""
    for job in jobs:
        if job.output is not None:
            for part in job.output.parent.glob(f".{job.output.name}.*.part"):
                with contextlib.suppress(OSError):
                    part.unlink()


def plan(sources: Sequence[Path], out_dir: Path | None, extension: str) -> list[Job]:
    """One job per input; outputs are ``<out_dir>/<stem>.<extension>``, which must be distinct."""
    if out_dir is None:
        return [Job(source, None) for source in sources]
    jobs: list[Job] = []
    claimed: dict[Path, Path] = {}
    for source in sources:
        output = out_dir / f"{source.stem}.{extension}"
        if output in claimed:
            # Two inputs would overwrite each other's result (a/x.wav and b/x.mp3).
            raise ValueError(
                f"{str(source)!r} and {str(claimed[output])!r} would both be written to {str(output)!r}"
            )
        claimed[output] = source
        jobs.append(Job(source, output))
    return jobs


def _human(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"  # pragma: no cover - the loop always returns


class _Bars:
    """The overall bar (files) and the upload bar (bytes), fed from every job."""

    def __init__(self, files: int, upload_bytes: int) -> None:
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(),
            console=stderr_console(),
            redirect_stdout=redirect_stdout(),
            redirect_stderr=False,
        )
        self._files_total = files
        self._bytes_total = upload_bytes
        self._files_done = 0
        self._bytes_sent = 0
        self.files: TaskID = self.progress.add_task("files", total=files, detail=self._files_detail())
        self.upload: TaskID = self.progress.add_task(
            "upload", total=max(upload_bytes, 1), detail=self._bytes_detail()
        )

    def _files_detail(self) -> str:
        return f"{self._files_done}/{self._files_total} files"

    def _bytes_detail(self) -> str:
        return f"{_human(self._bytes_sent)}/{_human(self._bytes_total)}"

    def sent(self, delta: int) -> None:
        self._bytes_sent += delta
        self.progress.update(self.upload, advance=delta, detail=self._bytes_detail())

    def finished(self) -> None:
        self._files_done += 1
        self.progress.update(self.files, advance=1, detail=self._files_detail())

    def chunks(self, name: str) -> ChunkProgress:
        """A bar for one recording, added once it turns out to be split (and kept: the final
        display shows how many chunks each long recording took)."""
        task: list[TaskID] = []

        def advance(done: int, total: int) -> None:
            if not task:
                task.append(self.progress.add_task(name, total=total, detail=""))
            self.progress.update(task[0], completed=done, detail=f"{done}/{total} chunks")

        return advance


async def _run_one(
    job: Job,
    client: AsyncAudioClient,
    operation: Operation,
    bars: _Bars | None,
    many: bool,
) -> Result:
    chunk_bar = bars.chunks(job.source.name) if bars is not None else None
    try:
        if bars is not None:
            with ProgressReader.open(job.source, bars.sent, argument="file") as reader:
                # A (filename, stream) tuple: the client validates the name exactly as for a path.
                text = await operation(client, (job.source.name, reader.as_io()), chunk_bar)
        else:
            text = await operation(client, job.source, None)
        text = text if text.endswith("\n") else text + "\n"
        if job.output is not None:
            # Off the event loop: the write's fsync must not hold up the other jobs (or the pacing).
            await asyncio.to_thread(write_text_atomic, job.output, text)
        else:
            if many:  # headers as `head` prints them, so several outputs stay apart
                sys.stdout.write(f"==> {job.source} <==\n")
            sys.stdout.write(text)
            sys.stdout.flush()
        return Result(job, "done")
    except RateLimitError as exc:
        if exc.code == "insufficient_quota":
            raise _QuotaExhausted(describe(exc)) from None
        return Result(job, "failed", describe(exc))
    except Exception as exc:  # every failure is reported in the summary; the others go on
        return Result(job, "failed", describe(exc))
    finally:
        if bars is not None:
            bars.finished()


async def _run_all(
    jobs: Sequence[Job],
    *,
    client: AsyncAudioClient,
    operation: Operation,
    jobs_at_once: int,
    force: bool,
    stopped: list[str],
) -> list[Result]:
    results: dict[Job, Result] = {}
    todo: list[Job] = []
    for job in jobs:
        if job.output is not None and job.output.exists() and not force:
            results[job] = Result(job, "skipped")
        else:
            todo.append(job)
    if not todo:
        return [results[job] for job in jobs]

    bars: _Bars | None = None
    if progress_enabled():
        size = 0
        for job in todo:
            with contextlib.suppress(OSError):  # reported when the job runs
                size += job.source.stat().st_size
        bars = _Bars(len(todo), size)
        bars.progress.start()
    gate = asyncio.Semaphore(jobs_at_once)
    many = len(jobs) > 1

    async def guarded(job: Job) -> None:
        async with gate:
            results[job] = await _run_one(job, client, operation, bars, many)

    try:
        async with asyncio.TaskGroup() as group:
            for job in todo:
                group.create_task(guarded(job))
    except* _QuotaExhausted as quota:
        # The other jobs were cancelled; their outputs were never written (atomic writes).
        first = quota.exceptions[0]
        stopped.append(first.message if isinstance(first, _QuotaExhausted) else str(first))
    finally:
        if bars is not None:
            bars.progress.stop()
    return [results.get(job, Result(job, "not started")) for job in jobs]


def run_batch(
    jobs: Sequence[Job],
    *,
    make_client: Callable[[], AsyncAudioClient],
    operation: Operation,
    jobs_at_once: int,
    force: bool,
    verb: str,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Run the jobs, print a summary to stderr (when it adds anything), return the exit code."""
    stopped: list[str] = []
    remove_stale_parts(jobs)

    started: list[float] = []

    async def main() -> list[Result]:
        async with make_client() as client:
            # The rate is the batch's: load the resources (lazy imports) before the clock starts.
            _ = client.transcriptions, client.translations
            started.append(clock())
            return await _run_all(
                jobs,
                client=client,
                operation=operation,
                jobs_at_once=jobs_at_once,
                force=force,
                stopped=stopped,
            )

    results = asyncio.run(main())
    elapsed = clock() - started[0] if started else 0.0
    failed = [r for r in results if r.state == "failed"]
    done = sum(r.state == "done" for r in results)
    skipped = sum(r.state == "skipped" for r in results)
    not_started = sum(r.state == "not started" for r in results)
    if len(jobs) == 1 and jobs[0].output is None:
        # A single file to stdout: just its output, or one error line.
        if failed or stopped:
            print(f"error: {stopped[0] if stopped else failed[0].error}", file=sys.stderr, flush=True)
        return 1 if failed or stopped else 0
    print(summary(verb, len(results), done, skipped, len(failed), elapsed), file=sys.stderr)
    for result in failed:
        print(f"  failed: {result.job.source}: {result.error}", file=sys.stderr)
    if stopped:
        print(
            f"error: stopped: the API key's quota is exhausted ({stopped[0]}); {not_started} file(s) not "
            "started. Finished outputs are kept: run the same command again once the quota is restored.",
            file=sys.stderr,
        )
    sys.stderr.flush()
    return 1 if failed or stopped else 0


def summary(verb: str, total: int, done: int, skipped: int, failed: int, elapsed: float) -> str:
    """``transcribed 97 of 100 file(s): 97 done, 0 skipped, 3 failed in 21.0 s (277 requests/min)``."""
    rate = f"{done / elapsed * 60:.0f} requests/min" if elapsed > 0 and done else "no requests done"
    return (
        f"{verb} {done} of {total} file(s): {done} done, {skipped} skipped, {failed} failed "
        f"in {elapsed:.1f} s ({rate})"
    )
