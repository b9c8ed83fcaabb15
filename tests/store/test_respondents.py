"""Issue #14: workshop respondents are not members (SQLite and PostgreSQL).

A workshop join makes a respondent: it counts in its room, and nowhere a member counts (the
member directory, the home page's figures, staff analytics, exports, norms) unless staff include
respondents. A respondent who identifies as a member (private link or business number, with
consent) is linked to it; migration 0007 turns the participants that earlier joins made into
respondents."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic import command

from readiness import store, workshops
from readiness.bank import Bank
from readiness.cohorts import Cohort
from readiness.db import alembic_config, make_engine
from readiness.profile import CompanyProfile

WAVE = 2026


def _member(engine: sa.Engine, bank: Bank, name: str, biz_no: str | None = None) -> tuple[int, str]:
    profile = CompanyProfile(name=name, biz_no=biz_no, ksic="C29", employees=40, region="44")
    first = store.NewAssessment(wave=WAVE, mode="quick", bank=bank)
    company, token = store.create_company(
        engine=engine, profile=profile, first=first, verified=True
    )
    draft = store.open_draft(engine=engine, company_id=company.id)  # type: ignore[arg-type]
    assert draft is not None
    answers = {i: 3 for i in bank.item_ids(quick_only=True)}
    store.submit_assessment(engine=engine, bank=bank, assessment_id=draft.id, answers=answers)  # type: ignore[arg-type]
    return company.id, token  # type: ignore[return-value]


def _respond(engine: sa.Engine, bank: Bank, code: str, **member: str) -> workshops.Participant:
    profile = workshops.participant_profile(code=code, ksic="C29", employees=30, name="참가자")
    joined = workshops.join(
        engine=engine, code=code, profile=profile, bank=bank, wave=WAVE, **member
    )
    workshops.submit_participant(
        engine=engine,
        bank=bank,
        assessment_id=joined.assessment.id,  # type: ignore[arg-type]
        answers={i: 4 for i in bank.item_ids(quick_only=True)},
    )
    return joined


def test_a_respondent_counts_in_its_room_and_nowhere_a_member_counts(
    engine: sa.Engine, bank: Bank
) -> None:
    member_id, _ = _member(engine, bank, "한빛정밀")
    room = workshops.create_workshop(engine=engine, title="천안 워크숍", actor="staff@x.kr")
    joined = _respond(engine, bank, room.code)
    assert joined.company.respondent and joined.company.member_id is None

    assert workshops.room_snapshot(engine=engine, workshop_id=room.id, bank=bank).submitted == 1  # type: ignore[arg-type]
    total, rows = store.member_directory(engine=engine, limit=50)
    assert total == 1 and [r["company_id"] for r in rows] == [member_id]
    facts = store.summary(engine=engine)
    assert (facts.companies, facts.submitted) == (1, 1)
    assert [r.id for r in store.member_export_rows(engine=engine, cohort=Cohort())] == [member_id]
    _, analytics = store.cohort_rows(engine=engine, cohort=Cohort(), pillars=bank.pillar_ids)
    assert {row[1] for row in analytics} == {member_id}
    # Staff may include respondents, and a workshop's own view always does.
    _, everyone = store.cohort_rows(
        engine=engine, cohort=Cohort(include_respondents=True), pillars=bank.pillar_ids
    )
    assert {row[1] for row in everyone} == {member_id, joined.company.id}
    _, the_room = store.cohort_rows(
        engine=engine, cohort=Cohort(workshop_ids=(room.id,)), pillars=bank.pillar_ids
    )
    assert {row[1] for row in the_room} == {joined.company.id}
    # The staff views count verified members only; respondents, where included, still count.
    _, staff_view = store.cohort_rows(
        engine=engine,
        cohort=Cohort(verified_only=True, include_respondents=True),
        pillars=bank.pillar_ids,
    )
    assert {row[1] for row in staff_view} == {member_id, joined.company.id}
    _, staff_default = store.cohort_rows(
        engine=engine, cohort=Cohort(verified_only=True), pillars=bank.pillar_ids
    )
    assert {row[1] for row in staff_default} == {member_id}


def test_a_respondent_is_nobodys_peer_even_verified(engine: sa.Engine, bank: Bank) -> None:
    room = workshops.create_workshop(engine=engine, title="워크숍", actor="staff@x.kr")
    joined = _respond(engine, bank, room.code)
    store.set_verified(
        engine=engine,
        company_id=joined.company.id,  # type: ignore[arg-type]
        verified=True,
        actor="staff@x.kr",
    )
    assert store.norm_frame(engine=engine, wave=WAVE, pillars=bank.pillar_ids, mode="quick").empty


def test_a_respondent_who_identifies_as_a_member_is_linked_to_it(
    engine: sa.Engine, bank: Bank
) -> None:
    member_id, token = _member(engine, bank, "한빛정밀", biz_no="1248100998")
    room = workshops.create_workshop(engine=engine, title="워크숍", actor="staff@x.kr")
    by_link = _respond(engine, bank, room.code, member_link=token)
    by_number = _respond(engine, bank, room.code, member_biz_no="1248100998")
    unknown = _respond(engine, bank, room.code, member_biz_no="2208162517")
    other_respondent = _respond(engine, bank, room.code, member_link=by_link.token)
    assert (by_link.company.member_id, by_link.company.member_via) == (member_id, "link")
    assert (by_number.company.member_id, by_number.company.member_via) == (member_id, "biz_no")
    assert (unknown.company.member_id, unknown.company.member_via) == (None, None)
    assert other_respondent.company.member_id is None  # a respondent's link names no member
    # Still respondents: linking does not make them members or put them in the norms.
    assert store.member_directory(engine=engine, limit=50)[0] == 1
    # Deleting the member leaves the respondents, unlinked.
    assert store.delete_company(engine=engine, company_id=member_id, actor="staff@x.kr")
    again = store.get_company(engine=engine, company_id=by_link.company.id)  # type: ignore[arg-type]
    assert again is not None and again.member_id is None and again.member_via is None


@pytest.fixture
def engine_at_0006(db_url: str) -> Iterator[sa.Engine]:
    engine = make_engine(db_url)
    command.upgrade(alembic_config(engine), "0006")
    yield engine
    engine.dispose()


def test_migration_0007_turns_earlier_participants_into_respondents(
    engine_at_0006: sa.Engine,
) -> None:
    engine = engine_at_0006
    made_by = {1: "workshop:7", 2: "self", 3: None, 4: "workshop:7"}  # 3: imported (no event)
    with engine.begin() as conn:
        for company_id in made_by:
            conn.execute(
                sa.text(
                    "INSERT INTO company (id, name, biz_no, ksic, employees, size_band, markets, "
                    "roles, products, consent_suggest, consent_named, synthetic, verified, "
                    "created_at) VALUES (:id, :name, :biz, 'C29', 30, '10-49', '[]', '[]', '', "
                    "false, false, false, :verified, CURRENT_TIMESTAMP)"
                ),
                {
                    "id": company_id,
                    "name": f"회사 {company_id}",
                    "biz": "1248100998" if company_id == 3 else None,
                    "verified": company_id in (3, 4),  # 4: a participant staff verified since
                },
            )
    for company_id, actor in made_by.items():
        if actor is not None:
            store.record_event(
                engine=engine,
                actor=actor,
                action="company.create",
                entity="company",
                entity_id=company_id,
            )
    command.upgrade(alembic_config(engine), "head")
    with engine.connect() as conn:
        flags = dict(conn.execute(sa.text("SELECT id, respondent FROM company")).all())
    assert {k: bool(v) for k, v in flags.items()} == {1: True, 2: False, 3: False, 4: False}
    assert store.verify_audit(engine=engine).ok
    command.downgrade(alembic_config(engine), "0006")
    command.upgrade(alembic_config(engine), "head")


def test_incomplete_results_are_out_of_staff_figures_unless_included(
    engine: sa.Engine, bank: Bank
) -> None:
    """Issue #14: imported results with 5 of 36 answers counted in heatmaps like complete ones."""
    complete, _ = _member(engine, bank, "다 답한 회사")  # every quick item: 100 %
    profile = CompanyProfile(name="조금 답한 회사", ksic="C29", employees=40, region="44")
    first = store.NewAssessment(wave=WAVE, mode="full", bank=bank)
    company, _ = store.create_company(engine=engine, profile=profile, first=first, verified=True)
    draft = store.open_draft(engine=engine, company_id=company.id)  # type: ignore[arg-type]
    few = {i.id: 3 for i in bank.items_of(bank.pillars[0].id)}  # one pillar of four: scored
    store.submit_assessment(engine=engine, bank=bank, assessment_id=draft.id, answers=few)  # type: ignore[union-attr]
    _, default = store.cohort_rows(
        engine=engine, cohort=Cohort(complete_only=True), pillars=bank.pillar_ids
    )
    assert {row[1] for row in default} == {complete}
    _, everything = store.cohort_rows(engine=engine, cohort=Cohort(), pillars=bank.pillar_ids)
    assert {row[1] for row in everything} == {complete, company.id}
