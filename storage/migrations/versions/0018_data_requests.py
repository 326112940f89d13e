"""data requests: a reporter's request to erase their identity, and its events

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 22:30:00.000000

A reporter asks with /datasaya; an admin of the handling office (SERVICE_OFFICE_CODE) erases or refuses
(storage/data_requests.py). One pending request per reporter at a time (a partial unique index).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    op.create_table(
        "data_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("office_org_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("requested_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by_admin_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["reporters.id"], name=op.f("fk_data_requests_reporter_id_reporters")
        ),
        sa.ForeignKeyConstraint(
            ["office_org_id"], ["organisations.id"], name=op.f("fk_data_requests_office_org_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_admin_id"], ["admins.id"], name=op.f("fk_data_requests_decided_by_admin_id_admins")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_requests")),
    )
    op.create_index(op.f("ix_data_requests_reporter_id"), "data_requests", ["reporter_id"], unique=False)
    op.create_index(
        "ix_data_requests_one_pending",
        "data_requests",
        ["reporter_id"],
        unique=True,
        postgresql_where=PENDING,
        sqlite_where=PENDING,
    )
    op.create_table(
        "data_request_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("actor_role", sa.String(length=16), nullable=False),
        sa.Column("actor_admin_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"], ["data_requests.id"], name=op.f("fk_data_request_events_request_id_data_requests")
        ),
        sa.ForeignKeyConstraint(
            ["actor_admin_id"], ["admins.id"], name=op.f("fk_data_request_events_actor_admin_id_admins")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_request_events")),
    )
    op.create_index(
        op.f("ix_data_request_events_request_id"), "data_request_events", ["request_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_data_request_events_request_id"), table_name="data_request_events")
    op.drop_table("data_request_events")
    op.drop_index("ix_data_requests_one_pending", table_name="data_requests")
    op.drop_index(op.f("ix_data_requests_reporter_id"), table_name="data_requests")
    op.drop_table("data_requests")
