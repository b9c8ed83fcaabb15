"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-29 06:33:27.009282
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("entity", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("entity_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hash"),
    )
    op.create_table(
        "company",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("biz_no", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("ksic", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("employees", sa.Integer(), nullable=False),
        sa.Column("size_band", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("revenue_band", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("region", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
        sa.Column("export_share", sa.Float(), nullable=True),
        sa.Column("markets", sa.JSON(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("products", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("consent_suggest", sa.Boolean(), nullable=False),
        sa.Column("consent_named", sa.Boolean(), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("biz_no"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_company_ksic"), ["ksic"], unique=False)
        batch_op.create_index(batch_op.f("ix_company_region"), ["region"], unique=False)
        batch_op.create_index(batch_op.f("ix_company_size_band"), ["size_band"], unique=False)
        batch_op.create_index(batch_op.f("ix_company_synthetic"), ["synthetic"], unique=False)

    op.create_table(
        "staff_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("last_login_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_table(
        "workshop",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("lang", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("wave", sa.Integer(), nullable=False),
        sa.Column("mode", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=9), nullable=False),
        sa.Column("bank_version", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=True),
        sa.Column("goal", sa.Float(), nullable=True),
        sa.Column("overall", sa.Float(), nullable=True),
        sa.Column("stage", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("completeness", sa.Float(), nullable=True),
        sa.Column("norm_eligible", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("submitted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.CheckConstraint("mode in ('full', 'quick')", name="ck_assessment_mode"),
        sa.CheckConstraint("status in ('draft', 'submitted')", name="ck_assessment_status"),
        sa.ForeignKeyConstraint(["company_id"], ["company.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshop.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_company_id"), ["company_id"], unique=False)
        batch_op.create_index("ix_assessment_wave_status", ["wave", "status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_assessment_workshop_id"), ["workshop_id"], unique=False
        )

    op.create_table(
        "answer",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.CheckConstraint("level between 0 and 5", name="ck_answer_level"),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessment.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("assessment_id", "item_id"),
    )
    op.create_table(
        "pillar_score",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("pillar", sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("completeness", sa.Float(), nullable=False),
        sa.Column("weakest_level", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessment.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("assessment_id", "pillar"),
    )


def downgrade() -> None:
    op.drop_table("pillar_score")
    op.drop_table("answer")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_workshop_id"))
        batch_op.drop_index("ix_assessment_wave_status")
        batch_op.drop_index(batch_op.f("ix_assessment_company_id"))

    op.drop_table("assessment")
    op.drop_table("workshop")
    op.drop_table("staff_user")
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_company_synthetic"))
        batch_op.drop_index(batch_op.f("ix_company_size_band"))
        batch_op.drop_index(batch_op.f("ix_company_region"))
        batch_op.drop_index(batch_op.f("ix_company_ksic"))

    op.drop_table("company")
    op.drop_table("audit_event")
