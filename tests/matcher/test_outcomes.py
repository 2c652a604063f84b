"""Recorded outcomes: read with located errors, fed back as routes and as past teams."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from matcher.dataset import Dataset
from matcher.errors import InputError
from matcher.evidence import EvidenceIndex
from matcher.io import load_dataset, read_outcomes
from matcher.model import Call, Office, Outcome, Profile, Publication
from matcher.partner_model import LearnedOptions, TeamHistory, training_works
from matcher.routes import RouteFinder, joint_work_counts
from tests.conftest import KeywordEncoder

FIXTURES = Path(__file__).parents[1] / "fixtures" / "outcomes"


def _files(tmp_path: Path, outcomes: str) -> dict[str, Path]:
    (tmp_path / "outcomes.jsonl").write_text(outcomes, encoding="utf-8")
    return {
        "profiles": FIXTURES / "profiles.jsonl",
        "calls": FIXTURES / "calls.jsonl",
        "offices": FIXTURES / "offices.jsonl",
        "outcomes": tmp_path / "outcomes.jsonl",
    }


def test_the_fixture_loads_with_its_outcomes() -> None:
    dataset = load_dataset(
        FIXTURES / "profiles.jsonl",
        FIXTURES / "calls.jsonl",
        offices=FIXTURES / "offices.jsonl",
        outcomes=FIXTURES / "outcomes.jsonl",
    )
    assert [o.kind for o in dataset.outcomes] == [
        "introduction_accepted",
        "introduction_declined",
        "funded",
    ]
    assert dataset.outcomes[2].date == dt.date(2026, 11, 1)
    assert dataset.outcomes[0].note == "met in Harbin"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            '{"id": "y", "kind": "funded", "call_id": "c1", "members": ["ru1", "zz"], '
            '"date": "2026-01-01"}',
            "field 'members.1': unknown profile 'zz'",
        ),
        (
            '{"id": "y", "kind": "applied", "call_id": "c9", "members": ["ru1", "cn1"], '
            '"date": "2026-01-01"}',
            "field 'call_id': unknown call 'c9'",
        ),
        (
            '{"id": "y", "kind": "won", "call_id": "c1", "members": ["ru1", "cn1"], '
            '"date": "2026-01-01"}',
            "field 'kind'",
        ),
        (
            '{"id": "y", "kind": "funded", "members": ["ru1", "cn1"], "date": "2026-01-01"}',
            "names its call (call_id)",
        ),
        (
            '{"id": "y", "kind": "introduction_accepted", "members": ["ru1", "cn1", "cn2"], '
            '"date": "2026-01-01"}',
            "exactly two members",
        ),
        (
            '{"id": "y", "kind": "introduction_accepted", "members": ["ru1", "cn1"], '
            '"date": 20260101}',
            "field 'date'",
        ),
    ],
)
def test_a_bad_outcome_is_reported_at_its_file_line_and_field(
    tmp_path: Path, line: str, expected: str
) -> None:
    good = '{"id": "x", "kind": "introduction_accepted", "members": ["ru1", "cn1"], '
    good += '"date": "2026-01-01"}\n'
    files = _files(tmp_path, good + line + "\n")
    with pytest.raises(InputError) as caught:
        load_dataset(**files)
    message = str(caught.value)
    assert "outcomes.jsonl:2" in message
    assert expected in message


def test_an_outcome_naming_a_call_needs_the_calls(tmp_path: Path) -> None:
    files = _files(
        tmp_path,
        '{"id": "y", "kind": "funded", "call_id": "c1", "members": ["ru1", "cn1"], '
        '"date": "2026-01-01"}\n',
    )
    with pytest.raises(InputError, match=r"outcomes.jsonl:1: .*unknown call 'c1'"):
        load_dataset(files["profiles"], outcomes=files["outcomes"])


def test_outcomes_read_from_csv_like_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "outcomes.csv"
    path.write_text(
        'id,kind,call_id,members,date\nx,applied,c1,"[""ru1"", ""cn1""]",2026-03-01\n',
        encoding="utf-8",
    )
    (outcome,) = read_outcomes(path)
    assert outcome.members == ["ru1", "cn1"] and outcome.kind == "applied"


def test_members_repeated_are_refused() -> None:
    with pytest.raises(ValidationError, match="repeat"):
        Outcome(id="x", kind="applied", call_id="c", members=["a", "a"], date=dt.date(2026, 1, 1))


def _world(outcomes: list[Outcome]) -> Dataset:
    return Dataset(
        profiles=[
            Profile(id="ru1", name="Ivanov", country="RU"),
            Profile(id="ru2", name="Petrova", country="RU"),
            Profile(id="cn1", name="Li", country="CN"),
        ],
        offices=[
            Office(id="o-cn", name="Office CN", operator="REC", home_country="RU", country="CN")
        ],
        outcomes=outcomes,
    )


def test_an_accepted_introduction_becomes_a_collaboration_route() -> None:
    before = RouteFinder(_world([])).route(_world([]).profile("cn1"))
    assert before is not None and before.kind == "office"
    accepted = Outcome(
        id="i1", kind="introduction_accepted", members=["ru1", "cn1"], date=dt.date(2026, 5, 1)
    )
    world = _world([accepted])
    routes = RouteFinder(world)
    route = routes.route(world.profile("cn1"))
    assert route is not None and route.kind == "collaboration" and route.via == "ru1"
    assert "recorded outcome" in route.description
    # From a team: only with the member it ties to.
    from_team = routes.route(world.profile("cn1"), [world.profile("ru2")])
    assert from_team is not None and from_team.kind == "office"
    assert routes.joint_works("cn1") == {"ru1": 1}


def test_a_declined_outcome_creates_no_route() -> None:
    declined = [
        Outcome(
            id="i1", kind="introduction_declined", members=["ru1", "cn1"], date=dt.date(2026, 5, 1)
        ),
        Outcome(
            id="t1",
            kind="declined",
            call_id="c1",
            members=["ru1", "cn1"],
            date=dt.date(2026, 5, 2),
        ),
    ]
    world = _world(declined)
    route = RouteFinder(world).route(world.profile("cn1"))
    assert route is not None and route.kind == "office"
    assert joint_work_counts(world.profiles, world.outcomes) == {}


def test_applied_then_funded_is_one_collaboration_added_to_joint_works() -> None:
    profiles = [
        Profile(id="ru1", name="A", country="RU", collaborators=["cn1"]),
        Profile(id="cn1", name="B", country="CN"),
    ]
    team = ["ru1", "cn1"]
    outcomes = [
        Outcome(id="a", kind="applied", call_id="c", members=team, date=dt.date(2026, 1, 1)),
        Outcome(id="f", kind="funded", call_id="c", members=team, date=dt.date(2026, 6, 1)),
    ]
    counts = joint_work_counts(profiles, outcomes)
    assert counts["ru1"]["cn1"] == 2 and counts["cn1"]["ru1"] == 2


def _history_world(outcomes: list[Outcome]) -> tuple[Dataset, TeamHistory]:
    profiles = [
        Profile(
            id=f"p{i}",
            name=f"P {i}",
            country="RU",
            publications=[Publication(title="methane capture", year=2020)],
        )
        for i in range(6)
    ]
    calls = [Call(id=f"c{i}", title="methane capture") for i in range(3)]
    dataset = Dataset(profiles=profiles, calls=calls, outcomes=outcomes)
    encoder = KeywordEncoder()
    index = EvidenceIndex.build(dataset.profiles, encoder.encode)
    vectors = {call.id: encoder.encode([call.text], kind="query")[0] for call in calls}
    return dataset, TeamHistory(dataset, index, vectors)


def test_a_funded_team_is_a_training_example_and_a_feature_only_after_its_date() -> None:
    funded = Outcome(
        id="f",
        kind="funded",
        call_id="c0",
        members=["p0", "p1", "p2"],
        date=dt.date(2022, 6, 1),
    )
    earlier = Outcome(
        id="e",
        kind="applied",
        call_id="c1",
        members=["p3", "p4", "p5"],
        date=dt.date(2022, 3, 1),
    )
    later = funded.model_copy(update={"id": "l", "call_id": "c2", "date": dt.date(2022, 9, 1)})
    later = later.model_copy(update={"members": ["p0", "p3", "p4"]})
    _, history = _history_world([funded, earlier, later])
    n_publications = 6
    work = {"f": n_publications + 1, "e": n_publications, "l": n_publications + 2}  # by date
    assert history.members[work["f"]] == [0, 1, 2]
    assert history.has_text[work["f"]], "an outcome's text is its call's"
    examples = training_works(history, LearnedOptions(min_team_size=3)).tolist()
    assert set(examples) == set(work.values())
    assert history.visible(work["l"])[work["f"]], "a later example sees the funded team"
    assert not history.visible(work["e"])[work["f"]], "an earlier one does not"
    assert not history.visible(work["f"])[work["l"]]
    assert not history.visible(work["f"])[work["f"]]
    # A publication example of an earlier year never sees it.
    assert not history.visible(0)[work["f"]]
    assert np.all(history.days[:n_publications] == -1)
