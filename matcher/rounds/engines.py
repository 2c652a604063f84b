"""Where chunk scoring runs: in this process, or on a Dask cluster.

Both engines take the same :class:`~matcher.rounds.chunks.ChunkTask` objects and call the
same pure :func:`~matcher.rounds.chunks.run_chunk`, so results are identical (up to the
BLAS of the worker machine). The Dask engine keeps at most ``2 x workers`` chunks in flight,
so the driver never holds every chunk's layout at once, and broadcasts the call vectors
once (``scatter``) instead of shipping them with each chunk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from matcher.evidence import FloatMatrix
from matcher.relevance import RelevanceWeights
from matcher.rounds.chunks import ChunkResult, ChunkTask, SpecArrays, run_chunk
from matcher.rounds.scoring import CalibrationLike


def run_local(
    tasks: Iterator[ChunkTask],
    call_vectors: FloatMatrix,
    weights: RelevanceWeights,
    calibration: CalibrationLike,
    top_k: int,
    specs: SpecArrays,
    on_result: Callable[[ChunkResult], None],
) -> None:
    """Score the chunks one after the other in this process."""
    for task in tasks:
        on_result(run_chunk(task, call_vectors, weights, calibration, top_k, specs))


def run_dask(
    tasks: Iterator[ChunkTask],
    call_vectors: FloatMatrix,
    weights: RelevanceWeights,
    calibration: CalibrationLike,
    top_k: int,
    specs: SpecArrays,
    on_result: Callable[[ChunkResult], None],
    *,
    scheduler: str | None = None,
    workers: int = 2,
) -> None:
    """Score the chunks on a Dask cluster (a LocalCluster when ``scheduler`` is ``None``)."""
    with dask_client(scheduler, workers) as client:  # refuses a missing dask clearly
        from distributed import as_completed

        window = 2 * max(1, len(client.scheduler_info().get("workers", {})) or workers)
        shared: list[Any] = client.scatter(
            [call_vectors, weights, calibration, specs], broadcast=True
        )
        vectors_f, weights_f, calibration_f, specs_f = shared
        pending = as_completed()  # type: ignore[no-untyped-call]
        in_flight = 0
        for task in tasks:
            # Scattered first: the chunk's vectors travel as data, not inside the task graph.
            task_f = client.scatter(task)
            pending.add(  # type: ignore[no-untyped-call]
                client.submit(
                    run_chunk,
                    task_f,
                    vectors_f,
                    weights_f,
                    calibration_f,
                    top_k,
                    specs_f,
                    pure=False,
                )
            )
            in_flight += 1
            if in_flight >= window:
                on_result(next(pending).result())
                in_flight -= 1
        for future in pending:
            on_result(future.result())


@contextmanager
def dask_client(scheduler: str | None = None, workers: int = 2) -> Iterator[Any]:
    """A ``distributed.Client`` to ``scheduler``, or to a LocalCluster of ``workers``
    single-threaded processes when it is ``None`` (the cluster the scoring engine starts);
    closed, with the cluster, on leaving the block."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - dask is a declared extra
        raise ValueError(
            "--engine dask needs dask[distributed]: pip install 'grantmatch[scale]'"
        ) from None
    with ExitStack() as stack:
        if scheduler is None:
            cluster = stack.enter_context(
                LocalCluster(  # type: ignore[no-untyped-call]
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                )
            )
            client = stack.enter_context(Client(cluster))  # type: ignore[no-untyped-call]
        else:
            try:
                client = stack.enter_context(
                    Client(scheduler, timeout="20s")  # type: ignore[no-untyped-call]
                )
            except OSError as error:
                raise ValueError(
                    f"--scheduler {scheduler}: cannot reach the Dask scheduler ({error})"
                ) from None
        yield client
