"""Eligibility and reachability per (call, profile), through :class:`matcher.Matcher`."""

from __future__ import annotations

import pytest

from matcher import Matcher
from matcher.dataset import Dataset
from matcher.model import Call, CallRules, Institution, Office, Profile, Publication
from matcher.teams import TeamAssembler, TeamRulesError, eligibility_problem
from tests.conftest import KeywordEncoder


def _methane(pid: str, **fields: object) -> Profile:
    return Profile(
        id=pid,
        name=pid.upper(),
        publications=[Publication(title="coal methane drainage", abstract="methane coal")],
        **fields,
    )


def _dataset() -> Dataset:
    institutions = [
        Institution(id="ru-a", name="KemSU", country="RU", consortia=["REC Kuzbass"]),
        Institution(id="ru-b", name="TPU", country="RU"),
        Institution(id="cn-a", name="CUMT", country="CN"),
        Institution(id="kz-a", name="KazNU", country="KZ", agreements=["ru-a"]),
        Institution(id="mn-a", name="MUST", country="MN"),
    ]
    offices = [
        Office(
            id="o-cn",
            name="Office in China",
            operator="REC",
            home_country="RU",
            country="CN",
            partner_institutions=["cn-a"],
        ),
        Office(
            id="o-mn",
            name="Office in Mongolia",
            operator="REC",
            home_country="RU",
            country="MN",
            status="negotiating",
        ),
    ]
    profiles = [
        _methane("ru1", country="RU", institution="ru-a", career_stage="senior"),
        _methane("ru2", country="RU", institution="ru-b"),
        _methane("cn1", country="CN", institution="cn-a"),
        _methane("kz1", country="KZ", institution="kz-a"),
        _methane("mn1", country="MN", institution="mn-a"),
        _methane("org1", country="RU", institution="ru-a", kind="organization"),
    ]
    calls = [
        Call(
            id="ru-cn",
            title="coal methane",
            rules=CallRules(eligible_countries=["RU", "CN"], required_countries={"RU": 1}),
        ),
        Call(
            id="kuzbass", title="coal methane", rules=CallRules(eligible_consortia=["REC Kuzbass"])
        ),
        Call(id="any", title="coal methane"),
    ]
    return Dataset(profiles=profiles, calls=calls, institutions=institutions, offices=offices)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(KeywordEncoder(), cache_path=None).fit(_dataset())


def test_each_ineligibility_names_the_rule_and_the_value(matcher: Matcher) -> None:
    kz = matcher.eligibility("ru-cn", "kz1")
    assert (kz.eligible, kz.reachable, kz.rule) == (False, True, "eligible_countries")
    assert kz.reason == "country KZ is not among the call's eligible countries RU, CN"
    org = matcher.eligibility("ru-cn", "org1")
    assert org.rule == "member_kinds"
    assert org.reason == "member kind organization: the call admits researchers only"
    outside = matcher.eligibility("kuzbass", "ru2")
    assert outside.rule == "eligible_consortia"
    assert outside.reason is not None
    assert "ru-b" in outside.reason and "REC Kuzbass" in outside.reason
    assert matcher.eligibility("kuzbass", "ru1").may_join


def test_an_unreachable_profile_is_eligible_but_may_not_join_and_says_why(
    matcher: Matcher,
) -> None:
    mongolian = matcher.eligibility("any", "mn1")
    assert mongolian.eligible and not mongolian.reachable and not mongolian.may_join
    assert mongolian.rule == "route"
    assert mongolian.reason is not None and "o-mn" in mongolian.reason
    assert "negotiating" in mongolian.reason
    chinese = matcher.eligibility("ru-cn", "cn1")
    assert chinese.may_join and chinese.route is not None
    assert chinese.route.kind == "office_partner"
    assert chinese.reason is None and chinese.rule is None


def test_the_default_ranking_keeps_everyone_and_eligible_only_keeps_who_may_join(
    matcher: Matcher,
) -> None:
    everyone = matcher.rank("ru-cn", k=0)
    assert {row.profile_id for row in everyone} == {p.id for p in matcher.dataset_.profiles}
    allowed = matcher.rank("ru-cn", k=0, eligible_only=True)
    assert {row.profile_id for row in allowed} == {"ru1", "ru2", "cn1"}
    assert [row.rank for row in allowed] == [1, 2, 3]
    assert [row.profile_id for row in matcher.rank("ru-cn", k=2, eligible_only=True)] == [
        row.profile_id for row in allowed[:2]
    ]
    # The mask agrees with the per-pair answer and with the team pool.
    mask = matcher.may_join("ru-cn")
    for profile, may in zip(matcher.dataset_.profiles, mask, strict=True):
        assert matcher.eligibility("ru-cn", profile.id).may_join == bool(may)
    pool = {c.profile.id for c in matcher.candidates("ru-cn", k=0)}
    assert pool == {"ru1", "ru2", "cn1"}


def test_explain_never_calls_an_ineligible_profile_a_real_match(matcher: Matcher) -> None:
    # Regression: explain said "a real match" for a profile the call does not admit.
    kazakh = matcher.explain("ru-cn", "kz1")
    assert kazakh.reaches_threshold
    assert not kazakh.is_match
    assert kazakh.eligibility is not None and kazakh.eligibility.rule == "eligible_countries"
    russian = matcher.explain("ru-cn", "ru1")
    assert russian.reaches_threshold and russian.is_match


def test_nobody_may_join_counts_the_failing_rules() -> None:
    organisations = [_methane(f"o{i}", country="RU", kind="organization") for i in range(3)] + [
        _methane("mn", country="MN", kind="organization")
    ]
    call = Call(id="c", title="coal methane")
    offices = [
        Office(id="o", name="O", operator="REC", home_country="RU", country="CN"),
    ]
    dataset = Dataset(profiles=organisations, calls=[call], offices=offices)
    fitted = Matcher(KeywordEncoder(), cache_path=None).fit(dataset)
    reason = fitted.nobody_may_join("c")
    assert reason is not None
    assert reason.startswith("none of 4 profiles may join: 4 fail rules.member_kinds")
    assert "the call admits researchers only" in reason
    assert not fitted.may_join("c").any()
    assert fitted.rank("c", k=0, eligible_only=True) == []
    opened = Call(id="c", title="coal methane", rules=CallRules(member_kinds=["organization"]))
    refitted = Matcher(KeywordEncoder(), cache_path=None).fit(
        Dataset(profiles=organisations, calls=[opened], offices=offices)
    )
    assert refitted.nobody_may_join("c") is None


def test_pinning_an_ineligible_profile_says_which_rule(matcher: Matcher) -> None:
    dataset = matcher.dataset_
    call = dataset.call("ru-cn")
    assert eligibility_problem(call, dataset.profile("kz1"), dataset) is not None
    assembler = TeamAssembler(dataset, matcher.routes_)
    relevance = matcher.relevance_of("ru-cn")
    with pytest.raises(TeamRulesError, match=r"kz1.*not eligible: country KZ is not among"):
        assembler.assemble(call, relevance, pin=["kz1"])


def test_candidates_are_exactly_the_profiles_that_may_join_on_the_demo_world(
    keyword_encoder: KeywordEncoder,
) -> None:
    """Two vectorised paths answer "who may join": the candidate order the service serves
    and the eligibility the CLI prints. They must never disagree."""
    from matcher import load_demo

    matcher = Matcher(keyword_encoder, cache_path=None).fit(load_demo())
    ids = [profile.id for profile in matcher.dataset_.profiles]
    for call in matcher.dataset_.calls:
        may_join = {ids[i] for i, allowed in enumerate(matcher.may_join(call.id)) if allowed}
        candidates = {candidate.profile.id for candidate in matcher.candidates(call.id, k=0)}
        assert candidates == may_join, call.id
