"""Which parts of a call a profile's evidence covers.

A call is split into *parts*: its keywords and the sentences of its title and description,
research content only: administrative sentences (eligibility, leadership, budget, deadline,
format, duration: :func:`matcher.call_text.is_administrative`) are rules, not topics a
member could cover, and are left out.
Each part is embedded on its own (as a query), and a profile covers a part as well as its
best-matching piece of evidence (a publication or past project, its keyword list, its
summary) does, on the calibrated scale of :mod:`embeddings.calibration` clipped to
``[0, 1]``: 0 is what an unrelated text scores, 1 what a title scores against its own
abstract. Team assembly uses the matrix to prefer complementary members; explanations use
it to say which parts of the call each publication speaks to.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from matcher.call_text import is_administrative, split_sentences
from matcher.evidence import EvidenceIndex, FloatMatrix, IntArray
from matcher.model import Call

Calibration = Callable[[npt.NDArray[np.float32]], npt.NDArray[np.float32]]

PartKind = Literal["keyword", "sentence"]

MAX_PARTS = 12
"""At most this many parts per call: beyond a dozen the parts of a long description are
mostly boilerplate, and every part adds a column to the team objective."""

MIN_SENTENCE_WORDS = 3
"""A sentence with fewer words (outside CJK text) is a fragment ("Background.", "Scope:")."""

MIN_CJK_CHARACTERS = 4
"""A Chinese/Japanese sentence needs this many ideographs to count (no spaces to count)."""

_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff]")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class CallPart:
    """One part of a call: a keyword, or a sentence of its title or description."""

    text: str
    kind: PartKind


def _normalised(text: str) -> str:
    """The form two parts are compared in to detect duplicates."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORD.findall(folded))


def is_fragment(sentence: str) -> bool:
    """Whether a sentence is too short to mean anything on its own.

    Parameters
    ----------
    sentence : str
        One sentence.

    Returns
    -------
    bool
        True for fewer than :data:`MIN_SENTENCE_WORDS` words, where CJK text counts by
        ideographs (:data:`MIN_CJK_CHARACTERS`).
    """
    cjk = len(_CJK.findall(sentence))
    if cjk:
        return cjk < MIN_CJK_CHARACTERS
    return len(_WORD.findall(sentence)) < MIN_SENTENCE_WORDS


def call_parts(call: Call, max_parts: int = MAX_PARTS) -> list[CallPart]:
    """The parts of a call: its keywords, then the sentences of its title and description.

    Duplicates (same words, ignoring case and punctuation), fragments and administrative
    sentences of the description (:func:`matcher.call_text.is_administrative`: "Each
    project is led from the Russian side") are dropped; the title is always kept. When
    there are more than ``max_parts``, keywords keep at least half of the places (they are
    the funder's own summary of the topics) and sentences are kept in reading order, title
    first. A call always has at least one part: its title, even when it is a fragment.

    Parameters
    ----------
    call : Call
        The call.
    max_parts : int
        Cap on the number of parts (at least 1).

    Returns
    -------
    list of CallPart
        Deterministic: the same call always gives the same parts in the same order.
    """
    if max_parts < 1:
        raise ValueError(f"max_parts must be at least 1, got {max_parts}")
    seen: set[str] = set()
    keywords: list[CallPart] = []
    for keyword in call.keywords:
        key = _normalised(keyword)
        if key and key not in seen:
            seen.add(key)
            keywords.append(CallPart(keyword.strip(), "keyword"))
    sentences: list[CallPart] = []
    research = [s for s in split_sentences(call.description) if not is_administrative(s)]
    for sentence in [*split_sentences(call.title), *research]:
        key = _normalised(sentence)
        if key and key not in seen and not is_fragment(sentence):
            seen.add(key)
            sentences.append(CallPart(sentence, "sentence"))
    if not keywords and not sentences:
        return [CallPart(call.title.strip(), "sentence")]
    n_keywords = min(len(keywords), max(max_parts - len(sentences), (max_parts + 1) // 2))
    n_sentences = min(len(sentences), max_parts - n_keywords)
    return keywords[:n_keywords] + sentences[:n_sentences]


def coverage_matrix(
    part_vectors: FloatMatrix,
    index: EvidenceIndex,
    profile_positions: IntArray | Sequence[int],
    calibration: Calibration | None,
) -> FloatMatrix:
    """Per profile and call part, the best calibrated similarity of the profile's evidence.

    Parameters
    ----------
    part_vectors : ndarray of float32, shape (n_parts, dim)
        Unit vectors of the call's parts (see :func:`call_parts`).
    index : EvidenceIndex
        The evidence of every profile.
    profile_positions : array of int, shape (n,)
        Positions of the wanted profiles in ``index`` (repeats allowed).
    calibration : callable or None
        The backend's map from raw cosine to the common scale (identity when ``None``).

    Returns
    -------
    ndarray of float32, shape (n, n_parts)
        Clipped to ``[0, 1]``; 0 for a profile without evidence.
    """
    positions = np.asarray(profile_positions, dtype=np.int64).reshape(-1)
    n_parts = int(part_vectors.shape[0])
    result = np.zeros((len(positions), n_parts), dtype=np.float32)
    if len(positions) == 0 or n_parts == 0 or len(index.owner) == 0:
        return result
    wanted = np.unique(positions)
    rows = np.flatnonzero(np.isin(index.owner, wanted))
    if len(rows) == 0:
        return result
    # Only the wanted profiles' rows are multiplied: a few hundred profiles out of 100,000
    # cost a few thousand dot products per part, not the whole index.
    rows = rows[np.argsort(index.owner[rows], kind="stable")]
    owners = index.owner[rows]
    similarities = index.vectors[rows] @ np.asarray(part_vectors, dtype=np.float32).T
    if calibration is not None:
        similarities = calibration(similarities)
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
    best = np.clip(np.maximum.reduceat(similarities, starts, axis=0), 0.0, 1.0)
    covered = owners[starts]  # sorted, distinct: the wanted profiles that have evidence
    slot = np.minimum(np.searchsorted(covered, positions), len(covered) - 1)
    found = covered[slot] == positions
    result[found] = best[slot[found]]
    return result


__all__ = [
    "MAX_PARTS",
    "CallPart",
    "call_parts",
    "coverage_matrix",
    "is_fragment",
    "split_sentences",
]
