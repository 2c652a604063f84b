"""Import throughput: records per second and peak memory of ``grantmatch import`` per source.

Synthetic input, generated (seeded) to each source's published schema, because no real
download of 100,000 records of every source is available offline:

* ``openalex``: works in the snapshot's JSON Lines (3-5 authorships from a pool of authors at
  2,000 institutions, a 120-word abstract as an inverted index, keywords, topics);
* ``orcid-xml``: records of the public data file (3.0 XML, 8 works, 2 employments each) in a
  ``.tar.gz``; ``orcid-json``: the API's record JSON, one per line;
* ``cordis``: a ``;``-separated organisations file of participations (7 per project, from a
  pool of organisations) and the projects file of their projects (200-word objectives);
* ``spreadsheet-csv``: a ``;``-separated sheet with Cyrillic headers and country names;
  ``spreadsheet-xlsx``: the same rows as an XLSX workbook.

Each source is imported in a fresh subprocess (``run_import`` then ``write_import``, what
``grantmatch import`` does), timed, with its peak resident memory (``ru_maxrss``) and the
resident memory before the import (the interpreter and the libraries). Beside it, the
floor: only parsing the same input with the library the importer uses (``json.loads`` per
line, ``csv.reader``, defusedxml ``fromstring`` per record, openpyxl ``iter_rows``), no
records built.

Usage::

    python benchmarks/import_throughput.py [--records 100000] [--only openalex,cordis]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository root importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "benchmarks" / "out" / "import_throughput.md"

WORDS = tuple(
    " ".join(
        [
            "coal methane drainage forecasting soil remediation heavy metals mine dumps",
            "reclamation wear resistant coatings powder metallurgy surfacing machine learning",
            "gas emission longwall seam outburst prevention sensor network groundwater",
            "monitoring carbon capture ammonia hydrogen catalysis membrane solar conversion",
            "energy storage battery model simulation field trial laboratory analysis sample",
            "method result improved efficient robust novel",
        ]
    ).split(" ")
)
COUNTRIES = ("RU", "KZ", "CN", "MN", "BY", "DE", "FR", "ES", "IT", "PL")
COUNTRY_NAMES = ("Россия", "Қазақстан", "Китай", "Монголия", "Беларусь", "РФ", "Kazakhstan")


def _text(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


# -- generators ---------------------------------------------------------------------------


def generate_openalex(folder: Path, records: int, rng: random.Random) -> list[Path]:
    institutions = [
        {
            "id": f"https://openalex.org/I{i}",
            "display_name": f"University {i}",
            "country_code": COUNTRIES[i % len(COUNTRIES)],
            "type": "education" if i % 3 else "facility",
        }
        for i in range(2000)
    ]
    n_authors = max(records // 3, 10)
    path = folder / "works.jsonl"
    with path.open("w", encoding="utf-8") as stream:
        for w in range(records):
            authorships = []
            for a in rng.sample(range(n_authors), rng.randint(3, 5)):
                authorships.append(
                    {
                        "author_position": "middle",
                        "author": {
                            "id": f"https://openalex.org/A{a}",
                            "display_name": f"Author {a}",
                            "orcid": f"https://orcid.org/0000-0002-{a // 10000:04d}-{a % 10000:04d}"
                            if a % 2
                            else None,
                        },
                        "institutions": [institutions[a % len(institutions)]],
                        "countries": [institutions[a % len(institutions)]["country_code"]],
                    }
                )
            index: dict[str, list[int]] = {}
            for position, word in enumerate(_text(rng, 120).split()):
                index.setdefault(word, []).append(position)
            work = {
                "id": f"https://openalex.org/W{w}",
                "doi": f"https://doi.org/10.0000/w{w}",
                "title": _text(rng, 10),
                "display_name": "",
                "publication_year": rng.randint(2000, 2024),
                "language": "en",
                "type": "article",
                "authorships": authorships,
                "abstract_inverted_index": index,
                "keywords": [{"display_name": _text(rng, 2), "score": 0.5} for _ in range(3)],
                "topics": [{"display_name": _text(rng, 3), "score": 0.9}],
                "cited_by_count": rng.randint(0, 50),
            }
            stream.write(json.dumps(work) + "\n")
    return [path]


def _orcid_xml(i: int, rng: random.Random) -> str:
    works = "".join(
        f"<activities:group><work:work-summary><work:title><common:title>{_text(rng, 10)}"
        f"</common:title></work:title><common:external-ids><common:external-id>"
        f"<common:external-id-type>doi</common:external-id-type><common:external-id-value>"
        f"10.0000/o{rng.randint(0, 400_000)}</common:external-id-value></common:external-id>"
        f"</common:external-ids><common:publication-date><common:year>{rng.randint(2000, 2024)}"
        f"</common:year></common:publication-date></work:work-summary></activities:group>"
        for _ in range(8)
    )
    employments = "".join(
        f"<activities:affiliation-group><employment:employment-summary><common:start-date>"
        f"<common:year>{2000 + k * 10}</common:year></common:start-date>"
        + ("<common:end-date><common:year>2010</common:year></common:end-date>" if k == 0 else "")
        + f"<common:organization><common:name>Institute {(i + k) % 3000}</common:name>"
        f"<common:address><common:city>City</common:city><common:country>"
        f"{COUNTRIES[(i + k) % len(COUNTRIES)]}</common:country></common:address>"
        f"</common:organization></employment:employment-summary></activities:affiliation-group>"
        for k in range(2)
    )
    orcid = f"0000-0003-{i // 10000:04d}-{i % 10000:04d}"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<record:record xmlns:record="http://www.orcid.org/ns/record" '
        'xmlns:common="http://www.orcid.org/ns/common" '
        'xmlns:person="http://www.orcid.org/ns/person" '
        'xmlns:personal-details="http://www.orcid.org/ns/personal-details" '
        'xmlns:keyword="http://www.orcid.org/ns/keyword" '
        'xmlns:address="http://www.orcid.org/ns/address" '
        'xmlns:activities="http://www.orcid.org/ns/activities" '
        'xmlns:employment="http://www.orcid.org/ns/employment" '
        'xmlns:work="http://www.orcid.org/ns/work">'
        f"<common:orcid-identifier><common:path>{orcid}</common:path></common:orcid-identifier>"
        "<person:person><person:name><personal-details:given-names>Given "
        f"{i}</personal-details:given-names><personal-details:family-name>Family"
        "</personal-details:family-name></person:name><person:biography>"
        f"<personal-details:content>{_text(rng, 40)}</personal-details:content>"
        "</person:biography><address:addresses><address:address><address:country>"
        f"{COUNTRIES[i % len(COUNTRIES)]}</address:country></address:address></address:addresses>"
        f"<keyword:keywords><keyword:keyword><keyword:content>{_text(rng, 2)}, {_text(rng, 2)}"
        "</keyword:content></keyword:keyword></keyword:keywords></person:person>"
        "<activities:activities-summary><activities:employments>"
        f"{employments}</activities:employments><activities:works>{works}</activities:works>"
        "</activities:activities-summary></record:record>"
    )


def generate_orcid_xml(folder: Path, records: int, rng: random.Random) -> list[Path]:
    path = folder / "ORCID_summaries.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for i in range(records):
            data = _orcid_xml(i, rng).encode("utf-8")
            info = tarfile.TarInfo(f"summaries/{i % 1000:03d}/{i}.xml")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return [path]


def _doi(rng: random.Random) -> str:
    return f"10.0000/o{rng.randint(0, 400_000)}"


def generate_orcid_json(folder: Path, records: int, rng: random.Random) -> list[Path]:
    path = folder / "records.jsonl"
    with path.open("w", encoding="utf-8") as stream:
        for i in range(records):
            orcid = f"0000-0003-{i // 10000:04d}-{i % 10000:04d}"
            record = {
                "orcid-identifier": {"path": orcid},
                "person": {
                    "name": {"given-names": {"value": f"Given {i}"}, "family-name": {"value": "F"}},
                    "biography": {"content": _text(rng, 40)},
                    "addresses": {"address": [{"country": {"value": COUNTRIES[i % 10]}}]},
                    "keywords": {"keyword": [{"content": f"{_text(rng, 2)}, {_text(rng, 2)}"}]},
                },
                "activities-summary": {
                    "employments": {
                        "affiliation-group": [
                            {
                                "summaries": [
                                    {
                                        "employment-summary": {
                                            "start-date": {"year": {"value": str(2000 + 10 * k)}},
                                            "end-date": {"year": {"value": "2010"}}
                                            if k == 0
                                            else None,
                                            "organization": {
                                                "name": f"Institute {(i + k) % 3000}",
                                                "address": {"country": COUNTRIES[(i + k) % 10]},
                                            },
                                        }
                                    }
                                ]
                            }
                            for k in range(2)
                        ]
                    },
                    "works": {
                        "group": [
                            {
                                "work-summary": [
                                    {
                                        "title": {"title": {"value": _text(rng, 10)}},
                                        "publication-date": {"year": {"value": "2020"}},
                                        "external-ids": {
                                            "external-id": [
                                                {
                                                    "external-id-type": "doi",
                                                    "external-id-value": _doi(rng),
                                                }
                                            ]
                                        },
                                    }
                                ]
                            }
                            for _ in range(8)
                        ]
                    },
                },
            }
            stream.write(json.dumps(record) + "\n")
    return [path]


def generate_cordis(folder: Path, records: int, rng: random.Random) -> list[Path]:
    per_project = 7
    n_projects = max(records // per_project, 1)
    n_organisations = max(records // 4, 10)
    projects = folder / "project.csv"
    organisations = folder / "organization.csv"
    with projects.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(["id", "acronym", "status", "title", "startDate", "objective", "keywords"])
        for p in range(n_projects):
            writer.writerow(
                [
                    100000000 + p,
                    f"P{p}",
                    "SIGNED",
                    _text(rng, 10),
                    f"{rng.randint(2014, 2023)}-0{rng.randint(1, 9)}-01",
                    _text(rng, 200),
                    f"{_text(rng, 2)}, {_text(rng, 2)}, {_text(rng, 1)}",
                ]
            )
    with organisations.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(
            [
                "projectID",
                "projectAcronym",
                "organisationID",
                "name",
                "shortName",
                "role",
                "country",
                "city",
                "activityType",
            ]
        )
        kinds = ("HES", "REC", "PRC", "PUB", "OTH")
        rows = 0
        for p in range(n_projects):
            for o in rng.sample(range(n_organisations), per_project):
                role = "coordinator" if rows % per_project == 0 else "participant"
                writer.writerow(
                    [
                        100000000 + p,
                        f"P{p}",
                        900000000 + o,
                        f"ORGANISATION {o}",
                        f"O{o}",
                        role,
                        ("UK", "EL", *COUNTRIES)[o % 12],
                        "CITY",
                        kinds[o % 5],
                    ]
                )
                rows += 1
    return [projects, organisations]


HEADER = [
    "№",
    "ФИО",
    "Организация",
    "Страна",
    "Ключевые слова",
    "Языки",
    "Научные интересы",
    "Публикации",
    "Этап карьеры",
    "E-mail",
]
STAGES = ("аспирант", "доцент", "профессор", "кандидат наук", "senior")


def _sheet_rows(records: int, rng: random.Random) -> list[list[object]]:
    return [
        [
            i + 1,
            f"Фамилия{i} Имя Отчество",
            f"Университет {i % 3000}",
            COUNTRY_NAMES[i % len(COUNTRY_NAMES)],
            f"{_text(rng, 2)}; {_text(rng, 2)}",
            "русский, английский",
            _text(rng, 30),
            f"{_text(rng, 8)} (2021); {_text(rng, 8)} (2023)",
            STAGES[i % len(STAGES)],
            f"user{i}@example.org",
        ]
        for i in range(records)
    ]


def generate_spreadsheet_csv(folder: Path, records: int, rng: random.Random) -> list[Path]:
    path = folder / "researchers.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(_sheet_rows(records, rng))
    return [path]


def generate_spreadsheet_xlsx(folder: Path, records: int, rng: random.Random) -> list[Path]:
    from openpyxl import Workbook

    path = folder / "researchers.xlsx"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for row in _sheet_rows(records, rng):
        sheet.append(row)
    workbook.save(path)
    return [path]


GENERATORS: dict[str, tuple[str, Callable[[Path, int, random.Random], list[Path]]]] = {
    "openalex": ("openalex", generate_openalex),
    "orcid-xml": ("orcid", generate_orcid_xml),
    "orcid-json": ("orcid", generate_orcid_json),
    "cordis": ("cordis", generate_cordis),
    "spreadsheet-csv": ("spreadsheet", generate_spreadsheet_csv),
    "spreadsheet-xlsx": ("spreadsheet", generate_spreadsheet_xlsx),
}


# -- the measured runs (each in its own process) ------------------------------------------


def _rss_mib() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_rss_mib() -> float:
    with open("/proc/self/statm") as stream:
        return int(stream.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def worker_import(source: str, files: list[str], out: str, *, resolve: bool) -> dict[str, Any]:
    from matcher.importers import IdentityOptions, run_import, write_import

    before = _current_rss_mib()
    start = time.perf_counter()
    result = run_import(source, files, identity=IdentityOptions(resolve=resolve))
    write_import(result, out)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "rss_before": before,
        "rss_peak": _rss_mib(),
        "counts": result.counts(),
    }


def worker_floor(name: str, files: list[str]) -> dict[str, Any]:
    """Only parse the input with the importer's library, building nothing."""
    from defusedxml.ElementTree import fromstring
    from openpyxl import load_workbook

    before = _current_rss_mib()
    start = time.perf_counter()
    items = 0
    for file in files:
        if name == "orcid-xml":
            with tarfile.open(file, "r:*") as archive:
                for member in archive:
                    stream = archive.extractfile(member)
                    if stream is not None:
                        fromstring(stream.read())
                        items += 1
        elif file.endswith(".jsonl"):
            for line in Path(file).read_text(encoding="utf-8").split("\n"):
                if line:
                    json.loads(line)
                    items += 1
        elif file.endswith(".xlsx"):
            workbook = load_workbook(file, read_only=True, data_only=True)
            items += sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True)) - 1
            workbook.close()
        else:
            text = Path(file).read_text(encoding="utf-8")
            items += sum(1 for _ in csv.reader(io.StringIO(text, newline=""), delimiter=";")) - 1
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "rss_before": before, "rss_peak": _rss_mib(), "items": items}


def _run_worker(args: list[str]) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"worker {args[:2]} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--only", default=",".join(GENERATORS))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument(
        "--no-resolve",
        action="store_true",
        help="Import without identity resolution (exact duplicates only), as before it ran.",
    )
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, name, *rest = args.worker
        if kind in ("import", "import-exact"):
            result = worker_import(
                GENERATORS[name][0], rest[:-1], rest[-1], resolve=kind == "import"
            )
        else:
            result = worker_floor(name, rest)
        print(json.dumps(result, ensure_ascii=False))
        return
    lines = [
        f"# Import throughput ({args.records:,} synthetic records per source)",
        "",
        f"- command: `python benchmarks/import_throughput.py --records {args.records}"
        + (" --no-resolve" if args.no_resolve else "")
        + "`",
        f"- date: {dt.date.today()}; {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs (shared), Python {platform.python_version()}",
        "",
        "| source | input records | input MiB | import s | records/s | kept profiles / "
        "institutions | peak RSS MiB (before) | parse-only floor s (records/s) | floor peak "
        "RSS MiB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory(prefix="import-bench-") as temporary:
        for name in args.only.split(","):
            folder = Path(temporary) / name
            folder.mkdir()
            rng = random.Random(0)
            started = time.perf_counter()
            files = GENERATORS[name][1](folder, args.records, rng)
            generated = time.perf_counter() - started
            size = sum(f.stat().st_size for f in files) / 2**20
            paths = [str(f) for f in files]
            imported = _run_worker(
                ["import-exact" if args.no_resolve else "import", name, *paths, str(folder / "out")]
            )
            floor = _run_worker(["floor", name, *paths])
            records = floor["items"]
            kept = imported["counts"]["kept"]
            rate, floor_rate = records / imported["seconds"], records / floor["seconds"]
            lines.append(
                f"| {name} | {records:,} | {size:,.0f} | {imported['seconds']:.1f} | "
                f"{rate:,.0f} | {kept['profiles']:,} / {kept['institutions']:,} | "
                f"{imported['rss_peak']:,.0f} ({imported['rss_before']:,.0f}) | "
                f"{floor['seconds']:.1f} ({floor_rate:,.0f}) | {floor['rss_peak']:,.0f} |"
            )
            print(lines[-1], f"(generated in {generated:.0f} s)", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
