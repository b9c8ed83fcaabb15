"""Staff accounts: argon2id password hashes, lock-out after repeated failures, session expiry.

Pure domain code (no streamlit). Passwords are hashed outside the write transaction, so a burst of
sign-in attempts never holds the database's write lock for the length of an argon2 computation; the
counter and the lock are then decided inside one short write transaction, under a row lock on
PostgreSQL and BEGIN IMMEDIATE on SQLite, so concurrent wrong attempts are counted exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY

from readiness import store
from readiness.models import StaffUser, utcnow
from readiness.store import StaffEvent

LOCK_AFTER = 5
LOCK_MINUTES = 15
IDLE_MINUTES = 30
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


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify(password_hash: str, password: str) -> tuple[bool, str | None]:
    """Whether `password` matches, and a fresh hash when the stored one uses older parameters."""
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
        return True, StaffEvent(actor, "staff.password", {"email": email})

    if not store.change_staff_user(engine=engine, email=email, change=replace):
        raise AuthError(f"no staff account for {email}")


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


def authenticate(
    *, engine: sa.Engine, email: str, password: str, now: datetime | None = None
) -> AuthResult:
    """Check a sign-in attempt and record it.

    LOCK_AFTER consecutive wrong passwords lock the account for LOCK_MINUTES (the attempt that
    starts the lock already answers LOCKED); while locked even the right password is refused and
    attempts are not counted. Success resets the counter, records the time and upgrades an
    outdated hash. An unknown email costs one dummy verification, so it takes as long as a wrong
    password, and writes nothing.
    """
    now = now or utcnow()
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    try:
        email = normalize_email(email)
    except AuthError:
        verify(_dummy_hash(), password)
        return AuthResult(Outcome.UNKNOWN)
    seen = store.staff_user(engine=engine, email=email)
    if seen is None:
        verify(_dummy_hash(), password)
        return AuthResult(Outcome.UNKNOWN)
    if _locked(seen, now):
        return AuthResult(Outcome.LOCKED, locked_until=seen.locked_until)
    matches, rehashed = verify(seen.password_hash, password)

    def attempt(user: StaffUser) -> tuple[AuthResult, StaffEvent | None]:
        """Decide the attempt on the row as it is now, under its lock."""
        nonlocal matches, rehashed
        if _locked(user, now):
            return AuthResult(Outcome.LOCKED, locked_until=user.locked_until), None
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
        user.failed_attempts += 1
        if user.failed_attempts < LOCK_AFTER:
            return AuthResult(Outcome.WRONG), None
        user.failed_attempts = 0
        user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
        detail = {"after": LOCK_AFTER, "until": user.locked_until.isoformat()}
        return AuthResult(Outcome.LOCKED, locked_until=user.locked_until), StaffEvent(
            email, "staff.locked", detail
        )

    result = store.change_staff_user(engine=engine, email=email, change=attempt)
    return result if result is not None else AuthResult(Outcome.UNKNOWN)


# --- sessions and single sign-on -----------------------------------------------------------------


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
