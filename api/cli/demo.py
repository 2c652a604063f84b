"""The demo: the whole pipeline on the bundled data, printed for a person to read."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from rich.console import Console
from rich.rule import Rule

from api.cli import render
from embeddings import DEFAULT_BACKEND
from matcher.countries import country_name
from matcher.datasets import demo_paths
from matcher.engine import Matcher
from matcher.io import load_dataset
from matcher.whatif import compare


def export_demo(folder: Path) -> None:
    """Copy the bundled demo files into ``folder`` (for use with the other commands)."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in demo_paths().values():
        shutil.copyfile(path, folder / path.name)


def _pick_researcher(matcher: Matcher, call_id: str) -> str:
    """The best-ranked home-country researcher for a call: the demo's partner seeker."""
    home = matcher.routes_.home_country
    for row in matcher.rank(call_id, k=0):
        profile = matcher.dataset_.profile(row.profile_id)
        if profile.kind == "researcher" and (home is None or profile.country == home):
            return profile.id
    return matcher.rank(call_id, k=1)[0].profile_id


def run_demo(console: Console, backend: str = DEFAULT_BACKEND, n_calls: int = 3) -> None:
    """Embed the demo data, then show candidates, teams, partners and an office what-if."""
    started = time.perf_counter()
    files = demo_paths()
    dataset = load_dataset(
        files["profiles"],
        files["calls"],
        institutions=files["institutions"],
        offices=files["offices"],
    )
    console.print(Rule("grantmatch demo"))
    console.print(render.dataset_summary(dataset))
    with console.status(f"Embedding profiles and calls with '{backend}'…"):
        matcher = Matcher(backend).fit(dataset)
    info = matcher.describe()
    console.print(
        f"Embedded {info['evidence_rows']} pieces of evidence with {info['encoder']} "
        f"in {time.perf_counter() - started:.1f} s\n"
    )

    shown = dataset.calls[:n_calls]
    for number, call in enumerate(shown):
        console.print(Rule(style="dim"))
        console.print(render.call_header(call))
        console.print(
            render.pool_line(
                int(matcher.may_join(call.id).sum()),
                len(dataset.profiles),
                matcher.nobody_may_join(call.id),
            )
        )
        ranking = matcher.candidates(call.id, k=5)
        explanations = {c.profile.id: matcher.explain(call.id, c.profile.id) for c in ranking}
        console.print(render.candidates_table(dataset, ranking, explanations))
        # The first call also shows a diverse alternative team.
        result = matcher.team(call.id, alternatives=1 if number == 0 else 0)
        console.print(render.team_panel(dataset, result))

    console.print(Rule(style="dim"))
    researcher = _pick_researcher(matcher, shown[0].id)
    profile = dataset.profile(researcher)
    console.print(
        f"[bold]Partners abroad[/bold] for {profile.name} ({profile.id}, "
        f"{dataset.institution_name(profile.institution)}):"
    )
    console.print(render.partners_table(dataset, "", matcher.partners_abroad(researcher, k=5)))

    _what_if(console, matcher)
    console.print(Rule(style="dim"))
    console.print(f"Done in {time.perf_counter() - started:.1f} s.")


def _what_if(console: Console, matcher: Matcher) -> None:
    """For each office not yet open: which calls get a viable team only if it opens."""
    dataset = matcher.dataset_
    for office in dataset.offices:
        if office.status == "open":
            continue
        opened = matcher.what_if([office.id])
        report = compare(matcher, opened, f"open {office.id}")
        console.print(Rule(style="dim"))
        console.print(
            f"[bold]What if[/bold] {office.name} ({country_name(office.country)}, now "
            f"{office.status}) opened? {len(report.gained)} more call(s) would get a viable "
            f"team, {len(report.improved)} a better one."
        )
        for call_id in report.gained:
            call = dataset.call(call_id)
            console.print(render.call_header(call))
            console.print(render.team_panel(dataset, matcher.team(call.id)))
            console.print(render.team_panel(dataset, opened.team(call.id)))
