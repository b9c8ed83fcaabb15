"""The audit log's rows: appended inside a caller's write transaction, read back to verify."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from readiness.audit import ChainReport, check_chain, next_event
from readiness.db import read_session, write_session
from readiness.models import AuditEvent
from readiness.store.rows import stored_id

CHAIN_LOCK_KEY = 724201  # pg_advisory_xact_lock key that serialises appends on PostgreSQL


def _lock_chain(session: Session) -> None:
    """Serialize appends: SQLite write transactions are already exclusive (BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(CHAIN_LOCK_KEY)))


def append_event(
    session: Session,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event inside the caller's write transaction."""
    _lock_chain(session)
    last = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(1)).first()
    event = next_event(
        last, actor=actor, action=action, entity=entity, entity_id=entity_id, detail=detail
    )
    session.add(event)
    session.flush()
    return event


def record_event(
    *,
    engine: sa.Engine,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event in its own short write transaction."""
    with write_session(engine) as session:
        return append_event(
            session, actor=actor, action=action, entity=entity, entity_id=entity_id, detail=detail
        )


def _events(session: Session, batch: int) -> Iterator[AuditEvent]:
    last_id = 0
    while True:
        rows = session.exec(
            select(AuditEvent)
            .where(col(AuditEvent.id) > last_id)
            .order_by(col(AuditEvent.id))
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last_id = stored_id(rows[-1])


def verify_audit(*, engine: sa.Engine, batch: int = 5000) -> ChainReport:
    """Read the chain in id order, `batch` rows at a time, and check it (readiness.audit)."""
    with read_session(engine) as session:
        return check_chain(_events(session, batch))


# Writes after which every process's cached aggregates must be read again: imports, synthetic
# members and other bulk loads, deletions, verifications (who counts in norms). One answer or
# submission is left to the caches' TTLs.
VERSIONED_ACTIONS = ("import", "demo.seed", "company.delete", "company.verify", "company.unverify")
VERSIONED_ENTITIES = ("bulk",)  # store.bulk_insert's audit


def data_version(*, engine: sa.Engine) -> int:
    """The id of the newest audited bulk change (0 before any): cached aggregates built before it
    are stale, in whichever process built them."""
    newest = sa.select(sa.func.max(AuditEvent.id)).where(
        sa.or_(
            col(AuditEvent.entity).in_(VERSIONED_ENTITIES),
            col(AuditEvent.action).in_(VERSIONED_ACTIONS),
        )
    )
    with read_session(engine) as session:
        return int(session.scalar(newest) or 0)
