"""Append-only, hash-chained audit log.

Each row stores sha256(prev_hash + canonical content), so changing, deleting or reordering any row
breaks the chain from that row on, and `verify` names the first row that no longer fits.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from readiness.models import AuditEvent, utcnow

GENESIS = "0" * 64


def _canonical_time(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def content_hash(event: AuditEvent, prev_hash: str) -> str:
    body = json.dumps(
        {
            "id": event.id,
            "at": _canonical_time(event.at),
            "actor": event.actor,
            "action": event.action,
            "entity": event.entity,
            "entity_id": event.entity_id,
            "detail": event.detail,
            "prev": prev_hash,
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _lock_chain(session: Session) -> None:
    """Serialize appends: SQLite write transactions are already exclusive (BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(724201)"))


def append(
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
    last = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).first()  # type: ignore[union-attr]
    prev_hash = last.hash if last else GENESIS
    event = AuditEvent(
        id=(last.id + 1) if last and last.id else 1,
        at=utcnow(),
        actor=actor,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
        prev_hash=prev_hash,
        hash="",
    )
    event.hash = content_hash(event, prev_hash)
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str = ""


def verify(session: Session, *, batch: int = 5000) -> ChainReport:
    """Walk the chain in id order; report the first row whose hash or link does not fit."""
    prev_hash = GENESIS
    expected_id = 1
    checked = 0
    last_id = 0
    while True:
        rows = session.exec(
            select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)  # type: ignore[arg-type]
        ).all()
        if not rows:
            return ChainReport(ok=True, checked=checked)
        for row in rows:
            if row.id != expected_id:
                return ChainReport(False, checked, row.id, f"row {expected_id} is missing")
            if row.prev_hash != prev_hash:
                return ChainReport(False, checked, row.id, "link to the previous row is broken")
            if content_hash(row, prev_hash) != row.hash:
                return ChainReport(False, checked, row.id, "content does not match its hash")
            prev_hash = row.hash
            expected_id += 1
            checked += 1
            last_id = row.id
