from __future__ import annotations

import sqlalchemy as sa

from readiness import analytics, partners, store, synth
from readiness.bank import Bank
from readiness.cohorts import Cohort


def test_partner_needs_count_each_members_top_three(engine: sa.Engine, bank: Bank) -> None:
    synth.seed_demo(engine=engine, bank=bank, companies=120, waves=1, seed=7)
    wave = store.latest_wave(engine=engine)
    cohort = Cohort(waves=(wave,), ksic=("C29",))
    needs = analytics.partner_needs(engine=engine, bank=bank, cohort=cohort, lang="en")

    # Direct: rank every C29 member's latest answers the way its results page does.
    catalog = partners.load_catalog()
    profiles = store.partner_profiles(engine=engine, ksic=["C29"])
    expected: dict[str, int] = {}
    frame = analytics.assessment_frame(engine=engine, cohort=cohort)
    for row in frame.itertuples():
        answers = store.answers_of(engine=engine, assessment_id=int(row.assessment_id))
        for s in partners.suggest(
            catalog, bank, profile=profiles[int(row.company_id)], answers=answers, limit=3
        ):
            expected[s.type] = expected.get(s.type, 0) + 1
    assert dict(zip(needs["type"], needs["members"], strict=True)) == expected
    assert list(needs["members"]) == sorted(needs["members"], reverse=True)
    assert (needs["share"] <= 1).all() and (needs["share"] > 0).all()
