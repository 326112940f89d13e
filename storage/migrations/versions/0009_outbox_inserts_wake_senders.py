"""outbox inserts wake every sender: on PostgreSQL a statement adding outbox rows NOTIFYs `laporgub_outbox`

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 17:00:00.000000

A sender in another process (`python -m bot sender`, another webhook worker) learned of new rows only at
its next idle poll. The notification is sent when the inserting transaction commits, whoever inserted
(a transition, the scheduler, an import), and PostgreSQL folds repeats within one transaction into one.
SQLite has no LISTEN: one process owns a SQLite database, and it wakes its own sender.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = "laporgub_outbox"  # storage.outbox_wakeup.CHANNEL; a migration keeps its own copy


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"""
        CREATE FUNCTION outbox_wake_senders() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}', '');
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER outbox_wake_senders AFTER INSERT ON outbox"
        " FOR EACH STATEMENT EXECUTE FUNCTION outbox_wake_senders()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER outbox_wake_senders ON outbox")
    op.execute("DROP FUNCTION outbox_wake_senders()")
