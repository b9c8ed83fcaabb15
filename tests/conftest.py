"""Fixtures shared by the whole suite: database URLs and environment isolation.

`db_url` runs a test once on SQLite and once on PostgreSQL. The PostgreSQL server comes from
TEST_POSTGRES_URL (scripts/test.sh starts a throwaway one and sets it); each test gets a fresh
database on it, dropped afterwards.
"""

from __future__ import annotations

import email.message
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from psycopg import sql
from sqlalchemy.engine import make_url

from readiness import config
from readiness.config import Smtp

POSTGRES_URL_ENV = "TEST_POSTGRES_URL"
SMTP_VARIABLES = tuple(name for name in config.VARIABLES if name.startswith("READINESS_SMTP_"))


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _libpq_conninfo(sqlalchemy_url: str, database: str) -> str:
    """The SQLAlchemy URL rewritten for psycopg itself (no '+driver'), pointing at `database`."""
    url = make_url(sqlalchemy_url).set(drivername="postgresql", database=database)
    return url.render_as_string(hide_password=False)


@pytest.fixture(autouse=True)
def _isolated_database_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may reach the developer's own database through DATABASE_URL."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    for name in SMTP_VARIABLES:  # nor send mail through the developer's server
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv(config.AUDIT_KEY, raising=False)  # nor sign with the developer's key


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """URL of a SQLite file that does not exist yet, private to this test."""
    return f"sqlite:///{tmp_path / 'readiness.db'}"


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """The SQLAlchemy URL in TEST_POSTGRES_URL; skips (fails under CI) when it is not set."""
    url = os.environ.get(POSTGRES_URL_ENV, "").strip()
    if url:
        return url
    message = (
        f"{POSTGRES_URL_ENV} is not set: no PostgreSQL server to test against "
        "(scripts/test.sh starts one)"
    )
    if running_in_ci():
        pytest.fail(f"{message}; CI must test PostgreSQL", pytrace=False)
    pytest.skip(message)


@contextmanager
def fresh_postgres_database(server_url: str) -> Iterator[str]:
    """URL of a new, empty database on the server at `server_url`; dropped on exit."""
    name = f"readiness_t_{uuid.uuid4().hex[:16]}"
    admin_conninfo = _libpq_conninfo(server_url, "postgres")
    with psycopg.connect(admin_conninfo, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin_conninfo, autocommit=True) as conn:
            # FORCE: a test that leaked a pooled connection must not block the drop.
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """URL of a new, empty PostgreSQL database private to this test; dropped afterwards."""
    with fresh_postgres_database(postgres_server_url) as url:
        yield url


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def db_url(request: pytest.FixtureRequest) -> str:
    """A fresh, empty database: the test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


class Inbox(Message):
    def __init__(self) -> None:
        super().__init__(message_class=email.message.EmailMessage)
        self.received: list[email.message.EmailMessage] = []

    def handle_message(self, message: email.message.Message) -> None:
        self.received.append(message)  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Smtp, Inbox]]:
    """A real SMTP server on loopback (aiosmtpd, no TLS) and the messages it received."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield (
            Smtp(
                host="127.0.0.1", port=controller.port, sender="noreply@example.kr", starttls=False
            ),
            inbox,
        )
    finally:
        controller.stop()
