"""Staff accounts: argon2id password hashes, lock-out, throttled sign-in, server-side sessions.

Pure domain code (no streamlit). Passwords are hashed outside the write transaction, so a burst of
sign-in attempts never holds the database's write lock for the length of an argon2 computation; the
counter and the lock are then decided inside one short write transaction, under a row lock on
PostgreSQL and BEGIN IMMEDIATE on SQLite, so concurrent wrong attempts are counted exactly.

Sign-in is throttled three ways. At most SIGN_IN_CONCURRENCY argon2 computations (64 MiB each) run
at once in a process; an attempt that cannot get a slot within SIGN_IN_WAIT_SECONDS is answered
BUSY, so a burst of attempts costs a bounded amount of memory. Every address, whether or not it
has an account, is locked for LOCK_MINUTES by LOCK_AFTER failures in a row (an account's row
follows the same count), and a client is told to wait after CLIENT_ATTEMPTS failures within
LOCK_MINUTES: both counted in the database (sign_in_attempt), so they hold across replicas, and
neither tells which addresses have accounts.

A staff session is a row (staff_session) checked on every run: revoked, past its absolute
lifetime, idle too long, or its account removed, locked or given a new password (which revoke the
account's sessions in the same transaction) all end it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY

from readiness import store
from readiness.models import StaffSessionRecord, StaffUser, utcnow
from readiness.store import StaffEvent

LOCK_AFTER = 5
LOCK_MINUTES = 15
IDLE_MINUTES = 30
SESSION_HOURS = 12
GRANT_SECONDS = 60
TOUCH_SECONDS = 60  # last_seen is written at most once a minute per session
SIGN_IN_CONCURRENCY = 2
SIGN_IN_WAIT_SECONDS = 5.0
CLIENT_ATTEMPTS = 30  # failed attempts per client within LOCK_MINUTES
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
MAX_EMAIL_LENGTH = 254

# RFC 9106's second recommendation: argon2id, t=3, 64 MiB, p=4.
HASHER = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)

_EMAIL_SHAPE = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


class AuthError(ValueError):
    """A staff-account change refused, with a message fit to show to whoever asked for it."""


class Outcome(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"
    UNKNOWN = "unknown"
    BUSY = "busy"  # no argon2 slot free in time, or this client tried too often


@dataclass(frozen=True)
class AuthResult:
    """What a sign-in attempt came to. Show `public_outcome`, never `outcome`, to the user."""

    outcome: Outcome
    user: StaffUser | None = None
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK

    @property
    def public_outcome(self) -> Outcome:
        """UNKNOWN shows as WRONG, so a sign-in form never tells which emails exist."""
        return Outcome.WRONG if self.outcome is Outcome.UNKNOWN else self.outcome


# --- passwords and emails ------------------------------------------------------------------------


_argon2_slots = threading.BoundedSemaphore(SIGN_IN_CONCURRENCY)


def set_sign_in_concurrency(slots: int) -> None:
    """Replace the process's argon2 slots (benches and tests; call it while nothing signs in)."""
    global _argon2_slots
    _argon2_slots = threading.BoundedSemaphore(slots)


@contextmanager
def _argon2_slot(wait: float) -> Iterator[bool]:
    """One of the process's argon2 slots, waited for up to `wait` seconds; False when none."""
    slots = _argon2_slots
    got = slots.acquire(timeout=wait)
    try:
        yield got
    finally:
        if got:
            slots.release()


def hash_password(password: str) -> str:
    with _argon2_slot(wait=60) as _:  # an administrator's command: it waits its turn
        return HASHER.hash(password)


def verify(password_hash: str, password: str) -> tuple[bool, str | None]:
    """Whether `password` matches, and a fresh hash when the stored one uses older parameters.

    Callers on the sign-in path hold an argon2 slot (`authenticate`)."""
    try:
        HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False, None
    if HASHER.check_needs_rehash(password_hash):
        return True, HASHER.hash(password)
    return True, None


_dummy: dict[PasswordHasher, str] = {}


def _dummy_hash() -> str:
    """A hash with the current parameters, verified against for unknown emails."""
    if HASHER not in _dummy:
        _dummy.clear()
        _dummy[HASHER] = HASHER.hash("not a real password; verifying it only spends time")
    return _dummy[HASHER]


def normalize_email(email: str) -> str:
    """The email trimmed and lower-cased; AuthError when it is not shaped like an address."""
    value = (email or "").strip().lower()
    if not value or len(value) > MAX_EMAIL_LENGTH or not _EMAIL_SHAPE.fullmatch(value):
        raise AuthError(f"{email.strip()!r} is not an email address")
    return value


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AuthError(f"the password may have at most {MAX_PASSWORD_LENGTH} characters")


# --- accounts ------------------------------------------------------------------------------------


def add_staff(
    *, engine: sa.Engine, email: str, password: str, display_name: str = "", actor: str = "cli"
) -> StaffUser:
    """Create a staff account; refuses a malformed or taken email and a short password."""
    email = normalize_email(email)
    check_password(password)
    display_name = display_name.strip()
    if len(display_name) > 120:
        raise AuthError("the display name may have at most 120 characters")
    user = StaffUser(email=email, password_hash=hash_password(password), display_name=display_name)
    event = StaffEvent(actor, "staff.add", {"email": email})
    if not store.add_staff_user(engine=engine, user=user, event=event):
        raise AuthError(f"a staff account for {email} already exists")
    return user


def set_password(*, engine: sa.Engine, email: str, password: str, actor: str = "cli") -> None:
    """Replace a staff member's password; also clears a lock and the failure counter."""
    email = normalize_email(email)
    check_password(password)
    new_hash = hash_password(password)

    def replace(user: StaffUser) -> tuple[bool, StaffEvent]:
        user.password_hash = new_hash
        user.failed_attempts = 0
        user.locked_until = None
        return True, StaffEvent(actor, "staff.password", {"email": email}, ends_sessions=True)

    if not store.change_staff_user(engine=engine, email=email, change=replace):
        raise AuthError(f"no staff account for {email}")
    store.clear_sign_in_failures(engine=engine, account_key=_account_key(email))


def remove_staff(*, engine: sa.Engine, email: str, actor: str = "cli") -> bool:
    """Delete a staff account; False when there was none."""
    email = normalize_email(email)
    event = StaffEvent(actor, "staff.remove", {"email": email})
    return store.delete_staff_user(engine=engine, email=email, event=event)


def get_staff(*, engine: sa.Engine, email: str) -> StaffUser | None:
    try:
        email = normalize_email(email)
    except AuthError:
        return None
    return store.staff_user(engine=engine, email=email)


def list_staff(*, engine: sa.Engine) -> list[StaffUser]:
    return store.staff_users(engine=engine)


# --- signing in ----------------------------------------------------------------------------------


def _locked(user: StaffUser, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _account_key(email: str) -> str:
    """The address as throttling knows it: a digest, the same whether or not it has an account."""
    return _digest("account:" + (email or "").strip().lower())


def authenticate(
    *,
    engine: sa.Engine,
    email: str,
    password: str,
    client: str = "",
    now: datetime | None = None,
    wait: float = SIGN_IN_WAIT_SECONDS,
) -> AuthResult:
    """Check a sign-in attempt from `client` (an address the page knows it by), throttled.

    BUSY when no argon2 slot frees within `wait` seconds or the client has failed
    CLIENT_ATTEMPTS times within LOCK_MINUTES (nothing is checked or counted); LOCKED, without a
    check, while the address is locked, and on the failed attempt that locks it (the LOCK_AFTER-th
    in a row), for any address, known or not.
    """
    now = now or utcnow()
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    account_key = _account_key(email)
    client_key = _digest("client:" + client)
    with _argon2_slot(wait) as got:
        if not got:
            return AuthResult(Outcome.BUSY)
        gate = store.open_sign_in_attempt(
            engine=engine,
            account_key=account_key,
            client_key=client_key,
            now=now,
            lock_for=timedelta(minutes=LOCK_MINUTES),
            account_limit=LOCK_AFTER,
            client_since=now - timedelta(minutes=LOCK_MINUTES),
            client_limit=CLIENT_ATTEMPTS,
        )
        if gate.client_blocked:
            return AuthResult(Outcome.BUSY)
        if gate.attempt_id is None:
            return AuthResult(Outcome.LOCKED, locked_until=gate.locked_until)
        result = _check(
            engine=engine, email=email, password=password, now=now, lock_on_failure=gate.locks
        )
    store.settle_sign_in_attempt(engine=engine, attempt_id=gate.attempt_id, ok=result.ok)
    if result.outcome is Outcome.UNKNOWN and gate.locks:
        # The same answer, at the same attempt, as an account gets.
        return AuthResult(Outcome.LOCKED, locked_until=now + timedelta(minutes=LOCK_MINUTES))
    return result


def _check(
    *, engine: sa.Engine, email: str, password: str, now: datetime, lock_on_failure: bool
) -> AuthResult:
    """Check a sign-in attempt against the account and record it there.

    A wrong password that `lock_on_failure` (the LOCK_AFTER-th in a row, as counted for every
    address in `authenticate`) locks the account for LOCK_MINUTES and answers LOCKED; while locked
    even the right password is refused and attempts are not counted. Success resets the counter,
    records the time and upgrades an outdated hash. An unknown email costs one dummy
    verification, so it takes as long as a wrong password, and writes nothing here.
    """
    try:
        email = normalize_email(email)
    except AuthError:
        verify(_dummy_hash(), password)
        return AuthResult(Outcome.UNKNOWN)
    seen = store.staff_user(engine=engine, email=email)
    if seen is None:
        verify(_dummy_hash(), password)
        return AuthResult(Outcome.UNKNOWN)
    matches, rehashed = verify(seen.password_hash, password)  # locked or not: the same cost

    def attempt(user: StaffUser) -> tuple[AuthResult, StaffEvent | None]:
        """Decide the attempt on the row as it is now, under its lock."""
        nonlocal matches, rehashed
        if _locked(user, now):  # by an attempt counted after this one: a wrong one stays wrong
            if matches:
                return AuthResult(Outcome.LOCKED, locked_until=user.locked_until), None
            return AuthResult(Outcome.WRONG), None
        if user.password_hash != seen.password_hash:  # changed meanwhile: check the new one
            matches, rehashed = verify(user.password_hash, password)
        if matches:
            user.failed_attempts = 0
            user.locked_until = None
            user.last_login_at = now
            if rehashed:
                user.password_hash = rehashed
            event = StaffEvent(email, "staff.login", {"rehashed": rehashed is not None})
            return AuthResult(Outcome.OK, user=user), event
        user.failed_attempts += 1  # shown by `readiness staff list`; the lock follows the gate
        if not lock_on_failure:
            return AuthResult(Outcome.WRONG), None
        user.failed_attempts = 0
        user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
        detail = {"after": LOCK_AFTER, "until": user.locked_until.isoformat()}
        return AuthResult(Outcome.LOCKED, locked_until=user.locked_until), StaffEvent(
            email, "staff.locked", detail, ends_sessions=True
        )

    result = store.change_staff_user(engine=engine, email=email, change=attempt)
    return result if result is not None else AuthResult(Outcome.UNKNOWN)


# --- sessions and single sign-on -----------------------------------------------------------------


class SessionEnd(StrEnum):
    """Why a staff session no longer holds; the page says so in words (staff.ended_*)."""

    REVOKED = "revoked"  # signed out, or the account was removed, locked or given a new password
    EXPIRED = "expired"  # past its absolute lifetime
    IDLE = "idle"


@dataclass(frozen=True)
class LiveSession:
    """A staff session that holds, with its account as it is now."""

    id: int
    email: str
    name: str


@dataclass(frozen=True)
class NewSession:
    """A session just begun: its id, and the one-time grant the browser turns into its cookie."""

    id: int
    grant: str


def _token() -> str:
    return secrets.token_urlsafe(32)


def start_session(
    *,
    engine: sa.Engine,
    user: StaffUser,
    lifetime_hours: int = SESSION_HOURS,
    now: datetime | None = None,
) -> NewSession:
    """Begin a session for an account just signed in to; it ends `lifetime_hours` from now."""
    now = now or utcnow()
    assert user.id is not None
    grant = _token()
    record = StaffSessionRecord(
        staff_user_id=user.id,
        grant_hash=_digest(grant),
        grant_expires_at=now + timedelta(seconds=GRANT_SECONDS),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=lifetime_hours),
    )
    return NewSession(store.create_staff_session(engine=engine, record=record), grant)


def redeem_grant(*, engine: sa.Engine, grant: str, now: datetime | None = None) -> str | None:
    """The session token a live, unused grant stands for (a grant works once, for
    GRANT_SECONDS); None otherwise. Only the token's digest is stored."""
    if not grant or len(grant) > 100:
        return None
    token = _token()
    redeemed = store.redeem_staff_grant(
        engine=engine, grant_hash=_digest(grant), token_hash=_digest(token), now=now or utcnow()
    )
    return token if redeemed else None


def check_session(
    *,
    engine: sa.Engine,
    session_id: int | None = None,
    token: str | None = None,
    idle_minutes: int = IDLE_MINUTES,
    now: datetime | None = None,
) -> LiveSession | SessionEnd | None:
    """The session (by id, or by the browser's token) if it still holds, and records that it was
    seen; why it ended otherwise; None when there is no such session."""
    now = now or utcnow()
    found = store.staff_session_with_user(
        engine=engine,
        session_id=session_id,
        token_hash=_digest(token) if token and session_id is None else None,
    )
    if found is None:
        return SessionEnd.REVOKED if session_id is not None else None
    record, user = found
    if record.revoked_at is not None or _locked(user, now):
        return SessionEnd.REVOKED
    if record.expires_at <= now:
        return SessionEnd.EXPIRED
    if session_expired(record.last_seen_at, now, idle_minutes=idle_minutes):
        store.revoke_staff_session(engine=engine, session_id=record.id or 0, now=now)
        return SessionEnd.IDLE
    if now - record.last_seen_at >= timedelta(seconds=TOUCH_SECONDS):
        store.touch_staff_session(engine=engine, session_id=record.id or 0, now=now)
    return LiveSession(record.id or 0, user.email, user.display_name or user.email)


def end_session(*, engine: sa.Engine, session_id: int, now: datetime | None = None) -> None:
    """Sign out: the session is revoked on every replica."""
    store.revoke_staff_session(engine=engine, session_id=session_id, now=now or utcnow())


def session_expired(
    last_seen: datetime, now: datetime, *, idle_minutes: int = IDLE_MINUTES
) -> bool:
    """Whether a staff session seen last at `last_seen` has been idle too long by `now`."""
    return now - last_seen >= timedelta(minutes=idle_minutes)


def _entries(value: str | Iterable[str] | None) -> list[str]:
    if value is None:
        return []
    parts = value.split(",") if isinstance(value, str) else value
    return [str(part).strip().lower() for part in parts if str(part).strip()]


def allow_list_from(
    env_value: str | Iterable[str] | None, secrets_value: list[str] | str | None
) -> list[str]:
    """Staff emails allowed through OIDC: READINESS_STAFF_EMAILS when set, else the secrets list.

    Entries are exact emails or "@domain" suffixes; either source may be comma-separated text.
    """
    entries = _entries(env_value) or _entries(secrets_value)
    return list(dict.fromkeys(entries))


def staff_email_allowed(email: str, allow_list: Iterable[str]) -> bool:
    """Whether `email` is listed, exactly or by an "@domain" entry; empty allows none."""
    try:
        email = normalize_email(email)
    except AuthError:
        return False
    for entry in _entries(allow_list):
        if entry.startswith("@") and email.endswith(entry):
            return True
        if email == entry:
            return True
    return False
