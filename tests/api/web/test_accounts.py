"""Accounts and sessions on a real store: invitations, passwords, resets, expiry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from api.http.store.db import Database
from api.http.store.tables import UserRow, WebSessionRow
from api.web import accounts, sessions


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    opened = Database(f"sqlite:///{tmp_path / 'accounts.sqlite'}")
    yield opened
    opened.dispose()


def _invite(database: Database, email: str = "Ann@Example.org") -> tuple[int, str]:
    with database.session() as session:
        row, token = accounts.invite(session, email, "Ann", "researcher", "r-1")
        return row.id, token


def test_an_invited_person_sets_a_password_and_signs_in(database: Database) -> None:
    user_id, token = _invite(database)
    with database.session() as session:
        # No password yet: nothing signs in.
        assert accounts.authenticate(session, "ann@example.org", "") is None
        accounts.accept_invite(session, token, "a long enough password")
    with database.session() as session:
        row = accounts.authenticate(session, " ANN@example.org ", "a long enough password")
        assert row is not None and row.id == user_id
        assert accounts.authenticate(session, "ann@example.org", "another password!") is None
        stored = session.get(UserRow, user_id)
        assert stored is not None and stored.password_hash is not None
        assert stored.password_hash.startswith("$argon2id$")
        assert "a long enough password" not in stored.password_hash


def test_an_invitation_is_used_once(database: Database) -> None:
    _user_id, token = _invite(database)
    with database.session() as session:
        accounts.accept_invite(session, token, "a long enough password")
    with database.session() as session, pytest.raises(accounts.AccountError) as refused:
        accounts.accept_invite(session, token, "some other password")
    assert refused.value.field == "token"


def test_an_expired_invitation_opens_nothing(database: Database) -> None:
    with database.session() as session:
        past = dt.datetime.now(dt.UTC) - accounts.INVITE_LIFETIME - dt.timedelta(minutes=1)
        _row, token = accounts.invite(session, "old@example.org", "Old", "admin", now=past)
    with database.session() as session:
        assert accounts.invited(session, token) is None


def test_a_short_password_is_refused(database: Database) -> None:
    _user_id, token = _invite(database)
    with database.session() as session, pytest.raises(accounts.AccountError) as refused:
        accounts.accept_invite(session, token, "short")
    assert refused.value.field == "password"


@pytest.mark.parametrize(
    ("role", "binding", "field"),
    [("researcher", None, "binding"), ("admin", "r-1", "binding"), ("king", None, "role")],
)
def test_a_role_and_binding_that_do_not_fit_are_refused(
    database: Database, role: str, binding: str | None, field: str
) -> None:
    with database.session() as session, pytest.raises(accounts.AccountError) as refused:
        accounts.invite(session, "x@example.org", "X", role, binding)
    assert refused.value.field == field


def test_one_account_per_email(database: Database) -> None:
    _invite(database, "ann@example.org")
    with database.session() as session, pytest.raises(accounts.AccountError) as refused:
        accounts.invite(session, "ANN@example.org", "Ann again", "coordinator")
    assert refused.value.field == "email"


def test_a_reset_ends_every_session_and_the_old_password(database: Database) -> None:
    user_id, token = _invite(database)
    with database.session() as session:
        accounts.accept_invite(session, token, "a long enough password")
        cookie, _web = sessions.start(session, user_id)
    with database.session() as session:
        assert sessions.find(session, cookie) is not None
        new_token = accounts.reset_access(session, user_id)
    with database.session() as session:
        assert sessions.find(session, cookie) is None
        assert accounts.authenticate(session, "ann@example.org", "a long enough password") is None
        accounts.accept_invite(session, new_token, "a brand new password")
        assert accounts.authenticate(session, "ann@example.org", "a brand new password")


def test_a_disabled_account_neither_signs_in_nor_keeps_its_sessions(database: Database) -> None:
    user_id, token = _invite(database)
    with database.session() as session:
        accounts.accept_invite(session, token, "a long enough password")
        cookie, _web = sessions.start(session, user_id)
        accounts.disable(session, user_id)
    with database.session() as session:
        assert sessions.find(session, cookie) is None
        assert accounts.authenticate(session, "ann@example.org", "a long enough password") is None


def test_an_expired_session_is_not_found_and_is_swept_by_the_next_sign_in(
    database: Database,
) -> None:
    user_id, token = _invite(database)
    with database.session() as session:
        accounts.accept_invite(session, token, "a long enough password")
        cookie, web = sessions.start(session, user_id)
        row = session.get(WebSessionRow, web.token_hash)
        assert row is not None
        row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    with database.session() as session:
        assert sessions.find(session, cookie) is None
        sessions.start(session, user_id)
    with database.session() as session:
        hashes = set(session.scalars(select(WebSessionRow.token_hash)))
        assert web.token_hash not in hashes
        assert len(hashes) == 1


def test_the_session_cookie_is_stored_only_as_its_hash(database: Database) -> None:
    user_id, token = _invite(database)
    with database.session() as session:
        accounts.accept_invite(session, token, "a long enough password")
        cookie, _web = sessions.start(session, user_id)
    with database.session() as session:
        stored = list(session.scalars(select(WebSessionRow.token_hash)))
        assert cookie not in stored
        assert stored == [accounts.token_hash(cookie)]
