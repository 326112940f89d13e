"""organisations: duty keywords; complaint_events: an office's latest moves by trigger

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 22:30:00.000000

`keywords` (registry, storage/registry.py) are the pickers' suggested targets before an office has decided
anything. The index lets the pickers read an office's most recent dispositions or forwards (the history its
suggestions learn from, storage/routing_history.py) newest first without scanning all of them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# A plain ALTER, no batch mode (see 0008): SQLite adds a nullable column in place.
def upgrade() -> None:
    op.add_column("organisations", sa.Column("keywords", sa.JSON(), nullable=True))
    op.create_index("ix_complaint_events_org_recent", "complaint_events", ["org_id", "trigger", "id"])


def downgrade() -> None:
    op.drop_index("ix_complaint_events_org_recent", table_name="complaint_events")
    op.drop_column("organisations", "keywords")
