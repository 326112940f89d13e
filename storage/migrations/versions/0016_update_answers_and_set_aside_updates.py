"""update marks: whether the update's button press was answered, and updates set aside unreadable

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 19:50:00.000000

`answered`: an update whose handler answered its callback query and then failed is replayed; the replay must
not answer the query again (Telegram refuses a second answer). `error`: an update polling cannot parse is
stored with its JSON and the parse error, done, for an operator to read, and skipped (bot/polling.py).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTERs, no batch mode (see 0008): SQLite adds a nullable column in place.
def upgrade() -> None:
    op.add_column("processed_updates", sa.Column("answered", sa.Boolean(), nullable=True))
    op.add_column("processed_updates", sa.Column("error", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("processed_updates", "error")
    op.drop_column("processed_updates", "answered")
