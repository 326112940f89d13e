"""reporters' NIK, phone and contact encrypted at rest: their columns hold the longer ciphertext

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 19:40:00.000000

The values are encrypted by the application (storage/personal_data.py, PERSONAL_DATA_KEYS); existing plain
values stay readable and `laporgub keys rotate` encrypts them. PostgreSQL's columns become text. SQLite
does not enforce a VARCHAR's length, and changing a column's type there would copy the reporters table,
which other tables' foreign keys refuse (see 0008): its columns are left as they are.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {"nik": sa.String(length=16), "phone": sa.String(length=20), "contact": sa.String(length=200)}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for column, old in COLUMNS.items():
        op.alter_column("reporters", column, type_=sa.Text(), existing_type=old)


def downgrade() -> None:
    # The columns stay text: encrypted values do not fit the old lengths, and text holds whatever older code
    # writes. Older code cannot read encrypted values, and this version has no command that writes them
    # plainly back: a downgrade is for a database that never had PERSONAL_DATA_KEYS set.
    pass
