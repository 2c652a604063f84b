"""Tajik in Persian script: a rough rule-based transliteration for models that know Persian.

Tajik (``tg``) is not among the languages multilingual-e5 was trained on, but Persian is, in
Arabic script, and written Tajik is largely Persian vocabulary in the Cyrillic alphabet. e5
understands Tajik sentences mostly through their Russian loanwords (the language probe misses
the most Persian-vocabulary ones; ``benchmarks/RESULTS.md``). :func:`tajik_to_persian`
rewrites Cyrillic Tajik letter by letter into Persian script, and
:func:`with_persian_script` embeds a Tajik text as the normalised mean of its original and
transliterated vectors, so that the model reads both the loanwords and the Persian words.

The rules are deliberately simple and will misspell many words: short vowels (а, и, у, е
inside a word) are written as Persian writes long ones or left out (``а``) because Tajik
spelling does not mark vowel length the way Persian script does; a word-final ``а`` becomes
``ه`` (خانه for хона); a word-initial vowel gets its alef. They were written by us from the
two alphabets' standard correspondence, not checked by a speaker.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from embeddings.base import l2_normalize

_LETTERS = {
    "а": "",
    "б": "ب",
    "в": "و",
    "г": "گ",
    "ғ": "غ",
    "д": "د",
    "е": "ی",
    "ё": "یو",
    "ж": "ژ",
    "з": "ز",
    "и": "ی",
    "ӣ": "ی",
    "й": "ی",
    "к": "ک",
    "қ": "ق",
    "л": "ل",
    "м": "م",
    "н": "ن",
    "о": "ا",
    "п": "پ",
    "р": "ر",
    "с": "س",
    "т": "ت",
    "у": "و",
    "ӯ": "و",
    "ф": "ف",
    "х": "خ",
    "ҳ": "ه",
    "ч": "چ",
    "ҷ": "ج",
    "ш": "ش",
    "ъ": "ع",
    "ь": "",
    "э": "ا",
    "ю": "یو",
    "я": "یا",
    # Russian letters in loanwords
    "ц": "تس",
    "щ": "شچ",
    "ы": "ی",
}
# Word-initial vowels carry an alef in Persian script.
_INITIAL = {
    "а": "ا",
    "о": "آ",
    "и": "ای",
    "ӣ": "ای",
    "у": "او",
    "ӯ": "او",
    "е": "ای",
    "э": "ا",
}
# Whole words spelt otherwise in Persian.
_WORDS = {"ва": "و"}
_WORD = re.compile(r"[а-яёғӣқӯҳҷ]+", re.IGNORECASE)


def _word(match: re.Match[str]) -> str:
    word = match.group(0).lower()
    if word in _WORDS:
        return _WORDS[word]
    out = [_INITIAL.get(word[0], _LETTERS.get(word[0], word[0]))]
    out += [_LETTERS.get(char, char) for char in word[1:-1]]
    if len(word) > 1:
        last = word[-1]
        out.append("ه" if last == "а" else _LETTERS.get(last, last))
    return "".join(out)


def tajik_to_persian(text: str) -> str:
    """``text`` with its Cyrillic words rewritten in Persian script (rough; see module doc).

    Parameters
    ----------
    text : str
        Tajik text in the Cyrillic alphabet.

    Returns
    -------
    str
        The same text, every Cyrillic word transliterated; other characters unchanged.

    Examples
    --------
    >>> tajik_to_persian("Таназзули чарогоҳҳо")
    'تنززولی چراگاهها'
    """
    return _WORD.sub(_word, text)


def with_persian_script(
    vectors: npt.NDArray[np.float32],
    texts: Sequence[str],
    languages: Sequence[str],
    embed: Callable[[list[str]], npt.NDArray[np.float32]],
) -> npt.NDArray[np.float32]:
    """Tajik rows replaced by the normalised mean of the original and transliterated vectors.

    Parameters
    ----------
    vectors : numpy.ndarray
        ``(n, dim)`` unit vectors of ``texts`` (the originals).
    texts : sequence of str
        The texts.
    languages : sequence of str
        Their language codes; rows coded ``"tg"`` are changed.
    embed : callable
        Embeds a list of texts like ``vectors`` were (same model, same kind).

    Returns
    -------
    numpy.ndarray
        A new ``float32`` array; rows of other languages unchanged.
    """
    out = np.array(vectors, dtype=np.float32, copy=True)
    rows = [i for i, code in enumerate(languages) if code == "tg"]
    if rows:
        persian = embed([tajik_to_persian(texts[i]) for i in rows])
        out[rows] = l2_normalize(out[rows] + persian)
    return out
