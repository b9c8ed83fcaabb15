from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
import streamlit as st

from components.cache import shared


@pytest.fixture(autouse=True)
def _clean_caches(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("READINESS_DEMO", "0")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def test_each_shared_reader_has_its_own_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'a.sqlite3'}")

    @shared(ttl=60)
    def first(engine: sa.Engine, n: int) -> str:
        return f"first {n}"

    @shared(ttl=60)
    def second(engine: sa.Engine, n: int) -> str:
        return f"second {n}"

    assert (first(1), second(1), first(2)) == ("first 1", "second 1", "first 2")


def test_a_shared_reader_follows_the_configured_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[str] = []

    @shared(ttl=60)
    def database_of(engine: sa.Engine) -> str:
        calls.append(str(engine.url.database))
        return str(engine.url.database)

    a, b = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{a}")
    assert database_of() == str(a)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{b}")
    assert database_of() == str(b)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{a}")
    assert database_of() == str(a)
    assert calls == [str(a), str(b)]  # the third read came from the cache


def test_another_replicas_deletion_is_seen_within_the_data_version_ttl(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A deletion or import on one replica reaches the aggregates every replica caches (not only
    its own process's) within DATA_VERSION_TTL; a new company alone is left to the reader's TTL."""
    from components import cache
    from readiness import store
    from readiness.db import make_engine, upgrade
    from readiness.profile import CompanyProfile

    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    other_replica = make_engine(url)  # another process's engine: it shares only the database
    upgrade(other_replica)
    clock = [1000.0]
    monkeypatch.setattr(cache, "_version_clock", lambda: clock[0])
    cache.forget_data_version()

    @shared(ttl=3600)
    def companies(engine: sa.Engine) -> int:
        return store.summary(engine=engine).companies

    def make(name: str) -> int:
        company, _ = store.create_company(
            engine=other_replica, profile=CompanyProfile(name=name, ksic="C25", employees=12)
        )
        assert company.id is not None
        return company.id

    gone = make("가람정밀")
    assert companies() == 1
    store.delete_company(engine=other_replica, company_id=gone, actor="staff@example.org")
    assert companies() == 1  # within the version's TTL this replica may still show it
    clock[0] += cache.DATA_VERSION_TTL + 0.1
    assert companies() == 0  # then the other replica's deletion made the cached count stale

    make("나래산업")
    clock[0] += cache.DATA_VERSION_TTL + 0.1
    assert companies() == 0  # one new company does not evict every aggregate: its TTL does
    other_replica.dispose()
