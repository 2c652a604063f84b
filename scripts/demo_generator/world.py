"""The demo world: researchers and organisations turned into the dataset's records."""

from __future__ import annotations

import random
import re
from collections import defaultdict
from typing import Any

from matcher.model import Call, Institution, Office, Profile

from .checks import check_calls
from .competition import applications, flag_experts, with_review_settings
from .dataset import World
from .people import Person, add_collaborations, build_people, fill_publications
from .tables import (
    AGREEMENTS,
    CALLS,
    CONSORTIUM,
    INSTITUTIONS,
    INSTITUTIONS_BY_ID,
    NATIVE_LANGUAGES,
    OFFICES,
    ORGANISATIONS,
    POSITIONS,
    SURNAME_FIRST,
    TEMPLATES,
    TOPICS,
    InstitutionSpec,
)
from .texts import TextFactory, build_zh_pool, fill

DEFAULT_SEED = 2026


def email_for(person: Person, used: set[str]) -> str | None:
    """A unique institutional e-mail address, or ``None`` without a known domain."""
    domain = person.inst.domain
    if domain is None:
        return None
    given = re.sub(r"[^a-z]", "", person.given.lower())
    surname = re.sub(r"[^a-z]", "", person.surname.lower())
    local = f"{surname}{given}" if person.country in SURNAME_FIRST else f"{given[0]}.{surname}"
    candidate, n = local, 1
    while f"{candidate}@{domain}" in used:
        n += 1
        candidate = f"{local}{n}"
    used.add(f"{candidate}@{domain}")
    return f"{candidate}@{domain}"


def phone_for(rng: random.Random, inst: InstitutionSpec) -> str:
    """An invented number: the institution's phone prefix and a 555 line."""
    return f"{inst.phone_prefix} 555-{rng.randint(0, 9999):04d}"


def keywords_for(rng: random.Random, person: Person) -> list[str]:
    """Keywords of the person's topics, in the language of their publications."""
    if person.style == "zh":
        return person.zh_keywords[:5]
    field_name = "ru_keywords" if person.style == "ru" else "keywords"
    primary: tuple[str, ...] = getattr(TOPICS[person.topics[0]], field_name)
    keywords = rng.sample(list(primary), rng.randint(3, 5))
    for topic in person.topics[1:]:
        extra: tuple[str, ...] = getattr(TOPICS[topic], field_name)
        keywords += [k for k in rng.sample(list(extra), 2) if k not in keywords]
    return keywords


def summary_for(rng: random.Random, person: Person, keywords: list[str]) -> str:
    """A profile summary from the templates, in the person's own language."""
    values = {
        "kw1": keywords[0],
        "kw2": keywords[1],
        "kw3": keywords[2 % len(keywords)],
        "institution": person.inst.name,
        "region": person.inst.region,
    }
    # Chinese- and Russian-only researchers describe themselves in their own language.
    language = person.style if person.style in ("zh", "ru") else "en"
    values["position"] = rng.choice(POSITIONS[language][person.stage])
    summary = fill(rng.choice(TEMPLATES[f"summary_{language}"]), rng, values)
    if language == "en" and len(person.topics) > 1:
        second = TOPICS[person.topics[1]].keywords[0]
        summary += TEMPLATES["second_topic_sentence"].format(kw=second)
    return summary


def languages_for(person: Person) -> list[str]:
    """Native languages, plus the language of the person's publications when not one of them."""
    native = list(NATIVE_LANGUAGES[person.country])
    if person.style == "ru":
        return native if "ru" in native else [*native, "ru"]
    if person.style == "zh":
        return native
    return [*native, "en"]


def publication_record(pub: dict[str, Any]) -> dict[str, Any]:
    """A publication as :class:`matcher.model.Profile` takes it (no topic)."""
    return {key: pub[key] for key in ("title", "abstract", "year", "coauthors")}


def person_profile(rng: random.Random, person: Person, emails: set[str]) -> Profile:
    """The profile of a generated researcher."""
    keywords = keywords_for(rng, person)
    contact = {"email": email_for(person, emails), "phone": phone_for(rng, person.inst)}
    return Profile(
        id=person.id,
        name=person.name,
        kind="researcher",
        country=person.country,
        institution=person.inst.id,
        languages=languages_for(person),
        keywords=keywords,
        summary=summary_for(rng, person, keywords),
        publications=[publication_record(pub) for pub in person.publications],
        collaborators=sorted(person.collaborators),
        career_stage=person.stage,
        capacity=person.capacity,
        contact=contact,
        topics=list(person.topics),
    )


def organisation_profile(rng: random.Random, spec: dict[str, Any]) -> Profile:
    """The profile of an organisation of ``organisations.json``."""
    inst = INSTITUTIONS_BY_ID[spec["institution"]]
    email = f"info@{inst.domain}" if inst.domain else None
    return Profile(
        id=spec["id"],
        name=spec["name"],
        kind="organization",
        country=inst.country,
        institution=inst.id,
        languages=spec["languages"],
        keywords=spec["keywords"],
        summary=spec["summary"],
        publications=spec["publications"],
        capacity=spec["capacity"],
        contact={"email": email, "phone": phone_for(rng, inst)},
        topics=spec["topics"],
    )


def institution_records() -> list[Institution]:
    """The institutions, each with the agreements of both sides of a pair."""
    agreements: dict[str, set[str]] = defaultdict(set)
    for left, right in AGREEMENTS:
        agreements[left].add(right)
        agreements[right].add(left)
    records = []
    for inst in INSTITUTIONS:
        record: dict[str, Any] = {
            "id": inst.id,
            "name": inst.name,
            "country": inst.country,
            "kind": inst.kind,
            "consortia": [CONSORTIUM] if inst.consortium else [],
            "agreements": sorted(agreements[inst.id]),
            "city": inst.city,
            "source": inst.source,
        }
        if inst.domain:
            record["domain"] = inst.domain
        if inst.aliases:
            record["aliases"] = list(inst.aliases)
        records.append(Institution(**record))
    return records


def office_records() -> list[Office]:
    """The offices of ``offices.json``."""
    return [Office(**office) for office in OFFICES]


def call_records() -> list[Call]:
    """The calls of ``calls.json``."""
    return [Call(**call) for call in CALLS]


def generate(seed: int = DEFAULT_SEED) -> World:
    """Build the demo world for ``seed``: validated model instances, nothing written."""
    rng = random.Random(seed)
    texts = TextFactory(rng=rng, zh_pool=build_zh_pool(rng))
    people = build_people(rng, texts)
    add_collaborations(rng, texts, people)
    fill_publications(rng, texts, people)
    emails: set[str] = set()
    profiles = [person_profile(rng, person, emails) for person in people]
    profiles += [organisation_profile(rng, spec) for spec in ORGANISATIONS]
    world = World(institution_records(), office_records(), profiles, call_records())
    check_calls(world)
    # The competition draws from its own generator: the world above is the same without it.
    world = World(
        world.institutions,
        world.offices,
        flag_experts(world.profiles),
        with_review_settings(world.calls),
    )
    world.applications = applications(world, seed)
    return world
