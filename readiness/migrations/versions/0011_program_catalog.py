"""support programmes: program_catalog (uploaded catalogs) and requests of kind "programme"

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 17:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STR = sqlmodel.sql.sqltypes.AutoString
_KINDS_BEFORE = "kind in ('link', 'introduction')"
_KINDS_AFTER = "kind in ('link', 'introduction', 'programme')"


def _request_kinds(check: str) -> None:
    # A CHECK constraint cannot be altered in place on SQLite: batch mode rebuilds the table,
    # keeping its AUTOINCREMENT (ids are never reused).
    with op.batch_alter_table(
        "association_request", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_constraint("ck_request_kind", type_="check")
        batch_op.create_check_constraint("ck_request_kind", check)


def upgrade() -> None:
    op.create_table(
        "program_catalog",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", _STR(length=40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("digest", _STR(length=64), nullable=False),
        sa.Column("programs", sa.Integer(), nullable=False),
        sa.Column("created_by", _STR(length=254), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.add_column("association_request", sa.Column("program_id", _STR(length=40), nullable=True))
    _request_kinds(_KINDS_AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM association_request WHERE kind = 'programme'")
    _request_kinds(_KINDS_BEFORE)
    with op.batch_alter_table(
        "association_request", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_column("program_id")
    op.drop_table("program_catalog")
