"""What-if analysis: how many calls get a viable team, and how much better, after a change.

A change is opening an office that is still negotiating, closing one, or adding a
cooperation agreement between two institutions. Relevance does not change; routes do, and
with them who can be reached, at what cost, and which calls can be staffed at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matcher.engine import Matcher


@dataclass(frozen=True)
class CallOutcome:
    """The best team for one call in one scenario (``objective`` is ``None`` without one)."""

    feasible: bool
    objective: float | None
    size: int


@dataclass(frozen=True)
class WhatIfRow:
    """One call before and after the change."""

    call_id: str
    before: CallOutcome
    after: CallOutcome

    @property
    def gained(self) -> bool:
        """No viable team before, one after."""
        return not self.before.feasible and self.after.feasible

    @property
    def lost(self) -> bool:
        return self.before.feasible and not self.after.feasible

    @property
    def improvement(self) -> float | None:
        """Objective after minus before, when both scenarios have a team."""
        if self.before.objective is None or self.after.objective is None:
            return None
        return self.after.objective - self.before.objective


@dataclass(frozen=True)
class WhatIfReport:
    """Every call before and after one change."""

    change: str
    rows: list[WhatIfRow]

    @property
    def viable_before(self) -> int:
        return sum(row.before.feasible for row in self.rows)

    @property
    def viable_after(self) -> int:
        return sum(row.after.feasible for row in self.rows)

    @property
    def gained(self) -> list[str]:
        return [row.call_id for row in self.rows if row.gained]

    @property
    def lost(self) -> list[str]:
        return [row.call_id for row in self.rows if row.lost]

    @property
    def improved(self) -> list[str]:
        """Calls viable in both scenarios whose best team got better."""
        return [
            row.call_id
            for row in self.rows
            if row.improvement is not None and row.improvement > 1e-9
        ]

    @property
    def total_improvement(self) -> float:
        return sum(row.improvement or 0.0 for row in self.rows)


def _outcome(matcher: Matcher, call_id: str, solver: str) -> CallOutcome:
    team = matcher.team(call_id, solver=solver, relax=False).team
    if team is None:
        return CallOutcome(False, None, 0)
    return CallOutcome(True, team.objective, len(team.members))


def compare(
    before: Matcher,
    after: Matcher,
    change: str,
    call_ids: Sequence[str] | None = None,
    solver: str = "exact",
) -> WhatIfReport:
    """Solve every call (or ``call_ids``) in both scenarios and pair the outcomes.

    Parameters
    ----------
    before, after : Matcher
        The fitted matcher and its what-if copy (:meth:`Matcher.what_if`).
    change : str
        A description of the change, for reports.
    call_ids : sequence of str, optional
        The calls to compare (default: every call of the dataset).
    solver : str
        The team solver.
    """
    ids = list(call_ids) if call_ids is not None else [c.id for c in before.dataset_.calls]
    rows = [
        WhatIfRow(call_id, _outcome(before, call_id, solver), _outcome(after, call_id, solver))
        for call_id in ids
    ]
    return WhatIfReport(change, rows)


def office_impact(matcher: Matcher, solver: str = "exact") -> list[WhatIfReport]:
    """For every office, the calls viable with it and without it.

    An open office is compared with the same data where it is closed; an office still in
    negotiation with the data where it is open. In both reports ``before`` is the scenario
    without the office and ``after`` the one with it.
    """
    reports = []
    for office in matcher.dataset_.offices:
        if matcher.routes_.office_is_open(office):
            without, with_ = matcher.what_if(close_offices=[office.id]), matcher
            change = f"office {office.id} ({office.status})"
        else:
            without, with_ = matcher, matcher.what_if(open_offices=[office.id])
            change = f"office {office.id} ({office.status}, opened)"
        reports.append(compare(without, with_, change, solver=solver))
    return reports
