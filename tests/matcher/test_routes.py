from __future__ import annotations

import pytest

from matcher.dataset import Dataset
from matcher.errors import UnknownIdError
from matcher.model import Institution, Office, Profile, Publication
from matcher.routes import RouteFinder, joint_work_counts


def _dataset(**overrides: object) -> Dataset:
    institutions = [
        Institution(id="ru-a", name="KemSU", country="RU", agreements=["kz-a"]),
        Institution(id="kz-a", name="KazNU", country="KZ", agreements=["ru-a"]),
        Institution(id="cn-a", name="CUMT", country="CN"),
        Institution(id="cn-b", name="HIT", country="CN"),
        Institution(id="mn-a", name="NUM", country="MN"),
    ]
    offices = [
        Office(
            id="o-cn",
            name="Office CN",
            operator="REC",
            home_country="RU",
            country="CN",
            partner_institutions=["cn-a"],
        ),
        Office(
            id="o-mn",
            name="Office MN",
            operator="REC",
            home_country="RU",
            country="MN",
            status="negotiating",
        ),
    ]
    profiles = [
        Profile(id="ru1", name="Ivanov", country="RU", institution="ru-a"),
        Profile(id="cn-partner", name="Li", country="CN", institution="cn-a"),
        Profile(id="cn-office", name="Wang", country="CN", institution="cn-b"),
        Profile(
            id="cn-collab",
            name="Zhang",
            country="CN",
            institution="cn-b",
            collaborators=["ru1", "ru1"],
        ),
        Profile(id="kz1", name="Abenov", country="KZ", institution="kz-a"),
        Profile(id="mn1", name="Bat", country="MN", institution="mn-a"),
        Profile(id="nowhere", name="X", country=None),
    ]
    fields = {"profiles": profiles, "institutions": institutions, "offices": offices}
    fields.update(overrides)
    return Dataset(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("profile_id", "kind", "via"),
    [
        ("ru1", "domestic", None),
        ("cn-collab", "collaboration", "ru1"),
        ("cn-partner", "office_partner", "o-cn"),
        ("kz1", "agreement", "ru-a"),
        ("cn-office", "office", "o-cn"),
    ],
)
def test_best_route_per_kind(profile_id: str, kind: str, via: str | None) -> None:
    dataset = _dataset()
    route = RouteFinder(dataset).route(dataset.profile(profile_id))
    assert route is not None
    assert (route.kind, route.via) == (kind, via)


def test_route_order_collaboration_beats_partner_beats_agreement_beats_office() -> None:
    finder = RouteFinder(_dataset())
    costs = finder.costs
    assert costs.collaboration < costs.office_partner < costs.agreement < costs.office


def test_negotiating_office_is_no_route_unless_opened_by_what_if() -> None:
    dataset = _dataset()
    assert RouteFinder(dataset).route(dataset.profile("mn1")) is None
    opened = RouteFinder(dataset, assume_open=["o-mn"]).route(dataset.profile("mn1"))
    assert opened is not None and opened.via == "o-mn"


def test_unknown_office_in_what_if_is_an_error() -> None:
    with pytest.raises(UnknownIdError, match="o-xx"):
        RouteFinder(_dataset(), assume_open=["o-xx"])


def test_profile_with_unknown_country_cannot_be_reached() -> None:
    dataset = _dataset()
    assert RouteFinder(dataset).route(dataset.profile("nowhere")) is None


def test_without_offices_everyone_is_reachable_openly() -> None:
    dataset = _dataset(offices=[])
    route = RouteFinder(dataset).route(dataset.profile("mn1"))
    assert route is not None and route.kind == "open"


def test_home_country_is_inferred_from_offices() -> None:
    assert RouteFinder(_dataset()).home_country == "RU"


def test_team_context_counts_only_ties_to_the_team() -> None:
    dataset = _dataset()
    finder = RouteFinder(dataset)
    stranger = Profile(id="ru2", name="Other", country="RU", institution="ru-other")
    route = finder.route(dataset.profile("cn-collab"), team=[stranger])
    assert route is not None and route.kind == "office"


def test_joint_work_counts_are_symmetric_and_take_the_larger_side() -> None:
    a = Profile(id="a", name="A", collaborators=["b", "b", "b"])
    b = Profile(id="b", name="B", publications=[Publication(title="t", coauthors=["a"])])
    counts = joint_work_counts([a, b])
    assert counts["a"]["b"] == 3 and counts["b"]["a"] == 3
