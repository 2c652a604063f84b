"""Entity resolution: precision and recall of ``matcher.identity`` on real name variants.

Labelled sets (``benchmarks/data/entity_resolution/``, provenance in ``README.md`` there;
``--build`` rebuilds the CORDIS ones from ``../shared/data``):

* ``cordis_organisation_variants.jsonl``: 1,500 CORDIS organisations (one PIC each) that
  appear under another name: their ``shortName`` or a second legal name. Each variant is a
  query, to be resolved (with the organisation's country) against the legal names of all
  19,365 CORDIS organisations; 500 of the 1,500 are held out of the reference, so their
  variants must stay unresolved (open world).
* ``cordis_universities.jsonl``: CORDIS higher-education organisations whose web site's
  domain is a domain of the bundled world-universities list (the label), and 400 private
  companies (label: none), resolved by legal name and country against the bundled list.
* ``handmade_cyrillic_latin.jsonl``: 51 hand-made Russian, Kazakh and Mongolian university
  names, acronyms and Latin variants against the bundled list (hand-made: see README).
* ``cordis_author_variants.jsonl``: CORDIS publications listed twice (same DOI) with author
  lists written differently; aligned authors are positive pairs, different authors of one
  paper negative pairs.

Institution metrics: a query is *resolved* when the resolver says so (``review`` is not a
resolution); precision = correct resolutions / resolutions, recall = correct resolutions /
queries whose institution is in the reference. Person metrics: pairwise precision and
recall of the merge decision (and of merge-or-review).

Usage::

    python benchmarks/entity_resolution.py [--build]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import platform
import random
import re
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from matcher.identity import (
    InstitutionResolver,
    PersonRecord,
    PersonResolver,
    ReferenceInstitution,
    bundled_universities,
    simple_form,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data" / "entity_resolution"
CORDIS = ROOT.parent / "shared" / "data" / "cordis-dev"

ORG_SAMPLE = 1500
ORG_HELD_OUT = 500
UNIVERSITY_SAMPLE = 800
COMPANY_SAMPLE = 400
NEGATIVES_PER_PAPER = 4
SEED = 17


# -- building the labelled sets ------------------------------------------------------------


def _organisations() -> dict[str, dict[str, Any]]:
    organisations: dict[str, dict[str, Any]] = {}
    with (CORDIS / "organizations.csv").open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            entry = organisations.setdefault(
                row["organisationID"],
                {
                    "organisationID": row["organisationID"],
                    "country": row["country"],
                    "activityType": row["activityType"],
                    "url": row["url"],
                    "legalNames": [],
                    "shortNames": [],
                },
            )
            for field, key in (("legalName", "legalNames"), ("shortName", "shortNames")):
                value = row[field].strip()
                if value and value not in entry[key]:
                    entry[key].append(value)
            entry["url"] = entry["url"] or row["url"]
    return organisations


def build_organisation_variants(organisations: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    with_variants = []
    for entry in organisations.values():
        if not entry["legalNames"]:
            continue
        legal = entry["legalNames"][0]
        variants = [{"name": n, "source": "legalName"} for n in entry["legalNames"][1:]]
        variants += [
            {"name": n, "source": "shortName"}
            for n in entry["shortNames"]
            if n not in entry["legalNames"]
        ]
        if variants:
            with_variants.append(
                {
                    "organisationID": entry["organisationID"],
                    "country": entry["country"],
                    "activityType": entry["activityType"],
                    "legalName": legal,
                    "variants": variants,
                }
            )
    rng = random.Random(SEED)
    sample = rng.sample(sorted(with_variants, key=lambda e: e["organisationID"]), ORG_SAMPLE)
    held_out = set(rng.sample(range(ORG_SAMPLE), ORG_HELD_OUT))
    for index, entry in enumerate(sample):
        entry["held_out"] = index in held_out
    return sample


def _host(url: str) -> str:
    host = urlparse(url if "//" in url else f"http://{url}").hostname or ""
    return host.removeprefix("www.")


def build_universities(organisations: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    # A bundled entry's id holds its first domain (the 280 entries with more than one are
    # matched on the first only).
    domains = {
        entry.id.split(":", 1)[1]: entry.id.split(":", 1)[1] for entry in bundled_universities()
    }
    matched, companies = [], []
    for entry in organisations.values():
        host = _host(entry["url"]) if entry["url"] else ""
        if entry["activityType"] == "HES" and host:
            parts = host.split(".")
            suffixes = [".".join(parts[i:]) for i in range(len(parts) - 1)]
            found = next((domains[s] for s in suffixes if s in domains), None)
            if found is not None:
                matched.append(_university_row(entry, f"world-universities:{found}"))
        elif entry["activityType"] == "PRC" and entry["legalNames"]:
            companies.append(_university_row(entry, None))
    rng = random.Random(SEED)
    matched.sort(key=lambda row: row["organisationID"])
    companies.sort(key=lambda row: row["organisationID"])
    return rng.sample(matched, min(UNIVERSITY_SAMPLE, len(matched))) + rng.sample(
        companies, COMPANY_SAMPLE
    )


def _university_row(entry: dict[str, Any], truth: str | None) -> dict[str, Any]:
    return {
        "organisationID": entry["organisationID"],
        "legalName": entry["legalNames"][0],
        "country": entry["country"],
        "url": entry["url"],
        "truth": truth,
    }


def split_authors(text: str) -> list[str]:
    """An author list as CORDIS gives it, split into names (``;`` or ``,``/``and``)."""
    text = re.sub(r"^\s*by\s+", "", text.strip())
    parts = text.split(";") if ";" in text else re.split(r",|\band\b|&", text)
    names = [part.strip(" .*") for part in parts if part.strip(" .*")]
    if ";" in text:
        return names
    # "Ciavarella, M., Tricarico, M.": a surname, then its initials.
    initials = re.compile(r"(?:[A-ZÀ-Ý]\.?\s*-?)+")
    joined: list[str] = []
    for name in names:
        if joined and initials.fullmatch(name) and " " not in joined[-1]:
            joined[-1] = f"{joined[-1]}, {name}"
        else:
            joined.append(name)
    return joined


def _plain_words(name: str) -> set[str]:
    """Lower-case ASCII words of 3+ letters: the parser-independent alignment check."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return {word for word in re.split(r"[^a-z]+", ascii_text) if len(word) >= 3}


def build_author_variants() -> list[dict[str, Any]]:
    by_doi: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with (CORDIS / "publications.csv").open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            doi, authors = row["doi"].strip().lower(), row["authors"].strip()
            if doi and authors and authors not in (a for _, a in by_doi[doi]):
                by_doi[doi].append((row["projectID"], authors))
    kept = []
    for doi in sorted(by_doi):
        versions = by_doi[doi]
        if len(versions) < 2:
            continue
        first, second = split_authors(versions[0][1]), split_authors(versions[1][1])
        if len(first) != len(second) or len(first) < 2:
            continue
        agreeing = sum(
            bool(_plain_words(a) & _plain_words(b)) for a, b in zip(first, second, strict=True)
        )
        if agreeing < 0.8 * len(first):  # the lists are in another order: no alignment
            continue
        kept.append({"doi": doi, "projectID": versions[0][0], "a": first, "b": second})
    return kept


def build() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    organisations = _organisations()
    _write(DATA / "cordis_organisation_variants.jsonl", build_organisation_variants(organisations))
    _write(DATA / "cordis_universities.jsonl", build_universities(organisations))
    _write(DATA / "cordis_author_variants.jsonl", build_author_variants())


def _write(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as stream:
        for row in rows:
            stream.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} rows to {path.relative_to(ROOT)}")


def _read(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as stream:
        return [json.loads(line) for line in stream if line.strip()]


# -- institution systems -------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    name: str
    country: str | None
    truth: str | None  # the reference id, or None when the institution is not in it
    group: str


Resolve = Callable[[str, str | None], str | None]


def exact_system(reference: Sequence[ReferenceInstitution], form: Callable[[str], str]) -> Resolve:
    """Baseline: the name equals a reference name (after ``form``), within the country."""
    index: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for entry in reference:
        for name in entry.names:
            index[(form(name), entry.country)].append(entry.id)

    def resolve(name: str, country: str | None) -> str | None:
        found = list(dict.fromkeys(index.get((form(name), country), [])))
        return found[0] if len(found) == 1 else None  # several: ambiguous, no answer

    return resolve


def resolver_system(reference: Sequence[ReferenceInstitution], **params: Any) -> Resolve:
    fitted = InstitutionResolver(**params).fit(reference)

    def resolve(name: str, country: str | None) -> str | None:
        match = fitted.resolve_one(name, country)
        return match.reference_id if match.status == "resolved" else None

    return resolve


def systems(reference: Sequence[ReferenceInstitution]) -> Iterator[tuple[str, Resolve]]:
    yield "exact name (baseline)", exact_system(reference, lambda name: name)
    yield "normalised exact (baseline)", exact_system(reference, simple_form)
    yield (
        "key exact (translit., legal forms, concepts)",
        resolver_system(reference, use_fuzzy=False, use_acronyms=False),
    )
    yield "key exact + acronyms", resolver_system(reference, use_fuzzy=False)
    yield "full (+ fuzzy), threshold 0.9 [default]", resolver_system(reference)
    yield "full, threshold 0.8", resolver_system(reference, threshold=0.8, review_threshold=0.7)
    yield "full, threshold 0.95", resolver_system(reference, threshold=0.95)


def score(queries: Sequence[Query], resolve: Resolve) -> dict[str, float]:
    resolved = correct = in_reference = 0
    for query in queries:
        answer = resolve(query.name, query.country)
        in_reference += query.truth is not None
        if answer is not None:
            resolved += 1
            correct += answer == query.truth
    precision = correct / resolved if resolved else float("nan")
    recall = correct / in_reference if in_reference else float("nan")
    return {"queries": len(queries), "resolved": resolved, "precision": precision, "recall": recall}


def organisation_queries() -> tuple[list[Query], list[ReferenceInstitution]]:
    labelled = _read(DATA / "cordis_organisation_variants.jsonl")
    held_out = {row["organisationID"] for row in labelled if row["held_out"]}
    reference = [
        ReferenceInstitution(
            entry["organisationID"], entry["legalNames"][0], _iso(entry["country"])
        )
        for entry in _organisations().values()
        if entry["legalNames"] and entry["organisationID"] not in held_out
    ]
    queries = [
        Query(
            variant["name"],
            _iso(row["country"]),
            None if row["held_out"] else row["organisationID"],
            variant["source"],
        )
        for row in labelled
        for variant in row["variants"]
    ]
    return queries, reference


def _iso(code: str) -> str | None:
    return {"UK": "GB", "EL": "GR"}.get(code, code) or None


def university_queries() -> list[Query]:
    return [
        Query(row["legalName"], _iso(row["country"]), row["truth"],
              "university" if row["truth"] else "company")
        for row in _read(DATA / "cordis_universities.jsonl")
    ]  # fmt: skip


def handmade_queries() -> list[Query]:
    return [
        Query(row["query"], row["country"], row["truth"], row["variant"])
        for row in _read(DATA / "handmade_cyrillic_latin.jsonl")
    ]


# -- people --------------------------------------------------------------------------------


def person_pairs() -> list[tuple[PersonRecord, PersonRecord, bool]]:
    """Aligned authors written differently (positive); other authors of the same paper
    (negative): four at random per paper, plus every pair sharing a word of their names
    (hard negatives: "Wang, J." and "Wang, L." on one paper are two people)."""
    rng = random.Random(SEED)
    pairs = []
    for paper in _read(DATA / "cordis_author_variants.jsonl"):
        a, b = paper["a"], paper["b"]
        if any(a[i] == b[j] for i in range(len(a)) for j in range(len(b)) if i != j):
            continue  # one name at two positions: the lists are not aligned (or list it twice)

        def record(
            names: list[str], index: int, side: str, doi: str = paper["doi"]
        ) -> PersonRecord:
            others = tuple(name for j, name in enumerate(names) if j != index)
            return PersonRecord(f"{doi}/{side}{index}", names[index], coauthors=others)

        for index in range(len(a)):
            if a[index] != b[index]:
                pairs.append((record(a, index, "a"), record(b, index, "b"), True))
        negatives = [(i, j) for i in range(len(a)) for j in range(len(b)) if i != j]
        hard = {(i, j) for i, j in negatives if _plain_words(a[i]) & _plain_words(b[j])}
        easy = [pair for pair in negatives if pair not in hard]
        chosen = sorted(hard) + rng.sample(easy, min(NEGATIVES_PER_PAPER, len(easy)))
        for i, j in chosen:
            pairs.append((record(a, i, "a"), record(b, j, "b"), False))
    return pairs


def person_scores(
    pairs: Sequence[tuple[PersonRecord, PersonRecord, bool]],
    decide: Callable[[PersonRecord, PersonRecord], bool],
) -> dict[str, float]:
    tp = fp = fn = hard_fp = 0
    for first, second, same in pairs:
        said = decide(first, second)
        tp += said and same
        fp += said and not same
        fn += same and not said
        hard_fp += said and not same and bool(_plain_words(first.name) & _plain_words(second.name))
    return {
        "pairs": len(pairs),
        "positives": tp + fn,
        "precision": tp / (tp + fp) if tp + fp else float("nan"),
        "recall": tp / (tp + fn) if tp + fn else float("nan"),
        "false merges of namesakes": hard_fp,
    }


def person_systems() -> Iterator[tuple[str, Callable[[PersonRecord, PersonRecord], bool]]]:
    yield "exact name (baseline)", lambda a, b: a.name == b.name
    yield "normalised exact (baseline)", lambda a, b: simple_form(a.name) == simple_form(b.name)
    names_only = PersonResolver(use_coauthors=False)
    with_coauthors = PersonResolver()
    yield "name variants only: merge", lambda a, b: names_only.compare(a, b).decision == "merge"
    yield (
        "name variants only: merge or review",
        lambda a, b: names_only.compare(a, b).decision != "distinct",
    )
    yield (
        "+ co-authors: merge [default]",
        lambda a, b: with_coauthors.compare(a, b).decision == "merge",
    )
    yield (
        "+ co-authors: merge or review",
        lambda a, b: with_coauthors.compare(a, b).decision != "distinct",
    )


# -- main ----------------------------------------------------------------------------------


def _table(title: str, rows: list[tuple[str, dict[str, float]]], columns: Sequence[str]) -> None:
    print(f"\n### {title}\n")
    print("| system | " + " | ".join(columns) + " |")
    print("|---|" + "---|" * len(columns))
    for name, figures in rows:
        cells = [
            f"{figures[c]:.3f}" if isinstance(figures[c], float) else f"{figures[c]:,}"
            for c in columns
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", action="store_true", help="Rebuild the CORDIS labelled sets.")
    args = parser.parse_args()
    if args.build:
        build()
    print(f"date {dt.date.today()}, {platform.machine()}, Python {platform.python_version()}")
    columns = ("queries", "resolved", "precision", "recall")

    started = time.perf_counter()
    queries, reference = organisation_queries()
    groups: dict[str, list[Query]] = defaultdict(list)
    for query in queries:
        groups[query.group].append(query)
    rows = []
    for name, resolve in systems(reference):
        rows.append((name, score(queries, resolve)))
        for group, members in sorted(groups.items()):
            rows.append((f"  {name}: {group} variants", score(members, resolve)))
    _table(
        f"CORDIS organisation variants ({len(queries)} queries, reference {len(reference):,} "
        "legal names)",
        rows,
        columns,
    )
    world = bundled_universities()
    for title, labelled in (
        ("CORDIS legal names -> world-universities (web domain labels)", university_queries()),
        ("Hand-made Cyrillic/Latin university variants -> world-universities", handmade_queries()),
    ):
        rows = [(name, score(labelled, resolve)) for name, resolve in systems(world)]
        _table(f"{title} ({len(labelled)} queries)", rows, columns)
    pairs = person_pairs()
    hard = sum(
        not same and bool(_plain_words(a.name) & _plain_words(b.name)) for a, b, same in pairs
    )
    rows = [(name, person_scores(pairs, decide)) for name, decide in person_systems()]
    _table(
        f"CORDIS author variants ({len(pairs)} pairs, {hard} same-paper namesake negatives)",
        rows,
        ("pairs", "positives", "precision", "recall", "false merges of namesakes"),
    )
    print(f"\nwall {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
