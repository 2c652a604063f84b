"""Lexical fallback that needs no model: hashed, sublinear TF over word and character n-grams.

Why hashing and no fitted vocabulary
------------------------------------
A fitted TF-IDF vectoriser gives vectors that depend on the corpus it was fitted on: a vector
computed today is not comparable with one computed after the corpus changed, so nothing could
be cached and a profile's vector would move when somebody else's profile is added. This
backend needs no fit. Every text is turned into features independently of every other:

* **words** (lower-cased, NFKC-normalised, stop words of :mod:`embeddings.stopwords` removed)
  and **adjacent word bigrams**; Chinese/Japanese ideographs become **character bigrams**
  (the usual indexing unit for unsegmented CJK text);
* **character 4- and 5-grams** inside each kept word (padded with a space at both ends), which
  match across inflections ("мониторинг"/"мониторинга", "detect"/"detection") and spelling
  variants; CJK characters count as character unigrams here.

Each block's counts go through sublinear TF (``1 + log(count)``, sign kept) and are hashed
with signed feature hashing (scikit-learn's ``HashingVectorizer``, MurmurHash3) straight into
``dim / 2`` columns. Signed hashing *is* a fixed sparse random projection (a count sketch):
inner products are preserved in expectation, with collision noise of about
``1/sqrt(dim/2)``. The two blocks are L2-normalised, weighted equally and concatenated; the
result is L2-normalised, so the cosine is the mean of the word and character cosines.

Measured trade-offs while designing it (1,000 CORDIS projects, title -> own abstract, top-1
among 1,000; one sample): hashed into 2 x 512 columns 0.84; 2 x 1024: 0.86; unprojected
(2 x 2^18): 0.90; a TF-IDF vectoriser *fitted* on the same abstracts 0.92; all-MiniLM-L6-v2
0.95 (current figures: ``benchmarks/RESULTS.md``). The default ``dim`` of
1024 keeps the cache at 4 KB per text. There is no IDF (it would need a fit or a shipped
table), which the stop-word lists partly stand in for.

The vectors are deterministic and stable across runs and processes (the version string
names the scheme), so they are cacheable like any model's. This backend is lexical: it does
not match a Russian text with its English translation (it does match shared technical terms,
Latin-script names and numbers).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from embeddings.base import TextKind
from embeddings.batching import BatchedEncoder
from embeddings.calibration import Calibration
from embeddings.stopwords import STOP_WORDS

SCHEME_VERSION = "v1"
"""Bump whenever the features, weighting or hashing change (it changes the vectors)."""

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
# A word: letters/digits, possibly joined by hyphens or apostrophes ("covid-19", "o'brien").
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_CHAR_NGRAMS = (4, 5)


def _tokens(text: str) -> list[tuple[bool, str]]:
    """``(is_cjk, token)`` pairs: words outside CJK runs, and the CJK runs themselves."""
    normalised = unicodedata.normalize("NFKC", text).casefold()
    out: list[tuple[bool, str]] = []
    for word in _WORD.findall(normalised):
        if not _CJK_RUN.search(word):
            out.append((False, word))
            continue
        for piece in re.split(f"([{_CJK}]+)", word):
            if piece:
                out.append((bool(_CJK_RUN.fullmatch(piece)), piece))
    return out


def _keep(word: str) -> bool:
    return len(word) > 1 and word not in STOP_WORDS and not word.isdigit()


def word_features(text: str) -> list[str]:
    """Word unigrams and adjacent bigrams (stop words removed); CJK character bigrams.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    list of str
        Features, with repetitions (their counts are the term frequencies).
    """
    features: list[str] = []
    previous: str | None = None
    for is_cjk, token in _tokens(text):
        if is_cjk:
            previous = None
            if len(token) == 1:
                features.append(token)
            features.extend(token[i : i + 2] for i in range(len(token) - 1))
        elif _keep(token):
            features.append(token)
            if previous is not None:
                features.append(f"{previous} {token}")
            previous = token
        else:
            previous = None
    return features


def char_features(text: str) -> list[str]:
    """Character 4- and 5-grams inside kept words (space-padded); CJK characters.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    list of str
        Features, with repetitions.
    """
    features: list[str] = []
    for is_cjk, token in _tokens(text):
        if is_cjk:
            features.extend(token)
        elif _keep(token):
            padded = f" {token} "
            if len(padded) < _CHAR_NGRAMS[0]:
                features.append(padded)
            for n in _CHAR_NGRAMS:
                features.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return features


class TfidfEncoder(BatchedEncoder):
    """Hashed sublinear-TF word + character n-gram vectors: no model, no fit (see module doc).

    Parameters
    ----------
    dim : int
        Output dimension (even; half for word features, half for character features).
    threads : int, optional
        Accepted for a uniform interface; feature hashing runs in one thread.
    chunk_size : int
        Distinct texts per hashing batch and per progress step.
    """

    name = "tfidf"
    languages = None
    # benchmarks/embeddings_calibration.py on 1,000 CORDIS projects, every 8th eligible
    # one from the 2nd (title vs another project's objective / vs its own objective: medians).
    calibration = Calibration(
        unrelated=0.0415,
        related=0.2833,
        source="CORDIS 1,000 projects: title vs other objective / own objective, medians",
    )

    def __init__(self, dim: int = 1024, threads: int | None = None, chunk_size: int = 1024):
        super().__init__(chunk_size=chunk_size)
        if dim < 16 or dim % 2:
            raise ValueError(f"dim must be an even number >= 16, got {dim}")
        self.dim = dim
        self.threads = threads
        self._vectorizers: list[Any] | None = None

    @staticmethod
    def available() -> bool:
        """Always true: scikit-learn is a core dependency."""
        return True

    @property
    def version(self) -> str:  # type: ignore[override]
        return f"hashed-tfidf-{SCHEME_VERSION}/d{self.dim}"

    def _load(self) -> list[Any]:
        if self._vectorizers is None:
            from sklearn.feature_extraction.text import HashingVectorizer

            analyzers: tuple[Callable[[str], list[str]], ...] = (word_features, char_features)
            self._vectorizers = [
                HashingVectorizer(
                    n_features=self.dim // 2, analyzer=analyzer, alternate_sign=True, norm=None
                )
                for analyzer in analyzers
            ]
        return self._vectorizers

    def _embed(self, texts: list[str], kind: TextKind) -> npt.ArrayLike:
        half = self.dim // 2
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for block, vectorizer in enumerate(self._load()):
            counts = vectorizer.transform(texts)
            counts.data = np.sign(counts.data) * np.log1p(np.abs(counts.data))
            dense = counts.toarray().astype(np.float32)
            norms = np.linalg.norm(dense, axis=1, keepdims=True)
            norms[norms == 0] = 1.0
            out[:, block * half : (block + 1) * half] = dense / norms
        return out
