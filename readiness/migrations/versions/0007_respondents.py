"""workshop respondents are not members (company.respondent, member_id, member_via)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 11:30:00.000000

Until now a workshop join created a member company. Those rows become respondents: every company
the audit log records as created by a workshop's join page ("company.create" by "workshop:N") and
that no import or staff action has since made a member (no business number, not verified). They
keep their quick scans, which still count in their workshop's room, and leave the member
directory, norms, heatmaps, exports and counts. No row is deleted, so the audit chain is untouched.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN on both databases: a batch rebuild of the table on SQLite would
    # drop its AUTOINCREMENT (ids must never be reused, migration 0006).
    op.add_column(
        "company",
        sa.Column("respondent", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("company", sa.Column("member_id", sa.Integer(), nullable=True))
    op.add_column(
        "company",
        sa.Column("member_via", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
    )
    op.create_index(op.f("ix_company_respondent"), "company", ["respondent"], unique=False)
    op.create_index(op.f("ix_company_member_id"), "company", ["member_id"], unique=False)
    company = sa.table(
        "company",
        sa.column("id", sa.Integer),
        sa.column("biz_no", sa.String),
        sa.column("verified", sa.Boolean),
        sa.column("respondent", sa.Boolean),
    )
    audit = sa.table(
        "audit_event",
        sa.column("action", sa.String),
        sa.column("actor", sa.String),
        sa.column("entity_id", sa.String),
    )
    joined = sa.select(audit.c.entity_id).where(
        audit.c.action == "company.create", audit.c.actor.like("workshop:%")
    )
    op.execute(
        company.update()
        .where(
            sa.cast(company.c.id, sa.String).in_(joined),
            company.c.biz_no.is_(None),
            company.c.verified.is_(sa.false()),
        )
        .values(respondent=True)
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_company_member_id"), table_name="company")
    op.drop_index(op.f("ix_company_respondent"), table_name="company")
    with op.batch_alter_table(
        "company", schema=None, table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_column("member_via")
        batch_op.drop_column("member_id")
        batch_op.drop_column("respondent")
