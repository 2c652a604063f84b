"""Incremental refits: what a new fit can take over from the engine it replaces.

A refit after a small change costs what changed, not the whole store:

- :class:`DatasetLoader` re-reads and re-validates only the records whose ``updated_at``
  moved since the last load (the rest are kept as parsed models);
- :class:`ReusingEncoder` takes the vector of every evidence text the previous engine
  already embedded from its matrix and embeds only the new texts, in chunks, reporting
  progress (the persistent vector cache does the same across restarts, but through SQLite
  and a hash per text: the in-memory reuse is what makes a refit take seconds at 50,000
  profiles);
- :func:`fit_matcher` fits a :class:`~matcher.engine.Matcher` with both and warms it
  (routes, eligibility, candidate order) so that no request pays for that after the swap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.http.store.outcomes import load_outcomes
from api.http.store.records import MODELS, DomainRecord
from api.http.store.tables import RECORD_TABLES
from embeddings import DEFAULT_BACKEND
from embeddings.base import Encoder, Matrix, TextKind
from embeddings.locations import DEFAULT_CACHE
from matcher.dataset import Dataset
from matcher.engine import Matcher
from matcher.evidence import make_encoder
from matcher.partners import PartnerWeights

Progress = Callable[[str, float], None]
"""``(stage, fraction)``: stage ``load``, ``embed`` (embedding and scoring) or ``warm``; 0 to 1
within it."""

_FETCH_CHUNK = 500
"""Ids per query when fetching changed records (SQLite limits bound parameters)."""

_EMBED_CHUNK = 1024
"""New texts embedded per encoder call (one progress report each)."""


def _no_progress(_stage: str, _fraction: float) -> None:
    """A progress callback that ignores its reports."""


class DatasetLoader:
    """Loads the store's dataset, re-reading only the records changed since its last load.

    A record is known unchanged when its ``updated_at`` is the one seen last time: every
    write of a record sets it (``store.records._fill``), and two writes of one record
    never share a microsecond timestamp. Deleted records drop out because every load lists
    the ids. Not thread-safe: one fitter uses it at a time.
    """

    def __init__(self) -> None:
        self._known: dict[str, dict[str, tuple[dt.datetime, DomainRecord]]] = {}
        self.reread = 0

    def load(self, session: Session) -> Dataset:
        """The dataset of every stored record, ordered by id (as ``load_dataset``)."""
        self.reread = 0
        parts: dict[str, list[Any]] = {}
        for collection in RECORD_TABLES:
            parts[collection] = self._load_collection(session, collection)
        return Dataset(
            profiles=parts["profiles"],
            calls=parts["calls"],
            institutions=parts["institutions"],
            offices=parts["offices"],
            # Outcomes are few and never change once recorded: read whole every time.
            outcomes=load_outcomes(session),
        )

    def _load_collection(self, session: Session, collection: str) -> list[DomainRecord]:
        table = RECORD_TABLES[collection]
        stamps = session.execute(select(table.id, table.updated_at).order_by(table.id)).all()
        known = self._known.get(collection, {})
        changed = [
            record_id
            for record_id, stamp in stamps
            if record_id not in known or known[record_id][0] != stamp
        ]
        fresh = self._fetch(session, collection, changed)
        current: dict[str, tuple[dt.datetime, DomainRecord]] = {}
        for record_id, stamp in stamps:
            record = fresh.get(record_id)
            current[record_id] = (stamp, record) if record else known[record_id]
        self._known[collection] = current
        self.reread += len(changed)
        return [record for _stamp, record in current.values()]

    def _fetch(self, session: Session, collection: str, ids: list[str]) -> dict[str, DomainRecord]:
        table, model = RECORD_TABLES[collection], MODELS[collection]
        found: dict[str, DomainRecord] = {}
        for start in range(0, len(ids), _FETCH_CHUNK):
            chunk = ids[start : start + _FETCH_CHUNK]
            rows = session.execute(select(table.id, table.data).where(table.id.in_(chunk)))
            for record_id, data in rows:
                found[record_id] = model.model_validate(data)
        return found


class ReusingEncoder(Encoder):
    """An encoder that returns the vectors a previous fit already computed for a text.

    Passages found among ``texts`` / ``vectors`` (the previous engine's evidence index)
    are copied from it; the rest go to ``inner`` in chunks, with ``progress("embed", f)``
    after each. Queries (call texts) always go to ``inner``: they are few.

    Parameters
    ----------
    inner : Encoder
        The encoder of the previous fit (same model: its vectors are interchangeable).
    texts : sequence of str
        The previous evidence texts, one per row of ``vectors``.
    vectors : ndarray
        Their vectors.
    progress : callable
        Receives ``("embed", fraction)``.
    """

    def __init__(
        self,
        inner: Encoder,
        texts: Sequence[str] = (),
        vectors: Matrix | None = None,
        progress: Progress = _no_progress,
    ) -> None:
        self.inner = inner
        self.name = inner.name
        self.version = inner.version
        self.dim = inner.dim
        self.calibration = inner.calibration
        self.kind_sensitive = inner.kind_sensitive
        self.languages = inner.languages
        self._rows = {text: row for row, text in enumerate(texts)}
        self._vectors = vectors
        self._progress = progress
        self.embedded = 0

    def calibrate(self, similarities: Any) -> Any:
        """The inner encoder's calibration (a backend may override the default one)."""
        return self.inner.calibrate(similarities)

    def encode(
        self, texts: Sequence[str], *, show_progress: bool = False, kind: TextKind = "passage"
    ) -> Matrix:
        """Vectors of ``texts``: the previous fit's where it had them, else the model's."""
        known = self._rows if kind == "passage" and self._vectors is not None else {}
        rows = np.fromiter((known.get(text, -1) for text in texts), np.int64, len(texts))
        misses = np.flatnonzero(rows < 0).tolist()
        if len(misses) < len(texts) and self._vectors is not None:
            # One gather pass (the misses copy row 0 and are overwritten below). A gather
            # then a scatter into an empty matrix took seconds for the 600 MB of 50,000
            # profiles; so does ``take(..., out=)`` into fresh memory.
            out = np.take(self._vectors, np.maximum(rows, 0), axis=0)
        else:
            out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(misses), _EMBED_CHUNK):
            chunk = misses[start : start + _EMBED_CHUNK]
            out[chunk] = self._inner_encode([texts[i] for i in chunk], kind)
            self.embedded += len(chunk)
            self._progress("embed", min(1.0, (start + len(chunk)) / len(misses)))
        return out

    def release(self) -> None:
        """Drop the previous fit's vectors (else every engine would keep its predecessor's
        matrix alive through its encoder)."""
        self._rows = {}
        self._vectors = None
        self._progress = _no_progress

    def _inner_encode(self, texts: list[str], kind: TextKind) -> Matrix:
        if self.inner.kind_sensitive:
            return np.asarray(self.inner.encode(texts, kind=kind), dtype=np.float32)
        return np.asarray(self.inner.encode(texts), dtype=np.float32)


FitFunction = Callable[[Dataset, Matcher | None, Progress], Matcher]
"""``(dataset, previous matcher or None, progress) -> fitted, warmed matcher``: the seam
through which :class:`~api.http.engine.MatcherCache` fits (tests inject slow or failing
ones)."""


def fit_matcher(
    backend: str = DEFAULT_BACKEND, cache_path: Any = DEFAULT_CACHE, partner_model: str = "linear"
) -> FitFunction:
    """The service's fit: a :class:`Matcher` on ``backend`` that reuses the previous
    matcher's model and vectors when it used the same model, then is warmed.

    Parameters
    ----------
    backend : str
        The embedding backend name (``auto`` chooses by the dataset's languages).
    cache_path : path, "auto" or None
        The persistent vector cache (see :class:`Matcher`).
    partner_model : {"linear", "learned"}
        ``PartnerWeights.model`` (``GRANTMATCH_PARTNER_MODEL``). ``learned`` is fitted
        while warming, before the swap.
    """

    def fit(dataset: Dataset, previous: Matcher | None, progress: Progress) -> Matcher:
        progress("embed", 0.0)
        encoder = make_encoder(dataset, backend, cache_path)
        texts: Sequence[str] = ()
        vectors: Matrix | None = None
        if previous is not None and previous.encoder_.model_id == encoder.model_id:
            # The loaded model of the previous fit: loading a neural model again costs
            # seconds, and its vectors are the ones being reused.
            inner = previous.encoder_
            encoder = inner.inner if isinstance(inner, ReusingEncoder) else inner
            texts, vectors = previous.index_.texts, previous.index_.vectors
        reusing = ReusingEncoder(encoder, texts, vectors, progress)
        weights = PartnerWeights(model=partner_model)
        matcher = Matcher(reusing, cache_path=None, partner_weights=weights).fit(dataset)
        reusing.release()
        progress("warm", 0.0)
        matcher.warm()
        progress("warm", 1.0)
        return matcher

    return fit
