"""organisations' short names, region codes and districts; an index for a picker's most used targets

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 19:10:00.000000

A button shows an organisation's short name (at most 24 characters, distinguishing word first) and the card
its full name. A city's region code (the first four digits of its residents' NIK) and its kecamatan let the
dispose picker offer the complaint's own region first. All three are filled by the next registry import;
until then the buttons show the full name and the picker falls back to the office's most used targets.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTERs, no batch mode (see 0008): SQLite adds a nullable column in place.
def upgrade() -> None:
    op.add_column("organisations", sa.Column("short_name", sa.String(length=24), nullable=True))
    op.add_column("organisations", sa.Column("region_code", sa.String(length=8), nullable=True))
    op.add_column("organisations", sa.Column("districts", sa.JSON(), nullable=True))
    op.create_index(
        "ix_complaint_events_org_trigger",
        "complaint_events",
        ["org_id", "trigger"],
        unique=False,
        postgresql_include=["to_org_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_complaint_events_org_trigger", table_name="complaint_events")
    op.drop_column("organisations", "districts")
    op.drop_column("organisations", "region_code")
    op.drop_column("organisations", "short_name")
