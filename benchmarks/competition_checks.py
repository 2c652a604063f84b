"""Eligibility checks of submitted teams: the demo competition, and the time per check.

1. The demo's ``applications.jsonl`` (19 applications to 3 calls): the rules each breaks,
   found by ``check_competition``, against the rules the demo README documents (rule codes
   found / missed / invented), how many failing teams a change of members fixes, and the
   time per application with and without the fix search.
2. Larger competitions on the demo world: ``n`` random teams (2-7 researchers drawn from
   the whole demo, a random lead) spread over the demo's 11 calls, most of them failing
   several rules; the time per application without fixes, and with the fix search (one
   exact MILP per failing team, plus the relaxation search for the teams no change of
   members fixes).

``tfidf`` backend (no model needed). Usage (from the repository root)::

    python benchmarks/competition_checks.py [--sizes 100 1000]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matcher import Application, Matcher, demo_paths, load_demo, read_applications
from matcher.competitions import check_competition
from matcher.datasets import DEMO_DIR


def documented() -> dict[str, set[str]]:
    """Application id -> the rules the demo README's table says it breaks."""
    readme = (DEMO_DIR / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Grant competition", 1)[1].split("| application |", 1)[1]
    found: dict[str, set[str]] = {}
    for line in table.splitlines()[2:]:
        if not line.startswith("| `app-"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        found[cells[0].strip("`")] = set(re.findall(r"`([^`]+)`", cells[4]))
    return found


def demo_competition(matcher: Matcher) -> None:
    applications = read_applications(demo_paths()["applications"], dataset=matcher.dataset_)
    expected = documented()
    started = time.perf_counter()
    plain = check_competition(matcher, applications, fixes=False)
    plain_s = time.perf_counter() - started
    started = time.perf_counter()
    fixed = check_competition(matcher, applications)
    fixed_s = time.perf_counter() - started
    found = {(c.application_id, r) for c in plain.checks for r in c.rules}
    wanted = {(a, r) for a, rules in expected.items() for r in rules}
    n = len(applications)
    fixable = sum(bool(c.fixable) for c in fixed.failing)
    print(
        f"demo: {n} applications, {len(plain.failing)} failing; rule failures documented "
        f"{len(wanted)}, found {len(found & wanted)}, missed {len(wanted - found)}, invented "
        f"{len(found - wanted)}; fixable by a change of members {fixable} of "
        f"{len(fixed.failing)}; {1000 * plain_s / n:.2f} ms per application without "
        f"fixes, {1000 * fixed_s / n:.1f} ms with"
    )


def random_competition(matcher: Matcher, size: int, seed: int = 0) -> list[Application]:
    rng = random.Random(seed)
    dataset = matcher.dataset_
    researchers = sorted(p.id for p in dataset.profiles if p.kind == "researcher")
    calls = [call.id for call in dataset.calls]
    applications = []
    for number in range(size):
        team = rng.sample(researchers, rng.randint(2, 7))
        applications.append(
            Application(
                id=f"x{number}",
                call_id=rng.choice(calls),
                title="T",
                team=team,
                lead=rng.choice(team),
            )
        )
    return applications


def scale(matcher: Matcher, sizes: list[int]) -> None:
    for size in sizes:
        applications = random_competition(matcher, size)
        started = time.perf_counter()
        plain = check_competition(matcher, applications, fixes=False)
        plain_s = time.perf_counter() - started
        started = time.perf_counter()
        fixed = check_competition(matcher, applications)
        fixed_s = time.perf_counter() - started
        fixable = sum(bool(c.fixable) for c in fixed.failing)
        print(
            f"random {size}: {len(plain.failing)} failing ({fixable} fixable by a change of "
            f"members); without fixes {plain_s:.2f} s ({1000 * plain_s / size:.2f} ms each), "
            f"with fixes {fixed_s:.1f} s ({1000 * fixed_s / size:.1f} ms each)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 1000])
    args = parser.parse_args()
    matcher = Matcher("tfidf", cache_path=None).fit(load_demo())
    demo_competition(matcher)
    scale(matcher, args.sizes)


if __name__ == "__main__":
    main()
