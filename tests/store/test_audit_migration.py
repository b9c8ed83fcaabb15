"""Migration 0006 on a database with history (SQLite and PostgreSQL): the chain stays verifiable,
submissions' answers and scores leave the log, data is kept, and ids are not handed out again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from alembic import command

from readiness import audit, config, store
from readiness.bank import default_bank
from readiness.db import alembic_config, make_engine
from readiness.models import AuditEvent
from readiness.profile import CompanyProfile

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SECRET_OVERALL = 61.234567  # what only the deleted company's submission said


@pytest.fixture
def old_engine(db_url: str) -> Iterator[sa.Engine]:
    """A database at revision 0003 (before this migration)."""
    engine = make_engine(db_url)
    command.upgrade(alembic_config(engine), "0003")
    yield engine
    engine.dispose()


def _old_history(engine: sa.Engine) -> str:
    """Members 1 and 2 with a submission each, member 2 then deleted (its id the highest), and
    the log 0003 wrote of it: answers and scores in the submit events. Returns the old head."""
    members = [
        dict(id=i, name=f"회원 {i}", ksic="C25", employees=12, size_band="10-49") for i in (1, 2)
    ]
    with engine.begin() as conn:
        for c in members:
            conn.execute(
                sa.text(
                    "INSERT INTO company (id, name, ksic, employees, size_band, markets, roles, "
                    "products, consent_suggest, consent_named, synthetic, created_at) VALUES "
                    "(:id, :name, :ksic, :employees, :size_band, '[]', '[]', '', false, false, "
                    "false, :at)"
                ),
                {**c, "at": T0},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO assessment (id, company_id, wave, mode, status, bank_version, "
                    "overall, norm_eligible, created_at, updated_at) VALUES (:id, :id, 2026, "
                    "'quick', 'submitted', '2.0', :overall, false, :at, :at)"
                ),
                {"id": c["id"], "overall": SECRET_OVERALL if c["id"] == 2 else 50.0, "at": T0},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO answer (assessment_id, item_id, level) VALUES (:id, 'EXP01', 3)"
                ),
                {"id": c["id"]},
            )
        details = [
            ("company.create", "company", "1", {}),
            ("company.create", "company", "2", {}),
            ("assessment.submit", "assessment", "1", {"company_id": 1, "overall": 50.0}),
            ("assessment.submit", "assessment", "2", {"company_id": 2, "overall": SECRET_OVERALL}),
            ("company.delete", "company", "2", {"synthetic": False}),
        ]
        prev = audit.GENESIS
        for seq, (action, entity, entity_id, detail) in enumerate(details, start=1):
            if action == "assessment.submit":
                detail |= {"wave": 2026, "mode": "quick", "bank_version": "2.0"}
                detail["answers"] = {"EXP01": 3, "EXP02": 4}
            event = AuditEvent(
                seq=seq,
                at=T0 + timedelta(minutes=seq),
                actor="self",
                action=action,
                entity=entity,
                entity_id=entity_id,
                detail=json.dumps(detail, ensure_ascii=False, sort_keys=True),
                prev_hash=prev,
                hash="",
            )
            event.hash = prev = audit.content_hash(event, prev)  # 0003 hashed the id as "id"
            values = event.model_dump(exclude={"seq", "mac"}) | {"id": seq}
            conn.execute(sa.insert(sa.table("audit_event", *map(sa.column, values))), values)
        conn.execute(sa.text("DELETE FROM answer WHERE assessment_id = 2"))
        conn.execute(sa.text("DELETE FROM assessment WHERE id = 2"))
        conn.execute(sa.text("DELETE FROM company WHERE id = 2"))
    return prev


def test_the_migration_keeps_the_chain_and_data_and_erases_submissions(
    old_engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_head = _old_history(old_engine)
    kept_before = audit.Checkpoint(5, old_head, "2026-03-02T09:05:00.000000Z")
    monkeypatch.setenv(config.AUDIT_KEY, "s" * 40)
    command.upgrade(alembic_config(old_engine), "head")
    engine = old_engine

    report = store.verify_audit(engine=engine, checkpoint=kept_before)
    assert report.ok and report.checked == 6 and report.redacted == 2 and report.signed == 1
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT seq, action, detail FROM audit_event ORDER BY seq"))
        events = [(seq, action, json.loads(detail)) for seq, action, detail in rows]
        assert conn.execute(sa.text("SELECT count(*) FROM answer")).scalar() == 1  # no cascade
    assert events[5][1] == audit.REDACT_ACTION and set(events[5][2]["events"]) == {"3", "4"}
    dump = json.dumps(events)
    assert str(SECRET_OVERALL) not in dump and '"answers"' not in dump and "EXP01" not in dump
    assert events[3][2] == {
        "company_id": 2,
        "wave": 2026,
        "mode": "quick",
        "bank_version": "2.0",
        "erased": "0006",
    }

    # the deleted member's id (2, the highest) and the log's ids are not handed out again
    company, _ = store.create_company(
        engine=engine, profile=CompanyProfile(name="새 회원", ksic="C10", employees=3)
    )
    assert company.id == 3
    assert store.next_ids(engine=engine)["assessment"] == 3
    draft = store.start_assessment(
        engine=engine, company_id=company.id, wave=2026, mode="quick", bank=default_bank()
    )
    assert draft.id == 3
    report = store.verify_audit(engine=engine)
    assert report.ok and report.checked == 7 and report.signed == 2


@pytest.mark.parametrize(
    ("change", "seq", "reason"),
    [
        ("actor = 'mallory'", 4, "differs from what the audit.redact event"),  # an erased event
        ("detail = '[1]'", 2, "content does not match"),  # an erasure no audit.redact lists
    ],
    ids=["erased-event-changed", "unlisted-erasure"],
)
def test_changes_after_the_erasure_are_caught(
    old_engine: sa.Engine, change: str, seq: int, reason: str
) -> None:
    _old_history(old_engine)
    command.upgrade(alembic_config(old_engine), "head")
    with old_engine.begin() as conn:
        conn.execute(sa.text(f"UPDATE audit_event SET {change} WHERE seq = {seq}"))
    report = store.verify_audit(engine=old_engine)
    assert not report.ok and report.first_bad_id == seq and reason in report.reason


def test_the_migration_runs_on_an_empty_database_and_back(old_engine: sa.Engine) -> None:
    command.upgrade(alembic_config(old_engine), "head")
    store.record_event(engine=old_engine, actor="t", action="x", entity="y")
    command.downgrade(alembic_config(old_engine), "0003")
    command.upgrade(alembic_config(old_engine), "head")
    assert store.verify_audit(engine=old_engine).ok
