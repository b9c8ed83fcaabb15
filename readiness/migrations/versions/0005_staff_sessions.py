"""staff sessions and sign-in throttling: staff_session, sign_in_attempt

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 06:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STR = sqlmodel.sql.sqltypes.AutoString
_TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "staff_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", _STR(length=64), nullable=True),
        sa.Column("grant_hash", _STR(length=64), nullable=True),
        sa.Column("grant_expires_at", _TIME(), nullable=True),
        sa.Column("created_at", _TIME(), nullable=False),
        sa.Column("last_seen_at", _TIME(), nullable=False),
        sa.Column("expires_at", _TIME(), nullable=False),
        sa.Column("revoked_at", _TIME(), nullable=True),
        sa.ForeignKeyConstraint(["staff_user_id"], ["staff_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("grant_hash"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("staff_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staff_session_staff_user_id"), ["staff_user_id"], unique=False
        )
    op.create_table(
        "sign_in_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", _TIME(), nullable=False),
        sa.Column("account_key", _STR(length=64), nullable=False),
        sa.Column("client_key", _STR(length=64), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("locks", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sign_in_attempt", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_attempt_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sign_in_attempt_account_key"), ["account_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sign_in_attempt_client_key"), ["client_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sign_in_attempt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_attempt_client_key"))
        batch_op.drop_index(batch_op.f("ix_sign_in_attempt_account_key"))
        batch_op.drop_index(batch_op.f("ix_sign_in_attempt_at"))
    op.drop_table("sign_in_attempt")
    with op.batch_alter_table("staff_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_session_staff_user_id"))
    op.drop_table("staff_session")
