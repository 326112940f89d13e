"""complainant in bot: whether an officer may answer for a complaint's complainant

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 19:20:00.000000

An officer answers "solved / not solved", acknowledges or rates only for a complainant the bot cannot reach
(workflow.engine). Each complaint says whether its complainant answers in the bot themselves: existing ones
whose reporter has no Telegram account (recorded by an officer) do not; every other does.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# A plain ALTER, no batch mode (see 0008): the server default fills the existing rows, and stays.
def upgrade() -> None:
    op.add_column(
        "complaints",
        sa.Column("complainant_in_bot", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    complaints = sa.table(
        "complaints", sa.column("reporter_id", sa.Integer), sa.column("complainant_in_bot", sa.Boolean)
    )
    reporters = sa.table("reporters", sa.column("id", sa.Integer), sa.column("telegram_id", sa.BigInteger))
    off_telegram = sa.select(reporters.c.id).where(reporters.c.telegram_id.is_(None))
    op.execute(
        complaints.update()
        .where(complaints.c.reporter_id.in_(off_telegram))
        .values(complainant_in_bot=sa.false())
    )


def downgrade() -> None:
    op.drop_column("complaints", "complainant_in_bot")
