"""The four kinds of records and the data version counter.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def _record_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("country", sa.String(8), nullable=True),
        sa.Column("kind", sa.String(32), nullable=True),
        sa.Column("search", sa.Text(), nullable=False, server_default=""),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    for table in ("profiles", "institutions", "offices", "calls"):
        op.create_table(table, *_record_columns())
        op.create_index(f"ix_{table}_country", table, ["country"])
        op.create_index(f"ix_{table}_kind", table, ["kind"])
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Integer(), nullable=False),
    )
    op.bulk_insert(
        sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Integer)),
        [{"key": "data_version", "value": 0}],
    )


def downgrade() -> None:
    op.drop_table("meta")
    for table in ("calls", "offices", "institutions", "profiles"):
        op.drop_table(table)
