"""requests to the association: association_request

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 04:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "association_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _STR(length=12), nullable=False),
        sa.Column("status", _STR(length=12), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=True),
        sa.Column("company_name", _STR(length=120), nullable=False),
        sa.Column("biz_no", _STR(length=10), nullable=True),
        sa.Column("partner_type", _STR(length=40), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("message", _STR(length=1000), nullable=False),
        sa.Column("contact_name", _STR(length=80), nullable=False),
        sa.Column("phone", _STR(length=20), nullable=True),
        sa.Column("email", _STR(length=254), nullable=True),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("assignee", _STR(length=254), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.CheckConstraint("kind in ('link', 'introduction')", name="ck_request_kind"),
        sa.CheckConstraint("status in ('new', 'in_progress', 'done')", name="ck_request_status"),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["member_id"], ["company.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("association_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_association_request_company_id"), ["company_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_association_request_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("association_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_association_request_status"))
        batch_op.drop_index(batch_op.f("ix_association_request_company_id"))
    op.drop_table("association_request")
