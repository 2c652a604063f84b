"""The synthetic scoring world both scoring benchmarks use, and the numpy floor they share.

Unit vectors stand in for embeddings; each profile has 1-8 publications and a keyword list.
The same seed gives the same world in ``scoring_scale.py`` and ``round_scoring.py``, so their
figures compare.
"""

from __future__ import annotations

import numpy as np

from matcher.evidence import EvidenceIndex
from matcher.model import Profile, Publication


def random_unit(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    """``n`` random unit vectors of ``dim`` dimensions (float32)."""
    vectors = rng.standard_normal((n, dim)).astype(np.float32)
    unit: np.ndarray = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return unit


def synthetic_profiles(rng: np.random.Generator, n: int) -> list[Profile]:
    """``n`` profiles with a keyword list and 1-8 publications each."""
    return [
        Profile(
            id=f"p{i}",
            name="x",
            keywords=["k"],
            publications=[Publication(title=f"t{i}-{j}") for j in range(int(rng.integers(1, 9)))],
        )
        for i in range(n)
    ]


def synthetic_index(rng: np.random.Generator, profiles: list[Profile], dim: int) -> EvidenceIndex:
    """The evidence index of ``profiles``, with a random unit vector per evidence text."""
    return EvidenceIndex.build(profiles, lambda texts: random_unit(rng, len(texts), dim))


def evidence_floor(calls: np.ndarray, index: EvidenceIndex, k: int) -> None:
    """The least an evidence-level scorer must do: one product over every evidence row, a
    per-profile max (``np.maximum.reduceat``) and ``argpartition`` for the top ``k``."""
    starts = np.flatnonzero(np.r_[True, np.diff(index.owner) != 0])
    similarities = calls @ index.vectors.T
    best = np.maximum.reduceat(similarities, starts, axis=1)
    np.argpartition(-best, k, axis=1)[:, :k]
