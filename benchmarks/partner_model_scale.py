"""Fit time and query time of the learned partner model on a large synthetic history.

A seeded world of ``--profiles`` researchers in communities of 50; ``--works-per-profile``
x profiles past works, each by 1-6 members of one community (a tenth reach into a second
community), years 2010-2023, a random unit vector per work standing in for its embedding
(384 dimensions, like MiniLM). Times :func:`matcher.partner_model.fit_partner_model` (history,
training features, the gradient-boosted fit) and the learned score of one partial team over
the whole pool.

Usage::

    python benchmarks/partner_model_scale.py [--profiles 50000] [--works-per-profile 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._synthetic import random_unit
from matcher.dataset import Dataset
from matcher.evidence import EvidenceIndex
from matcher.model import Profile, Publication
from matcher.partner_model import LearnedOptions, fit_partner_model


def world(n: int, works_per_profile: float, seed: int) -> tuple[Dataset, EvidenceIndex]:
    rng = np.random.default_rng(seed)
    ids = [f"r{i}" for i in range(n)]
    publications: list[list[Publication]] = [[] for _ in range(n)]
    for work in range(int(n * works_per_profile)):
        community = int(rng.integers(max(n // 50, 1)))
        size = int(rng.integers(1, 7))
        pool = np.arange(community * 50, min(community * 50 + 50, n))
        members = set(rng.choice(pool, min(size, len(pool)), replace=False).tolist())
        if rng.random() < 0.1:
            members.add(int(rng.integers(n)))
        year = int(rng.integers(2010, 2024))
        for member in members:
            publications[member].append(
                Publication(
                    title=f"work {work}",
                    year=year,
                    coauthors=[ids[m] for m in members if m != member],
                )
            )
    profiles = [
        Profile(
            id=ids[i],
            name="x",
            country=("RU", "CN", "KZ", "BY", "MN")[i % 5],
            publications=publications[i],
        )
        for i in range(n)
    ]
    dataset = Dataset(profiles=profiles, calls=[])
    index = EvidenceIndex.build(profiles, lambda texts: random_unit(rng, len(texts), 384))
    return dataset, index


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=50_000)
    parser.add_argument("--works-per-profile", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    dataset, index = world(args.profiles, args.works_per_profile, args.seed)
    built = time.perf_counter() - started
    t0 = time.perf_counter()
    model, info = fit_partner_model(
        dataset, index, lambda x: np.asarray(x, np.float32), LearnedOptions()
    )
    fit = time.perf_counter() - t0
    assert model is not None, info.reason
    history = model.builder.history
    rng = np.random.default_rng(1)
    query = random_unit(rng, 1, 384)[0]
    t0 = time.perf_counter()
    repeats = 20
    for _ in range(repeats):
        team = rng.choice(args.profiles, 4, replace=False).tolist()
        model.score(query, team)
    per_query = (time.perf_counter() - t0) / repeats
    print(
        f"| {args.profiles} | {history.n_works} | {info.history_teams} | {info.examples} | "
        f"{info.rows} | {fit:.1f} | {per_query * 1000:.0f} | (world built in {built:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
