"""On the bundled demo data: how many calls get a viable team, with and without each office.

An open office is compared with the same data where it is closed, an office in negotiation
with the data where it opens. Relevance comes from the default embedding backend (cached).

    python benchmarks/office_impact.py [--solver exact|fast]
"""

from __future__ import annotations

import argparse
import time

from embeddings.locations import vector_cache_path
from matcher import Matcher, load_demo
from matcher.whatif import office_impact


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--solver", default="exact", choices=["exact", "fast"])
    args = parser.parse_args()
    dataset = load_demo()
    started = time.perf_counter()
    matcher = Matcher(cache_path=vector_cache_path()).fit(dataset)
    fitted = time.perf_counter() - started
    started = time.perf_counter()
    reports = office_impact(matcher, solver=args.solver)
    solved = time.perf_counter() - started
    print(f"{len(dataset.calls)} calls, encoder {matcher.encoder_.model_id}, solver {args.solver}")
    print(
        "| office | status | viable without | viable with | calls only viable with it | "
        "calls with a better team | total objective gain |"
    )
    print("|---|---|---:|---:|---|---:|---:|")
    for report, office in zip(reports, dataset.offices, strict=True):
        print(
            f"| {office.id} ({office.name}) | {office.status} | {report.viable_before} | "
            f"{report.viable_after} | {', '.join(report.gained) or '-'} | "
            f"{len(report.improved)} | {report.total_improvement:+.3f} |"
        )
    print(
        f"fit {fitted:.1f} s; {2 * len(reports) * len(dataset.calls)} team solves in {solved:.1f} s"
    )


if __name__ == "__main__":
    main()
