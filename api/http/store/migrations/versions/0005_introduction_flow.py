"""The introduction flow: the partner's consent, withdrawal, expiry, team requests, and
requests for an office's other services.

Existing rows keep their status (an ``accepted`` row stays accepted); the one-open-request
index now covers ``forwarded`` requests too.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None

_OPEN = "status IN ('pending', 'forwarded')"
_PENDING = "status = 'pending'"


def upgrade() -> None:
    # Plain ADD COLUMN (nullable or with a default) works on SQLite and PostgreSQL alike.
    for column in (
        sa.Column("requested_by", sa.Text(), nullable=False, server_default=""),
        sa.Column("team_ref", sa.String(36), nullable=True),
        sa.Column("forwarded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.Text(), nullable=True),
        sa.Column("answer_note", sa.Text(), nullable=False, server_default=""),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("consent_hash", sa.String(64), nullable=True),
    ):
        op.add_column("introductions", column)
    op.drop_index("uq_introductions_pending", table_name="introductions")
    op.create_index(
        "uq_introductions_pending",
        "introductions",
        ["requester_id", "partner_id"],
        unique=True,
        sqlite_where=sa.text(_OPEN),
        postgresql_where=sa.text(_OPEN),
    )
    op.create_index("uq_introductions_consent", "introductions", ["consent_hash"], unique=True)
    op.create_index("ix_introductions_team_ref", "introductions", ["team_ref"])
    op.create_table(
        "office_requests",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("office_id", sa.Text(), nullable=False),
        sa.Column("service", sa.String(32), nullable=False),
        sa.Column("requester_id", sa.Text(), nullable=True),
        sa.Column("requested_by", sa.Text(), nullable=False, server_default=""),
        sa.Column("message", sa.Text(), nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.Text(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=False, server_default=""),
    )
    op.create_index("ix_office_requests_office_id", "office_requests", ["office_id"])
    op.create_index("ix_office_requests_requester_id", "office_requests", ["requester_id"])


def downgrade() -> None:
    op.drop_table("office_requests")
    op.drop_index("ix_introductions_team_ref", table_name="introductions")
    op.drop_index("uq_introductions_consent", table_name="introductions")
    op.drop_index("uq_introductions_pending", table_name="introductions")
    op.create_index(
        "uq_introductions_pending",
        "introductions",
        ["requester_id", "partner_id"],
        unique=True,
        sqlite_where=sa.text(_PENDING),
        postgresql_where=sa.text(_PENDING),
    )
    for name in (
        "consent_hash",
        "closed_at",
        "answer_note",
        "answered_by",
        "answered_at",
        "forwarded_at",
        "team_ref",
        "requested_by",
    ):
        op.drop_column("introductions", name)
