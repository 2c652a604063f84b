"""The small hand-written test fixture (``tests/fixtures/small``, documented in its README)."""

from __future__ import annotations

from typing import Any

from matcher.model import Call, Institution, Office, Profile

from .checks import check_calls
from .dataset import World
from .tables import read_table

FIXTURE_WHAT_IF = {"c-by-materials": "off-kuzbass-by"}


def fixture_profile(record: dict[str, Any]) -> Profile:
    """A profile of ``small_fixture.json``; researchers there leave out what all of them share.

    Left out: ``kind`` (researcher), ``country`` (the institution id's prefix), ``languages``
    (Russian and English) and ``contact`` (a placeholder address).
    """
    if record.get("kind", "researcher") != "researcher":
        return Profile(**record)
    defaults = {
        "kind": "researcher",
        "country": record["institution"][:2].upper(),
        "languages": ["ru", "en"],
        "contact": {"email": f"{record['id']}@example.org", "phone": "+7 3842 555-0100"},
    }
    return Profile(**{**defaults, **record})


def small_fixture() -> World:
    """About thirty hand-written profiles, three calls, three offices (one negotiating)."""
    table = read_table("small_fixture")
    world = World(
        institutions=[Institution(**record) for record in table["institutions"]],
        offices=[Office(**record) for record in table["offices"]],
        profiles=[fixture_profile(record) for record in table["profiles"]],
        calls=[Call(**record) for record in table["calls"]],
    )
    check_calls(world, FIXTURE_WHAT_IF)
    return world
