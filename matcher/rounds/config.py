"""What a grant round is run with (:class:`RoundConfig`) and reports (:class:`RoundSummary`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Engine = Literal["local", "dask"]
Staffing = Literal["joint", "lagrangian", "greedy", "independent"]


@dataclass(frozen=True)
class RoundConfig:
    """Configuration of :func:`matcher.rounds.run_round`.

    Attributes
    ----------
    backend : str
        Embedding backend name (see :func:`embeddings.available_backends`).
    cache_path : str, optional
        SQLite vector cache; reruns embed only texts not seen before. ``None``: no cache.
    top_k : int
        Profiles per call in the scores output (``scores.csv``).
    staffing : {"joint", "lagrangian", "greedy", "independent"}
        ``joint``: one MILP over every call with the capacities as linking constraints
        (above ``max_joint_variables``, or when HiGHS finds nothing in ``time_limit``, the
        ``lagrangian`` staffing is used instead). ``lagrangian``: capacities priced, each
        call solved alone on priced values, repaired into a feasible round, with a proven
        upper bound and so a measured gap (:mod:`matcher.rounds.lagrangian`). ``greedy``:
        calls one by one, best stand-alone objective first, each solved exactly on what the
        calls before it left. ``independent``: every call alone, capacities ignored (a
        baseline only).
    solver : {"exact", "fast"}
        Per-call solver of the greedy staffing and of the stand-alone diagnostics.
    engine : {"local", "dask"}
        Where the chunked scoring runs.
    scheduler : str, optional
        Dask scheduler address; ``None`` with ``engine="dask"`` starts a LocalCluster.
    dask_workers : int
        Workers of that LocalCluster.
    chunk_size : int, optional
        Profiles per scoring chunk (and checkpoint). ``None``: chosen from
        ``memory_mb`` so that one chunk's similarity block stays under it.
    memory_mb : int
        Memory budget of one chunk's similarity block.
    pool_depth : int
        Per call, how many of the best eligible, reachable profiles are kept for staffing
        (at least the team shortlist, 300). More are kept where the call's member threshold
        (a quantile of its whole pool) needs them, so the threshold is exact.
    time_limit : float
        Seconds for the joint MILP.
    max_joint_variables : int
        Above this many variables the joint MILP is replaced by the Lagrangian staffing.
    lagrangian_iterations : int
        Price updates of the Lagrangian staffing (fewer when its gap closes first).
    lagrangian_time_limit : float, optional
        Stop the Lagrangian iterations after this many seconds. ``None`` (the default):
        only the iteration count stops them, so a round's teams do not depend on how fast
        the machine is, and a resumed round equals an uninterrupted one.
    """

    backend: str = "auto"
    cache_path: str | None = None
    top_k: int = 10
    staffing: Staffing = "joint"
    solver: str = "exact"
    engine: Engine = "local"
    scheduler: str | None = None
    dask_workers: int = 2
    chunk_size: int | None = None
    memory_mb: int = 512
    pool_depth: int = 300
    time_limit: float = 300.0
    max_joint_variables: int = 150_000
    lagrangian_iterations: int = 30
    lagrangian_time_limit: float | None = None

    def __post_init__(self) -> None:
        if self.top_k < 1:
            raise ValueError("top_k must be at least 1")
        if self.staffing not in ("joint", "lagrangian", "greedy", "independent"):
            raise ValueError(
                f"unknown staffing {self.staffing!r}; joint, lagrangian, greedy or independent"
            )
        if self.lagrangian_iterations < 1:
            raise ValueError("lagrangian_iterations must be at least 1")
        if self.lagrangian_time_limit is not None and self.lagrangian_time_limit <= 0:
            raise ValueError("lagrangian_time_limit must be positive")
        if self.engine not in ("local", "dask"):
            raise ValueError(f"unknown engine {self.engine!r}; choose local or dask")
        if self.chunk_size is not None and self.chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        if self.pool_depth < 1 or self.memory_mb < 1:
            raise ValueError("pool_depth and memory_mb must be positive")

    def fingerprint(self) -> dict[str, Any]:
        """The settings that change the results (what a resumed run must share)."""
        settings = asdict(self)
        # Where the work runs, and the cache, do not change what is computed.
        for name in ("engine", "scheduler", "dask_workers", "cache_path"):
            settings.pop(name)
        return settings


@dataclass
class RoundSummary:
    """What a round did: counts, objective, capacity use, timings, output files.

    ``timings`` (seconds per stage) and ``resumed_chunks`` vary between runs and are kept
    out of ``summary.json``, which is byte-identical between an interrupted-and-resumed and
    an uninterrupted run.
    """

    calls: int
    profiles: int
    staffed: int
    unstaffed: dict[str, list[str]]
    objective: float
    staffing: str
    encoder: str
    chunks: int
    profile_capacity_used: int
    office_load: dict[str, tuple[int, int | None]]
    files: dict[str, str]
    timings: dict[str, float] = field(default_factory=dict)
    resumed_chunks: int = 0
    gap: float | None = None

    def to_json(self) -> dict[str, Any]:
        """The deterministic part, as written to ``summary.json``."""
        return {
            "calls": self.calls,
            "profiles": self.profiles,
            "staffed": self.staffed,
            "unstaffed": self.unstaffed,
            "objective": round(self.objective, 6),
            "staffing": self.staffing,
            "encoder": self.encoder,
            "chunks": self.chunks,
            "profile_capacity_used": self.profile_capacity_used,
            "office_load": {k: list(v) for k, v in self.office_load.items()},
            "files": self.files,
        }
