"""The README of the demo dataset, generated so that its numbers always match the files."""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from matcher.model import Call, Profile

from .checks import WHAT_IF_CALLS, open_office_ids, route_to
from .competition import EXPERT_MIN_PUBLICATIONS, REVIEW_SETTINGS, SPECS
from .dataset import World
from .people import CAREER_STAGES
from .tables import AGREEMENTS, CONSORTIUM, CSL_PAPERS, DATA_DIR, HOME_COUNTRY, TOPICS
from .texts import text_language

COMMAND = "python scripts/generate_demo_data.py --seed 2026"


STYLE_ORDER = ("en", "mixed", "ru", "zh")
ROUTE_ORDER = ("office_partner", "agreement", "collaboration", "office", None)
ROUTE_LABELS = {
    "office_partner": "office partner",
    "agreement": "agreement",
    "collaboration": "past collaboration",
    "office": "office in the country only",
    None: "no route",
}


def publication_style(profile: Profile) -> str:
    """``en``, ``ru``, ``zh`` when every title is in that language, else ``mixed``."""
    languages = {text_language(pub.title) for pub in profile.publications}
    return languages.pop() if len(languages) == 1 else "mixed"


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A Markdown table of ``rows`` under ``header``."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def route_counts(call: Call, world: World, country: str, open_offices: set[str]) -> str:
    """How the call's topical candidates from ``country`` are reached, e.g. "3 agreement"."""
    topics = set((call.model_extra or {}).get("topics", []))
    pool = [
        p
        for p in world.profiles
        if p.country == country
        and p.kind in call.rules.member_kinds
        and topics & set((p.model_extra or {}).get("topics", []))
    ]
    counts = Counter(route_to(p, world, open_offices) for p in pool)
    parts = [f"{counts[r]} {ROUTE_LABELS[r]}" for r in ROUTE_ORDER if counts[r]]
    return ", ".join(parts) or "none"


def describe_calls(world: World) -> str:
    """The table of calls: their rules and how their foreign candidates are reached."""
    opened = open_office_ids(world)
    rows = []
    for call in world.calls:
        rules = call.rules
        required = ", ".join(f"{c} ≥ {k}" for c, k in rules.required_countries.items())
        extra = []
        if rules.lead_countries:
            extra.append("lead from " + "/".join(rules.lead_countries))
        if rules.lead_career_stages:
            extra.append("lead " + "/".join(rules.lead_career_stages))
        for stage, k in rules.min_career_stage_counts.items():
            extra.append(f"≥ {k} {stage}")
        if rules.max_per_institution:
            extra.append(f"≤ {rules.max_per_institution} per institution")
        if "organization" in rules.member_kinds:
            extra.append("organisations may join")
        if rules.eligible_consortia:
            extra.append("REC Kuzbass members")
        foreign = [c for c in rules.required_countries if c != HOME_COUNTRY]
        routes = "; ".join(f"{c}: {route_counts(call, world, c, opened)}" for c in foreign)
        if call.id in WHAT_IF_CALLS:
            office = WHAT_IF_CALLS[call.id]
            with_office = route_counts(call, world, foreign[0], opened | {office})
            routes += f" — if `{office}` opens: {with_office}"
        rows.append(
            (
                f"`{call.id}`",
                call.funder,
                f"{rules.min_team_size}-{rules.max_team_size}",
                required,
                ", ".join(rules.eligible_countries or ["any"]),
                "; ".join(extra),
                ", ".join((call.model_extra or {}).get("topics", [])),
                routes or "domestic",
            )
        )
    header = (
        "call",
        "funder",
        "team",
        "required",
        "eligible",
        "other rules",
        "topic",
        "foreign members on the topic, by their best route",
    )
    return markdown_table(header, rows)


def reflow(markdown: str, width: int = 100) -> str:
    """Re-wrap paragraphs and bullet items of ``markdown``; tables, headings, code stay."""
    out: list[str] = []
    for block in markdown.strip("\n").split("\n\n"):
        lines = block.split("\n")
        if lines[0].startswith(("|", "#", "```")):
            out.append(block)
        elif lines[0].startswith("- "):
            items: list[str] = []
            for line in lines:
                if line.startswith("- "):
                    items.append(line[2:].strip())
                else:
                    items[-1] += " " + line.strip()
            out.append(
                "\n".join(
                    textwrap.fill(
                        item,
                        width,
                        initial_indent="- ",
                        subsequent_indent="  ",
                        break_long_words=False,
                        break_on_hyphens=False,
                    )
                    for item in items
                )
            )
        else:
            out.append(
                textwrap.fill(
                    " ".join(line.strip() for line in lines),
                    width,
                    break_long_words=False,
                    break_on_hyphens=False,
                )
            )
    return "\n\n".join(out) + "\n"


def topic_label(slug: str) -> str:
    """The human-readable label of a topic slug."""
    return TOPICS[slug].label


def by_frequency(values: Iterable[str]) -> list[str]:
    """Distinct values, the most frequent first, ties in alphabetical order."""
    counts = Counter(values)
    return sorted(counts, key=lambda value: (-counts[value], value))


def institution_table(world: World) -> str:
    """Institutions per country and kind."""
    kinds = ("university", "research_centre", "company", "agency")
    counts: Counter[tuple[str, str]] = Counter((i.country, i.kind) for i in world.institutions)
    rows = [
        (country, *(counts[(country, kind)] for kind in kinds))
        for country in by_frequency(i.country for i in world.institutions)
    ]
    header = ("country", "universities", "research centres", "companies", "agencies")
    return markdown_table(header, rows)


def agreement_pairs(world: World) -> str:
    """Agreements per pair of countries, e.g. "RU-CN: 5" (Russia named first)."""
    country_of = {i.id: i.country for i in world.institutions}
    pairs = Counter(
        "-".join(sorted((country_of[a], country_of[b]), key=lambda c: (c != HOME_COUNTRY, c)))
        for a, b in AGREEMENTS
    )
    return ", ".join(f"{pair}: {n}" for pair, n in sorted(pairs.items()))


def office_table(world: World) -> str:
    """The offices with their partners and capacity."""
    rows = [
        (
            f"`{o.id}`",
            o.operator,
            o.country,
            o.status,
            ", ".join(o.partner_institutions),
            o.capacity,
        )
        for o in world.offices
    ]
    header = (
        "office",
        "operator",
        "country",
        "status",
        "partner institutions",
        "introductions per round",
    )
    return markdown_table(header, rows)


def profile_table(world: World) -> str:
    """Profiles per country, researchers by the language(s) of their publications."""
    rows = []
    for country in by_frequency(p.country or "" for p in world.profiles):
        here = [p for p in world.profiles if p.country == country]
        styles = Counter(publication_style(p) for p in here if p.kind == "researcher")
        organisations = sum(p.kind == "organization" for p in here)
        rows.append(
            (country, sum(styles.values()), organisations, *(styles[s] for s in STYLE_ORDER))
        )
    header = (
        "country",
        "researchers",
        "organisations",
        "English only",
        "English and Russian",
        "Russian only",
        "Chinese only",
    )
    return markdown_table(header, rows)


def no_route_institutions(world: World) -> list[str]:
    """Foreign institutions with neither an agreement nor an office partnership."""
    partners = {i for o in world.offices for i in o.partner_institutions}
    return sorted(
        i.id
        for i in world.institutions
        if i.country != HOME_COUNTRY and not i.agreements and i.id not in partners
    )


def profile_topics(profile: Profile) -> list[str]:
    """A profile's topic slugs (an extra field of :class:`matcher.model.Profile`)."""
    topics: list[str] = (profile.model_extra or {}).get("topics", [])
    return topics


def readme_values(world: World, seed: int) -> dict[str, Any]:
    """The numbers and tables that fill ``demo_world/dataset_readme.md``."""
    researchers = [p for p in world.profiles if p.kind == "researcher"]
    pubs = [pub for p in world.profiles for pub in p.publications]
    languages = Counter(text_language(pub.title) for pub in pubs)
    stages: Counter[str | None] = Counter(p.career_stage for p in researchers)
    topics = Counter(t for p in world.profiles for t in profile_topics(p))
    consortium = [i.name for i in world.institutions if CONSORTIUM in i.consortia]
    titles = {pub.title for pub in pubs}
    csl_used = [paper["row"] for paper in CSL_PAPERS if paper["title"] in titles]
    return {
        "n_consortium": len(consortium),
        "consortium": ", ".join(consortium),
        "n_institutions": len(world.institutions),
        "n_offices": len(world.offices),
        "n_profiles": len(world.profiles),
        "n_calls": len(world.calls),
        "institution_table": institution_table(world),
        "agreement_pairs": agreement_pairs(world),
        "no_route_foreign": ", ".join(no_route_institutions(world)),
        "office_table": office_table(world),
        "n_researchers": len(researchers),
        "n_organisations": len(world.profiles) - len(researchers),
        "profile_table": profile_table(world),
        "n_publications": len(pubs),
        "n_english": languages["en"],
        "n_russian": languages["ru"],
        "n_chinese": languages["zh"],
        "n_no_abstract": sum(not pub.abstract for pub in pubs),
        "n_no_year": sum(pub.year is None for pub in pubs),
        "n_joint": sum(bool(pub.coauthors) for pub in pubs),
        "career_stages": ", ".join(f"{s} {stages[s]}" for s in CAREER_STAGES),
        "n_two_topics": sum(len(profile_topics(p)) > 1 for p in world.profiles),
        "topic_counts": ", ".join(
            f"{TOPICS[t].label} {topics[t]}" for t in sorted(topics, key=topic_label)
        ),
        "call_table": describe_calls(world),
        "topic_slugs": ", ".join(sorted(TOPICS)),
        "command": COMMAND,
        "seed": seed,
        "n_csl_used": len(csl_used),
        "csl_rows": ", ".join(csl_used),
        "n_csl": len(CSL_PAPERS),
        **competition_values(world),
    }


def application_table(world: World) -> str:
    """The applications: call, team, lead, and the rules each breaks on purpose."""
    specs = {spec.id: spec for spec in SPECS}
    rows = []
    for application in world.applications:
        spec = specs[application.id]
        broken = ", ".join(f"`{rule}`" for rule in spec.breaks) or "none"
        rows.append(
            (
                f"`{application.id}`",
                f"`{application.call_id}`",
                len(application.team),
                f"`{application.lead}`",
                broken,
                spec.why,
            )
        )
    header = ("application", "call", "members", "lead", "rules broken", "why")
    return markdown_table(header, rows)


def review_table(world: World) -> str:
    """The review settings of the competition's calls."""
    rows = []
    for call in world.calls:
        if call.id not in REVIEW_SETTINGS:
            continue
        review = call.review
        diversity = [
            name
            for name, on in (
                ("one per institution", review.one_per_institution),
                ("one per country", review.one_per_country),
                ("one from outside the applicants' countries", review.outside_reviewer),
            )
            if on
        ]
        rows.append(
            (
                f"`{call.id}`",
                review.reviewers_per_application,
                f"{review.min_load}-{review.max_load}",
                ", ".join(diversity) or "none",
                review.objective,
            )
        )
    header = ("call", "reviewers per application", "load per reviewer", "diversity", "objective")
    return markdown_table(header, rows)


def competition_values(world: World) -> dict[str, Any]:
    """The numbers and tables of the README's competition section."""
    experts = Counter(p.country or "?" for p in world.profiles if p.expert)
    return {
        "n_applications": len(world.applications),
        "n_competition_calls": len({a.call_id for a in world.applications}),
        "n_experts": sum(experts.values()),
        "expert_min_publications": EXPERT_MIN_PUBLICATIONS,
        "expert_countries": ", ".join(f"{c} {n}" for c, n in experts.most_common()),
        "application_table": application_table(world),
        "review_table": review_table(world),
    }


def describe(world: World, seed: int) -> str:
    """The README of the demo dataset: its template filled in and re-wrapped."""
    template = (DATA_DIR / "dataset_readme.md").read_text(encoding="utf-8")
    return reflow(template.format_map(readme_values(world, seed)))
