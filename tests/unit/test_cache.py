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
