"""The researchers of the demo world: who they are, what and with whom they publish.

Everything here draws from the one ``random.Random`` of :func:`.world.generate`, in a fixed
order: moving a draw changes every record after it.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .tables import (
    AGREEMENTS,
    GIVEN_NAMES,
    HOME_COUNTRY,
    INSTITUTIONS,
    OFFICES,
    SURNAME_FIRST,
    SURNAMES,
    TOPICS,
    InstitutionSpec,
)
from .texts import Focus, TextFactory, text_language

# Publication language style per country: (P[Russian only], P[mixed: English + Russian]).
# fmt: off
RUSSIAN_STYLE_SHARES: dict[str, tuple[float, float]] = {
    "KZ": (0.05, 0.2), "MN": (0.0, 0.12), "BY": (0.1, 0.3), "UZ": (0.0, 0.3), "KG": (0.1, 0.3),
    "AM": (0.0, 0.3), "TJ": (0.34, 0.3),
}
# fmt: on
RUSSIAN_ONLY_SHARE_RU = 0.15  # of Russian researchers: Cyrillic titles and abstracts only
MIXED_SHARE_RU = 0.25  # of the other Russian researchers: some Russian papers
CHINESE_ONLY_SHARE_CN = 0.25  # of Chinese researchers, where CSL papers on the topic are left
SECOND_TOPIC_SHARE = 0.3
MISSING_YEAR_SHARE = 0.04
MISSING_ABSTRACT_SHARE = 0.07
RUSSIAN_CAPABLE = {"RU", "KZ", "BY", "UZ", "KG", "AM", "TJ", "MN"}  # may publish in Russian

CAREER_STAGES = ("doctoral", "early", "mid", "senior")
CAREER_WEIGHTS = (15, 25, 35, 25)
PUBLICATION_COUNTS = {"doctoral": (2, 4), "early": (2, 6), "mid": (3, 8), "senior": (4, 8)}
FIRST_YEAR = {"doctoral": 2020, "early": 2016, "mid": 2012, "senior": 2012}
LAST_YEAR = 2025
CAPACITY_RANGE = {"doctoral": (1, 2), "early": (1, 3), "mid": (1, 3), "senior": (1, 2)}


@dataclass
class Person:
    """A researcher while the world is being generated (becomes a :class:`Profile`)."""

    id: str
    name: str
    given: str
    surname: str
    inst: InstitutionSpec
    topics: list[str]
    stage: str
    capacity: int
    n_publications: int
    style: str = "en"  # "en", "mixed" (English and some Russian), "ru" only, "zh" only
    publications: list[dict[str, Any]] = field(default_factory=list)
    collaborators: list[str] = field(default_factory=list)
    zh_keywords: list[str] = field(default_factory=list)
    focus: dict[str, Focus] = field(default_factory=dict)
    title_stems: set[str] = field(default_factory=set)

    @property
    def country(self) -> str:
        return self.inst.country

    @property
    def joint_count(self) -> int:
        return sum(1 for pub in self.publications if pub["coauthors"])

    def languages_for_publications(self) -> tuple[str, ...]:
        if self.style == "ru":
            return ("ru",)
        if self.style == "zh":
            return ("zh",)
        return ("en", "ru") if self.country in RUSSIAN_CAPABLE else ("en",)

    def has_room_for_joint_work(self) -> bool:
        return self.joint_count < min(3, self.n_publications - 1)


def make_name(rng: random.Random, country: str, used: set[str]) -> tuple[str, str, str]:
    """A plausible, unused (full name, given name, surname) for the country."""
    for _ in range(200):
        female = rng.random() < 0.5
        given = rng.choice(GIVEN_NAMES[country]["female" if female else "male"])
        male_surname, female_surname = rng.choice(SURNAMES[country])
        surname = female_surname if female else male_surname
        name = f"{surname} {given}" if country in SURNAME_FIRST else f"{given} {surname}"
        if name not in used:
            used.add(name)
            return name, given, surname
    raise RuntimeError(f"ran out of names for {country}")


def pick_topics(rng: random.Random, inst: InstitutionSpec) -> list[str]:
    """A main topic by the institution's weights, sometimes a neighbouring second one.

    The second topic is one the institution also works on, or any neighbour for REC Kuzbass
    members (whose region has all of them: coal, steel, farms).
    """
    slugs = list(inst.topics)
    primary = rng.choices(slugs, weights=[inst.topics[s] for s in slugs])[0]
    topics = [primary]
    neighbours = [t for t in TOPICS[primary].neighbours if inst.consortium or t in inst.topics]
    if neighbours and rng.random() < SECOND_TOPIC_SHARE:
        topics.append(rng.choice(neighbours))
    return topics


def build_people(rng: random.Random, texts: TextFactory) -> list[Person]:
    """Every institution's researchers, with names, stages, topics and languages."""
    people: list[Person] = []
    used_names: set[str] = set()
    for inst in INSTITUTIONS:
        for _ in range(inst.n_researchers):
            name, given, surname = make_name(rng, inst.country, used_names)
            stage = rng.choices(CAREER_STAGES, weights=CAREER_WEIGHTS)[0]
            topics = pick_topics(rng, inst)
            people.append(
                Person(
                    id=f"r-{len(people) + 1:04d}",
                    name=name,
                    given=given,
                    surname=surname,
                    inst=inst,
                    topics=topics,
                    stage=stage,
                    capacity=rng.randint(*CAPACITY_RANGE[stage]),
                    n_publications=rng.randint(*PUBLICATION_COUNTS[stage]),
                    focus={topic: Focus.draw(rng, TOPICS[topic]) for topic in topics},
                )
            )
    assign_styles(rng, people, texts)
    return people


def assign_styles(rng: random.Random, people: list[Person], texts: TextFactory) -> None:
    """Decide who publishes in which language(s)."""
    russians = [p for p in people if p.country == "RU"]
    russian_only = rng.sample(russians, round(RUSSIAN_ONLY_SHARE_RU * len(russians)))
    for person in russian_only:
        person.style = "ru"
    for person in russians:
        if person.style == "en" and rng.random() < MIXED_SHARE_RU:
            person.style = "mixed"
    for person in people:
        if person.country in RUSSIAN_STYLE_SHARES:
            only, mixed = RUSSIAN_STYLE_SHARES[person.country]
            draw = rng.random()
            person.style = "ru" if draw < only else "mixed" if draw < only + mixed else "en"
        elif person.country == "CN" and rng.random() < CHINESE_ONLY_SHARE_CN:
            topic = person.topics[0]
            if texts.chinese_available(topic) >= 2:
                person.style = "zh"
                person.topics = [topic]
                person.n_publications = min(
                    max(person.n_publications, 2), texts.chinese_available(topic), 3
                )
                person.zh_keywords = list(TOPICS[topic].zh_terms)
                for _ in range(person.n_publications):  # reserve the papers now
                    title, abstract, keywords = texts.chinese(topic)
                    person.publications.append(
                        {
                            "title": title,
                            "abstract": abstract,
                            "year": None,
                            "coauthors": [],
                            "topic": topic,
                        }
                    )
                    if keywords[0] not in person.zh_keywords:
                        person.zh_keywords.append(keywords[0])


# =============================================================================================
# Joint work and publications
# =============================================================================================


def year_for(rng: random.Random, people: Sequence[Person]) -> int | None:
    """A publication year all authors' careers allow, or ``None`` (a gap in the data)."""
    if rng.random() < MISSING_YEAR_SHARE:
        return None
    first = max(FIRST_YEAR[p.stage] for p in people)
    return rng.randint(first, LAST_YEAR)


def write_publication(
    rng: random.Random,
    texts: TextFactory,
    topic: str,
    language: str,
    authors: Sequence[Person],
    year: int | None,
) -> dict[str, Any]:
    """A new publication on ``topic``, written from the first author's focus and region."""
    vocabulary, first = TOPICS[topic], authors[0]
    if language == "ru":
        title, abstract = texts.russian(vocabulary, first.inst.region_ru, first.focus[topic])
    else:
        stems = [author.title_stems for author in authors]
        title, abstract = texts.english(
            vocabulary, first.inst.region, year, first.focus[topic], stems
        )
    if rng.random() < MISSING_ABSTRACT_SHARE:
        abstract = ""
    return {"title": title, "abstract": abstract, "year": year, "coauthors": [], "topic": topic}


def joint_language(team: Sequence[Person]) -> str | None:
    """A language every member of ``team`` publishes in (English first), or ``None``."""
    for language in ("en", "ru"):
        if all(language in p.languages_for_publications() for p in team):
            return language
    return None


def can_work_together(team: Sequence[Person]) -> bool:
    """Whether ``team`` may get a joint publication (the demo's rules on joint work)."""
    if len({p.id for p in team}) < len(team):
        return False
    if any(p.style == "zh" or not p.has_room_for_joint_work() for p in team):
        return False
    countries = {p.country for p in team}
    if "BY" in countries and HOME_COUNTRY in countries:  # Belarus: only through the office
        return False
    return joint_language(team) is not None


def add_joint_publication(
    rng: random.Random, texts: TextFactory, team: Sequence[Person], topic: str
) -> bool:
    """Give every member of ``team`` the same new publication, listing the others."""
    if not can_work_together(team):
        return False
    language = joint_language(team)
    assert language is not None
    pub = write_publication(rng, texts, topic, language, team, year_for(rng, team))
    for member in team:
        others = [p.id for p in team if p is not member]
        member.publications.append({**pub, "coauthors": others})
        member.collaborators.extend(others)
    return True


def add_joint_project(team: Sequence[Person]) -> None:
    """Past collaboration without a publication in the data (a joint project)."""
    for member in team:
        member.collaborators.extend(p.id for p in team if p is not member)


def shared_topic_pairs(
    left: Iterable[Person], right: Iterable[Person]
) -> list[tuple[Person, Person, str]]:
    """Pairs across ``left`` and ``right`` sharing a topic and able to work together."""
    right = list(right)
    return [
        (a, b, topic)
        for a in left
        for b in right
        for topic in a.topics
        if topic in b.topics and can_work_together((a, b))
    ]


def add_collaborations(rng: random.Random, texts: TextFactory, people: list[Person]) -> None:
    """Joint work: within institutions, along agreements, through offices, and a few more."""
    by_inst: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        by_inst[person.inst.id].append(person)

    # 1. Colleagues: about one joint paper per two researchers on a topic, sometimes three authors.
    for inst in INSTITUTIONS:
        for topic in sorted(inst.topics):
            group = [p for p in by_inst[inst.id] if topic in p.topics and p.style != "zh"]
            for _ in range(len(group) // 2):
                size = 3 if len(group) >= 3 and rng.random() < 0.25 else 2
                add_joint_publication(rng, texts, rng.sample(group, size), topic)

    # 2. Along cooperation agreements (one or two joint papers each).
    for left, right in AGREEMENTS:
        for _ in range(rng.randint(1, 2)):
            pairs = shared_topic_pairs(by_inst[left], by_inst[right])
            if pairs:
                a, b, topic = rng.choice(pairs)
                add_joint_publication(rng, texts, (a, b), topic)

    # 3. Introductions made by open offices: REC Kuzbass researchers with office partners.
    consortium = [p for p in people if p.inst.consortium]
    for office in OFFICES:
        if office["status"] != "open":
            continue
        partners = [p for i in office["partner_institutions"] for p in by_inst[i]]
        pairs = shared_topic_pairs(consortium, partners)
        for _ in range(min(2, len(pairs))):
            a, b, topic = rng.choice(pairs)
            add_joint_publication(rng, texts, (a, b), topic)

    # 4. A researcher in Germany known only through past joint work with Kuzbass.
    german = by_inst["de-tubaf"][0]
    pairs = shared_topic_pairs(consortium, [german])
    a, b, topic = rng.choice(pairs)
    if not add_joint_publication(rng, texts, (a, b), topic):
        raise RuntimeError("could not connect the German researcher")

    # 5. Joint projects without a publication in the data.
    for inst in INSTITUTIONS:
        members = by_inst[inst.id]
        if len(members) >= 6 and rng.random() < 0.7:
            add_joint_project(rng.sample(members, 2))


def fill_publications(rng: random.Random, texts: TextFactory, people: list[Person]) -> None:
    """Top up every researcher's own publications to their count, then sort by year."""
    for person in people:
        if person.style == "zh":
            for pub in person.publications:
                if pub["year"] is None and rng.random() > MISSING_YEAR_SHARE:
                    pub["year"] = rng.randint(FIRST_YEAR[person.stage], LAST_YEAR)
        russian_left = rng.randint(1, 2) if person.style == "mixed" else 0
        while len(person.publications) < person.n_publications:
            topic = person.topics[0]
            if len(person.topics) > 1 and rng.random() < 0.3:
                topic = person.topics[1]
            last_slot = len(person.publications) == person.n_publications - 1
            has_english = any(text_language(pub["title"]) == "en" for pub in person.publications)
            if person.style == "ru" or (russian_left > 0 and not (last_slot and not has_english)):
                language = "ru"
                russian_left -= 1
            else:  # English, and always at least one English paper unless Russian-only
                language = "en"
            person.publications.append(
                write_publication(rng, texts, topic, language, [person], year_for(rng, [person]))
            )
        person.publications.sort(key=lambda pub: -(pub["year"] or 0))
