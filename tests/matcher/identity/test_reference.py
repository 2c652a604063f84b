"""Reference lists: the bundled universities, a dataset's institutions, a ROR v2 dump."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.errors import InputError
from matcher.identity.reference import bundled_universities, from_institutions, load_ror
from matcher.model import Institution
from tests.conftest import FIXTURES

ROR = FIXTURES / "identity" / "ror_v2.json"


def test_a_ror_v2_dump_gives_names_aliases_acronyms_and_country() -> None:
    entries = load_ror(ROR)
    assert [entry.id for entry in entries] == [
        "https://ror.org/0example01",
        "https://ror.org/0example02",
    ]  # the withdrawn record is left out
    kemsu = entries[0]
    assert kemsu.name == "Kemerovo State University"
    assert kemsu.aliases == ("Кемеровский государственный университет",)
    assert kemsu.acronyms == ("KemSU",)
    assert kemsu.country == "RU"
    assert kemsu.source == "ror"


def test_the_same_records_as_json_lines_read_alike(tmp_path: Path) -> None:
    import json

    records = json.loads(ROR.read_text(encoding="utf-8"))
    lines = tmp_path / "ror.jsonl"
    lines.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    assert load_ror(lines) == load_ror(ROR)


def _write(tmp_path: Path, text: str, name: str = "ror.json") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


_GOOD = '{"id": "r1", "names": [{"value": "A", "types": ["label"]}]}'
_XX = '"locations": [{"geonames_details": {"country_code": "XX"}}]'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f'[\n{_GOOD},\n{{"id": ', ":3: invalid JSON"),
        (
            f'[\n{_GOOD},\n{{"names": [{{"value": "B", "types": ["label"]}}]}}\n]',
            ":3: field 'id': missing required field",
        ),
        ('[\n{"id": "r1", "names": []}\n]', ":2: field 'names': expected a non-empty list"),
        (
            '[\n{"id": "r1", "names": [{"types": ["label"]}]}\n]',
            ":2: field 'names.0': expected a name object",
        ),
        (
            '[\n{"id": "r1", "names": [{"value": "A", "types": ["acronym"]}]}\n]',
            ":2: field 'names': no ror_display, label or alias name",
        ),
        (
            f"[\n{_GOOD[:-1]},\n {_XX}}}\n]",
            ":2: field 'locations.0.geonames_details.country_code': unknown country code 'XX'",
        ),
        ('{"id": "r1"}', ":1: expected a JSON array of ROR records"),
        ("[\n42\n]", ":2: expected a ROR record (an object), got int"),
        ("[\n]", "the file holds no ROR records"),
    ],
)
def test_a_bad_reference_file_is_located_by_line_and_field(
    tmp_path: Path, text: str, message: str
) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_ror(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)


def test_a_missing_or_non_utf8_reference_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_ror(tmp_path / "absent.json")
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes('[{"id": "r", "names": [{"value": "Universität"}]}]'.encode("latin-1"))
    with pytest.raises(InputError, match=r"latin1\.json: cannot read the file as UTF-8"):
        load_ror(latin1)


def test_the_bundled_list_holds_the_universities_with_their_domain_acronyms() -> None:
    entries = bundled_universities()
    assert len(entries) > 10_000
    kemsu = next(entry for entry in entries if entry.name == "Kemerovo State University")
    assert (kemsu.id, kemsu.country, kemsu.acronyms) == (
        "world-universities:kemsu.ru",
        "RU",
        ("kemsu",),
    )


def test_a_datasets_institutions_bring_their_extra_aliases() -> None:
    [entry] = from_institutions(
        [
            Institution(
                id="i1", name="Kemerovo State University", country="RU",
                aliases=["КемГУ"], acronyms="KemSU",
            )
        ]
    )  # fmt: skip
    assert (entry.aliases, entry.acronyms) == (("КемГУ",), ("KemSU",))
