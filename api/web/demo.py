"""The demo's store and accounts: the bundled dataset and one account per role.

``grantmatch serve --demo`` calls :func:`seed_demo`: an empty store gets the bundled demo
data, and the demo accounts get a fresh random password at every start (printed by the
command; nothing about them is hidden in the code). The accounts:

- ``admin@demo.grantmatch.org``: administrator (users, everything);
- ``coordinator@demo.grantmatch.org``: a programme coordinator (calls, teams, uploads,
  rounds, what-if; also the grant office's view of rounds);
- ``researcher@demo.grantmatch.org``: Alexandra Gerasimova (``r-0033``), a methane
  researcher at KuzSTU looking for partners abroad;
- ``office@demo.grantmatch.org``: staff of the office in China (``off-kuzbass-cn``), which
  brokers the introductions to Chinese partners.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select

from api.http.store import competitions
from api.http.store import records as store
from api.http.store.db import Database
from api.http.store.tables import UserRow
from api.web import accounts
from matcher.datasets import demo_paths, load_demo
from matcher.io import read_applications

DEMO_ACCOUNTS: tuple[tuple[str, str, str, str | None], ...] = (
    ("admin@demo.grantmatch.org", "Demo administrator", "admin", None),
    ("coordinator@demo.grantmatch.org", "Demo coordinator", "coordinator", None),
    ("researcher@demo.grantmatch.org", "Alexandra Gerasimova", "researcher", "r-0033"),
    ("office@demo.grantmatch.org", "Office in China (demo)", "office_staff", "off-kuzbass-cn"),
)
"""(e-mail, name, role, binding) of each demo account."""


@dataclass(frozen=True)
class DemoAccount:
    """A demo account and its password for this start."""

    email: str
    role: str
    binding: str | None
    password: str


def load_demo_records(database: Database) -> bool:
    """Store the bundled demo dataset, and its grant competition's applications, when the
    store holds no profile; returns whether it did (an existing store is never touched)."""
    dataset = load_demo()
    applications = read_applications(demo_paths()["applications"])
    with database.session() as session:
        if store.count(session, "profiles") > 0:
            return False
        version = store.bump_version(session)
        for collection, items in (
            ("institutions", dataset.institutions),
            ("offices", dataset.offices),
            ("profiles", dataset.profiles),
            ("calls", dataset.calls),
        ):
            store.save_many(session, collection, list(items), version)
        competitions.bump_competition_version(session)
        competitions.save_applications(session, applications, "demo")
    return True


def seed_demo(database: Database) -> list[DemoAccount]:
    """The demo data (when the store is empty) and the demo accounts, each with a new
    random password.

    Parameters
    ----------
    database : Database
        The service's store.

    Returns
    -------
    list of DemoAccount
        Each account and its password (valid until the next ``seed_demo``).
    """
    load_demo_records(database)
    seeded: list[DemoAccount] = []
    with database.session() as session:
        for email, name, role, binding in DEMO_ACCOUNTS:
            row = session.scalar(select(UserRow).where(UserRow.email == email))
            if row is None:
                row, _token = accounts.invite(session, email, name, role, binding)
            password = secrets.token_urlsafe(9)
            session.flush()
            accounts.set_password(session, row.id, password)
            row.disabled_at = None
            seeded.append(DemoAccount(email, role, binding, password))
    return seeded
