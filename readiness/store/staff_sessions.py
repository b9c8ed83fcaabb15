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
    """What the recent attempts allow: an attempt to check and settle, or why there is none."""

    attempt_id: int | None
    locked_until: datetime | None = None  # the address is locked: refused without a check
    client_blocked: bool = False
    locks: bool = False  # this attempt, if it fails, locks the address


def open_sign_in_attempt(
    *,
    engine: sa.Engine,
    account_key: str,
    client_key: str,
    now: datetime,
    lock_for: timedelta,
    account_limit: int,
    client_since: datetime,
    client_limit: int,
) -> AttemptGate:
    """Decide whether an attempt may be checked, and record it (a failure until settled).

    The address follows an account's own rule, whether or not it has one: `account_limit`
    failures in a row (since its last success or lock) lock it for `lock_for` from the attempt
    that reached the limit. The client is refused after `client_limit` failures since
    `client_since`. Counting and recording are one transaction, serialised (SQLite: BEGIN
    IMMEDIATE; PostgreSQL: an advisory lock), so attempts at once from several replicas are
    counted exactly."""
    with write_session(engine) as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(sa.select(sa.func.pg_advisory_xact_lock(ATTEMPT_LOCK_KEY)))
        session.exec(delete(SignInAttempt).where(col(SignInAttempt.at) < now - ATTEMPT_RETENTION))
        of_account = col(SignInAttempt.account_key) == account_key
        last_lock = session.exec(
            select(SignInAttempt)
            .where(of_account, col(SignInAttempt.locks).is_(True))
            .order_by(col(SignInAttempt.id).desc())
            .limit(1)
        ).first()
        if last_lock is not None and last_lock.at + lock_for > now:
            return AttemptGate(None, locked_until=last_lock.at + lock_for)
        failed = select(func.count()).where(col(SignInAttempt.ok).is_(False))
        since_lock = col(SignInAttempt.id) > (last_lock.id if last_lock else 0)
        in_a_row = session.exec(failed.where(of_account, since_lock)).one()
        by_client = session.exec(
            failed.where(
                col(SignInAttempt.client_key) == client_key, col(SignInAttempt.at) > client_since
            )
        ).one()
        if by_client >= client_limit:
            return AttemptGate(None, client_blocked=True)
        locks = in_a_row + 1 >= account_limit
        attempt = SignInAttempt(at=now, account_key=account_key, client_key=client_key, locks=locks)
        session.add(attempt)
        session.flush()
        return AttemptGate(attempt.id, locks=locks)


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
        attempt.locks = False
        session.add(attempt)


def clear_sign_in_failures(*, engine: sa.Engine, account_key: str) -> None:
    """Forget an address's failures and lock (its password was just set anew)."""
    with write_session(engine) as session:
        session.exec(delete(SignInAttempt).where(col(SignInAttempt.account_key) == account_key))
