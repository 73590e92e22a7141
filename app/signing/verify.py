"""Verifying signed confirmations: one PDF's bytes, or many files in worker processes.

Files come from anyone, so each is checked in a worker process with a time limit, after its
size is checked and before it is read; one bad file never stops the rest.
"""

from __future__ import annotations

import gc
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from app.signing.verdict import Verdict, VerdictCode, damaged, timed_out, too_large, unreadable
from app.signing.workers import start_workers, worker_context

__all__ = ["MAX_BYTES", "TIMEOUT_S", "Verdict", "VerdictCode", "iter_verdicts", "start_workers", "verify_file",
           "verify_files", "verify_pdf"]

logger = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
TIMEOUT_S = 20.0
MAX_WORKERS = 4
STARTUP_S = 15.0  # on top of the limit for a new worker's first batch: starting it and importing pyHanko
CANCEL_POLL_S = 0.1  # how often a cancellable run asks whether to stop
BATCH_FILES = 8  # at most, sent to a worker at once
WORKER_MEMORY = 1536 * 1024 * 1024  # a decompression bomb meets MemoryError, not the OOM killer


def verify_pdf(data: bytes, max_bytes: int = MAX_BYTES) -> Verdict:
    """What `data`, a signed confirmation PDF, proves; never raises on bad input."""
    if len(data) > max_bytes:  # bytes from anywhere get the same limit as files
        return too_large(max_bytes)
    from app.signing.checks import check_pdf  # pyHanko: imported only once something is verified

    return check_pdf(data)


def verify_file(path: Path, max_bytes: int = MAX_BYTES) -> Verdict:
    """One file, in this process, no time limit: size checked before reading."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            return Verdict.invalid(VerdictCode.UNREADABLE, "not a file")
        if size > max_bytes:
            return too_large(max_bytes)
        with path.open("rb") as file:
            data = file.read(max_bytes + 1)  # it may have grown since
    except OSError as error:
        return unreadable(error)
    if len(data) > max_bytes:
        return too_large(max_bytes)
    try:
        return verify_pdf(data, max_bytes)
    except Exception as exc:  # noqa: BLE001 - check_pdf catches its own; this is the last net
        logger.info("verify: %s escaped the checks", type(exc).__name__)
        return damaged()


def verify_files(paths: Iterable[Path | str], *, max_bytes: int = MAX_BYTES, timeout_s: float = TIMEOUT_S,
                 workers: int | None = None) -> list[tuple[Path, Verdict]]:
    """A verdict for every path, in the order given, each checked within `timeout_s` seconds."""
    files = [Path(p) for p in paths]
    verdicts = {index: verdict for index, _, verdict in
                iter_verdicts(files, max_bytes=max_bytes, timeout_s=timeout_s, workers=workers)}
    return [(path, verdicts[index]) for index, path in enumerate(files)]


def iter_verdicts(paths: Iterable[Path | str], *, max_bytes: int = MAX_BYTES, timeout_s: float = TIMEOUT_S,
                  workers: int | None = None, task: Callable[[Path, int], Verdict] = verify_file,
                  cancelled: Callable[[], bool] | None = None) -> Iterator[tuple[int, Path, Verdict]]:
    """(index in `paths`, path, verdict) for each path as soon as it is known, in no set order.

    `task(path, max_bytes)` runs in a worker process (a module-level function, so it can be sent
    there). Once `cancelled()` returns True, or the caller stops iterating, files still being
    checked are stopped and have no verdict; those already yielded stand.
    """
    files = [Path(p) for p in paths]
    queue: deque[_Job] = deque()
    for index, path in enumerate(files):
        early = _before_reading(path, max_bytes)
        if early is not None:
            yield index, path, early
        else:
            queue.append(_Job(index, path))
    if queue and not (cancelled is not None and cancelled()):
        count = workers or min(MAX_WORKERS, os.cpu_count() or 1)
        with _WorkerPool(min(count, len(queue))) as pool:
            for index, verdict in pool.stream(queue, max_bytes, timeout_s, task, cancelled):
                yield index, files[index], verdict


def _before_reading(path: Path, max_bytes: int) -> Verdict | None:
    try:
        if not path.is_file():
            return Verdict.invalid(VerdictCode.UNREADABLE, "not a file" if path.exists() else "no such file")
        if path.stat().st_size > max_bytes:
            return too_large(max_bytes)
    except OSError as error:
        return unreadable(error)
    return None


@dataclass
class _Job:
    index: int
    path: Path
    alone: bool = False  # was in flight when a worker died: rerun with nothing else running, to find the culprit
    single: bool = False  # its batch ran out of time or failed: rerun in a batch of its own, to find which


@dataclass
class _Batch:
    """Files checked one after another by one worker: one round trip to the worker for several files
    (one per file left workers waiting on the parent for about a quarter of the time)."""
    jobs: list[_Job]
    deadline: float = 0.0

    @property
    def alone(self) -> bool:
        return any(job.alone for job in self.jobs)


def _check_batch(task: Callable[[Path, int], Verdict], paths: list[Path], max_bytes: int) -> list[Verdict]:
    """In a worker: `task` for each of `paths`, in order."""
    return [task(path, max_bytes) for path in paths]


class _WorkerPool:
    """A process pool that a stuck or crashed file cannot take down with the others.

    Files go to the workers in batches of up to BATCH_FILES, smaller towards the end so that the
    workers finish together. A batch has the time limit of one file: one that runs out of time (or
    fails) is checked again file by file, so a file is only ever reported as taking too long when
    it had the whole limit to itself.
    """

    def __init__(self, workers: int):
        self.workers = workers
        self.executor = self._new_executor()
        self.started = 0  # batches given to this executor: the first `workers` also start a process

    def __enter__(self) -> _WorkerPool:
        return self

    def __exit__(self, *exc) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)

    def _new_executor(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=worker_context(), initializer=_prepare_worker)

    def _kill(self) -> None:
        # No public way to stop a running task: end this pool's own worker processes.
        for process in list(getattr(self.executor, "_processes", {}).values()):
            process.kill()
        self.executor.shutdown(wait=True, cancel_futures=True)

    def _replace(self) -> None:
        self._kill()
        self.executor = self._new_executor()
        self.started = 0

    def _next_batch(self, queue: deque[_Job]) -> _Batch:
        jobs = [queue.popleft()]
        if jobs[0].alone or jobs[0].single:
            return _Batch(jobs)
        size = max(1, min(BATCH_FILES, (len(queue) + 1) // (2 * self.workers)))
        while queue and len(jobs) < size and not (queue[0].alone or queue[0].single):
            jobs.append(queue.popleft())
        return _Batch(jobs)

    def run(self, queue: deque[_Job], max_bytes: int, timeout_s: float, task=verify_file) -> dict[int, Verdict]:
        return dict(self.stream(queue, max_bytes, timeout_s, task))

    def stream(self, queue: deque[_Job], max_bytes: int, timeout_s: float, task=verify_file,
               cancelled: Callable[[], bool] | None = None) -> Iterator[tuple[int, Verdict]]:
        running: dict[Future, _Batch] = {}
        try:
            yield from self._stream(queue, running, max_bytes, timeout_s, task, cancelled)
        finally:
            if running:  # cancelled, or the caller stopped early: stop the files being checked
                self._kill()

    def _stream(self, queue: deque[_Job], running: dict[Future, _Batch], max_bytes: int, timeout_s: float, task,
                cancelled: Callable[[], bool] | None) -> Iterator[tuple[int, Verdict]]:
        while queue or running:
            if cancelled is not None and cancelled():
                return
            self._top_up(queue, running, max_bytes, timeout_s, task)
            soonest = min(batch.deadline for batch in running.values())
            timeout = max(0.0, soonest - time.monotonic())
            if cancelled is not None:
                timeout = min(timeout, CANCEL_POLL_S)
            done, _ = wait(running, timeout=timeout, return_when=FIRST_COMPLETED)
            crashed: list[_Job] = []
            finished: list[tuple[int, Verdict]] = []
            for future in done:
                batch = running.pop(future)
                try:
                    verdicts = future.result()
                except BrokenProcessPool:
                    crashed.extend(batch.jobs)
                    continue
                except Exception as exc:  # noqa: BLE001 - e.g. a verdict that failed to pickle
                    logger.info("verify: worker failed with %s", type(exc).__name__)
                    if len(batch.jobs) > 1:
                        _again_one_by_one(queue, batch)
                        continue
                    verdicts = [damaged()]
                finished.extend((job.index, verdict) for job, verdict in zip(batch.jobs, verdicts))
            if finished and not crashed:
                # The workers that finished get their next files before the caller takes its time over
                # these (recording them, say): otherwise they wait for it.
                self._top_up(queue, running, max_bytes, timeout_s, task, broken_ok=True)
            yield from finished
            now = time.monotonic()
            late = [f for f, batch in running.items() if batch.deadline <= now and not f.done()]
            if not crashed and not late:
                continue
            for future in late:
                batch = running.pop(future)
                if len(batch.jobs) > 1:
                    _again_one_by_one(queue, batch)
                else:
                    yield batch.jobs[0].index, timed_out(timeout_s)
            for job in crashed:
                if job.alone:
                    logger.info("verify: a file crashed its worker")
                    yield job.index, damaged("checking it crashed the checker: the PDF is probably damaged")
                else:
                    job.alone = True
                    queue.appendleft(job)
            # Innocent bystanders of a replaced pool start again, with fresh deadlines.
            for future, batch in list(running.items()):
                if future.done() and not future.exception():
                    for job, verdict in zip(batch.jobs, future.result()):
                        yield job.index, verdict
                else:
                    queue.extendleft(reversed(batch.jobs))
            running.clear()
            self._replace()

    def _top_up(self, queue: deque[_Job], running: dict[Future, _Batch], max_bytes: int, timeout_s: float, task,
                broken_ok: bool = False) -> None:
        # At most one batch per worker, so each starts when submitted and its deadline is fair.
        while queue and len(running) < self.workers and not (queue[0].alone and running) \
                and not any(batch.alone for batch in running.values()):
            batch = self._next_batch(queue)
            batch.deadline = time.monotonic() + timeout_s + (STARTUP_S if self.started < self.workers else 0)
            paths = [job.path for job in batch.jobs]
            try:
                running[self.executor.submit(_check_batch, task, paths, max_bytes)] = batch
            except BrokenProcessPool:
                if not broken_ok:
                    raise
                queue.extendleft(reversed(batch.jobs))  # the crash shows in a running batch, dealt with there
                return
            self.started += 1


def _again_one_by_one(queue: deque[_Job], batch: _Batch) -> None:
    for job in reversed(batch.jobs):
        job.single = True
        queue.appendleft(job)


def _prepare_worker() -> None:
    """In each worker as it starts: its memory limit; and what is imported by then (pyHanko, from the
    forkserver) kept out of garbage collection, which would otherwise walk all of it for nothing
    (about 40 ms of a worker's first files)."""
    gc.freeze()
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY, WORKER_MEMORY))
    except (ImportError, ValueError, OSError):  # Windows has no such limit; macOS ignores it
        pass
