"""The column map of spreadsheets: which header holds which profile field.

The default map (:data:`DEFAULT_COLUMNS`) knows the headers Russian, Kazakh, Chinese and
English sheets use (``ФИО``, ``Страна``, ``Организация``, ``Ключевые слова``, ``Аты-жөні``,
``Name``, ``Country``, ...); headers are compared with case, punctuation and ё/е ignored.
A user's map, a JSON object ``{"header": "field"}`` (``null`` or ``""`` ignores a column),
adds to it and wins over it. The fields (:data:`FIELDS`):

=================  ===========================================================================
``id``             the profile's id (else the ORCID iD, else one made from name and institution)
``name``           the full name; or ``last_name``, ``first_name``, ``middle_name`` put together
``country``        a code or a name in any language (``Россия``, ``Kazakhstan``, ``中国``)
``institution``    the organisation's name (free text)
``keywords``       separated by ``;``, ``,`` or line breaks
``languages``      codes or names (``русский, English``), separated likewise
``summary``        research interests, an abstract
``publications``   titles separated by ``;`` or line breaks; a year in the title is its year
``career_stage``   ``doctoral``/``early``/``mid``/``senior`` or a word for one (``аспирант``,
                   ``доцент``, ``профессор``, see :data:`CAREER_STAGES`)
``capacity``       teams per round (a whole number)
``orcid``          the ORCID iD (kept in the ``orcid`` field)
``contact.email``  private contact data
``contact.phone``  private contact data
``kind``           ``researcher`` (default) or ``organization``
=================  ===========================================================================
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from matcher.errors import InputError
from matcher.model import CareerStage
from matcher.names import name_key

#: Every field a column can be mapped to.
FIELDS: Final = (
    "id",
    "name",
    "last_name",
    "first_name",
    "middle_name",
    "country",
    "institution",
    "keywords",
    "languages",
    "summary",
    "publications",
    "career_stage",
    "capacity",
    "orcid",
    "contact.email",
    "contact.phone",
    "kind",
)

_HEADERS: Final[dict[str, tuple[str, ...]]] = {
    "id": ("id", "идентификатор", "код участника", "identifier"),
    "name": (
        "name",
        "full name",
        "researcher",
        "фио",
        "ф и о",
        "имя и фамилия",
        "фамилия имя отчество",
        "фамилия, имя, отчество",
        "исследователь",
        "участник",
        "аты-жөні",
        "аты жөні",
        "姓名",
        "нэр",
    ),
    "last_name": ("last name", "surname", "family name", "фамилия", "тегі", "姓", "овог"),
    "first_name": ("first name", "given name", "given names", "имя", "аты", "名"),
    "middle_name": ("middle name", "patronymic", "отчество", "әкесінің аты"),
    "country": ("country", "страна", "ел", "мемлекет", "国家", "улс"),
    "institution": (
        "institution",
        "organization",
        "organisation",
        "affiliation",
        "university",
        "организация",
        "учреждение",
        "вуз",
        "место работы",
        "университет",
        "ұйым",
        "мекеме",
        "жұмыс орны",
        "单位",
        "机构",
        "байгууллага",
    ),
    "keywords": (
        "keywords",
        "ключевые слова",
        "түйін сөздер",
        "кілт сөздер",
        "关键词",
        "түлхүүр үг",
    ),
    "languages": (
        "languages",
        "language",
        "языки",
        "язык",
        "рабочие языки",
        "тілдер",
        "语言",
        "хэл",
    ),
    "summary": (
        "summary",
        "abstract",
        "research interests",
        "научные интересы",
        "аннотация",
        "о себе",
        "описание",
        "ғылыми қызығушылықтар",
        "研究方向",
        "судалгааны чиглэл",
    ),
    "publications": (
        "publications",
        "публикации",
        "список публикаций",
        "жарияланымдар",
        "论文",
        "бүтээл",
    ),
    "career_stage": ("career stage", "stage", "этап карьеры", "категория", "мансап кезеңі"),
    "capacity": ("capacity", "число команд", "нагрузка"),
    "orcid": ("orcid", "orcid id", "орсид"),
    "contact.email": (
        "email",
        "e-mail",
        "e mail",
        "эл почта",
        "электронная почта",
        "почта",
        "电子邮件",
        "эл пошта",
    ),
    "contact.phone": ("phone", "telephone", "телефон", "тел", "电话", "утас"),
    "kind": ("kind", "тип", "type"),
}

#: The default map, header key (see :func:`matcher.names.name_key`) -> field.
DEFAULT_COLUMNS: Final[dict[str, str]] = {
    name_key(header): field for field, headers in _HEADERS.items() for header in headers
}

_STAGE_WORDS: Final[dict[CareerStage, tuple[str, ...]]] = {
    "doctoral": (
        "doctoral",
        "phd student",
        "doctoral student",
        "аспирант",
        "докторант",
        "магистрант",
        "докторант phd",
    ),
    "early": (
        "early",
        "postdoc",
        "early career",
        "молодой ученый",
        "постдок",
        "ассистент",
        "младший научный сотрудник",
    ),
    "mid": (
        "mid",
        "кандидат наук",
        "к н",
        "доцент",
        "старший научный сотрудник",
        "associate professor",
        "senior lecturer",
    ),
    "senior": (
        "senior",
        "доктор наук",
        "д н",
        "профессор",
        "professor",
        "ведущий научный сотрудник",
        "главный научный сотрудник",
        "заведующий",
    ),
}

#: Words for career stages, by key -> stage.
CAREER_STAGES: Final[dict[str, CareerStage]] = {
    name_key(word): stage for stage, words in _STAGE_WORDS.items() for word in words
}


def read_column_map(path: str | Path) -> dict[str, str | None]:
    """A user's column map: a JSON object ``{"header": "field" or null}``.

    Raises
    ------
    InputError
        The file is missing or not JSON, not an object, or maps a header to an unknown
        field (the message names the closest field).
    """
    shown = str(path)
    try:
        value = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputError("no such file", path=shown) from None
    except (OSError, ValueError) as error:
        raise InputError(f"not a JSON column map: {error}", path=shown) from None
    if not isinstance(value, dict):
        raise InputError('expected a JSON object {"header": "field"}', path=shown)
    return check_column_map(value, shown)


def check_column_map(value: Mapping[str, object], shown: str) -> dict[str, str | None]:
    """Check a column map's fields; see :func:`read_column_map`."""
    checked: dict[str, str | None] = {}
    for header, field in value.items():
        if field is None or field == "":
            checked[header] = None
            continue
        if not isinstance(field, str) or field not in FIELDS:
            closest = difflib.get_close_matches(str(field), FIELDS, n=1)
            hint = f"; did you mean {closest[0]!r}?" if closest else ""
            raise InputError(
                f"unknown field {field!r}{hint} (fields: {', '.join(FIELDS)})",
                path=shown,
                field=header,
            )
        checked[header] = field
    return checked


def map_headers(
    header: list[str], user: Mapping[str, str | None] | None
) -> tuple[dict[str, str], list[str]]:
    """Which field each header holds (the user's map over the default), and the headers
    no map names (those a map sets to ``None`` are ignored on purpose, and not listed)."""
    mapping: dict[str, str | None] = dict(DEFAULT_COLUMNS)
    mapping.update({name_key(key): value for key, value in (user or {}).items()})
    fields: dict[str, str] = {}
    ignored: list[str] = []
    for column in header:
        key = name_key(column)
        if key not in mapping:
            ignored.append(column)
            continue
        field = mapping[key]
        if field is not None:
            fields[column] = field
    return fields, ignored
