"""The tables of the demo world: the JSON files of ``scripts/demo_world/``, loaded once.

Every other module reads the world from here, so the files are parsed once per process and
the generator's draws see them in file order (which the seed's output depends on).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parents[1] / "demo_world"
CONSORTIUM = "REC Kuzbass"
HOME_COUNTRY = "RU"


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
# Institutions and the other record tables
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
# People: names, languages, job titles
# =============================================================================================

PEOPLE = read_table("people")
GIVEN_NAMES: dict[str, dict[str, list[str]]] = PEOPLE["given_names"]  # country -> sex -> names
SURNAMES: dict[str, list[list[str]]] = PEOPLE["surnames"]  # country -> [male, female] pairs
SURNAME_FIRST = frozenset(PEOPLE["surname_first"])
NATIVE_LANGUAGES: dict[str, list[str]] = PEOPLE["native_languages"]
POSITIONS: dict[str, dict[str, list[str]]] = PEOPLE["positions"]  # language -> stage -> titles


# =============================================================================================
# Topics, text templates and Chinese papers
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
