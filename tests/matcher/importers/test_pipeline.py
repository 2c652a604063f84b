"""The pipeline: the registry, identity resolution's hook, and atomic writing that loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.importers import (
    IdentityOptions,
    ImportedRecords,
    UnknownSourceError,
    get_importer,
    resolve_identities,
    write_import,
)
from matcher.io import load_dataset
from matcher.model import Institution, Profile, Publication
from tests.matcher.importers.helpers import IMPORTERS, imported


def test_an_unknown_source_names_the_closest() -> None:
    with pytest.raises(UnknownSourceError, match="did you mean 'orcid'"):
        get_importer("orchid")


def test_without_resolution_exact_duplicates_merge_and_references_follow_the_survivor() -> None:
    records = ImportedRecords(
        profiles=[
            Profile(
                id="a",
                name="Ivan Petrov",
                institution="i1",
                keywords=["coal"],
                orcid="0000-0002-0000-0001",
            ),
            Profile(
                id="b",
                name="I. Petrov",
                institution="i2",
                keywords=["methane"],
                orcid="0000-0002-0000-0001",
                publications=[Publication(title="T", coauthors=["c"])],
            ),
            Profile(
                id="c",
                name="Olga",
                institution="i2",
                publications=[Publication(title="T", coauthors=["b"])],
            ),
        ],
        institutions=[
            Institution(id="i1", name="Kemerovo State University", country="RU"),
            Institution(id="i2", name="KEMEROVO STATE UNIVERSITY.", country="RU"),
        ],
    )
    resolved, report = resolve_identities(records, IdentityOptions(resolve=False))

    assert [p.id for p in resolved.profiles] == ["a", "c"]
    assert resolved.profiles[0].keywords == ["coal", "methane"]
    assert resolved.profiles[1].institution == "i1"  # i2 merged into i1
    assert resolved.profiles[1].publications[0].coauthors == ["a"]  # b merged into a
    assert report.merged == {
        ("institution", "same name and country"): 1,
        ("profile", "same ORCID"): 1,
    }


@pytest.mark.parametrize("resolve", [True, False])
def test_a_name_without_an_institution_is_not_enough_to_merge(resolve: bool) -> None:
    records = ImportedRecords(
        profiles=[Profile(id="a", name="Li Wei"), Profile(id="b", name="Li Wei")]
    )
    resolved, report = resolve_identities(records, IdentityOptions(resolve=resolve))
    assert len(resolved.profiles) == 2 and report.merged == {}
    # Resolution lists the pair for review instead.
    assert [(r.first_id, r.second_id) for r in report.review] == ([("a", "b")] if resolve else [])


@pytest.mark.parametrize(
    ("source", "files"),
    [
        ("openalex", ["openalex/works.jsonl", "openalex/authors.jsonl"]),
        ("orcid", ["orcid/0000-0002-0000-0001.xml", "orcid/0000-0002-0000-0002.json"]),
        ("cordis", ["cordis/project.csv", "cordis/organization.csv"]),
        ("spreadsheet", ["spreadsheet/researchers_ru.csv"]),
    ],
)
def test_written_files_load_with_the_interchange_loaders(
    source: str, files: list[str], tmp_path: Path
) -> None:
    result = imported(source, *(IMPORTERS / name for name in files))
    written = write_import(result, tmp_path / "out")

    dataset = load_dataset(
        written["profiles"], IMPORTERS / "calls.jsonl", institutions=written.get("institutions")
    )
    assert [p.id for p in dataset.profiles] == [p.id for p in result.records.profiles]
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == sorted(
        f"{kind}.jsonl" for kind in written
    )
