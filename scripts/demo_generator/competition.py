"""The demo's grant competition: experts flagged among the profiles, and applications to three
calls, some breaking one call rule (or two) on purpose.

Drawn from their own ``random.Random`` (seeded from the world's seed), after the world is
built: the rest of the demo is the same with or without a competition.

Experts (:attr:`matcher.model.Profile.expert`): every senior researcher, and every
mid-career researcher with at least :data:`EXPERT_MIN_PUBLICATIONS` publications, so that
each field and most countries have reviewers.

Applications: each :class:`Spec` names its call, the rules it is meant to break (none for
an eligible team) and why; its team is built from the call's topical researchers by
:func:`build_team`, starting from an eligible team and changing it as the spec says. The
generator checks every application with :func:`matcher.competitions.rule_failures` against
the demo's routes: an application that does not break exactly its rules stops the generator.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from matcher.competitions import rule_failures
from matcher.dataset import Dataset
from matcher.model import Application, Call, Profile
from matcher.routes import RouteFinder

from .dataset import World
from .tables import TOPICS

EXPERT_MIN_PUBLICATIONS = 6

#: The calls of the competition and the review settings the demo gives them.
REVIEW_SETTINGS: dict[str, dict[str, object]] = {
    "c-rsf-nsfc-methane": {"reviewers_per_application": 3, "max_load": 4, "outside_reviewer": True},
    "c-rsf-lung-health": {"reviewers_per_application": 3, "max_load": 4, "objective": "fair"},
    "c-cis-education": {"reviewers_per_application": 3, "max_load": 5, "one_per_country": True},
}


class CompetitionError(RuntimeError):
    """The generator could not build an application as its spec says (a generator bug)."""


@dataclass(frozen=True)
class Spec:
    """One application of the demo competition.

    ``breaks`` are the rule codes the team is meant to fail (empty: eligible); ``why``
    says it for the README; ``change`` turns an eligible team into the intended one.
    """

    id: str
    call_id: str
    breaks: tuple[str, ...]
    why: str
    size: int = 3
    change: str = "none"


# fmt: off
SPECS: tuple[Spec, ...] = (
    Spec("app-methane-01", "c-rsf-nsfc-methane", (), "eligible", 3),
    Spec("app-methane-02", "c-rsf-nsfc-methane", (), "eligible", 4),
    Spec("app-methane-03", "c-rsf-nsfc-methane", (), "eligible", 5),
    Spec("app-methane-04", "c-rsf-nsfc-methane", ("required_countries:CN",),
         "no Chinese member", 3, "drop_foreign"),
    Spec("app-methane-05", "c-rsf-nsfc-methane", ("lead_countries",),
         "led by a Chinese member (the lead must be Russian)", 3, "foreign_lead"),
    Spec("app-methane-06", "c-rsf-nsfc-methane", ("max_per_institution",),
         "three members of one institution (at most two)", 4, "same_institution"),
    Spec("app-methane-07", "c-rsf-nsfc-methane", ("eligible_countries",),
         "a Kazakh member (only Russia and China are eligible)", 3, "add_kz"),
    Spec("app-methane-08", "c-rsf-nsfc-methane", ("min_team_size",),
         "two members (at least three)", 3, "too_small"),
    Spec("app-lung-01", "c-rsf-lung-health", (), "eligible", 3),
    Spec("app-lung-02", "c-rsf-lung-health", (), "eligible", 4),
    Spec("app-lung-03", "c-rsf-lung-health", ("lead_career_stages",),
         "led by a mid-career researcher (the lead must be senior)", 3, "junior_lead"),
    Spec("app-lung-04", "c-rsf-lung-health", ("required_countries:MN",),
         "no Mongolian member", 3, "drop_foreign"),
    Spec("app-lung-05", "c-rsf-lung-health", ("max_team_size",),
         "seven members (at most six)", 6, "too_large"),
    Spec("app-edu-01", "c-cis-education", (), "eligible", 4),
    Spec("app-edu-02", "c-cis-education", (), "eligible", 5),
    Spec("app-edu-03", "c-cis-education", ("min_career_stage_counts:early",),
         "no early-career member", 4, "no_early"),
    Spec("app-edu-04", "c-cis-education", ("member_kinds",),
         "an organisation in the team (researchers only)", 4, "add_organisation"),
    Spec("app-edu-05", "c-cis-education", ("unreachable",),
         "a Belarusian member no route reaches (the office in Belarus is still negotiating)",
         4, "add_unreachable"),
    Spec("app-edu-06", "c-cis-education",
         ("required_countries:KZ", "min_career_stage_counts:early"),
         "no Kazakh and no early-career member", 4, "drop_foreign_and_early"),
)
# fmt: on


def flag_experts(profiles: Sequence[Profile]) -> list[Profile]:
    """``profiles`` with the expert pool flagged (see the module's docstring)."""
    return [
        profile.model_copy(update={"expert": is_expert(profile)}) if is_expert(profile) else profile
        for profile in profiles
    ]


def is_expert(profile: Profile) -> bool:
    """A senior researcher, or a mid-career one with a track record."""
    if profile.kind != "researcher":
        return False
    if profile.career_stage == "senior":
        return True
    return profile.career_stage == "mid" and len(profile.publications) >= EXPERT_MIN_PUBLICATIONS


def with_review_settings(calls: Sequence[Call]) -> list[Call]:
    """The calls, those of the competition with their review settings."""
    updated = []
    for call in calls:
        settings = REVIEW_SETTINGS.get(call.id)
        if settings is not None:
            review = call.review.model_validate({**call.review.model_dump(), **settings})
            call = call.model_copy(update={"review": review})
        updated.append(call)
    return updated


class _Picker:
    """Draws distinct topical researchers for a call under the demo's routes."""

    def __init__(
        self,
        call: Call,
        world: World,
        routes: RouteFinder,
        rng: random.Random,
        used: Counter[str],
    ):
        self.call = call
        self.used = used
        self.world = world
        self.routes = routes
        self.rng = rng
        topics = set((call.model_extra or {}).get("topics", []))
        self.topics = topics
        self.researchers = [p for p in world.profiles if p.kind == "researcher"]
        self.topical = [
            p for p in self.researchers if topics & set((p.model_extra or {}).get("topics", []))
        ]

    def pick(
        self,
        team: Sequence[Profile],
        *,
        country: str | None = None,
        countries: Sequence[str] | None = None,
        stages: Sequence[str] | None = None,
        reachable: bool = True,
        institution: str | None = None,
        topical: bool = True,
    ) -> Profile:
        """A researcher not yet in ``team``, matching every condition given; topical ones
        first, then any, those in the fewest applications so far first; never from an
        institution already holding two members (unless ``institution`` is asked for)."""
        taken = {p.id for p in team}
        crowded = {
            i for i in (p.institution for p in team) if sum(q.institution == i for q in team) >= 2
        }

        def fits(p: Profile) -> bool:
            return (
                p.id not in taken
                and (country is None or p.country == country)
                and (countries is None or p.country in countries)
                and (stages is None or p.career_stage in stages)
                and (institution is None or p.institution == institution)
                and (institution is not None or p.institution not in crowded)
                and (self.routes.route(p) is not None) == reachable
            )

        for pool in (self.topical, self.researchers) if topical else (self.researchers,):
            found = [p for p in pool if fits(p)]
            if found:
                # Researchers in fewer applications so far first: teams differ.
                fewest = min(self.used[p.id] for p in found)
                return self.rng.choice([p for p in found if self.used[p.id] == fewest])
        raise CompetitionError(f"{self.call.id}: nobody left to pick for {country or countries}")


def _eligible_team(picker: _Picker, size: int, spec: Spec) -> list[Profile]:
    """An eligible team of ``size``: the lead, the required countries, an early-career
    member where one is required, then others from the eligible countries."""
    rules = picker.call.rules
    home = next(iter(rules.lead_countries or ["RU"]))
    team = [picker.pick([], country=home, stages=rules.lead_career_stages or ["senior", "mid"])]
    for country, needed in rules.required_countries.items():
        # Senior or mid-career, so that dropping the early-career members keeps them.
        while sum(p.country == country for p in team) < needed:
            team.append(picker.pick(team, country=country, stages=["senior", "mid"]))
    for stage, needed in rules.min_career_stage_counts.items():
        while sum(p.career_stage == stage for p in team) < needed:
            team.append(picker.pick(team, countries=rules.eligible_countries, stages=[stage]))
    while len(team) < size:
        team.append(picker.pick(team, countries=rules.eligible_countries))
    return team


def _changed(picker: _Picker, team: list[Profile], spec: Spec) -> tuple[list[Profile], Profile]:
    """The team changed as ``spec.change`` says, and its lead."""
    rules = picker.call.rules
    lead = team[0]
    foreign = [c for c in rules.required_countries if c not in (rules.lead_countries or ["RU"])]
    change = spec.change
    if change in ("drop_foreign", "drop_foreign_and_early"):
        team = [p for p in team if p.country not in foreign]
        if change == "drop_foreign_and_early":
            team = [p for p in team if p.career_stage != "early"]
        while len(team) < spec.size:
            home_countries = [c for c in rules.eligible_countries or () if c not in foreign]
            team.append(picker.pick(team, countries=home_countries, stages=["senior", "mid"]))
    elif change == "foreign_lead":
        lead = next(p for p in team if p.country in foreign)
    elif change == "same_institution":
        institution = lead.institution
        team = [lead] + [p for p in team if p.country != lead.country]
        while sum(p.institution == institution for p in team) < 3:
            team.append(picker.pick(team, institution=institution, topical=False))
    elif change == "add_kz":
        team = [*team, picker.pick(team, country="KZ")]
    elif change == "too_small":
        team = [lead, next(p for p in team if p.country in foreign)]
    elif change == "junior_lead":
        junior = picker.pick(team, country=lead.country, stages=["mid"])
        team, lead = [junior, *team], junior
    elif change == "too_large":
        while len(team) < rules.max_team_size + 1:
            team.append(picker.pick(team, countries=rules.eligible_countries))
    elif change == "no_early":
        team = [p for p in team if p.career_stage != "early"]
        while len(team) < spec.size:
            team.append(
                picker.pick(team, countries=rules.eligible_countries, stages=["senior", "mid"])
            )
    elif change == "add_organisation":
        cap = rules.max_per_institution or len(team) + 1
        organisations = [
            p
            for p in picker.world.profiles
            if p.kind == "organization"
            and p.country == "RU"
            and sum(q.institution == p.institution for q in team) < cap
        ]
        team = [*team, picker.rng.choice(organisations)]
    elif change == "add_unreachable":
        team = [*team, picker.pick(team, country="BY", reachable=False)]
    elif change != "none":
        raise CompetitionError(f"{spec.id}: unknown change {change!r}")
    return team, lead


def _texts(rng: random.Random, call: Call, lead: Profile) -> tuple[str, str, list[str]]:
    """A title, an abstract and keywords from the call's topic vocabulary."""
    topic = TOPICS[(call.model_extra or {})["topics"][0]]
    subject, method, condition = (
        rng.choice(topic.objects),
        rng.choice(topic.methods),
        rng.choice(topic.conditions),
    )
    site, finding, application = (
        rng.choice(topic.sites),
        rng.choice(topic.findings),
        rng.choice(topic.applications),
    )
    title = f"{subject[:1].upper()}{subject[1:]}: {method} under {condition}"
    abstract = (
        f"The project studies {subject} in {site}. The consortium combines {method} with "
        f"{rng.choice(topic.methods)} and data shared by the partners' laboratories. "
        f"Preliminary results suggest that {finding}. The expected outcome is {application}."
    )
    keywords = rng.sample(list(topic.keywords), 4)
    return title, abstract, keywords


def _budget(rng: random.Random, size: int) -> list[dict[str, object]]:
    return [
        {
            "item": "salaries",
            "amount": float(size * rng.randrange(8, 16) * 1000),
            "currency": "EUR",
        },
        {"item": "travel", "amount": float(rng.randrange(4, 12) * 1000), "currency": "EUR"},
        {"item": "equipment", "amount": float(rng.randrange(10, 40) * 1000), "currency": "EUR"},
    ]


def build_team(
    spec: Spec,
    call: Call,
    world: World,
    routes: RouteFinder,
    rng: random.Random,
    used: Counter[str],
) -> tuple[list[Profile], Profile]:
    """The team and lead of one application, as its spec says (``used``: how many
    applications each profile is in so far, updated)."""
    picker = _Picker(call, world, routes, rng, used)
    team, lead = _changed(picker, _eligible_team(picker, spec.size, spec), spec)
    used.update(p.id for p in team)
    return team, lead


def _declared_conflict(
    rng: random.Random, call: Call, team: Sequence[Profile], world: World
) -> list[str]:
    """Sometimes an expert in the call's field from the lead's country whom the applicants
    declare in conflict (a competitor they do not want as a reviewer)."""
    if rng.random() >= 0.3:
        return []
    lead = team[0]
    ids = {p.id for p in team}
    topics = set((call.model_extra or {}).get("topics", []))
    competitors = [
        p
        for p in world.profiles
        if p.expert
        and p.country == lead.country
        and p.id not in ids
        and topics & set((p.model_extra or {}).get("topics", []))
    ]
    return [rng.choice(competitors).id] if competitors else []


def applications(world: World, seed: int) -> list[Application]:
    """The demo competition's applications (:data:`SPECS`), each checked against its rules.

    Raises
    ------
    CompetitionError
        If an application does not break exactly the rules its spec names.
    """
    rng = random.Random(f"competition-{seed}")
    dataset = Dataset(
        profiles=world.profiles,
        calls=world.calls,
        institutions=world.institutions,
        offices=world.offices,
    )
    routes = RouteFinder(dataset)
    calls = {call.id: call for call in world.calls}
    built = []
    used: Counter[str] = Counter()
    for spec in SPECS:
        call = calls[spec.call_id]
        team, lead = build_team(spec, call, world, routes, rng, used)
        members = [lead.id] + [p.id for p in team if p.id != lead.id]
        title, abstract, keywords = _texts(rng, call, lead)
        deadline = call.deadline or dt.date(2027, 1, 1)
        application = Application.model_validate(
            {
                "id": spec.id,
                "call_id": call.id,
                "title": title,
                "abstract": abstract,
                "keywords": keywords,
                "team": members,
                "lead": lead.id,
                "budget": _budget(rng, len(members)),
                "conflicts": _declared_conflict(rng, call, [lead, *team], world),
                "submitted": (deadline - dt.timedelta(days=rng.randrange(1, 40))).isoformat(),
            }
        )
        broken = tuple(f.rule for f in rule_failures(call, application, dataset, routes))
        if sorted(broken) != sorted(spec.breaks):
            raise CompetitionError(
                f"{spec.id}: meant to break {list(spec.breaks)}, breaks {list(broken)}"
            )
        built.append(application)
    return built


def intended_failures() -> dict[str, tuple[str, ...]]:
    """Application id -> the rules it is meant to break (empty: eligible)."""
    return {spec.id: spec.breaks for spec in SPECS}
