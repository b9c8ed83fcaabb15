"""Staff sessions and sign-in attempts: server-side rows that every replica shares.

Tokens and grants arrive here as SHA-256 digests (readiness.auth makes them); attempts are keyed by
digests of the address and of the client, never by the values themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, delete, func, select, update

from readiness.db import read_session, write_session
from readiness.models import SignInAttempt, StaffSessionRecord, StaffUser

ATTEMPT_RETENTION = timedelta(hours=24)
ATTEMPT_LOCK_KEY = 724213  # pg_advisory_xact_lock key: attempts are counted one at a time


def revoke_sessions_of(session: Session, *, user_id: int | None, now: datetime) -> None:
    """Revoke every live session of an account, inside the caller's write transaction."""
    session.exec(
        update(StaffSessionRecord)
        .where(col(StaffSessionRecord.staff_user_id) == user_id)
        .where(col(StaffSessionRecord.revoked_at).is_(None))
        .values(revoked_at=now, grant_hash=None)
    )


def create_staff_session(*, engine: sa.Engine, record: StaffSessionRecord) -> int:
    """Insert a new session; its id."""
    with write_session(engine) as session:
        session.add(record)
        session.flush()
        assert record.id is not None
        return record.id


def redeem_staff_grant(
    *, engine: sa.Engine, grant_hash: str, token_hash: str, now: datetime
) -> bool:
    """Turn a live, unused grant into the session's token (once); False when there is none."""
    with write_session(engine) as session:
        done = session.exec(
            update(StaffSessionRecord)
            .where(col(StaffSessionRecord.grant_hash) == grant_hash)
            .where(col(StaffSessionRecord.grant_expires_at) > now)
            .where(col(StaffSessionRecord.revoked_at).is_(None))
            .where(col(StaffSessionRecord.expires_at) > now)
            .values(token_hash=token_hash, grant_hash=None, grant_expires_at=None)
        )
        return bool(done.rowcount)


def staff_session_with_user(
    *, engine: sa.Engine, session_id: int | None = None, token_hash: str | None = None
) -> tuple[StaffSessionRecord, StaffUser] | None:
    """A session (by id or by token digest) and its account; None when either is gone."""
    query = select(StaffSessionRecord, StaffUser).join(
        StaffUser, col(StaffUser.id) == col(StaffSessionRecord.staff_user_id)
    )
    if session_id is not None:
        query = query.where(col(StaffSessionRecord.id) == session_id)
    elif token_hash is not None:
        query = query.where(col(StaffSessionRecord.token_hash) == token_hash)
    else:
        return None
    with read_session(engine) as session:
        row = session.exec(query).first()
    return (row[0], row[1]) if row is not None else None


def touch_staff_session(*, engine: sa.Engine, session_id: int, now: datetime) -> None:
    with write_session(engine) as session:
        session.exec(
            update(StaffSessionRecord)
            .where(col(StaffSessionRecord.id) == session_id)
            .values(last_seen_at=now)
        )


def revoke_staff_session(*, engine: sa.Engine, session_id: int, now: datetime) -> None:
    with write_session(engine) as session:
        session.exec(
            update(StaffSessionRecord)
            .where(col(StaffSessionRecord.id) == session_id)
            .where(col(StaffSessionRecord.revoked_at).is_(None))
            .values(revoked_at=now, grant_hash=None)
        )


@dataclass(frozen=True)
class AttemptGate:
    """What the recent attempts allow: an attempt id to settle, or why there is none."""

    attempt_id: int | None
    account_failures: int
    oldest_account_failure: datetime | None = None
    client_blocked: bool = False


def open_sign_in_attempt(
    *,
    engine: sa.Engine,
    account_key: str,
    client_key: str,
    now: datetime,
    since: datetime,
    account_limit: int,
    client_limit: int,
) -> AttemptGate:
    """Count the failures since `since` for the address and the client; record this attempt
    when both are under their limits (as a failure until `settle_sign_in_attempt` says ok).

    Counting and recording are one transaction, serialised (SQLite: BEGIN IMMEDIATE; PostgreSQL:
    an advisory lock), so attempts at once from several replicas are counted exactly."""
    with write_session(engine) as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(sa.select(sa.func.pg_advisory_xact_lock(ATTEMPT_LOCK_KEY)))
        session.exec(delete(SignInAttempt).where(col(SignInAttempt.at) < now - ATTEMPT_RETENTION))
        failed = select(func.count(), func.min(SignInAttempt.at)).where(
            col(SignInAttempt.at) > since, col(SignInAttempt.ok).is_(False)
        )
        account, oldest = session.exec(
            failed.where(col(SignInAttempt.account_key) == account_key)
        ).one()
        client, _ = session.exec(failed.where(col(SignInAttempt.client_key) == client_key)).one()
        if account >= account_limit:
            return AttemptGate(None, int(account), oldest)
        if client >= client_limit:
            return AttemptGate(None, int(account), client_blocked=True)
        attempt = SignInAttempt(at=now, account_key=account_key, client_key=client_key)
        session.add(attempt)
        session.flush()
        return AttemptGate(attempt.id, int(account) + 1)


def settle_sign_in_attempt(*, engine: sa.Engine, attempt_id: int, ok: bool) -> None:
    """A successful attempt clears the address's failures; a refused-before-checking one
    (`ok` False is the default) stays a failure."""
    with write_session(engine) as session:
        attempt = session.get(SignInAttempt, attempt_id)
        if attempt is None or not ok:
            return
        session.exec(
            delete(SignInAttempt).where(
                col(SignInAttempt.account_key) == attempt.account_key,
                col(SignInAttempt.ok).is_(False),
                col(SignInAttempt.id) != attempt_id,
            )
        )
        attempt.ok = True
        session.add(attempt)


def clear_sign_in_failures(*, engine: sa.Engine, account_key: str) -> None:
    """Forget an address's failed attempts (its password was just set anew)."""
    with write_session(engine) as session:
        session.exec(
            delete(SignInAttempt).where(
                col(SignInAttempt.account_key) == account_key, col(SignInAttempt.ok).is_(False)
            )
        )
