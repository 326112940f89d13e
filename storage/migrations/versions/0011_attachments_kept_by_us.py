"""attachments: our own copy of each file's bytes, with its checksum and the bot its file id belongs to

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 19:30:00.000000

A Telegram file id belongs to one bot: when the bot or its token is replaced, every photo and document of
every complaint would become unreadable. The bot now stores each file's bytes when it arrives
(ATTACHMENTS_DIR), recording its SHA-256 and size, and sends from there when the file id is another bot's.
Existing rows get their copy from the running bot (while it still holds their file ids).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("bot_id", "sha256", "stored_size", "stored_at", "store_attempts", "store_error")


# Plain ALTERs, no batch mode (see 0008): SQLite adds nullable columns (or one with a default) in place.
def upgrade() -> None:
    op.add_column("attachments", sa.Column("bot_id", sa.BigInteger(), nullable=True))
    op.add_column("attachments", sa.Column("sha256", sa.String(length=64), nullable=True))
    op.add_column("attachments", sa.Column("stored_size", sa.Integer(), nullable=True))
    op.add_column(
        "attachments", sa.Column("stored_at", storage.models.UTCDateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "attachments", sa.Column("store_attempts", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("attachments", sa.Column("store_error", sa.Text(), nullable=True))
    # The keeper looks for rows without a copy.
    op.create_index(
        "ix_attachments_unstored",
        "attachments",
        ["id"],
        postgresql_where=sa.text("stored_at IS NULL"),
        sqlite_where=sa.text("stored_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_attachments_unstored", table_name="attachments")
    for column in reversed(COLUMNS):
        op.drop_column("attachments", column)
