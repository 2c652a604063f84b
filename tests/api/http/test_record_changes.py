"""Imports are read in memory, and references are checked by the loaders' rules, with
their messages: the same mistake gets the same reason from the files and the service."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from matcher.errors import InputError
from matcher.io import load_dataset
from tests.api.http.conftest import ADMIN, SMALL, AppFactory, auth, load_small


def _no_temporary_files(*_args: Any, **_kwargs: Any) -> Any:
    raise AssertionError("a temporary file was asked for")


def test_an_import_body_is_never_written_to_disk(
    make_client: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_client()
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    for name in ("TemporaryDirectory", "NamedTemporaryFile", "TemporaryFile", "mkstemp", "mkdtemp"):
        monkeypatch.setattr(tempfile, name, _no_temporary_files)

    load_small(client)
    broken = b'{"id": "p-ok", "name": "A"}\n{"id": "p-bad", "name": "B", "country": "Narnia"}\n'
    response = client.post("/profiles/import", content=broken, headers=auth(ADMIN))

    assert response.status_code == 422
    problem = response.json()["errors"][0]
    assert (problem["line"], problem["field"]) == (2, "country")
    assert list(temporary.iterdir()) == []


# Each mistake, as a record of the collection that makes it. The store (and the files) hold
# the small fixture, so institutions are known and checked.
MISTAKES = [
    pytest.param(
        "profiles",
        {"id": "p-x", "name": "X", "collaborators": ["nobody"]},
        "collaborators.0",
        id="unknown-collaborator",
    ),
    pytest.param(
        "profiles",
        {"id": "p-x", "name": "X", "publications": [{"title": "T", "coauthors": ["nobody"]}]},
        "publications.0.coauthors.0",
        id="unknown-coauthor",
    ),
    pytest.param(
        "profiles",
        {"id": "p-x", "name": "X", "institution": "nowhere"},
        "institution",
        id="unknown-institution",
    ),
    pytest.param(
        "offices",
        {
            "id": "off-x",
            "name": "X",
            "operator": "REC Kuzbass",
            "home_country": "RU",
            "country": "CN",
            "partner_institutions": ["nowhere"],
        },
        "partner_institutions.0",
        id="unknown-office-partner",
    ),
    pytest.param(
        "profiles",
        {"id": "p-x", "name": "X", "conflicts": ["p-x"]},
        "conflicts.0",
        id="own-conflict",
    ),
    pytest.param(
        "institutions",
        {"id": "i-x", "name": "X", "country": "RU", "agreements": ["i-x"]},
        "agreements.0",
        id="own-agreement",
    ),
]


def _loaders_reason(folder: Path, collection: str, record: dict[str, Any]) -> str:
    """The reason ``load_dataset`` gives for ``record`` added to the small fixture's files,
    less its note of the file it looked in (the service looks in its store, unnamed)."""
    for name in ("profiles", "institutions", "offices"):
        shutil.copy(SMALL / f"{name}.jsonl", folder / f"{name}.jsonl")
    with (folder / f"{collection}.jsonl").open("a", encoding="utf-8") as file:
        file.write(json.dumps(record) + "\n")
    with pytest.raises(InputError) as excinfo:
        load_dataset(
            folder / "profiles.jsonl",
            institutions=folder / "institutions.jsonl",
            offices=folder / "offices.jsonl",
        )
    note = rf" \(no \w+ with this id in {re.escape(str(folder))}/\w+\.jsonl\)$"
    return re.sub(note, "", excinfo.value.reason)


@pytest.mark.parametrize(("collection", "record", "field"), MISTAKES)
def test_a_reference_mistake_gets_the_loaders_reason(
    make_client: AppFactory, tmp_path: Path, collection: str, record: dict[str, Any], field: str
) -> None:
    expected = _loaders_reason(tmp_path, collection, record)
    client = make_client()
    load_small(client)

    line = json.dumps(record).encode()
    imported = client.post(f"/{collection}/import", content=line, headers=auth(ADMIN))
    created = client.post(f"/{collection}", json=record, headers=auth(ADMIN))

    assert imported.status_code == created.status_code == 422
    imported_problem = imported.json()["errors"][0]
    created_problem = created.json()["errors"][0]
    assert imported_problem["reason"] == created_problem["reason"] == expected
    assert imported_problem["field"] == created_problem["field"] == field
    assert imported_problem["line"] == 1 and created_problem["line"] is None
    assert imported.json()["detail"] == f"body line 1: field '{field}': {expected}"


def test_institutions_are_free_text_until_the_store_holds_one(make_client: AppFactory) -> None:
    client = make_client()
    profile = {"id": "p-x", "name": "X", "institution": "somewhere"}

    response = client.post("/profiles", json=profile, headers=auth(ADMIN))

    assert response.status_code == 201, response.text


def test_an_import_may_name_its_own_records_and_the_stores(make_client: AppFactory) -> None:
    client = make_client()
    load_small(client)
    stored = json.loads((SMALL / "profiles.jsonl").read_text().splitlines()[0])["id"]
    body = "\n".join(
        [
            json.dumps({"id": "p-a", "name": "A", "collaborators": ["p-b", stored]}),
            json.dumps({"id": "p-b", "name": "B", "conflicts": ["p-a"]}),
        ]
    )

    response = client.post("/profiles/import", content=body.encode(), headers=auth(ADMIN))

    assert response.status_code == 200, response.text
    assert response.json()["created"] == 2


def test_an_update_is_checked_by_the_same_rules(make_client: AppFactory) -> None:
    client = make_client()
    load_small(client)
    stored = json.loads((SMALL / "profiles.jsonl").read_text().splitlines()[0])["id"]

    response = client.patch(
        f"/profiles/{stored}", json={"conflicts": [stored]}, headers=auth(ADMIN)
    )

    assert response.status_code == 422
    problem = response.json()["errors"][0]
    assert problem["field"] == "conflicts.0" and problem["value"] == stored
    assert problem["reason"] == f"a profile cannot be its own conflict ({stored!r})"
