"""The call pages' own logic, without a browser: the open/closed status by deadline, the
list's filters, and the relaxations in the page's language."""

from __future__ import annotations

import datetime as dt

from api.web.routes.calls import Names, call_status, describe_relaxation, filter_calls
from matcher.datasets import load_demo
from matcher.model import Call

TODAY = dt.date(2027, 3, 15)


def call(call_id: str, deadline: dt.date | None, **fields: object) -> Call:
    return Call.model_validate({"id": call_id, "title": f"Call {call_id}", **fields}).model_copy(
        update={"deadline": deadline}
    )


def test_a_call_is_open_through_its_deadline_day_and_without_one() -> None:
    assert call_status(call("a", TODAY), TODAY) == "open"
    assert call_status(call("b", TODAY + dt.timedelta(days=1)), TODAY) == "open"
    assert call_status(call("c", None), TODAY) == "open"
    assert call_status(call("d", TODAY - dt.timedelta(days=1)), TODAY) == "closed"


def ids(found: list[Call]) -> list[str]:
    return [c.id for c in found]


def test_the_filters_combine_and_open_calls_come_first() -> None:
    calls = [
        call("past", TODAY - dt.timedelta(days=3), funder="RSF", keywords=["methane"]),
        call(
            "soon",
            TODAY + dt.timedelta(days=3),
            funder="RSF",
            rules={"eligible_countries": ["CN", "RU"]},
        ),
        call("later", TODAY + dt.timedelta(days=30), funder="REC", description="Coal METHANE use"),
        call("never", None, funder="REC", rules={"required_countries": {"KZ": 1}}),
    ]
    assert ids(filter_calls(calls, TODAY)) == ["soon", "later", "never", "past"]
    assert ids(filter_calls(calls, TODAY, status="open")) == ["soon", "later", "never"]
    assert ids(filter_calls(calls, TODAY, status="closed")) == ["past"]
    assert ids(filter_calls(calls, TODAY, funder="REC")) == ["later", "never"]
    assert ids(filter_calls(calls, TODAY, country="cn")) == ["soon"]
    assert ids(filter_calls(calls, TODAY, country="KZ")) == ["never"]
    assert ids(filter_calls(calls, TODAY, text="methane")) == ["later", "past"]
    assert ids(filter_calls(calls, TODAY, status="open", text="methane")) == ["later"]
    assert filter_calls(calls, TODAY, funder="RSF", country="KZ") == []


def test_the_demo_calls_with_china_are_the_joint_russian_chinese_ones() -> None:
    found = filter_calls(load_demo().calls, TODAY, country="CN")
    assert "c-rsf-nsfc-methane" in [c.id for c in found]
    assert all("CN" in (c.rules.eligible_countries or []) for c in found)


def test_relaxations_are_described_with_names_in_the_page_language() -> None:
    names = Names(load_demo())
    opened = describe_relaxation(
        "open office off-kuzbass-by (REC Kuzbass representative office in Belarus, now "
        "negotiating), and require 0 instead of 1 member(s) from BY",
        names,
        "ru",
    )
    assert opened == (
        "открыть представительство «REC Kuzbass representative office in Belarus» "
        "(идут переговоры); и требовать 0 вместо 1 участника(ов) из страны Беларусь"
    )
    assert describe_relaxation("unpin r-0033", names, "en") == "unpin Alexandra Gerasimova"
    assert (
        describe_relaxation("raise the maximum team size from 6 to 8", names, "en")
        == "raise the largest team size from 6 to 8"
    )
    # A phrasing the page does not know: the engine's own words are shown instead.
    assert describe_relaxation("something new", names, "ru") is None
