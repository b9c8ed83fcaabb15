"""Many writers at once: nothing fails with "database is locked", nothing is lost."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import sqlalchemy as sa

from readiness import store
from readiness.bank import Bank
from readiness.cli import main
from readiness.profile import CompanyProfile

WRITERS = 8
PER_WRITER = 3


def _journey(engine: sa.Engine, bank: Bank, n: int, errors: list[BaseException]) -> None:
    try:
        for k in range(PER_WRITER):
            company, _ = store.create_company(
                engine=engine,
                profile=CompanyProfile(name=f"동시 {n}-{k}", ksic="C22", employees=20),
            )
            draft = store.start_assessment(
                engine=engine, company_id=company.id, wave=2026, mode="quick", bank=bank
            )
            for item_id in bank.item_ids(quick_only=True):
                store.save_answer(
                    engine=engine, bank=bank, assessment_id=draft.id, item_id=item_id, level=n % 6
                )
            store.submit_assessment(engine=engine, bank=bank, assessment_id=draft.id)
    except BaseException as exc:  # collected and asserted below
        errors.append(exc)


def test_concurrent_journeys_all_land(engine: sa.Engine, bank: Bank) -> None:
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=_journey, args=(engine, bank, n, errors)) for n in range(WRITERS)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    facts = store.summary(engine=engine)
    assert facts.companies == WRITERS * PER_WRITER
    assert facts.submitted == WRITERS * PER_WRITER
    report = store.verify_audit(engine=engine)
    assert report.ok and report.checked == 2 * WRITERS * PER_WRITER


def test_backup_while_writers_run(sqlite_url: str, tmp_path: Path, bank: Bank) -> None:
    from readiness.db import make_engine, upgrade

    engine = make_engine(sqlite_url)
    upgrade(engine)
    errors: list[BaseException] = []
    writers = [threading.Thread(target=_journey, args=(engine, bank, n, errors)) for n in range(4)]
    for th in writers:
        th.start()
    out = tmp_path / "during.sqlite3"
    assert main(["--database-url", sqlite_url, "backup", str(out)]) == 0
    for th in writers:
        th.join()
    assert errors == []
    with sqlite3.connect(out) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        companies = conn.execute("select count(*) from company").fetchone()[0]
        events = conn.execute("select count(*) from audit_event").fetchone()[0]
    assert 0 <= companies <= 4 * PER_WRITER and events >= companies
    assert main(["--database-url", f"sqlite:///{out}", "audit", "verify"]) == 0
