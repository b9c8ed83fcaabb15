"""The settings the app reads from its environment, in one place.

`settings()` is the only reader. It parses the variables once per distinct set of values, so a
process that changes its environment (a test with monkeypatch, a bench script) is never handed
stale settings, and a malformed value fails with a message that names the variable.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

import sqlalchemy as sa

from readiness.paths import VAR_DIR

DEFAULT_SQLITE_PATH = VAR_DIR / "readiness.sqlite3"

DATABASE_URL = "DATABASE_URL"
WAVE = "READINESS_WAVE"
DEMO = "READINESS_DEMO"
DEMO_COMPANIES = "READINESS_DEMO_COMPANIES"
DEMO_WAVES = "READINESS_DEMO_WAVES"
PUBLIC_URL = "READINESS_PUBLIC_URL"
STAFF_EMAILS = "READINESS_STAFF_EMAILS"
STAFF_IDLE_MINUTES = "READINESS_STAFF_IDLE_MINUTES"
STAFF_SESSION_HOURS = "READINESS_STAFF_SESSION_HOURS"
SMTP_HOST = "READINESS_SMTP_HOST"
SMTP_PORT = "READINESS_SMTP_PORT"
SMTP_USER = "READINESS_SMTP_USER"
SMTP_PASSWORD = "READINESS_SMTP_PASSWORD"
SMTP_FROM = "READINESS_SMTP_FROM"
SMTP_STARTTLS = "READINESS_SMTP_STARTTLS"
REGISTRATIONS_PER_HOUR = "READINESS_REGISTRATIONS_PER_HOUR"
REQUESTS_PER_HOUR = "READINESS_REQUESTS_PER_HOUR"
AUDIT_KEY = "READINESS_AUDIT_KEY"
AUDIT_KEY_MIN_CHARS = 32
VARIABLES = (
    DATABASE_URL,
    WAVE,
    DEMO,
    DEMO_COMPANIES,
    DEMO_WAVES,
    PUBLIC_URL,
    STAFF_EMAILS,
    STAFF_IDLE_MINUTES,
    STAFF_SESSION_HOURS,
    SMTP_HOST,
    SMTP_PORT,
    SMTP_USER,
    SMTP_PASSWORD,
    SMTP_FROM,
    SMTP_STARTTLS,
    REGISTRATIONS_PER_HOUR,
    REQUESTS_PER_HOUR,
    AUDIT_KEY,
)

_ON = frozenset({"1", "true", "yes", "on"})
_OFF = frozenset({"0", "false", "no", "off"})


class SettingsError(ValueError):
    """An environment variable holds a value the app cannot use; the message names it."""


@dataclass(frozen=True)
class Smtp:
    """A mail server to send from (READINESS_SMTP_*)."""

    host: str
    sender: str
    port: int = 587
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = True


@dataclass(frozen=True)
class Settings:
    """Every setting, typed, with its default; README's configuration table documents each."""

    database_url: str = f"sqlite:///{DEFAULT_SQLITE_PATH}"
    """Any SQLAlchemy URL; the default is an embedded SQLite file in var/."""
    wave: int | None = None
    """The yearly wave new assessments belong to; None means this year."""
    demo: bool = True
    """Whether an empty database is seeded with synthetic demo members at start."""
    demo_companies: int = 2000
    demo_waves: int = 3
    public_url: str | None = None
    """The address users reach the app at, without a trailing slash; None when not configured."""
    staff_emails: tuple[str, ...] = ()
    """The single sign-on allow-list (emails or "@domain" entries); empty defers to secrets."""
    staff_idle_minutes: int = 30
    """A staff session idle this long is signed out."""
    staff_session_hours: int = 12
    """A staff session ends this long after its sign-in, however busy (absolute lifetime)."""
    smtp: Smtp | None = None
    """The mail server that sends a CEO their private link; None: no e-mail is offered."""
    registrations_per_hour: int = 10
    """How many companies one client may create at /start in an hour (store.take_slot)."""
    requests_per_hour: int = 5
    """How many "send my link again" requests one client may send in an hour."""
    audit_key: bytes | None = field(default=None, repr=False)
    """The secret that signs the audit log's checkpoints (HMAC-SHA256); None: events are appended
    unsigned, and only a checkpoint kept off the server catches a rewrite with recomputed hashes."""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Settings:
        """Settings from `environ`; an unset or blank variable takes its default."""

        def raw(name: str) -> str:
            return (environ.get(name) or "").strip()

        defaults = cls()
        return cls(
            database_url=_database_url(raw(DATABASE_URL)) or defaults.database_url,
            wave=_whole(WAVE, raw(WAVE)),
            demo=_flag(DEMO, raw(DEMO), default=defaults.demo),
            demo_companies=_whole(DEMO_COMPANIES, raw(DEMO_COMPANIES)) or defaults.demo_companies,
            demo_waves=_whole(DEMO_WAVES, raw(DEMO_WAVES)) or defaults.demo_waves,
            public_url=_public_url(raw(PUBLIC_URL)),
            staff_emails=tuple(e.strip() for e in raw(STAFF_EMAILS).split(",") if e.strip()),
            staff_idle_minutes=(
                _whole(STAFF_IDLE_MINUTES, raw(STAFF_IDLE_MINUTES)) or defaults.staff_idle_minutes
            ),
            staff_session_hours=(
                _whole(STAFF_SESSION_HOURS, raw(STAFF_SESSION_HOURS))
                or defaults.staff_session_hours
            ),
            smtp=_smtp(raw),
            registrations_per_hour=(
                _whole(REGISTRATIONS_PER_HOUR, raw(REGISTRATIONS_PER_HOUR))
                or defaults.registrations_per_hour
            ),
            requests_per_hour=(
                _whole(REQUESTS_PER_HOUR, raw(REQUESTS_PER_HOUR)) or defaults.requests_per_hour
            ),
            audit_key=_audit_key(raw(AUDIT_KEY)),
        )


def settings() -> Settings:
    """The settings of the current environment."""
    return _parsed(tuple(os.environ.get(name) for name in VARIABLES))


@lru_cache(maxsize=16)
def _parsed(values: tuple[str | None, ...]) -> Settings:
    return Settings.from_environ(
        {name: value for name, value in zip(VARIABLES, values, strict=True) if value is not None}
    )


def _whole(name: str, raw: str) -> int | None:
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if value < 1:
        raise SettingsError(f"{name} must be at least 1, got {value}")
    return value


def _flag(name: str, raw: str, *, default: bool) -> bool:
    if not raw:
        return default
    if raw.lower() in _ON:
        return True
    if raw.lower() in _OFF:
        return False
    raise SettingsError(f"{name} must be 1 or 0 (true/false, yes/no, on/off), got {raw!r}")


def _database_url(raw: str) -> str | None:
    if not raw:
        return None
    try:
        sa.make_url(raw)
    except sa.exc.ArgumentError:
        # The value is not echoed: a URL may carry a password.
        raise SettingsError(
            f"{DATABASE_URL} is not a SQLAlchemy URL (e.g. postgresql+psycopg://user:pw@host/db)"
        ) from None
    return raw


def _public_url(raw: str) -> str | None:
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(
            f"{PUBLIC_URL} must be an http(s) address such as https://readiness.example.kr, "
            f"got {raw!r}"
        )
    return raw.rstrip("/")


def _audit_key(raw: str) -> bytes | None:
    if not raw:
        return None
    if len(raw) < AUDIT_KEY_MIN_CHARS:
        # The value is not echoed: it is a secret.
        raise SettingsError(
            f"{AUDIT_KEY} must be at least {AUDIT_KEY_MIN_CHARS} characters long "
            "(e.g. the output of: python -c 'import secrets; print(secrets.token_hex(32))')"
        )
    return raw.encode("utf-8")


def _smtp(raw: Callable[[str], str]) -> Smtp | None:
    host = raw(SMTP_HOST)
    if not host:
        for name in (SMTP_FROM, SMTP_USER, SMTP_PASSWORD):
            if raw(name):
                raise SettingsError(f"{name} is set but {SMTP_HOST} is not")
        return None
    sender = raw(SMTP_FROM)
    if not sender or "@" not in sender:
        raise SettingsError(
            f"{SMTP_FROM} must be the sender's address (e.g. noreply@example.kr) when "
            f"{SMTP_HOST} is set"
        )
    user, password = raw(SMTP_USER) or None, raw(SMTP_PASSWORD) or None
    if (user is None) != (password is None):
        raise SettingsError(f"{SMTP_USER} and {SMTP_PASSWORD} go together: set both or neither")
    return Smtp(
        host=host,
        sender=sender,
        port=_whole(SMTP_PORT, raw(SMTP_PORT)) or Smtp.port,
        user=user,
        password=password,
        starttls=_flag(SMTP_STARTTLS, raw(SMTP_STARTTLS), default=Smtp.starttls),
    )
