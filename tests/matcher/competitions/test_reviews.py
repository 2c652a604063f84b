"""Reviewers' calibration and the competition's ranking, on synthetic reviews with a known truth."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import spearmanr

from matcher.competitions import ReviewCalibration, calibrate, invent_reviews, rank_applications
from matcher.model import Application, Review

HARSH = [f"r{j}" for j in range(5)]
LENIENT = [f"r{j}" for j in range(5, 10)]


def _reviews(
    seed: int, *, n_apps: int = 60, n_reviewers: int = 30, k: int = 3, bias: float = 2.0
) -> tuple[dict[str, float], list[Review]]:
    """A competition on a 1-10 scale: true quality per application, five harsh reviewers
    (-bias), five lenient ones (+bias), the rest fair, noise 0.7, k random reviewers each."""
    rng = np.random.default_rng(seed)
    quality = {f"a{i}": float(q) for i, q in enumerate(rng.normal(0.0, 1.2, n_apps))}
    biases = np.zeros(n_reviewers)
    biases[:5], biases[5:10] = -bias, bias
    reviews = []
    for app, q in quality.items():
        for j in rng.choice(n_reviewers, size=k, replace=False):
            score = float(np.clip(5.5 + q + biases[j] + rng.normal(0.0, 0.7), 1.0, 10.0))
            reviews.append(Review(application_id=app, reviewer_id=f"r{j}", score=round(score, 1)))
    return quality, reviews


def _applications(ids: list[str], call_id: str = "c1") -> list[Application]:
    return [
        Application(id=i, call_id=call_id, title=f"Proposal {i}", team=["p1"], lead="p1")
        for i in ids
    ]


def _review(app: str, reviewer: str, score: float, confidence: float | None = None) -> Review:
    return Review(application_id=app, reviewer_id=reviewer, score=score, confidence=confidence)


# -- calibration recovers the truth -----------------------------------------------------------


def test_calibration_recovers_planted_harsh_and_lenient_reviewers() -> None:
    _, reviews = _reviews(seed=3, n_apps=120)  # about 12 reviews per reviewer
    model = calibrate(reviews)
    by_bias = sorted(model.bias_, key=model.bias_.__getitem__)
    assert set(by_bias[:5]) == set(HARSH) and set(by_bias[-5:]) == set(LENIENT)
    assert all(model.bias_[r] < -1.0 for r in HARSH)
    assert all(model.bias_[r] > 1.0 for r in LENIENT)
    fair = [b for r, b in model.bias_.items() if r not in HARSH + LENIENT]
    assert max(abs(b) for b in fair) < 0.7
    assert 5.0 < model.mean_ < 6.0


def test_calibrated_scores_rank_closer_to_the_truth_than_the_raw_mean() -> None:
    quality, reviews = _reviews(seed=7)
    ranking = rank_applications(_applications(list(quality)), reviews)
    rows = {row.application_id: row for row in ranking.rows}
    truth = [quality[a] for a in quality]
    raw, _ = spearmanr(truth, [rows[a].raw_mean for a in quality])
    calibrated, _ = spearmanr(truth, [rows[a].calibrated for a in quality])
    assert calibrated > raw + 0.03
    assert calibrated > 0.85


def test_without_biased_reviewers_calibration_costs_little() -> None:
    quality, reviews = _reviews(seed=11, bias=0.0)
    model = calibrate(reviews)
    truth = list(quality.values())
    raw = [np.mean([r.score for r in reviews if r.application_id == a]) for a in quality]
    raw_rho, _ = spearmanr(truth, raw)
    calibrated_rho, _ = spearmanr(truth, [model.calibrated(a) for a in quality])
    assert calibrated_rho > raw_rho - 0.03
    assert max(abs(b) for b in model.bias_.values()) < 0.8


def test_a_reviewer_with_one_review_gets_no_bias() -> None:
    _, reviews = _reviews(seed=5)
    reviews.append(_review("a0", "newcomer", 1.0))
    model = calibrate(reviews)
    assert model.bias_["newcomer"] == 0.0
    assert model.n_reviews_["newcomer"] == 1


def test_confidence_weights_pull_the_quality_towards_the_confident_reviewer() -> None:
    reviews = [
        _review("a", "r1", 9.0, confidence=5.0),
        _review("a", "r2", 3.0, confidence=1.0),
        _review("b", "r1", 5.0, confidence=3.0),
        _review("b", "r2", 5.0, confidence=3.0),
    ]
    weighted = calibrate(reviews, bias_strength=100.0)
    unweighted = calibrate(reviews, bias_strength=100.0, use_confidence=False)
    assert weighted.calibrated("a") > unweighted.calibrated("a") + 0.5
    assert unweighted.calibrated("a") == pytest.approx(6.0, abs=0.3)


def test_standard_error_falls_with_more_reviews() -> None:
    _, few = _reviews(seed=2, k=2)
    _, many = _reviews(seed=2, k=6)
    few_errors = calibrate(few).quality_error_
    many_errors = calibrate(many).quality_error_
    assert np.median(list(many_errors.values())) < np.median(list(few_errors.values()))
    assert all(e > 0 for e in many_errors.values())


def test_a_repeated_review_is_refused() -> None:
    with pytest.raises(ValueError, match=r"reviewer 'r1' reviews application 'a' again"):
        calibrate([_review("a", "r1", 5.0), _review("a", "r1", 6.0)])


def test_no_reviews_is_refused() -> None:
    with pytest.raises(ValueError, match="no reviews"):
        ReviewCalibration().fit([])


def test_one_review_alone_gives_its_score() -> None:
    model = calibrate([_review("a", "r1", 7.0)])
    assert model.calibrated("a") == pytest.approx(7.0, abs=0.01)
    assert math.isnan(model.quality_error_["a"])


# -- the ranking --------------------------------------------------------------------------------


def test_each_call_is_ranked_apart_and_unreviewed_applications_come_last() -> None:
    applications = _applications(["a", "b", "c"]) + _applications(["x", "y"], call_id="c2")
    reviews = [
        _review("a", "r1", 4.0),
        _review("b", "r1", 8.0),
        _review("x", "r1", 6.0),
        _review("y", "r1", 7.0),
    ]
    ranking = rank_applications(applications, reviews)
    assert [(r.call_id, r.application_id, r.rank) for r in ranking.rows] == [
        ("c1", "b", 1),
        ("c1", "a", 2),
        ("c1", "c", None),
        ("c2", "y", 1),
        ("c2", "x", 2),
    ]
    unreviewed = ranking.rows[2]
    assert unreviewed.n_reviews == 0 and math.isnan(unreviewed.calibrated)
    assert any("'c' has no reviews" in w for w in ranking.warnings)


def test_a_harsh_reviewer_does_not_sink_the_application_they_drew() -> None:
    # r_harsh scores everything 3 points lower; "a" drew them, "b" did not.
    reviews = [_review("a", "r_harsh", 5.0), _review("a", "r1", 8.0), _review("b", "r2", 7.5)]
    reviews += [_review(f"o{i}", "r_harsh", 4.0) for i in range(6)]
    reviews += [_review(f"o{i}", "r1", 7.0) for i in range(6)]
    reviews += [_review(f"o{i}", "r2", 7.0) for i in range(6)]
    applications = _applications(["a", "b", *(f"o{i}" for i in range(6))])
    ranking = rank_applications(applications, reviews)
    rows = {row.application_id: row for row in ranking.rows}
    assert rows["a"].raw_mean < rows["b"].raw_mean
    assert rows["a"].rank is not None and rows["b"].rank is not None
    assert rows["a"].rank < rows["b"].rank


def test_disagreement_is_flagged_with_its_reason() -> None:
    reviews = [
        _review("split", "r1", 9.0),
        _review("split", "r2", 2.0),
        _review("calm", "r1", 6.0),
        _review("calm", "r2", 6.0),
        _review("other", "r1", 5.0),
        _review("other", "r2", 5.0),
    ]
    ranking = rank_applications(_applications(["split", "calm", "other"]), reviews, scale=(1, 10))
    rows = {row.application_id: row for row in ranking.rows}
    assert [row.application_id for row in ranking.flagged] == ["split"]
    reasons = " ".join(rows["split"].reasons)
    assert "spread" in reasons and "opposite sides of the 1-10 scale" in reasons
    assert "r1 gave 9" in reasons and "r2 gave 2" in reasons
    assert rows["calm"].reasons == []


def test_a_spread_alone_is_flagged_with_a_lower_threshold() -> None:
    reviews = [_review("a", "r1", 6.0), _review("a", "r2", 8.0)]
    default = rank_applications(_applications(["a"]), reviews, scale=(1, 10))
    strict = rank_applications(_applications(["a"]), reviews, scale=(1, 10), spread_threshold=1.0)
    assert not default.rows[0].disagreement
    assert strict.rows[0].disagreement
    assert strict.rows[0].reasons[0].startswith("adjusted scores spread 2.00")


def test_assignment_warnings_name_unassigned_and_missing_reviews() -> None:
    reviews = [_review("a", "r1", 6.0), _review("a", "r9", 7.0), _review("b", "r2", 5.0)]
    assignment = {"a": ["r1", "r2"], "b": ["r2", "r3"], "zz": ["r1"]}
    ranking = rank_applications(_applications(["a", "b"]), reviews, assignment=assignment)
    text = "\n".join(ranking.warnings)
    assert "reviewer 'r9' was not assigned application 'a'" in text
    assert "application 'a': 1 of 2 assigned reviews missing (r2)" in text
    assert "application 'b': 1 of 2 assigned reviews missing (r3)" in text
    assert "unknown application 'zz'" in text
    assert {row.n_reviews for row in ranking.rows} == {2, 1}  # the unassigned review is used


def test_an_assignment_object_is_read_through_its_pairs() -> None:
    assigned = SimpleNamespace(pairs={"a": ["r1"]})
    ranking = rank_applications(
        _applications(["a"]), [_review("a", "r2", 5.0)], assignment=assigned
    )
    assert any("'r2' was not assigned" in w for w in ranking.warnings)


def test_reviews_of_unknown_applications_are_left_out_with_a_warning() -> None:
    reviews = [_review("a", "r1", 6.0), _review("ghost", "r1", 9.0)]
    ranking = rank_applications(_applications(["a"]), reviews)
    assert [row.application_id for row in ranking.rows] == ["a"]
    assert ranking.warnings == [
        "review 2 (reviewer 'r1') is of an unknown application 'ghost': left out"
    ]


def test_no_usable_reviews_gives_an_unranked_list() -> None:
    ranking = rank_applications(_applications(["a", "b"]), [_review("ghost", "r1", 5.0)])
    assert ranking.calibration is None
    assert [row.rank for row in ranking.rows] == [None, None]


def test_duplicate_applications_and_an_empty_scale_are_refused() -> None:
    with pytest.raises(ValueError, match="listed twice"):
        rank_applications(_applications(["a", "a"]), [_review("a", "r1", 5.0)])
    with pytest.raises(ValueError, match="highest score must be above"):
        rank_applications(_applications(["a"]), [_review("a", "r1", 5.0)], scale=(5, 5))


def test_rows_for_csv_have_every_column() -> None:
    reviews = [_review("a", "r2", 6.0), _review("a", "r1", 7.0)]
    ranking = rank_applications(_applications(["a", "b"]), reviews)
    first, second = ranking.to_rows()
    assert first["rank"] == 1 and first["reviewers"] == "r1=7;r2=6"
    assert first["raw_mean"] == "6.5000" and first["disagreement"] == "false"
    assert second["rank"] == "" and second["calibrated_score"] == ""


@pytest.mark.parametrize(
    ("scores", "scale"),
    [
        ([2.0, 4.0], (1.0, 5.0)),
        ([0.0, 4.0], (0.0, 5.0)),
        ([3.0, 9.0], (1.0, 10.0)),
        ([50.0, 250.0], (50.0, 250.0)),
        ([-3.0, -3.0], (-3.5, -2.5)),
    ],
)
def test_the_scale_is_the_smallest_common_one_holding_every_score(
    scores: list[float], scale: tuple[float, float]
) -> None:
    reviews = [_review("a", f"r{i}", s) for i, s in enumerate(scores)]
    assert rank_applications(_applications(["a"]), reviews).scale == scale


# -- invented reviews -------------------------------------------------------------------------


def test_invented_reviews_cover_every_pair_on_the_scale_and_say_they_are_invented() -> None:
    pairs = {f"a{i}": [f"r{(i + j) % 7}" for j in range(3)] for i in range(12)}
    expertise = {(a, r): 0.1 + 0.05 * int(r[1:]) for a, rs in pairs.items() for r in rs}
    reviews = invent_reviews(pairs, seed=4, expertise=expertise)
    assert [(r.application_id, r.reviewer_id) for r in reviews] == [
        (a, r) for a, rs in pairs.items() for r in rs
    ]
    assert all(1 <= r.score <= 10 and r.score == int(r.score) for r in reviews)
    assert all("invented" in r.comment for r in reviews)
    most_expert = [r for r in reviews if r.reviewer_id == "r6"]
    assert {r.confidence for r in most_expert} == {5.0}
    assert invent_reviews(pairs, seed=4, expertise=expertise) == reviews
    assert invent_reviews(pairs, seed=5, expertise=expertise) != reviews


def test_invented_reviews_rank_with_a_flagged_application() -> None:
    pairs = {f"a{i}": [f"r{(i + j) % 7}" for j in range(3)] for i in range(12)}
    ranking = rank_applications(_applications(list(pairs)), invent_reviews(pairs))
    assert "a0" in [row.application_id for row in ranking.flagged]
    assert ranking.scale == (1.0, 10.0)
    assert [row.rank for row in ranking.rows] == list(range(1, 13))


def test_equal_scores_off_every_common_scale_are_no_disagreement() -> None:
    reviews = [_review("a", "r1", -3.0), _review("a", "r2", -3.0)]
    assert rank_applications(_applications(["a"]), reviews).flagged == []


def test_scores_outside_a_given_scale_are_warned_about() -> None:
    reviews = [_review("a", "r1", 8.0), _review("a", "r2", 4.0)]
    ranking = rank_applications(_applications(["a"]), reviews, scale=(1, 5))
    assert ranking.warnings == [
        "1 score(s) outside the scale 1-5, e.g. reviewer 'r1' gave 8 to 'a'"
    ]


# -- properties ---------------------------------------------------------------------------------

_SCORES = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 4), st.integers(1, 10)),
    min_size=2,
    max_size=25,
    unique_by=lambda t: (t[0], t[1]),
)


def _from(
    triples: list[tuple[int, int, int]], scale: float = 1.0, shift: float = 0.0
) -> list[Review]:
    return [_review(f"a{a}", f"r{r}", score * scale + shift) for a, r, score in triples]


@settings(max_examples=60, deadline=None)
@given(triples=_SCORES, scale=st.floats(0.1, 10.0), shift=st.floats(-50.0, 50.0))
def test_a_positive_affine_change_of_the_scores_moves_the_model_alike(
    triples: list[tuple[int, int, int]], scale: float, shift: float
) -> None:
    before = calibrate(_from(triples))
    after = calibrate(_from(triples, scale, shift))
    assert after.mean_ == pytest.approx(before.mean_ * scale + shift, abs=1e-6 * (1 + abs(shift)))
    for app, quality in before.quality_.items():
        assert after.quality_[app] == pytest.approx(quality * scale, abs=1e-6 * scale)
    for reviewer, bias in before.bias_.items():
        assert after.bias_[reviewer] == pytest.approx(bias * scale, abs=1e-6 * scale)


@settings(max_examples=60, deadline=None)
@given(triples=_SCORES, data=st.data())
def test_the_order_of_the_reviews_does_not_matter(
    triples: list[tuple[int, int, int]], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(triples))
    before, after = calibrate(_from(triples)), calibrate(_from(shuffled))
    assert after.mean_ == pytest.approx(before.mean_, abs=1e-7)
    for app, quality in before.quality_.items():
        assert after.quality_[app] == pytest.approx(quality, abs=1e-7)


def test_an_application_breaking_a_rule_is_marked_and_warned_about() -> None:
    applications = _applications(["a1", "a2"])
    reviews = [_review("a1", "r1", 8), _review("a2", "r1", 6), _review("a2", "r2", 7)]
    ranking = rank_applications(
        applications, reviews, broken_rules={"a2": ["required_countries:CN"]}
    )
    by_id = {row.application_id: row for row in ranking.rows}
    assert by_id["a2"].broken_rules == ["required_countries:CN"]
    assert by_id["a1"].broken_rules == []
    assert any("a2" in warning and "break a rule" in warning for warning in ranking.warnings)
    csv_rows = {row["application_id"]: row for row in ranking.to_rows()}
    assert csv_rows["a2"]["broken_rules"] == "required_countries:CN"
    assert csv_rows["a1"]["broken_rules"] == ""
