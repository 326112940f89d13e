"""submission keys: one complaint per filing conversation, however often its confirmation is replayed

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 14:55:00.000000

A bot killed after a complaint's commit and before its update was marked done handles that update again;
the key the conversation carries makes the second submission find the first complaint instead of filing
another. Existing complaints have none (NULLs never collide).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTERs, no batch mode: on SQLite a batch would copy the complaints table, and dropping the old copy
# is refused while other tables' foreign keys point at it.
def upgrade() -> None:
    op.add_column("complaints", sa.Column("submission_key", sa.String(length=64), nullable=True))
    op.create_index("ix_complaints_submission_key", "complaints", ["submission_key"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_complaints_submission_key", table_name="complaints")
    op.drop_column("complaints", "submission_key")
