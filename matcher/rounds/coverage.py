"""The coverage term of the team objective in a grant round.

``grantmatch teams`` rewards a team whose members cover the parts of the call (keywords and
research sentences, :func:`matcher.coverage.call_parts`); :class:`RoundCoverage` gives a round
the same term at a round's scale:

* every call's parts are embedded **once**, in one batch for the whole round (through the
  vector cache, so a resumed or repeated round embeds none of them again);
* a call's coverage is computed only for the profiles its team problem is built over (the
  shortlist of its kept pool, see :mod:`matcher.rounds.pools`), never for every profile: a
  few hundred profiles' evidence rows against a dozen parts per call.

It is the :data:`~matcher.teams.objective.CoverageFn` that :class:`matcher.Matcher` gives its
:class:`~matcher.teams.TeamAssembler`, computed by the same :func:`matcher.coverage.coverage_matrix`
on the same vectors, so :class:`~matcher.rounds.staffing.RoundAssembler` encodes exactly the
problem ``grantmatch teams`` solves for the call.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np

from matcher.coverage import Calibration, call_parts, coverage_matrix
from matcher.dataset import Dataset
from matcher.evidence import EvidenceIndex, FloatMatrix, embed_unique
from matcher.model import Call

#: ``texts -> unit query vectors``: how the round embeds the call parts.
EncodeQueries = Callable[[Sequence[str]], FloatMatrix]


class RoundCoverage:
    """How well each shortlisted profile covers each part of its call, for a whole round.

    Parameters
    ----------
    dataset : Dataset
        The round's profiles and calls.
    index : EvidenceIndex
        The round's evidence index (built over ``dataset.profiles``, in their order).
    encode : callable
        ``texts -> unit vectors``, embedding the texts as queries (as the round embeds its
        calls).
    calibration : callable or None
        The backend's map from raw cosine to the common scale (``Encoder.calibrate``).

    Attributes
    ----------
    part_texts_ : dict of str to list of str
        Each call's part texts.
    part_vectors_ : dict of str to ndarray of float32, shape (n_parts, dim)
        Each call's part vectors.
    embed_seconds_ : float
        Seconds spent embedding the parts.
    seconds_ : float
        Seconds spent computing coverage matrices so far.
    """

    def __init__(
        self,
        dataset: Dataset,
        index: EvidenceIndex,
        encode: EncodeQueries,
        calibration: Calibration | None,
    ) -> None:
        self.dataset = dataset
        self.index = index
        self.calibration = calibration
        started = time.perf_counter()
        self.part_texts_ = {
            call.id: [part.text for part in call_parts(call)] for call in dataset.calls
        }
        # One batch for every call (each distinct text once): an encoder is many times
        # faster on one large batch than on a dozen texts at a time.
        texts = [text for parts in self.part_texts_.values() for text in parts]
        vectors = embed_unique(texts, encode)
        self.part_vectors_: dict[str, FloatMatrix] = {}
        start = 0
        for call_id, parts in self.part_texts_.items():
            self.part_vectors_[call_id] = vectors[start : start + len(parts)]
            start += len(parts)
        self.embed_seconds_ = time.perf_counter() - started
        self.seconds_ = 0.0
        self._position = {profile_id: i for i, profile_id in enumerate(index.profile_ids)}

    def __call__(self, call: Call, profile_ids: Sequence[str]) -> tuple[list[str], FloatMatrix]:
        """The call's part texts and each profile's coverage of them.

        Parameters
        ----------
        call : Call
            A call of the round.
        profile_ids : sequence of str
            The profiles (the call's shortlist).

        Returns
        -------
        tuple of (list of str, ndarray of float32, shape (len(profile_ids), n_parts))
            As :meth:`matcher.Matcher.coverage`: per profile and part, the best calibrated
            similarity of its evidence, in [0, 1].
        """
        started = time.perf_counter()
        positions = np.asarray([self._position[p] for p in profile_ids], dtype=np.int64)
        matrix = coverage_matrix(
            self.part_vectors_[call.id], self.index, positions, self.calibration
        )
        self.seconds_ += time.perf_counter() - started
        return list(self.part_texts_[call.id]), matrix
