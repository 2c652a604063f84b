from __future__ import annotations

from dataclasses import replace
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import matcher.partners as partners_module
from matcher import Matcher
from matcher.dataset import Dataset
from matcher.model import Call, CallRules, Institution, Office, Profile, Publication
from matcher.partners import PartnerFinder
from matcher.routes import RouteFinder
from tests.conftest import KeywordEncoder


def _dataset() -> Dataset:
    institutions = [
        Institution(id="ru-a", name="KemSU", country="RU"),
        Institution(id="cn-a", name="CUMT", country="CN"),
    ]
    offices = [
        Office(
            id="o-cn",
            name="Office CN",
            operator="REC",
            home_country="RU",
            country="CN",
            partner_institutions=["cn-a"],
        )
    ]
    profiles = [
        Profile(
            id="lead",
            name="Lead",
            country="RU",
            institution="ru-a",
            publications=[Publication(title="Methane sensors", coauthors=["cn-old"])],
        ),
        Profile(id="ru-peer", name="Peer", country="RU", institution="ru-a"),
        Profile(
            id="cn-old",
            name="Old friend",
            country="CN",
            institution="cn-a",
            publications=[Publication(title="Methane sensors", coauthors=["lead"])],
        ),
        Profile(id="cn-new", name="Stranger", country="CN", institution="cn-a"),
        Profile(id="de", name="Unreachable", country="DE"),
        Profile(id="kz", name="Ineligible", country="KZ"),
    ]
    call = Call(
        id="c",
        title="RU-CN",
        rules=CallRules(
            required_countries={"RU": 1, "CN": 1}, eligible_countries=["RU", "CN", "DE"]
        ),
    )
    return Dataset(profiles=profiles, calls=[call], institutions=institutions, offices=offices)


def _finder(dataset: Dataset) -> PartnerFinder:
    return PartnerFinder(dataset, RouteFinder(dataset))


def test_team_members_unreachable_and_ineligible_profiles_are_never_suggested() -> None:
    dataset = _dataset()
    relevance = np.full(len(dataset.profiles), 0.5, dtype=np.float32)
    ids = [
        s.profile_id for s in _finder(dataset).for_team(dataset.call("c"), relevance, ["lead"], k=0)
    ]
    assert "lead" not in ids and "de" not in ids and "kz" not in ids
    assert set(ids) == {"ru-peer", "cn-old", "cn-new"}


def test_past_collaboration_lifts_an_equally_relevant_candidate_and_says_on_what() -> None:
    dataset = _dataset()
    relevance = np.full(len(dataset.profiles), 0.5, dtype=np.float32)
    suggestions = _finder(dataset).for_team(dataset.call("c"), relevance, ["lead"], k=2)
    assert suggestions[0].profile_id == "cn-old"
    assert suggestions[0].joint_works == 1
    assert suggestions[0].joint_titles == ("Methane sensors",)
    assert suggestions[0].route.kind == "collaboration"


def test_a_missing_required_country_is_preferred() -> None:
    dataset = _dataset()
    relevance = np.asarray([0.5, 0.55, 0.5, 0.5, 0.5, 0.5], dtype=np.float32)
    suggestions = _finder(dataset).for_team(dataset.call("c"), relevance, ["lead"], k=0)
    order = [s.profile_id for s in suggestions]
    assert order.index("cn-new") < order.index("ru-peer")
    assert next(s for s in suggestions if s.profile_id == "cn-new").fills_country


def test_relevance_dominates_when_the_gap_is_large() -> None:
    dataset = _dataset()
    relevance = np.asarray([0.5, 0.95, 0.1, 0.1, 0.1, 0.1], dtype=np.float32)
    suggestions = _finder(dataset).for_team(dataset.call("c"), relevance, ["lead"], k=1)
    assert suggestions[0].profile_id == "ru-peer"


def test_partners_abroad_excludes_the_researchers_own_country() -> None:
    dataset = _dataset()
    similarity = np.full(len(dataset.profiles), 0.5, dtype=np.float32)
    ids = [s.profile_id for s in _finder(dataset).abroad("lead", similarity, k=0)]
    assert ids and all(dataset.profile(i).country != "RU" for i in ids)
    assert ids[0] == "cn-old"


def test_partners_keep_the_institution_cap_and_declared_conflicts() -> None:
    dataset = _dataset()
    capped = dataset.call("c").model_copy(
        update={"rules": dataset.call("c").rules.model_copy(update={"max_per_institution": 1})}
    )
    relevance = np.full(len(dataset.profiles), 0.5, dtype=np.float32)
    ids = {s.profile_id for s in _finder(dataset).for_team(capped, relevance, ["lead"], k=0)}
    # ru-peer works at the lead's institution, which the cap of 1 already fills.
    assert ids == {"cn-old", "cn-new"}
    profiles = [
        p.model_copy(update={"conflicts": ["lead"]}) if p.id == "cn-new" else p
        for p in dataset.profiles
    ]
    conflicted = dataset.replace(profiles=profiles)
    ids = {
        s.profile_id
        for s in _finder(conflicted).for_team(conflicted.call("c"), relevance, ["lead"], k=0)
    }
    assert "cn-new" not in ids and "cn-old" in ids


def test_the_vectorised_eligibility_and_order_match_the_definitions() -> None:
    # eligibility_problem per profile and a full stable sort are the definitions; the
    # engine evaluates rules per distinct attributes and sorts only the top k.
    from matcher.partners import _best_first
    from matcher.teams import eligibility_problem

    dataset = _dataset()
    finder = _finder(dataset)
    for call in dataset.calls:
        expected = [eligibility_problem(call, p, dataset) is None for p in dataset.profiles]
        assert finder.eligible_for(call).tolist() == expected
    rng = np.random.default_rng(3)
    score = rng.integers(0, 5, 200).astype(np.float32)  # many ties
    score[rng.integers(0, 200, 40)] = -np.inf
    full = np.flatnonzero(np.isfinite(score))
    full = full[np.argsort(-score[full], kind="stable")]
    for k in (0, 1, 7, 50, 500):
        assert _best_first(score, k).tolist() == (full if k <= 0 else full[:k]).tolist()


def _topic_dataset() -> Dataset:
    """The lead worked once with each of two equally relevant organisations: on methane
    with one, on coal with the other. The call is about methane."""

    def org(pid: str, joint: str, alone: str) -> Profile:
        # The same two texts for both, so the same relevance; only the joint one differs.
        return Profile(
            id=pid,
            name=pid,
            kind="organization",
            publications=[
                Publication(title=f"{joint} study", abstract=joint, coauthors=["lead"]),
                Publication(title=f"{alone} study", abstract=alone),
            ],
        )

    lead = Profile(
        id="lead",
        name="lead",
        kind="organization",
        publications=[
            Publication(title="methane study", abstract="methane", coauthors=["on-topic"]),
            Publication(title="coal study", abstract="coal", coauthors=["off-topic"]),
        ],
    )
    profiles = [lead, org("on-topic", "methane", "coal"), org("off-topic", "coal", "methane")]
    rules = CallRules(member_kinds=["organization"], min_team_size=1, max_team_size=5)
    call = Call(id="c", title="Methane capture", description="methane", rules=rules)
    return Dataset(profiles=profiles, calls=[call])


def test_joint_work_on_the_calls_topic_counts_more_and_is_named() -> None:
    from matcher import Matcher, PartnerWeights
    from tests.conftest import KeywordEncoder

    dataset = _topic_dataset()
    linear = PartnerWeights(model="linear")
    matcher = Matcher(KeywordEncoder(), cache_path=None, partner_weights=linear).fit(dataset)
    relevance = matcher.relevance_of("c")
    assert relevance[1] == pytest.approx(relevance[2])  # equally relevant by their profiles
    suggestions = matcher.partners("c", ["lead"], k=0)
    assert [s.profile_id for s in suggestions] == ["on-topic", "off-topic"]
    assert [s.joint_works for s in suggestions] == [1, 1]
    gap = suggestions[0].score - suggestions[1].score
    assert gap > 0
    topic = [
        next((r.contribution for r in s.reasons if r.group == "topic_collaboration"), 0.0)
        for s in suggestions
    ]
    assert topic[0] > topic[1]
    assert topic[0] - topic[1] == pytest.approx(gap, abs=1e-5)  # the whole difference
    # Without the topic term, the two are tied (same relevance, one joint work each).
    flat = matcher.with_partner_weights(replace(linear, topic_weight=0.0))
    scores = [s.score for s in flat.partners("c", ["lead"], k=0)]
    assert scores[0] == pytest.approx(scores[1])


@st.composite
def partner_worlds(draw: st.DrawFn) -> tuple[Dataset, list[str], int]:
    """Profiles with joint publications on a few topics, conflicts, shared institutions,
    a call with required countries and an institution cap, and a partial team."""
    n = draw(st.integers(min_value=2, max_value=30))
    ids = [f"p{i:02d}" for i in range(n)]
    topics = ["methane coal", "soil water", "food health", "energy"]
    profiles = []
    for i, profile_id in enumerate(ids):
        publications = [
            Publication(
                title=draw(st.sampled_from(topics)),
                coauthors=draw(st.lists(st.sampled_from(ids), max_size=3, unique=True)),
            )
            for _ in range(draw(st.integers(0, 3)))
        ]
        profiles.append(
            Profile(
                id=profile_id,
                name=f"P{i}",
                country=draw(st.sampled_from(["RU", "CN", "KZ", "BY"])),
                institution=f"inst{draw(st.integers(0, 4))}",
                keywords=[draw(st.sampled_from(topics))],
                publications=publications,
                conflicts=draw(st.lists(st.sampled_from(ids), max_size=1)),
            )
        )
    call = Call(
        id="c",
        title=draw(st.sampled_from(topics)),
        rules=CallRules(
            required_countries=draw(st.sampled_from([{}, {"CN": 1}, {"RU": 1, "KZ": 1}])),
            eligible_countries=draw(st.sampled_from([None, ["RU", "CN", "KZ"]])),
            max_per_institution=draw(st.sampled_from([None, 1, 2])),
        ),
    )
    team = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
    return Dataset(profiles=profiles, calls=[call]), team, draw(st.integers(1, 12))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=partner_worlds(), prefix=st.sampled_from([2, 1024]))
def test_a_short_partner_list_is_the_head_of_the_full_ranking(
    case: tuple[Dataset, list[str], int], prefix: int
) -> None:
    """Short lists come from a cached per-call order plus the team's few changes; the full
    list (k=0) ranks every profile. Both must agree, ties included, also when the cached
    order is cut short (a prefix of 2) and has to be abandoned."""
    dataset, team, k = case
    matcher = Matcher(KeywordEncoder(), cache_path=None).fit(dataset)
    with patch.object(partners_module, "_PREFIX", prefix):
        full = matcher.partners("c", team, k=0)
        short = matcher.partners("c", team, k=k)
        again = matcher.partners("c", team, k=k)  # from the cached order
    assert short == full[:k]
    assert again == short


def test_a_short_list_falls_back_to_ranking_all_when_the_cached_order_runs_out() -> None:
    """The two best partners by the call alone conflict with the team's member: with an
    order of two cached, the answer must come from ranking every profile."""
    profiles = [
        Profile(id="member", name="M", country="RU", keywords=["soil"], conflicts=["a", "b"]),
        Profile(id="a", name="A", country="RU", keywords=["methane coal"]),
        Profile(id="b", name="B", country="RU", keywords=["methane"]),
        Profile(id="c", name="C", country="RU", keywords=["coal"]),
        Profile(id="d", name="D", country="RU", keywords=["water"]),
    ]
    dataset = Dataset(profiles=profiles, calls=[Call(id="c1", title="methane coal")])
    matcher = Matcher(KeywordEncoder(), cache_path=None).fit(dataset)
    with patch.object(partners_module, "_PREFIX", 2):
        best = matcher.partners("c1", ["member"], k=1)
    assert [s.profile_id for s in best] == ["c"]
    assert best == matcher.partners("c1", ["member"], k=0)[:1]
