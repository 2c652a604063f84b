"""Writing publication texts: filling templates, and titles never used twice."""

from __future__ import annotations

import random
import re
import string
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .tables import CHINESE_PAPERS, CSL_PAPERS, TEMPLATES, Topic

# An English abstract: one aim, one method, one result and one impact sentence.
EN_ABSTRACT_SENTENCES = tuple(
    TEMPLATES[f"en_{part}"] for part in ("aims", "methods", "results", "impacts")
)


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
    """Two different entries of ``options``."""
    first, second = rng.sample(list(options), 2)
    return first, second


def has_cyrillic(text: str) -> bool:
    """Whether ``text`` has a Cyrillic letter."""
    return re.search("[\u0400-\u04ff]", text) is not None


def has_han(text: str) -> bool:
    """Whether ``text`` has a Chinese character."""
    return re.search("[\u4e00-\u9fff]", text) is not None


def text_language(text: str) -> str:
    """Rough script-based language of a text: ``zh``, ``ru`` or ``en``."""
    if has_han(text):
        return "zh"
    if has_cyrillic(text):
        return "ru"
    return "en"


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
    """Keywords of a CSL-style ``a; b; c`` string."""
    return [k.strip() for k in keywords.split(";") if k.strip()]
