"""Grant competitions: applications, a call's reviewer assignment and its pairs, reviews;
and the ``competition_version`` counter their writers take turns on.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None

COUNTER = "competition_version"


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("id", sa.Text(), primary_key=True),
        sa.Column("call_id", sa.Text(), nullable=False),
        sa.Column("lead", sa.Text(), nullable=False),
        sa.Column("team", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("submitted_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_applications_call_id", "applications", ["call_id"])
    op.create_index("ix_applications_lead", "applications", ["lead"])
    op.create_table(
        "assignments",
        sa.Column("call_id", sa.Text(), primary_key=True),
        sa.Column("solver", sa.String(32), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "reviewer_pairs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("call_id", sa.Text(), nullable=False),
        sa.Column("application_id", sa.Text(), nullable=False),
        sa.Column("reviewer_id", sa.Text(), nullable=False),
        sa.Column("expertise", sa.Float(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
    )
    op.create_index("ix_reviewer_pairs_call_id", "reviewer_pairs", ["call_id"])
    op.create_index("ix_reviewer_pairs_reviewer_id", "reviewer_pairs", ["reviewer_id"])
    op.create_index(
        "uq_reviewer_pairs", "reviewer_pairs", ["application_id", "reviewer_id"], unique=True
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("call_id", sa.Text(), nullable=False),
        sa.Column("application_id", sa.Text(), nullable=False),
        sa.Column("reviewer_id", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("submitted_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_reviews_call_id", "reviews", ["call_id"])
    op.create_index("ix_reviews_reviewer_id", "reviews", ["reviewer_id"])
    op.create_index("uq_reviews", "reviews", ["application_id", "reviewer_id"], unique=True)
    op.bulk_insert(
        sa.table("meta", sa.column("key", sa.String), sa.column("value", sa.Integer)),
        [{"key": COUNTER, "value": 0}],
    )


def downgrade() -> None:
    op.execute(sa.text(f"DELETE FROM meta WHERE key = '{COUNTER}'"))
    for table in ("reviews", "reviewer_pairs", "assignments", "applications"):
        op.drop_table(table)
