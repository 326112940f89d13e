"""complaint terms and duplicates: the similar list's words, and a complaint joined to an earlier one

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 22:40:00.000000

`complaint_terms` holds each complaint's stemmed content words (workflow.text_match.terms of its subject,
chronology and place), indexed by term: the similar list selects its candidates by shared rare words there
(storage/duplicates.py). Existing LaporGub complaints get their words here, in batches.
`complaints.duplicate_of_id`: the earlier complaint this one was joined to as a duplicate.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000


# A plain ALTER, no batch mode (see 0008): SQLite adds a nullable column in place, but no foreign key.
def upgrade() -> None:
    op.add_column("complaints", sa.Column("duplicate_of_id", sa.Integer(), nullable=True))
    op.create_index("ix_complaints_duplicate_of_id", "complaints", ["duplicate_of_id"])
    op.create_table(
        "complaint_terms",
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaints.id"], name="fk_complaint_terms_complaint_id_complaints"
        ),
        sa.PrimaryKeyConstraint("complaint_id", "term", name="pk_complaint_terms"),
    )
    op.create_index("ix_complaint_terms_term", "complaint_terms", ["term", "complaint_id"])
    _fill_terms()


def _fill_terms() -> None:
    # Imported here: the words are the same function the bot uses at filing, so old and new rows agree.
    from storage.duplicates import terms_of

    complaints = sa.table(
        "complaints",
        sa.column("id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("subject", sa.String),
        sa.column("chronology", sa.Text),
        sa.column("event_place", sa.Text),
    )
    terms = sa.table("complaint_terms", sa.column("complaint_id", sa.Integer), sa.column("term", sa.String))
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(
                complaints.c.id, complaints.c.subject, complaints.c.chronology, complaints.c.event_place
            )
            .where(complaints.c.id > last, complaints.c.kind == "laporgub")
            .order_by(complaints.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        values = [
            {"complaint_id": row.id, "term": term}
            for row in rows
            for term in terms_of(row.subject, row.chronology, row.event_place)
        ]
        if values:
            connection.execute(terms.insert(), values)
        last = rows[-1].id


def downgrade() -> None:
    op.drop_index("ix_complaint_terms_term", table_name="complaint_terms")
    op.drop_table("complaint_terms")
    op.drop_index("ix_complaints_duplicate_of_id", table_name="complaints")
    op.drop_column("complaints", "duplicate_of_id")
