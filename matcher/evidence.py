"""The evidence index: every embeddable piece of every profile, and which profile it belongs to.

This is the encoder layer between records and matrices: it keeps the mapping from profile
ids to row indices and from evidence rows back to the publication or field they came from,
so that scoring works on arrays and explanations can name the publication behind a number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

import numpy as np
import numpy.typing as npt

from embeddings import CachedEncoder, Encoder, TextKind, get_encoder
from embeddings.locations import resolve_cache_path
from matcher.dataset import Dataset
from matcher.model import Profile

IntArray = npt.NDArray[np.int64]
FloatMatrix = npt.NDArray[np.float32]
EncodeFn = Callable[[Sequence[str]], FloatMatrix]


class EvidenceKind(IntEnum):
    """What an evidence row is: a publication (or past project), the keywords, the summary."""

    PUBLICATION = 0
    KEYWORDS = 1
    SUMMARY = 2


def keywords_text(keywords: Sequence[str]) -> str:
    """The single text a profile's keywords are embedded as."""
    return "; ".join(keywords)


@dataclass(frozen=True)
class EvidenceIndex:
    """Rows of evidence for a list of profiles, with their vectors.

    Attributes
    ----------
    profile_ids : list of str
        Profile id per profile index.
    owner : ndarray of int, shape (n_rows,)
        Profile index each evidence row belongs to.
    kind : ndarray of int, shape (n_rows,)
        :class:`EvidenceKind` of each row.
    item : ndarray of int, shape (n_rows,)
        Publication index within its profile (``-1`` for keywords and summary rows).
    vectors : ndarray of float32, shape (n_rows, dim)
        Unit vectors, one per row.
    """

    profile_ids: list[str]
    owner: IntArray
    kind: IntArray
    item: IntArray
    vectors: FloatMatrix
    #: The text of each row (for the lexical signal); empty when built from vectors only.
    texts: tuple[str, ...] = ()
    #: Publication year of each row, ``-1`` when unknown or not a publication (for recency).
    year: IntArray | None = None

    @property
    def n_profiles(self) -> int:
        return len(self.profile_ids)

    def rows_of(self, profile_index: int) -> IntArray:
        """Evidence row indices of one profile."""
        return np.flatnonzero(self.owner == profile_index)

    @classmethod
    def build(cls, profiles: Sequence[Profile], encode: EncodeFn) -> EvidenceIndex:
        """Collect the evidence texts of ``profiles`` and embed each distinct text once."""
        owner: list[int] = []
        kinds: list[int] = []
        items: list[int] = []
        texts: list[str] = []
        years: list[int] = []
        for index, profile in enumerate(profiles):
            for position, publication in enumerate(profile.publications):
                owner.append(index)
                kinds.append(EvidenceKind.PUBLICATION)
                items.append(position)
                texts.append(publication.text)
                years.append(-1 if publication.year is None else publication.year)
            if profile.keywords:
                owner.append(index)
                kinds.append(EvidenceKind.KEYWORDS)
                items.append(-1)
                texts.append(keywords_text(profile.keywords))
                years.append(-1)
            if profile.summary.strip():
                owner.append(index)
                kinds.append(EvidenceKind.SUMMARY)
                items.append(-1)
                texts.append(profile.summary.strip())
                years.append(-1)
        return cls(
            profile_ids=[profile.id for profile in profiles],
            owner=np.asarray(owner, dtype=np.int64),
            kind=np.asarray(kinds, dtype=np.int64),
            item=np.asarray(items, dtype=np.int64),
            vectors=embed_unique(texts, encode),
            texts=tuple(texts),
            year=np.asarray(years, dtype=np.int64),
        )


def embed_unique(texts: Sequence[str], encode: EncodeFn) -> FloatMatrix:
    """Embed ``texts``, calling ``encode`` once on the distinct texts only."""
    distinct: dict[str, int] = {}
    positions = np.empty(len(texts), dtype=np.int64)
    for row, text in enumerate(texts):
        positions[row] = distinct.setdefault(text, len(distinct))
    vectors = np.asarray(encode(list(distinct)), dtype=np.float32)
    if len(texts) == 0:
        return vectors.reshape(0, vectors.shape[1] if vectors.ndim == 2 else 0)
    if len(distinct) == len(texts):
        return vectors  # no repeats: already in input order (saves a copy of the matrix)
    return np.take(vectors, positions, axis=0)  # one pass (faster than fancy indexing)


def encode_as(encoder: Encoder, texts: Sequence[str], kind: TextKind) -> FloatMatrix:
    """Embed ``texts`` as queries or passages.

    Only encoders that are :attr:`~embeddings.Encoder.kind_sensitive` receive ``kind``:
    encoders written before it existed (test doubles, outside wrappers) take no such
    argument and would fail on it.

    Parameters
    ----------
    encoder : Encoder
        Any encoder.
    texts : sequence of str
        The texts.
    kind : {"query", "passage"}
        What the texts are for.

    Returns
    -------
    ndarray of float32, shape (len(texts), dim)
        Unit vectors.
    """
    if getattr(encoder, "kind_sensitive", False):
        return np.asarray(encoder.encode(texts, kind=kind), dtype=np.float32)
    return np.asarray(encoder.encode(texts), dtype=np.float32)


def make_encoder(
    dataset: Dataset, backend: str | Encoder, cache_path: str | Path | None = None
) -> Encoder:
    """The encoder for ``dataset``: ``backend`` by name (``auto`` looks at the dataset's
    texts to choose) or as given, behind the vector cache at ``cache_path`` if any
    (``"auto"``: the default location, see :func:`embeddings.locations.resolve_cache_path`)."""
    if not isinstance(backend, str):
        encoder = backend
    elif backend == "auto":
        corpus = [call.text for call in dataset.calls]
        for profile in dataset.profiles:
            corpus.extend(p.text for p in profile.publications)
            corpus.extend([profile.summary, *profile.keywords])
        encoder = get_encoder("auto", corpus=corpus)
    else:
        encoder = get_encoder(backend)
    cache_file = resolve_cache_path(cache_path)
    if cache_file is not None:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        encoder = CachedEncoder(encoder, str(cache_file))
    return encoder
