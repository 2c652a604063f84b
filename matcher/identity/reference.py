"""Reference lists institutions are resolved against: the bundled world-universities list,
a dataset's own institutions, and a user's ROR dump (schema v2).

A reference entry carries an institution's names (display name, aliases, labels in other
languages), its acronyms and its country;
:class:`~matcher.identity.institutions.InstitutionResolver` indexes all of them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Final

from matcher.countries import normalize_country
from matcher.errors import InputError
from matcher.io.sources import PathArg, require_file
from matcher.model import Institution

WORLD_UNIVERSITIES: Final = "world-universities"

_ErrorAt = Callable[[str, str | None], InputError]


@dataclass(frozen=True)
class ReferenceInstitution:
    """One institution of a reference list.

    Attributes
    ----------
    id : str
        Its id in the list (``https://ror.org/...``, ``world-universities:kemsu.ru``, or a
        dataset's institution id).
    name : str
        The display name.
    country : str or None
        ISO 3166-1 alpha-2 code, when known.
    aliases : tuple of str
        Other names: earlier names, names in other languages, spellings.
    acronyms : tuple of str
        Acronyms as the source gives them (``KemSU``).
    source : str
        Which list it comes from.
    """

    id: str
    name: str
    country: str | None = None
    aliases: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    source: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """The display name and every alias."""
        return (self.name, *self.aliases)


def bundled_universities() -> list[ReferenceInstitution]:
    """The bundled world-universities list: 10,251 universities with country and web domains.

    Each entry's id is ``world-universities:`` and its first domain; the first label of each
    domain, when it reads as an acronym (``kemsu.ru`` -> ``kemsu``), is kept as an acronym.
    Source: Hipo's university-domains-list, MIT licence (``matcher/identity/data/``).

    Returns
    -------
    list of ReferenceInstitution
    """
    text = resources.files("matcher.identity").joinpath("data/world_universities.jsonl")
    entries: list[ReferenceInstitution] = []
    for line in text.read_text(encoding="utf-8").splitlines():
        raw = json.loads(line)
        domains: list[str] = raw["domains"]
        entries.append(
            ReferenceInstitution(
                id=f"{WORLD_UNIVERSITIES}:{domains[0] if domains else raw['name']}",
                name=raw["name"],
                country=raw["country"],
                acronyms=tuple(
                    acronym for acronym in dict.fromkeys(map(_domain_acronym, domains)) if acronym
                ),
                source=WORLD_UNIVERSITIES,
            )
        )
    return entries


def _domain_acronym(domain: str) -> str:
    label = domain.split(".")[0].split("-")[0]
    return label if label.isalpha() and 3 <= len(label) <= 8 else ""


def from_institutions(
    institutions: Iterable[Institution], source: str = "dataset"
) -> list[ReferenceInstitution]:
    """A dataset's institutions as reference entries.

    An institution's extra fields ``aliases`` and ``acronyms`` (lists of names), when
    present, are used as its other names.

    Parameters
    ----------
    institutions : iterable of Institution
    source : str
        What the entries' ``source`` says.

    Returns
    -------
    list of ReferenceInstitution
    """
    return [
        ReferenceInstitution(
            id=institution.id,
            name=institution.name,
            country=institution.country,
            aliases=_extra_names(institution, "aliases"),
            acronyms=_extra_names(institution, "acronyms"),
            source=source,
        )
        for institution in institutions
    ]


def _extra_names(institution: Institution, field: str) -> tuple[str, ...]:
    value = (institution.model_extra or {}).get(field)
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(item) for item in value if isinstance(item, str) and item.strip())
    return ()


def load_ror(path: PathArg) -> list[ReferenceInstitution]:
    """Read a ROR data dump in schema v2 (the JSON array of the Zenodo release, or JSON Lines).

    Each record needs ``id`` and ``names`` (objects with ``value`` and ``types``: the
    ``ror_display`` or first ``label`` name is the display name, other ``label`` and
    ``alias`` names are aliases, ``acronym`` names are acronyms); the country is the first
    location's ``geonames_details.country_code``. Withdrawn records (``status``) are left
    out: ROR keeps them only to redirect their ids.

    Parameters
    ----------
    path : str or os.PathLike
        The dump: ``.json`` (one array) or ``.jsonl``.

    Returns
    -------
    list of ReferenceInstitution

    Raises
    ------
    InputError
        For the first problem, naming the file, the line where the record starts and the
        field: bad JSON, a record that is not an object, a missing id or name, an unknown
        country code.
    """
    file = Path(path)
    require_file(file, str(path))
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read the file as UTF-8 text: {error}", path=str(path)) from None
    records = (
        _json_lines(text, str(path))
        if file.suffix.lower() in (".jsonl", ".ndjson")
        else (_json_array(text, str(path)))
    )
    entries = []
    for line, raw in records:
        entry = _ror_record(raw, str(path), line)
        if entry is not None:
            entries.append(entry)
    if not entries:
        raise InputError("the file holds no ROR records", path=str(path))
    return entries


def _json_array(text: str, name: str) -> Iterator[tuple[int, Any]]:
    """Each element of a top-level JSON array with the line it starts on."""
    decoder = json.JSONDecoder()
    position = _skip_space(text, 0)
    if position >= len(text) or text[position] != "[":
        raise InputError("expected a JSON array of ROR records ('[' ...)", path=name, line=1)
    position = _skip_space(text, position + 1)
    line, counted = 1, 0
    while position < len(text) and text[position] != "]":
        line += text.count("\n", counted, position)
        counted = position
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise InputError(f"invalid JSON: {error.msg}", path=name, line=error.lineno) from None
        yield line, value
        position = _skip_space(text, position)
        if position < len(text) and text[position] == ",":
            position = _skip_space(text, position + 1)
        elif position < len(text) and text[position] != "]":
            line += text.count("\n", counted, position)
            raise InputError("invalid JSON: expected ',' or ']'", path=name, line=line)
    if position >= len(text):
        raise InputError("invalid JSON: the array is not closed", path=name, line=line)


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _json_lines(text: str, name: str) -> Iterator[tuple[int, Any]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"invalid JSON: {error.msg}", path=name, line=number) from None


def _ror_record(raw: Any, name: str, line: int) -> ReferenceInstitution | None:
    def error(reason: str, field: str | None) -> InputError:
        return InputError(reason, path=name, line=line, field=field)

    if not isinstance(raw, dict):
        raise error(f"expected a ROR record (an object), got {type(raw).__name__}", None)
    if raw.get("status") == "withdrawn":
        return None
    identifier = raw.get("id")
    if not isinstance(identifier, str) or not identifier.strip():
        raise error("missing required field" if identifier is None else "expected a string", "id")
    names = raw.get("names")
    if not isinstance(names, list) or not names:
        raise error("expected a non-empty list of names (ROR schema v2)", "names")
    display, aliases, acronyms = _ror_names(names, error)
    return ReferenceInstitution(
        id=identifier.strip(),
        name=display,
        country=_ror_country(raw.get("locations"), error),
        aliases=aliases,
        acronyms=acronyms,
        source="ror",
    )


def _ror_names(names: list[Any], error: _ErrorAt) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    display: str | None = None
    others: list[str] = []
    acronyms: list[str] = []
    for index, item in enumerate(names):
        value = item.get("value") if isinstance(item, dict) else None
        if not isinstance(value, str) or not value.strip():
            raise error("expected a name object with a non-empty 'value'", f"names.{index}")
        types = item.get("types", [])
        if not isinstance(types, list):
            raise error("expected a list of name types", f"names.{index}.types")
        if "acronym" in types:
            acronyms.append(value.strip())
        elif "ror_display" in types and display is None:
            display = value.strip()
        else:
            others.append(value.strip())
    if display is None:
        if not others:
            raise error("no ror_display, label or alias name", "names")
        display = others.pop(0)
    return display, tuple(others), tuple(acronyms)


def _ror_country(locations: Any, error: _ErrorAt) -> str | None:
    if locations is None or locations == []:
        return None
    if not isinstance(locations, list):
        raise error("expected a list of locations", "locations")
    details = locations[0].get("geonames_details") if isinstance(locations[0], dict) else None
    code = details.get("country_code") if isinstance(details, dict) else None
    if code is None:
        return None
    field = "locations.0.geonames_details.country_code"
    if not isinstance(code, str):
        raise error("expected a country code (a string)", field)
    try:
        return normalize_country(code)
    except ValueError as reason:
        raise error(str(reason), field) from None
