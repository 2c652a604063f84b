"""People's accounts: Argon2 password hashes, invitation links, sign-in.

An account has the role and binding an API key has (``admin``, ``coordinator``,
``office_staff`` of an office, ``researcher`` of a profile), so a signed-in person is the
same :class:`api.http.auth.Principal` as a program with a key, and every rule of the
service applies to both. Passwords are set by the person through a one-time invitation
link (an admin creates the account, or resets its access); only the Argon2id hash of a
password and the SHA-256 of an invitation token are stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.http.auth import BOUND_ROLES, ROLES, Principal
from api.http.store.tables import UserRow, WebSessionRow, utcnow

MIN_PASSWORD_CHARS = 10
INVITE_LIFETIME = dt.timedelta(days=7)
_hasher = PasswordHasher()
# Verified against when the e-mail is unknown, so that a sign-in takes the same time
# whether or not the account exists.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class AccountError(ValueError):
    """An account operation refused, with the form field it concerns.

    Parameters
    ----------
    field : str
        The form field (``email``, ``password``, ``binding``...).
    reason : str
        Why, in words a person reads (translated by the page).
    """

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


@dataclass(frozen=True)
class User:
    """A signed-in person, as pages need them."""

    id: int
    email: str
    name: str
    role: str
    binding: str | None
    locale: str | None

    @property
    def principal(self) -> Principal:
        """The caller the service's rules see."""
        return Principal(self.role, self.binding, f"user {self.id} {self.email}")

    @classmethod
    def of(cls, row: UserRow) -> User:
        """The user of a stored account."""
        return cls(row.id, row.email, row.name, row.role, row.binding, row.locale)


def normalise_email(email: str) -> str:
    """The e-mail address as accounts are keyed: trimmed, lower case."""
    return email.strip().lower()


def token_hash(token: str) -> str:
    """The SHA-256 hex digest a token (invitation, session) is stored by."""
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    """The Argon2id hash of a password (refused when shorter than the minimum)."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise AccountError("password", f"at least {MIN_PASSWORD_CHARS} characters")
    return _hasher.hash(password)


def _check_role(role: str, binding: str | None) -> None:
    if role not in ROLES:
        raise AccountError("role", f"unknown role {role!r}")
    if role in BOUND_ROLES and not binding:
        raise AccountError("binding", f"a {role} account needs a binding")
    if role not in BOUND_ROLES and binding:
        raise AccountError("binding", f"a {role} account takes no binding")


def invite(
    session: Session,
    email: str,
    name: str,
    role: str,
    binding: str | None = None,
    *,
    now: dt.datetime | None = None,
) -> tuple[UserRow, str]:
    """Create an account without a password; returns it and its invitation token.

    Raises
    ------
    AccountError
        For a malformed e-mail, an unknown role, a missing or superfluous binding, or an
        e-mail that already has an account.
    """
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError("email", "not an e-mail address")
    binding = (binding or "").strip() or None
    _check_role(role, binding)
    token = secrets.token_urlsafe(32)
    moment = now or utcnow()
    row = UserRow(
        email=email,
        name=name.strip() or email,
        role=role,
        binding=binding,
        invite_hash=token_hash(token),
        invite_expires_at=moment + INVITE_LIFETIME,
        created_at=moment,
    )
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise AccountError("email", "an account with this e-mail exists") from None
    return row, token


def reset_access(session: Session, user_id: int) -> str:
    """Clear an account's password, sign it out everywhere, and return a new invitation
    token (the person sets a new password through it)."""
    row = session.get(UserRow, user_id)
    if row is None:
        raise AccountError("user", "no such account")
    token = secrets.token_urlsafe(32)
    row.password_hash = None
    row.invite_hash = token_hash(token)
    row.invite_expires_at = utcnow() + INVITE_LIFETIME
    row.disabled_at = None
    session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == user_id))
    return token


def disable(session: Session, user_id: int) -> None:
    """Refuse every further sign-in of an account and end its sessions."""
    row = session.get(UserRow, user_id)
    if row is None:
        raise AccountError("user", "no such account")
    row.disabled_at = utcnow()
    row.invite_hash = None
    session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == user_id))


def invited(session: Session, token: str) -> UserRow | None:
    """The account an unexpired invitation token opens, or ``None``."""
    row = session.scalar(select(UserRow).where(UserRow.invite_hash == token_hash(token)))
    if row is None or row.disabled_at is not None or row.invite_expires_at is None:
        return None
    if row.invite_expires_at < utcnow():
        return None
    return row


def accept_invite(session: Session, token: str, password: str) -> UserRow:
    """Set the password of the account an invitation opens; the token is used up."""
    row = invited(session, token)
    if row is None:
        raise AccountError("token", "the invitation link is unknown, used or expired")
    row.password_hash = hash_password(password)
    row.invite_hash = None
    row.invite_expires_at = None
    return row


def set_password(session: Session, user_id: int, password: str) -> None:
    """Set an account's password directly (the demo's accounts, an admin's script)."""
    row = session.get(UserRow, user_id)
    if row is None:
        raise AccountError("user", "no such account")
    row.password_hash = hash_password(password)
    row.invite_hash = None
    row.invite_expires_at = None


def authenticate(session: Session, email: str, password: str) -> UserRow | None:
    """The account these credentials open, or ``None`` (unknown, wrong, disabled or not
    yet activated: the caller cannot tell which)."""
    row = session.scalar(select(UserRow).where(UserRow.email == normalise_email(email)))
    stored = row.password_hash if row is not None and row.disabled_at is None else None
    try:
        _hasher.verify(stored or _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if row is None or stored is None:
        return None
    if _hasher.check_needs_rehash(stored):
        row.password_hash = _hasher.hash(password)
    return row


def count_users(session: Session) -> int:
    """How many accounts exist."""
    return int(session.scalar(select(func.count()).select_from(UserRow)) or 0)


@dataclass(frozen=True)
class Account:
    """An account as the admin's users page lists it (no secret of it)."""

    id: int
    email: str
    name: str
    role: str
    binding: str | None
    status: str
    created_at: dt.datetime
    invite_expires_at: dt.datetime | None


def status_of(row: UserRow) -> str:
    """``disabled``, ``active`` (has a password) or ``invited`` (waits for one)."""
    if row.disabled_at is not None:
        return "disabled"
    return "active" if row.password_hash is not None else "invited"


def list_users(session: Session) -> list[Account]:
    """Every account, by e-mail."""
    rows = session.scalars(select(UserRow).order_by(UserRow.email)).all()
    return [
        Account(
            row.id,
            row.email,
            row.name,
            row.role,
            row.binding,
            status_of(row),
            row.created_at,
            row.invite_expires_at,
        )
        for row in rows
    ]


def check_binding(session: Session, role: str, binding: str | None) -> None:
    """Refuse a binding that names no stored record: a researcher's must be a profile,
    an office staff member's an office (as for an API key).

    Raises
    ------
    AccountError
        On the ``binding`` field, for a record the store does not hold.
    """
    from api.http.store.records import get_row

    binding = (binding or "").strip()
    if role not in BOUND_ROLES or not binding:
        return
    collection, kind = ("offices", "office") if role == "office_staff" else ("profiles", "profile")
    if get_row(session, collection, binding) is None:
        raise AccountError("binding", f"no {kind} with id {binding!r}")
