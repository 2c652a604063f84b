"""The lexical signal blended with the dense one: TF-IDF or BM25 over the evidence texts.

Dense embeddings miss exact technical terms (a method's name, a chemical, an acronym) that a
lexical match catches, and lexical matching misses paraphrases and translations that the
embeddings catch; the relevance score blends the two per piece of evidence (see
:class:`matcher.relevance.RelevanceWeights`).

Both methods score a query (a call) against each evidence row (one publication or past
project, a keyword list, a summary) separately, so the lexical score is aggregated exactly as
the dense one (best evidence counts most). Features are those of the ``tfidf`` embedding
backend (:func:`embeddings.tfidf.word_features`: words and word bigrams, stop words removed in
the supported languages, CJK character bigrams), here with an IDF fitted on the evidence
texts of the fitted dataset.

``tfidf``
    cosine of sublinear-TF x IDF vectors (0 to 1).
``bm25``
    Okapi BM25 (``k1 = 1.2``, ``b = 0.75``) of the query's distinct terms, divided by its
    upper bound ``sum(idf * (k1 + 1))`` over the same terms, so it lies in ``[0, 1)`` for
    every query length.

The common scale. Both are mapped linearly, like every embedding backend (see
:mod:`embeddings.calibration`), so that 0 is the median score of a CORDIS project title
against an unrelated project's objective and 1 the median against its own objective
(1,000 projects, ``benchmarks/lexical_calibration.py``). A blend weight therefore means the
same thing whichever embedding backend provides the dense part. The IDF comes from the
fitted dataset, so on a very small or unusual corpus the anchors are approximate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp

from embeddings import Calibration
from embeddings.tfidf import word_features
from matcher.evidence import FloatMatrix

LexicalMethod = Literal["tfidf", "bm25"]

#: ``benchmarks/lexical_calibration.py``: 1,000 CORDIS projects (every 8th eligible from the
#: 2nd), IDF fitted on their objectives; medians of title vs other / own objective.
CALIBRATIONS: dict[str, Calibration] = {
    "tfidf": Calibration(
        unrelated=0.0000,
        related=0.2141,
        source="CORDIS 1,000 projects: title vs other objective / own objective, medians",
    ),
    "bm25": Calibration(
        unrelated=0.0000,
        related=0.4675,
        source="CORDIS 1,000 projects: title vs other objective / own objective, medians",
    ),
}

_K1 = 1.2
_B = 0.75


@dataclass
class LexicalIndex:
    """Lexical vectors of a list of evidence texts (one row per text, in order).

    Build with :meth:`build`; :meth:`similarities` scores queries against every row.
    """

    method: LexicalMethod
    vectorizer: Any
    rows: sp.csr_matrix  # tfidf: unit rows; bm25: per-term BM25 weights
    idf: np.ndarray[Any, np.dtype[np.float64]]
    calibration: Calibration

    @property
    def n_rows(self) -> int:
        return int(self.rows.shape[0])

    @classmethod
    def build(cls, texts: Sequence[str], method: LexicalMethod = "tfidf") -> LexicalIndex:
        """Fit the vocabulary and IDF on ``texts`` and index them.

        Parameters
        ----------
        texts : sequence of str
            The evidence texts, one per evidence row (repeats allowed).
        method : {"tfidf", "bm25"}
            The lexical score.

        Returns
        -------
        LexicalIndex
        """
        if method not in CALIBRATIONS:
            raise ValueError(f"unknown lexical method {method!r}; choose tfidf or bm25")
        from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

        distinct = list(dict.fromkeys(texts))
        position = {text: row for row, text in enumerate(distinct)}
        expand = np.asarray([position[text] for text in texts], dtype=np.int64)
        vectorizer: Any
        if method == "tfidf":
            vectorizer = TfidfVectorizer(
                analyzer=word_features, sublinear_tf=True, dtype=np.float32
            )
            fitted = _fit(vectorizer, distinct)
            idf = np.asarray(getattr(vectorizer, "idf_", np.zeros(0)), dtype=np.float64)
        else:
            vectorizer = CountVectorizer(analyzer=word_features, dtype=np.float32)
            counts = _fit(vectorizer, distinct)
            fitted, idf = _bm25_rows(counts)
        rows = fitted[expand] if len(texts) else fitted
        return cls(method, vectorizer, sp.csr_matrix(rows), idf, CALIBRATIONS[method])

    def raw_similarities(self, queries: Sequence[str]) -> FloatMatrix:
        """Uncalibrated scores ``(len(queries), n_rows)`` in ``[0, 1]``."""
        if self.n_rows == 0 or not hasattr(self.vectorizer, "vocabulary_"):
            return np.zeros((len(queries), self.n_rows), dtype=np.float32)
        if self.method == "tfidf":
            query_rows = self.vectorizer.transform(list(queries))
            scores = query_rows @ self.rows.T
        else:
            present = (self.vectorizer.transform(list(queries)) > 0).astype(np.float64)
            bound = present @ (self.idf * (_K1 + 1.0))
            bound[bound == 0] = 1.0
            scores = sp.diags(1.0 / bound) @ present @ self.rows.T
        return np.asarray(scores.toarray(), dtype=np.float32)

    def similarities(self, queries: Sequence[str]) -> FloatMatrix:
        """Scores ``(len(queries), n_rows)`` on the common calibrated scale."""
        return self.calibration.apply(self.raw_similarities(queries))


def _fit(vectorizer: Any, texts: list[str]) -> sp.csr_matrix:
    """``fit_transform``, or an empty matrix when the texts hold no feature at all."""
    try:
        return sp.csr_matrix(vectorizer.fit_transform(texts))
    except ValueError:  # empty vocabulary: no text has a word that is not a stop word
        return sp.csr_matrix((len(texts), 0), dtype=np.float32)


def _bm25_rows(
    counts: sp.csr_matrix,
) -> tuple[sp.csr_matrix, np.ndarray[Any, np.dtype[np.float64]]]:
    """BM25 weight of each term in each text, and the terms' IDF."""
    n_texts = counts.shape[0]
    lengths = np.asarray(counts.sum(axis=1), dtype=np.float64).ravel()
    mean_length = float(lengths.mean()) if n_texts and lengths.mean() > 0 else 1.0
    frequency = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = np.log(1.0 + (n_texts - frequency + 0.5) / (frequency + 0.5))
    weights = counts.astype(np.float64).tocsr(copy=True)
    row_of = np.repeat(np.arange(n_texts), np.diff(weights.indptr))
    tf = weights.data
    norm = _K1 * (1.0 - _B + _B * lengths[row_of] / mean_length)
    weights.data = idf[weights.indices] * tf * (_K1 + 1.0) / (tf + norm)
    return weights, idf


__all__ = ["CALIBRATIONS", "LexicalIndex", "LexicalMethod"]
