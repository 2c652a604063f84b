"""Outcomes: accepted or declined introductions, applications and funded grants, fed back to
the engine as routes and past teams.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "outcomes",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("call_id", sa.Text(), nullable=True),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("introduction_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("introduction_id", name="uq_outcomes_introduction_id"),
    )
    op.create_index("ix_outcomes_kind", "outcomes", ["kind"])
    op.create_index("ix_outcomes_call_id", "outcomes", ["call_id"])


def downgrade() -> None:
    op.drop_table("outcomes")
