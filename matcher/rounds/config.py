"""What a grant round is run with (:class:`RoundConfig`) and reports (:class:`RoundSummary`)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from matcher.errors import GrantmatchError
from matcher.relevance import RelevanceWeights
from matcher.routes import RouteCosts
from matcher.teams import TeamObjective

Engine = Literal["local", "dask"]
Staffing = Literal["joint", "lagrangian", "greedy", "independent"]


class UnsupportedRoundOption(GrantmatchError, ValueError):
    """A setting :class:`matcher.Matcher` honours but a round cannot, so it is refused
    instead of silently ignored.

    Parameters
    ----------
    option : str
        The setting, dotted as on :class:`RoundConfig` (e.g. ``relevance.lexical``).
    value : object
        The value given.
    reason : str
        Why a round cannot honour it, and what to set instead.
    """

    def __init__(self, option: str, value: object, reason: str) -> None:
        self.option = option
        self.value = value
        self.reason = reason
        super().__init__(f"{option}={value!r} is not supported by rounds: {reason}")


@dataclass(frozen=True)
class RoundConfig:
    """Configuration of :func:`matcher.rounds.run_round`.

    Attributes
    ----------
    backend : str
        Embedding backend name (see :func:`embeddings.available_backends`).
    cache_path : str, optional
        SQLite vector cache; reruns embed only texts not seen before. ``"auto"`` (the
        default): the cache the CLI, the service and :class:`matcher.Matcher` share (see
        :mod:`embeddings.locations`); ``None``: no cache.
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
    staffing_workers : int, optional
        Processes solving the per-call team problems of the Lagrangian staffing in
        parallel (:mod:`matcher.rounds.parallel`). ``None`` or 0 (the default): one per
        core; 1: one after the other in this process. With ``engine="dask"`` they are solved
        on the Dask cluster instead (set 1 to keep them here; other counts are refused:
        the cluster's size is ``dask_workers``). Teams never depend on it.
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
    lagrangian_gap : float
        Stop the Lagrangian iterations once the proven relative gap (the distance of the
        best round from the upper bound on the joint objective) is at most this; 0.02 by
        default. Deterministic, unlike a time limit: the gap does not depend on speed.
    lagrangian_method : {"fast-subgradient", "volume", "subgradient"}
        ``fast-subgradient`` (the default): subgradient steps, per-call solves only where
        priced values changed, a repair that keeps each priced team that still fits, and a
        local search at the end. ``volume``: the same with the volume algorithm's steps.
        ``subgradient``: plain subgradient steps with a full greedy repair every iteration
        (the method before issue 18).
    relevance : RelevanceWeights, optional
        How the parts of relevance are blended, as for :class:`matcher.Matcher`
        (``None``: the defaults). The round's scorer supports the part weights and
        ``top_k`` with the ``top_k_mean`` aggregation; a lexical share, another
        aggregation, a recency half-life or a match threshold are refused
        (:class:`UnsupportedRoundOption`).
    team_objective : TeamObjective, optional
        Weights of each call's team objective, as for :class:`matcher.Matcher` (``None``:
        the default objective, coverage term included, so that a call's team equals
        ``grantmatch teams``' where capacities do not bind). The coverage term embeds each
        call's parts once and scores them against the call's shortlist only
        (:mod:`matcher.rounds.coverage`); ``coverage_weight=0`` leaves it out.
    route_costs : RouteCosts, optional
        Cost of each kind of route, as for :class:`matcher.Matcher`.
    home_country : str, optional
        The country teams are built from; inferred from the offices when omitted.
    report : bool
        Write ``report.html`` (plots; needs the ``report`` extra, checked before any work
        starts). ``False``: the tables and ``summary.json`` only.
    eligible_only : bool
        ``scores`` lists, per call, the ``top_k`` best profiles that may join its team
        (eligible under its rules and reachable) instead of the ``top_k`` best of all.
        Teams are unchanged (they are always chosen from those profiles).
    scores_with_eligibility : bool
        ``scores`` gains the columns ``eligible,reachable,reason`` after the stable
        ``call_id,profile_id,score,rank`` (as ``grantmatch rank --with-eligibility``).
        An output format only: a round may be resumed with it changed.
    """

    backend: str = "auto"
    cache_path: str | None = "auto"
    top_k: int = 10
    staffing: Staffing = "joint"
    solver: str = "exact"
    engine: Engine = "local"
    scheduler: str | None = None
    dask_workers: int = 2
    staffing_workers: int | None = None
    chunk_size: int | None = None
    memory_mb: int = 512
    pool_depth: int = 300
    time_limit: float = 300.0
    max_joint_variables: int = 150_000
    lagrangian_iterations: int = 30
    lagrangian_time_limit: float | None = None
    lagrangian_gap: float = 0.02
    lagrangian_method: Literal["volume", "fast-subgradient", "subgradient"] = "fast-subgradient"
    relevance: RelevanceWeights | None = None
    team_objective: TeamObjective | None = None
    route_costs: RouteCosts | None = None
    home_country: str | None = None
    report: bool = True
    eligible_only: bool = False
    scores_with_eligibility: bool = False

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
        if not 0 <= self.lagrangian_gap < 1:
            raise ValueError("lagrangian_gap must be at least 0 and below 1")
        if self.lagrangian_method not in ("volume", "fast-subgradient", "subgradient"):
            raise ValueError(
                f"unknown lagrangian_method {self.lagrangian_method!r}; "
                "volume, fast-subgradient or subgradient"
            )
        if self.engine not in ("local", "dask"):
            raise ValueError(f"unknown engine {self.engine!r}; choose local or dask")
        if self.staffing_workers is not None and self.staffing_workers < 0:
            raise ValueError("staffing_workers must be 0 (one per core) or more")
        if self.engine == "dask" and self.staffing_workers not in (None, 0, 1):
            raise ValueError(
                f"staffing_workers={self.staffing_workers} is the local pool's size; with "
                "engine='dask' the per-call solves run on the Dask cluster (its size is "
                "dask_workers), or set 1 to solve them in this process"
            )
        if self.chunk_size is not None and self.chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        if self.pool_depth < 1 or self.memory_mb < 1:
            raise ValueError("pool_depth and memory_mb must be positive")
        _refuse_unsupported_relevance(self.round_relevance())

    def round_relevance(self) -> RelevanceWeights:
        """The relevance weights the round scores with."""
        return self.relevance or RelevanceWeights()

    def round_team_objective(self) -> TeamObjective:
        """The team objective the round staffs with (by default, ``grantmatch teams``')."""
        return self.team_objective or TeamObjective()

    def round_route_costs(self) -> RouteCosts:
        """The route costs the round's routes use."""
        return self.route_costs or RouteCosts()

    def fingerprint(self) -> dict[str, Any]:
        """The settings that change the results (what a resumed run must share)."""
        settings = asdict(self)
        # Where the work runs (and on how many workers), the cache and the output formats
        # do not change what is computed (the outputs are written again in full on resume).
        for name in (
            "engine",
            "scheduler",
            "dask_workers",
            "staffing_workers",
            "cache_path",
            "report",
            "scores_with_eligibility",
        ):
            settings.pop(name)
        # Defaults spelled out, so that None and the equal explicit settings resume alike.
        settings["relevance"] = asdict(self.round_relevance())
        settings["team_objective"] = asdict(self.round_team_objective())
        settings["route_costs"] = asdict(self.round_route_costs())
        # As the manifest stores it (tuples become lists), so a resume compares equal.
        fingerprint: dict[str, Any] = json.loads(json.dumps(settings))
        return fingerprint


def _refuse_unsupported_relevance(weights: RelevanceWeights) -> None:
    """Refuse the relevance settings the chunked round scorer cannot compute."""
    scorer = "the chunked round scorer (matcher.rounds.scoring)"
    if weights.lexical > 0:
        raise UnsupportedRoundOption(
            "relevance.lexical", weights.lexical, f"{scorer} blends no lexical score; set 0"
        )
    if weights.aggregation != "top_k_mean":
        raise UnsupportedRoundOption(
            "relevance.aggregation",
            weights.aggregation,
            f"{scorer} aggregates publications by their top_k mean only",
        )
    if weights.recency_half_life is not None:
        raise UnsupportedRoundOption(
            "relevance.recency_half_life",
            weights.recency_half_life,
            f"{scorer} does not discount publications by age; set None",
        )
    if weights.match_threshold is not None:
        raise UnsupportedRoundOption(
            "relevance.match_threshold",
            weights.match_threshold,
            "rounds do not abstain (scores.csv lists the top_k profiles of every call); set None",
        )


@dataclass
class RoundSummary:
    """What a round did: counts, objective, capacity use, timings, output files.

    ``timings`` (seconds per stage) and ``resumed_chunks`` vary between runs and are kept
    out of ``summary.json``, which is byte-identical between an interrupted-and-resumed and
    an uninterrupted run.

    ``interrupted`` is true when Ctrl-C stopped the staffing: the outputs then hold the best
    feasible round found so far, ``gap`` and ``bound`` as proven at that point, and
    ``run_round(..., resume=True)`` continues from the last completed iteration.
    ``iterations`` counts the Lagrangian staffing's iterations (``None`` for other methods).
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
    bound: float | None = None
    iterations: int | None = None
    interrupted: bool = False

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
            "interrupted": self.interrupted,
            "gap": None if self.gap is None else round(self.gap, 8),
            "bound": None if self.bound is None else round(self.bound, 6),
            "iterations": self.iterations,
        }
