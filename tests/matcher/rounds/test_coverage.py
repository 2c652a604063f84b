"""The coverage term in rounds: a call's team equals `grantmatch teams`' where capacities do
not bind, the call parts are embedded once, and coverage equals the Matcher's."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from matcher import Dataset, Matcher
from matcher.evidence import FloatMatrix, encode_as
from matcher.model import Call, CallRules, Office, Profile, Publication
from matcher.rounds import RoundConfig, run_round
from matcher.rounds.coverage import RoundCoverage
from matcher.teams import TeamObjective

#: Four research topics: a keyword and a sentence each.
TOPICS = {
    "soil": ("soil carbon", "Soil carbon sequestration under reduced tillage builds humus."),
    "river": ("river flooding", "River flooding forecasts from discharge and levee hydrology."),
    "glacier": ("glacier melt", "Glacier melt rates from firn cores and ice sheet energy."),
    "ocean": ("ocean acidification", "Ocean acidification bleaches coral reef and plankton."),
}

#: Where a study was made: a word that makes each profile's evidence its own (no ties).
SITES = ["alpine", "boreal", "coastal", "delta", "estuary", "fjord"]
SITES += ["highland", "karst", "lagoon", "moraine", "prairie", "tundra"]

Teams = dict[str, tuple[float, frozenset[str], str]]


def topics_round(capacity: int) -> Dataset:
    """Five specialists per topic; each call names three topics (keywords and sentences).

    The most relevant profiles for a call are specialists of one topic, so relevance alone
    staffs a one-topic team; the coverage term prefers members who cover the other topics.
    """
    profiles = [
        Profile(
            id=f"{topic}-{i}",
            name=f"{topic} {i}",
            country="DE",
            capacity=capacity,
            publications=[
                Publication(title=f"{sentence} {SITES[(3 * t + i + k) % len(SITES)]} {keyword}.")
                for k in range(1 + (i + t) % 4)
            ],
        )
        for t, (topic, (keyword, sentence)) in enumerate(TOPICS.items())
        for i in range(5)
    ]
    names = list(TOPICS)
    calls = []
    for main in names:
        named = [main, *[t for t in names if t != main][:2]]
        calls.append(
            Call(
                id=f"call-{main}",
                title=f"{TOPICS[main][0].capitalize()} research",
                description=" ".join(TOPICS[t][1] for t in named),
                keywords=[TOPICS[t][0] for t in named],
                rules=CallRules(min_team_size=3, max_team_size=3),
            )
        )
    office = Office(
        id="off-fr", name="Office FR", operator="agency", home_country="DE", country="FR"
    )
    return Dataset(profiles, calls, [], [office])


def round_teams(path: Path) -> Teams:
    objective: dict[str, float] = {}
    members: dict[str, set[str]] = {}
    leads: dict[str, str] = {}
    with path.open(encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            objective[row["call_id"]] = float(row["team_objective"])
            members.setdefault(row["call_id"], set()).add(row["profile_id"])
            if row["role"] == "lead":
                leads[row["call_id"]] = row["profile_id"]
    return {c: (objective[c], frozenset(members[c]), leads[c]) for c in objective}


def matcher_teams(matcher: Matcher) -> Teams:
    """What `grantmatch teams` answers for every call."""
    teams: Teams = {}
    for call in matcher.dataset_.calls:
        team = matcher.team(call.id, relax=False).team
        if team is not None:
            lead = next(m.profile_id for m in team.members if m.role == "lead")
            teams[call.id] = (team.objective, frozenset(m.profile_id for m in team.members), lead)
    return teams


def assert_same_teams(got: Teams, expected: Teams) -> None:
    assert got.keys() == expected.keys()
    for call_id, (objective, members, lead) in expected.items():
        assert got[call_id][0] == pytest.approx(objective, abs=1e-4), call_id
        assert got[call_id][1:] == (members, lead), call_id


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("coverage-cache") / "vectors.sqlite")


@pytest.mark.parametrize("weight", [None, 2.0])
def test_independent_round_staffs_each_call_as_grantmatch_teams(
    weight: float | None, cache: str, tmp_path: Path
) -> None:
    dataset = topics_round(capacity=2)
    objective = None if weight is None else TeamObjective(coverage_weight=weight)
    config = RoundConfig(
        backend="tfidf",
        cache_path=cache,
        staffing="independent",
        team_objective=objective,
        report=False,
        chunk_size=7,
    )
    summary = run_round(dataset, tmp_path, config)
    expected = matcher_teams(
        Matcher("tfidf", cache_path=Path(cache), team_objective=objective).fit(dataset)
    )
    assert_same_teams(round_teams(tmp_path / "teams.csv"), expected)
    assert summary.timings["coverage"] > 0
    # Not vacuous: without the coverage term, half the calls (all at weight 2) differ.
    plain = matcher_teams(
        Matcher(
            "tfidf", cache_path=Path(cache), team_objective=TeamObjective(coverage_weight=0.0)
        ).fit(dataset)
    )
    changed = [c for c, (_, members, _) in expected.items() if plain[c][1] != members]
    assert len(changed) >= (2 if weight is None else len(expected))


def test_joint_round_without_binding_capacities_reaches_each_teams_objective(
    cache: str, tmp_path: Path
) -> None:
    """Capacities that do not bind: the joint optimum is every call's own optimum."""
    dataset = topics_round(capacity=len(TOPICS))
    config = RoundConfig(backend="tfidf", cache_path=cache, staffing="joint", report=False)
    summary = run_round(dataset, tmp_path, config)
    assert summary.staffing == "joint"
    expected = matcher_teams(Matcher("tfidf", cache_path=Path(cache)).fit(dataset))
    got = round_teams(tmp_path / "teams.csv")
    assert got.keys() == expected.keys()
    for call_id, (objective, _, _) in expected.items():
        assert got[call_id][0] == pytest.approx(objective, abs=1e-4), call_id


def test_coverage_weight_zero_leaves_the_term_out(cache: str, tmp_path: Path) -> None:
    dataset = topics_round(capacity=2)
    objective = TeamObjective(coverage_weight=0.0)
    config = RoundConfig(
        backend="tfidf",
        cache_path=cache,
        staffing="independent",
        team_objective=objective,
        report=False,
    )
    summary = run_round(dataset, tmp_path, config)
    assert "coverage" not in summary.timings
    expected = matcher_teams(
        Matcher("tfidf", cache_path=Path(cache), team_objective=objective).fit(dataset)
    )
    assert_same_teams(round_teams(tmp_path / "teams.csv"), expected)


def test_the_coverage_weight_is_part_of_what_a_resume_must_share() -> None:
    default = RoundConfig().fingerprint()
    assert RoundConfig(team_objective=TeamObjective()).fingerprint() == default
    assert RoundConfig(team_objective=TeamObjective(coverage_weight=0.0)).fingerprint() != default


class CountingEncoder:
    """The matcher's encoder, counting the texts it is asked to embed as queries."""

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher
        self.batches: list[list[str]] = []

    def __call__(self, texts: Sequence[str]) -> FloatMatrix:
        self.batches.append(list(texts))
        return encode_as(self.matcher.encoder_, texts, "query")


def test_round_coverage_equals_the_matchers_and_embeds_each_part_once(cache: str) -> None:
    dataset = topics_round(capacity=2)
    matcher = Matcher("tfidf", cache_path=Path(cache)).fit(dataset)
    encode = CountingEncoder(matcher)
    coverage = RoundCoverage(dataset, matcher.index_, encode, matcher.encoder_.calibrate)
    ids = [p.id for p in dataset.profiles]
    wanted = [ids[3], ids[0], ids[3], ids[-1], ids[7]]  # any order, repeats allowed
    for call in dataset.calls:
        parts, matrix = coverage(call, wanted)
        assert parts == [part.text for part in matcher.call_parts(call.id)]
        np.testing.assert_array_equal(matrix, matcher.coverage(call.id, wanted))
        assert matrix.shape == (len(wanted), len(parts)) and matrix.max() > 0
    # One batch for the whole round, each distinct part once; none per call afterwards.
    assert len(encode.batches) == 1
    every_part = {part.text for call in dataset.calls for part in matcher.call_parts(call.id)}
    assert sorted(encode.batches[0]) == sorted(every_part)
