"""daily rollups of finished complaints for a province's report, and a partial index of unfinished ones

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 13:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out rather than imported: a migration must not change when the code does.
UNFINISHED = "state NOT IN ('closed', 'rejected')"
FINISHED = "kind = 'laporgub' AND state IN ('closed', 'rejected')"
# The working calendar's default closing time (WIB): the split is recorded with each row, and the service
# counts them again at start-up when OFFICE_CLOSE says otherwise (storage.report_rollups.recount_if_stale).
OFFICE_CLOSE = "16:00:00"
OFFICE_CLOSE_S = 16 * 3600
UNFINISHED_COLUMNS = [
    "kind",
    "state",
    "channel",
    "rating",
    "deadline",
    "current_org_id",
    "city_org_id",
    "opd_org_id",
    "resolved_at",
]


def upgrade() -> None:
    op.create_table(
        "report_day_mix",
        sa.Column("received_day", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("rating", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("complaints", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("received_day", "state", "channel", "rating", name=op.f("pk_report_day_mix")),
    )
    op.create_table(
        "report_day_slots",
        sa.Column("received_day", sa.Date(), nullable=False),
        sa.Column("city_org_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("opd_org_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("complaints", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "received_day", "city_org_id", "opd_org_id", name=op.f("pk_report_day_slots")
        ),
    )
    op.create_table(
        "report_day_completions",
        sa.Column("received_day", sa.Date(), nullable=False),
        sa.Column("office_close_s", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("after_office_close", sa.Boolean(), nullable=False),
        sa.Column("resolved_day", sa.Date(), nullable=False),
        sa.Column("complaints", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "received_day",
            "office_close_s",
            "after_office_close",
            "resolved_day",
            name=op.f("pk_report_day_completions"),
        ),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index(
            "ix_complaints_unfinished",
            ["received_at"],
            unique=False,
            postgresql_include=UNFINISHED_COLUMNS,
            postgresql_where=sa.text(UNFINISHED),
            sqlite_where=sa.text(UNFINISHED),
        )
    for statement in backfill_sql(op.get_bind().dialect.name):
        op.execute(statement)


def backfill_sql(dialect: str) -> list[str]:
    """Count the complaints finished before this revision into the rollups (see storage.report_rollups)."""

    def day(column: str) -> str:
        if dialect == "postgresql":
            return f"CAST(({column} AT TIME ZONE 'UTC') + INTERVAL '7 hours' AS DATE)"
        return f"date({column}, '+7 hours')"

    if dialect == "postgresql":
        after_close = (
            f"CAST((received_at AT TIME ZONE 'UTC') + INTERVAL '7 hours' AS TIME) >= TIME '{OFFICE_CLOSE}'"
        )
    else:
        after_close = f"time(received_at, '+7 hours') >= '{OFFICE_CLOSE}'"
    received = day("received_at")
    return [
        "INSERT INTO report_day_mix (received_day, state, channel, rating, complaints) "
        f"SELECT {received}, state, channel, coalesce(rating, 0), count(*) FROM complaints "
        f"WHERE {FINISHED} GROUP BY {received}, state, channel, coalesce(rating, 0)",
        "INSERT INTO report_day_slots (received_day, city_org_id, opd_org_id, complaints) "
        f"SELECT {received}, coalesce(city_org_id, 0), coalesce(opd_org_id, 0), count(*) FROM complaints "
        f"WHERE {FINISHED} GROUP BY {received}, coalesce(city_org_id, 0), coalesce(opd_org_id, 0)",
        "INSERT INTO report_day_completions "
        "(received_day, office_close_s, after_office_close, resolved_day, complaints) "
        f"SELECT {received}, {OFFICE_CLOSE_S}, {after_close}, {day('resolved_at')}, count(*) FROM complaints "
        f"WHERE {FINISHED} AND resolved_at IS NOT NULL "
        f"GROUP BY {received}, {after_close}, {day('resolved_at')}",
    ]


def downgrade() -> None:
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index("ix_complaints_unfinished")
    op.drop_table("report_day_completions")
    op.drop_table("report_day_slots")
    op.drop_table("report_day_mix")
