"""Schemas of recorded outcomes (``/outcomes``)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from api.http.schemas.base import NewRecord
from matcher.model import Outcome


class OutcomeCreate(Outcome, NewRecord):
    """A new outcome, in the interchange form (``outcomes.jsonl``)."""


class OutcomePublic(Outcome):
    """A recorded outcome, with who recorded it and when; ``introduction_id`` when it was
    recorded by an introduction's decision."""

    introduction_id: int | None = None
    created_by: str
    created_at: dt.datetime


class OutcomePage(BaseModel):
    """Outcomes, newest first."""

    items: list[OutcomePublic]
    offset: int
    limit: int
