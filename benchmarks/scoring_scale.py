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
import time

import numpy as np

from matcher.evidence import EvidenceIndex
from matcher.model import Profile, Publication
from matcher.relevance import RelevanceScorer, top_k_indices


def _random_unit(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    vectors = rng.standard_normal((n, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=50_000)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--top-k", type=int, default=10)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    profiles = [
        Profile(
            id=f"p{i}",
            name="x",
            keywords=["k"],
            publications=[Publication(title=f"t{i}-{j}") for j in range(int(rng.integers(1, 9)))],
        )
        for i in range(args.profiles)
    ]
    started = time.perf_counter()
    index = EvidenceIndex.build(profiles, lambda texts: _random_unit(rng, len(texts), args.dim))
    build_seconds = time.perf_counter() - started
    calls = _random_unit(rng, args.calls, args.dim)

    started = time.perf_counter()
    scores = RelevanceScorer().score_matrix(calls, index)
    for row in scores:
        top_k_indices(row, args.top_k)
    ours = time.perf_counter() - started

    started = time.perf_counter()
    starts = np.flatnonzero(np.r_[True, np.diff(index.owner) != 0])
    similarities = calls @ index.vectors.T
    best = np.maximum.reduceat(similarities, starts, axis=1)
    for row in best:
        np.argpartition(-row, args.top_k)[: args.top_k]
    floor = time.perf_counter() - started

    print(f"{args.calls} calls x {args.profiles} profiles ({len(index.owner)} evidence rows)")
    print(f"index build (texts collected, vectors placed): {build_seconds:.2f} s")
    print(f"ours: {ours:.2f} s   numpy floor: {floor:.2f} s   ratio: {ours / floor:.2f}x")


if __name__ == "__main__":
    main()
