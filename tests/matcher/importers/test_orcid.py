"""ORCID public records (XML of the public data file, JSON of the API) into profiles."""

from __future__ import annotations

import io
import json
import tarfile

import pytest

from matcher.errors import InputError
from tests.matcher.importers.helpers import IMPORTERS, imported

XML = IMPORTERS / "orcid" / "0000-0002-0000-0001.xml"
JSON = IMPORTERS / "orcid" / "0000-0002-0000-0002.json"
PRIVATE = IMPORTERS / "orcid" / "0000-0002-0000-0009.json"


def test_xml_and_json_records_become_profiles() -> None:
    result = imported("orcid", XML, JSON, PRIVATE)
    profiles = {p.id: p for p in result.records.profiles}

    petrov = profiles["0000-0002-0000-0001"]
    assert (petrov.name, petrov.country) == ("Ivan Petrov", "RU")
    # The current employer (no end date), not the one that ended in 2019.
    assert petrov.institution == "ringgold-100001"
    assert petrov.keywords == ["coal mine methane", "gas emission forecasting", "mine safety"]
    assert petrov.summary.startswith("Mining engineer")
    assert (petrov.model_extra or {})["aliases"] == ["Иван Петров"]
    nurlanovna = profiles["0000-0002-0000-0002"]
    assert (nurlanovna.country, nurlanovna.institution) == ("KZ", "ror-03q0vrn42")
    assert nurlanovna.keywords == ["soil remediation", "heavy metals"]
    institutions = {i.id: i for i in result.records.institutions}
    assert institutions["ror-03q0vrn42"].kind == "university"


def test_a_shared_doi_makes_two_records_coauthors() -> None:
    profiles = {p.id: p for p in imported("orcid", XML, JSON).records.profiles}
    shared = [p for p in profiles["0000-0002-0000-0001"].publications if p.year == 2022]
    assert shared[0].coauthors == ["0000-0002-0000-0002"]


def test_a_record_without_a_public_name_is_dropped_and_counted() -> None:
    counts = imported("orcid", XML, PRIVATE).counts()
    assert counts["kept"]["profiles"] == 1
    assert counts["dropped"] == [
        {"kind": "record", "reason": "no public name", "count": 1, "first": str(PRIVATE)}
    ]


def test_the_public_data_file_archive_is_read() -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        archive.add(XML, arcname="ORCID_2024_summaries/001/0000-0002-0000-0001.xml")
    result = imported("orcid", ("ORCID_2024_summaries.tar.gz", buffer.getvalue()))
    assert [p.id for p in result.records.profiles] == ["0000-0002-0000-0001"]


def test_the_same_record_twice_is_merged() -> None:
    result = imported("orcid", XML, ("copy.xml", XML.read_bytes()))
    assert len(result.records.profiles) == 1
    assert {"kind": "profile", "reason": "same id", "count": 1} in result.counts()["merged"]


def test_malformed_xml_is_located_by_line() -> None:
    broken = XML.read_text().replace("</person:name>", "", 1)
    with pytest.raises(InputError) as excinfo:
        imported("orcid", ("broken.xml", broken))
    assert excinfo.value.path == "broken.xml"
    assert excinfo.value.line is not None and "malformed XML" in excinfo.value.reason


def test_an_entity_expansion_is_refused() -> None:
    bomb = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><record>&a;</record>'
    with pytest.raises(InputError, match="refused XML"):
        imported("orcid", ("bomb.xml", bomb))


def test_an_unknown_country_names_the_field() -> None:
    record = json.loads(JSON.read_text())
    record["person"]["addresses"]["address"][0]["country"]["value"] = "Atlantis"
    with pytest.raises(InputError) as excinfo:
        imported("orcid", ("r.json", json.dumps(record)))
    assert excinfo.value.field == "person.addresses.address.0.country"
    assert "unknown country 'Atlantis'" in excinfo.value.reason


def test_a_file_that_is_no_record_says_so() -> None:
    with pytest.raises(InputError, match="not an ORCID record"):
        imported("orcid", ("x.xml", "<works/>"))
