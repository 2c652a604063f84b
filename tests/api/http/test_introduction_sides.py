"""An introduction goes through an office run from the requester's side."""

from __future__ import annotations

from api.http.routes.introductions import _office_for
from matcher.dataset import Dataset
from matcher.engine import Matcher
from matcher.model import Office, Profile, Publication
from tests.conftest import KeywordEncoder
from tests.matcher.test_sides import world


def _two_sides_in_mongolia() -> Dataset:
    """The sides' world plus an RU-run office in Mongolia beside the KZ-run one."""
    base = world()
    ru_office = Office(
        id="o-ru-mn",
        name="RU in MN",
        operator="REC",
        home_country="RU",
        country="MN",
        services=["introductions"],
    )
    offices = [o.model_copy(update={"services": ["introductions"]}) for o in base.offices] + [
        ru_office
    ]
    work = Publication(title="Methane drainage", abstract="methane coal")
    extra = Profile(id="mn2", name="MN2", country="MN", institution="mn-a", publications=[work])
    return Dataset(
        profiles=[*base.profiles, extra],
        calls=base.calls,
        institutions=base.institutions,
        offices=offices,
    )


def test_each_side_asks_through_its_own_office() -> None:
    dataset = _two_sides_in_mongolia()
    matcher = Matcher(KeywordEncoder(), cache_path=None).fit(dataset)
    from_kz, _route = _office_for(matcher, dataset, "mn2", None, "KZ")
    from_ru, _route = _office_for(matcher, dataset, "mn2", None, "RU")
    assert from_kz.id == "o-kz-mn"
    assert from_ru.id == "o-ru-mn"
