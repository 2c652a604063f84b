"""Browser sessions: a random cookie whose SHA-256 is a row of ``web_sessions``, and the
CSRF token every form of that session carries.

The cookie is ``HttpOnly`` and ``SameSite=Lax`` (``Secure`` as well when
``GRANTMATCH_WEB_SECURE_COOKIES`` is on, as it must be behind HTTPS). A form posted
without the session's token is refused (:func:`check_csrf`); forms shown before sign-in
(the sign-in and invitation forms) carry a token that must match a cookie of its own
(double submit), so another site cannot sign a browser into an account of its choosing.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.http.store.tables import UserRow, WebSessionRow, utcnow
from api.web.accounts import User, token_hash

SESSION_COOKIE = "gm_session"
FORM_COOKIE = "gm_form"
SESSION_LIFETIME = dt.timedelta(hours=12)


@dataclass(frozen=True)
class WebSession:
    """A signed-in browser: who, and the token its forms must carry."""

    user: User
    csrf_token: str
    token_hash: str


def start(session: Session, user_id: int) -> tuple[str, WebSession]:
    """A new session for an account; returns the cookie value and the session."""
    token = secrets.token_urlsafe(32)
    row = WebSessionRow(
        token_hash=token_hash(token),
        user_id=user_id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=utcnow(),
        expires_at=utcnow() + SESSION_LIFETIME,
    )
    session.add(row)
    # Old sessions of anyone go when a new one starts: the table stays small without
    # a sweeper thread.
    session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at < utcnow()))
    user = session.get(UserRow, user_id)
    assert user is not None
    return token, WebSession(User.of(user), row.csrf_token, row.token_hash)


def find(session: Session, cookie: str | None) -> WebSession | None:
    """The live session of a cookie value (``None``: none, expired, or account disabled)."""
    if not cookie:
        return None
    found = session.execute(
        select(WebSessionRow, UserRow)
        .join(UserRow, UserRow.id == WebSessionRow.user_id)
        .where(WebSessionRow.token_hash == token_hash(cookie))
    ).first()
    if found is None:
        return None
    row, user = found
    if row.expires_at < utcnow() or user.disabled_at is not None or user.password_hash is None:
        return None
    return WebSession(User.of(user), row.csrf_token, row.token_hash)


def end(session: Session, cookie: str | None) -> None:
    """Sign a browser out (its session row goes)."""
    if cookie:
        session.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == token_hash(cookie)))


def same_token(expected: str | None, sent: str | None) -> bool:
    """Whether a form's token is the expected one (compared in constant time)."""
    if not expected or not sent:
        return False
    return hmac.compare_digest(expected.encode(), sent.encode())


def new_form_token() -> str:
    """A token for the forms shown before sign-in (double-submit cookie)."""
    return secrets.token_urlsafe(24)
