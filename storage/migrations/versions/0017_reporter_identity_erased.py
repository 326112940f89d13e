"""reporters: when their identity was erased after the retention period

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 20:05:00.000000

Closed complaints keep their reporter row (reports, history and /my go on working), but after
IDENTITY_RETENTION_DAYS its name, NIK, phone, address and contact are erased (storage/retention.py) and the
time is recorded here.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# A plain ALTER, no batch mode (see 0008): SQLite adds a nullable column in place.
def upgrade() -> None:
    op.add_column(
        "reporters", sa.Column("erased_at", storage.models.UTCDateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("reporters", "erased_at")
