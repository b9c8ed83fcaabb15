"""A rate limiter in the database, so that every replica counts the same attempts.

An attempt is a row (kind, client, at) of rate_event. `take_slot` counts the client's attempts of a
kind within a window and records a new one only when there is room, in one write transaction
(serialised per kind and client), and prunes the kind's rows older than the window. The client is
stored as a digest, never as the address itself. Kinds in use: "register" (/start), "request"
(the "send my link again" form); sign-in and workshop-code guesses may use their own.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, delete, func, select
from sqlmodel.sql.expression import SelectOfScalar

from readiness.db import read_session, write_session
from readiness.models import RateEvent, utcnow

RATE_LOCK_KEY = 724202  # pg_advisory_xact_lock(key, client) serialises one client's attempts


def client_digest(client: str) -> str:
    """What the table holds for a client key (an address): its SHA-256, hex."""
    return hashlib.sha256(client.encode("utf-8")).hexdigest()


def _lock(session: Session, kind: str, digest: str) -> None:
    """On PostgreSQL, one transaction at a time per kind and client (SQLite writes: exclusive)."""
    if session.get_bind().dialect.name == "postgresql":
        key = int(hashlib.sha256(f"{kind}:{digest}".encode()).hexdigest()[:8], 16) - 2**31
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(RATE_LOCK_KEY, key)))


def _recent(kind: str, digest: str, since: datetime) -> SelectOfScalar[int]:
    return (
        select(func.count())
        .select_from(RateEvent)
        .where(RateEvent.kind == kind, RateEvent.client == digest, col(RateEvent.at) >= since)
    )


def take_slot(
    *,
    engine: sa.Engine,
    kind: str,
    client: str,
    limit: int,
    window: timedelta,
    now: datetime | None = None,
) -> bool:
    """Record one attempt of `kind` by `client` if it made fewer than `limit` within `window`.

    Returns True when the attempt is allowed (and recorded), False when over the limit (nothing
    recorded, so waiting out the window always frees a slot).
    """
    at = now or utcnow()
    since = at - window
    digest = client_digest(client)
    with write_session(engine) as session:
        _lock(session, kind, digest)
        session.exec(
            delete(RateEvent).where(col(RateEvent.kind) == kind, col(RateEvent.at) < since)
        )
        if session.exec(_recent(kind, digest, since)).one() >= limit:
            return False
        session.add(RateEvent(kind=kind, client=digest, at=at))
    return True


def attempts(
    *, engine: sa.Engine, kind: str, client: str, window: timedelta, now: datetime | None = None
) -> int:
    """How many attempts of `kind` the client made within `window`."""
    since = (now or utcnow()) - window
    with read_session(engine) as session:
        return int(session.exec(_recent(kind, client_digest(client), since)).one())


def clear_slots(*, engine: sa.Engine, kind: str, client: str) -> None:
    """Forget the client's attempts of `kind` (e.g. after a successful sign-in)."""
    digest = client_digest(client)
    with write_session(engine) as session:
        session.exec(
            delete(RateEvent).where(col(RateEvent.kind) == kind, col(RateEvent.client) == digest)
        )
