"""Aggregations, the dense/lexical blend, recency, abstention and organisation profiles."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from api.cli import main
from matcher import Matcher, load_dataset
from matcher.dataset import Dataset
from matcher.evidence import EvidenceIndex
from matcher.lexical import LexicalIndex
from matcher.model import Call, CallRules, Profile, Publication
from matcher.relevance import (
    MATCH_THRESHOLDS,
    RelevanceScorer,
    RelevanceWeights,
    aggregate,
    match_threshold_for,
)
from tests.conftest import KeywordEncoder

WORDS = ["methane", "coal", "soil", "water", "graphene", "health", "food", "energy"]


def _profile(pid: str, titles: list[str], years: list[int | None] | None = None) -> Profile:
    years = years or [None] * len(titles)
    publications = [Publication(title=t, year=y) for t, y in zip(titles, years, strict=True)]
    return Profile(id=pid, name=pid, publications=publications)


def _fit(profiles: list[Profile], calls: list[Call], weights: RelevanceWeights) -> Matcher:
    return Matcher(KeywordEncoder(), relevance=weights).fit(Dataset(profiles=profiles, calls=calls))


# -- aggregation ---------------------------------------------------------------------------


def test_aggregations_on_a_padded_block() -> None:
    nan = np.nan
    block = np.asarray(
        [[0.9, 0.5, 0.1, nan], [nan, nan, nan, nan], [0.4, nan, nan, nan]], np.float32
    )
    top2 = aggregate(block, RelevanceWeights(top_k=2))
    np.testing.assert_allclose(top2[[0, 2]], [0.7, 0.4], atol=1e-6)
    assert np.isnan(top2[1])  # no publication: NaN, so the part drops out
    decay = aggregate(block, RelevanceWeights(aggregation="rank_decay", top_k=3))
    np.testing.assert_allclose(decay[0], (0.9 + 0.5 / 2 + 0.1 / 3) / (1 + 1 / 2 + 1 / 3), atol=1e-6)
    assert decay[2] == pytest.approx(0.4)
    median = aggregate(block, RelevanceWeights(aggregation="percentile", percentile=50))
    assert median[0] == pytest.approx(0.5) and median[2] == pytest.approx(0.4)
    assert np.isnan(median[1])


@pytest.mark.parametrize(
    "weights",
    [
        RelevanceWeights(aggregation="rank_decay", top_k=4),
        RelevanceWeights(aggregation="percentile", percentile=80),
        RelevanceWeights(top_k=2, lexical=0.4, lexical_method="bm25"),
        RelevanceWeights(lexical=0.6, lexical_method="tfidf", recency_half_life=2.0),
    ],
)
def test_matrix_equals_the_explanation_for_every_setting(weights: RelevanceWeights) -> None:
    rng = np.random.default_rng(1)
    profiles = [
        Profile(
            id=f"p{i}",
            name="x",
            publications=[
                Publication(
                    title=" ".join(rng.choice(WORDS, 3)), year=int(rng.integers(2015, 2024))
                )
                for _ in range(int(rng.integers(0, 9)))
            ],
            keywords=[str(rng.choice(WORDS))] if i % 2 else [],
            summary=str(rng.choice(WORDS)) if i % 3 else "",
        )
        for i in range(25)
    ]
    calls = [
        Call(id=f"c{j}", title=text) for j, text in enumerate(["methane coal", "graphene water"])
    ]
    matcher = _fit(profiles, calls, weights)
    for call in calls:
        row = matcher.relevance_of(call.id)
        for p, profile in enumerate(profiles):
            explained = matcher.explain(call.id, profile.id)
            assert explained.score == pytest.approx(float(row[p]), abs=1e-5)


# -- the blend -----------------------------------------------------------------------------


def test_lexical_index_is_calibrated_and_bounded() -> None:
    for method in ("tfidf", "bm25"):
        index = LexicalIndex.build(["graphene membranes for water", "soil survey", ""], method)
        scores = index.similarities(["graphene membranes for water", "poetry"])
        assert scores.shape == (2, 3)
        # The text itself scores high (BM25 saturates term frequency, so below TF-IDF's).
        assert scores[0, 0] > 0.5
        assert scores[0, 1] == 0.0 and scores[1].max() == 0.0  # nothing shared: "unrelated"
    empty = LexicalIndex.build([], "bm25")
    assert empty.similarities(["x"]).shape == (1, 0)
    with pytest.raises(ValueError, match="lexical method"):
        LexicalIndex.build(["x"], "bm42")  # type: ignore[arg-type]


def test_the_lexical_share_finds_a_term_the_dense_model_cannot_see() -> None:
    # The fake encoder has no dimension for "perovskite": densely, both profiles look alike.
    profiles = [
        _profile("exact", ["perovskite solar energy cells"]),
        _profile("vague", ["energy storage in batteries"]),
    ]
    calls = [Call(id="c", title="perovskite energy")]
    dense = _fit(profiles, calls, RelevanceWeights(lexical=0.0)).relevance_of("c")
    assert dense[0] == pytest.approx(dense[1], abs=1e-6)
    blended = _fit(profiles, calls, RelevanceWeights(lexical=0.3)).relevance_of("c")
    assert blended[0] > blended[1] + 0.1
    lexical_only = _fit(profiles, calls, RelevanceWeights(lexical=1.0)).relevance_of("c")
    assert lexical_only[0] > 0.5 > lexical_only[1]


def test_without_call_texts_the_scorer_falls_back_to_dense() -> None:
    encoder = KeywordEncoder()
    profiles = [_profile("a", ["methane drainage"])]
    index = EvidenceIndex.build(profiles, encoder.encode)
    weights = RelevanceWeights(lexical=0.5)
    scorer = RelevanceScorer(weights, lexical=RelevanceScorer.lexical_index(index, weights))
    vectors = encoder.encode(["methane"])
    dense = RelevanceScorer(RelevanceWeights(lexical=0.0)).score_matrix(vectors, index)
    np.testing.assert_allclose(scorer.score_matrix(vectors, index), dense)
    assert not np.allclose(scorer.score_matrix(vectors, index, ["methane"]), dense)


def test_weights_validate_the_new_settings() -> None:
    with pytest.raises(ValueError, match="lexical"):
        RelevanceWeights(lexical=1.5)
    with pytest.raises(ValueError, match="aggregation"):
        RelevanceWeights(aggregation="median")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="recency"):
        RelevanceWeights(recency_half_life=0)
    with pytest.raises(ValueError, match="percentile"):
        RelevanceWeights(percentile=101)


def test_recency_prefers_the_recent_paper_on_the_same_topic() -> None:
    profiles = [
        _profile("old", ["methane drainage", "soil"], [2005, 2023]),
        _profile("new", ["methane drainage", "soil"], [2023, 2005]),
    ]
    calls = [Call(id="c", title="methane")]
    flat = _fit(profiles, calls, RelevanceWeights(top_k=1)).relevance_of("c")
    assert flat[0] == pytest.approx(flat[1])
    recent = _fit(profiles, calls, RelevanceWeights(top_k=1, recency_half_life=5)).relevance_of("c")
    assert recent[1] > recent[0]
    assert recent[0] == pytest.approx(flat[0] * 0.5 ** (18 / 5), rel=1e-4)


# -- abstention ----------------------------------------------------------------------------


def test_a_call_nobody_matches_abstains_and_says_so() -> None:
    profiles = [_profile("m", ["methane drainage in coal mines"]), _profile("s", ["soil water"])]
    calls = [Call(id="match", title="coal methane"), Call(id="nobody", title="medieval poetry")]
    matcher = _fit(profiles, calls, RelevanceWeights())
    assert not matcher.abstains("match")
    assert matcher.abstains("nobody")
    assert matcher.rank("nobody", k=2)  # the ranking is still there, flagged weak
    explanation = matcher.explain("nobody", "m")
    assert explanation.call_abstains and not explanation.is_match
    strong = matcher.explain("match", "m")
    assert strong.is_match and not strong.call_abstains
    assert strong.match_threshold == matcher.match_threshold == 0.5  # unknown backend


def test_the_match_threshold_is_measured_per_backend_unless_given() -> None:
    assert match_threshold_for(RelevanceWeights(), "minilm") == MATCH_THRESHOLDS["minilm"]
    assert match_threshold_for(RelevanceWeights(), "use") == MATCH_THRESHOLDS["use"]
    assert match_threshold_for(RelevanceWeights(), "my-encoder") == 0.5
    assert match_threshold_for(RelevanceWeights(match_threshold=0.7), "use") == 0.7
    profiles = [_profile("m", ["methane drainage in coal mines"])]
    strict = _fit(
        profiles, [Call(id="c", title="coal methane")], RelevanceWeights(match_threshold=5)
    )
    assert strict.abstains("c") and strict.match_threshold == 5


def test_an_empty_pool_abstains() -> None:
    matcher = _fit([], [Call(id="c", title="methane")], RelevanceWeights())
    assert matcher.abstains("c")


def _write(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_rank_command_names_the_call_nobody_matches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profiles = _write(
        tmp_path / "profiles.jsonl",
        [
            {"id": "m", "name": "M", "publications": [{"title": "Methane drainage in coal mines"}]},
            {"id": "s", "name": "S", "publications": [{"title": "Soil water retention"}]},
        ],
    )
    calls = _write(
        tmp_path / "calls.jsonl",
        [
            {"id": "c-methane", "title": "Methane drainage in coal mines"},
            {"id": "c-poetry", "title": "Medieval poetry and its manuscripts"},
        ],
    )
    out = tmp_path / "scores.csv"
    args = ["rank", "--profiles", str(profiles), "--calls", str(calls), "--backend", "tfidf"]
    assert main([*args, "--out", str(out), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "c-poetry" in err and "c-methane" not in err
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "call_id,profile_id,score,rank" and len(lines) == 5
    assert main([*args, "--out", str(out), "--quiet", "--only-matches"]) == 0
    kept = out.read_text(encoding="utf-8").splitlines()
    assert [line.split(",")[:2] for line in kept[1:]] == [["c-methane", "m"]]


# -- organisations -------------------------------------------------------------------------


def test_organisations_are_scored_from_their_past_projects(tmp_path: Path) -> None:
    profiles = _write(
        tmp_path / "profiles.jsonl",
        [
            {
                "id": "org-mine",
                "name": "Mine Safety Institute",
                "kind": "organization",
                "country": "DE",
                "publications": [
                    {"title": "Methane drainage for safer coal mines", "year": 2021},
                    {
                        "title": "Food packaging",
                        "abstract": "A past project on food.",
                        "year": 2019,
                    },
                ],
            },
            {
                "id": "org-soil",
                "name": "Soil Lab",
                "kind": "organization",
                "country": "FR",
                "publications": [{"title": "Soil and water monitoring", "year": 2022}],
            },
            {"id": "r-1", "name": "Researcher", "publications": [{"title": "Health data"}]},
        ],
    )
    calls = _write(
        tmp_path / "calls.jsonl",
        [
            {
                "id": "c",
                "title": "Coal mine methane",
                "keywords": ["methane drainage"],
                "rules": {"member_kinds": ["organization"], "min_team_size": 1},
            }
        ],
    )
    dataset = load_dataset(profiles, calls)
    assert dataset.profile("org-mine").kind == "organization"
    matcher = Matcher(KeywordEncoder()).fit(dataset)
    assert matcher.rank("c", k=1)[0].profile_id == "org-mine"
    explanation = matcher.explain("c", "org-mine")
    assert explanation.publications[0].title == "Methane drainage for safer coal mines"
    assert "methane drainage" in explanation.publications[0].covers
    assert [p.text for p in explanation.call_parts] == ["methane drainage", "Coal mine methane"]
    assert explanation.part_coverage[0] > 0.5
    suggested = [s.profile_id for s in matcher.partners("c", ["org-soil"], k=5)]
    assert suggested[0] == "org-mine" and "r-1" not in suggested  # only organisations


def test_call_rules_admit_organisations() -> None:
    rules = CallRules(member_kinds=["organization"])
    assert rules.member_kinds == ["organization"]
