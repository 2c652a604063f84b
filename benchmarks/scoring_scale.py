"""Scoring speed at scale: our relevance matrix versus the bare numpy floor, same run.

Synthetic unit vectors stand in for embeddings (embedding speed is measured separately in
``benchmarks/embeddings_*.py``). The floor is one matrix product of calls by evidence rows
plus a per-profile max (``np.maximum.reduceat``) and ``argpartition`` for the top k: the least
any evidence-based scorer must do. Ours adds top-k-mean aggregation, keyword and summary
parts, and the bookkeeping for explanations.

    python benchmarks/scoring_scale.py --profiles 50000 --calls 100
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._synthetic import evidence_floor, random_unit, synthetic_index, synthetic_profiles
from matcher.relevance import RelevanceScorer, top_k_indices


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=50_000)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--top-k", type=int, default=10)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    profiles = synthetic_profiles(rng, args.profiles)
    started = time.perf_counter()
    index = synthetic_index(rng, profiles, args.dim)
    build_seconds = time.perf_counter() - started
    calls = random_unit(rng, args.calls, args.dim)

    started = time.perf_counter()
    scores = RelevanceScorer().score_matrix(calls, index)
    for row in scores:
        top_k_indices(row, args.top_k)
    ours = time.perf_counter() - started

    started = time.perf_counter()
    evidence_floor(calls, index, args.top_k)
    floor = time.perf_counter() - started

    print(f"{args.calls} calls x {args.profiles} profiles ({len(index.owner)} evidence rows)")
    print(f"index build (texts collected, vectors placed): {build_seconds:.2f} s")
    print(f"ours: {ours:.2f} s   numpy floor: {floor:.2f} s   ratio: {ours / floor:.2f}x")


if __name__ == "__main__":
    main()
