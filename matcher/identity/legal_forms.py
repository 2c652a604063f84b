"""Legal forms: "LLC", "GmbH", "ООО", "ФГБОУ ВО" say what kind of body, not which one.

A form is stripped from the end of a name, or from its start for the Russian, Kazakh and
Mongolian forms that are written first (where registries put them), never from its middle:
"SA" ends "ORAMAVR SA" but is a word of "SA Water". The long
Russian and Kazakh forms ("федеральное государственное бюджетное образовательное
учреждение высшего образования") are matched as phrases anywhere, since no name is built
from them.

Tokens here are romanised, lower case and without dots ("s.r.l." is "srl", "ООО" is "ooo").
"""

from __future__ import annotations

import re
from typing import Final

LEGAL_FORMS: Final = frozenset(
    {
        # English
        "llc", "ltd", "limited", "inc", "incorporated", "corp", "plc", "llp", "lp", "co",
        "cic", "pty",
        # German, Austrian, Swiss
        "gmbh", "ag", "kg", "ev", "gbr", "ug", "mbh", "kgaa", "ggmbh",
        # French, Belgian, Italian, Spanish, Portuguese, Romanian
        "sa", "sas", "sarl", "sasu", "eurl", "asbl", "vzw", "sprl", "srl", "spa", "scarl",
        "scrl", "sl", "slu", "lda", "sc", "snc", "sca", "aisbl", "onlus", "scpa",
        # Dutch, Nordic, Baltic
        "bv", "nv", "ab", "as", "asa", "oy", "oyj", "aps", "ou", "uab", "sia", "hf", "ehf",
        # Central and Eastern Europe, Greece, Turkey
        "spzoo", "sro", "doo", "dd", "ad", "ood", "eood", "kft", "zrt", "nyrt", "ae", "ike",
        "epe", "oe", "ee", "sti", "ltdsti", "zoo",
        # Russian (ООО, ОАО, ЗАО, ПАО, АО, НАО, ИП, АНО, НКО and the state bodies)
        "ooo", "oao", "zao", "pao", "ao", "nao", "ip", "ano", "nko", "fgbou", "fgaou",
        "fgbun", "fgup", "gbou", "gaou", "fgou", "mbou", "gbuz", "fgbu", "gup", "mup",
        "vo", "vpo",
        # Kazakh (ТОО, АҚ, НАО, РГП) and Mongolian (ХХК, ХК, ТББ)
        "too", "ak", "rgp", "khkhk", "khk", "tbb",
    }
)  # fmt: skip
"""Legal-form tokens stripped at the end of a name."""

LEADING_FORMS: Final = frozenset(
    {
        "ooo", "oao", "zao", "pao", "ao", "nao", "ip", "ano", "nko", "fgbou", "fgaou", "fgbun",
        "fgup", "gbou", "gaou", "fgou", "mbou", "gbuz", "fgbu", "gup", "mup", "vo", "vpo", "too",
        "rgp", "khkhk", "khk", "tbb",
    }
)  # fmt: skip
"""The forms written before the name too ("ООО «Ромашка»", "ФГБОУ ВО «...»"): the Russian,
Kazakh and Mongolian ones. A Latin form leads no name ("SA Water" is South Australia's)."""

_LONG_FORMS: Final = re.compile(
    r"\b(?:"
    r"federaln\w* gosudarstvenn\w* (?:byudzhetn|avtonomn|kazenn)\w* "
    r"(?:obrazovateln|nauchn)\w* uchrezhdeni\w*(?: vysshego(?: professionalnogo)? obrazovaniya)?"
    r"|obshchestvo s ogranichennoy otvetstvennostyu"
    r"|(?:publichnoe |zakrytoe |otkrytoe |nekommercheskoe )?aktsionernoe obshchestvo"
    r"|tovarishchestvo s ogranichennoy otvetstvennostyu"
    r"|zhauapkershiligi shekteuli seriktestik"
    r"|respublikanskoe gosudarstvennoe predpriyatie(?: na prave khozyaystvennogo vedeniya)?"
    r"|limited liability company|joint stock company|public limited company"
    r"|societe anonyme|societa per azioni|sociedad (?:limitada|anonima)"
    r"|besloten vennootschap|naamloze vennootschap"
    r"|gesellschaft mit beschrankter haftung|aktiengesellschaft|eingetragener verein"
    r")\b"
)


def strip_long_forms(text: str) -> tuple[str, list[str]]:
    """Remove written-out legal forms from romanised lower-case ``text``.

    Returns
    -------
    (str, list of str)
        The text without them, and the forms removed.
    """
    removed = [match.group(0) for match in _LONG_FORMS.finditer(text)]
    return (_LONG_FORMS.sub(" ", text) if removed else text), removed


def strip_legal_tokens(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Remove legal-form tokens from the end (and leading forms from the start) of ``tokens``,
    keeping at least one token.

    Examples
    --------
    >>> strip_legal_tokens(["oramavr", "sa"])
    (['oramavr'], ['sa'])
    >>> strip_legal_tokens(["fgbou", "vo", "kemerovskiy", "gosudarstvennyy", "universitet"])
    (['kemerovskiy', 'gosudarstvennyy', 'universitet'], ['fgbou', 'vo'])
    """
    start, end = 0, len(tokens)
    while end - start > 1 and tokens[end - 1] in LEGAL_FORMS:
        end -= 1
    while end - start > 1 and tokens[start] in LEADING_FORMS:
        start += 1
    return tokens[start:end], tokens[:start] + tokens[end:]
