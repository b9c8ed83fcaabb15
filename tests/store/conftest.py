from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from readiness.bank import Bank, default_bank
from readiness.db import make_engine, upgrade
from readiness.profile import CompanyProfile


@pytest.fixture
def engine(db_url: str) -> Iterator[sa.Engine]:
    """A migrated, empty database; once on SQLite and once on PostgreSQL."""
    eng = make_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def bank() -> Bank:
    return default_bank()


@pytest.fixture
def profile() -> CompanyProfile:
    return CompanyProfile(
        name="한빛정밀",
        biz_no="124-81-00998",
        ksic="C29",
        employees=45,
        region="41",
        export_share=0.2,
        markets=["US", "VN"],
        roles=["components"],
        products="CNC 정밀 가공 부품",
        consent_suggest=True,
    )
