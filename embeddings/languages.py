"""Language identification: Google's CLD3 neural detector, with script rules around it.

The ``"auto"`` backend asks which language each text is in (see :mod:`embeddings.auto`):
English pairs are scored by the English model, every other pair by a multilingual one, and
the multilingual vectors are made language-neutral per language. The detector:

1. **Script first** (no model): Han (``zh``, or ``ja`` with kana), Hangul (``ko``), Mongolian
   script (``mn``), Arabic (``ar``). Texts with no letters are ``und``.
2. **Cyrillic and Latin text: CLD3** (package ``cld3-py``, module ``gcld3``, a small neural
   network bundled in the wheel; ~100 languages incl. en, ru, kk, mn, ky, uz, tg, be, uk).
   Its answer is taken when CLD3 calls it reliable, or when the text is long enough
   (``>= 40`` letters) and CLD3 gives it at least 0.5; a Cyrillic answer must be a Cyrillic
   language and a Latin answer a Latin one (``uz`` and ``kk`` are both).
3. Otherwise (short or ambiguous text, or ``gcld3`` not installed) the **rules** below, which
   were the whole detector before CLD3:

* the script with most letters decides first: Han (``zh``, or ``ja`` with kana), Hangul
  (``ko``), Mongolian script (``mn``), Arabic (``ar``), Cyrillic, Latin, other (``und``);
* Cyrillic is Kazakh when letters only Kazakh uses (ә ғ қ ң ұ һ) make up at least 2% of its
  letters (they make up ~8% of Kazakh text, so a quoted place name does not count),
  Mongolian when ө/ү do and Kazakh's letters do not, Ukrainian/Belarusian on
  є ї ґ / ў, Russian otherwise;
* Latin is English unless function words of another language (German, French, Spanish,
  Portuguese, Italian, Turkish, Polish, Dutch; or Kazakh in the Latin alphabet) outnumber the
  English ones: then its code, or ``und-Latn`` when unsure. A Latin text with no function
  words at all (a keyword list, a short title) counts as English.

Texts with no letters (numbers, empty) are ``und`` and do not count against "all English".
A Latin text with no function words of another language than English (a keyword list, a
title) is English unless CLD3 is sure (reliable, probability >= 0.95, >= 30 letters) of
another language that is not on the function-word lists: CLD3 guesses wildly on short
English texts ("Graphene; polymer composites" is Norwegian to it, "Degassing of coal"
Indonesian, a DBLP title French), but Uzbek in the Latin alphabet has no function words on
our lists and CLD3 knows it well.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import cache
from typing import Any

from embeddings.stopwords import words

_SCRIPT_RANGES: tuple[tuple[str, int, int], ...] = (
    ("latin", 0x0041, 0x024F),
    ("cyrillic", 0x0400, 0x052F),
    ("han", 0x3400, 0x4DBF),
    ("han", 0x4E00, 0x9FFF),
    ("han", 0xF900, 0xFAFF),
    ("kana", 0x3040, 0x30FF),
    ("hangul", 0xAC00, 0xD7AF),
    ("hangul", 0x1100, 0x11FF),
    ("mongolian", 0x1800, 0x18AF),
    ("arabic", 0x0600, 0x06FF),
)

_KAZAKH_ONLY = set("әғқңұһ")
_MONGOLIAN_LETTERS = set("өү")
_UKRAINIAN = set("єїґ")
_BELARUSIAN = set("ў")

_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": words(
        "the of and to in is for with on by that are from this we as be an at which these "
        "it or was were has have its their our into using based can between"
    ),
    "de": words("der die das und ist nicht ein eine mit für auf den dem des von zu im"),
    "fr": words("le la les des et est une un pour dans du au aux sur avec par que qui"),
    "es": words("el los las del y es una por para con en que se al su sus como"),
    "pt": words("os as do da dos das uma em para com que não ao pelo pela são"),
    "it": words("il lo gli della delle dei e è una per con che nel nella sono"),
    "tr": words("ve bir bu için ile olarak olan da de çok daha gibi"),
    "pl": words("i w z na się że do nie jest oraz dla przez od"),
    "nl": words("de het een en van is op voor met zijn dat niet door"),
    "kk": words("jáne men úshin týraly boıynsha bul ol biz"),
    "uz": words("va uchun bilan hamda ushbu bu ham yoki"),
}

_LATIN_WORD = re.compile(r"[^\W\d_]+")

_CYRILLIC_LANGUAGES = frozenset(
    {"ru", "kk", "mn", "ky", "tg", "be", "uk", "bg", "sr", "mk", "uz", "tt", "ba", "cv"}
)
"""Languages CLD3 may name for a Cyrillic text (``uz`` is also written in Cyrillic)."""
_NON_LATIN_LANGUAGES = _CYRILLIC_LANGUAGES - {"uz", "kk", "tt", "sr"} | frozenset(
    {"zh", "ja", "ko", "ar", "fa", "el", "he", "hi", "th", "ka", "hy", "am", "ur", "ps"}
)
"""Languages CLD3 may not name for a Latin-script text (it does for romanised Russian)."""
_CLD3_MIN_LETTERS = 40
_UZBEK_LETTERS = re.compile(r"[oOgG][\u02bb\u2018\u2019'`][a-z]")
"""Uzbek Latin's oʻ and gʻ (often typed with an apostrophe)."""


@cache
def _cld3() -> Any:
    try:
        import gcld3
    except ImportError:  # pragma: no cover - a base dependency; the rules still work
        return None
    return gcld3.NNetLanguageIdentifier(min_num_bytes=0, max_num_bytes=2000)


def _cyrillic_letters_agree(code: str, text: str) -> bool:
    """Whether the letters allow CLD3's answer: short Russian is Bulgarian or Ukrainian to it.

    Ukrainian, Bulgarian, Macedonian and Serbian have no ы or э; each needs letters of its
    own: Ukrainian і ї є ґ, Belarusian ў і, Bulgarian ъ (frequent there, rare in Russian),
    Macedonian and Serbian ј љ њ ѓ ќ ѕ ђ ћ џ.
    """
    if code in ("uk", "bg", "mk", "sr") and ("ы" in text or "э" in text):
        return False
    needs = {"uk": "іїєґ", "be": "ўі", "bg": "ъ", "mk": "јљњѓќѕ", "sr": "јљњђћџ"}.get(code)
    return needs is None or any(letter in text for letter in needs)


def _cld3_language(text: str, script: str, n_letters: int, *, strict: bool = False) -> str | None:
    detector = _cld3()
    if detector is None:
        return None
    result = detector.FindLanguage(text=text)
    code = str(result.language).split("-")[0]
    if code == "und" or code == "":
        return None
    if strict:
        # A plainly English-looking text is another language only if CLD3 is sure and it is
        # not one whose function words we know (those would have been seen).
        if code in _FUNCTION_WORDS or not (
            result.is_reliable and result.probability >= 0.95 and n_letters >= 30
        ):
            return None
    elif not (result.is_reliable or (n_letters >= _CLD3_MIN_LETTERS and result.probability >= 0.5)):
        return None
    if script == "cyrillic" and code not in _CYRILLIC_LANGUAGES:
        return None
    if script == "cyrillic" and not _cyrillic_letters_agree(code, text.casefold()):
        return None
    if script == "latin" and (code in _NON_LATIN_LANGUAGES or "-Latn" in str(result.language)):
        return None
    return code


def _script(char: str) -> str | None:
    code = ord(char)
    for script, low, high in _SCRIPT_RANGES:
        if low <= code <= high:
            return script if char.isalpha() or script in ("han", "kana", "hangul") else None
    return "other" if char.isalpha() else None


def _cyrillic_language(letters: str) -> str:
    counts = Counter(letters)
    total = max(1, sum(counts.values()))

    def share(chars: set[str]) -> float:
        return sum(counts[c] for c in chars) / total

    if share(_KAZAKH_ONLY) >= 0.02:
        return "kk"
    if share(_BELARUSIAN) > 0:
        return "be"
    if share(_UKRAINIAN) > 0:
        return "uk"
    if share(_MONGOLIAN_LETTERS) >= 0.02:
        return "mn"
    return "ru"


def _latin_language(text: str) -> str:
    words = _LATIN_WORD.findall(text.casefold())
    scores = {
        language: sum(word in vocabulary for word in words)
        for language, vocabulary in _FUNCTION_WORDS.items()
    }
    english = scores.pop("en")
    best = max(scores, key=lambda language: scores[language])
    if scores[best] > english:
        return best if scores[best] >= 2 else "und-Latn"
    return "en"


def _plainly_english(text: str) -> bool:
    """No function words of a language other than English (English ones or none at all)."""
    if _UZBEK_LETTERS.search(text):
        return False
    words = _LATIN_WORD.findall(text.casefold())
    return not any(
        word in vocabulary
        for language, vocabulary in _FUNCTION_WORDS.items()
        if language != "en"
        for word in words
    )


def detect_language(text: str) -> str:
    """Best-guess language code of one text (see the module doc for the rules).

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        An ISO 639-1 code (``"en"``, ``"ru"``, ``"kk"``, ``"mn"``, ``"zh"``, ``"ky"``,
        ``"uz"``, ``"tg"``, ``"be"``, ...),
        ``"und-Latn"`` for Latin script in an unrecognised language, or ``"und"`` when the
        text has no letters or its script is not covered.
    """
    normalised = unicodedata.normalize("NFC", text)
    letters: dict[str, list[str]] = {}
    for char in normalised:
        script = _script(char)
        if script is not None:
            letters.setdefault(script, []).append(char.casefold())
    if not letters:
        return "und"
    script = max(letters, key=lambda name: len(letters[name]))
    if script in ("han", "kana"):
        kana = len(letters.get("kana", ()))
        return "ja" if kana >= 0.05 * (kana + len(letters.get("han", ()))) else "zh"
    if script in ("cyrillic", "latin"):
        # Latin: English function words and none of another language's make a text English
        # unless CLD3 is sure; so do none at all (a keyword list). CLD3 alone calls short
        # English titles Indonesian or Spanish ("Degassing of coal", "Rapid molecular
        # diagnosis").
        plain_english = script == "latin" and _plainly_english(normalised)
        found = _cld3_language(normalised, script, len(letters[script]), strict=plain_english)
        if found is not None:
            return found
        if plain_english:
            return "en"
    if script == "cyrillic":
        return _cyrillic_language("".join(letters["cyrillic"]))
    if script == "latin":
        return _latin_language(normalised)
    return {"hangul": "ko", "mongolian": "mn", "arabic": "ar"}.get(script, "und")


def detect_languages(texts: Iterable[str]) -> set[str]:
    """The set of languages found in ``texts`` (``"und"`` left out).

    Parameters
    ----------
    texts : iterable of str
        A corpus: profiles' publications and summaries, calls' descriptions.

    Returns
    -------
    set of str
        Codes as returned by :func:`detect_language`.
    """
    return {code for code in map(detect_language, texts) if code != "und"}


def is_english_only(texts: Iterable[str]) -> bool:
    """Whether every text with letters is English.

    Parameters
    ----------
    texts : iterable of str
        A corpus.

    Returns
    -------
    bool
        ``True`` also for an empty corpus.
    """
    return all(code in ("en", "und") for code in map(detect_language, texts))
