"""Attacks on the audit log (issue #13) and on the ids its events point at; SQLite and PostgreSQL.

Each attack is made the way someone with write access to the database would make it, and must
fail verification (against the signatures, or against a checkpoint kept off the server) or be
impossible.
"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from sqlmodel import select

from readiness import audit, config, store
from readiness.bank import Bank
from readiness.db import read_session, write_session
from readiness.models import Assessment, AuditEvent, Company, utcnow
from readiness.profile import CompanyProfile

KEY = "k" * 40
EVENTS = AuditEvent.__table__  # type: ignore[attr-defined]


def _append(engine: sa.Engine, n: int) -> None:
    for i in range(n):
        store.record_event(
            engine=engine, actor="tester", action="test.event", entity="thing", entity_id=i
        )


def _checkpoint(engine: sa.Engine) -> audit.Checkpoint:
    """The checkpoint the association keeps, read back as from its file."""
    written = store.audit_checkpoint(engine=engine).to_json(made_at=utcnow())
    return audit.Checkpoint.from_json(json.loads(json.dumps(written)))


def _delete_from(engine: sa.Engine, seq: int) -> None:
    with engine.begin() as conn:
        conn.execute(sa.delete(EVENTS).where(EVENTS.c.seq >= seq))


@pytest.fixture
def signed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(config.AUDIT_KEY, KEY)


@pytest.mark.parametrize("deleted", [1, 50, 60], ids=["last", "last-50", "all"])
def test_deleting_events_from_the_end_is_caught_by_a_checkpoint(
    engine: sa.Engine, signed: None, deleted: int
) -> None:
    _append(engine, 60)
    checkpoint = _checkpoint(engine)
    _delete_from(engine, 61 - deleted)
    assert store.verify_audit(engine=engine).ok  # the rows left still form a chain...
    report = store.verify_audit(engine=engine, checkpoint=checkpoint)
    assert not report.ok  # ...but not the one the checkpoint saw
    assert "truncated" in report.reason and f"covers 60 events, the log holds {60 - deleted}" in (
        report.reason
    )


def test_deleting_the_last_event_and_appending_again_is_caught_by_a_checkpoint(
    engine: sa.Engine, signed: None
) -> None:
    _append(engine, 5)
    checkpoint = _checkpoint(engine)
    _delete_from(engine, 5)
    _append(engine, 1)  # the log is as long again, with another event 5
    report = store.verify_audit(engine=engine, checkpoint=checkpoint)
    assert not report.ok and report.first_bad_id == 5 and "rewritten" in report.reason


def _rewrite_from(engine: sa.Engine, seq: int, *, strip: bool) -> None:
    """Change event `seq` and recompute every later hash (and link), as an attacker can."""
    with read_session(engine) as session:
        rows = list(session.exec(select(AuditEvent).order_by(AuditEvent.seq)))  # type: ignore[arg-type]
    prev = rows[seq - 2].hash
    with engine.begin() as conn:
        for row in rows[seq - 1 :]:
            if row.seq == seq:
                row.actor = "mallory"
            row.prev_hash = prev
            row.hash = audit.content_hash(row, prev)
            prev = row.hash
            values = {"actor": row.actor, "prev_hash": row.prev_hash, "hash": row.hash}
            if strip:
                values["mac"] = None
            conn.execute(sa.update(EVENTS).where(EVENTS.c.id == row.id).values(**values))


@pytest.mark.parametrize(
    ("strip", "reason"),
    [(False, "signature does not match"), (True, "not signed, though earlier events are")],
    ids=["signatures-kept", "signatures-stripped"],
)
def test_rewriting_event_4_and_recomputing_the_later_hashes_is_caught_by_the_signatures(
    engine: sa.Engine, signed: None, strip: bool, reason: str
) -> None:
    _append(engine, 10)
    _rewrite_from(engine, 4, strip=strip)
    report = store.verify_audit(engine=engine)
    assert not report.ok and report.first_bad_id == 4 and reason in report.reason


def test_without_a_key_a_rewrite_is_caught_by_a_checkpoint(engine: sa.Engine) -> None:
    _append(engine, 10)
    checkpoint = _checkpoint(engine)
    assert checkpoint.mac is None
    _rewrite_from(engine, 4, strip=False)
    assert store.verify_audit(engine=engine).ok  # nothing in the database can tell
    report = store.verify_audit(engine=engine, checkpoint=checkpoint)
    assert not report.ok and report.first_bad_id == 10 and "rewritten" in report.reason
    assert any("READINESS_AUDIT_KEY" in note for note in report.notes)


def test_a_forged_checkpoint_is_refused(engine: sa.Engine, signed: None) -> None:
    _append(engine, 3)
    checkpoint = _checkpoint(engine)
    forged = audit.Checkpoint(2, checkpoint.head, checkpoint.at, checkpoint.mac, checkpoint.key_id)
    with pytest.raises(audit.CheckpointError, match="altered or forged"):
        audit.check_checkpoint_signature(forged, KEY.encode())
    with pytest.raises(audit.CheckpointError, match="another key"):
        audit.check_checkpoint_signature(checkpoint, b"x" * 40)
    assert audit.check_checkpoint_signature(checkpoint, KEY.encode()) is None


def test_sequence_numbers_have_no_gaps_and_a_missing_one_is_named(engine: sa.Engine) -> None:
    _append(engine, 6)
    with read_session(engine) as session:
        assert list(session.exec(select(AuditEvent.seq).order_by(AuditEvent.seq))) == [
            1,
            2,
            3,
            4,
            5,
            6,
        ]
    with engine.begin() as conn:
        conn.execute(sa.delete(EVENTS).where(EVENTS.c.seq == 3))
    report = store.verify_audit(engine=engine)
    assert not report.ok and report.first_bad_id == 4 and "event 3 is missing" in report.reason


def _submitted(engine: sa.Engine, bank: Bank, profile: CompanyProfile) -> tuple[int, int]:
    company, _ = store.create_company(engine=engine, profile=profile)
    draft = store.start_assessment(
        engine=engine, company_id=company.id, wave=2026, mode="full", bank=bank
    )
    answers = {item: 3 if i % 2 else 4 for i, item in enumerate(bank.item_ids())}
    store.submit_assessment(engine=engine, bank=bank, assessment_id=draft.id, answers=answers)
    return int(company.id or 0), int(draft.id or 0)


def test_a_deleted_companys_answers_and_scores_appear_nowhere_in_the_audit_table(
    engine: sa.Engine, bank: Bank, profile: CompanyProfile, signed: None
) -> None:
    company_id, assessment_id = _submitted(engine, bank, profile)
    scores = store.pillar_scores_of(engine=engine, assessment_id=assessment_id)
    overall = store.get_assessment(engine=engine, assessment_id=assessment_id).overall
    store.delete_company(engine=engine, company_id=company_id, actor="staff")
    with engine.connect() as conn:
        dump = "\n".join(" ".join(map(str, row)) for row in conn.execute(sa.select(EVENTS)))
    for item in bank.item_ids():
        assert item not in dump
    for value in [overall, *(s.score for s in scores.values())]:
        assert value is not None and f"{round(value, 6)}" not in dump and f"{value}" not in dump
    assert store.verify_audit(engine=engine).ok


def test_a_submission_digest_is_keyed_by_the_assessments_own_seal(
    engine: sa.Engine, bank: Bank, profile: CompanyProfile
) -> None:
    _, assessment_id = _submitted(engine, bank, profile)
    assessment = store.get_assessment(engine=engine, assessment_id=assessment_id)
    with read_session(engine) as session:
        event = session.exec(
            select(AuditEvent).where(AuditEvent.action == "assessment.submit")
        ).one()
    detail = json.loads(event.detail)
    assert set(detail) == {"company_id", "wave", "mode", "bank_version", "digest"}
    answers = store.answers_of(engine=engine, assessment_id=assessment_id)
    scores = store.pillar_scores_of(engine=engine, assessment_id=assessment_id)
    audited = {
        "overall": round(assessment.overall, 6),
        "pillars": {p: round(s.score, 6) for p, s in sorted(scores.items())},
    }
    assert assessment.seal and len(assessment.seal) == 64
    assert (
        audit.submission_digest(assessment.seal, answers=answers, scores=audited)
        == (detail["digest"])
    )
    answers[next(iter(answers))] = 0
    assert (
        audit.submission_digest(assessment.seal, answers=answers, scores=audited)
        != (detail["digest"])
    )


def test_a_deleted_companys_id_is_never_handed_out_again(
    engine: sa.Engine, bank: Bank, profile: CompanyProfile
) -> None:
    first, first_assessment = _submitted(engine, bank, profile)
    store.delete_company(engine=engine, company_id=first, actor="staff")
    again, _ = store.create_company(
        engine=engine, profile=CompanyProfile(name="새 회원", ksic="C10", employees=3)
    )
    assert again.id == first + 1
    store.delete_company(engine=engine, company_id=int(again.id or 0), actor="staff")
    # a load (the importer, synthetic members) reads its ids inside the transaction
    assert store.next_ids(engine=engine) == {
        "company": first + 2,
        "assessment": first_assessment + 1,
    }
    seen: list[dict[str, int]] = []

    def rows(ids: dict[str, int]) -> list[store.RowBatch]:
        seen.append(ids)
        return []

    store.bulk_insert(engine=engine, rows=rows, actor="t", action="import")
    assert seen == [{"company": first + 2, "assessment": first_assessment + 1}]
    with write_session(engine) as session:  # and a row the ORM inserts
        company = Company(
            name="또 새 회원", ksic="C10", employees=3, size_band="1-9", markets=[], roles=[]
        )
        session.add(company)
        session.flush()
        assert company.id is not None and company.id > first + 1


def test_audit_event_ids_are_never_reused_so_data_version_only_grows(engine: sa.Engine) -> None:
    store.record_event(engine=engine, actor="t", action="company.delete", entity="company")
    version = store.data_version(engine=engine)
    _delete_from(engine, 1)
    store.record_event(engine=engine, actor="t", action="company.delete", entity="company")
    assert store.data_version(engine=engine) > version


def test_imported_assessments_do_not_take_a_deleted_assessments_id(
    engine: sa.Engine, bank: Bank, profile: CompanyProfile
) -> None:
    _, assessment_id = _submitted(engine, bank, profile)
    with engine.begin() as conn:
        conn.execute(sa.delete(Assessment.__table__))  # type: ignore[attr-defined]
    assert store.next_ids(engine=engine)["assessment"] == assessment_id + 1


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE answer SET level = 5 - level WHERE item_id = 'EXP01'",
        "UPDATE pillar_score SET score = 99.5 WHERE pillar = 'AI'",
        "UPDATE assessment SET overall = 12.5",
        "DELETE FROM answer WHERE item_id = 'EXP02'",
    ],
    ids=["answer", "pillar-score", "overall", "answer-deleted"],
)
def test_a_stored_submission_changed_after_it_was_audited_is_named(
    engine: sa.Engine, bank: Bank, profile: CompanyProfile, change: str
) -> None:
    _, assessment_id = _submitted(engine, bank, profile)
    store.create_company(
        engine=engine, profile=CompanyProfile(name="다른 회원", ksic="C10", employees=3)
    )
    assert store.altered_submissions(engine=engine) == []
    with engine.begin() as conn:
        conn.exec_driver_sql(change)
    assert store.altered_submissions(engine=engine) == [assessment_id]
    assert store.verify_audit(engine=engine).ok  # the log itself was not touched
