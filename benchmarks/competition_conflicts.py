"""Conflict detection (``find_conflicts``) at competition sizes, on a synthetic world with
dense ties (every profile has 5 works with 8 co-authors each and 3 collaborators; 200
institutions), so that about a tenth of all pairs conflict, as on CORDIS.

Usage (from the repository root)::

    python benchmarks/competition_conflicts.py                  # 1000 x 2840 and 10000 x 20000
    python benchmarks/competition_conflicts.py --sizes 1000x2840

Prints, per size: the seconds to build the index and its dense mask, the conflicting pairs,
and the seconds to write the reasons of 1,000 conflicting pairs.
"""

from __future__ import annotations

import argparse
import itertools
import random
import time

from matcher.competitions.conflicts import find_conflicts
from matcher.dataset import Dataset
from matcher.model import Application, Institution, Profile, Publication


def world(
    n_applications: int, n_reviewers: int, seed: int = 0
) -> tuple[Dataset, list[Application]]:
    rng = random.Random(seed)
    n_institutions = 200
    ids = [f"p{i}" for i in range(n_reviewers)]
    profiles = []
    for i, pid in enumerate(ids):
        works = [
            Publication(
                title=f"work {i}-{k}",
                coauthors=[c for c in rng.sample(ids, 8) if c != pid],
            )
            for k in range(5)
        ]
        profiles.append(
            Profile(
                id=pid,
                name=pid,
                institution=f"u{rng.randrange(n_institutions)}",
                publications=works,
                collaborators=[c for c in rng.sample(ids, 3) if c != pid],
                expert=True,
            )
        )
    institutions = [
        Institution(id=f"u{i}", name=f"U{i}", country="DE") for i in range(n_institutions)
    ]
    applications = []
    for a in range(n_applications):
        team = rng.sample(ids, 5)
        applications.append(
            Application(id=f"a{a}", call_id="c", title="t", team=team, lead=team[0])
        )
    return Dataset(profiles=profiles, calls=[], institutions=institutions), applications


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["1000x2840", "10000x20000"])
    args = parser.parse_args()
    for size in args.sizes:
        n_applications, n_reviewers = (int(x) for x in size.split("x"))
        dataset, applications = world(n_applications, n_reviewers)
        reviewers = [p.id for p in dataset.profiles]
        started = time.perf_counter()
        index = find_conflicts(dataset, applications, reviewers)
        mask = index.mask
        built = time.perf_counter() - started
        started = time.perf_counter()
        for _ in itertools.islice(index.pairs(), 1000):
            pass
        reasons = time.perf_counter() - started
        print(
            f"{size}: index and mask {built:.2f} s; {int(mask.sum()):,} conflicting pairs "
            f"({mask.mean():.1%}); reasons of 1,000 pairs {reasons:.3f} s",
            flush=True,
        )


if __name__ == "__main__":
    main()
