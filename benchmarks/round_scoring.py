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
calibration, top-k per call merged across chunks), never holding more than one chunk, with
its default threads (``--threads``); *ours, 1 thread* is the same with one thread after the
products, and *before issue 18* is the scorer as it was (``benchmarks/_scoring_before.py``):
all three give the same top lists, which the run checks. *Products, BLAS 1 thread* shows
what BLAS's own threads bring (informational: a different BLAS thread count changes the last
bits of some products, so the scorer keeps the default).

OpenBLAS's worker threads spin for about 2**28 cycles (0.1 s) after every BLAS call before
they sleep (``OPENBLAS_THREAD_TIMEOUT``, read when numpy loads it): after each chunk's
product one core is busy spinning while the scorer works. The run prints the setting and a
digest of the merged top lists, so runs with and without it can be checked to give the same
bits (the setting changes nothing in the products, only what an idle worker does).

``--versions COMMIT ...`` also times the scorer as it was at those git commits, with the same
loop as ours (layout, product, blend, top lists, merge), so that a change to the scorer is
compared with what it replaced in one run.

    python benchmarks/round_scoring.py --profiles 100000 --calls 1000 --repeats 3
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numpy as np
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import _scoring_before
from benchmarks._synthetic import evidence_floor, random_unit, synthetic_index, synthetic_profiles
from embeddings import Calibration
from matcher.evidence import EvidenceIndex
from matcher.relevance import RelevanceScorer, RelevanceWeights
from matcher.rounds.chunks import ChunkResult, ChunkTask, Merger, SpecArrays, run_chunk
from matcher.rounds.scoring import ProfileLayout, chunk_layout, score_chunk, scoring_threads


def scorer_at(commit: str, folder: Path) -> ModuleType:
    """``matcher/rounds/scoring.py`` as it was at ``commit`` (git), imported under its own
    name, so that earlier versions of the scorer can be timed in the same run."""
    root = Path(__file__).resolve().parents[1]
    source = subprocess.run(
        ["git", "show", f"{commit}:matcher/rounds/scoring.py"],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    name = f"_scoring_at_{commit}"
    path = folder / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--top-k", type=int, default=10)
    parser.add_argument("--chunk", type=int, default=4096)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--check", type=int, default=2000, help="profiles checked vs scorer")
    parser.add_argument("--threads", type=int, default=None, help="ours: default all CPUs")
    parser.add_argument(
        "--versions",
        nargs="*",
        default=[],
        metavar="COMMIT",
        help="also time the scorer (matcher/rounds/scoring.py) as it was at these git commits",
    )
    parser.add_argument(
        "--no-evidence-floor",
        action="store_true",
        help="skip the floor that holds the whole calls x rows matrix (slow, 6 GiB at 100k)",
    )
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

    def ours(threads: int | None) -> Callable[[], Merger]:
        def run() -> Merger:
            merger = Merger(args.calls, args.top_k, no_specs)
            for number, start in enumerate(range(0, args.profiles, args.chunk)):
                members = np.arange(start, min(args.profiles, start + args.chunk))
                chunk = chunk_layout(index, layout, members, weights)
                task = ChunkTask(number, chunk, empty_masks)
                result = run_chunk(
                    task, calls, weights, calibration, args.top_k, no_specs, threads=threads
                )
                merger.add(result)
            return merger

        return run

    def version(module: ModuleType, threads: int | None) -> Callable[[], Merger]:
        # The same loop as ours, with an earlier scorer's layout and score_and_top.
        def run() -> Merger:
            merger = Merger(args.calls, args.top_k, no_specs)
            for number, start in enumerate(range(0, args.profiles, args.chunk)):
                members = np.arange(start, min(args.profiles, start + args.chunk))
                chunk = module.chunk_layout(index, layout, members, weights)
                _, top_index, top_score = module.score_and_top(
                    calls, chunk, weights, calibration, args.top_k, threads=threads
                )
                nothing = np.zeros(0, np.int64)
                result = ChunkResult(
                    number,
                    top_index,
                    top_score,
                    nothing,
                    nothing.astype(np.float32),
                    np.zeros(1, np.int64),
                )
                merger.add(result)
            return merger

        return run

    def before() -> list[tuple[np.ndarray, np.ndarray]]:
        return _scoring_before.round_top(index, calls, weights, calibration, args.top_k, args.chunk)

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
        # The matrix products ours cannot avoid: same rows, same chunks, same call (same
        # operands, shapes and BLAS threads), nothing else.
        for chunk in chunks:
            calls @ chunk.vectors.T

    def product_one_thread() -> None:
        with threadpool_limits(1, user_api="blas"):
            product_floor()

    threads = scoring_threads() if args.threads is None else args.threads
    variants: dict[str, Callable[[], object]] = {
        f"ours ({threads} threads after the products)": ours(args.threads),
        "ours, 1 thread after the products": ours(1),
        "before issue 18 (benchmarks/_scoring_before.py)": before,
        "products only": product_floor,
        "products only, BLAS 1 thread": product_one_thread,
        "profile floor": profile_floor,
    }
    folder = tempfile.TemporaryDirectory()
    for commit in args.versions:
        module = scorer_at(commit, Path(folder.name))
        variants[f"ours at {commit} ({threads} threads)"] = version(module, args.threads)
    if not args.no_evidence_floor:
        variants["evidence floor"] = floor
    times: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}  # all threads' CPU seconds
    results: dict[str, object] = {}
    for warm_up in (ours(args.threads), product_floor):  # first touches, thread start
        warm_up()
    for _ in range(args.repeats):  # interleaved, so all see the same machine load
        for name, run in variants.items():
            started, cpu_started = time.perf_counter(), time.process_time()
            results[name] = run()
            times[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - cpu_started)
    ours_name = next(iter(variants))
    merger = results[ours_name]
    assert isinstance(merger, Merger)
    one_thread = results["ours, 1 thread after the products"]
    assert isinstance(one_thread, Merger)
    old_top = results["before issue 18 (benchmarks/_scoring_before.py)"]
    assert isinstance(old_top, list)
    others = [r for name, r in results.items() if name.startswith("ours at ")]
    identical = all(
        np.array_equal(merger.top[c][0], old_top[c][0])
        and np.array_equal(merger.top[c][1], old_top[c][1])
        and np.array_equal(merger.top[c][0], one_thread.top[c][0])
        and np.array_equal(merger.top[c][1], one_thread.top[c][1])
        and all(
            isinstance(other, Merger)
            and np.array_equal(merger.top[c][0], other.top[c][0])
            and np.array_equal(merger.top[c][1], other.top[c][1])
            for other in others
        )
        for c in range(args.calls)
    )
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
    got = np.empty_like(expected)
    got[:, chunk.order] = score_chunk(calls, chunk, weights, calibration)
    top_best = float(np.max([merger.top[c][1][0] for c in range(args.calls)]))
    print(f"{args.calls} calls x {args.profiles} profiles ({len(index.owner)} evidence rows)")
    print(f"chunk {args.chunk} profiles; best score seen {top_best:.3f}")
    products = times["products only"]
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    timeout = os.environ.get("OPENBLAS_THREAD_TIMEOUT", "unset (2**28 cycles)")
    print(f"OPENBLAS_THREAD_TIMEOUT {timeout}; scoring threads {threads}")
    for name, seconds in times.items():
        ratios = " ".join(f"{t / p:.2f}" for t, p in zip(seconds, products, strict=True))
        print(
            f"{name}: best {min(seconds):.2f} s, {min(seconds) / min(products):.2f}x the"
            f" products (best of each); runs {' '.join(f'{t:.2f}' for t in seconds)};"
            f" per-run ratio {ratios}; CPU best {min(cpu[name]):.2f} s"
            f" ({min(cpu[name]) / min(cpu['products only']):.2f}x the products' CPU)"
        )
    print(f"top lists identical (ours, ours 1 thread, before issue 18, --versions): {identical}")
    digest = hashlib.sha256()
    for c in range(args.calls):
        digest.update(merger.top[c][0].tobytes() + merger.top[c][1].tobytes())
    print(f"top lists digest {digest.hexdigest()[:16]}")
    print(
        f"max |ours - RelevanceScorer| on {args.check} profiles: {np.abs(got - expected).max():.2e}"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MiB (the evidence floor's calls x rows matrix dominates)")


if __name__ == "__main__":
    main()
