"""complaint_events: the moves that reached an office, by id

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 01:35:00.000000

The pickers' kept history of an office (storage/routing_history.py) catches up with the event log by reading
only what is newer than its last read: the office's own choices (`ix_complaint_events_org_recent`) and the
moves that came back to it, a return among them, which this index finds by id without visiting every event
that ever reached the office.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_complaint_events_to_org_recent", "complaint_events", ["to_org_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_complaint_events_to_org_recent", table_name="complaint_events")
