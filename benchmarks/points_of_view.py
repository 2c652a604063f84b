"""Points of view: how many calls get a viable team from each side (RU, KZ, CN).

On the bundled demo data (every office there is run from Russia) and on a generated world
(seeded) whose offices are run from Russia, Kazakhstan and China, whose agreements are
listed by one party only about half of the time, and whose calls need members from two or
three countries. For each side: the calls with a viable team (exact solver, no relaxation),
the profiles a route reaches, and the routes of the foreign members of the best teams.
Variants beside the side's own answers, on the same fitted matcher:

- ``before``: the engine before points of view (one home country for every request, the
  most common among the offices; agreements read on the foreign party's record only);
- ``one-way``: from the side, but agreements read on the foreign party's record only;
- ``no offices``: from the side with every office closed (agreements and collaboration).

    python -m benchmarks.points_of_view [--backend tfidf] [--profiles 3000] [--calls 60]
        [--seed 15] [--demo-only]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from embeddings.locations import vector_cache_path
from matcher import Matcher, load_demo
from matcher.dataset import Dataset
from matcher.model import Call, CallRules, Institution, Office, Profile, Publication
from matcher.routes import RouteFinder

SIDES = ("RU", "KZ", "CN")
COUNTRIES = ("RU", "KZ", "CN", "MN", "BY", "UZ", "KG", "DE")
TOPICS = (
    "coal mine methane drainage gas outburst forecasting",
    "soil remediation heavy metals mining dumps",
    "water treatment mine drainage acid",
    "machine learning sensor data predictive maintenance",
    "occupational health miners respiratory disease",
    "food safety grain storage mycotoxins",
    "renewable energy hydrogen storage catalysis",
    "steel metallurgy alloys welding fatigue",
)
# (home country, host country, status) of the generated world's offices.
OFFICES = (
    ("RU", "CN", "open"),
    ("RU", "MN", "open"),
    ("RU", "KZ", "open"),
    ("RU", "BY", "negotiating"),
    ("RU", "UZ", "open"),
    ("KZ", "CN", "open"),
    ("KZ", "UZ", "open"),
    ("KZ", "KG", "open"),
    ("KZ", "RU", "open"),
    ("CN", "RU", "open"),
    ("CN", "MN", "open"),
    ("CN", "KZ", "negotiating"),
)


class OneWayRoutes(RouteFinder):
    """Routes as before points of view: an agreement counts only when the foreign party's
    record lists it."""

    def __init__(self, dataset: Dataset, home_country: str | None = None) -> None:
        super().__init__(dataset, home_country)
        self._agreements = {i.id: frozenset(i.agreements) for i in dataset.institutions}


def generated_world(seed: int, n_profiles: int, n_calls: int) -> Dataset:
    """A world with offices run from RU, KZ and CN (see :data:`OFFICES`)."""
    rng = np.random.default_rng(seed)
    institutions: list[Institution] = []
    by_country: dict[str, list[str]] = {}
    for country in COUNTRIES:
        count = 12 if country in SIDES else 5
        ids = [f"{country.lower()}-i{i}" for i in range(count)]
        by_country[country] = ids
        institutions += [Institution(id=i, name=i.upper(), country=country) for i in ids]
    # Agreements between random pairs of institutions of different countries; about half
    # are listed by one party only, as real registries record them.
    listed: dict[str, set[str]] = {i.id: set() for i in institutions}
    country_of = {i.id: i.country for i in institutions}
    all_ids = list(listed)
    for _ in range(len(all_ids) // 2):
        first, second = rng.choice(all_ids, 2, replace=False)
        if country_of[first] == country_of[second]:
            continue
        listed[first].add(second)
        if rng.random() < 0.5:
            listed[second].add(first)
    institutions = [i.model_copy(update={"agreements": sorted(listed[i.id])}) for i in institutions]
    offices = [
        Office(
            id=f"off-{home.lower()}-{host.lower()}",
            name=f"{home} office in {host}",
            operator=f"{home} consortium",
            home_country=home,
            country=host,
            status=status,
            partner_institutions=list(rng.choice(by_country[host], 2, replace=False)),
        )
        for home, host, status in OFFICES
    ]
    weights = np.asarray([4 if c in SIDES else 1 for c in COUNTRIES], dtype=float)
    profiles: list[Profile] = []
    for i in range(n_profiles):
        country = str(rng.choice(COUNTRIES, p=weights / weights.sum()))
        topic = TOPICS[int(rng.integers(len(TOPICS)))]
        profiles.append(
            Profile(
                id=f"p{i:05d}",
                name=f"Researcher {i}",
                country=country,
                institution=str(rng.choice(by_country[country])),
                keywords=topic.split()[:3],
                publications=[Publication(title=f"{topic} study {j}") for j in range(2)],
                capacity=2,
            )
        )
    # Past joint work: one in a hundred profiles worked with someone abroad.
    collaborators: dict[str, list[str]] = {}
    for profile in profiles:
        if rng.random() < 0.01:
            other = profiles[int(rng.integers(len(profiles)))]
            if other.country != profile.country:
                collaborators.setdefault(profile.id, []).append(other.id)
    profiles = [
        p.model_copy(update={"collaborators": collaborators.get(p.id, [])}) for p in profiles
    ]
    calls = []
    for i in range(n_calls):
        size = 2 if rng.random() < 0.6 else 3
        countries = [str(c) for c in rng.choice(COUNTRIES, size, replace=False)]
        topic = TOPICS[i % len(TOPICS)]
        calls.append(
            Call(
                id=f"c{i:03d}",
                title=topic,
                abstract=f"Joint projects on {topic}.",
                rules=CallRules(
                    min_team_size=size,
                    max_team_size=size + 3,
                    # One call in three needs two members from its first country.
                    required_countries={
                        c: 2 if j == 0 and i % 3 == 0 else 1 for j, c in enumerate(countries)
                    },
                    eligible_countries=countries,
                ),
            )
        )
    return Dataset(profiles=profiles, institutions=institutions, offices=offices, calls=calls)


def viable(matcher: Matcher, call_ids: Sequence[str]) -> tuple[int, Counter[str]]:
    """Calls with a viable team, and the route kinds of the best teams' foreign members."""
    count = 0
    kinds: Counter[str] = Counter()
    for call_id in call_ids:
        team = matcher.team(call_id, relax=False).team
        if team is None:
            continue
        count += 1
        kinds.update(m.route.kind for m in team.members if m.route.kind != "domestic")
    return count, kinds


def with_routes(matcher: Matcher, routes: RouteFinder) -> Matcher:
    """A copy of a fitted matcher answering through other routes (benchmark variants)."""
    copy = matcher.what_if()
    copy._set_routes(routes)
    return copy


def report(name: str, dataset: Dataset, matcher: Matcher) -> None:
    call_ids = [c.id for c in dataset.calls]
    homes = Counter(o.home_country for o in dataset.offices)
    print(f"\n{name}: {len(dataset.profiles)} profiles, {len(call_ids)} calls, offices run from")
    print("  " + ", ".join(f"{c}: {n}" for c, n in sorted(homes.items())))
    default = matcher.side
    print(
        "| side | variant | calls with a viable team | profiles reachable | "
        "foreign members of the best teams by route |"
    )
    print("|---|---|---:|---:|---|")
    closed = [o.id for o in dataset.offices]
    variants: list[tuple[str, Callable[[str], Matcher]]] = [
        ("own side", matcher.from_side),
        ("before (one home country)", lambda side: with_routes(matcher, OneWayRoutes(dataset))),
        ("one-way agreements", lambda side: with_routes(matcher, OneWayRoutes(dataset, side))),
        ("no offices", lambda side: matcher.from_side(side).what_if(close_offices=closed)),
    ]
    for side in SIDES:
        for label, make in variants:
            started = time.perf_counter()
            answering = make(side)
            count, kinds = viable(answering, call_ids)
            reachable = int(answering.eligibility_.reachable_mask().sum())
            took = time.perf_counter() - started
            routes = ", ".join(f"{k} {n}" for k, n in kinds.most_common()) or "-"
            print(
                f"| {side}{' (default)' if side == default else ''} | {label} | "
                f"{count} / {len(call_ids)} | {reachable} | {routes} | <!-- {took:.1f} s -->"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", default="tfidf")
    parser.add_argument("--profiles", type=int, default=3000)
    parser.add_argument("--calls", type=int, default=60)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--demo-only", action="store_true", help="Skip the generated world.")
    args = parser.parse_args()
    demo = load_demo()
    report("demo", demo, Matcher(args.backend, cache_path=vector_cache_path()).fit(demo))
    if args.demo_only:
        return
    world = generated_world(args.seed, args.profiles, args.calls)
    started = time.perf_counter()
    matcher = Matcher(args.backend, cache_path=None).fit(world)
    print(f"\n(generated world fitted in {time.perf_counter() - started:.1f} s)")
    report(f"generated world (seed {args.seed})", world, matcher)


if __name__ == "__main__":
    main()
