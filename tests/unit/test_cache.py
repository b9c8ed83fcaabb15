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


def test_peer_dimensions_are_shared_by_the_group_and_take_a_new_submission_once_expired(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """One read of the group's dimension scores serves every company of it; a member's new
    submission counts in the targets once the cached entries expire (their TTL, or a bulk change's
    new data version), not at once."""
    from components import cache
    from readiness import results, store, synth
    from readiness.bank import default_bank
    from readiness.profile import CompanyProfile

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'peers.sqlite3'}")
    engine, bank = cache.engine(), default_bank()
    synth.seed_demo(engine=engine, bank=bank, companies=40, waves=1, seed=5, last_wave=2026)
    reads: list[tuple[str | None, str | None]] = []
    read = results.peer_dimension_frame

    def counted(*args: object) -> object:
        reads.append(args[-2:])  # type: ignore[arg-type]
        return read(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(results, "peer_dimension_frame", counted)
    key = (2026, "full", bank.version, "C29", None)  # the division's group
    before = cache.peer_dimension_frame(*key)
    assert cache.peer_dimension_frame(*key).equals(before) and reads == [("C29", None)]

    company, _ = store.create_company(
        engine=engine,
        profile=CompanyProfile(name="가람정밀", ksic="C29", employees=20),
        verified=True,
    )
    draft = store.start_assessment(
        engine=engine, company_id=company.id, wave=2026, mode="full", bank=bank
    )
    answers = {item.id: 3 + n % 3 for n, item in enumerate(bank.items)}
    store.submit_assessment(engine=engine, bank=bank, assessment_id=draft.id, answers=answers)
    assert cache.peer_dimension_frame(*key).equals(before)  # shared until it expires
    assert len(reads) == 1

    st.cache_data.clear()  # what the TTL (or a new data version) does to the entries
    after = cache.peer_dimension_frame(*key)
    assert len(reads) == 2
    assert company.id in set(after["company_id"]) and company.id not in set(before["company_id"])
    assert len(after) == len(before) + 1


def test_a_company_that_submitted_after_the_wave_was_cached_gets_its_members_from_its_division(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Its cluster partners are those ranked over the whole wave, read afresh; the wave's cached
    frame is not read again for it, only its own division's rows."""
    from components import cache
    from readiness import clusters, store, synth
    from readiness.bank import default_bank
    from readiness.profile import CompanyProfile

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'members.sqlite3'}")
    engine, bank = cache.engine(), default_bank()
    synth.seed_demo(engine=engine, bank=bank, companies=150, waves=1, seed=5, last_wave=2026)
    reads: list[tuple[str, ...]] = []
    read = clusters.member_frame

    def counted(**kwargs: object) -> object:
        reads.append(tuple(kwargs.get("ksic", ())))  # type: ignore[arg-type]
        return read(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(clusters, "member_frame", counted)
    cache.member_frame(2026, verified_only=True)  # another company's results cached it
    profile = CompanyProfile(
        name="가람정밀", ksic="C10", employees=20, roles=["final_product"], consent_suggest=True
    )
    company, _ = store.create_company(engine=engine, profile=profile)
    draft = store.start_assessment(
        engine=engine, company_id=company.id, wave=2026, mode="full", bank=bank
    )
    answers = {item.id: 1 + n % 2 for n, item in enumerate(bank.items)}  # weak pillars to cover
    store.submit_assessment(engine=engine, bank=bank, assessment_id=draft.id, answers=answers)

    shown = cache.complementary_members(company.id, "C10", 2026, "ko")
    assert reads == [(), ("C10",)]
    monkeypatch.setattr(clusters, "member_frame", read)
    fresh = clusters.complementary_members(
        engine=engine, company_id=company.id, wave=2026, viewer="company", limit=3, lang="ko"
    )
    assert shown == fresh and len(shown) == 3
