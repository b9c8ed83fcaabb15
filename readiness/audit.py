"""Append-only, hash-chained audit log: the hashing, the signatures and the verification rule.

Each row stores sha256(prev_hash + canonical content), so changing, deleting or reordering any row
breaks the chain from that row on, and `check_chain` names the first row that no longer fits.
Rows are numbered by `seq`, 1, 2, 3... without gaps. With READINESS_AUDIT_KEY configured, every
row also carries a signed checkpoint of itself, `mac` = HMAC-SHA256(key, seq, hash, time): a
rewrite that recomputes the later hashes cannot recompute the signatures. A checkpoint exported
off the server (`checkpoint_of`, `readiness audit checkpoint`) also catches rows deleted from the
end, or every row. Events hold digests, never personal data (`submission_digest`), so erasing a
company leaves the chain verifiable. docs/audit.md tells the whole story. The rows are read and
written by readiness.store (`append_event`, `verify_audit`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from readiness.models import AuditEvent, utcnow

GENESIS = "0" * 64
CHECKPOINT_FORMAT = "readiness-audit-checkpoint/1"
REDACT_ACTION = "audit.redact"  # an event that lists earlier events whose detail was erased


def _canonical_time(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _content(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.seq,
        "at": _canonical_time(event.at),
        "actor": event.actor,
        "action": event.action,
        "entity": event.entity,
        "entity_id": event.entity_id,
        "detail": event.detail,
    }


def content_hash(event: AuditEvent, prev_hash: str) -> str:
    """The row's hash. Its "id" is the sequence number (the row id before migration 0006, when
    the two were always equal), so rows hashed before then verify unchanged."""
    return hashlib.sha256(_canonical({**_content(event), "prev": prev_hash})).hexdigest()


def erased_digest(event: AuditEvent) -> str:
    """What an audit.redact event records of an event whose detail it erased: the erased row as
    it now reads, with its (unchanged) hash, so every field left can still be checked."""
    return hashlib.sha256(_canonical({**_content(event), "hash": event.hash})).hexdigest()


def key_id(key: bytes) -> str:
    """A short public fingerprint of a signing key, to tell which key signed a checkpoint."""
    return hashlib.sha256(b"readiness-audit-key-id:" + key).hexdigest()[:16]


def sign(key: bytes, *, seq: int, head: str, at: datetime) -> str:
    """HMAC-SHA256 of a checkpoint: the chain holds `seq` events and the last one hashes `head`."""
    body = {"seq": seq, "head": head, "at": _canonical_time(at)}
    return hmac.new(key, _canonical(body), hashlib.sha256).hexdigest()


def submission_digest(seal: str, *, answers: Mapping[str, int | None], scores: Any) -> str:
    """What the log keeps of a submission: HMAC-SHA256 under the assessment's own random `seal`
    over its answers and scores. While the assessment exists, its stored answers can be checked
    against the log; once it is deleted (and its seal with it) the digest says nothing."""
    body = {"answers": dict(sorted(answers.items())), "scores": scores}
    return hmac.new(bytes.fromhex(seal), _canonical(body), hashlib.sha256).hexdigest()


def next_event(
    last: AuditEvent | None,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: str | int = "",
    detail: dict[str, Any] | None = None,
    key: bytes | None = None,
) -> AuditEvent:
    """The event that follows `last` (None: the first), numbered, hashed and, with a key, signed.
    Its row id is left to the database."""
    prev_hash = last.hash if last else GENESIS
    event = AuditEvent(
        seq=(last.seq + 1) if last else 1,
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
    if key is not None:
        event.mac = sign(key, seq=event.seq, head=event.hash, at=event.at)
    return event


# --- checkpoints kept off the server -------------------------------------------------------------


class CheckpointError(ValueError):
    """A checkpoint file that cannot be used: malformed, or its signature does not match."""


@dataclass(frozen=True)
class Checkpoint:
    """The chain held `seq` events and the last one hashed `head` (written at `at`)."""

    seq: int
    head: str
    at: str
    mac: str | None = None
    key_id: str | None = None

    def to_json(self, *, made_at: datetime) -> dict[str, Any]:
        return {
            "format": CHECKPOINT_FORMAT,
            "seq": self.seq,
            "head": self.head,
            "at": self.at,
            "signed": self.mac is not None,
            "mac": self.mac,
            "key_id": self.key_id,
            "made_at": _canonical_time(made_at),
        }

    @classmethod
    def from_json(cls, data: Any) -> Checkpoint:
        if not isinstance(data, dict) or data.get("format") != CHECKPOINT_FORMAT:
            raise CheckpointError(f"not an audit checkpoint (expected format {CHECKPOINT_FORMAT})")
        seq, head, at, mac = data.get("seq"), data.get("head"), data.get("at"), data.get("mac")
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
            raise CheckpointError("the checkpoint's seq is not a whole number")
        if not isinstance(head, str) or len(head) != 64 or not isinstance(at, str):
            raise CheckpointError("the checkpoint's head or time is malformed")
        if mac is not None and not isinstance(mac, str):
            raise CheckpointError("the checkpoint's mac is malformed")
        kid = data.get("key_id")
        return cls(seq, head, at, mac, kid if isinstance(kid, str) else None)


def checkpoint_of(last: AuditEvent | None, key: bytes | None) -> Checkpoint:
    """The checkpoint of a chain whose newest event is `last` (None: an empty chain), signed
    when there is a key."""
    if last is None:
        seq, head, at = 0, GENESIS, datetime(1970, 1, 1, tzinfo=UTC)
    else:
        seq, head, at = last.seq, last.hash, last.at
    if key is None:
        return Checkpoint(seq, head, _canonical_time(at))
    return Checkpoint(
        seq, head, _canonical_time(at), sign(key, seq=seq, head=head, at=at), key_id(key)
    )


def check_checkpoint_signature(checkpoint: Checkpoint, key: bytes | None) -> str | None:
    """Raise CheckpointError when a signed checkpoint's signature does not match the key; return
    a note when it cannot be checked (unsigned, or no key), None when it was checked."""
    if checkpoint.mac is None:
        return "the checkpoint is not signed: it proves only what this file itself says"
    if key is None:
        return "READINESS_AUDIT_KEY is not set: the checkpoint's signature was not checked"
    at = datetime.strptime(checkpoint.at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    expected = sign(key, seq=checkpoint.seq, head=checkpoint.head, at=at)
    if not hmac.compare_digest(expected, checkpoint.mac):
        other = checkpoint.key_id and checkpoint.key_id != key_id(key)
        raise CheckpointError(
            "the checkpoint's signature does not match: it was signed with another key "
            f"(key id {checkpoint.key_id}, configured {key_id(key)})"
            if other
            else "the checkpoint's signature does not match: the file was altered or forged"
        )
    return None


# --- verification --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_bad_id: int | None = None  # the sequence number of the first event that does not fit
    reason: str = ""
    signed: int = 0
    redacted: int = 0
    notes: tuple[str, ...] = field(default=())


@dataclass
class _Walk:
    """The state of one walk along the chain."""

    key: bytes | None
    redacted: Mapping[int, str]
    prev_hash: str = GENESIS
    checked: int = 0
    signed: int = 0
    redacted_seen: int = 0
    hash_at_checkpoint: str | None = None

    def step(self, row: AuditEvent) -> str | None:
        """Check one row; the reason it does not fit, or None."""
        if row.seq != self.checked + 1:
            return f"event {self.checked + 1} is missing"
        if row.prev_hash != self.prev_hash:
            return "link to the previous event is broken"
        if row.seq in self.redacted:
            if erased_digest(row) != self.redacted[row.seq]:
                return "it differs from what the audit.redact event that erased it recorded"
            self.redacted_seen += 1  # its old detail is gone: its hash is pinned by the next row
        elif content_hash(row, self.prev_hash) != row.hash:
            return "content does not match its hash"
        if row.mac is not None:
            if self.key is not None and not hmac.compare_digest(
                sign(self.key, seq=row.seq, head=row.hash, at=row.at), row.mac
            ):
                return "its signature does not match (rewritten, or signed with another key)"
            self.signed += 1
        elif self.signed:
            return (
                "it is not signed, though earlier events are (signatures stripped, or a writer "
                "without READINESS_AUDIT_KEY)"
            )
        self.prev_hash = row.hash
        self.checked += 1
        return None


def check_chain(
    rows: Iterable[AuditEvent],
    *,
    key: bytes | None = None,
    redacted: Mapping[int, str] | None = None,
    checkpoint: Checkpoint | None = None,
) -> ChainReport:
    """Walk rows in sequence order; report the first that does not fit, then check the chain
    against a checkpoint kept off the server. `redacted`: the sequence numbers that later
    `audit.redact` events list, with each row's `erased_digest` (their old content cannot be
    hashed any more)."""
    walk = _Walk(key, redacted or {})
    for row in rows:
        reason = walk.step(row)
        if reason is not None:
            return _report(walk, ok=False, first_bad=row.seq, reason=reason)
        if checkpoint is not None and row.seq == checkpoint.seq:
            walk.hash_at_checkpoint = row.hash
    if checkpoint is not None and checkpoint.seq > walk.checked:
        reason = (
            f"the log was truncated: the checkpoint of {checkpoint.at} covers {checkpoint.seq} "
            f"events, the log holds {walk.checked}"
        )
        return _report(walk, ok=False, first_bad=walk.checked + 1, reason=reason)
    if checkpoint is not None and checkpoint.seq and walk.hash_at_checkpoint != checkpoint.head:
        reason = (
            f"event {checkpoint.seq} differs from the checkpoint of {checkpoint.at}: the log was "
            "rewritten up to it"
        )
        return _report(walk, ok=False, first_bad=checkpoint.seq, reason=reason)
    return _report(walk, ok=True)


def _report(
    walk: _Walk, *, ok: bool, first_bad: int | None = None, reason: str = ""
) -> ChainReport:
    notes = []
    unsigned = walk.checked - walk.signed
    if walk.key is None and walk.signed:
        notes.append(
            f"{walk.signed} events are signed but READINESS_AUDIT_KEY is not set: their "
            "signatures were not checked"
        )
    if walk.key is None and not walk.signed:
        notes.append(
            "no event is signed (READINESS_AUDIT_KEY not set): a rewrite that recomputes the "
            "hashes is caught only by a checkpoint kept off the server"
        )
    elif unsigned and walk.signed:
        notes.append(f"{unsigned} events written before the key was configured are unsigned")
    if walk.redacted_seen:
        notes.append(
            f"{walk.redacted_seen} events had personal data erased (listed by audit.redact "
            "events): checked against what those recorded, not against their old hashes"
        )
    return ChainReport(
        ok,
        walk.checked,
        first_bad,
        reason,
        signed=walk.signed,
        redacted=walk.redacted_seen,
        notes=tuple(notes),
    )
