"""What the per-iteration staffing checkpoint costs: size, write and read-back time.

After every Lagrangian iteration, ``run_round`` writes the iteration's state
(``.checkpoints/lagrangian.json``: one price per shortlisted profile and per office with a
capacity, the best round as member positions per call) atomically, so Ctrl-C keeps a
resumable round. This times that write (``LagrangianState.to_json``, JSON, write to a
temporary file, fsync, rename: what :meth:`Checkpoints.save_iteration` does) and the read
back on resume, on states of a national round's size, against the seconds an iteration takes.

    python benchmarks/round_progress.py --calls 1000 --prices 10000 100000 300000
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matcher.rounds.checkpoints import Checkpoints
from matcher.rounds.lagrangian import LagrangianState


def _state(calls: int, prices: int, team: int, seed: int = 0) -> LagrangianState:
    """A state as the staffing leaves it: most prices zero, the contested ones positive."""
    rng = np.random.default_rng(seed)
    values = np.zeros(prices)
    contested = rng.choice(prices, size=prices // 10, replace=False)
    values[contested] = rng.exponential(0.05, size=contested.size)
    best = {
        f"call-{c:05d}": (tuple(sorted(rng.choice(300, size=team, replace=False).tolist())), 0)
        for c in range(calls)
    }
    return LagrangianState(
        iteration=7,
        iterations=30,
        bound=float(calls) * 21.123456789,
        best_value=float(calls) * 21.0123456789,
        gap=0.0053,
        staffed=calls,
        elapsed=123.456,
        prices=tuple(float(v) for v in values),
        step_scale=0.25,
        stalled=1,
        best=best,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--prices", type=int, nargs="+", default=[10_000, 100_000, 300_000])
    parser.add_argument("--team", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print("| prices | calls | file (MB) | write (ms, median) | read back (ms, median) |")
    print("|---:|---:|---:|---:|---:|")
    for prices in args.prices:
        state = _state(args.calls, prices, args.team)
        with tempfile.TemporaryDirectory() as folder:
            checkpoints = Checkpoints(Path(folder) / ".checkpoints", {"bench": 1}, resume=False)
            writes, reads = [], []
            for _ in range(args.repeats):
                started = time.perf_counter()
                checkpoints.save_iteration(state.to_json())
                writes.append(time.perf_counter() - started)
                started = time.perf_counter()
                found = checkpoints.last_iteration()
                assert found is not None
                back = LagrangianState.from_json(found)
                reads.append(time.perf_counter() - started)
                assert back == state  # floats round-trip exactly
            size = checkpoints.iteration_path.stat().st_size / 2**20
        print(
            f"| {prices:,} | {args.calls:,} | {size:.1f} | "
            f"{1000 * statistics.median(writes):.0f} | {1000 * statistics.median(reads):.0f} |"
        )


if __name__ == "__main__":
    main()
