"""Alembic environment: runs against the engine handed over in config.attributes["engine"].

Replicas started together may each upgrade the same database: the upgrade's transaction first
takes a lock (PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE), so the first migrates and
the others then find the schema at head.
"""

import sqlalchemy as sa
from alembic import context
from sqlmodel import SQLModel

import readiness.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from readiness.db import WRITE_OPTION, make_engine

MIGRATION_LOCK_KEY = 724203  # pg_advisory_xact_lock key: one upgrade at a time per database

config = context.config
target_metadata = SQLModel.metadata


def _sqlite_foreign_keys(connection: sa.Connection, on: bool) -> None:
    """Outside a transaction (the only place SQLite honours it): a migration that rebuilds a table
    other tables point at (batch mode: copy, drop, rename) must not fire their ON DELETE
    CASCADE when the old table is dropped. Such a migration runs PRAGMA foreign_key_check."""
    driver = connection.connection.driver_connection
    assert driver is not None  # a connection in use holds its driver's connection
    driver.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")


def run_migrations_online() -> None:
    engine = config.attributes.get("engine") or make_engine()
    with engine.connect().execution_options(**{WRITE_OPTION: True}) as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, on=False)
        try:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK_KEY)))
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=sqlite,
                # One transaction for the whole upgrade, on SQLite too (its DDL is transactional):
                # alembic's SQLite default commits after each migration, which let a replica that
                # waited on the lock start between two migrations of another and run one twice.
                transactional_ddl=True,
            )
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
        finally:
            if sqlite:
                connection.rollback()
                _sqlite_foreign_keys(connection, on=True)


run_migrations_online()
