"""Staff accounts: the rows, each change made under a row lock in one short transaction.

A change that ends sessions (a new password, a lock-out, a removal) revokes them in the same
transaction, so no replica can accept one of them after the change commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from readiness.db import read_session, write_session
from readiness.models import StaffSessionRecord, StaffUser, utcnow
from readiness.store.audit import append_event
from readiness.store.staff_sessions import revoke_sessions_of

T = TypeVar("T")


@dataclass(frozen=True)
class StaffEvent:
    """An audit event about the staff account being changed."""

    actor: str
    action: str
    detail: dict[str, Any] = field(default_factory=dict)
    ends_sessions: bool = False
    """Whether the change revokes every session of the account (password, lock-out)."""


def _by_email(session: Session, email: str, *, for_update: bool = False) -> StaffUser | None:
    query = select(StaffUser).where(StaffUser.email == email)
    if for_update:
        query = query.with_for_update()
    return session.exec(query).first()


def _append(session: Session, user_id: int | None, event: StaffEvent) -> None:
    append_event(
        session,
        actor=event.actor,
        action=event.action,
        entity="staff_user",
        entity_id=user_id or "",
        detail=event.detail,
    )


def staff_user(*, engine: sa.Engine, email: str) -> StaffUser | None:
    """The account of a normalised email, or None."""
    with read_session(engine) as session:
        return _by_email(session, email)


def staff_users(*, engine: sa.Engine) -> list[StaffUser]:
    with read_session(engine) as session:
        return list(session.exec(select(StaffUser).order_by(StaffUser.email)).all())


def add_staff_user(*, engine: sa.Engine, user: StaffUser, event: StaffEvent) -> bool:
    """Insert an account and audit it; False (nothing written) when its email is taken."""
    try:
        with write_session(engine) as session:
            if _by_email(session, user.email) is not None:
                return False
            session.add(user)
            session.flush()
            _append(session, user.id, event)
    except IntegrityError:  # a concurrent add of the same email won the race
        return False
    return True


def change_staff_user(
    *,
    engine: sa.Engine,
    email: str,
    change: Callable[[StaffUser], tuple[T, StaffEvent | None]],
) -> T | None:
    """Apply `change` to the account, row-locked, in one write transaction, and audit the event
    it returns; None (nothing written) when there is no such account."""
    with write_session(engine) as session:
        user = _by_email(session, email, for_update=True)
        if user is None:
            return None
        outcome, event = change(user)
        session.add(user)
        if event is not None:
            _append(session, user.id, event)
            if event.ends_sessions:
                revoke_sessions_of(session, user_id=user.id, now=utcnow())
    return outcome


def delete_staff_user(*, engine: sa.Engine, email: str, event: StaffEvent) -> bool:
    """Delete an account and audit it; False when there was none."""
    with write_session(engine) as session:
        user = _by_email(session, email, for_update=True)
        if user is None:
            return False
        user_id = user.id
        sessions = col(StaffSessionRecord.staff_user_id) == user_id
        session.exec(delete(StaffSessionRecord).where(sessions))  # ends them on every replica
        session.delete(user)
        _append(session, user_id, event)
    return True
