"""the projector's read-only presenter link (workshop.presenter_key_hash, presenter_key_at)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ADD COLUMN, not a batch rebuild (which would drop the table's AUTOINCREMENT on SQLite); the
    # unique constraint is a unique index, which both databases add to an existing table.
    op.add_column(
        "workshop",
        sa.Column("presenter_key_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    )
    op.add_column(
        "workshop",
        sa.Column("presenter_key_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    )
    op.create_index(
        op.f("ix_workshop_presenter_key_hash"), "workshop", ["presenter_key_hash"], unique=True
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_workshop_presenter_key_hash"), table_name="workshop")
    with op.batch_alter_table(
        "workshop", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_column("presenter_key_at")
        batch_op.drop_column("presenter_key_hash")
