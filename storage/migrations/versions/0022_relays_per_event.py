"""relays: one per step that caused it, so a duplicate's complainant is relayed the earlier complaint's steps

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05 02:20:00.000000

A relay was unique per complaint version. A duplicate follows the earlier complaint's steps without a
version of its own for each (storage/duplicates.py), so its complainant off Telegram could be relayed none
of them. A relay now names the event that caused it (`event_id`) and is unique per complaint and event:
its own step, or one of the earlier complaint's. Existing relays get their complaint's event at their version.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("relays", schema=None) as batch_op:
        batch_op.add_column(sa.Column("event_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE relays SET event_id = (SELECT min(complaint_events.id) FROM complaint_events"
        " WHERE complaint_events.complaint_id = relays.complaint_id"
        " AND complaint_events.version = relays.complaint_version)"
    )
    with op.batch_alter_table("relays", schema=None) as batch_op:
        batch_op.alter_column("event_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint("uq_relays_complaint_id", type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_relays_event_id"), ["event_id", "complaint_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_relays_event_id_complaint_events"), "complaint_events", ["event_id"], ["id"]
        )


def downgrade() -> None:
    # The relays of an earlier complaint's steps have no place under one relay per version.
    op.execute(
        "DELETE FROM relays WHERE NOT EXISTS (SELECT 1 FROM complaint_events"
        " WHERE complaint_events.id = relays.event_id"
        " AND complaint_events.complaint_id = relays.complaint_id)"
    )
    with op.batch_alter_table("relays", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_relays_event_id_complaint_events"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_relays_event_id"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_relays_complaint_id"), ["complaint_id", "complaint_version"]
        )
        batch_op.drop_column("event_id")
