"""Generate grantmatch's bundled demo dataset and the small test fixture.

The demo world: the regional research and education centre "REC Kuzbass" (six universities
and two research centres of the Kemerovo region) looks for foreign partners to staff grant
calls. It reaches them through its representative offices in China and Mongolia (open) and
Belarus (in negotiation), through the offices of Rossotrudnichestvo in Central Asia and the
Caucasus, through cooperation agreements signed at rectors' forums, and through past joint work.

The tables of the world (institutions, agreements, offices, names, topic vocabularies, text
templates, Chinese papers, organisations, calls, the small fixture) are the JSON files of
``scripts/demo_world/``, described in its README; this script holds only the logic.
Institutions are real (names and web domains mostly from the Hipo world-universities list);
the people, their publications, contacts, agreements, offices' partner lists and the calls are
invented for the demo. Some Chinese publication texts are real paper abstracts from the CSL
benchmark (Apache-2.0, see ``demo_world/chinese_papers.json``).

Everything is drawn from ``random.Random(seed)``: the same seed gives byte-identical files.
Every record is validated by constructing the pydantic models of :mod:`matcher.model`, is
written through ``model_dump(mode="json", exclude_none=True)``, and the written files are
loaded back with :func:`matcher.load_dataset` (which owns the reference rules) before they
replace the old ones.

Usage (from the repository root)::

    python scripts/generate_demo_data.py                # demo dataset + small fixture
    python scripts/generate_demo_data.py --seed 7 --out /tmp/demo --skip-fixture

Writes ``matcher/datasets/demo/{institutions,offices,profiles,calls}.jsonl`` and its
``README.md``, and ``tests/fixtures/small/*.jsonl`` (the fixture's README is hand-written).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import string
import sys
import tempfile
import textwrap
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from pydantic import BaseModel

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:  # run as a plain script from anywhere
    sys.path.insert(0, str(REPO_ROOT))

from matcher import load_dataset  # noqa: E402
from matcher.errors import InputError  # noqa: E402
from matcher.model import Call, Institution, Office, Profile  # noqa: E402

DATA_DIR = Path(__file__).resolve().parent / "demo_world"
DEFAULT_SEED = 2026
DEFAULT_OUT = REPO_ROOT / "matcher" / "datasets" / "demo"
DEFAULT_FIXTURE_OUT = REPO_ROOT / "tests" / "fixtures" / "small"
COMMAND = "python scripts/generate_demo_data.py --seed 2026"
CONSORTIUM = "REC Kuzbass"
FILES = ("institutions", "offices", "profiles", "calls")


def read_table(name: str) -> dict[str, Any]:
    """One data file of ``scripts/demo_world/`` (UTF-8 JSON)."""
    with (DATA_DIR / f"{name}.json").open(encoding="utf-8") as handle:
        table: dict[str, Any] = json.load(handle)
    return table


def as_tuples(fields: dict[str, Any]) -> dict[str, Any]:
    """Lists of a JSON object as tuples: the frozen dataclasses hold immutable tables."""
    return {
        key: tuple(value) if isinstance(value, list) else value for key, value in fields.items()
    }


# =============================================================================================
# Institutions
# =============================================================================================


@dataclass(frozen=True)
class InstitutionSpec:
    """One institution of the demo world and how many researchers it gets, on which topics.

    ``topics`` maps a topic slug to a weight; ``region``/``region_ru`` are used in generated
    texts ("in Kuzbass", "... Кузбасса" in the genitive). ``source`` says where the name
    comes from: ``world-universities`` (Hipo list, MIT) or ``curated`` (written for the demo).
    """

    id: str
    name: str
    country: str
    kind: str
    city: str
    region: str
    region_ru: str
    n_researchers: int
    topics: dict[str, int]
    domain: str | None = None
    source: str = "world-universities"
    aliases: tuple[str, ...] = ()
    consortium: bool = False
    phone_prefix: str = ""


def load_institutions() -> tuple[InstitutionSpec, ...]:
    """The institutions of ``institutions.json``, its groups flattened in file order."""
    groups = read_table("institutions")["groups"]
    return tuple(
        InstitutionSpec(**as_tuples(spec)) for group in groups for spec in group["institutions"]
    )


def load_agreements() -> tuple[tuple[str, str], ...]:
    """Agreement pairs of ``agreements.json`` in file order."""
    groups = read_table("agreements")["groups"]
    return tuple((left, right) for group in groups for left, right in group["pairs"])


INSTITUTIONS = load_institutions()
INSTITUTIONS_BY_ID = {inst.id: inst for inst in INSTITUTIONS}
AGREEMENTS = load_agreements()
OFFICES: list[dict[str, Any]] = read_table("offices")["offices"]
ORGANISATIONS: list[dict[str, Any]] = read_table("organisations")["organisations"]
CALLS: list[dict[str, Any]] = read_table("calls")["calls"]

# =============================================================================================
# People: names, languages, career stages
# =============================================================================================

PEOPLE = read_table("people")
GIVEN_NAMES: dict[str, dict[str, list[str]]] = PEOPLE["given_names"]  # country -> sex -> names
SURNAMES: dict[str, list[list[str]]] = PEOPLE["surnames"]  # country -> [male, female] pairs
SURNAME_FIRST = frozenset(PEOPLE["surname_first"])
NATIVE_LANGUAGES: dict[str, list[str]] = PEOPLE["native_languages"]
POSITIONS: dict[str, dict[str, list[str]]] = PEOPLE["positions"]  # language -> stage -> titles


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
HOME_COUNTRY = "RU"
RUSSIAN_CAPABLE = {"RU", "KZ", "BY", "UZ", "KG", "AM", "TJ", "MN"}  # may publish in Russian

CAREER_STAGES = ("doctoral", "early", "mid", "senior")
CAREER_WEIGHTS = (15, 25, 35, 25)
PUBLICATION_COUNTS = {"doctoral": (2, 4), "early": (2, 6), "mid": (3, 8), "senior": (4, 8)}
FIRST_YEAR = {"doctoral": 2020, "early": 2016, "mid": 2012, "senior": 2012}
LAST_YEAR = 2025
CAPACITY_RANGE = {"doctoral": (1, 2), "early": (1, 3), "mid": (1, 3), "senior": (1, 2)}

# =============================================================================================
# Topics and text templates
# =============================================================================================


@dataclass(frozen=True)
class Topic:
    """A research topic of the demo world and the words to write about it (``topics.json``)."""

    slug: str
    label: str
    keywords: tuple[str, ...]
    objects: tuple[str, ...]
    methods: tuple[str, ...]
    conditions: tuple[str, ...]
    sites: tuple[str, ...]
    samples: tuple[str, ...]
    validations: tuple[str, ...]
    findings: tuple[str, ...]
    applications: tuple[str, ...]
    aspects: tuple[str, ...]
    problems: tuple[str, ...]
    ru_keywords: tuple[str, ...]
    ru_subjects: tuple[str, ...]
    ru_aspects: tuple[str, ...]
    ru_aims: tuple[str, ...]
    ru_methods: tuple[str, ...]
    ru_results: tuple[str, ...]
    ru_impacts: tuple[str, ...]
    neighbours: tuple[str, ...]  # topics a researcher may combine with this one
    zh_terms: tuple[str, ...]  # for the summaries and keywords of Chinese-only researchers


def load_topics() -> dict[str, Topic]:
    """The topics of ``topics.json`` by slug, in file order (lists become tuples)."""
    topics: dict[str, dict[str, Any]] = read_table("topics")["topics"]
    return {slug: Topic(slug=slug, **as_tuples(fields)) for slug, fields in topics.items()}


TOPICS = load_topics()
TEMPLATES = read_table("templates")
CHINESE_PAPERS = read_table("chinese_papers")
CSL_PAPERS: list[dict[str, str]] = CHINESE_PAPERS["csl"]["papers"]

# An English abstract: one aim, one method, one result and one impact sentence.
EN_ABSTRACT_SENTENCES = tuple(
    TEMPLATES[f"en_{part}"] for part in ("aims", "methods", "results", "impacts")
)

# =============================================================================================
# Text helpers
# =============================================================================================

# Numeric placeholders of the templates, each with a plausible range ("r" suffix: Russian
# decimal comma).
NUMBER_MAKERS: dict[str, Callable[[random.Random], str]] = {
    "p": lambda r: str(r.randint(12, 45)),
    "p2": lambda r: str(r.randint(45, 65)),
    "p3": lambda r: str(r.randint(85, 97)),
    "acc": lambda r: str(r.randint(86, 98)),
    "n": lambda r: str(r.randint(4, 25)),
    "ns": lambda r: str(r.randint(40, 900)),
    "n00": lambda r: str(r.randint(20, 60) * 100),
    "s": lambda r: str(r.randint(8, 26) * 100),
    "t": lambda r: str(r.choice((600, 650, 700, 750, 800, 850, 900))),
    "c": lambda r: f"0.{r.randint(4, 9)}",
    "cr": lambda r: f"0,{r.randint(4, 9)}",
    "hc": lambda r: f"{r.uniform(1.5, 4.5):.1f}",
    "hcr": lambda r: f"{r.uniform(1.5, 4.5):.1f}".replace(".", ","),
    "r": lambda r: str(r.randint(70, 95)),
    "es": lambda r: str(r.randint(10, 35)),
    "hv": lambda r: str(r.randint(36, 42) * 10),
    "x2": lambda r: f"{r.uniform(1.5, 3.5):.1f}",
    "x2r": lambda r: f"{r.uniform(1.5, 3.5):.1f}".replace(".", ","),
    "mpa": lambda r: str(r.randint(30, 60)),
    "c10": lambda r: f"{r.uniform(0.2, 1.5):.1f}",
    "c10r": lambda r: f"{r.uniform(0.2, 1.5):.1f}".replace(".", ","),
    "orr": lambda r: f"{r.uniform(1.5, 4.0):.1f}",
}
_FORMATTER = string.Formatter()


def capitalize_first(text: str) -> str:
    """Upper-case the first character only, leaving the rest (e.g. "PM2.5", "CO2") alone."""
    return text[:1].upper() + text[1:]


def fill(template: str, rng: random.Random, values: dict[str, str]) -> str:
    """Fill ``{slot}`` placeholders: from ``values``, capitalised (``{Object}``), or numbers."""
    filled: dict[str, str] = {}
    for _, name, _, _ in _FORMATTER.parse(template):
        if name is None or name in filled:
            continue
        if name in values:
            filled[name] = values[name]
        elif name[:1].isupper() and name.lower() in values:
            filled[name] = capitalize_first(values[name.lower()])
        elif name in NUMBER_MAKERS:
            filled[name] = NUMBER_MAKERS[name](rng)
        else:
            raise KeyError(f"no value for placeholder {{{name}}} in {template!r}")
    return template.format(**filled)


def two_different(rng: random.Random, options: Sequence[str]) -> tuple[str, str]:
    first, second = rng.sample(list(options), 2)
    return first, second


def has_cyrillic(text: str) -> bool:
    return re.search("[\u0400-\u04ff]", text) is not None


def has_han(text: str) -> bool:
    return re.search("[\u4e00-\u9fff]", text) is not None


def text_language(text: str) -> str:
    """Rough script-based language of a text: ``zh``, ``ru`` or ``en``."""
    if has_han(text):
        return "zh"
    if has_cyrillic(text):
        return "ru"
    return "en"


# =============================================================================================
# Publications
# =============================================================================================


@dataclass
class TextFactory:
    """Writes publication texts, never the same title twice."""

    rng: random.Random
    used_titles: set[str] = field(default_factory=set)
    zh_pool: dict[str, list[tuple[str, str, list[str]]]] = field(default_factory=dict)

    def _unique(self, make: Any, stems: Sequence[set[str]] = ()) -> tuple[str, str]:
        """Draw from ``make`` until the title is new (and its stem new to every author)."""
        for _ in range(80):
            title, abstract = make()
            stem = title_stem(title)
            if title.lower() not in self.used_titles and not any(stem in s for s in stems):
                self.used_titles.add(title.lower())
                for author_stems in stems:
                    author_stems.add(stem)
                return title, abstract
        raise RuntimeError("could not write a new unique title; add vocabulary")

    def english(
        self, topic: Topic, region: str, year: int | None, focus: Focus, stems: Sequence[set[str]]
    ) -> tuple[str, str]:
        """An English title and abstract on the author's focus within ``topic``."""
        rng = self.rng

        def make() -> tuple[str, str]:
            obj, obj2 = two_different(rng, focus.objects)
            method, method2 = two_different(rng, focus.methods)
            finding, finding2 = two_different(rng, topic.findings)
            end = year or 2020
            values = {
                "object": obj,
                "object2": obj2,
                "method": method,
                "method2": method2,
                "condition": rng.choice(topic.conditions),
                "site": rng.choice(topic.sites),
                "samples": rng.choice(topic.samples),
                "validation": rng.choice(topic.validations),
                "finding": fill(finding, rng, {}),
                "finding2": fill(finding2, rng, {}),
                "application": rng.choice(topic.applications),
                "aspect": rng.choice(topic.aspects),
                "problem": rng.choice(topic.problems),
                "region": region,
                "y1": str(end - rng.randint(3, 7)),
                "y2": str(end - rng.randint(0, 2)),
            }
            title = capitalize_first(fill(rng.choice(TEMPLATES["en_titles"]), rng, values))
            sentences = [
                fill(rng.choice(templates), rng, values) for templates in EN_ABSTRACT_SENTENCES
            ]
            return title, " ".join(s for s in sentences if s)

        return self._unique(make, stems)

    def russian(self, topic: Topic, region_ru: str, focus: Focus) -> tuple[str, str]:
        """A Russian title and abstract (whole Russian sentences of the topic)."""
        rng = self.rng
        values = {"region_ru": region_ru}

        def make() -> tuple[str, str]:
            subject = rng.choice(focus.ru_subjects)
            aspect = rng.choice(topic.ru_aspects)
            suffix = fill(rng.choice(TEMPLATES["ru_region_suffixes"]), rng, values)
            if suffix.startswith(":"):
                title = subject + suffix
            elif rng.random() < 0.6:
                title = f"{subject}: {aspect}{suffix}"
            else:
                title = f"{subject}{suffix}" if suffix else f"{subject}: {aspect}"
            sentences = [
                fill(rng.choice(pool), rng, values)
                for pool in (topic.ru_aims, topic.ru_methods, topic.ru_results)
            ]
            if rng.random() < 0.7:
                sentences.append(fill(rng.choice(topic.ru_impacts), rng, values))
            return title, " ".join(sentences)

        return self._unique(make)

    def chinese(self, topic: str) -> tuple[str, str, list[str]]:
        title, abstract, keywords = self.zh_pool[topic].pop()
        self.used_titles.add(title.lower())
        return title, abstract, keywords

    def chinese_available(self, topic: str) -> int:
        return len(self.zh_pool.get(topic, ()))


def title_stem(title: str) -> str:
    """The part of a title before a colon: one author does not reuse it."""
    return title.split(":")[0].strip().lower()


@dataclass(frozen=True)
class Focus:
    """The part of a topic one researcher works on: a few objects, methods and subjects."""

    objects: tuple[str, ...]
    methods: tuple[str, ...]
    ru_subjects: tuple[str, ...]

    @classmethod
    def draw(cls, rng: random.Random, topic: Topic) -> Focus:
        return cls(
            objects=tuple(rng.sample(list(topic.objects), 3)),
            methods=tuple(rng.sample(list(topic.methods), 4)),
            ru_subjects=tuple(rng.sample(list(topic.ru_subjects), 5)),
        )


def build_zh_pool(rng: random.Random) -> dict[str, list[tuple[str, str, list[str]]]]:
    """Chinese papers per topic (CSL rows, then the demo's own mining texts), shuffled."""
    pool: dict[str, list[tuple[str, str, list[str]]]] = defaultdict(list)
    for paper in CSL_PAPERS + CHINESE_PAPERS["written_for_demo"]["papers"]:
        keywords = split_keywords(paper["keywords"])
        pool[paper["topic"]].append((paper["title"], paper["abstract"], keywords))
    for topic in sorted(pool):
        rng.shuffle(pool[topic])
    return dict(pool)


def split_keywords(keywords: str) -> list[str]:
    return [k.strip() for k in keywords.split(";") if k.strip()]


# =============================================================================================
# People
# =============================================================================================


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
    for language in ("en", "ru"):
        if all(language in p.languages_for_publications() for p in team):
            return language
    return None


def can_work_together(team: Sequence[Person]) -> bool:
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


# =============================================================================================
# Records
# =============================================================================================


def email_for(person: Person, used: set[str]) -> str | None:
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
    return f"{inst.phone_prefix} 555-{rng.randint(0, 9999):04d}"


def keywords_for(rng: random.Random, person: Person) -> list[str]:
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
    native = list(NATIVE_LANGUAGES[person.country])
    if person.style == "ru":
        return native if "ru" in native else [*native, "ru"]
    if person.style == "zh":
        return native
    return [*native, "en"]


def publication_record(pub: dict[str, Any]) -> dict[str, Any]:
    return {key: pub[key] for key in ("title", "abstract", "year", "coauthors")}


def person_profile(rng: random.Random, person: Person, emails: set[str]) -> Profile:
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
    return [Office(**office) for office in OFFICES]


def call_records() -> list[Call]:
    return [Call(**call) for call in CALLS]


@dataclass
class World:
    """The four record lists of a dataset."""

    institutions: list[Institution]
    offices: list[Office]
    profiles: list[Profile]
    calls: list[Call]

    def records(self) -> dict[str, Sequence[BaseModel]]:
        return {name: getattr(self, name) for name in FILES}

    @cached_property
    def profile_index(self) -> dict[str, Profile]:
        return {p.id: p for p in self.profiles}

    @cached_property
    def institution_index(self) -> dict[str, Institution]:
        return {i.id: i for i in self.institutions}


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
    return world


# =============================================================================================
# Check: every call can be staffed (through the routes the demo promises)
# =============================================================================================

# Calls that can only be staffed once a negotiating office opens (the "what if" of the demo).
WHAT_IF_CALLS = {"c-ru-by-materials": "off-kuzbass-by"}
# Routes that do not depend on how an engine treats an office's whole host country.
STRICT_ROUTES = frozenset({"domestic", "collaboration", "office_partner", "agreement"})


def route_to(profile: Profile, world: World, open_offices: set[str]) -> str | None:
    """How a profile is reached from Russia: the best route, or ``None``.

    ``domestic`` (Russian), ``collaboration`` (joint work with a Russian profile),
    ``office_partner`` (its institution is a partner of an open office), ``agreement`` (its
    institution signed an agreement with a Russian one), ``office`` (an open office in its
    country, without a partnership: the weakest route).
    """
    profiles, institutions = world.profile_index, world.institution_index
    if profile.country == HOME_COUNTRY:
        return "domestic"
    if any(c in profiles and profiles[c].country == HOME_COUNTRY for c in profile.collaborators):
        return "collaboration"
    open_now = [o for o in world.offices if o.id in open_offices]
    if any(profile.institution in o.partner_institutions for o in open_now):
        return "office_partner"
    inst = institutions.get(profile.institution or "")
    if inst is not None and any(
        a in institutions and institutions[a].country == HOME_COUNTRY for a in inst.agreements
    ):
        return "agreement"
    if any(o.country == profile.country for o in open_now):
        return "office"
    return None


def open_office_ids(world: World, also_open: Iterable[str] = ()) -> set[str]:
    return {o.id for o in world.offices if o.status == "open"} | set(also_open)


def call_candidates(
    call: Call, world: World, open_offices: set[str], routes: frozenset[str] = STRICT_ROUTES
) -> list[Profile]:
    """Profiles on the call's topic that its rules admit and that a route reaches."""
    rules = call.rules
    topics = set((call.model_extra or {}).get("topics", []))
    consortia = set(rules.eligible_consortia or ())
    members = {i.id for i in world.institutions if consortia & set(i.consortia)}
    return [
        p
        for p in world.profiles
        if p.kind in rules.member_kinds
        and rules.country_is_eligible(p.country)
        and topics & set((p.model_extra or {}).get("topics", []))
        and (not consortia or p.institution in members)
        and route_to(p, world, open_offices) in routes
    ]


def team_meets_rules(call: Call, team: Sequence[Profile]) -> bool:
    """Whether ``team`` (lead first) satisfies every rule of the call."""
    rules = call.rules
    countries = Counter(p.country for p in team)
    stages = Counter(p.career_stage for p in team)
    per_institution = Counter(p.institution for p in team)
    lead = team[0] if team else None
    return (
        rules.min_team_size <= len(team) <= rules.max_team_size
        and len({p.id for p in team}) == len(team)
        and all(countries[c] >= k for c, k in rules.required_countries.items())
        and all(stages[s] >= k for s, k in rules.min_career_stage_counts.items())
        and all(rules.country_is_eligible(p.country) and p.kind in rules.member_kinds for p in team)
        and (
            rules.max_per_institution is None
            or max(per_institution.values()) <= rules.max_per_institution
        )
        and lead is not None
        and (rules.lead_countries is None or lead.country in rules.lead_countries)
        and (rules.lead_career_stages is None or lead.career_stage in rules.lead_career_stages)
    )


def find_team(call: Call, pool: Sequence[Profile]) -> list[Profile] | None:
    """A greedy team meeting the call's rules from ``pool`` (lead first), or ``None``."""
    rules = call.rules
    pool = sorted(pool, key=lambda p: p.id)
    leads = [
        p
        for p in pool
        if (rules.lead_countries is None or p.country in rules.lead_countries)
        and (rules.lead_career_stages is None or p.career_stage in rules.lead_career_stages)
    ]
    for lead in leads[:25]:
        team = [lead]

        def can_add(p: Profile, team: list[Profile] = team) -> bool:
            same_institution = sum(m.institution == p.institution for m in team)
            return (
                p.id not in {m.id for m in team}
                and len(team) < rules.max_team_size
                and (
                    rules.max_per_institution is None
                    or same_institution < rules.max_per_institution
                )
            )

        for country, need in sorted(rules.required_countries.items()):
            for p in pool:
                if sum(m.country == country for m in team) >= need:
                    break
                if p.country == country and can_add(p):
                    team.append(p)
        for stage, need in sorted(rules.min_career_stage_counts.items()):
            for p in pool:
                if sum(m.career_stage == stage for m in team) >= need:
                    break
                if p.career_stage == stage and can_add(p):
                    team.append(p)
        for p in pool:
            if len(team) >= rules.min_team_size:
                break
            if can_add(p):
                team.append(p)
        if team_meets_rules(call, team):
            return team
    return None


def check_calls(world: World, what_if: dict[str, str] = WHAT_IF_CALLS) -> None:
    """Every call can be staffed through strict routes; a what-if call only with its office.

    Not a reference rule (those belong to :func:`matcher.load_dataset`, see
    :func:`write_validated`): this is the promise the demo makes about its world.
    """
    for call in world.calls:
        opened = open_office_ids(world)
        team = find_team(call, call_candidates(call, world, opened))
        office = what_if.get(call.id)
        if office is None and team is None:
            raise ValueError(f"call {call.id} cannot be staffed")
        if office is not None:
            if team is not None:
                raise ValueError(f"call {call.id} is staffed without opening {office}")
            opened = open_office_ids(world, [office])
            if find_team(call, call_candidates(call, world, opened)) is None:
                raise ValueError(f"call {call.id} cannot be staffed even with {office} open")


# =============================================================================================
# Writing
# =============================================================================================


def to_json_line(record: BaseModel) -> str:
    return json.dumps(record.model_dump(mode="json", exclude_none=True), ensure_ascii=False)


def write_world(world: World, out_dir: Path) -> list[Path]:
    """Write the four JSON Lines files (``\\n`` line ends, UTF-8) and return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, records in world.records().items():
        path = out_dir / f"{name}.jsonl"
        with path.open("w", encoding="utf-8", newline="\n") as handle:
            for record in records:
                handle.write(to_json_line(record) + "\n")
        paths.append(path)
    return paths


def write_validated(world: World, out_dir: Path) -> list[Path]:
    """Write the four files into ``out_dir`` once :func:`matcher.load_dataset` accepts them.

    The loader owns the reference rules (unique ids, known institutions, office partners,
    agreements, collaborators and coauthors), so a generator bug surfaces as the loader's
    error naming file, line and field. The files are staged next to their targets and moved
    over them only when they load: a rejected world leaves ``out_dir`` as it was.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".staging-") as staging:
        paths = {path.stem: path for path in write_world(world, Path(staging))}
        load_dataset(
            paths["profiles"],
            paths["calls"],
            institutions=paths["institutions"],
            offices=paths["offices"],
        )
        return [path.replace(out_dir / path.name) for path in paths.values()]


# =============================================================================================
# README of the demo dataset (generated, so that its numbers always match the files)
# =============================================================================================

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
    return TOPICS[slug].label


def by_frequency(values: Iterable[str]) -> list[str]:
    """Distinct values, the most frequent first, ties in alphabetical order."""
    counts = Counter(values)
    return sorted(counts, key=lambda value: (-counts[value], value))


def institution_table(world: World) -> str:
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
    }


def describe(world: World, seed: int) -> str:
    """The README of the demo dataset: its template filled in and re-wrapped."""
    template = (DATA_DIR / "dataset_readme.md").read_text(encoding="utf-8")
    return reflow(template.format_map(readme_values(world, seed)))


# =============================================================================================
# The small hand-written test fixture (tests/fixtures/small, documented in its README.md)
# =============================================================================================


FIXTURE_WHAT_IF = {"c-by-materials": "off-kuzbass-by"}


def fixture_profile(record: dict[str, Any]) -> Profile:
    """A profile of ``small_fixture.json``; researchers there leave out what all of them share.

    Left out: ``kind`` (researcher), ``country`` (the institution id's prefix), ``languages``
    (Russian and English) and ``contact`` (a placeholder address).
    """
    if record.get("kind", "researcher") != "researcher":
        return Profile(**record)
    defaults = {
        "kind": "researcher",
        "country": record["institution"][:2].upper(),
        "languages": ["ru", "en"],
        "contact": {"email": f"{record['id']}@example.org", "phone": "+7 3842 555-0100"},
    }
    return Profile(**{**defaults, **record})


def small_fixture() -> World:
    """About thirty hand-written profiles, three calls, three offices (one negotiating)."""
    table = read_table("small_fixture")
    world = World(
        institutions=[Institution(**record) for record in table["institutions"]],
        offices=[Office(**record) for record in table["offices"]],
        profiles=[fixture_profile(record) for record in table["profiles"]],
        calls=[Call(**record) for record in table["calls"]],
    )
    check_calls(world, FIXTURE_WHAT_IF)
    return world


# =============================================================================================
# Command line
# =============================================================================================


def write_outputs(seed: int, out: Path, fixture_out: Path | None) -> tuple[World, list[Path]]:
    """Generate and write the demo dataset with its README, and the fixture unless ``None``."""
    world = generate(seed)
    written = write_validated(world, out)
    readme = out / "README.md"
    readme.write_text(describe(world, seed), encoding="utf-8", newline="\n")
    written.append(readme)
    if fixture_out is not None:
        written += write_validated(small_fixture(), fixture_out)
    return world, written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (2026)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="demo dataset folder")
    parser.add_argument(
        "--fixture-out", type=Path, default=DEFAULT_FIXTURE_OUT, help="small test fixture folder"
    )
    parser.add_argument("--skip-fixture", action="store_true", help="write the demo only")
    parser.add_argument("--quiet", action="store_true", help="print nothing")
    args = parser.parse_args(argv)

    fixture_out = None if args.skip_fixture else args.fixture_out
    try:
        world, written = write_outputs(args.seed, args.out, fixture_out)
    except InputError as error:  # a generator bug: the loader says where
        print(f"generated data rejected by matcher.load_dataset: {error}", file=sys.stderr)
        return 1
    if not args.quiet:
        for path in written:
            print(f"wrote {path}")
        print(
            f"{len(world.profiles)} profiles, {len(world.calls)} calls, "
            f"{len(world.institutions)} institutions, {len(world.offices)} offices"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
