"""Staffing a round too large for the joint MILP: Lagrangian decomposition with a measured gap.

The joint MILP of :mod:`matcher.rounds.staffing` couples the calls only through the
capacities (teams per profile, introductions per office). Pricing those constraints
instead of imposing them splits the round into one team problem per call:

* every profile ``p`` and office ``o`` gets a price ``lambda_p, mu_o >= 0``; a candidate's
  value in every call drops by the price of its profile and of the office it is reached
  through;
* each call is solved alone, exactly, on the priced values, and is staffed in the
  relaxation when ``bonus + priced objective > 0``;
* ``L = sum over calls of max(0, bonus + priced objective) + sum_p lambda_p cap_p +
  sum_o mu_o cap_o`` is then an **upper bound** on the joint optimum for any prices (weak
  duality): that is what makes the gap measured, not guessed;
* prices follow the subgradient ``cap - use`` with a Polyak step toward the best round
  found so far, so over-used profiles and offices get dearer and idle ones cheaper.

Every iteration also builds a feasible round (the *repair*): calls one by one, best priced
objective first, each solved on what the calls before it left, on its priced values, so the
prices steer calls away from contested profiles and offices (a second foreign member is
not worth an introduction another call needs). The best repaired round is returned, with
``gap = (L - best) / L`` on the joint objective (the staffing bonus per call included, as in
the joint MILP). The plain greedy staffing is this repair at zero prices, so the first
iteration already equals it and later ones can only improve on it.

That is the ``subgradient`` method, as it was before issue 18. The default,
``fast-subgradient``, takes the same steps but solves again only the calls whose priced values
changed, repairs by keeping every priced team that still fits (re-solving only the calls
that hit a used-up profile or office), and ends with a local search on the best round
(:mod:`matcher.rounds.repair`); ``volume`` steps from the best-bound prices along an average
of the relaxation's use (Barahona & Anbil 2000) instead.

The seams other code builds on:

* every batch of independent per-call solves (the relaxation) goes through a
  :data:`CallSolves` callable, so it can run serially, in a process pool or on Dask;
* after every iteration a :class:`LagrangianState` goes to ``on_iteration`` (progress, the
  proven gap, checkpoints); it holds everything needed to resume, and a run resumed from
  the state after iteration ``k`` (``start=``) returns exactly the uninterrupted run's round;
* Ctrl-C (``KeyboardInterrupt``) during the iterations returns the best feasible round
  found so far, marked ``interrupted``; the last state given to ``on_iteration`` resumes it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from matcher.dataset import Dataset
from matcher.rounds.repair import CallCache, Residual, local_search, repair
from matcher.rounds.staffing import Staffing, staff_in_order, staffing_bonus, team_objectives
from matcher.solvers import Selection, TeamProblem, get_solver
from matcher.teams import EncodedTeam, TeamAssembler

log = logging.getLogger(__name__)

#: HiGHS's default ``mip_rel_gap``: how far below its optimum a per-call answer may be.
MILP_RELATIVE_GAP = 1e-4

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: The Lagrangian methods: see :func:`solve_lagrangian`.
Method = Literal["volume", "fast-subgradient", "subgradient"]

#: Solves a batch of independent per-call team problems **exactly** and returns the answers
#: in input order (``None``: the call's rules cannot be met). The Lagrangian bound is valid
#: only on exact optima, so a heuristic solver must not be passed here.
CallSolves = Callable[[Sequence[TeamProblem]], list[Selection | None]]


def serial_call_solves(time_limit: float) -> CallSolves:
    """The default :data:`CallSolves`: each problem in turn with the exact solver.

    Parameters
    ----------
    time_limit : float
        The exact solver's time limit per call (the team objective's ``time_limit``).

    Returns
    -------
    CallSolves
        A callable solving a batch serially, answers in input order.
    """
    solver = get_solver("exact", time_limit)

    def solve(problems: Sequence[TeamProblem]) -> list[Selection | None]:
        return [solver.solve(problem) for problem in problems]

    return solve


def _hex(value: float) -> str:
    """A float as text that reads back bit for bit (``inf`` included)."""
    return float(value).hex()


def _unhex(data: Mapping[str, Any], key: str) -> float:
    try:
        return float.fromhex(str(data[key]))
    except KeyError:
        raise ValueError(f"Lagrangian state: field {key!r} is missing") from None
    except ValueError:
        raise ValueError(
            f"Lagrangian state: field {key!r} is not a hex float (float.hex): {data[key]!r}"
        ) from None


def _integer(data: Mapping[str, Any], key: str) -> int:
    if key not in data:
        raise ValueError(f"Lagrangian state: field {key!r} is missing")
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"Lagrangian state: field {key!r} must be an integer, got {value!r}")
    return value


def _hex_list(values: object, key: str) -> tuple[float, ...]:
    if not isinstance(values, list):
        raise ValueError(f"Lagrangian state: field {key!r} must be a list of hex floats")
    try:
        return tuple(float.fromhex(str(v)) for v in values)
    except ValueError:
        raise ValueError(
            f"Lagrangian state: field {key!r} holds a value that is not a hex float"
        ) from None


@dataclass(frozen=True)
class LagrangianState:
    """Where the Lagrangian staffing stands after an iteration, and all it needs to resume.

    ``bound``, ``best_value`` and ``gap`` are on the joint objective (team objectives plus
    the staffing bonus per staffed call); ``gap = (bound - best_value) / bound`` is proven.
    ``prices`` are the prices the *next* iteration starts from (profiles first, then offices
    with a capacity, in the order of the round's sorted ids). ``best`` holds the best
    feasible round as ``call id -> (member positions, lead position)``. ``finished`` says the
    method stopped on its own (gap closed, time limit, optimal prices): a resume from a
    finished state runs no more iterations. ``extra`` holds method-specific vectors.
    """

    iteration: int
    iterations: int
    bound: float
    best_value: float
    gap: float
    staffed: int
    elapsed: float
    prices: tuple[float, ...]
    step_scale: float
    stalled: int
    best: Mapping[str, tuple[tuple[int, ...], int]]
    method: str = "subgradient"
    finished: bool = False
    extra: Mapping[str, tuple[float, ...]] = field(default_factory=dict)

    def selections(self) -> dict[str, Selection]:
        """The best round as solver selections."""
        return {
            c: Selection(members=list(members), lead=lead)
            for c, (members, lead) in sorted(self.best.items())
        }

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict; floats as ``float.hex`` so they read back exactly."""
        return {
            "iteration": self.iteration,
            "iterations": self.iterations,
            "bound": _hex(self.bound),
            "best_value": _hex(self.best_value),
            "gap": _hex(self.gap),
            "staffed": self.staffed,
            "elapsed": _hex(self.elapsed),
            "prices": [_hex(p) for p in self.prices],
            "step_scale": _hex(self.step_scale),
            "stalled": self.stalled,
            "best": {
                c: {"members": list(members), "lead": lead}
                for c, (members, lead) in sorted(self.best.items())
            },
            "method": self.method,
            "finished": self.finished,
            "extra": {k: [_hex(v) for v in values] for k, values in sorted(self.extra.items())},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LagrangianState:
        """The state :meth:`to_json` wrote; ``ValueError`` naming the field when malformed."""
        if not isinstance(data, Mapping):
            raise ValueError("Lagrangian state: expected a JSON object")
        best_data = data.get("best")
        if not isinstance(best_data, Mapping):
            raise ValueError("Lagrangian state: field 'best' must be an object of call ids")
        best: dict[str, tuple[tuple[int, ...], int]] = {}
        for call_id, team in best_data.items():
            if not isinstance(team, Mapping):
                raise ValueError(f"Lagrangian state: best[{call_id!r}] must be an object")
            members = team.get("members")
            lead = team.get("lead")
            if not isinstance(members, list) or not all(
                isinstance(m, int) and not isinstance(m, bool) for m in members
            ):
                raise ValueError(
                    f"Lagrangian state: best[{call_id!r}].members must be a list of integers"
                )
            if not isinstance(lead, int) or isinstance(lead, bool):
                raise ValueError(f"Lagrangian state: best[{call_id!r}].lead must be an integer")
            best[str(call_id)] = (tuple(members), lead)
        extra_data = data.get("extra", {})
        if not isinstance(extra_data, Mapping):
            raise ValueError("Lagrangian state: field 'extra' must be an object")
        method = data.get("method", "subgradient")
        if not isinstance(method, str):
            raise ValueError("Lagrangian state: field 'method' must be a string")
        finished = data.get("finished", False)
        if not isinstance(finished, bool):
            raise ValueError("Lagrangian state: field 'finished' must be true or false")
        return cls(
            iteration=_integer(data, "iteration"),
            iterations=_integer(data, "iterations"),
            bound=_unhex(data, "bound"),
            best_value=_unhex(data, "best_value"),
            gap=_unhex(data, "gap"),
            staffed=_integer(data, "staffed"),
            elapsed=_unhex(data, "elapsed"),
            prices=_hex_list(data.get("prices"), "prices"),
            step_scale=_unhex(data, "step_scale"),
            stalled=_integer(data, "stalled"),
            best=best,
            method=method,
            finished=finished,
            extra={str(k): _hex_list(v, f"extra.{k}") for k, v in extra_data.items()},
        )


@dataclass(frozen=True)
class _Resources:
    """The round's capacities as arrays, and each call's candidates mapped onto them."""

    capacity: FloatArray  # profiles first, then offices with a capacity
    columns: dict[str, IntArray]  # per call: profile resource of each candidate
    office_columns: dict[str, IntArray]  # per call: office resource, or -1

    @classmethod
    def of(cls, dataset: Dataset, encoded: dict[str, EncodedTeam]) -> _Resources:
        profile_ids = sorted({c.profile.id for e in encoded.values() for c in e.shortlist})
        offices = sorted(o.id for o in dataset.offices if o.capacity is not None)
        position = {p: i for i, p in enumerate(profile_ids)}
        office_position = {o: len(profile_ids) + i for i, o in enumerate(offices)}
        capacity = np.asarray(
            [dataset.profile(p).capacity for p in profile_ids]
            + [dataset.office(o).capacity for o in offices],
            dtype=np.float64,
        )
        columns = {
            call_id: np.asarray([position[c.profile.id] for c in e.shortlist], dtype=np.int64)
            for call_id, e in encoded.items()
        }
        office_columns = {
            call_id: np.asarray(
                [office_position.get(o, -1) if o is not None else -1 for o in e.offices],
                dtype=np.int64,
            )
            for call_id, e in encoded.items()
        }
        return cls(capacity, columns, office_columns)

    def price_of(self, call_id: str, prices: FloatArray) -> FloatArray:
        """What each candidate of the call costs at ``prices``."""
        offices = self.office_columns[call_id]
        extended = np.append(prices, 0.0)  # index -1: no office with a capacity
        cost: FloatArray = prices[self.columns[call_id]] + extended[offices]
        return cost

    def use(self, encoded: dict[str, EncodedTeam], selections: dict[str, Selection]) -> FloatArray:
        """How much of every resource the selections take."""
        used = np.zeros(len(self.capacity) + 1)
        for call_id, selection in selections.items():
            members = np.asarray(selection.members, dtype=np.int64)
            np.add.at(used, self.columns[call_id][members], 1.0)
            np.add.at(used, self.office_columns[call_id][members], 1.0)
        return used[:-1]  # drop the slot of "no office"


def solve_lagrangian(
    dataset: Dataset,
    assembler: TeamAssembler,
    encoded: dict[str, EncodedTeam],
    *,
    iterations: int = 30,
    tolerance: float = 1e-3,
    time_limit: float | None = None,
    step_scale: float = 1.0,
    patience: int = 2,
    method: Method = "fast-subgradient",
    solve_calls: CallSolves | None = None,
    on_iteration: Callable[[LagrangianState], None] | None = None,
    start: LagrangianState | None = None,
) -> Staffing:
    """Staff the round by Lagrangian decomposition (see the module docstring).

    Parameters
    ----------
    dataset : Dataset
        The round's data (capacities of profiles and offices).
    assembler : TeamAssembler
        Solves one call's team problem; its exact solver makes the bound valid.
    encoded : dict
        Every call's team problem, by call id.
    iterations : int
        Most price updates.
    tolerance : float
        Stop once the relative gap to the bound is at most this.
    time_limit : float, optional
        Stop starting new iterations after this many seconds. ``None``: no limit, so the
        answer is the same on every machine (a time limit makes it depend on speed).
    step_scale : float
        Initial factor of the Polyak step ``scale * (bound - best) / |subgradient|^2``.
    patience : int
        Iterations without a better bound after which the step factor is halved.
    method : {"fast-subgradient", "volume", "subgradient"}
        ``fast-subgradient`` (the default): plain subgradient steps, per-call solves only
        where priced values changed, a repair of the relaxation's teams that re-solves only
        the calls whose team no longer fits, and a local search at the end (see
        :mod:`matcher.rounds.repair`). ``volume``: the same with the volume algorithm's
        steps (measured: cheaper than ``subgradient``, but a weaker bound after as many
        iterations). ``subgradient``: plain subgradient steps and a full greedy repair
        every iteration (the method before issue 18, kept for comparison).
    solve_calls : CallSolves, optional
        Solves each iteration's batch of per-call problems exactly (serial by default; see
        :mod:`matcher.rounds.parallel` for a process pool or Dask).
    on_iteration : callable, optional
        Called with a :class:`LagrangianState` after every completed iteration.
    start : LagrangianState, optional
        Resume from this state (one ``on_iteration`` received for the same round).

    Returns
    -------
    Staffing
        The best feasible round found, ``method="lagrangian"``, with ``bound`` the proven
        upper bound on the joint objective and ``gap`` the relative distance to it. Calls
        are always solved with the exact solver: the bound needs their true optima. After
        Ctrl-C: the best round so far, ``interrupted=True``.
    """
    if start is not None and start.method != method:
        raise ValueError(
            f"Lagrangian state was made by method {start.method!r}, not {method!r}: "
            "resume with the method that made it"
        )
    if method not in ("volume", "fast-subgradient", "subgradient"):
        raise ValueError(
            f"unknown Lagrangian method {method!r}; volume, fast-subgradient or subgradient"
        )
    run = _subgradient if method == "subgradient" else _volume
    return run(
        dataset,
        assembler,
        encoded,
        _Settings(iterations, tolerance, time_limit, step_scale, patience, method),
        solve_calls or serial_call_solves(assembler.objective.time_limit),
        on_iteration,
        start,
    )


@dataclass(frozen=True)
class _Settings:
    iterations: int
    tolerance: float
    time_limit: float | None
    step_scale: float
    patience: int
    method: Method


def _subgradient(
    dataset: Dataset,
    assembler: TeamAssembler,
    encoded: dict[str, EncodedTeam],
    settings: _Settings,
    solve: CallSolves,
    on_iteration: Callable[[LagrangianState], None] | None,
    start: LagrangianState | None,
) -> Staffing:
    """Plain subgradient steps, a full greedy repair every iteration (before issue 18)."""
    iterations, tolerance, time_limit = settings.iterations, settings.tolerance, settings.time_limit
    step_scale, patience = settings.step_scale, settings.patience
    started = time.perf_counter()
    calls = sorted(c for c, e in encoded.items() if e.problem.n > 0)
    bonus = staffing_bonus(encoded)
    resources = _Resources.of(dataset, encoded)
    prices = np.zeros(len(resources.capacity))
    best: dict[str, Selection] = {}
    best_value = -np.inf
    bound = np.inf
    stalled = 0
    done = 0
    finished = False
    earlier = 0.0  # seconds spent before a resume
    if start is not None:
        _check_start(start, len(prices), encoded)
        prices = np.asarray(start.prices, dtype=np.float64)
        best, best_value, bound = start.selections(), start.best_value, start.bound
        step_scale, stalled, done = start.step_scale, start.stalled, start.iteration
        finished, earlier = start.finished, start.elapsed
    interrupted = False
    try:
        while done < iterations and not finished:
            priced = {
                c: replace(
                    encoded[c].problem,
                    value=encoded[c].problem.value - resources.price_of(c, prices),
                )
                for c in calls
            }
            answers = solve([priced[c] for c in calls])
            relaxed: dict[str, Selection] = {}
            priced_value: dict[str, float] = {}
            slack: dict[str, float] = {}
            for c, selection in zip(calls, answers, strict=True):
                if selection is None:
                    continue  # the call's own rules cannot be met: never staffed
                team_value = selection.objective(priced[c])
                value = bonus + team_value
                priced_value[c] = value
                # The per-call MILP stops within HiGHS's relative gap: widen the bound by it.
                slack[c] = MILP_RELATIVE_GAP * abs(team_value)
                if value > 0:
                    relaxed[c] = selection
            dual = sum(max(0.0, v + slack[c]) for c, v in priced_value.items()) + float(
                prices @ resources.capacity
            )
            if not np.isfinite(bound) or dual < bound - 1e-9 * max(1.0, abs(bound)):
                bound, stalled = dual, 0
            else:
                stalled += 1
                if stalled >= patience:  # the usual subgradient safeguard: halve the step
                    step_scale, stalled = step_scale / 2, 0
            # Repair: calls best priced value first, each on the capacity left, priced values.
            order = sorted(priced_value, key=lambda c: (-priced_value[c], c))
            prices_by_call = {c: priced[c].value for c in order}
            repaired, _ = staff_in_order(
                dataset, assembler, encoded, order, "exact", prices_by_call
            )
            value = sum(team_objectives(encoded, repaired).values()) + bonus * len(repaired)
            if value > best_value:
                best, best_value = repaired, value
            done += 1
            gap = (bound - best_value) / max(abs(bound), 1e-9)
            elapsed = earlier + time.perf_counter() - started
            log.debug(
                "iteration %d: bound %.3f, this repair %.3f (%d staffed), best %.3f, gap %.4f, "
                "%.1f s",
                done,
                dual,
                value,
                len(repaired),
                best_value,
                gap,
                elapsed,
            )
            out_of_time = time_limit is not None and elapsed > time_limit
            finished = gap <= tolerance or out_of_time
            if not finished:
                subgradient = resources.capacity - resources.use(encoded, relaxed)
                # Only constraints that are violated or carry a price can move.
                subgradient[(prices <= 0) & (subgradient > 0)] = 0.0
                norm = float(subgradient @ subgradient)
                if norm == 0:
                    finished = True  # the relaxation's teams are feasible and priced fairly
                else:
                    step = step_scale * (bound - best_value) / norm
                    prices = np.maximum(0.0, prices - step * subgradient)
            if on_iteration is not None:
                on_iteration(
                    LagrangianState(
                        iteration=done,
                        iterations=iterations,
                        bound=float(bound),
                        best_value=float(best_value),
                        gap=float(gap),
                        staffed=len(best),
                        elapsed=elapsed,
                        prices=tuple(float(p) for p in prices),
                        step_scale=step_scale,
                        stalled=stalled,
                        best={c: (tuple(s.members), s.lead) for c, s in sorted(best.items())},
                        finished=finished,
                    )
                )
    except KeyboardInterrupt:
        interrupted = True  # keep the best round so far; the last state resumes the rest
    return _result(
        encoded, best, best_value, bound, bonus, done, interrupted, started, "subgradient"
    )


def _result(
    encoded: dict[str, EncodedTeam],
    best: dict[str, Selection],
    best_value: float,
    bound: float,
    bonus: float,
    done: int,
    interrupted: bool,
    started: float,
    method: str,
    extra_notes: Sequence[str] = (),
) -> Staffing:
    """The Staffing of the best round found, with its bound, gap and notes."""
    has_round = best_value > -np.inf and np.isfinite(bound)
    final_gap = (bound - best_value) / max(abs(bound), 1e-9) if has_round else None
    objective = sum(team_objectives(encoded, best).values())
    notes = [
        f"Lagrangian decomposition ({method}): {done} iteration(s), joint objective "
        f"{best_value:.3f} of at most {bound:.3f} (bonus {bonus:.2f} per staffed call)",
        *extra_notes,
    ]
    if interrupted:
        notes.append(f"interrupted after {done} iteration(s): the best feasible round found so far")
    return Staffing(
        "lagrangian",
        best,
        {c: "lagrangian" for c in best},
        {},
        objective,
        time.perf_counter() - started,
        gap=None if final_gap is None else max(0.0, float(final_gap)),
        bound=float(bound) if np.isfinite(bound) else None,
        notes=notes,
        interrupted=interrupted,
    )


def _check_start(start: LagrangianState, n_resources: int, encoded: dict[str, EncodedTeam]) -> None:
    """Refuse a state made for another round."""
    if len(start.prices) != n_resources:
        raise ValueError(
            f"Lagrangian state has {len(start.prices)} prices but this round has "
            f"{n_resources} capacities: it belongs to another round"
        )
    unknown = sorted(set(start.best) - set(encoded))
    if unknown:
        raise ValueError(f"Lagrangian state staffs calls not in this round: {unknown[:5]}")


#: Weight of the newest relaxation in the volume algorithm's running average of the use.
VOLUME_ALPHA = 0.2
#: Largest step factor of the volume algorithm (grown by 10% after an improving step).
VOLUME_MAX_STEP = 2.0


_VOLUME_EXTRA = ("center", "average_use", "alone")


@dataclass
class _Volume:
    """The volume algorithm's state between iterations (what a resume needs)."""

    prices: FloatArray  # where the next relaxation is evaluated
    center: FloatArray  # the prices of the best bound so far
    average_use: FloatArray  # running average of the relaxation's use (the primal estimate)
    alone: FloatArray  # each call's stand-alone optimum (nan: none), from iteration 1

    def extra(self) -> dict[str, tuple[float, ...]]:
        return {
            "center": tuple(float(v) for v in self.center),
            "average_use": tuple(float(v) for v in self.average_use),
            "alone": tuple(float(v) for v in self.alone),
        }

    @classmethod
    def of(cls, start: LagrangianState, n_calls: int) -> _Volume:
        try:
            extra = {k: np.asarray(start.extra[k], dtype=np.float64) for k in _VOLUME_EXTRA}
        except KeyError as missing:
            raise ValueError(f"Lagrangian state: extra field {missing} is missing") from None
        if len(extra["alone"]) != n_calls or len(extra["center"]) != len(start.prices):
            raise ValueError("Lagrangian state belongs to another round (sizes differ)")
        return cls(
            np.asarray(start.prices, dtype=np.float64),
            extra["center"],
            extra["average_use"],
            extra["alone"],
        )


def _volume(
    dataset: Dataset,
    assembler: TeamAssembler,
    encoded: dict[str, EncodedTeam],
    settings: _Settings,
    solve: CallSolves,
    on_iteration: Callable[[LagrangianState], None] | None,
    start: LagrangianState | None,
) -> Staffing:
    """The volume algorithm (Barahona & Anbil 2000) with cached solves, repair and local search.

    Each iteration evaluates the relaxation at ``prices`` (only calls whose priced values
    changed are solved again). A lower dual value moves the *center* there. The next prices
    step from the center against ``capacity - average use``, where the average use mixes
    the relaxation's teams over iterations (``VOLUME_ALPHA`` to the newest): it
    approximates a primal solution of the LP relaxation, so the steps zig-zag less than
    plain subgradient steps. The step is Polyak's toward the best round found, with a factor
    grown by 10% after an improving step that agrees with the average direction and halved
    after every step that does not improve the bound.
    """
    started = time.perf_counter()
    volume = settings.method == "volume"
    calls = sorted(c for c, e in encoded.items() if e.problem.n > 0)
    bonus = staffing_bonus(encoded)
    resources = _Resources.of(dataset, encoded)
    n = len(resources.capacity)
    solver = get_solver("exact", assembler.objective.time_limit)
    relaxation_cache: dict[str, tuple[bytes, Selection | None]] = {}
    cache = CallCache()
    state = _Volume(np.zeros(n), np.zeros(n), np.zeros(n), np.full(len(calls), np.nan))
    best: dict[str, Selection] = {}
    best_value = -np.inf
    bound = np.inf
    step_scale, stalled, done = settings.step_scale, 0, 0
    finished = False
    earlier = 0.0
    if start is not None:
        _check_start(start, n, encoded)
        state = _Volume.of(start, len(calls))
        best, best_value, bound = start.selections(), start.best_value, start.bound
        step_scale, stalled, done = start.step_scale, start.stalled, start.iteration
        finished, earlier = start.finished, start.elapsed
    interrupted = False
    try:
        while done < settings.iterations and not finished:
            values = {
                c: encoded[c].problem.value - resources.price_of(c, state.prices) for c in calls
            }
            # Re-solve only the calls whose priced values changed since their last solve.
            keys = {c: values[c].tobytes() for c in calls}
            stale = [
                c for c in calls if c not in relaxation_cache or relaxation_cache[c][0] != keys[c]
            ]
            fresh = solve([replace(encoded[c].problem, value=values[c]) for c in stale])
            for c, answer in zip(stale, fresh, strict=True):
                relaxation_cache[c] = (keys[c], answer)
            answers = {c: relaxation_cache[c][1] for c in calls}
            relaxed: dict[str, Selection] = {}
            feasible: dict[str, Selection] = {}
            priced_value: dict[str, float] = {}
            dual = float(state.prices @ resources.capacity)
            for c, selection in answers.items():
                if selection is None:
                    continue  # the call's own rules cannot be met: never staffed
                feasible[c] = selection
                team_value = selection.objective(replace(encoded[c].problem, value=values[c]))
                priced_value[c] = bonus + team_value
                # The per-call MILP stops within HiGHS's relative gap: widen the bound by it.
                dual += max(0.0, bonus + team_value + MILP_RELATIVE_GAP * abs(team_value))
                if bonus + team_value > 0:
                    relaxed[c] = selection
            if done == 0 and not state.prices.any():
                state.alone = np.asarray(
                    [
                        answers[c].objective(encoded[c].problem)  # type: ignore[union-attr]
                        if answers[c] is not None
                        else np.nan
                        for c in calls
                    ]
                )
            use = resources.use(encoded, relaxed)
            improved = not np.isfinite(bound) or dual < bound - 1e-9 * max(1.0, abs(bound))
            if improved:
                bound = dual
            if improved or not volume:  # plain subgradient steps start from where they are
                state.center = state.prices.copy()
            alpha = VOLUME_ALPHA if volume and done > 0 else 1.0
            state.average_use = alpha * use + (1 - alpha) * state.average_use
            # Repair the relaxation's teams, best priced value first (local search at the end).
            order = sorted(priced_value, key=lambda c: (-priced_value[c], c))
            residual = Residual(resources.capacity, resources.columns, resources.office_columns)
            repaired = repair(solver, cache, residual, encoded, order, feasible, values)
            value = sum(team_objectives(encoded, repaired).values()) + bonus * len(repaired)
            if value > best_value:
                best, best_value = repaired, value
            done += 1
            gap = (bound - best_value) / max(abs(bound), 1e-9)
            elapsed = earlier + time.perf_counter() - started
            log.debug(
                "iteration %d: bound %.3f (this %.3f), repair %.3f (%d staffed), best %.3f, "
                "gap %.4f, %d calls re-solved, %.1f s",
                done,
                bound,
                dual,
                value,
                len(repaired),
                best_value,
                gap,
                len(stale),
                elapsed,
            )
            out_of_time = settings.time_limit is not None and elapsed > settings.time_limit
            finished = gap <= settings.tolerance or out_of_time
            if not finished and not volume:
                if improved:
                    stalled = 0
                else:
                    stalled += 1
                    if stalled >= settings.patience:  # the usual safeguard: halve the step
                        step_scale, stalled = step_scale / 2, 0
                state.prices, finished = _volume_step(
                    resources.capacity, state, use, step_scale, bound - best_value
                )
            elif not finished:
                if improved:
                    direction = resources.capacity - use
                    if float((resources.capacity - state.average_use) @ direction) >= 0:
                        step_scale = min(VOLUME_MAX_STEP, 1.1 * step_scale)  # a "green" step
                    stalled = 0
                else:
                    # A "red" step: the dual got worse, the step overshot. Halving at once
                    # (not after ``patience`` of them) was measured better here: the averaged
                    # direction is shorter than a subgradient, so its Polyak steps are longer.
                    stalled += 1
                    step_scale = step_scale / 2
                state.prices, finished = _volume_step(
                    resources.capacity, state, use, step_scale, bound - best_value
                )
            if on_iteration is not None:
                on_iteration(
                    LagrangianState(
                        iteration=done,
                        iterations=settings.iterations,
                        bound=float(bound),
                        best_value=float(best_value),
                        gap=float(gap),
                        staffed=len(best),
                        elapsed=elapsed,
                        prices=tuple(float(p) for p in state.prices),
                        step_scale=step_scale,
                        stalled=stalled,
                        best={c: (tuple(s.members), s.lead) for c, s in sorted(best.items())},
                        method=settings.method,
                        finished=finished,
                        extra=state.extra(),
                    )
                )
    except KeyboardInterrupt:
        interrupted = True  # keep the best round so far; the last state resumes the rest
    if not interrupted and best:
        # Local search once, on the best repaired round (deterministic: a resumed run ends
        # with the same search on the same round).
        residual = Residual(resources.capacity, resources.columns, resources.office_columns)
        for c, team in best.items():
            residual.take(c, team.members)
        alone = {c: float(v) for c, v in zip(calls, state.alone, strict=True) if v == v}
        best = local_search(solver, cache, residual, encoded, best, alone)
        best_value = sum(team_objectives(encoded, best).values()) + bonus * len(best)
    # Logged, not noted: the counts are this run's, and a resumed run must write the same
    # summary as an uninterrupted one.
    log.info("per-call solves: %d restricted, %d answered from cache", cache.solves, cache.hits)
    notes: list[str] = []
    return _result(
        encoded, best, best_value, bound, bonus, done, interrupted, started, settings.method, notes
    )


def _volume_step(
    capacity: FloatArray, state: _Volume, use: FloatArray, step_scale: float, distance: float
) -> tuple[FloatArray, bool]:
    """The next prices from the center; ``True`` when no constraint can move any more."""
    for used in (state.average_use, use):
        direction = capacity - used
        # Only constraints that are violated or carry a price can move.
        direction[(state.center <= 0) & (direction > 0)] = 0.0
        norm = float(direction @ direction)
        if norm > 0:
            step = step_scale * max(distance, 0.0) / norm
            return np.maximum(0.0, state.center - step * direction), False
    return state.prices, True  # the relaxation's teams are feasible and priced fairly
