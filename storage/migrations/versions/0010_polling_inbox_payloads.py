"""polling's inbox: an update stored with its JSON when polled, so Telegram can be told at once

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 17:30:00.000000

The poller stores each new update of a getUpdates answer, taken and with its JSON, before it confirms the
batch to Telegram; a process killed mid-update leaves it here and the next one replays it (bot/polling.py).
The JSON is cleared when the update is done. Existing marks have none: a webhook delivery, or an update
polled before this revision (a polling process still releases those at its start).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# A plain ALTER, no batch mode (see 0008): SQLite adds a nullable column in place.
def upgrade() -> None:
    op.add_column("processed_updates", sa.Column("payload", sa.JSON(), nullable=True))


def downgrade() -> None:
    # Stored updates not yet handled are lost with the column: a downgrade is for a stopped bot.
    op.drop_column("processed_updates", "payload")
