from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import readiness.models  # noqa: F401  (registers every table on SQLModel.metadata)
from readiness.models import Company, CompanyBase


def test_the_migrated_schema_matches_the_models(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_the_company_table_is_built_on_the_profile_base() -> None:
    assert issubclass(Company, CompanyBase)
    assert set(CompanyBase.model_fields) <= set(sa.inspect(Company).columns.keys())
