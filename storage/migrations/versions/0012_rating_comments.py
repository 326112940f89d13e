"""rating comments: a comment the reporter adds after their rating is already stored

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 19:10:00.000000

A star is stored when it is pressed (with the acknowledgement, or after it); a comment, if the reporter
writes one, comes later and is added to the complaint beside its rating. The events stay as they were
written: the acknowledging event is not rewritten when the comment arrives.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# A plain ALTER, no batch mode: on SQLite a batch would copy the complaints table (see 0008).
def upgrade() -> None:
    op.add_column("complaints", sa.Column("rating_comment", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("complaints", "rating_comment")
