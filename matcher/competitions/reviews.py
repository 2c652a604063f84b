"""Reviewers' scores back: per-reviewer calibration, the competition's ranking, disagreement.

Reviewers grade on their own scale: one gives 4 out of 10 to a good proposal, another 8 to a
weak one. Ranking by the raw mean then rewards the applications that drew lenient reviewers.
:class:`ReviewCalibration` fits the additive reviewer-bias model (as in the reviewer
calibration of NeurIPS 2014, a paper effect plus a reviewer offset plus noise)::

    score[a, j] = mean + quality[a] + bias[j] + noise

by regularised least squares, solved as one sparse linear system: a reviewer's bias and an
application's quality are shrunk towards 0 (a reviewer who grades only a few applications keeps
most of their scores' meaning), and a reviewer with a single review gets no bias at all (one
score cannot tell a harsh reviewer from a weak application). Reviews can be weighted by the
reviewer's stated confidence.

:func:`rank_applications` ranks each call's applications by the calibrated score
(``mean + quality``: what the average reviewer would have given), with the raw mean beside it,
an approximate standard error, and a disagreement flag with its reason: the reviewers' scores,
once their bias is removed, spread widely, or they sit on opposite sides of the scale.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.linalg import cg, spsolve

from matcher.model import Application, Review

FloatArray = NDArray[np.float64]

#: The CSV columns of :meth:`CompetitionRanking.to_rows`, in order.
RANKING_COLUMNS = (
    "call_id",
    "rank",
    "application_id",
    "title",
    "calibrated_score",
    "std_error",
    "raw_mean",
    "n_reviews",
    "disagreement",
    "reason",
    "reviewers",
    "broken_rules",
)

#: The scales a score scale is guessed among when none is given: the first that holds every
#: score (so 1-5 for scores from 2 to 4, 1-10 for scores from 3 to 9).
COMMON_SCALES: tuple[tuple[float, float], ...] = (
    (0.0, 1.0),
    (1.0, 5.0),
    (0.0, 5.0),
    (1.0, 7.0),
    (1.0, 10.0),
    (0.0, 10.0),
    (1.0, 100.0),
    (0.0, 100.0),
)


class ReviewCalibration:
    """The additive model ``score = mean + quality[application] + bias[reviewer] + noise``.

    Parameters
    ----------
    bias_strength : float, default 2.0
        How strongly reviewers' biases shrink towards 0, in reviews: a reviewer's bias is
        estimated as if they had also given this many (confidence-weighted) reviews at no bias.
    quality_strength : float, default 0.5
        The same for applications' quality (towards the overall mean). Small: the quality is
        what is being measured, the shrinkage only steadies applications with one review.
    min_reviews_for_bias : int, default 2
        Reviewers with fewer reviews than this get a bias of exactly 0.
    use_confidence : bool, default True
        Weight each review by its reviewer's stated confidence (relative to the mean stated
        confidence; a review without one weighs as the mean).

    Attributes
    ----------
    mean_ : float
        The overall mean (the intercept).
    quality_ : dict of str to float
        Each reviewed application's quality, relative to ``mean_``.
    bias_ : dict of str to float
        Each reviewer's bias: how much higher than the average reviewer they grade (negative:
        harsh). 0 for reviewers with fewer than ``min_reviews_for_bias`` reviews.
    noise_ : float
        The estimated standard deviation of the noise (NaN when the reviews cannot tell).
    quality_error_ : dict of str to float
        An approximate standard error of each application's calibrated score (see
        :meth:`fit`).
    n_reviews_ : dict of str to int
        Reviews per reviewer.
    """

    def __init__(
        self,
        bias_strength: float = 2.0,
        quality_strength: float = 0.5,
        min_reviews_for_bias: int = 2,
        use_confidence: bool = True,
    ) -> None:
        self.bias_strength = bias_strength
        self.quality_strength = quality_strength
        self.min_reviews_for_bias = min_reviews_for_bias
        self.use_confidence = use_confidence

    def fit(self, reviews: Sequence[Review]) -> ReviewCalibration:
        """Fit the model to ``reviews``.

        The penalised least-squares problem is solved through its normal equations, a sparse
        symmetric positive-definite system with one unknown per application and per biased
        reviewer, plus the mean, by preconditioned conjugate gradients. The standard error
        of an application's calibrated score is approximate: the noise over the
        application's total review weight, plus the uncertainty of its reviewers' biases
        (their covariances are left out).

        Parameters
        ----------
        reviews : sequence of Review
            At most one review per (application, reviewer) pair.

        Returns
        -------
        ReviewCalibration
            ``self``, fitted.

        Raises
        ------
        ValueError
            If there are no reviews, a pair is reviewed twice, or a strength is negative.
        """
        if self.bias_strength < 0 or self.quality_strength < 0:
            raise ValueError("bias_strength and quality_strength must be 0 or more")
        if not reviews:
            raise ValueError("no reviews to calibrate")
        _check_unique(reviews)
        applications = sorted({r.application_id for r in reviews})
        per_reviewer: dict[str, int] = defaultdict(int)
        for review in reviews:
            per_reviewer[review.reviewer_id] += 1
        biased = sorted(j for j, n in per_reviewer.items() if n >= self.min_reviews_for_bias)
        app_index = {a: 1 + i for i, a in enumerate(applications)}
        rev_index = {j: 1 + len(applications) + i for i, j in enumerate(biased)}
        n_params = 1 + len(applications) + len(biased)

        scores = np.array([r.score for r in reviews], dtype=np.float64)
        weights = _weights(reviews, self.use_confidence)
        design = _design(reviews, app_index, rev_index, n_params)
        penalty = np.zeros(n_params)
        penalty[1 : 1 + len(applications)] = self.quality_strength
        penalty[1 + len(applications) :] = self.bias_strength
        weighted = design.T.multiply(weights).tocsr()
        normal = (weighted @ design + sp.diags(penalty)).tocsr()
        solution = _solve(normal, weighted @ scores)

        fitted = design @ solution
        self.mean_ = float(solution[0])
        self.quality_ = {a: float(solution[i]) for a, i in app_index.items()}
        self.bias_ = {j: 0.0 for j in per_reviewer}
        self.bias_.update({j: float(solution[i]) for j, i in rev_index.items()})
        self.n_reviews_ = dict(per_reviewer)
        self.noise_ = _noise(scores, fitted, weights, len(reviews) - n_params, reviews)
        self.quality_error_ = self._errors(reviews, weights)
        return self

    def adjusted(self, review: Review) -> float:
        """The review's score with its reviewer's bias removed."""
        return review.score - self.bias_.get(review.reviewer_id, 0.0)

    def calibrated(self, application_id: str) -> float:
        """``mean_ + quality_[application_id]``: the score the average reviewer would give."""
        return self.mean_ + self.quality_[application_id]

    def _errors(self, reviews: Sequence[Review], weights: FloatArray) -> dict[str, float]:
        noise = self.noise_ if math.isfinite(self.noise_) else math.nan
        reviewer_weight: dict[str, float] = defaultdict(float)
        app_reviews: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for review, weight in zip(reviews, weights, strict=True):
            reviewer_weight[review.reviewer_id] += float(weight)
            app_reviews[review.application_id].append((review.reviewer_id, float(weight)))
        errors = {}
        for app, pairs in app_reviews.items():
            total = sum(w for _, w in pairs)
            variance = 1.0 / (total + self.quality_strength)
            for reviewer, w in pairs:
                if self.n_reviews_[reviewer] >= self.min_reviews_for_bias:
                    bias_variance = 1.0 / (reviewer_weight[reviewer] + self.bias_strength)
                    variance += (w / total) ** 2 * bias_variance
            errors[app] = noise * math.sqrt(variance)
        return errors


def calibrate(reviews: Sequence[Review], **params: Any) -> ReviewCalibration:
    """Fit a :class:`ReviewCalibration` (``params`` are its parameters) to ``reviews``."""
    return ReviewCalibration(**params).fit(reviews)


def _solve(normal: sp.csr_matrix, rhs: FloatArray) -> FloatArray:
    """The normal equations by conjugate gradients with a diagonal preconditioner.

    Not a sparse factorisation: the reviewer-application graph of a competition is close to
    a random graph, whose factors fill in (30,000 reviews took minutes with SuperLU); CG
    needs a few dozen products with the sparse matrix, since the penalties keep the system
    well conditioned. The intercept is unpenalised; a tiny ridge keeps the system definite
    where a strength of 0 leaves a direction free.
    """
    normal = normal + sp.identity(normal.shape[0], format="csr") * 1e-9
    diagonal = normal.diagonal()
    preconditioner = sp.diags(1.0 / np.where(diagonal > 0, diagonal, 1.0))
    solution, info = cg(normal, rhs, rtol=1e-12, atol=0.0, maxiter=10_000, M=preconditioner)
    if info != 0:  # not converged: fall back to the exact (slower) factorisation
        solution = spsolve(normal.tocsc(), rhs)
    return np.asarray(solution, dtype=np.float64)


def _check_unique(reviews: Sequence[Review]) -> None:
    seen: dict[tuple[str, str], int] = {}
    for position, review in enumerate(reviews):
        pair = (review.application_id, review.reviewer_id)
        if pair in seen:
            raise ValueError(
                f"review {position + 1}: reviewer {review.reviewer_id!r} reviews application "
                f"{review.application_id!r} again (first in review {seen[pair] + 1})"
            )
        seen[pair] = position


def _weights(reviews: Sequence[Review], use_confidence: bool) -> FloatArray:
    stated = [r.confidence for r in reviews if r.confidence is not None]
    if not use_confidence or not stated:
        return np.ones(len(reviews))
    # Relative to the mean stated confidence, so that the strengths keep their meaning in
    # reviews whatever scale the confidences are on (1-5, 0-1, ...).
    typical = float(np.mean(stated))
    return np.array(
        [1.0 if r.confidence is None else r.confidence / typical for r in reviews],
        dtype=np.float64,
    )


def _design(
    reviews: Sequence[Review],
    app_index: Mapping[str, int],
    rev_index: Mapping[str, int],
    n_params: int,
) -> sp.csr_matrix:
    rows: list[int] = []
    cols: list[int] = []
    for row, review in enumerate(reviews):
        rows += [row, row]
        cols += [0, app_index[review.application_id]]
        if review.reviewer_id in rev_index:
            rows.append(row)
            cols.append(rev_index[review.reviewer_id])
    values = np.ones(len(rows))
    return sp.csr_matrix((values, (rows, cols)), shape=(len(reviews), n_params))


def _noise(
    scores: FloatArray,
    fitted: FloatArray,
    weights: FloatArray,
    dof: int,
    reviews: Sequence[Review],
) -> float:
    """The noise's standard deviation: from the residuals when the model leaves degrees of
    freedom, else from the spread of scores within applications, else NaN."""
    if dof > 0:
        return math.sqrt(float(np.sum(weights * (scores - fitted) ** 2)) / dof)
    by_app: dict[str, list[float]] = defaultdict(list)
    for review in reviews:
        by_app[review.application_id].append(review.score)
    within = [float(np.var(s, ddof=1)) * (len(s) - 1) for s in by_app.values() if len(s) > 1]
    within_dof = sum(len(s) - 1 for s in by_app.values())
    return math.sqrt(sum(within) / within_dof) if within_dof > 0 else math.nan


# -- the ranking ------------------------------------------------------------------------------


class HasPairs(Protocol):
    """An assignment: who reviews what (e.g. :class:`~matcher.competitions.Assignment`)."""

    @property
    def pairs(self) -> Mapping[str, Sequence[str]]: ...


@dataclass(frozen=True)
class ReviewerScore:
    """One review as the ranking shows it: the raw score and the bias-adjusted one."""

    reviewer_id: str
    score: float
    adjusted: float
    bias: float
    confidence: float | None


@dataclass(frozen=True)
class RankedApplication:
    """One row of a competition's ranking.

    ``rank`` counts within the application's call (1 is best); ``None`` for an application
    without reviews, which is listed last. ``calibrated`` and ``std_error`` are NaN then.
    ``broken_rules`` names the call's rules the team breaks (codes of
    :mod:`matcher.competitions.checks`), when the ranking was given them: such an
    application keeps its place by the reviews and is marked, not silently ranked.
    """

    application_id: str
    call_id: str
    title: str
    rank: int | None
    calibrated: float
    std_error: float
    raw_mean: float
    n_reviews: int
    disagreement: bool
    reasons: list[str]
    reviews: list[ReviewerScore]
    broken_rules: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CompetitionRanking:
    """Every call's applications ranked by calibrated score, with the warnings met.

    Attributes
    ----------
    rows : list of RankedApplication
        By call (in the applications' order of first appearance), then rank.
    calibration : ReviewCalibration or None
        The fitted model (``None`` when no review could be used).
    warnings : list of str
        Reviews left out (unknown application) or not expected (reviewer not assigned),
        assigned reviews missing, applications without reviews.
    scale : (float, float)
        The score scale the disagreement rules used.
    """

    rows: list[RankedApplication]
    calibration: ReviewCalibration | None
    warnings: list[str] = field(default_factory=list)
    scale: tuple[float, float] = (0.0, 1.0)

    @property
    def flagged(self) -> list[RankedApplication]:
        """The rows whose reviewers disagree."""
        return [row for row in self.rows if row.disagreement]

    def to_rows(self) -> list[dict[str, object]]:
        """One dict per application with the :data:`RANKING_COLUMNS` (CSV-ready values)."""
        return [
            {
                "call_id": row.call_id,
                "rank": "" if row.rank is None else row.rank,
                "application_id": row.application_id,
                "title": row.title,
                "calibrated_score": _number(row.calibrated),
                "std_error": _number(row.std_error),
                "raw_mean": _number(row.raw_mean),
                "n_reviews": row.n_reviews,
                "disagreement": "true" if row.disagreement else "false",
                "reason": "; ".join(row.reasons),
                "reviewers": ";".join(
                    f"{r.reviewer_id}={r.score:g}" for r in sorted(row.reviews, key=_by_reviewer)
                ),
                "broken_rules": ";".join(row.broken_rules),
            }
            for row in self.rows
        ]


def _by_reviewer(review: ReviewerScore) -> str:
    return review.reviewer_id


def _number(value: float) -> str:
    return "" if not math.isfinite(value) else f"{value:.4f}"


def rank_applications(
    applications: Sequence[Application],
    reviews: Sequence[Review],
    *,
    assignment: Mapping[str, Sequence[str]] | HasPairs | None = None,
    scale: tuple[float, float] | None = None,
    spread_threshold: float | None = None,
    calibration: ReviewCalibration | None = None,
    broken_rules: Mapping[str, Sequence[str]] | None = None,
) -> CompetitionRanking:
    """Rank each call's applications by their reviewers' calibrated scores.

    Parameters
    ----------
    applications : sequence of Application
        The competition's applications (of one call or several: each call is ranked apart,
        the reviewers' biases are fitted across all).
    reviews : sequence of Review
        The reviewers' scores, higher is better. Reviews of unknown applications are left
        out with a warning.
    assignment : mapping of application id to reviewer ids, or an ``Assignment``, optional
        Who was asked to review what (an object with ``.pairs`` is read through them): a
        review from a reviewer not assigned to the application is used and warned about,
        an assigned review that did not come back is warned about.
    scale : (float, float), optional
        The lowest and highest possible score; by default the first of
        :data:`COMMON_SCALES` that holds every score (else the lowest and highest given).
    spread_threshold : float, optional
        The reviewers disagree when their bias-adjusted scores of an application differ by
        more than this; by default 40% of the scale's range.
    calibration : ReviewCalibration, optional
        An unfitted model with chosen parameters (default: ``ReviewCalibration()``).
    broken_rules : mapping of application id to rule codes, optional
        The rules each application's team breaks (``check_competition(...).by_application``
        or ``{c.application_id: c.rules for c in report.failing}``): shown on its row, and
        counted in a warning, so an ineligible application is never ranked unremarked.

    Returns
    -------
    CompetitionRanking
        The rows, the fitted calibration and the warnings.

    Raises
    ------
    ValueError
        If two applications share an id, a pair is reviewed twice, or ``scale`` is empty.
    """
    by_id: dict[str, Application] = {}
    for application in applications:
        if application.id in by_id:
            raise ValueError(f"application {application.id!r} is listed twice")
        by_id[application.id] = application
    warnings: list[str] = []
    used = _known_reviews(reviews, by_id, warnings)
    pairs = _assigned_pairs(assignment)
    if pairs is not None:
        _check_against_assignment(used, pairs, by_id, warnings)
    low, high = _scale(used, scale)
    outside = [r for r in used if not low <= r.score <= high]
    if outside:
        first = outside[0]
        warnings.append(
            f"{len(outside)} score(s) outside the scale {low:g}-{high:g}, e.g. reviewer "
            f"{first.reviewer_id!r} gave {first.score:g} to {first.application_id!r}"
        )
    threshold = spread_threshold if spread_threshold is not None else 0.4 * (high - low)
    model = calibration if calibration is not None else ReviewCalibration()
    fitted = model.fit(used) if used else None
    grouped: dict[str, list[Review]] = defaultdict(list)
    for review in used:
        grouped[review.application_id].append(review)
    rows: list[RankedApplication] = []
    for application in by_id.values():
        got = grouped.get(application.id, [])
        if not got:
            warnings.append(f"application {application.id!r} has no reviews: not ranked")
        row = _row(application, got, fitted, (low, high), threshold)
        broken = list((broken_rules or {}).get(application.id, ()))
        rows.append(replace(row, broken_rules=broken) if broken else row)
    ineligible = [row.application_id for row in rows if row.broken_rules]
    if ineligible:
        warnings.append(
            f"{len(ineligible)} application(s) break a rule of their call and are marked in "
            f"the ranking: {', '.join(ineligible)}"
        )
    return CompetitionRanking(_ranked(rows), fitted, warnings, (low, high))


def _known_reviews(
    reviews: Iterable[Review], applications: Mapping[str, Application], warnings: list[str]
) -> list[Review]:
    used = []
    for position, review in enumerate(reviews, start=1):
        if review.application_id not in applications:
            warnings.append(
                f"review {position} (reviewer {review.reviewer_id!r}) is of an unknown "
                f"application {review.application_id!r}: left out"
            )
        else:
            used.append(review)
    return used


def _assigned_pairs(
    assignment: Mapping[str, Sequence[str]] | HasPairs | None,
) -> dict[str, list[str]] | None:
    if assignment is None:
        return None
    pairs = assignment if isinstance(assignment, Mapping) else assignment.pairs
    return {str(app): [str(r) for r in reviewers] for app, reviewers in pairs.items()}


def _check_against_assignment(
    reviews: Sequence[Review],
    pairs: Mapping[str, Sequence[str]],
    applications: Mapping[str, Application],
    warnings: list[str],
) -> None:
    given: dict[str, set[str]] = defaultdict(set)
    for review in reviews:
        given[review.application_id].add(review.reviewer_id)
        if review.reviewer_id not in pairs.get(review.application_id, ()):
            warnings.append(
                f"reviewer {review.reviewer_id!r} was not assigned application "
                f"{review.application_id!r}: the review is used"
            )
    for app, reviewers in pairs.items():
        if app not in applications:
            warnings.append(f"the assignment names an unknown application {app!r}")
            continue
        missing = [r for r in reviewers if r not in given[app]]
        if missing:
            warnings.append(
                f"application {app!r}: {len(missing)} of {len(reviewers)} assigned reviews "
                f"missing ({', '.join(missing)})"
            )


def _scale(reviews: Sequence[Review], scale: tuple[float, float] | None) -> tuple[float, float]:
    if scale is not None:
        low, high = float(scale[0]), float(scale[1])
        if not high > low:
            raise ValueError(f"scale {scale}: the highest score must be above the lowest")
        return low, high
    if not reviews:
        return COMMON_SCALES[0]
    lowest = min(r.score for r in reviews)
    highest = max(r.score for r in reviews)
    for low, high in COMMON_SCALES:
        if low <= lowest and highest <= high:
            return low, high
    return (lowest, highest) if highest > lowest else (lowest - 0.5, lowest + 0.5)


def _row(
    application: Application,
    reviews: Sequence[Review],
    calibration: ReviewCalibration | None,
    scale: tuple[float, float],
    threshold: float,
) -> RankedApplication:
    if not reviews or calibration is None:
        return RankedApplication(
            application.id,
            application.call_id,
            application.title,
            None,
            math.nan,
            math.nan,
            math.nan,
            0,
            False,
            [],
            [],
        )
    shown = [
        ReviewerScore(
            r.reviewer_id,
            r.score,
            calibration.adjusted(r),
            calibration.bias_[r.reviewer_id],
            r.confidence,
        )
        for r in reviews
    ]
    reasons = disagreement_reasons(shown, scale, threshold)
    return RankedApplication(
        application.id,
        application.call_id,
        application.title,
        None,
        calibration.calibrated(application.id),
        calibration.quality_error_[application.id],
        float(np.mean([r.score for r in reviews])),
        len(reviews),
        bool(reasons),
        reasons,
        shown,
    )


def disagreement_reasons(
    reviews: Sequence[ReviewerScore], scale: tuple[float, float], threshold: float
) -> list[str]:
    """Why an application's reviewers disagree (empty when they do not).

    Two rules: the bias-adjusted scores spread by more than ``threshold``; or one reviewer
    scored in the top quarter of the scale and another in the bottom quarter (raw scores:
    what they wrote; on 1-10, 8 or more against 3 or less).
    """
    if len(reviews) < 2:
        return []
    reasons = []
    low_review = min(reviews, key=lambda r: r.adjusted)
    high_review = max(reviews, key=lambda r: r.adjusted)
    spread = high_review.adjusted - low_review.adjusted
    if spread > threshold:
        reasons.append(
            f"adjusted scores spread {spread:.2f} (above {threshold:.2f}): "
            f"{high_review.reviewer_id} {high_review.adjusted:.2f} vs "
            f"{low_review.reviewer_id} {low_review.adjusted:.2f}"
        )
    low, high = scale
    quarter = (high - low) / 4.0
    top = [r for r in reviews if r.score >= high - quarter]
    bottom = [r for r in reviews if r.score <= low + quarter]
    if top and bottom:
        best = max(top, key=lambda r: r.score)
        worst = min(bottom, key=lambda r: r.score)
        reasons.append(
            f"opposite sides of the {low:g}-{high:g} scale: {best.reviewer_id} gave "
            f"{best.score:g}, {worst.reviewer_id} gave {worst.score:g}"
        )
    return reasons


def _ranked(rows: list[RankedApplication]) -> list[RankedApplication]:
    """Rows by call (first appearance), then calibrated score (ties: raw mean, then id);
    applications without reviews last, unranked."""
    calls: dict[str, list[RankedApplication]] = defaultdict(list)
    for row in rows:
        calls[row.call_id].append(row)
    ordered: list[RankedApplication] = []
    for call_rows in calls.values():
        reviewed = sorted(
            (r for r in call_rows if r.n_reviews),
            key=lambda r: (-r.calibrated, -r.raw_mean, r.application_id),
        )
        ordered += [_with_rank(row, rank) for rank, row in enumerate(reviewed, start=1)]
        ordered += sorted((r for r in call_rows if not r.n_reviews), key=lambda r: r.application_id)
    return ordered


def _with_rank(row: RankedApplication, rank: int) -> RankedApplication:
    return replace(row, rank=rank)


# -- invented reviews, for trying the ranking out ------------------------------------------------


def invent_reviews(
    pairs: Mapping[str, Sequence[str]],
    *,
    seed: int = 0,
    expertise: Mapping[tuple[str, str], float] | None = None,
    scale: tuple[int, int] = (1, 10),
) -> list[Review]:
    """Plausible but INVENTED reviews of the assigned pairs: for demos and tests, never data.

    Each application gets a hidden quality, about one reviewer in five grades harshly and one
    in five leniently (1.5 points), every score has some noise (0.6), and the reviewers of the
    first application (in id order) are made to disagree so a ranking shows its flag. Scores
    are whole numbers on ``scale``; the confidence (1-5) follows the pair's expertise when
    given (the most expert pair 5), else it is 3. Every comment says the review is invented.

    Parameters
    ----------
    pairs : mapping of application id to reviewer ids
        The assignment (e.g. ``Assignment.pairs``).
    seed : int
        The same seed gives the same reviews.
    expertise : mapping of (application id, reviewer id) to float, optional
        The pairs' expertise (``Assignment.expertise``).
    scale : (int, int)
        The lowest and highest score.

    Returns
    -------
    list of Review
        One per assigned pair, in the assignment's order.
    """
    rng = np.random.default_rng(seed)
    low, high = scale
    middle, spread = (low + high) / 2.0, (high - low) / 9.0
    applications = sorted(pairs)
    reviewers = sorted({r for assigned in pairs.values() for r in assigned})
    quality = dict(zip(applications, rng.normal(0.0, 1.3, len(applications)), strict=True))
    bias = dict(zip(reviewers, rng.choice([-1.5, 0.0, 0.0, 0.0, 1.5], len(reviewers)), strict=True))
    split = applications[0] if applications else None
    most = max(expertise.values(), default=0.0) if expertise else 0.0
    reviews = []
    for app, assigned in pairs.items():
        for position, reviewer in enumerate(assigned):
            value = quality[app] + bias[reviewer] + rng.normal(0.0, 0.6)
            if app == split:  # opposite verdicts, so the demo's ranking shows a flag
                value = 3.5 if position % 2 == 0 else -3.5
            score = int(np.clip(round(middle + value * spread), low, high))
            confidence = 3.0
            if expertise and most > 0:
                confidence = float(np.clip(round(1 + 4 * expertise[(app, reviewer)] / most), 1, 5))
            reviews.append(
                Review(
                    application_id=app,
                    reviewer_id=reviewer,
                    score=score,
                    confidence=confidence,
                    comment="invented for the demo (grantmatch competition demo-reviews)",
                )
            )
    return reviews
