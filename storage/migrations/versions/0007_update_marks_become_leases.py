"""update marks become leases: an update whose handler was killed is handled again

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 14:20:00.000000

A mark written before this revision was a "taken" mark whose handler has long finished (or died): the new
column is left empty for it, which now means handled.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("processed_updates", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("taken_until", storage.models.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    # Unfinished marks would read as handled under the old meaning: drop them, their updates run again.
    op.execute("DELETE FROM processed_updates WHERE taken_until IS NOT NULL")
    with op.batch_alter_table("processed_updates", schema=None) as batch_op:
        batch_op.drop_column("taken_until")
