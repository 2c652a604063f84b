"""Records carry a version (their entity tag); one pending introduction per requester and
partner.

Revision ID: 0003
Revises: 0002
Create Date: 2025-01-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

RECORD_TABLES = ("profiles", "institutions", "offices", "calls")
PENDING = "status = 'pending'"


def upgrade() -> None:
    connection = op.get_bind()
    version = connection.scalar(sa.text("SELECT value FROM meta WHERE key = 'data_version'"))
    for table in RECORD_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="0"))
        # Records stored before this revision share the current data version as their tag.
        connection.execute(sa.text(f"UPDATE {table} SET version = :v"), {"v": int(version or 0)})
    _close_duplicate_pending(connection)
    op.create_index(
        "uq_introductions_pending",
        "introductions",
        ["requester_id", "partner_id"],
        unique=True,
        sqlite_where=sa.text(PENDING),
        postgresql_where=sa.text(PENDING),
    )


def _close_duplicate_pending(connection: sa.Connection) -> None:
    """Decline all but the oldest of each requester's pending requests to one partner
    (concurrent requests could store several before this revision)."""
    rows = connection.execute(
        sa.text(
            f"SELECT id, requester_id, partner_id FROM introductions WHERE {PENDING} ORDER BY id"
        )
    ).all()
    seen: set[tuple[str, str]] = set()
    for row_id, requester, partner in rows:
        if (requester, partner) in seen:
            connection.execute(
                sa.text(
                    "UPDATE introductions SET status = 'declined', decided_by = 'migration 0003', "
                    "note = 'duplicate of an earlier pending request' WHERE id = :id"
                ),
                {"id": row_id},
            )
        seen.add((requester, partner))


def downgrade() -> None:
    op.drop_index("uq_introductions_pending", table_name="introductions")
    for table in reversed(RECORD_TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
