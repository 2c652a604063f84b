"""A round honours the engine's settings (relevance, team objective, routes) or refuses them."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from matcher import Dataset, Matcher
from matcher.errors import GrantmatchError
from matcher.relevance import RelevanceWeights
from matcher.rounds import ResumeError, RoundConfig, UnsupportedRoundOption, run_round
from matcher.routes import RouteCosts
from matcher.teams import TeamObjective

TUNED: dict[str, Any] = {
    "relevance": RelevanceWeights(publications=0.3, keywords=0.5, summary=0.2, top_k=3),
    "team_objective": TeamObjective(
        coverage_weight=0.0,
        route_weight=0.8,
        lead_weight=1.5,
        lead_seniority_weight=0.8,
        diversity_weight=0.3,
        threshold_quantile=0.6,
    ),
    "route_costs": RouteCosts(collaboration=0.4, office_partner=0.05, office=0.9),
}


def _teams(path: Path) -> dict[str, tuple[float, set[str], str]]:
    """Per call: the team objective, its members and its lead."""
    objective: dict[str, float] = {}
    members: dict[str, set[str]] = {}
    leads: dict[str, str] = {}
    with path.open(encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            objective[row["call_id"]] = float(row["team_objective"])
            members.setdefault(row["call_id"], set()).add(row["profile_id"])
            if row["role"] == "lead":
                leads[row["call_id"]] = row["profile_id"]
    return {c: (objective[c], members[c], leads[c]) for c in objective}


def _matcher_teams(matcher: Matcher, dataset: Dataset) -> dict[str, tuple[float, set[str], str]]:
    teams = {}
    for call in dataset.calls:
        team = matcher.team(call.id, relax=False).team
        if team is not None:
            lead = next(m.profile_id for m in team.members if m.role == "lead")
            teams[call.id] = (team.objective, {m.profile_id for m in team.members}, lead)
    return teams


def test_a_tuned_round_staffs_each_call_like_matcher_team(
    demo: Dataset, vector_cache: str, tmp_path: Path
) -> None:
    config = RoundConfig(
        backend="tfidf", cache_path=vector_cache, staffing="independent", chunk_size=50, **TUNED
    )
    run_round(demo, tmp_path, config)
    tuned = Matcher("tfidf", cache_path=Path(vector_cache), **TUNED).fit(demo)
    expected = _matcher_teams(tuned, demo)
    got = _teams(tmp_path / "teams.csv")
    assert got.keys() == expected.keys()
    for call_id, (objective, members, lead) in expected.items():
        assert got[call_id][0] == pytest.approx(objective, abs=1e-4), call_id
        assert got[call_id][1:] == (members, lead), call_id
    with (tmp_path / "scores.csv").open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    ranked = list(tuned.rank_all(10))
    assert [(r["call_id"], r["profile_id"]) for r in rows] == [
        (r.call_id, r.profile_id) for r in ranked
    ]
    for row, r in zip(rows, ranked, strict=True):
        assert float(row["score"]) == pytest.approx(r.score, abs=2e-6)
    # The settings reach the round: the default engine staffs differently.
    default = Matcher(
        "tfidf", cache_path=Path(vector_cache), team_objective=TeamObjective(coverage_weight=0.0)
    ).fit(demo)
    assert _matcher_teams(default, demo) != expected


@pytest.mark.parametrize(
    ("settings", "option"),
    [
        ({"relevance": RelevanceWeights(lexical=0.3)}, "relevance.lexical"),
        ({"relevance": RelevanceWeights(aggregation="rank_decay")}, "relevance.aggregation"),
        ({"relevance": RelevanceWeights(recency_half_life=5.0)}, "relevance.recency_half_life"),
        ({"relevance": RelevanceWeights(match_threshold=0.5)}, "relevance.match_threshold"),
    ],
)
def test_a_setting_rounds_cannot_honour_is_refused_by_name(
    settings: dict[str, Any], option: str
) -> None:
    with pytest.raises(UnsupportedRoundOption, match=option.replace(".", r"\.")) as refused:
        RoundConfig(**settings)
    assert refused.value.option == option
    # The CLI reports GrantmatchError and ValueError as user errors (exit code 2).
    assert isinstance(refused.value, GrantmatchError) and isinstance(refused.value, ValueError)


def test_default_settings_spelled_out_share_the_fingerprint() -> None:
    spelled = RoundConfig(
        relevance=RelevanceWeights(),
        team_objective=TeamObjective(),
        route_costs=RouteCosts(),
    )
    assert spelled.fingerprint() == RoundConfig().fingerprint()


@pytest.mark.parametrize("changed", sorted(TUNED))
def test_resume_refuses_changed_engine_settings(
    changed: str, demo: Dataset, vector_cache: str, tmp_path: Path
) -> None:
    base: dict[str, Any] = {"backend": "tfidf", "cache_path": vector_cache, "chunk_size": 100}
    run_round(demo, tmp_path, RoundConfig(**base, staffing="greedy"))
    with pytest.raises(ResumeError, match="config"):
        run_round(
            demo,
            tmp_path,
            RoundConfig(**base, staffing="greedy", **{changed: TUNED[changed]}),
            resume=True,
        )
    # The same settings, spelled out explicitly, resume.
    explicit = RoundConfig(
        **base,
        staffing="greedy",
        relevance=RelevanceWeights(),
        team_objective=TeamObjective(),
        route_costs=RouteCosts(),
    )
    assert run_round(demo, tmp_path, explicit, resume=True).resumed_chunks > 0


@pytest.mark.parametrize("gap", [-0.01, 1.0])
def test_a_lagrangian_gap_outside_zero_to_one_is_refused(gap: float) -> None:
    with pytest.raises(ValueError, match="lagrangian_gap"):
        RoundConfig(lagrangian_gap=gap)
