"""Shared data loading for the ``benchmarks/embeddings_*.py`` scripts.

Paths are relative to the repository: the data lives in ``../shared/data`` (see its README for
sources and licences; CORDIS: "(c) European Union, CORDIS"; CSL: Apache-2.0), the hand-written
translation sets in ``benchmarks/data``.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

DATA = REPO.parent / "shared" / "data"
BENCH_DATA = REPO / "benchmarks" / "data"
OUT = REPO / "benchmarks" / "out"

csv.field_size_limit(sys.maxsize)


@dataclass(frozen=True)
class Project:
    """One CORDIS project: its id, title, objective (abstract) and topic code."""

    id: str
    title: str
    objective: str
    topic: str


def cordis_projects(limit: int | None = None, stride: int = 1, offset: int = 0) -> list[Project]:
    """CORDIS projects with a title and an objective of at least 200 characters.

    Parameters
    ----------
    limit : int, optional
        Stop after this many.
    stride, offset : int
        Take every ``stride``-th eligible project starting at ``offset`` (a deterministic
        sample spread over the file, which is ordered by project id).

    Returns
    -------
    list of Project
        In file order.
    """
    projects: list[Project] = []
    eligible = 0
    with (DATA / "cordis-dev" / "projects.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            title, objective = row["title"].strip(), row["objective"].strip()
            if not title or len(objective) < 200:
                continue
            if eligible % stride == offset:
                projects.append(Project(row["projectID"], title, objective, row["topicCode"]))
                if limit is not None and len(projects) >= limit:
                    break
            eligible += 1
    return projects


def cordis_publication_titles() -> list[str]:
    """Titles of the CORDIS projects' publications (41,113 rows; duplicates kept).

    Returns
    -------
    list of str
        Non-empty titles in file order.
    """
    with (DATA / "cordis-dev" / "publications.csv").open(newline="", encoding="utf-8") as handle:
        return [row["title"].strip() for row in csv.DictReader(handle) if row["title"].strip()]


def translations() -> list[dict[str, str]]:
    """The hand-written en/ru/zh scientific sentence set (``benchmarks/data``).

    Returns
    -------
    list of dict
        Rows with keys ``id``, ``domain``, ``en``, ``ru``, ``zh``.
    """
    path = BENCH_DATA / "translations_en_ru_zh.tsv"
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def translations_kk_mn() -> list[dict[str, str]]:
    """Kazakh and Mongolian versions of 12 of the sentences (unverified by native speakers).

    Returns
    -------
    list of dict
        Rows with keys ``id`` (of the English sentence), ``kk``, ``mn``.
    """
    path = BENCH_DATA / "translations_en_kk_mn_unverified.tsv"
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def csl_papers() -> list[dict[str, str]]:
    """The 2,000 CSL Chinese papers: title, abstract, keywords, discipline, category.

    Returns
    -------
    list of dict
        Rows of ``csl_papers_devtest.tsv``.
    """
    path = DATA / "csl-chinese" / "csl_papers_devtest.tsv"
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB (Linux ``ru_maxrss``)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
