"""A full assessment after a quick scan starts from the quick scan's answers; the goal carries."""

from __future__ import annotations

import sqlalchemy as sa

from readiness import store
from readiness.bank import Bank
from readiness.profile import CompanyProfile


def _quick_scan(engine: sa.Engine, bank: Bank, company_id: int, *, wave: int = 2026) -> dict:
    draft = store.start_assessment(
        engine=engine, company_id=company_id, wave=wave, mode="quick", bank=bank, goal=70.0
    )
    answers = {item_id: n % 6 for n, item_id in enumerate(bank.item_ids(quick_only=True))}
    store.submit_assessment(engine=engine, bank=bank, assessment_id=draft.id, answers=answers)
    return answers


def _full_after_quick(engine: sa.Engine, bank: Bank, profile: CompanyProfile) -> tuple:
    """A member's quick scan, then a full assessment started: (full draft, quick answers)."""
    company, _ = store.create_company(engine=engine, profile=profile)
    quick = _quick_scan(engine, bank, company.id)
    full = store.start_assessment(
        engine=engine, company_id=company.id, wave=2026, mode="full", bank=bank
    )
    return full, quick


def test_a_full_assessment_after_a_quick_scan_starts_from_its_answers_and_goal(
    engine: sa.Engine, bank: Bank, profile: CompanyProfile
) -> None:
    full, quick = _full_after_quick(engine, bank, profile)
    assert store.answers_of(engine=engine, assessment_id=full.id) == quick
    assert full.goal == 70.0
    assert store.carried_answers(engine=engine, draft=full) == quick


def test_a_changed_carried_answer_is_no_longer_marked_as_carried(
    engine: sa.Engine, bank: Bank, profile: CompanyProfile
) -> None:
    full, quick = _full_after_quick(engine, bank, profile)
    changed = next(iter(quick))
    store.save_answer(
        engine=engine,
        bank=bank,
        assessment_id=full.id,
        item_id=changed,
        level=(quick[changed] + 1) % 6,
    )
    carried = store.carried_answers(engine=engine, draft=full)
    assert changed not in carried and len(carried) == len(quick) - 1


def test_nothing_is_carried_from_another_wave_or_into_a_quick_scan(
    engine: sa.Engine, bank: Bank, profile: CompanyProfile
) -> None:
    company, _ = store.create_company(engine=engine, profile=profile)
    _quick_scan(engine, bank, company.id, wave=2025)
    full = store.start_assessment(
        engine=engine, company_id=company.id, wave=2026, mode="full", bank=bank
    )
    assert store.answers_of(engine=engine, assessment_id=full.id) == {}
    assert store.carried_answers(engine=engine, draft=full) == {}
    assert full.goal == 70.0  # the goal carries across waves
    again = store.start_assessment(
        engine=engine, company_id=company.id, wave=2025, mode="quick", bank=bank, goal=55.0
    )
    assert store.answers_of(engine=engine, assessment_id=again.id) == {}
    assert again.goal == 55.0  # a goal given wins


def test_nothing_is_carried_when_the_latest_submission_is_a_full_assessment(
    engine: sa.Engine, bank: Bank, profile: CompanyProfile
) -> None:
    full, _ = _full_after_quick(engine, bank, profile)
    answers = {item_id: 3 for item_id in bank.item_ids()}
    store.submit_assessment(engine=engine, bank=bank, assessment_id=full.id, answers=answers)
    second = store.start_assessment(
        engine=engine, company_id=full.company_id, wave=2026, mode="full", bank=bank
    )
    assert store.answers_of(engine=engine, assessment_id=second.id) == {}
