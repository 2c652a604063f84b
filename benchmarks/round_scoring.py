"""Round scoring at scale: chunked batch relevance + top-k versus the bare numpy floor, same run.

Synthetic unit vectors (384 dims) stand in for embeddings; each profile has 1-8
publications and a keyword list (as in ``benchmarks/scoring_scale.py``). The floor is one
matrix product of calls by evidence rows, a per-profile max (``np.maximum.reduceat``) and
``argpartition`` for the top k: it materialises the whole calls x evidence matrix. The
*profile floor* is the issue's literal one: one vector per profile (a profile's mean
evidence vector), one ``calls @ profiles.T`` product and ``argpartition``: it does about
1/rows-per-profile of our arithmetic, so it bounds from below what any evidence-level
scorer can reach. *Products only* times just the chunked matrix products ours does, over the
same rows: ours divided by it is the overhead of everything else (top-k, blend, merge). Ours is
:mod:`matcher.rounds.scoring` chunk by chunk (top-3-mean publications, keyword part, blend,
calibration, top-k per call merged across chunks), never holding more than one chunk.

    python benchmarks/round_scoring.py --profiles 100000 --calls 1000
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._synthetic import evidence_floor, random_unit, synthetic_index, synthetic_profiles
from embeddings import Calibration
from matcher.evidence import EvidenceIndex
from matcher.relevance import RelevanceScorer, RelevanceWeights
from matcher.rounds.chunks import ChunkTask, Merger, SpecArrays, run_chunk
from matcher.rounds.scoring import ProfileLayout, chunk_layout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--top-k", type=int, default=10)
    parser.add_argument("--chunk", type=int, default=4096)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--check", type=int, default=2000, help="profiles checked vs scorer")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    profiles = synthetic_profiles(rng, args.profiles)
    index = synthetic_index(rng, profiles, args.dim)
    calls = random_unit(rng, args.calls, args.dim)
    weights = RelevanceWeights()
    calibration = Calibration(unrelated=0.1, related=0.6)
    layout = ProfileLayout.of(index)
    no_specs = SpecArrays(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64))
    empty_masks = np.zeros((0, 0), dtype=bool)

    def ours() -> Merger:
        merger = Merger(args.calls, args.top_k, no_specs)
        for number, start in enumerate(range(0, args.profiles, args.chunk)):
            members = np.arange(start, min(args.profiles, start + args.chunk))
            chunk = chunk_layout(index, layout, members, weights)
            task = ChunkTask(number, chunk, empty_masks)
            merger.add(run_chunk(task, calls, weights, calibration, args.top_k, no_specs))
        return merger

    def floor() -> None:
        evidence_floor(calls, index, args.top_k)

    profile_vectors = np.zeros((args.profiles, args.dim), dtype=np.float32)
    np.add.at(profile_vectors, index.owner, index.vectors)
    profile_vectors /= np.linalg.norm(profile_vectors, axis=1, keepdims=True)

    def profile_floor() -> None:
        similarities = calls @ profile_vectors.T
        np.argpartition(-similarities, args.top_k, axis=1)[:, : args.top_k]

    chunks = [
        chunk_layout(
            index, layout, np.arange(start, min(args.profiles, start + args.chunk)), weights
        )
        for start in range(0, args.profiles, args.chunk)
    ]

    def product_floor() -> None:
        # The matrix products ours cannot avoid: same rows, same chunks, nothing else.
        for chunk in chunks:
            calls @ chunk.vectors.T

    ours_times, floor_times, profile_times, product_times = [], [], [], []
    for _ in range(args.repeats):  # interleaved, so all see the same machine load
        started = time.perf_counter()
        merger = ours()
        ours_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        floor()
        floor_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        profile_floor()
        profile_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        product_floor()
        product_times.append(time.perf_counter() - started)
    # Same numbers as the generic scorer, on the first profiles (its dense matrix is small).
    sub = EvidenceIndex(
        index.profile_ids[: args.check],
        index.owner[index.owner < args.check],
        index.kind[index.owner < args.check],
        index.item[index.owner < args.check],
        index.vectors[index.owner < args.check],
    )
    expected = RelevanceScorer(weights, calibration=calibration.apply).score_matrix(calls, sub)
    sub_layout = ProfileLayout.of(sub)
    chunk = chunk_layout(sub, sub_layout, np.arange(args.check), weights)
    from matcher.rounds.scoring import score_chunk

    got = np.empty_like(expected)
    got[:, chunk.order] = score_chunk(calls, chunk, weights, calibration)
    top_best = float(np.max([merger.top[c][1][0] for c in range(args.calls)]))
    print(f"{args.calls} calls x {args.profiles} profiles ({len(index.owner)} evidence rows)")
    print(f"chunk {args.chunk} profiles; best score seen {top_best:.3f}")
    print("ours s:  " + " ".join(f"{t:.2f}" for t in ours_times))
    print("floor s: " + " ".join(f"{t:.2f}" for t in floor_times))
    print("profile floor s: " + " ".join(f"{t:.2f}" for t in profile_times))
    print("products only s: " + " ".join(f"{t:.2f}" for t in product_times))
    ratio = min(ours_times) / min(floor_times)
    print(f"best-of: ours {min(ours_times):.2f} s, floor {min(floor_times):.2f} s, {ratio:.2f}x")
    ratio = min(ours_times) / min(profile_times)
    print(f"best-of: ours vs profile floor {min(profile_times):.2f} s: {ratio:.2f}x")
    ratio = min(ours_times) / min(product_times)
    print(f"best-of: ours vs its matrix products alone {min(product_times):.2f} s: {ratio:.2f}x")
    print(
        f"max |ours - RelevanceScorer| on {args.check} profiles: {np.abs(got - expected).max():.2e}"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MiB (the floor's calls x rows matrix dominates)")


if __name__ == "__main__":
    main()
