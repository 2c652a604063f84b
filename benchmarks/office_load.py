"""Office load after a simulated round of introductions (issue 15, Measure).

Every researcher of the home side (the engine's point of view: the most common home
country of the offices) asks for introductions to their ``k`` best partners abroad
(:meth:`matcher.engine.Matcher.partners_abroad`). Each request goes through the service's
own function, :func:`api.http.routes.introductions.open_introduction`, on a scratch SQLite
store: the same office choice (the office on the route when it offers introductions, else
the first open one in the partner's country that does), the same capacity rule (a
sliding round; pending requests count) and the same refusals as ``POST /introductions``.
Nobody decides, so every stored request holds its place for the whole round.

Reported per office offering introductions: requests routed to it, accepted within its
capacity, refused as full, load/capacity; and the requests that found no open office
offering introductions in the partner's country.

The generated world (:func:`benchmarks.points_of_view.generated_world`) lists no
services or capacities for its offices: here each is given ``introductions`` and a
capacity of ``--capacity`` (default 20), so that the rule has something to bite on.

    python -m benchmarks.office_load [--backend tfidf] [--k 3] [--profiles 1500]
        [--calls 30] [--capacity 20] [--seed 15] [--demo-only]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from api.http.auth import Principal
from api.http.errors import ApiError
from api.http.routes.introductions import open_introduction
from api.http.service import Service
from api.http.settings import Settings
from api.http.store.records import bump_version, save_many
from benchmarks.points_of_view import generated_world
from matcher import load_demo
from matcher.dataset import Dataset

COLLECTIONS = ("institutions", "offices", "profiles", "calls")
"""The order records are stored in (references point backwards)."""


@dataclass
class RoundResult:
    """What a round of introductions did, per office and in all."""

    side: str | None
    requesters: int
    requests: int = 0
    accepted: Counter[str] = field(default_factory=Counter)
    full: Counter[str] = field(default_factory=Counter)
    no_office: Counter[str] = field(default_factory=Counter)  # by the partner's country
    other: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


def stored_service(dataset: Dataset, folder: Path, backend: str) -> Service:
    """A started service (no background threads) on a scratch store holding ``dataset``."""
    settings = Settings(
        database_url=f"sqlite:///{folder / 'office-load.sqlite'}",
        backend=backend,
        run_jobs=False,
        engine_first_fit_wait=3600.0,
    )
    service = Service(settings)
    with service.database.session() as session:
        version = bump_version(session)
        for collection in COLLECTIONS:
            save_many(session, collection, list(getattr(dataset, collection)), version)
    service.start()
    return service


def simulate(service: Service, k: int) -> RoundResult:
    """Each home-side researcher asks for introductions to their ``k`` best partners
    abroad, through the service's own request function."""
    fitted = service.engine.get()
    matcher = fitted.matcher
    side = matcher.side
    home = [p.id for p in fitted.dataset.profiles if p.country == side]
    result = RoundResult(side, len(home))
    start = time.perf_counter()
    for requester in home:
        principal = Principal("researcher", requester, "office-load benchmark")
        for suggestion in matcher.partners_abroad(requester, k):
            result.requests += 1
            try:
                made = open_introduction(
                    service,
                    principal,
                    requester_id=requester,
                    partner_id=suggestion.profile_id,
                    call_id=None,
                    office_id=None,
                    message="",
                )
            except ApiError as error:
                if error.status == 409 and "is full" in error.detail:
                    result.full[str(error.problems[0].value)] += 1
                elif error.status == 409 and "no open office" in error.detail:
                    country = fitted.dataset.profile(suggestion.profile_id).country
                    result.no_office[country or "unknown"] += 1
                else:
                    result.other[f"{error.status} {error.detail}"] += 1
                continue
            result.accepted[made.office_id] += 1
    result.seconds = time.perf_counter() - start
    return result


def report(name: str, dataset: Dataset, result: RoundResult, k: int) -> None:
    """Print the round's table (Markdown)."""
    print(
        f"\n### {name}: side {result.side}, {result.requesters} researchers x top-{k} "
        f"partners abroad = {result.requests} requests ({result.seconds:.1f} s)\n"
    )
    print(
        "| office | run from -> in | status | routed | accepted | refused (full) | load/capacity |"
    )
    print("|---|---|---|---:|---:|---:|---|")
    for office in sorted(dataset.offices, key=lambda o: o.id):
        if "introductions" not in office.services:
            continue
        accepted, full = result.accepted[office.id], result.full[office.id]
        capacity = "no limit" if office.capacity is None else str(office.capacity)
        print(
            f"| {office.id} | {office.home_country} -> {office.country} | {office.status} | "
            f"{accepted + full} | {accepted} | {full} | {accepted}/{capacity} |"
        )
    countries = ", ".join(f"{c} {n}" for c, n in sorted(result.no_office.items()))
    print(
        f"\nNo open office offering introductions: {sum(result.no_office.values())} "
        f"requests (by the partner's country: {countries or 'none'})."
    )
    routed = sum(result.accepted.values()) + sum(result.full.values())
    print(f"Routed to an office: {routed}; other refusals: {sum(result.other.values())}")
    for reason, count in result.other.most_common(5):
        print(f"  {count} x {reason}")


def with_introduction_offices(dataset: Dataset, capacity: int) -> Dataset:
    """The generated world with every office offering introductions at ``capacity``."""
    offices = [
        o.model_copy(update={"services": ["introductions"], "capacity": capacity})
        for o in dataset.offices
    ]
    return Dataset(
        profiles=list(dataset.profiles),
        calls=list(dataset.calls),
        institutions=list(dataset.institutions),
        offices=offices,
    )


def run(name: str, dataset: Dataset, backend: str, k: int) -> None:
    """Simulate one round on ``dataset`` and print its table."""
    with tempfile.TemporaryDirectory(prefix="grantmatch-office-load-") as folder:
        service = stored_service(dataset, Path(folder), backend)
        try:
            result = simulate(service, k)
        finally:
            service.stop()
    report(name, dataset, result, k)


def main() -> None:
    """Run the benchmark (see the module's docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", default="tfidf")
    parser.add_argument("--k", type=int, default=3)
    parser.add_argument("--profiles", type=int, default=1500)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--capacity", type=int, default=20)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--demo-only", action="store_true")
    args = parser.parse_args()
    run("Demo data", load_demo(), args.backend, args.k)
    if not args.demo_only:
        world = generated_world(args.seed, args.profiles, args.calls)
        run(
            f"Generated world ({args.profiles} profiles, seed {args.seed}, "
            f"capacity {args.capacity} per office)",
            with_introduction_offices(world, args.capacity),
            args.backend,
            args.k,
        )


if __name__ == "__main__":
    main()
