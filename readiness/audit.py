"""Append-only, hash-chained audit log: the hashing and the verification rule.

Each row stores sha256(prev_hash + canonical content), so changing, deleting or reordering any row
breaks the chain from that row on, and `check_chain` names the first row that no longer fits. The
rows are read and written by readiness.store (`append_event`, `verify_audit`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

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


def next_event(
    last: AuditEvent | None,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int = "",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """The event that follows `last` (None: the first), numbered and sealed with its hash."""
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
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str = ""


def check_chain(rows: Iterable[AuditEvent]) -> ChainReport:
    """Walk rows in id order; report the first whose hash or link does not fit."""
    prev_hash = GENESIS
    expected_id = 1
    checked = 0
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
    return ChainReport(ok=True, checked=checked)
