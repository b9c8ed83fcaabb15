from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import readiness.models  # noqa: F401  (registers every table on SQLModel.metadata)
from readiness.models import Company, CompanyBase

ROOT = Path(__file__).resolve().parents[2]


def test_the_migrated_schema_matches_the_models(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_the_company_table_is_built_on_the_profile_base() -> None:
    assert issubclass(Company, CompanyBase)
    assert set(CompanyBase.model_fields) <= set(sa.inspect(Company).columns.keys())


REPLICAS_AT_ONCE = 8  # before the lock, 1-7 of 8 failed in every try on either database


def test_replicas_starting_together_migrate_an_empty_database_once(db_url: str) -> None:
    """Replicas started at once on an empty database each run the upgrade in their own process:
    they queue on a lock (PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE) and the later
    ones find the schema at head, instead of failing on a duplicate alembic_version table or a
    locked database."""
    code = "import sys; from readiness.db import make_engine as m, upgrade as u; u(m(sys.argv[1]))"
    replicas = [
        subprocess.Popen(
            [sys.executable, "-c", code, db_url],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(REPLICAS_AT_ONCE)
    ]
    failures = []
    for replica in replicas:
        _, err = replica.communicate(timeout=120)
        if replica.returncode:
            failures.append(err.strip().splitlines()[-3:])
    assert failures == []
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            versions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, SQLModel.metadata) == []
        assert len(versions) == 1
    finally:
        engine.dispose()
