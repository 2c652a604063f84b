"""Grant rounds: score every call of a round in chunks, staff all calls jointly under the
researchers' and offices' capacities, resumable, locally or on Dask.

``run_round(dataset, out_dir, config)`` is the entry point; see :mod:`matcher.rounds.runner`.
"""

from matcher.rounds.checkpoints import ResumeError
from matcher.rounds.config import RoundConfig, RoundSummary, UnsupportedRoundOption
from matcher.rounds.runner import run_round

__all__ = ["ResumeError", "RoundConfig", "RoundSummary", "UnsupportedRoundOption", "run_round"]
