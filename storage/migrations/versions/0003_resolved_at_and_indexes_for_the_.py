"""resolved_at and indexes for the scheduler and reports

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 11:01:49.994030
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported from the models: a migration must not change when the models do.
RETURNS = "trigger IN ('return_to_province', 'return_to_city', 'request_revision', 'return_result')"
REPORT_COLUMNS = [
    "id",
    "kind",
    "state",
    "channel",
    "rating",
    "deadline",
    "current_org_id",
    "city_org_id",
    "opd_org_id",
    "resolved_at",
]


def upgrade() -> None:
    with op.batch_alter_table("complaint_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_complaint_events_returns",
            ["at"],
            unique=False,
            postgresql_include=["trigger", "complaint_id", "org_id", "to_org_id", "reason"],
            postgresql_where=sa.text(RETURNS),
            sqlite_where=sa.text(RETURNS),
        )
        batch_op.create_index(
            "ix_complaint_events_to_org",
            ["to_org_id", "at"],
            unique=False,
            postgresql_include=["complaint_id"],
        )

    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("resolved_at", storage.models.UTCDateTime(timezone=True), nullable=True)
        )
    _backfill_resolved_at()
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index("ix_complaints_kind_state", ["kind", "state"], unique=False)
        batch_op.create_index(
            "ix_complaints_received", ["received_at"], unique=False, postgresql_include=REPORT_COLUMNS
        )


def _backfill_resolved_at() -> None:
    """Complaints approved before this revision get the time of their approval."""
    complaints = sa.table("complaints", sa.column("id"), sa.column("state"), sa.column("resolved_at"))
    events = sa.table("complaint_events", sa.column("complaint_id"), sa.column("trigger"), sa.column("at"))
    approved_at = (
        sa.select(events.c.at)
        .where(events.c.complaint_id == complaints.c.id, events.c.trigger == "approve")
        .scalar_subquery()
    )
    op.execute(
        complaints.update()
        .where(complaints.c.state.in_(["resolved", "closed"]))
        .values(resolved_at=approved_at)
    )


def downgrade() -> None:
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index("ix_complaints_received")
        batch_op.drop_index("ix_complaints_kind_state")
    if op.get_bind().dialect.name == "sqlite":
        # A batch rebuild would drop the table, which the foreign keys pointing at complaints forbid;
        # SQLite >= 3.35 drops an unindexed column in place.
        op.execute("ALTER TABLE complaints DROP COLUMN resolved_at")
    else:
        op.drop_column("complaints", "resolved_at")

    with op.batch_alter_table("complaint_events", schema=None) as batch_op:
        batch_op.drop_index("ix_complaint_events_to_org")
        batch_op.drop_index("ix_complaint_events_returns")
