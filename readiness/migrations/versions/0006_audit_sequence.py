"""audit log: sequence numbers, signatures, no personal data; ids never reused

Revision ID: 0006
Revises: 0003
Create Date: 2026-12-06 06:00:00.000000

- audit_event gets `seq` (the gap-free sequence number, = id for every existing row, which is
  what the old hashes covered as "id") and `mac` (the row's signed checkpoint; NULL for rows
  written before, and whenever READINESS_AUDIT_KEY is not set).
- assessment gets `seal`, the random key of its submission's digest in the log.
- Existing `assessment.submit` events held the answers and the overall score. Their detail is
  replaced by the non-personal fields, and one `audit.redact` event appended at the end of the
  chain lists their sequence numbers: verify then checks those rows' links but no longer their
  content (their hashes stay pinned by the rows after them). Nothing is re-hashed; a checkpoint
  taken before this migration still matches its event. docs/audit.md explains it.
- Ids are never reused: on SQLite the tables audit events point at are rebuilt AUTOINCREMENT;
  on SQLite and PostgreSQL their id counters are moved past every id the log mentions, so ids
  of rows deleted before this migration are not handed out again either.
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

from readiness.audit import REDACT_ACTION, erased_digest, next_event
from readiness.config import settings
from readiness.models import AuditEvent

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> the `entity` its audit events name
ENTITY_TABLES = {
    "company": "company",
    "workshop": "workshop",
    "assessment": "assessment",
    "staff_user": "staff_user",
    "cluster": "cluster",
    "association_request": "request",
}
AUDITED = ("audit_event", *ENTITY_TABLES)
KEPT_OF_A_SUBMISSION = ("company_id", "wave", "mode", "bank_version")
ERASED = {"erased": "0006"}

_events = sa.table(
    "audit_event",
    sa.column("id", sa.Integer),
    sa.column("seq", sa.Integer),
    sa.column("at", sqlmodel.sql.sqltypes.UTCDateTime()),
    sa.column("actor", sa.String),
    sa.column("action", sa.String),
    sa.column("entity", sa.String),
    sa.column("entity_id", sa.String),
    sa.column("detail", sa.Text),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
    sa.column("mac", sa.String),
)


def _whole(value: Any) -> int:
    return int(value) if isinstance(value, int) or str(value).isdigit() else 0


def _erase_submissions(conn: sa.Connection, floors: dict[str, int]) -> list[int]:
    """Replace the answers and scores in submit events by the non-personal fields; note every id
    the log mentions in `floors`. Returns the sequence numbers of the events erased."""
    erased: dict[int, str] = {}
    query = sa.select(
        _events.c.seq, _events.c.action, _events.c.entity, _events.c.entity_id, _events.c.detail
    )
    for seq, action, entity, entity_id, detail in conn.execute(query.order_by(_events.c.seq)):
        for table, name in ENTITY_TABLES.items():
            if entity == name:
                floors[table] = max(floors[table], _whole(entity_id))
        if action != "assessment.submit":
            continue
        said = json.loads(detail)
        floors["company"] = max(floors["company"], _whole(said.get("company_id")))
        if {"answers", "overall"} & set(said):
            kept = {k: said[k] for k in KEPT_OF_A_SUBMISSION if k in said} | ERASED
            erased[seq] = json.dumps(kept, ensure_ascii=False, sort_keys=True)
    for seq, detail in erased.items():
        conn.execute(_events.update().where(_events.c.seq == seq).values(detail=detail))
    return list(erased)


def _append_redaction(conn: sa.Connection, erased: list[int]) -> None:
    """One audit.redact event at the end of the chain, listing the erased events with a digest
    of each as it now reads."""
    listed = set(erased)
    rows = conn.execute(_events.select().where(_events.c.action == "assessment.submit"))
    digests = {
        str(row["seq"]): erased_digest(AuditEvent(**row))
        for row in rows.mappings()
        if row["seq"] in listed
    }
    row = conn.execute(_events.select().order_by(_events.c.seq.desc()).limit(1)).mappings().first()
    last = AuditEvent(**row) if row else None
    event = next_event(
        last,
        actor="migration 0006",
        action=REDACT_ACTION,
        entity="audit_event",
        detail={"events": digests, "reason": "personal data (answers, scores) left the log"},
        key=settings().audit_key,
    )
    values = event.model_dump()
    values["id"] = (last.id or 0) + 1 if last else 1
    conn.execute(_events.insert().values(**values))


def _id_floors(conn: sa.Connection) -> dict[str, int]:
    return {
        table: int(conn.execute(sa.text(f"SELECT max(id) FROM {table}")).scalar() or 0)
        for table in AUDITED
    }


def _advance_counters(conn: sa.Connection, floors: dict[str, int]) -> None:
    """Move each table's id counter past `floors` (never back)."""
    for table, floor in floors.items():
        if not floor:
            continue
        if conn.dialect.name == "sqlite":
            counter = conn.execute(
                sa.text("SELECT seq FROM sqlite_sequence WHERE name = :t"), {"t": table}
            ).scalar()
            if counter is None:
                conn.execute(
                    sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :n)"),
                    {"t": table, "n": floor},
                )
            elif counter < floor:
                conn.execute(
                    sa.text("UPDATE sqlite_sequence SET seq = :n WHERE name = :t"),
                    {"t": table, "n": floor},
                )
        elif conn.dialect.name == "postgresql":
            conn.execute(
                sa.text(
                    "SELECT setval(pg_get_serial_sequence(:t, 'id'), greatest(:n, "
                    "coalesce(pg_sequence_last_value(pg_get_serial_sequence(:t, 'id')::regclass),"
                    " 0)))"
                ),
                {"t": table, "n": floor},
            )


def upgrade() -> None:
    conn = op.get_bind()
    op.add_column("audit_event", sa.Column("seq", sa.Integer(), nullable=True))
    op.add_column(
        "audit_event", sa.Column("mac", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
    )
    op.add_column(
        "assessment", sa.Column("seal", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True)
    )
    conn.execute(_events.update().values(seq=_events.c.id))
    floors = _id_floors(conn)
    erased = _erase_submissions(conn, floors)
    if erased:
        _append_redaction(conn, erased)
        floors["audit_event"] += 1
    sqlite = conn.dialect.name == "sqlite"
    for table in AUDITED:
        with op.batch_alter_table(
            table,
            recreate="always" if sqlite else "auto",
            table_kwargs={"sqlite_autoincrement": True},
        ) as batch_op:
            if table == "audit_event":
                batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=False)
                batch_op.create_unique_constraint("uq_audit_event_seq", ["seq"])
    _advance_counters(conn, floors)
    if sqlite:
        broken = conn.execute(sa.text("PRAGMA foreign_key_check")).all()
        assert not broken, f"foreign keys broken by the rebuild: {broken[:5]}"


def downgrade() -> None:
    """Back to 0003's schema: ids renumbered to the sequence numbers (0003's chain hashes the id),
    AUTOINCREMENT dropped. Erased details stay erased: 0003's verify names the first one."""
    conn = op.get_bind()
    sqlite = conn.dialect.name == "sqlite"
    rows = conn.execute(sa.select(_events.c.id, _events.c.seq).order_by(_events.c.seq)).all()
    for row_id, seq in rows:
        if row_id != seq:
            conn.execute(_events.update().where(_events.c.id == row_id).values(id=seq))
    with op.batch_alter_table("assessment", recreate="always" if sqlite else "auto") as batch_op:
        batch_op.drop_column("seal")
    with op.batch_alter_table("audit_event", recreate="always" if sqlite else "auto") as batch_op:
        batch_op.drop_constraint("uq_audit_event_seq", type_="unique")
        batch_op.drop_column("mac")
        batch_op.drop_column("seq")
    if sqlite:
        for table in AUDITED:
            if table not in ("assessment", "audit_event"):
                with op.batch_alter_table(table, recreate="always"):
                    pass
