"""Cheap language identification from scripts and function words (no model, no data files).

It answers the one question the ``"auto"`` backend asks, "is this corpus all English?", and
names the languages our users write in: English, Russian, Kazakh, Mongolian, Chinese (plus
Japanese, Korean, Arabic and a few Latin-script languages, roughly). The rules:

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
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

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
}

_LATIN_WORD = re.compile(r"[^\W\d_]+")


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


def detect_language(text: str) -> str:
    """Best-guess language code of one text (see the module doc for the rules).

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        An ISO 639-1 code (``"en"``, ``"ru"``, ``"kk"``, ``"mn"``, ``"zh"``, ...),
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
