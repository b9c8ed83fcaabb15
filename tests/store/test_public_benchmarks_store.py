"""The membership against published figures, read from the database: verified members, complete
results, the latest per company in the wave. SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa

from readiness import public_benchmarks as pb
from readiness import store
from readiness.bank import Bank
from readiness.profile import CompanyProfile

WAVE = 2026


def _member(
    engine: sa.Engine,
    bank: Bank,
    name: str,
    smart_factory: int,
    *,
    employees: int = 20,
    verified: bool = True,
    wave: int = WAVE,
) -> int:
    """A company with one submitted full assessment: every item at level 1 but AI03."""
    company, _ = store.create_company(
        engine=engine,
        profile=CompanyProfile(name=name, ksic="C29", employees=employees),
        first=store.NewAssessment(wave=wave, mode="full", bank=bank),
        verified=verified,
    )
    draft = store.open_draft(engine=engine, company_id=company.id)
    assert draft is not None and draft.id is not None
    answers: dict[str, int | None] = {item.id: 1 for item in bank.items}
    answers["AI03"] = smart_factory
    store.submit_assessment(engine=engine, bank=bank, assessment_id=draft.id, answers=answers)
    return store.stored_id(company)


def test_members_per_band_count_verified_members_of_the_wave_only(
    engine: sa.Engine, bank: Bank
) -> None:
    for n in range(4):
        _member(engine, bank, f"도입{n}", 3)
    for n in range(2):
        _member(engine, bank, f"미도입{n}", 1)
    for n in range(3):
        _member(engine, bank, f"가입전{n}", 5, verified=False)  # not (yet) a member
    _member(engine, bank, "작년", 5, wave=WAVE - 1)
    _member(engine, bank, "중기업", 4, employees=120)
    rows = pb.membership_against_published(engine=engine, cohort=pb.membership_cohort(WAVE))
    smart = {r.size_band: r for r in rows if r.benchmark.id == "kr_smart_factory"}
    assert (smart["10-49"].n, smart["10-49"].adopted) == (6, 4)
    assert smart["10-49"].percent is not None and round(smart["10-49"].percent, 1) == 66.7
    assert (smart["50-299"].n, smart["50-299"].percent) == (1, None)  # n < 5: no share
    assert smart["10-49"].published == 28.5
