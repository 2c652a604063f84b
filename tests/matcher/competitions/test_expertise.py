"""Expertise of reviewers for applications: the engine's relevance, with its evidence."""

from __future__ import annotations

import numpy as np
import pytest

from matcher import Matcher
from matcher.competitions import expertise_matrix
from matcher.errors import UnknownIdError
from matcher.io import load_dataset
from matcher.model import Application
from matcher.relevance import RelevanceWeights
from tests.conftest import FIXTURES, KeywordEncoder

SMALL = FIXTURES / "small"


def _matcher(weights: RelevanceWeights | None = None) -> Matcher:
    dataset = load_dataset(
        SMALL / "profiles.jsonl",
        SMALL / "calls.jsonl",
        SMALL / "institutions.jsonl",
        SMALL / "offices.jsonl",
    )
    return Matcher(KeywordEncoder(), cache_path=None, relevance=weights).fit(dataset)


@pytest.mark.parametrize(
    "weights", [None, RelevanceWeights(lexical=0.3), RelevanceWeights(recency_half_life=5.0)]
)
def test_a_text_scores_as_the_call_it_is(weights: RelevanceWeights | None) -> None:
    """Expertise is the relevance machinery of calls: a call's text against the reviewers
    scores what the call's ranking scores (on a subset of profiles, in any order)."""
    matcher = _matcher(weights)
    call = matcher.dataset_.calls[0]
    ids = [p.id for p in matcher.dataset_.profiles]
    chosen = [ids[5], ids[0], ids[3], ids[0]]
    scores = matcher.expertise([call.text], chosen)
    relevance = matcher.relevance_of(call.id)
    expected = [relevance[ids.index(p)] for p in chosen]
    assert scores.shape == (1, 4)
    np.testing.assert_allclose(scores[0], expected, atol=1e-5)


def test_the_expert_of_the_field_scores_highest_with_their_best_papers_as_evidence() -> None:
    matcher = _matcher()
    applications = [
        Application(
            id="a-methane",
            call_id="c",
            title="Methane drainage in coal mines",
            abstract="Forecasting methane emission in gassy coal seams.",
            team=["x"],
            lead="x",
        ),
        Application(id="a-health", call_id="c", title="Health and food", team=["x"], lead="x"),
    ]
    reviewers = ["s-ru-methane", "s-ru-health"]
    expertise = expertise_matrix(matcher, applications, reviewers)
    assert expertise.scores.shape == (2, 2)
    assert expertise.score("a-methane", "s-ru-methane") > expertise.score(
        "a-methane", "s-ru-health"
    )
    assert expertise.score("a-health", "s-ru-health") > expertise.score("a-health", "s-ru-methane")
    evidence = expertise.evidence("a-methane", "s-ru-methane", k=3)
    assert len(evidence) == 3
    similarities = [e.similarity for e in evidence]
    assert similarities == sorted(similarities, reverse=True)
    titles = {p.title for p in matcher.dataset_.profile("s-ru-methane").publications}
    assert {e.title for e in evidence} <= titles
    assert all("methane" in e.title.lower() or "gas" in e.title.lower() for e in evidence)


def test_unknown_ids_are_clear_errors() -> None:
    matcher = _matcher()
    with pytest.raises(UnknownIdError):
        matcher.expertise(["text"], ["nobody"])
    app = Application(id="a", call_id="c", title="T", team=["x"], lead="x")
    expertise = expertise_matrix(matcher, [app], ["s-ru-methane"])
    with pytest.raises(KeyError, match="not in this expertise matrix"):
        expertise.evidence("a", "s-ru-health")
