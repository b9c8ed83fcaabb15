"""Bulk loading: streamed, all or nothing, audited once; and the demo seeded once under a race."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import select

from readiness import store, synth
from readiness.bank import Bank
from readiness.db import make_engine, read_session
from readiness.models import AuditEvent, Company
from readiness.profile import CompanyProfile

WHEN = datetime(2025, 5, 1, 9, 30, tzinfo=UTC)


def _company(company_id: int, **changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "id": company_id,
        "name": f"벌크 {company_id}",
        "biz_no": None,
        "ksic": "C25",
        "employees": 12,
        "size_band": "10-49",
        "revenue_band": None,
        "region": "41",
        "export_share": 0.25,
        "markets": ["VN", "US"],
        "roles": ["components"],
        "products": "금형",
        "consent_suggest": True,
        "consent_named": False,
        "synthetic": True,
        "verified": True,
        "respondent": False,
        "member_id": None,
        "member_via": None,
        "token_hash": None,
        "created_at": WHEN,
    }
    return {**row, **changes}


def _events(engine: sa.Engine) -> list[AuditEvent]:
    with read_session(engine) as session:
        return list(session.exec(select(AuditEvent).order_by(AuditEvent.id)).all())  # type: ignore[arg-type]


def test_one_batch_is_written_and_audited_with_its_counts(engine: sa.Engine) -> None:
    counts = store.bulk_insert(
        engine=engine,
        rows={Company: [_company(1), _company(2)]},
        actor="staff@example.org",
        action="import.members",
        detail={"file": "members.xlsx"},
    )
    assert counts == {"company": 2}
    [event] = _events(engine)
    assert event.action == "import.members"
    assert json.loads(event.detail) == {"file": "members.xlsx", "company": 2}


def test_streamed_batches_are_all_or_nothing(engine: sa.Engine) -> None:
    def batches() -> Iterator[store.RowBatch]:
        yield {Company: [_company(1)]}
        yield {Company: [_company(2)]}
        raise RuntimeError("the source broke half way")

    with pytest.raises(RuntimeError):
        store.bulk_insert(engine=engine, rows=batches(), actor="t", action="import.members")
    assert store.is_empty(engine=engine)
    assert _events(engine) == []


def test_fast_path_stores_json_booleans_and_times_as_the_orm_reads_them(
    engine: sa.Engine,
) -> None:
    store.bulk_insert(engine=engine, rows={Company: [_company(7)]}, actor="t", action="import")
    company = store.get_company(engine=engine, company_id=7)
    assert company is not None
    assert company.markets == ["VN", "US"]
    assert company.roles == ["components"]
    assert company.consent_suggest is True and company.consent_named is False
    assert company.synthetic is True
    assert company.export_share == pytest.approx(0.25)
    assert company.created_at == WHEN


def test_a_callable_gets_the_next_ids_read_inside_the_transaction(
    engine: sa.Engine, profile: CompanyProfile
) -> None:
    existing, _ = store.create_company(engine=engine, profile=profile)
    seen: list[dict[str, int]] = []

    def rows(ids: dict[str, int]) -> list[store.RowBatch]:
        seen.append(ids)
        return [{Company: [_company(ids["company"])]}]

    store.bulk_insert(engine=engine, rows=rows, actor="t", action="import")
    assert seen == [{"company": existing.id + 1, "assessment": 1}]
    assert store.get_company(engine=engine, company_id=existing.id + 1) is not None


def test_members_created_after_a_bulk_load_get_fresh_ids(engine: sa.Engine) -> None:
    """On PostgreSQL the serial sequence must move past explicitly inserted ids."""
    store.bulk_insert(
        engine=engine, rows={Company: [_company(i) for i in (1, 2, 3)]}, actor="t", action="import"
    )
    company, _ = store.create_company(
        engine=engine, profile=CompanyProfile(name="새 회원", ksic="C10", employees=3)
    )
    assert company.id == 4


def test_racing_ensure_demo_calls_seed_exactly_once(
    db_url: str, bank: Bank, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two processes (two engines) both find the database empty; only one may seed."""
    from readiness.db import upgrade

    engines = [make_engine(db_url) for _ in range(2)]
    upgrade(engines[0])
    # Make both skip the cheap pre-check, so both reach the check inside the write transaction.
    monkeypatch.setattr(synth.store, "is_empty", lambda **_: True)
    start = threading.Barrier(2)
    outcomes: list[bool | BaseException] = []

    def run(engine: sa.Engine) -> None:
        start.wait()
        try:
            outcomes.append(synth.ensure_demo(engine=engine, bank=bank, companies=150, waves=2))
        except BaseException as exc:  # asserted below
            outcomes.append(exc)

    threads = [threading.Thread(target=run, args=(e,)) for e in engines]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(outcomes, key=str) == [False, True]
    monkeypatch.undo()
    assert store.summary(engine=engines[0]).companies == 150
    with read_session(engines[0]) as session:
        assert store.verify_audit(engine=engines[0]).ok
        assert [e.action for e in session.exec(select(AuditEvent)).all()] == ["demo.seed"]
    for engine in engines:
        engine.dispose()
