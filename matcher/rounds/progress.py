"""What a round tells while it runs: per stage the fraction done, and for the staffing the
iterations, the proven gap, the calls staffed and the time left at the current rate.

``run_round(progress=...)`` takes either callable shape: ``progress(stage, fraction)`` (as
before) or ``progress(stage, fraction, detail)``, which also receives a
:class:`StaffingProgress` while the Lagrangian staffing iterates (``None`` otherwise).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Literal, Protocol, cast

#: Why the staffing's iterations ended (``None`` while they run).
StopReason = Literal["gap reached", "all iterations", "time limit", "interrupted"]


@dataclass(frozen=True)
class StaffingProgress:
    """The Lagrangian staffing after one iteration, or at its end.

    Attributes
    ----------
    iteration : int
        Iterations completed (those of a resumed run included).
    iterations : int
        The planned maximum.
    gap : float
        Proven relative gap ``(bound - best) / bound`` of the best round found so far.
    bound : float
        Proven upper bound on the joint objective.
    best : float
        Joint objective of the best feasible round found so far.
    staffed : int
        Calls staffed in that round.
    seconds_left : float or None
        Iterations left times the mean seconds per iteration of this run; ``None`` before
        the rate is known and once the iterations ended.
    stopped : str or None
        Why the iterations ended (see :data:`StopReason`), ``None`` while they run.
    """

    iteration: int
    iterations: int
    gap: float
    bound: float
    best: float
    staffed: int
    seconds_left: float | None = None
    stopped: StopReason | None = None

    def describe(self) -> str:
        """One short line, e.g. ``iteration 3/30, gap 0.41%, 10 staffed, ~12 s left``."""
        head = f"iteration {self.iteration}/{self.iterations}, gap {_percent(self.gap)}"
        head += f", {self.staffed} staffed"
        if self.stopped is not None:
            return f"{head}, {self.stopped}"
        if self.seconds_left is None:
            return head
        return f"{head}, ~{_duration(self.seconds_left)} left"

    def to_json(self) -> dict[str, Any]:
        """The fields as a JSON-safe dict (for job records)."""
        return asdict(self)


class DetailedProgress(Protocol):
    """``progress(stage, fraction, detail)``: the three-argument shape of ``run_round``'s
    ``progress``; ``detail`` is a :class:`StaffingProgress` during staffing, else ``None``."""

    def __call__(
        self, stage: str, fraction: float, detail: StaffingProgress | None = None
    ) -> None: ...


Progress = Callable[[str, float], None]


def detailed(progress: Progress | DetailedProgress | None) -> DetailedProgress:
    """``progress`` as a three-argument callable; a two-argument one gets no detail."""
    if progress is None:
        return _ignore
    if _takes_detail(progress):
        return cast(DetailedProgress, progress)
    plain: Progress = progress

    def without_detail(stage: str, fraction: float, detail: StaffingProgress | None = None) -> None:
        plain(stage, fraction)

    return without_detail


def _ignore(stage: str, fraction: float, detail: StaffingProgress | None = None) -> None:
    return None


def _takes_detail(function: Callable[..., object]) -> bool:
    try:
        inspect.signature(function).bind("staff", 0.0, None)
    except TypeError:
        return False
    except ValueError:  # no signature to read (some builtins): call it the old way
        return False
    return True


def _percent(fraction: float) -> str:
    return f"{100 * fraction:.2f}%"


def _duration(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
