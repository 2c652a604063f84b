"""API keys, introductions, the audit trail and jobs; the countries a call names.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("binding", sa.Text(), nullable=True),
        sa.Column("label", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "introductions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("requester_id", sa.Text(), nullable=False, index=True),
        sa.Column("partner_id", sa.Text(), nullable=False, index=True),
        sa.Column("office_id", sa.Text(), nullable=False, index=True),
        sa.Column("call_id", sa.Text(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False, server_default=""),
        sa.Column("route", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.String(64), nullable=False, index=True),
        sa.Column("target", sa.Text(), nullable=False, server_default=""),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("stage", sa.Text(), nullable=False, server_default=""),
        sa.Column("progress", sa.Float(), nullable=False, server_default="0"),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("data_version", sa.Integer(), nullable=False, server_default="0"),
    )
    # Calls gain a column of the countries their rules name (for the country filter);
    # it is filled from the stored data so that calls imported before this revision are
    # found by the filter too.
    with op.batch_alter_table("calls") as batch:
        batch.add_column(sa.Column("countries", sa.Text(), nullable=False, server_default=""))
    calls = sa.table(
        "calls", sa.column("id", sa.Text), sa.column("data", sa.JSON), sa.column("countries")
    )
    connection = op.get_bind()
    for call_id, data in connection.execute(sa.select(calls.c.id, calls.c.data)).all():
        record = json.loads(data) if isinstance(data, str) else data
        connection.execute(
            calls.update()
            .where(calls.c.id == call_id)
            .values(countries=call_countries(record.get("rules") or {}))
        )


def call_countries(rules: dict[str, object]) -> str:
    """``|RU|CN|`` from the countries a call's rules name (kept in step with the store)."""
    named: set[str] = set()
    for key in ("required_countries", "eligible_countries", "lead_countries"):
        value = rules.get(key)
        if isinstance(value, dict | list):
            named.update(str(country) for country in value)
    return "|" + "|".join(sorted(named)) + "|" if named else ""


def downgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.drop_column("countries")
    for table in ("jobs", "audit", "introductions", "api_keys"):
        op.drop_table(table)
