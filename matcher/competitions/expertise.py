"""Expertise of reviewers for applications: the engine's relevance, with the evidence.

Every reviewer's evidence (publications, keywords, summary) is scored against every
application's text (title, abstract, keywords) by :meth:`matcher.Matcher.expertise`: the
same calibrated scale and the same aggregation as profiles against calls (the best
publications count most), one matrix product over the evidence vectors. The publications
behind one pair's number are computed on demand (:meth:`Expertise.evidence`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from matcher.engine import Matcher
from matcher.evidence import EvidenceKind, FloatMatrix, embed_unique, encode_as
from matcher.model import Application
from matcher.relevance import PublicationEvidence


@dataclass
class Expertise:
    """How well each reviewer knows each application's field.

    Attributes
    ----------
    application_ids : list of str
        Row order of :attr:`scores`.
    reviewer_ids : list of str
        Column order of :attr:`scores`.
    scores : ndarray of float32, shape (n_applications, n_reviewers)
        Calibrated relevance: 0 is the typical unrelated pair, 1 the typical title against
        its own abstract. These are anchors, not bounds: a reviewer whose evidence is
        closer to the application than that (several near-identical publications, blended
        with keywords and summary) scores above 1, and one further than unrelated below 0.
    """

    application_ids: list[str]
    reviewer_ids: list[str]
    scores: FloatMatrix
    matcher: Matcher = field(repr=False)
    vectors: FloatMatrix = field(repr=False)

    def __post_init__(self) -> None:
        self._row = {a: i for i, a in enumerate(self.application_ids)}
        self._column = {r: j for j, r in enumerate(self.reviewer_ids)}
        self._profile_position = {p: i for i, p in enumerate(self.matcher.index_.profile_ids)}

    def score(self, application_id: str, reviewer_id: str) -> float:
        """One pair's expertise."""
        return float(self.scores[self._row[application_id], self._column[reviewer_id]])

    def evidence(
        self, application_id: str, reviewer_id: str, k: int = 3
    ) -> list[PublicationEvidence]:
        """The reviewer's ``k`` publications most similar to the application, best first.

        ``similarity`` (and ``dense``) is the calibrated dense similarity of the
        publication to the application's text.

        Raises
        ------
        KeyError
            For an application or reviewer that is not in this matrix.
        """
        if application_id not in self._row:
            raise KeyError(f"application {application_id!r} is not in this expertise matrix")
        if reviewer_id not in self._column:
            raise KeyError(f"reviewer {reviewer_id!r} is not in this expertise matrix")
        index = self.matcher.index_
        rows = index.rows_of(self._profile_position[reviewer_id])
        rows = rows[index.kind[rows] == EvidenceKind.PUBLICATION]
        if len(rows) == 0:
            return []
        vector = self.vectors[self._row[application_id]]
        similarity = self.matcher.encoder_.calibrate(index.vectors[rows] @ vector)
        order = np.argsort(-similarity, kind="stable")[:k]
        publications = self.matcher.dataset_.profile(reviewer_id).publications
        found = []
        for position in order.tolist():
            item = int(index.item[rows[position]])
            publication = publications[item]
            value = float(similarity[position])
            found.append(
                PublicationEvidence(
                    index=item,
                    title=publication.title,
                    year=publication.year,
                    similarity=value,
                    dense=value,
                )
            )
        return found


def expertise_matrix(
    matcher: Matcher, applications: Sequence[Application], reviewer_ids: Sequence[str]
) -> Expertise:
    """Every reviewer's expertise for every application.

    Parameters
    ----------
    matcher : Matcher
        A fitted matcher whose data set holds the reviewers' profiles.
    applications : sequence of Application
        The applications (rows); their :attr:`~matcher.model.Application.text` is scored.
    reviewer_ids : sequence of str
        The reviewers (columns).

    Returns
    -------
    Expertise
        Scores and, per pair, the publications behind them.

    Raises
    ------
    UnknownIdError
        For a reviewer without a profile.
    """
    texts = [application.text for application in applications]
    vectors = embed_unique(texts, lambda batch: encode_as(matcher.encoder_, batch, "query"))
    scores = matcher.expertise(texts, reviewer_ids, vectors=vectors)
    return Expertise(
        application_ids=[a.id for a in applications],
        reviewer_ids=list(reviewer_ids),
        scores=scores,
        matcher=matcher,
        vectors=vectors,
    )
