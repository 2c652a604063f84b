"""An :class:`~embeddings.base.Encoder` that remembers vectors on disk and embeds only what is new.

``CachedEncoder(encoder, path)`` wraps any backend. For each call it hashes every text,
looks the distinct hashes up in a :class:`~embeddings.vector_cache.VectorCache`, embeds only
the misses (each distinct text once), in chunks, writing each chunk to the cache as soon as it
is embedded (an interrupted run resumes where it stopped), and returns the vectors in input
order. Re-scoring after 1% of the texts changed embeds about 1% of them.

Trust: the cache key holds the model id (``name@version``) and the text's SHA-256, so another
model's vectors are never returned. To catch a model whose vectors changed while its id did
not (weights replaced in place, a different build of an engine), the cache stores the vector of
a fixed probe text per model; the first time a :class:`CachedEncoder` has to run its model (it
loads it then anyway), it embeds the probe and compares: a mismatch drops that model's stored
vectors and re-embeds. ``verify="eager"`` does this check on the first call even when every
text is a hit (loading the model for it); ``verify="off"`` never does.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from embeddings.base import Encoder, Matrix, TextKind
from embeddings.batching import check_kind
from embeddings.progress import progress_bar
from embeddings.vector_cache import ModelEntry, VectorCache

PROBE_TEXT = (
    "Probe text of the grantmatch vector cache: methane drainage in Kuzbass coal mines, "
    "метан угольных шахт, 煤矿瓦斯抽采."
)
"""Embedded once per process and model to check that stored vectors came from this model."""

PROBE_MIN_COSINE = 0.999
"""A model whose probe vector moved further than this from the stored one is 'another model'
(thread counts and batch composition move vectors by ~1e-6, far less)."""

Verify = Literal["lazy", "eager", "off"]

_LOOKUP_CHUNK = 4096
"""Keys looked up per cache query batch (bounds the memory of hits held outside the result)."""


def text_key(text: str, kind: TextKind, kind_sensitive: bool) -> bytes:
    """Cache key of one text: SHA-256 of its UTF-8 bytes, prefixed by its kind if that matters.

    Parameters
    ----------
    text : str
        The exact text (no normalisation: any change is a new text).
    kind : {"passage", "query"}
        What it is embedded as.
    kind_sensitive : bool
        Whether the encoder embeds queries and passages differently.

    Returns
    -------
    bytes
        32-byte digest.
    """
    prefix = f"{kind}\x1f" if kind_sensitive else ""
    return hashlib.sha256((prefix + text).encode("utf-8", "surrogatepass")).digest()


@dataclass
class CacheStats:
    """Counters of a :class:`CachedEncoder` since it was made.

    Attributes
    ----------
    texts : int
        Texts asked for.
    distinct : int
        Distinct texts among them (summed per call).
    hits : int
        Distinct texts found in the cache.
    embedded : int
        Distinct texts the model embedded (the misses).
    """

    texts: int = 0
    distinct: int = 0
    hits: int = 0
    embedded: int = 0


class CachedEncoder(Encoder):
    """Any encoder, with its vectors persisted in a :class:`~embeddings.vector_cache.VectorCache`.

    It is itself an :class:`~embeddings.base.Encoder` with the wrapped encoder's name,
    version, dimension, calibration and kind sensitivity.

    Parameters
    ----------
    encoder : Encoder
        The backend that embeds misses.
    cache : VectorCache or str or os.PathLike
        The store, or the path of its SQLite file (e.g. ``<data dir>/cache/vectors.sqlite``).
    chunk_size : int
        Misses embedded (and committed to the cache) per step.
    verify : {"lazy", "eager", "off"}
        When to check the model against the cache's probe vector (see the module doc).
    """

    def __init__(
        self,
        encoder: Encoder,
        cache: VectorCache | str | os.PathLike[str],
        *,
        chunk_size: int = 1024,
        verify: Verify = "lazy",
    ) -> None:
        if chunk_size < 1:
            raise ValueError(f"chunk_size must be positive, got {chunk_size}")
        if verify not in ("lazy", "eager", "off"):
            raise ValueError(f"verify must be 'lazy', 'eager' or 'off', got {verify!r}")
        self.encoder = encoder
        self.cache = cache if isinstance(cache, VectorCache) else VectorCache(cache)
        self.chunk_size = chunk_size
        self.verify = verify
        self.name = encoder.name
        self.version = encoder.version
        self.dim = encoder.dim
        self.calibration = encoder.calibration
        self.kind_sensitive = encoder.kind_sensitive
        self.languages = encoder.languages
        self.stats = CacheStats()
        self._verified = verify == "off"

    def _entry(self) -> ModelEntry:
        return self.cache.model(self.model_id, self.dim)

    def verify_model(self) -> bool:
        """Embed the probe text and compare it with the cache's; drop the model's vectors if
        they differ (and store the probe when none is stored).

        Returns
        -------
        bool
            ``True`` when the stored vectors were kept, ``False`` when they were dropped.
        """
        entry = self._entry()
        probe = self.encoder.encode([PROBE_TEXT])[0]
        self._verified = True
        if entry.probe is None:
            self.cache.set_probe(entry, probe)
            return True
        if float(np.dot(entry.probe, probe)) >= PROBE_MIN_COSINE:
            return True
        self.cache.drop_model(
            entry,
            f"{self.model_id}: the model's vector of the probe text differs from the stored one "
            f"(cosine {float(np.dot(entry.probe, probe)):.4f}); the cache was written by another "
            "model under the same id, its vectors were dropped",
        )
        self.cache.set_probe(entry, probe)
        return False

    def encode(
        self, texts: Sequence[str], *, show_progress: bool = False, kind: TextKind = "passage"
    ) -> Matrix:
        """Vectors of ``texts`` from the cache, embedding and storing only the misses.

        Parameters
        ----------
        texts : sequence of str
            The texts; may be empty and may repeat.
        show_progress : bool
            Show a progress bar over the texts that must be embedded.
        kind : {"passage", "query"}
            What the texts are for (part of the key for kind-sensitive encoders).

        Returns
        -------
        Matrix
            ``(len(texts), dim)`` unit-length rows, in input order.
        """
        check_kind(kind)
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        first: dict[bytes, int] = {}
        inverse = np.empty(len(texts), dtype=np.intp)
        distinct: list[str] = []
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise TypeError(f"texts[{i}] is {type(text).__name__}, not str: {text!r:.80}")
            key = text_key(text, kind, self.kind_sensitive)
            index = first.setdefault(key, len(first))
            if index == len(distinct):
                distinct.append(text)
            inverse[i] = index
        keys = list(first)

        if self.verify == "eager" and not self._verified:
            self.verify_model()
        vectors = np.empty((len(keys), self.dim), dtype=np.float32)
        missing = self._fill_hits(keys, vectors)
        if missing and not self._verified and not self.verify_model():
            missing = list(range(len(keys)))  # the stored vectors were another model's
        entry = self._entry()

        description = f"embedding [{self.model_id}] ({len(keys) - len(missing)} cached)"
        with progress_bar(len(missing), description, show_progress and bool(missing)) as bar:
            for start in range(0, len(missing), self.chunk_size):
                chunk = missing[start : start + self.chunk_size]
                embedded = self._inner_encode([distinct[i] for i in chunk], kind)
                self.cache.put_many(entry, zip((keys[i] for i in chunk), embedded, strict=True))
                vectors[chunk] = embedded
                bar.update(len(chunk))

        self.stats.texts += len(texts)
        self.stats.distinct += len(keys)
        self.stats.hits += len(keys) - len(missing)
        self.stats.embedded += len(missing)
        return vectors if len(keys) == len(texts) else vectors[inverse]

    def _inner_encode(self, texts: list[str], kind: TextKind) -> Matrix:
        # Encoders written before ``kind`` existed take no such argument; they ignore it anyway.
        if self.kind_sensitive:
            return self.encoder.encode(texts, kind=kind)
        return self.encoder.encode(texts)

    def _fill_hits(self, keys: list[bytes], vectors: Matrix) -> list[int]:
        """Copy cached vectors into ``vectors`` batch by batch (memory: one batch of hits on
        top of the result); return the indices of the keys that were not found."""
        entry = self._entry()
        missing: list[int] = []
        for start in range(0, len(keys), _LOOKUP_CHUNK):
            batch = keys[start : start + _LOOKUP_CHUNK]
            found = self.cache.get_many(entry, batch)
            for offset, key in enumerate(batch):
                hit = found.get(key)
                if hit is None:
                    missing.append(start + offset)
                else:
                    vectors[start + offset] = hit
        return missing

    def close(self) -> None:
        """Close the cache's connection."""
        self.cache.close()
