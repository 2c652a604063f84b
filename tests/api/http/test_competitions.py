"""A call's competition over HTTP: applications submitted (JSON, JSON Lines, CSV) and
checked against the store, who may submit and see what, the rule checks, reviewers
assigned (by a solver or by hand, refused with reasons when infeasible), reviews, the
ranking; and real parallel clients submitting one review twice."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.http.conftest import ADMIN, COORDINATOR, auth, new_key, new_postgres_database
from tests.api.http.live import TIMEOUT_S, client, in_parallel, live_server, load_small

CALL = "c-methane"
LEAD = "s-ru-methane"
APPLICATION: dict[str, Any] = {
    "id": "a-methane-1",
    "call_id": CALL,
    "title": "Forecasting methane emission in deep coal seams",
    "abstract": "Gas emission forecasting and methane drainage for outburst prevention.",
    "keywords": ["methane drainage", "gas emission forecasting"],
    "team": [LEAD, "s-cn-agreement"],
    "lead": LEAD,
}


def _submit(client: TestClient, key: str, body: dict[str, Any], call: str = CALL) -> Any:
    return client.post(f"/calls/{call}/applications", json=body, headers=auth(key))


def test_a_coordinator_submits_an_application_and_reads_it_back(small_client: TestClient) -> None:
    created = _submit(small_client, COORDINATOR, APPLICATION)
    assert created.status_code == 201, created.text
    assert created.json() == {"call_id": CALL, "created": 1, "ids": ["a-methane-1"]}
    listed = small_client.get(f"/calls/{CALL}/applications", headers=auth(COORDINATOR))
    assert listed.status_code == 200, listed.text
    [item] = listed.json()["items"]
    assert item["team"] == [LEAD, "s-cn-agreement"]
    assert item["title"] == APPLICATION["title"]


def test_the_call_id_may_be_left_to_the_path(small_client: TestClient) -> None:
    body = {k: v for k, v in APPLICATION.items() if k != "call_id"}
    created = _submit(small_client, COORDINATOR, body)
    assert created.status_code == 201, created.text


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"team": [LEAD, "nobody"]}, 422, "body.team.1"),
        ({"conflicts": ["ghost"]}, 422, "body.conflicts.0"),
        ({"lead": "s-cn-agreement", "team": [LEAD]}, 422, "body"),
        ({"call_id": "c-remediation"}, 422, "body.call_id"),
        ({"title": ""}, 422, "body.title"),
        ({"id": "a/b"}, 422, "body.id"),
    ],
)
def test_a_bad_application_is_refused_naming_the_field(
    small_client: TestClient, change: dict[str, Any], status: int, field: str
) -> None:
    response = _submit(small_client, COORDINATOR, {**APPLICATION, **change})
    assert response.status_code == status, response.text
    fields = [problem["field"] for problem in response.json()["errors"]]
    assert any(f is not None and f.startswith(field) for f in fields), fields


def test_an_unknown_call_is_404_and_a_taken_id_409(small_client: TestClient) -> None:
    assert _submit(small_client, COORDINATOR, APPLICATION, "c-none").status_code == 404
    assert _submit(small_client, COORDINATOR, APPLICATION).status_code == 201
    again = _submit(small_client, COORDINATOR, APPLICATION)
    assert again.status_code == 409
    assert again.json()["errors"][0]["field"] == "body.id"


def test_a_file_of_applications_is_stored_all_or_nothing(small_client: TestClient) -> None:
    good = {**APPLICATION, "id": "a-file-1"}
    bad = {**APPLICATION, "id": "a-file-2", "team": [LEAD, "nobody"]}
    import json

    body = "\n".join(json.dumps(x) for x in (good, bad)) + "\n"
    headers = {**auth(COORDINATOR), "Content-Type": "application/x-ndjson"}
    refused = small_client.post(f"/calls/{CALL}/applications/import", content=body, headers=headers)
    assert refused.status_code == 422, refused.text
    problem = refused.json()["errors"][0]
    assert (problem["line"], problem["field"]) == (2, "team.1")
    listed = small_client.get(f"/calls/{CALL}/applications", headers=auth(COORDINATOR))
    assert listed.json()["items"] == []
    csv = (
        "id,call_id,title,team,lead\n"
        f"a-csv-1,{CALL},Methane drainage,{LEAD};s-cn-agreement,{LEAD}\n"
        f"a-csv-2,{CALL},Gas control,{LEAD},{LEAD}\n"
    )
    headers = {**auth(COORDINATOR), "Content-Type": "text/csv"}
    stored = small_client.post(f"/calls/{CALL}/applications/import", content=csv, headers=headers)
    assert stored.status_code == 201, stored.text
    assert stored.json()["ids"] == ["a-csv-1", "a-csv-2"]


def test_a_malformed_file_names_its_line(small_client: TestClient) -> None:
    headers = {**auth(COORDINATOR), "Content-Type": "application/x-ndjson"}
    body = '{"id": "a-1", "call_id": "c-methane", "title": "T", "team": ["s-ru-methane"]}\n'
    response = small_client.post(
        f"/calls/{CALL}/applications/import", content=body, headers=headers
    )
    assert response.status_code == 422
    problem = response.json()["errors"][0]
    assert problem["line"] == 1 and problem["field"] == "lead"
    other = small_client.post(
        f"/calls/{CALL}/applications/import",
        content="x",
        headers={**auth(ADMIN), "Content-Type": "image/png"},
    )
    assert other.status_code == 415


def test_a_researcher_submits_only_what_they_lead(small_client: TestClient) -> None:
    lead = new_key(small_client, "researcher", LEAD)
    other = new_key(small_client, "researcher", "s-cn-agreement")
    staff = new_key(small_client, "office_staff", "off-kuzbass-cn")
    assert _submit(small_client, other, APPLICATION).status_code == 403
    assert _submit(small_client, staff, APPLICATION).status_code == 403
    assert _submit(small_client, lead, APPLICATION).status_code == 201
    # A team member sees it; someone else on no team sees nothing; staff may not look.
    mine = small_client.get(f"/calls/{CALL}/applications", headers=auth(other))
    assert [a["id"] for a in mine.json()["items"]] == ["a-methane-1"]
    outsider = new_key(small_client, "researcher", "s-ru-health")
    nothing = small_client.get(f"/calls/{CALL}/applications", headers=auth(outsider))
    assert nothing.json()["items"] == []
    refused = small_client.get(f"/calls/{CALL}/applications", headers=auth(staff))
    assert refused.status_code == 403


EXPERTS = (
    "s-ru-ventilation",
    "s-ru-coalchem",
    "s-ru-health",
    "s-cn-partner",
    "s-cn-office-only",
    "s-kz-reclaim",
    "s-de-collab",
    "s-de-none",
    "s-by-metal",
)
APPLICATIONS: list[dict[str, Any]] = [
    APPLICATION,
    {
        "id": "a-methane-2",
        "call_id": CALL,
        "title": "Methane sorption and hydraulic fracturing of coal seams",
        "abstract": "Methane sorption in coal, hydraulic fracturing to drain gas.",
        "team": ["s-ru-methane-phd", "s-cn-zh"],
        "lead": "s-ru-methane-phd",
        "conflicts": ["s-ru-health"],
    },
    {
        "id": "a-methane-3",
        "call_id": CALL,
        "title": "Digital twins of mine ventilation",
        "abstract": "A digital twin of ventilation and methane monitoring.",
        "team": ["s-ru-digital"],
        "lead": "s-ru-digital",
    },
]


def _prepare(client: TestClient) -> None:
    """Experts marked, two reviewers per application, the applications submitted, and the
    engine refitted on the marks."""
    for profile_id in EXPERTS:
        marked = client.patch(f"/profiles/{profile_id}", json={"expert": True}, headers=auth(ADMIN))
        assert marked.status_code == 200, marked.text
    review = {"reviewers_per_application": 2, "max_load": 2}
    changed = client.patch(f"/calls/{CALL}", json={"review": review}, headers=auth(ADMIN))
    assert changed.status_code == 200, changed.text
    for body in APPLICATIONS:
        assert _submit(client, COORDINATOR, body).status_code == 201
    client.app.state.service.engine.get()  # type: ignore[attr-defined]


@pytest.fixture
def competition(small_client: TestClient) -> TestClient:
    """The small fixture with experts, three applications to ``c-methane``."""
    _prepare(small_client)
    return small_client


def test_the_checks_name_each_failed_rule_and_the_fix(competition: TestClient) -> None:
    response = competition.get(f"/calls/{CALL}/applications/checks", headers=auth(COORDINATOR))
    assert response.status_code == 200, response.text
    body = response.json()
    checks = {c["application_id"]: c for c in body["checks"]}
    assert checks["a-methane-1"]["ok"] is True
    bad = checks["a-methane-3"]
    assert bad["ok"] is False
    rules = {f["rule"] for f in bad["failures"]}
    assert "min_team_size" in rules
    assert any(rule.startswith("required_countries") for rule in rules)
    assert bad["fixes"], bad
    assert body["failing"] == ["a-methane-3"]
    assert "a-methane-3" in body["by_rule"]["min_team_size"]
    # A researcher sees the checks of their own applications only.
    lead = new_key(competition, "researcher", "s-ru-digital")
    own = competition.get(f"/calls/{CALL}/applications/checks", headers=auth(lead))
    assert [c["application_id"] for c in own.json()["checks"]] == ["a-methane-3"]


def _assign(client: TestClient, **body: Any) -> Any:
    return client.post(f"/calls/{CALL}/assignment", json=body, headers=auth(COORDINATOR))


def test_reviewers_are_assigned_without_conflicts(competition: TestClient) -> None:
    response = _assign(competition, solver="exact")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["view"] == "full" and body["solver"] == "exact"
    by_application: dict[str, list[str]] = {}
    for pair in body["pairs"]:
        by_application.setdefault(pair["application_id"], []).append(pair["reviewer_id"])
        assert pair["reviewer_name"]
    assert sorted(by_application) == ["a-methane-1", "a-methane-2", "a-methane-3"]
    teams = {a["id"]: set(a["team"]) | set(a.get("conflicts", [])) for a in APPLICATIONS}
    for application_id, reviewers in by_application.items():
        assert len(reviewers) == 2
        assert not teams[application_id] & set(reviewers)
        assert set(reviewers) <= set(EXPERTS)
    assert max(body["loads"].values()) <= 2
    # The declared conflict is among the reasons that kept a reviewer off.
    declared = [c for c in body["conflicts"] if c["kind"] == "declared"]
    assert {(c["application_id"], c["reviewer_id"]) for c in declared} == {
        ("a-methane-2", "s-ru-health")
    }
    again = competition.get(f"/calls/{CALL}/assignment", headers=auth(COORDINATOR))
    assert again.json()["pairs"] == body["pairs"]


def test_a_reviewer_sees_only_their_own_pairs_and_an_applicant_none(
    competition: TestClient,
) -> None:
    pairs = _assign(competition, solver="greedy").json()["pairs"]
    reviewer = pairs[0]["reviewer_id"]
    key = new_key(competition, "researcher", reviewer)
    seen = competition.get(f"/calls/{CALL}/assignment", headers=auth(key)).json()
    assert seen["view"] == "reviewer"
    assert seen["pairs"] and {p["reviewer_id"] for p in seen["pairs"]} == {reviewer}
    assert seen["conflicts"] == [] and seen["loads"] == {}
    # Their applications list holds the assigned ones, without the declared conflicts.
    listed = competition.get(f"/calls/{CALL}/applications", headers=auth(key)).json()["items"]
    assert {a["id"] for a in listed} == {p["application_id"] for p in seen["pairs"]}
    assert all(a["conflicts"] == [] for a in listed)
    applicant = new_key(competition, "researcher", LEAD)
    theirs = competition.get(f"/calls/{CALL}/assignment", headers=auth(applicant)).json()
    assert theirs["pairs"] == []
    staff = new_key(competition, "office_staff", "off-kuzbass-cn")
    assert competition.get(f"/calls/{CALL}/assignment", headers=auth(staff)).status_code == 403
    assert _assign_as(competition, key).status_code == 403


def _assign_as(client: TestClient, key: str) -> Any:
    return client.post(f"/calls/{CALL}/assignment", json={}, headers=auth(key))


def test_an_infeasible_assignment_is_refused_with_the_reasons(competition: TestClient) -> None:
    review = {"reviewers_per_application": 8, "max_load": 1}
    changed = competition.patch(f"/calls/{CALL}", json={"review": review}, headers=auth(ADMIN))
    assert changed.status_code == 200
    competition.app.state.service.engine.get()  # type: ignore[attr-defined]
    refused = _assign(competition)
    assert refused.status_code == 409, refused.text
    reasons = [p["reason"] for p in refused.json()["errors"]]
    assert reasons and any("a-methane" in reason for reason in reasons)
    missing = competition.get(f"/calls/{CALL}/assignment", headers=auth(COORDINATOR))
    assert missing.status_code == 404
    partial = _assign(competition, accept_partial=True)
    assert partial.status_code == 200, partial.text
    assert partial.json()["infeasible"]


def test_pairs_by_hand_are_checked_against_the_conflicts(competition: TestClient) -> None:
    refused = _assign(competition, pairs={"a-methane-2": ["s-ru-health"]})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "body.pairs.a-methane-2.0"
    assert "declared" in refused.json()["errors"][0]["reason"]
    member = _assign(competition, pairs={"a-methane-1": [LEAD]})
    assert member.status_code == 422
    stored = _assign(competition, pairs={"a-methane-1": ["s-de-none", "s-kz-reclaim"]})
    assert stored.status_code == 200, stored.text
    assert stored.json()["solver"] == "manual"
    assert {p["reviewer_id"] for p in stored.json()["pairs"]} == {"s-de-none", "s-kz-reclaim"}


def test_reviews_come_back_and_the_call_is_ranked(competition: TestClient) -> None:
    pairs = _assign(competition, solver="exact").json()["pairs"]
    keys = {p["reviewer_id"]: new_key(competition, "researcher", p["reviewer_id"]) for p in pairs}
    first = pairs[0]
    path = f"/calls/{CALL}/reviews"
    mine = {"application_id": first["application_id"], "score": 4, "comment": "solid"}
    stored = competition.post(path, json=mine, headers=auth(keys[first["reviewer_id"]]))
    assert stored.status_code == 201, stored.text
    twice = competition.post(path, json=mine, headers=auth(keys[first["reviewer_id"]]))
    assert twice.status_code == 409
    other = next(p for p in pairs if p["reviewer_id"] != first["reviewer_id"])
    not_mine = {"application_id": other["application_id"], "score": 3}
    unassigned = {p["reviewer_id"] for p in pairs if p["application_id"] == other["application_id"]}
    stranger = next(r for r in keys if r not in unassigned)
    refused = competition.post(path, json=not_mine, headers=auth(keys[stranger]))
    assert refused.status_code == 403
    # The coordinator imports the rest as CSV (the one already stored is left out).
    lines = ["application_id,reviewer_id,score,confidence"]
    for position, pair in enumerate(pairs[1:]):
        lines.append(f"{pair['application_id']},{pair['reviewer_id']},{1 + position % 5},1")
    headers = {**auth(COORDINATOR), "Content-Type": "text/csv"}
    imported = competition.post(f"{path}/import", content="\n".join(lines) + "\n", headers=headers)
    assert imported.status_code == 201, imported.text
    assert imported.json()["created"] == len(pairs) - 1
    # A reviewer lists only their own reviews.
    own = competition.get(path, headers=auth(keys[first["reviewer_id"]])).json()["items"]
    assert {r["reviewer_id"] for r in own} == {first["reviewer_id"]}
    ranked = competition.get(f"/calls/{CALL}/ranking", headers=auth(COORDINATOR))
    assert ranked.status_code == 200, ranked.text
    rows = ranked.json()["rows"]
    assert sorted(r["application_id"] for r in rows) == [
        "a-methane-1",
        "a-methane-2",
        "a-methane-3",
    ]
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)
    assert all(r["n_reviews"] == 2 for r in rows)
    # a-methane-3's team breaks the call's rules: ranked by its reviews, and marked.
    broken = {r["application_id"]: r["broken_rules"] for r in rows if r["broken_rules"]}
    assert list(broken) == ["a-methane-3"]
    assert "min_team_size" in broken["a-methane-3"]
    assert any("a-methane-3" in warning for warning in ranked.json()["warnings"])
    refused_rank = competition.get(f"/calls/{CALL}/ranking", headers=auth(keys[stranger]))
    assert refused_rank.status_code == 403


def test_an_imported_review_of_an_unassigned_pair_names_its_line(competition: TestClient) -> None:
    _assign(competition, solver="exact")
    body = f"application_id,reviewer_id,score\na-methane-1,{LEAD},3\n"
    headers = {**auth(COORDINATOR), "Content-Type": "text/csv"}
    refused = competition.post(f"/calls/{CALL}/reviews/import", content=body, headers=headers)
    assert refused.status_code == 422, refused.text
    problem = refused.json()["errors"][0]
    assert (problem["line"], problem["field"]) == (2, "reviewer_id")


# ------------------------------------------------------------------ concurrent clients

PARALLEL = 8


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live server holding the small fixture and the three applications, one per
    backend for the module, its engine fitted on the data."""
    if request.param == "sqlite":
        folder: Path = tmp_path_factory.mktemp("live")
        url = f"sqlite:///{folder / 'grantmatch.sqlite'}"
    else:
        url = new_postgres_database(request.getfixturevalue("postgres_server"))
    with live_server(url) as base_url:
        load_small(base_url, ADMIN)
        with client(base_url, COORDINATOR) as http:
            for body in APPLICATIONS:
                created = http.post(f"/calls/{CALL}/applications", json=body)
                assert created.status_code == 201, created.text
            version = http.get(f"/profiles/{LEAD}").json()["version"]
            _wait_for_engine(http, version)
        yield base_url


def _wait_for_engine(http: httpx.Client, version: int) -> None:
    """Wait (bounded) until the engine answers from ``version`` or a newer one."""
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        state = http.get("/engine").json()
        if state["version"] is not None and state["version"] >= version:
            return
        time.sleep(0.05)
    raise AssertionError("the engine did not fit the data in time")


def _review_key(base_url: str, reviewer: str) -> str:
    with client(base_url, ADMIN) as http:
        response = http.post("/keys", json={"role": "researcher", "binding": reviewer})
        assert response.status_code == 201, response.text
        key: str = response.json()["key"]
        return key


def _statuses(responses: list[Any]) -> Counter[int]:
    for response in responses:
        assert isinstance(response, httpx.Response), response
    return Counter(r.status_code for r in responses)


def test_one_review_submitted_at_once_many_times_is_stored_once(live: str) -> None:
    pairs = {"a-methane-1": ["s-de-none", "s-kz-reclaim"]}
    with client(live, COORDINATOR) as http:
        assigned = http.post(f"/calls/{CALL}/assignment", json={"pairs": pairs})
    assert assigned.status_code == 200, assigned.text
    keys = {r: _review_key(live, r) for r in pairs["a-methane-1"]}

    def submit(reviewer: str, score: float) -> httpx.Response:
        with client(live, keys[reviewer]) as http:
            body = {"application_id": "a-methane-1", "score": score}
            return http.post(f"/calls/{CALL}/reviews", json=body)

    # Both reviewers at once, each sending their review several times.
    calls: list[Callable[[], Any]] = [
        partial(submit, reviewer, i) for i in range(PARALLEL) for reviewer in keys
    ]
    responses = in_parallel(calls)

    assert _statuses(responses) == {201: 2, 409: 2 * PARALLEL - 2}
    with client(live, COORDINATOR) as http:
        stored = http.get(f"/calls/{CALL}/reviews").json()["items"]
    mine = [r for r in stored if r["application_id"] == "a-methane-1"]
    assert sorted(r["reviewer_id"] for r in mine) == sorted(keys)


def test_assignments_made_at_once_leave_one_of_them_whole(live: str) -> None:
    choices = [
        {"a-methane-2": ["s-de-none", "s-kz-reclaim"], "a-methane-3": ["s-by-metal"]},
        {"a-methane-2": ["s-de-collab", "s-cn-partner"], "a-methane-3": ["s-kz-soil"]},
    ]

    def run(pairs: dict[str, list[str]]) -> httpx.Response:
        with client(live, COORDINATOR) as http:
            return http.post(f"/calls/{CALL}/assignment", json={"pairs": pairs})

    responses = in_parallel([partial(run, choices[i % 2]) for i in range(PARALLEL)])

    assert _statuses(responses) == {200: PARALLEL}
    with client(live, COORDINATOR) as http:
        final = http.get(f"/calls/{CALL}/assignment").json()
    stored: dict[str, list[str]] = {}
    for pair in final["pairs"]:
        stored.setdefault(pair["application_id"], []).append(pair["reviewer_id"])
    assert {a: sorted(r) for a, r in stored.items()} in [
        {a: sorted(r) for a, r in c.items()} for c in choices
    ]


def test_a_call_or_profile_named_by_an_application_is_not_deleted(
    small_client: TestClient,
) -> None:
    assert _submit(small_client, COORDINATOR, APPLICATION).status_code == 201
    call = small_client.delete(f"/calls/{CALL}", headers=auth(ADMIN))
    assert call.status_code == 409, call.text
    assert {"field": "call_id", "value": "applications/a-methane-1"}.items() <= call.json()[
        "errors"
    ][0].items()
    member = small_client.delete("/profiles/s-cn-agreement", headers=auth(ADMIN))
    assert member.status_code == 409, member.text
    assert member.json()["errors"][0]["field"] == "team"
    assert small_client.get(f"/calls/{CALL}", headers=auth(ADMIN)).status_code == 200
