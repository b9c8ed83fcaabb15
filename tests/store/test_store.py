from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import select

from readiness import store
from readiness.bank import Bank
from readiness.db import read_session
from readiness.models import Answer, Assessment, AuditEvent
from readiness.profile import CompanyProfile
from readiness.scoring import score_assessment


def _answer_all(engine: sa.Engine, bank: Bank, assessment_id: int, level: int = 3) -> dict:
    answers = {}
    first_na = next(i.id for i in bank.items if i.allows_na)
    for n, item_id in enumerate(bank.item_ids()):
        answers[item_id] = None if item_id == first_na else (level + n) % 6
        store.save_answer(
            engine=engine,
            bank=bank,
            assessment_id=assessment_id,
            item_id=item_id,
            level=answers[item_id],
        )
    return answers


def test_schema_upgrade_is_idempotent(engine: sa.Engine) -> None:
    from readiness.db import upgrade

    upgrade(engine)
    tables = set(sa.inspect(engine).get_table_names())
    assert {"company", "assessment", "answer", "pillar_score", "audit_event"} <= tables
    assert "alembic_version" in tables


def test_company_round_trip_and_private_link(engine: sa.Engine, profile: CompanyProfile) -> None:
    company, token = store.create_company(engine=engine, profile=profile)
    assert len(token) >= 40
    assert company.token_hash == store.hash_token(token) and token not in company.token_hash
    found = store.company_by_token(engine=engine, token=token)
    assert found is not None and found.id == company.id
    assert found.markets == ["US", "VN"] and found.size_band == "10-49"
    assert store.company_by_token(engine=engine, token=token[:-1] + "x") is None
    assert store.company_by_token(engine=engine, token="") is None


def test_duplicate_business_number_writes_nothing(
    engine: sa.Engine, profile: CompanyProfile
) -> None:
    store.create_company(engine=engine, profile=profile)
    with pytest.raises(store.StoreError, match="already exists"):
        store.create_company(engine=engine, profile=profile.model_copy(update={"name": "다른"}))
    assert store.summary(engine=engine).companies == 1


def test_answers_are_saved_as_the_user_goes_and_can_change(
    engine: sa.Engine, bank: Bank, profile: CompanyProfile
) -> None:
    company, _ = store.create_company(engine=engine, profile=profile)
    draft = store.start_assessment(
        engine=engine, company_id=company.id, wave=2026, mode="full", bank=bank
    )
    store.save_answer(engine=engine, bank=bank, assessment_id=draft.id, item_id="EXP01", level=2)
    store.save_answer(engine=engine, bank=bank, assessment_id=draft.id, item_id="EXP01", level=4)
    store.save_answer(engine=engine, bank=bank, assessment_id=draft.id, item_id="AI02", level=None)
    assert store.answers_of(engine=engine, assessment_id=draft.id) == {"EXP01": 4, "AI02": None}


@pytest.mark.parametrize(("item_id", "level"), [("NOPE1", 1), ("EXP01", 7), ("EXP01", -1)])
def test_bad_answer_writes_nothing(
    engine: sa.Engine, bank: Bank, profile: CompanyProfile, item_id: str, level: int
) -> None:
    company, _ = store.create_company(engine=engine, profile=profile)
    draft = store.start_assessment(
        engine=engine, company_id=company.id, wave=2026, mode="full", bank=bank
    )
    with pytest.raises(store.StoreError):
        store.save_answer(
            engine=engine, bank=bank, assessment_id=draft.id, item_id=item_id, level=level
        )
    assert store.answers_of(engine=engine, assessment_id=draft.id) == {}


def test_submission_stores_the_scores_of_the_published_method(
    engine: sa.Engine, bank: Bank, profile: CompanyProfile
) -> None:
    company, _ = store.create_company(engine=engine, profile=profile)
    draft = store.start_assessment(
        engine=engine, company_id=company.id, wave=2026, mode="full", bank=bank
    )
    answers = _answer_all(engine, bank, draft.id)
    result = store.submit_assessment(engine=engine, bank=bank, assessment_id=draft.id)
    expected = score_assessment(bank, answers)
    assert result == expected
    saved = store.get_assessment(engine=engine, assessment_id=draft.id)
    assert saved.status == "submitted" and saved.bank_version == bank.version
    assert saved.overall == pytest.approx(expected.overall)
    assert saved.stage == expected.stage and saved.norm_eligible
    rows = store.pillar_scores_of(engine=engine, assessment_id=draft.id)
    for pid, ps in expected.pillars.items():
        assert rows[pid].score == pytest.approx(ps.score)
        assert rows[pid].weakest_level == ps.weakest_level
    with pytest.raises(store.StoreError, match="submitted"):
        store.save_answer(
            engine=engine, bank=bank, assessment_id=draft.id, item_id="EXP02", level=0
        )
    with pytest.raises(store.StoreError, match="submitted"):
        store.submit_assessment(engine=engine, bank=bank, assessment_id=draft.id)


def test_incomplete_or_straight_lined_assessments_are_left_out_of_norms(
    engine: sa.Engine, bank: Bank, profile: CompanyProfile
) -> None:
    company, _ = store.create_company(engine=engine, profile=profile)
    sparse = store.start_assessment(
        engine=engine, company_id=company.id, wave=2026, mode="full", bank=bank
    )
    for item in bank.items_of("EXP"):  # one pillar scored, under 80 % of the items answered
        store.save_answer(
            engine=engine, bank=bank, assessment_id=sparse.id, item_id=item.id, level=2
        )
    store.submit_assessment(engine=engine, bank=bank, assessment_id=sparse.id)
    flat = store.start_assessment(
        engine=engine, company_id=company.id, wave=2026, mode="full", bank=bank
    )
    for item_id in bank.item_ids():
        store.save_answer(engine=engine, bank=bank, assessment_id=flat.id, item_id=item_id, level=3)
    store.submit_assessment(engine=engine, bank=bank, assessment_id=flat.id)
    assert not store.get_assessment(engine=engine, assessment_id=sparse.id).norm_eligible
    assert not store.get_assessment(engine=engine, assessment_id=flat.id).norm_eligible


def test_empty_submission_is_refused(
    engine: sa.Engine, bank: Bank, profile: CompanyProfile
) -> None:
    company, _ = store.create_company(engine=engine, profile=profile)
    draft = store.start_assessment(
        engine=engine, company_id=company.id, wave=2026, mode="quick", bank=bank
    )
    with pytest.raises(store.StoreError, match="at least one"):
        store.submit_assessment(engine=engine, bank=bank, assessment_id=draft.id)
    assert store.get_assessment(engine=engine, assessment_id=draft.id).status == "draft"


def test_delete_company_removes_its_data_and_is_audited(
    engine: sa.Engine, bank: Bank, profile: CompanyProfile
) -> None:
    company, _ = store.create_company(engine=engine, profile=profile)
    draft = store.start_assessment(
        engine=engine, company_id=company.id, wave=2026, mode="full", bank=bank
    )
    _answer_all(engine, bank, draft.id)
    store.submit_assessment(engine=engine, bank=bank, assessment_id=draft.id)
    assert store.delete_company(engine=engine, company_id=company.id, actor="staff@example.org")
    with read_session(engine) as session:
        assert session.exec(select(Assessment)).all() == []
        assert session.exec(select(Answer)).all() == []
        actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]
        assert actions == ["company.create", "assessment.submit", "company.delete"]
        assert store.verify_audit(engine=engine).ok
    assert not store.delete_company(engine=engine, company_id=company.id, actor="x")


def test_summary_counts_companies_submissions_and_waves(
    engine: sa.Engine, bank: Bank, profile: CompanyProfile
) -> None:
    company, _ = store.create_company(engine=engine, profile=profile)
    for wave in (2025, 2026):
        draft = store.start_assessment(
            engine=engine, company_id=company.id, wave=wave, mode="full", bank=bank
        )
        for item in bank.items_of("EXP"):
            store.save_answer(
                engine=engine, bank=bank, assessment_id=draft.id, item_id=item.id, level=2
            )
        store.submit_assessment(engine=engine, bank=bank, assessment_id=draft.id)
    store.start_assessment(engine=engine, company_id=company.id, wave=2027, mode="full", bank=bank)
    facts = store.summary(engine=engine)
    assert (facts.companies, facts.synthetic_companies, facts.submitted) == (1, 0, 2)
    assert facts.waves == [2025, 2026]
