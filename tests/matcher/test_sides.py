"""Points of view: routes and answers from one country's side (offices it runs, its
agreements both ways, its people's past collaboration)."""

from __future__ import annotations

import pytest

from matcher.dataset import Dataset
from matcher.engine import SIDES_KEPT, Matcher
from matcher.model import Call, CallRules, Institution, Office, Profile, Publication
from matcher.routes import RouteFinder, signed_agreements
from tests.conftest import KeywordEncoder


def _profile(pid: str, country: str, institution: str, **extra: object) -> Profile:
    work = Publication(title="Methane drainage in coal mines", abstract="methane coal methane")
    return Profile(
        id=pid,
        name=pid.upper(),
        country=country,
        institution=institution,
        keywords=["methane", "coal"],
        publications=[work],
        **extra,
    )


def world() -> Dataset:
    """Two RU-run offices and one KZ-run office (in Mongolia); the RU-KZ agreement is
    listed by the Russian party only."""
    institutions = [
        Institution(id="ru-a", name="KemSU", country="RU", agreements=["kz-a"]),
        Institution(id="kz-a", name="KazNU", country="KZ"),
        Institution(id="cn-a", name="CUMT", country="CN"),
        Institution(id="mn-a", name="NUM", country="MN"),
        Institution(id="by-a", name="BSU", country="BY"),
    ]
    offices = [
        Office(id="o-ru-cn", name="RU in CN", operator="REC", home_country="RU", country="CN"),
        Office(id="o-ru-by", name="RU in BY", operator="REC", home_country="RU", country="BY"),
        Office(
            id="o-kz-mn",
            name="KZ in MN",
            operator="KazNU consortium",
            home_country="KZ",
            country="MN",
            partner_institutions=["mn-a"],
        ),
    ]
    profiles = [
        _profile("ru1", "RU", "ru-a"),
        _profile("kz1", "KZ", "kz-a"),
        _profile("cn1", "CN", "cn-a"),
        _profile("mn1", "MN", "mn-a"),
        _profile("by1", "BY", "by-a", collaborators=["kz1"]),
    ]
    calls = [
        Call(
            id="c-mn",
            title="Methane in coal mines",
            abstract="methane coal",
            rules=CallRules(min_team_size=2, required_countries={"MN": 1}),
        )
    ]
    return Dataset(profiles=profiles, institutions=institutions, offices=offices, calls=calls)


def _route(side: str | None, profile_id: str) -> tuple[str, str | None] | None:
    dataset = world()
    route = RouteFinder(dataset, side).route(dataset.profile(profile_id))
    return None if route is None else (route.kind, route.via)


def test_the_default_side_is_the_most_common_home_country() -> None:
    assert RouteFinder(world()).home_country == "RU"


def test_an_office_run_from_kazakhstan_is_a_route_from_the_kazakh_side_only() -> None:
    assert _route("KZ", "mn1") == ("office_partner", "o-kz-mn")
    assert _route("RU", "mn1") is None
    assert _route(None, "mn1") is None
    # ... and the Russian offices are no routes for the Kazakh side.
    assert _route("RU", "cn1") == ("office", "o-ru-cn")
    assert _route("KZ", "cn1") is None


def test_an_agreement_listed_by_one_party_works_both_ways() -> None:
    assert signed_agreements(world().institutions) == {
        "ru-a": frozenset({"kz-a"}),
        "kz-a": frozenset({"ru-a"}),
    }
    assert _route("RU", "kz1") == ("agreement", "ru-a")
    assert _route("KZ", "ru1") == ("agreement", "kz-a")


def test_a_side_without_offices_reaches_through_agreements_and_collaboration() -> None:
    # Belarus runs no office: its people's past work reaches Kazakhstan.
    assert _route("BY", "kz1") == ("collaboration", "by1")
    assert _route("BY", "by1") == ("domestic", None)
    assert _route("BY", "mn1") is None
    # The Kazakh side reaches the Belarusian collaborator the same way.
    assert _route("KZ", "by1") == ("collaboration", "kz1")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(KeywordEncoder(), cache_path=None).fit(world())


def test_the_matcher_answers_from_its_default_side_unchanged(matcher: Matcher) -> None:
    assert matcher.side == "RU"
    assert matcher.from_side(None) is matcher
    assert matcher.from_side("RU") is matcher
    result = matcher.team("c-mn", relax=False)
    assert result.team is None
    assert any(
        "no route from the RU side" in reason and "offices there run from KZ" in reason
        for reason in result.reasons
    ), result.reasons


def test_from_side_kz_staffs_the_call_through_the_kazakh_office(matcher: Matcher) -> None:
    kazakh = matcher.from_side("Kazakhstan")
    assert kazakh.side == "KZ"
    assert matcher.from_side("KZ") is kazakh  # cached per side
    assert kazakh.scores_ is matcher.scores_  # relevance shared, not recomputed
    assert kazakh.index_ is matcher.index_
    result = kazakh.team("c-mn", relax=False)
    assert result.team is not None
    mongolian = [m for m in result.team.members if m.country == "MN"]
    assert [m.route.via for m in mongolian] == ["o-kz-mn"]
    candidates = {c.profile.id: c.route.kind for c in kazakh.candidates("c-mn", k=0)}
    assert candidates["kz1"] == "domestic"
    assert candidates["mn1"] == "office_partner"
    assert "mn1" not in {c.profile.id for c in matcher.candidates("c-mn", k=0)}


def test_eligibility_says_the_office_serves_another_side(matcher: Matcher) -> None:
    russian = matcher.eligibility("c-mn", "mn1")
    assert not russian.reachable
    assert russian.reason is not None
    assert "RU side" in russian.reason and "run from KZ serve that side" in russian.reason
    assert matcher.from_side("KZ").eligibility("c-mn", "mn1").reachable


def test_what_if_from_a_side_keeps_the_side(matcher: Matcher) -> None:
    kazakh = matcher.from_side("KZ")
    closed = kazakh.what_if(close_offices=["o-kz-mn"])
    assert closed.side == "KZ"
    assert closed.team("c-mn", relax=False).team is None
    assert kazakh.team("c-mn", relax=False).team is not None


def test_partners_abroad_from_a_side_use_its_routes(matcher: Matcher) -> None:
    from_kz = {s.profile_id: s.route for s in matcher.from_side("KZ").partners_abroad("kz1")}
    assert from_kz["mn1"] is not None and from_kz["mn1"].via == "o-kz-mn"
    assert from_kz["ru1"] is not None and from_kz["ru1"].kind == "agreement"


def test_sides_kept_are_bounded(matcher: Matcher) -> None:
    copy = matcher.what_if()  # a copy, so that the module's matcher keeps its sides
    for country in ["KZ", "CN", "MN", "BY", "DE", "FR", "IT", "ES", "PL", "CZ"]:
        copy.from_side(country)
    assert len(copy._sides) == SIDES_KEPT
    assert "KZ" not in copy._sides  # the least recently asked went first


def test_an_unknown_side_is_refused(matcher: Matcher) -> None:
    with pytest.raises(ValueError, match="Narnia"):
        matcher.from_side("Narnia")
