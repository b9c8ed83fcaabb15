"""The audit log's rows: appended inside a caller's write transaction, read back to verify."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from readiness.audit import (
    REDACT_ACTION,
    ChainReport,
    Checkpoint,
    check_chain,
    checkpoint_of,
    next_event,
)
from readiness.config import settings
from readiness.db import read_session, write_session
from readiness.models import AuditEvent

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
    """Append one event inside the caller's write transaction, signed with READINESS_AUDIT_KEY
    when it is set (each write's own checkpoint)."""
    _lock_chain(session)
    event = next_event(
        _newest(session),
        actor=actor,
        action=action,
        entity=entity,
        entity_id=entity_id,
        detail=detail,
        key=settings().audit_key,
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


def _newest(session: Session) -> AuditEvent | None:
    return session.exec(select(AuditEvent).order_by(col(AuditEvent.seq).desc()).limit(1)).first()


def _events(session: Session, batch: int) -> Iterator[AuditEvent]:
    last_seq = 0
    while True:
        rows = session.exec(
            select(AuditEvent)
            .where(col(AuditEvent.seq) > last_seq)
            .order_by(col(AuditEvent.seq))
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last_seq = rows[-1].seq


def _redacted(session: Session) -> dict[int, str]:
    """The events that audit.redact events list as erased (each only earlier ones), with the
    digest each recorded of the erased row."""
    found: dict[int, str] = {}
    rows = session.exec(
        select(AuditEvent.seq, AuditEvent.detail).where(AuditEvent.action == REDACT_ACTION)
    )
    for seq, detail in rows:
        try:
            listed = {int(k): str(v) for k, v in json.loads(detail)["events"].items()}
        except (ValueError, TypeError, KeyError, AttributeError):
            continue  # not what an audit.redact event holds: the walk fails on its hash
        found.update((s, digest) for s, digest in listed.items() if s < seq)
    return found


def verify_audit(
    *, engine: sa.Engine, checkpoint: Checkpoint | None = None, batch: int = 5000
) -> ChainReport:
    """Read the chain in sequence order, `batch` rows at a time, and check it, its signatures
    (with READINESS_AUDIT_KEY) and, when given, against a checkpoint kept off the server."""
    with read_session(engine) as session:
        return check_chain(
            _events(session, batch),
            key=settings().audit_key,
            redacted=_redacted(session),
            checkpoint=checkpoint,
        )


def audit_checkpoint(*, engine: sa.Engine) -> Checkpoint:
    """The chain's head as a checkpoint, signed with READINESS_AUDIT_KEY when it is set (unsigned
    otherwise), for the association to keep off the server."""
    with read_session(engine) as session:
        return checkpoint_of(_newest(session), settings().audit_key)


# Writes after which every process's cached aggregates must be read again: imports, synthetic
# members and other bulk loads, deletions, verifications (who counts in norms). One answer or
# submission is left to the caches' TTLs.
VERSIONED_ACTIONS = (
    "import",
    "demo.seed",
    "company.delete",
    "company.verify",
    "company.unverify",
    "programs.upload",  # the support-programme catalog every results page matches against
)
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
