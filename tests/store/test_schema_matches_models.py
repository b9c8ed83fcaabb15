"""The Alembic migrations build exactly the schema the SQLModel models describe, on PostgreSQL too.

tests/unit/test_architecture.py checks the same on SQLite alone, in the fast lane.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import readiness.models  # noqa: F401  (registers the tables on SQLModel.metadata)


def test_the_migrated_schema_is_the_models_schema(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        drift = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert drift == [], f"models and migrations differ; add a migration for: {drift}"
