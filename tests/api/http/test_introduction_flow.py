"""The introduction flow's rules: office services, capacity per round, the call's
eligibility, each transition and refusal (forward, decline, the partner's answer signed in
or by a one-time link, withdrawal), expiry, reminders, team requests, service requests."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from api.http.routes import introductions as routes
from api.http.service import Service
from api.http.store.tables import IntroductionRow
from tests.api.http.conftest import ADMIN, COORDINATOR, auth
from tests.api.http.test_roles import new_key

RESEARCHER = "s-ru-methane"
PARTNER = "s-cn-partner"
OFFICE = "off-kuzbass-cn"


def service_of(client: TestClient) -> Service:
    service: Service = client.app.state.service  # type: ignore[attr-defined]
    return service


@pytest.fixture
def keys(small_client: TestClient) -> dict[str, str]:
    return {
        "researcher": new_key(small_client, "researcher", RESEARCHER),
        "partner": new_key(small_client, "researcher", PARTNER),
        "staff": new_key(small_client, "office_staff", OFFICE),
        "kz_staff": new_key(small_client, "office_staff", "off-rs-kz"),
    }


def ask(client: TestClient, key: str, partner: str = PARTNER, **body: object) -> dict[str, object]:
    response = client.post(
        "/introductions", json={"partner_id": partner, **body}, headers=auth(key)
    )
    assert response.status_code == 201, response.text
    out: dict[str, object] = response.json()
    return out


def post(
    client: TestClient, path: str, key: str, body: dict[str, object] | None = None
) -> dict[str, object]:
    response = client.post(path, json=body, headers=auth(key))
    return {**response.json(), "code": response.status_code}


# -- services --------------------------------------------------------------------------


def test_an_office_without_the_introductions_service_brokers_no_contact(
    small_client: TestClient, keys: dict[str, str]
) -> None:
    changed = small_client.patch(
        f"/offices/{OFFICE}",
        json={"services": ["information_support", "logistics"]},
        headers=auth(COORDINATOR),
    )
    assert changed.status_code == 200, changed.text
    refused = small_client.post(
        "/introductions", json={"partner_id": PARTNER}, headers=auth(keys["researcher"])
    )
    assert refused.status_code == 409
    assert "no open office offering introductions" in refused.json()["detail"]
    named = small_client.post(
        "/introductions",
        json={"partner_id": PARTNER, "office_id": OFFICE},
        headers=auth(keys["researcher"]),
    )
    assert named.status_code == 409
    assert "does not offer introductions" in named.json()["detail"]
    assert "information_support, logistics" in named.json()["detail"]


def test_information_support_is_requested_and_answered_without_contacts(
    small_client: TestClient, keys: dict[str, str]
) -> None:
    path = f"/offices/{OFFICE}/requests"
    made = small_client.post(
        path,
        json={"service": "information_support", "message": "Which funders in Harbin?"},
        headers=auth(keys["researcher"]),
    )
    assert made.status_code == 201, made.text
    assert made.json()["status"] == "pending"
    # The China office offers no expert advice: refused with its services named.
    refused = small_client.post(
        path,
        json={"service": "expert_advice", "message": "Review my proposal?"},
        headers=auth(keys["researcher"]),
    )
    assert refused.status_code == 409 and "does not offer expert_advice" in refused.json()["detail"]
    # Another office's staff may not see or answer it; the office's staff answer once.
    answer = f"{path}/{made.json()['id']}/answer"
    assert small_client.get(path, headers=auth(keys["kz_staff"])).status_code == 403
    assert (
        small_client.post(answer, json={"answer": "x"}, headers=auth(keys["kz_staff"])).status_code
        == 403
    )
    answered = small_client.post(
        answer, json={"answer": "See the NSFC portal."}, headers=auth(keys["staff"])
    )
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    again = small_client.post(answer, json={"answer": "Again"}, headers=auth(keys["staff"]))
    assert again.status_code == 409
    mine = small_client.get(path, headers=auth(keys["researcher"])).json()
    assert [r["answer"] for r in mine] == ["See the NSFC portal."]
    assert small_client.get(path, headers=auth(keys["partner"])).json() == []
    # Expert advice from the Kazakhstan office, which offers it (a coordinator may ask).
    advice = small_client.post(
        "/offices/off-rs-kz/requests",
        json={"service": "expert_advice", "message": "Rules?"},
        headers=auth(COORDINATOR),
    )
    assert advice.status_code == 201 and advice.json()["requester_id"] is None


# -- capacity --------------------------------------------------------------------------


def test_a_full_office_refuses_with_its_load_and_capacity(
    small_client: TestClient, keys: dict[str, str]
) -> None:
    assert (
        small_client.patch(
            f"/offices/{OFFICE}", json={"capacity": 2}, headers=auth(COORDINATOR)
        ).status_code
        == 200
    )
    other = new_key(small_client, "researcher", "s-ru-ventilation")
    first = ask(small_client, keys["researcher"])
    ask(small_client, other)
    refused = small_client.post(
        "/introductions", json={"partner_id": "s-cn-metal"}, headers=auth(keys["researcher"])
    )
    assert refused.status_code == 409
    assert "2 of its capacity of 2" in refused.json()["detail"]
    load = small_client.get(f"/offices/{OFFICE}/load", headers=auth(keys["staff"])).json()
    assert (load["load"], load["capacity"], load["pending"], load["full"]) == (2, 2, 2, True)
    assert load["round_days"] == 365
    # A declined request frees its place.
    post(
        small_client,
        f"/introductions/{first['id']}/decision",
        keys["staff"],
        {"decision": "decline"},
    )
    ask(small_client, keys["researcher"], "s-cn-metal")
    # Who may read the load: admin, coordinators, the office's staff.
    for key, code in (
        (ADMIN, 200),
        (COORDINATOR, 200),
        (keys["kz_staff"], 403),
        (keys["researcher"], 403),
    ):
        assert small_client.get(f"/offices/{OFFICE}/load", headers=auth(key)).status_code == code


def test_the_round_counts_only_the_last_round_days(
    small_client: TestClient, keys: dict[str, str]
) -> None:
    intro = ask(small_client, keys["researcher"])
    post(
        small_client,
        f"/introductions/{intro['id']}/decision",
        keys["staff"],
        {"decision": "forward"},
    )
    post(
        small_client, f"/introductions/{intro['id']}/answer", keys["partner"], {"answer": "accept"}
    )
    load = small_client.get(f"/offices/{OFFICE}/load", headers=auth(ADMIN)).json()
    assert (load["accepted"], load["load"]) == (1, 1)
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=366)
    with service_of(small_client).database.session() as session:
        session.execute(update(IntroductionRow).values(created_at=old))
    assert small_client.get(f"/offices/{OFFICE}/load", headers=auth(ADMIN)).json()["load"] == 0


# -- eligibility -----------------------------------------------------------------------


def test_an_introduction_for_a_call_the_partner_may_not_join_is_refused(
    small_client: TestClient, keys: dict[str, str]
) -> None:
    refused = small_client.post(
        "/introductions",
        json={"partner_id": PARTNER, "call_id": "c-remediation"},
        headers=auth(keys["researcher"]),
    )
    assert refused.status_code == 422
    problem = refused.json()["errors"][0]
    assert problem["field"] == "body.call_id"
    assert problem["reason"].startswith("eligible_countries: ") and "CN" in problem["reason"]
    assert ask(small_client, keys["researcher"], call_id="c-methane")["status"] == "pending"


# -- transitions -----------------------------------------------------------------------


def test_the_office_declines_and_nothing_is_shared(
    small_client: TestClient, keys: dict[str, str]
) -> None:
    intro = ask(small_client, keys["researcher"])
    path = f"/introductions/{intro['id']}"
    declined = post(
        small_client, f"{path}/decision", keys["staff"], {"decision": "decline", "note": "no"}
    )
    assert declined["code"] == 200 and declined["partner_contact"] is None
    assert declined["requester_contact"] is None and declined["closed_at"]
    # The partner never saw it and cannot answer it.
    assert small_client.get(path, headers=auth(keys["partner"])).status_code == 403
    assert small_client.get("/introductions", headers=auth(keys["partner"])).json() == []
    assert post(small_client, f"{path}/withdraw", keys["researcher"])["code"] == 409


def test_the_partner_declines_and_nothing_is_exchanged(
    small_client: TestClient, keys: dict[str, str]
) -> None:
    intro = ask(small_client, keys["researcher"])
    path = f"/introductions/{intro['id']}"
    post(small_client, f"{path}/decision", keys["staff"], {"decision": "forward"})
    listed = small_client.get("/introductions", headers=auth(keys["partner"])).json()
    assert [i["id"] for i in listed] == [intro["id"]]
    declined = post(small_client, f"{path}/answer", keys["partner"], {"answer": "decline"})
    assert declined["code"] == 200 and declined["requester_contact"] is None
    mine = small_client.get(path, headers=auth(keys["researcher"])).json()
    assert mine["status"] == "declined" and mine["partner_contact"] is None
    # The office no longer sees the contacts either (it brokers only open or accepted ones).
    office = small_client.get(path, headers=auth(keys["staff"])).json()
    assert office["partner_contact"] is None and office["requester_contact"] is None
    # A new request is possible once this one is closed.
    assert ask(small_client, keys["researcher"])["status"] == "pending"


def test_the_requester_withdraws_a_pending_or_forwarded_request_only(
    small_client: TestClient, keys: dict[str, str]
) -> None:
    pending = ask(small_client, keys["researcher"])
    path = f"/introductions/{pending['id']}"
    assert post(small_client, f"{path}/withdraw", keys["partner"])["code"] == 403
    assert post(small_client, f"{path}/withdraw", keys["staff"])["code"] == 403
    assert post(small_client, f"{path}/withdraw", keys["researcher"])["code"] == 200
    refused = post(small_client, f"{path}/decision", keys["staff"], {"decision": "forward"})
    assert refused["code"] == 409 and "withdrawn" in str(refused["detail"])
    forwarded = ask(small_client, keys["researcher"])
    path = f"/introductions/{forwarded['id']}"
    token = post(small_client, f"{path}/decision", keys["staff"], {"decision": "forward"})[
        "consent_token"
    ]
    withdrawn = post(small_client, f"{path}/withdraw", keys["researcher"])
    assert withdrawn["code"] == 200 and withdrawn["closed_at"]
    # The consent link died with it; the partner can no longer answer.
    assert routes.consent_request(service_of(small_client), str(token)) is None
    assert (
        post(small_client, f"{path}/answer", keys["partner"], {"answer": "accept"})["code"] == 409
    )
    accepted = ask(small_client, keys["researcher"])
    path = f"/introductions/{accepted['id']}"
    post(small_client, f"{path}/decision", keys["staff"], {"decision": "forward"})
    post(small_client, f"{path}/answer", keys["partner"], {"answer": "accept"})
    assert post(small_client, f"{path}/withdraw", keys["researcher"])["code"] == 409
    trail = small_client.get("/audit?action=introduction.withdraw", headers=auth(ADMIN)).json()
    assert trail["total"] == 2


def test_the_partner_answers_once_through_the_signed_link(
    small_client: TestClient, keys: dict[str, str]
) -> None:
    service = service_of(small_client)
    intro = ask(small_client, keys["researcher"])
    path = f"/introductions/{intro['id']}"
    token = str(
        post(small_client, f"{path}/decision", keys["staff"], {"decision": "forward"})[
            "consent_token"
        ]
    )
    assert routes.consent_request(service, "not-a-real-token-at-all") is None
    shown = routes.consent_request(service, token)
    assert shown is not None and shown.partner_id == PARTNER
    # A fresh link replaces the old one.
    renewed = post(small_client, f"{path}/consent-link", keys["staff"])
    assert routes.consent_request(service, token) is None
    token = str(renewed["consent_token"])
    answered = routes.consent_answer(service, token, True, "happy to")
    assert answered is not None and answered.status == "accepted"
    assert routes.consent_answer(service, token, False, "") is None  # one time only
    mine = small_client.get(path, headers=auth(keys["researcher"])).json()
    assert mine["status"] == "accepted" and mine["partner_contact"]["email"]
    assert mine["answered_by"].startswith("partner:")
    # The stored hash is not the token.
    with service.database.session() as session:
        row = session.get(IntroductionRow, int(str(intro["id"])))
        assert row is not None and row.consent_hash is None


# -- expiry and reminders --------------------------------------------------------------


def _age(client: TestClient, introduction_id: object, days: int, column: str) -> None:
    moment = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    with service_of(client).database.session() as session:
        session.execute(
            update(IntroductionRow)
            .where(IntroductionRow.id == int(str(introduction_id)))
            .values({column: moment})
        )


def test_undecided_requests_expire_on_read_and_free_their_place(
    small_client: TestClient, keys: dict[str, str]
) -> None:
    pending = ask(small_client, keys["researcher"])
    forwarded = ask(small_client, keys["researcher"], "s-cn-metal")
    post(
        small_client,
        f"/introductions/{forwarded['id']}/decision",
        keys["staff"],
        {"decision": "forward"},
    )
    fresh = ask(small_client, keys["researcher"], "s-cn-zh")
    _age(small_client, pending["id"], 31, "created_at")
    _age(small_client, forwarded["id"], 40, "created_at")
    _age(small_client, forwarded["id"], 31, "forwarded_at")
    statuses = {
        i["id"]: i["status"]
        for i in small_client.get("/introductions", headers=auth(keys["researcher"])).json()
    }
    assert statuses == {
        pending["id"]: "expired",
        forwarded["id"]: "expired",
        fresh["id"]: "pending",
    }
    refused = post(
        small_client,
        f"/introductions/{pending['id']}/decision",
        keys["staff"],
        {"decision": "forward"},
    )
    assert refused["code"] == 409 and "expired" in str(refused["detail"])
    trail = small_client.get("/audit?action=introduction.expire", headers=auth(ADMIN)).json()
    assert trail["total"] == 2
    load = small_client.get(f"/offices/{OFFICE}/load", headers=auth(ADMIN)).json()
    assert load["load"] == 1


def test_reminders_are_due_for_requests_waiting_longer_than_the_reminder_days(
    small_client: TestClient, keys: dict[str, str]
) -> None:
    on_office = ask(small_client, keys["researcher"])
    on_partner = ask(small_client, keys["researcher"], "s-cn-metal")
    post(
        small_client,
        f"/introductions/{on_partner['id']}/decision",
        keys["staff"],
        {"decision": "forward"},
    )
    ask(small_client, keys["researcher"], "s-cn-zh")  # new: nothing due
    assert small_client.get("/introductions/reminders", headers=auth(ADMIN)).json() == []
    _age(small_client, on_office["id"], 9, "created_at")
    _age(small_client, on_partner["id"], 8, "forwarded_at")
    due = small_client.get("/introductions/reminders", headers=auth(COORDINATOR)).json()
    assert [(d["introduction_id"], d["waiting_on"]) for d in due] == [
        (on_office["id"], "office"),
        (on_partner["id"], "partner"),
    ]
    assert (
        small_client.get("/introductions/reminders", headers=auth(keys["staff"])).status_code == 403
    )


# -- team introductions ----------------------------------------------------------------


def test_a_coordinator_introduces_a_team_member_by_member(
    small_client: TestClient, keys: dict[str, str]
) -> None:
    body = {
        "call_id": "c-methane",
        "requester_id": RESEARCHER,
        "member_ids": [RESEARCHER, "s-ru-ventilation", PARTNER, "s-cn-metal", "s-kz-soil"],
        "message": "A team for the methane call",
    }
    assert (
        small_client.post(
            "/introduction-teams", json=body, headers=auth(keys["researcher"])
        ).status_code
        == 403
    )
    outside = small_client.post(
        "/introduction-teams", json={**body, "requester_id": "s-ru-food"}, headers=auth(COORDINATOR)
    )
    assert (
        outside.status_code == 422 and outside.json()["errors"][0]["field"] == "body.requester_id"
    )
    made = small_client.post("/introduction-teams", json=body, headers=auth(COORDINATOR))
    assert made.status_code == 201, made.text
    result = made.json()
    by_member = {r["member_id"]: r for r in result["results"]}
    # The home-side colleague needs none; the Chinese members go to the China office;
    # the Kazakh member may not join this RU-CN call.
    assert set(by_member) == {PARTNER, "s-cn-metal", "s-kz-soil"}
    assert by_member[PARTNER]["created"] and by_member["s-cn-metal"]["created"]
    assert by_member[PARTNER]["introduction"]["office_id"] == OFFICE
    assert by_member["s-kz-soil"]["status_code"] == 422
    assert "eligible countries" in by_member["s-kz-soil"]["reason"]
    team = small_client.get(
        f"/introduction-teams/{result['team_ref']}", headers=auth(COORDINATOR)
    ).json()
    assert {i["partner_id"] for i in team} == {PARTNER, "s-cn-metal"}
    assert all(
        i["requester_id"] == RESEARCHER and i["requested_by"].startswith("coordinator")
        for i in team
    )
    # The requester sees them as their own; the partner accepts one.
    mine = small_client.get("/introductions", headers=auth(keys["researcher"])).json()
    assert {i["team_ref"] for i in mine} == {result["team_ref"]}
    first = by_member[PARTNER]["introduction"]["id"]
    post(small_client, f"/introductions/{first}/decision", keys["staff"], {"decision": "forward"})
    post(small_client, f"/introductions/{first}/answer", keys["partner"], {"answer": "accept"})
    team = small_client.get(
        f"/introduction-teams/{result['team_ref']}", headers=auth(COORDINATOR)
    ).json()
    assert {i["partner_id"]: i["status"] for i in team} == {
        PARTNER: "accepted",
        "s-cn-metal": "pending",
    }
    # Asking again: the open requests are refused per member, with the reason.
    again = small_client.post("/introduction-teams", json=body, headers=auth(COORDINATOR)).json()
    assert {r["member_id"]: r["status_code"] for r in again["results"]} == {
        PARTNER: 201,
        "s-cn-metal": 409,
        "s-kz-soil": 422,
    }
