"""Per-call team solves in parallel: in this process, on a local process pool, or on Dask.

The Lagrangian staffing (:mod:`matcher.rounds.lagrangian`) solves every call's priced team
problem once per iteration, each alone: a batch of independent exact solves, the part of a
round's staffing that parallelises. Each class here is a
:data:`~matcher.rounds.lagrangian.CallSolves`: called with a batch of
:class:`~matcher.solvers.TeamProblem`, it returns their optimal selections *in input
order*. Every problem is solved by the same exact solver (HiGHS, deterministic) on the same
arrays (pickling round-trips them bit for bit), so the answers do not depend on how many
workers there are or which one solved what, and neither does the round.

* :class:`SerialCallSolves`: one after the other, here.
* :class:`ProcessCallSolves`: a pool of local worker processes, started once (on the first
  batch large enough to pay for them) and reused for every later batch; each batch is cut into
  a few contiguous chunks per worker, handed to whichever worker is free.
* :class:`DaskCallSolves`: the same chunks as tasks on a Dask cluster (the round's scheduler,
  or a LocalCluster started with the scoring engine's settings).

A worker process keeps every problem it has been sent; later batches send it only the
values of a problem whose other parts it already holds (the Lagrangian changes nothing
else between iterations). Since a per-call solve takes about 3 ms, shipping whole problems
every iteration (280 kB for a synthetic call with its diversity matrix) had become a
quarter of the driver's time at 1,000 calls (benchmarks/RESULTS.md, "Staffing at national
scale: the per-call solve"). Dask batches still ship whole problems: scattering each problem
to every worker once instead measured slower at 1,000 calls on 4 Dask workers (44.5 s against
39.9 s), so it was not kept.

A failure in a worker (an exception, or a worker process that dies) is raised here as a
:class:`CallSolveError` naming the problem, never a hang; on any error or interrupt the
workers are stopped at once, and leaving a ``with`` block always stops them.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import traceback
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import replace
from itertools import pairwise
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from types import TracebackType
from typing import Any, Literal, Self

from matcher.errors import GrantmatchError
from matcher.rounds.config import RoundConfig
from matcher.rounds.engines import dask_client
from matcher.rounds.lagrangian import CallSolves
from matcher.solvers import Selection, TeamProblem, get_solver
from matcher.solvers.base import FloatArray

log = logging.getLogger(__name__)

#: Solves one problem exactly in a worker; module-level, so it pickles by reference.
SolveOne = Callable[[TeamProblem, float], Selection | None]

#: Below this many problems a batch is solved in this process: starting workers (about a
#: second each) or shipping the batch would cost more than it saves.
MIN_BATCH = 16
#: Chunks per worker in a batch: enough for the fast workers to take over the slow calls'
#: share, few enough that each message carries several solves.
CHUNKS_PER_WORKER = 4
#: Seconds a worker gets to exit after being asked to, before it is terminated.
EXIT_GRACE = 5.0


class CallSolveError(GrantmatchError, RuntimeError):
    """A per-call solve failed in a worker (an error there, or a worker that stopped)."""


def available_cores() -> int:
    """The CPU cores this process may run on (its affinity, where the OS tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)  # pragma: no cover - macOS, Windows


def resolve_workers(workers: int | None) -> int:
    """Worker processes for a ``staffing_workers`` setting: ``None`` or 0, every core."""
    if workers is None or workers == 0:
        return available_cores()
    if workers < 0:
        raise ValueError(f"staffing workers must be 0 or more, not {workers}")
    return workers


def solve_exactly(problem: TeamProblem, time_limit: float) -> Selection | None:
    """The exact solver's answer to one problem (what every worker runs by default)."""
    return get_solver("exact", time_limit).solve(problem)


def solve_chunk(
    start: int, problems: Sequence[TeamProblem], time_limit: float, solve_one: SolveOne
) -> list[Selection | None]:
    """Solve ``problems`` (positions ``start``, ``start + 1``, ... of their batch) in order.

    Raises
    ------
    CallSolveError
        Naming the position of the problem that failed and why, with the worker's
        traceback as a note.
    """
    results: list[Selection | None] = []
    for offset, problem in enumerate(problems):
        try:
            results.append(solve_one(problem, time_limit))
        except Exception as error:
            failure = CallSolveError(
                f"solving per-call problem {start + offset} of the batch failed: "
                f"{type(error).__name__}: {error}"
            )
            failure.add_note("".join(traceback.format_exception(error)))
            raise failure from None  # the cause may not pickle; its traceback is the note
    return results


def _ranges(n: int, parts: int) -> list[tuple[int, int]]:
    """``n`` positions cut into ``parts`` contiguous ranges of (nearly) equal length."""
    parts = max(1, min(n, parts))
    size, extra = divmod(n, parts)
    bounds = [0]
    for k in range(parts):
        bounds.append(bounds[-1] + size + (k < extra))
    return list(pairwise(bounds))


class _Solves(ABC):
    """What every :data:`CallSolves` here shares: a context manager, serial small batches."""

    def __init__(self, time_limit: float, solve_one: SolveOne) -> None:
        self.time_limit = time_limit
        self.solve_one = solve_one

    @abstractmethod
    def __call__(self, problems: Sequence[TeamProblem]) -> list[Selection | None]:
        """The selections of ``problems``, in input order (``None``: proven infeasible)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    @abstractmethod
    def close(self) -> None:
        """Release the workers."""

    def solve_here(self, problems: Sequence[TeamProblem]) -> list[Selection | None]:
        """Solve ``problems`` in this process, in order."""
        return [self.solve_one(p, self.time_limit) for p in problems]


class SerialCallSolves(_Solves):
    """Per-call solves one after the other in this process.

    Parameters
    ----------
    time_limit : float
        Seconds for one problem (the team objective's ``time_limit``).
    solve_one : callable
        Solves one problem; the exact solver by default.
    """

    def __init__(self, time_limit: float, solve_one: SolveOne = solve_exactly) -> None:
        super().__init__(time_limit, solve_one)

    def __call__(self, problems: Sequence[TeamProblem]) -> list[Selection | None]:
        return self.solve_here(problems)

    def close(self) -> None:
        """Nothing to release."""


#: A problem as it travels to a worker: its base number, and the whole problem the first time
#: that worker gets the base, its ``value`` array after that.
Shipped = tuple[int, TeamProblem | FloatArray]


class _Bases:
    """Numbers the problems a driver sends by their parts other than ``value``.

    Two problems share a base when those parts are the very same objects (the Lagrangian's
    priced problems are ``dataclasses.replace(problem, value=...)`` of one encoded problem),
    so telling them apart costs no hashing of arrays. The first problem of every base is
    kept, so the objects whose ``id`` makes the key stay alive and their ids are not reused.
    Problems' arrays must not be changed in place (none are: ``TeamProblem`` is frozen and
    its arrays are built once by the encoding).
    """

    def __init__(self) -> None:
        self._numbers: dict[tuple[int, ...], int] = {}
        self._kept: list[TeamProblem] = []

    def number(self, problem: TeamProblem) -> int:
        key = (
            id(problem.lead_value),
            id(problem.lead_allowed),
            id(problem.pinned),
            id(problem.groups),
            id(problem.terms),
            problem.min_size,
            problem.max_size,
        )
        number = self._numbers.get(key)
        if number is None:
            number = self._numbers[key] = len(self._kept)
            self._kept.append(problem)
        return number


class _HeldProblems:
    """A worker's problems by base number: rebuilt from the values a later batch sends."""

    def __init__(self) -> None:
        self._bases: dict[int, TeamProblem] = {}

    def unpack(self, shipped: Sequence[Shipped]) -> list[TeamProblem]:
        problems: list[TeamProblem] = []
        for number, payload in shipped:
            if isinstance(payload, TeamProblem):
                self._bases[number] = payload
                problems.append(payload)
            else:
                problems.append(replace(self._bases[number], value=payload))
        return problems


def _serve(connection: Connection, time_limit: float, solve_one: SolveOne) -> None:
    """A worker process: solve the chunks the driver sends until it sends ``None``."""
    # Ctrl-C reaches the whole process group; the driver alone decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    held = _HeldProblems()
    while True:
        try:
            message = connection.recv()
        except EOFError:  # the driver is gone
            return
        if message is None:
            return
        start, shipped = message
        try:
            problems = held.unpack(shipped)
            connection.send((start, solve_chunk(start, problems, time_limit, solve_one), None))
        except CallSolveError as error:
            connection.send((start, None, (str(error), "".join(getattr(error, "__notes__", [])))))


class ProcessCallSolves(_Solves):
    """Per-call solves on a pool of local worker processes.

    The workers start on the first batch of at least ``min_batch`` problems and serve every
    later batch until :meth:`close` (or the end of a ``with`` block); smaller batches are
    solved in this process. Results are in input order and equal the serial ones.

    Parameters
    ----------
    workers : int
        Worker processes (at least 2; use :class:`SerialCallSolves` for one).
    time_limit : float
        Seconds for one problem (the team objective's ``time_limit``).
    min_batch : int
        Smallest batch sent to the workers.
    chunks_per_worker : int
        Chunks each batch is cut into, per worker.
    solve_one : callable
        Solves one problem; a module-level function (it is pickled by reference). The
        exact solver by default.
    start_method : {"spawn", "forkserver", "fork"}
        How workers start. ``spawn`` (the default) is safe whatever threads this process
        runs (BLAS, Dask, a web server).

    Raises
    ------
    CallSolveError
        From a call, when a problem fails in a worker or a worker stops; the pool is then
        stopped (a later call starts a new one).
    """

    def __init__(
        self,
        workers: int,
        time_limit: float,
        *,
        min_batch: int = MIN_BATCH,
        chunks_per_worker: int = CHUNKS_PER_WORKER,
        solve_one: SolveOne = solve_exactly,
        start_method: Literal["spawn", "forkserver", "fork"] = "spawn",
    ) -> None:
        if workers < 2:
            raise ValueError(f"a process pool needs at least 2 workers, not {workers}")
        if min_batch < 1 or chunks_per_worker < 1:
            raise ValueError("min_batch and chunks_per_worker must be at least 1")
        super().__init__(time_limit, solve_one)
        self.workers = workers
        self.min_batch = min_batch
        self.chunks_per_worker = chunks_per_worker
        self.start_method = start_method
        self.processes: list[BaseProcess] = []
        self._connections: list[Connection] = []
        self._held: list[set[int]] = []  # per worker: the base numbers it holds
        self._bases = _Bases()
        self._closed = False

    @property
    def started(self) -> bool:
        """Whether the worker processes are running."""
        return bool(self.processes)

    def __call__(self, problems: Sequence[TeamProblem]) -> list[Selection | None]:
        if self._closed:
            raise CallSolveError("the staffing worker pool is closed")
        if len(problems) < self.min_batch:
            return self.solve_here(problems)
        try:
            self._start()
            return self._solve(problems)
        except BaseException:
            # Workers may be mid-chunk: their answers must not leak into a later batch.
            self._stop(terminate=True)
            raise

    def close(self) -> None:
        """Stop the workers (they finish nothing more); later calls are refused."""
        self._closed = True
        self._stop(terminate=False)

    def _start(self) -> None:
        if self.processes:
            return
        context: Any = multiprocessing.get_context(self.start_method)  # its Process varies
        for _ in range(self.workers):
            here, there = context.Pipe()
            process = context.Process(
                target=_serve,
                args=(there, self.time_limit, self.solve_one),
                name="grantmatch-staffing",
                daemon=True,  # never outlives this process
            )
            process.start()
            there.close()  # only the worker holds its end: a dead worker reads as EOF here
            self.processes.append(process)
            self._connections.append(here)
            self._held.append(set())
        log.debug("started %d staffing worker processes", self.workers)

    def _solve(self, problems: Sequence[TeamProblem]) -> list[Selection | None]:
        ranges = _ranges(len(problems), self.workers * self.chunks_per_worker)
        results: list[Selection | None] = [None] * len(problems)
        waiting = iter(ranges)
        busy: dict[Connection, tuple[int, int]] = {}

        def hand_out(connection: Connection) -> None:
            chunk = next(waiting, None)
            if chunk is not None:
                start, stop = chunk
                self._send(connection, (start, self._ship(connection, problems[start:stop])))
                busy[connection] = chunk

        for connection in self._connections:
            hand_out(connection)
        sentinels = {p.sentinel: p for p in self.processes}
        while busy:
            ready = wait([*busy, *sentinels])
            for item in ready:
                if isinstance(item, Connection):
                    start, stop = busy.pop(item)
                    answer = self._receive(item)
                    if answer[2] is not None:
                        message, notes = answer[2]
                        error = CallSolveError(f"a staffing worker: {message}")
                        error.add_note(notes)
                        raise error
                    results[start:stop] = answer[1]
                    hand_out(item)
            for item in ready:
                if isinstance(item, int):
                    raise self._stopped(sentinels[item])
        return results

    def _ship(self, connection: Connection, problems: Sequence[TeamProblem]) -> list[Shipped]:
        """``problems`` as ``connection``'s worker needs them: values only where it can."""
        held = self._held[self._connections.index(connection)]
        shipped: list[Shipped] = []
        for problem in problems:
            number = self._bases.number(problem)
            if number in held:
                shipped.append((number, problem.value))
            else:
                held.add(number)
                shipped.append((number, problem))
        return shipped

    def _process_of(self, connection: Connection) -> BaseProcess:
        return self.processes[self._connections.index(connection)]

    def _stopped(self, process: BaseProcess) -> CallSolveError:
        """The error for a worker that stopped, with its exit code."""
        process.join(EXIT_GRACE)
        return CallSolveError(
            f"staffing worker process {process.pid} stopped (exit code {process.exitcode}) "
            "while solving per-call problems"
        )

    def _send(self, connection: Connection, message: object) -> None:
        try:
            connection.send(message)
        except (BrokenPipeError, ConnectionResetError):
            raise self._stopped(self._process_of(connection)) from None

    def _receive(self, connection: Connection) -> Any:
        try:
            return connection.recv()
        except (EOFError, ConnectionResetError):  # its end closed: the worker is gone
            raise self._stopped(self._process_of(connection)) from None

    def _stop(self, *, terminate: bool) -> None:
        """Stop every worker: ask them to exit (or kill them at once), then reap them."""
        if not terminate:
            for connection in self._connections:
                with suppress(OSError):  # already gone
                    connection.send(None)
        for process in self.processes:
            if terminate:
                process.terminate()
            process.join(EXIT_GRACE)
            if process.is_alive():  # pragma: no cover - a worker stuck in native code
                process.kill()
                process.join()
        for connection in self._connections:
            connection.close()
        if self.processes:
            log.debug("stopped %d staffing worker processes", len(self.processes))
        self.processes, self._connections, self._held = [], [], []


class DaskCallSolves(_Solves):
    """Per-call solves as tasks on a Dask cluster.

    Each batch of at least ``min_batch`` problems is cut into ``chunks_per_worker`` chunks
    per worker, scattered to the cluster and solved there; smaller batches are solved in
    this process. Results are in input order and equal the serial ones.

    Parameters
    ----------
    time_limit : float
        Seconds for one problem (the team objective's ``time_limit``).
    client : distributed.Client, optional
        A client to use (left open by :meth:`close`). ``None``: one is opened on the first
        large batch, to ``scheduler`` or a LocalCluster of ``workers`` processes (the
        settings of the round's scoring engine), and closed by :meth:`close`.
    scheduler : str, optional
        Dask scheduler address, when ``client`` is ``None``.
    workers : int
        Workers of the LocalCluster, when neither ``client`` nor ``scheduler`` is given.
    min_batch, chunks_per_worker, solve_one
        As for :class:`ProcessCallSolves`.

    Raises
    ------
    CallSolveError
        From a call, when a problem fails on the cluster or its workers are lost.
    """

    def __init__(
        self,
        time_limit: float,
        *,
        client: Any = None,
        scheduler: str | None = None,
        workers: int = 2,
        min_batch: int = MIN_BATCH,
        chunks_per_worker: int = CHUNKS_PER_WORKER,
        solve_one: SolveOne = solve_exactly,
    ) -> None:
        if min_batch < 1 or chunks_per_worker < 1:
            raise ValueError("min_batch and chunks_per_worker must be at least 1")
        super().__init__(time_limit, solve_one)
        self.client = client
        self.scheduler = scheduler
        self.workers = workers
        self.min_batch = min_batch
        self.chunks_per_worker = chunks_per_worker
        self._owned = ExitStack()

    def __call__(self, problems: Sequence[TeamProblem]) -> list[Selection | None]:
        if len(problems) < self.min_batch:
            return self.solve_here(problems)
        client = self._connect()
        workers = len(client.scheduler_info().get("workers", {})) or self.workers
        ranges = _ranges(len(problems), workers * self.chunks_per_worker)
        # Scattered first: the problems travel as data, not inside the task graph. Not keyed
        # by content (hash=False): a batch repeating an earlier chunk would otherwise reuse
        # the key of data the cluster is releasing, and its task fails ("lost dependencies").
        chunks = client.scatter([list(problems[a:b]) for a, b in ranges], hash=False)
        futures = [
            client.submit(solve_chunk, start, chunk, self.time_limit, self.solve_one, pure=False)
            for (start, _), chunk in zip(ranges, chunks, strict=True)
        ]
        try:
            parts: list[list[Selection | None]] = client.gather(futures)
        except CallSolveError as error:
            failure = CallSolveError(f"a Dask worker: {error}")
            for note in getattr(error, "__notes__", []):
                failure.add_note(note)
            raise failure from None
        except Exception as error:  # e.g. KilledWorker: the cluster lost its workers
            raise CallSolveError(
                f"the Dask cluster could not solve the per-call problems: "
                f"{type(error).__name__}: {error}"
            ) from error
        except BaseException:  # Ctrl-C: nothing more to compute
            client.cancel(futures)
            raise
        return [selection for part in parts for selection in part]

    def close(self) -> None:
        """Close the client and cluster this opened (a client given is left open)."""
        self._owned.close()

    def _connect(self) -> Any:
        if self.client is None:
            self.client = self._owned.enter_context(dask_client(self.scheduler, self.workers))
        return self.client


@contextmanager
def open_call_solves(config: RoundConfig, time_limit: float) -> Iterator[CallSolves]:
    """The per-call solves a round's staffing uses, closed on leaving the block.

    ``engine="dask"``: on the round's Dask cluster (``scheduler``, else a LocalCluster of
    ``dask_workers``), unless ``staffing_workers`` is 1. Otherwise a local process pool of
    ``staffing_workers`` (``None`` or 0: every core), or serial for one worker.
    """
    solves: SerialCallSolves | ProcessCallSolves | DaskCallSolves
    if config.staffing_workers == 1:
        solves = SerialCallSolves(time_limit)
    elif config.engine == "dask":
        solves = DaskCallSolves(
            time_limit,
            scheduler=config.scheduler,
            workers=config.dask_workers,
            min_batch=MIN_BATCH,
        )
    elif (workers := resolve_workers(config.staffing_workers)) > 1:
        solves = ProcessCallSolves(workers, time_limit, min_batch=MIN_BATCH)
    else:
        solves = SerialCallSolves(time_limit)
    with solves:
        yield solves
