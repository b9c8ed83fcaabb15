"""verified members (company.verified) and the rate limiter's events (rate_event)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 06:00:00.000000

Existing companies are verified unless they registered themselves: a company the audit log records
as created one at a time ("company.create": /start or a workshop's join page) stays unverified;
imported and synthetic members (bulk loads) are verified.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("verified", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index(batch_op.f("ix_company_verified"), ["verified"], unique=False)
    company = sa.table("company", sa.column("id", sa.Integer), sa.column("verified", sa.Boolean))
    audit = sa.table(
        "audit_event", sa.column("action", sa.String), sa.column("entity_id", sa.String)
    )
    self_registered = sa.select(audit.c.entity_id).where(audit.c.action == "company.create")
    op.execute(
        company.update()
        .where(sa.cast(company.c.id, sa.String).not_in(self_registered))
        .values(verified=True)
    )
    op.create_table(
        "rate_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _STR(length=24), nullable=False),
        sa.Column("client", _STR(length=64), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("rate_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rate_event_at"), ["at"], unique=False)
        batch_op.create_index(
            "ix_rate_event_kind_client_at", ["kind", "client", "at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("rate_event", schema=None) as batch_op:
        batch_op.drop_index("ix_rate_event_kind_client_at")
        batch_op.drop_index(batch_op.f("ix_rate_event_at"))
    op.drop_table("rate_event")
    with op.batch_alter_table("company", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_company_verified"))
        batch_op.drop_column("verified")
