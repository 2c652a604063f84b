"""The round's report: one self-contained HTML file with inline SVG plots (matplotlib, jinja2).

The plots are rendered to SVG with a fixed hash salt and no date, so the same round writes
the same bytes (a resumed round's report equals an uninterrupted one's).
"""

from __future__ import annotations

import html
import io
from collections import Counter
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: plots are written to strings
import matplotlib.pyplot as plt
import numpy as np
from jinja2 import Environment
from matplotlib.figure import Figure

from matcher.dataset import Dataset
from matcher.model import Team
from matcher.rounds.config import RoundSummary

_MAX_CALLS_PLOTTED = 60

_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Grant round report</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.9em; }
td, th { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } .num { text-align: right; }
.figure svg { max-width: 100%; height: auto; } .note { color: #666; font-size: 0.9em; }
</style></head><body>
<h1>Grant round report</h1>
<table>
{% for name, value in facts %}<tr><th>{{ name }}</th><td>{{ value }}</td></tr>{% endfor %}
</table>
{% for note in notes %}<p class="note">{{ note }}</p>{% endfor %}
{% for plot in plots %}
<h2>{{ plot.title }}</h2>
<p class="note">{{ plot.caption }}</p>
<div class="figure">{{ plot.svg | safe }}</div>
{% endfor %}
<h2>Calls left without a viable team ({{ unstaffed | length }})</h2>
{% if unstaffed %}
<table><tr><th>call</th><th>title</th><th>why</th></tr>
{% for call_id, title, reasons in unstaffed %}
<tr><td>{{ call_id }}</td><td>{{ title }}</td>
<td><ul>{% for reason in reasons %}<li>{{ reason }}</li>{% endfor %}</ul></td></tr>
{% endfor %}</table>
{% else %}<p>Every call has a team.</p>{% endif %}
<h2>Teams (first {{ teams | length }})</h2>
<table><tr><th>call</th><th class="num">objective</th><th>lead</th>
<th>members (country, route)</th></tr>
{% for call_id, objective, lead, members in teams %}
<tr><td>{{ call_id }}</td><td class="num">{{ objective }}</td><td>{{ lead }}</td>
<td>{{ members }}</td></tr>
{% endfor %}</table>
</body></html>
"""


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    with plt.rc_context({"svg.hashsalt": "grantmatch-round", "svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prolog and doctype


def _score_plot(score_rows: Sequence[dict[str, Any]], dataset: Dataset) -> str:
    by_call: dict[str, list[float]] = {}
    for row in score_rows:
        by_call.setdefault(row["call_id"], []).append(row["score"])
    calls = [c.id for c in dataset.calls if c.id in by_call][:_MAX_CALLS_PLOTTED]
    figure, axes = plt.subplots(figsize=(11, 3.8))
    if calls:
        axes.boxplot([by_call[c] for c in calls], showfliers=False)
        axes.set_xticks(range(1, len(calls) + 1), calls, rotation=90, fontsize=6)
    axes.set_ylabel("relevance (top-k per call)")
    axes.grid(axis="y", alpha=0.3)
    return _svg(figure)


def _country_plot(teams: Sequence[Team]) -> str:
    links: Counter[tuple[str, str]] = Counter()
    for team in teams:
        lead = next(m for m in team.members if m.role == "lead")
        for member in team.members:
            if member.role != "lead":
                links[(lead.country or "?", member.country or "?")] += 1
    countries = sorted({c for pair in links for c in pair})
    figure, axes = plt.subplots(figsize=(6.5, 5.5))
    if countries:
        position = {c: i for i, c in enumerate(countries)}
        matrix = np.zeros((len(countries), len(countries)))
        for (a, b), n in links.items():
            matrix[position[a], position[b]] = n
        image = axes.imshow(matrix, cmap="Blues")
        axes.set_xticks(range(len(countries)), countries, rotation=90, fontsize=7)
        axes.set_yticks(range(len(countries)), countries, fontsize=7)
        figure.colorbar(image, ax=axes, label="members")
    axes.set_xlabel("member country")
    axes.set_ylabel("lead country")
    return _svg(figure)


def _office_plot(summary: RoundSummary) -> str:
    offices = sorted(summary.office_load)
    figure, axes = plt.subplots(figsize=(7, 0.5 + 0.45 * max(1, len(offices))))
    if offices:
        used = [summary.office_load[o][0] for o in offices]
        capacity = [summary.office_load[o][1] for o in offices]
        y = np.arange(len(offices))
        axes.barh(y, [c if c is not None else 0 for c in capacity], color="#ddd", label="capacity")
        axes.barh(y, used, height=0.5, color="#1f77b4", label="introductions used")
        axes.set_yticks(y, offices, fontsize=8)
        axes.legend(loc="lower right", fontsize=8)
    axes.set_xlabel("introductions this round")
    return _svg(figure)


def _capacity_plot(dataset: Dataset, profile_use: Counter[str]) -> str:
    rows: Counter[tuple[int, int]] = Counter()
    for profile_id, used in profile_use.items():
        rows[(dataset.profile(profile_id).capacity, used)] += 1
    capacities = sorted({c for c, _ in rows})
    figure, axes = plt.subplots(figsize=(7, 3.2))
    width = 0.8 / max(1, len(capacities))
    for k, capacity in enumerate(capacities):
        used_values = list(range(1, capacity + 1))
        axes.bar(
            [u + (k - (len(capacities) - 1) / 2) * width for u in used_values],
            [rows[(capacity, u)] for u in used_values],
            width=width,
            label=f"capacity {capacity}",
        )
    most = max((c for c, _ in rows), default=1)
    axes.set_xticks(range(1, most + 1))
    axes.set_xlabel("teams joined this round")
    axes.set_ylabel("researchers")
    if capacities:
        axes.legend(fontsize=8)
    return _svg(figure)


def _staffing_facts(summary: RoundSummary) -> list[tuple[str, str]]:
    """How far the staffing got: iterations, proven gap and bound, and an interruption."""
    facts: list[tuple[str, str]] = []
    if summary.iterations is not None:
        facts.append(("staffing iterations", f"{summary.iterations:,}"))
    if summary.gap is not None:
        bound = "" if summary.bound is None else f" (bound {summary.bound:.3f})"
        facts.append(("proven gap", f"{100 * summary.gap:.2f}%{bound}"))
    if summary.interrupted:
        facts.append(
            (
                "interrupted",
                "yes: the best round found before Ctrl-C; run the same round with "
                "--resume to finish it",
            )
        )
    return facts


def build_report(
    dataset: Dataset,
    summary: RoundSummary,
    score_rows: Sequence[dict[str, Any]],
    teams: Sequence[Team],
    profile_use: Counter[str],
    notes: Sequence[str],
) -> str:
    """The report's HTML (one file, plots inline)."""
    at_capacity = sum(1 for p, n in profile_use.items() if n >= dataset.profile(p).capacity)
    facts = [
        ("calls", f"{summary.calls:,}"),
        ("profiles", f"{summary.profiles:,}"),
        ("calls with a team", f"{summary.staffed:,}"),
        ("calls without a team", f"{len(summary.unstaffed):,}"),
        ("total team objective", f"{summary.objective:.3f}"),
        ("staffing", summary.staffing),
        ("embedding model", summary.encoder),
        ("team places filled", f"{summary.profile_capacity_used:,}"),
        ("researchers in a team", f"{len(profile_use):,} ({at_capacity:,} at capacity)"),
    ]
    facts[6:6] = _staffing_facts(summary)
    shown = min(len(dataset.calls), _MAX_CALLS_PLOTTED)
    plots = [
        {
            "title": "Score distributions per call",
            "caption": f"Top-k relevance per call ({shown} of {len(dataset.calls)} calls shown).",
            "svg": _score_plot(score_rows, dataset),
        },
        {
            "title": "Country-to-country team links",
            "caption": "Members per (lead country, member country) pair across all teams.",
            "svg": _country_plot(teams),
        },
        {
            "title": "Office load vs capacity",
            "caption": "Introductions through each office this round, against its capacity.",
            "svg": _office_plot(summary),
        },
        {
            "title": "Researcher capacity use",
            "caption": "Researchers by the number of teams they joined, per capacity.",
            "svg": _capacity_plot(dataset, profile_use),
        },
    ]
    titles = {c.id: c.title for c in dataset.calls}
    unstaffed = [(c, titles[c], r) for c, r in summary.unstaffed.items()]
    team_table = [
        (
            team.call_id,
            f"{team.objective:.3f}",
            next(m.profile_id for m in team.members if m.role == "lead"),
            "; ".join(f"{m.profile_id} ({m.country or '?'}, {m.route.kind})" for m in team.members),
        )
        for team in teams[:200]
    ]
    template = Environment(autoescape=True).from_string(_TEMPLATE)
    return template.render(
        facts=facts,
        notes=[html.unescape(n) for n in notes],
        plots=plots,
        unstaffed=unstaffed,
        teams=team_table,
    )
