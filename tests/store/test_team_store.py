"""Team rounds in the store: answers are each member's own; closing submits the consensus once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from sqlmodel import Session, func, select

from readiness import store
from readiness.bank import Bank
from readiness.models import Answer, Assessment, AuditEvent, TeamAnswer, TeamMember, TeamRound
from readiness.profile import CompanyProfile
from readiness.store.rows import stored_id
from readiness.team import consensus


@pytest.fixture
def company_id(engine: sa.Engine, profile: CompanyProfile) -> int:
    company, _ = store.create_company(engine=engine, profile=profile, verified=True)
    assert company.id is not None
    return company.id


def _open(engine: sa.Engine, bank: Bank, company_id: int) -> TeamRound:
    team_round = store.open_team_round(
        engine=engine, company_id=company_id, wave=2026, bank=bank, ceo_role="CEO"
    )
    assert team_round.id is not None
    return team_round


def _answer_pillar(engine: sa.Engine, bank: Bank, member_id: int, pillar: str, level: int) -> None:
    for item in bank.items_of(pillar):
        store.save_team_answer(
            engine=engine, bank=bank, member_id=member_id, item_id=item.id, level=level
        )


def test_a_member_sees_only_their_own_answers_until_the_round_closes(
    engine: sa.Engine, bank: Bank, company_id: int
) -> None:
    team_round = _open(engine, bank, company_id)
    cto, cto_token = store.invite_member(
        engine=engine, bank=bank, round_id=team_round.id, role="CTO", pillars=["AI"]
    )
    plant, plant_token = store.invite_member(
        engine=engine, bank=bank, round_id=team_round.id, role="Plant manager"
    )
    assert cto.id is not None and plant.id is not None
    assert plant.pillars == bank.pillar_ids  # no pillars given: all
    store.save_team_answer(engine=engine, bank=bank, member_id=cto.id, item_id="AI04", level=1)
    store.save_team_answer(engine=engine, bank=bank, member_id=plant.id, item_id="AI04", level=4)

    opened = store.member_by_token(engine=engine, token=cto_token)
    assert opened is not None and opened.id == cto.id
    assert store.own_team_answers(engine=engine, member_id=cto.id) == {"AI04": 1}
    assert store.own_team_answers(engine=engine, member_id=plant.id) == {"AI04": 4}
    with pytest.raises(store.StoreError):
        store.team_responses(engine=engine, round_id=team_round.id)
    # A member's link is not the company's, nor another member's; the token itself is not stored.
    assert store.company_by_token(engine=engine, token=cto_token) is None
    assert store.member_by_token(engine=engine, token=cto_token + "x") is None
    with Session(engine) as session:
        stored = session.exec(select(TeamMember.token_hash)).all()
    assert cto_token not in stored and plant_token not in stored
    with pytest.raises(store.StoreError, match="assigned pillars"):
        store.save_team_answer(engine=engine, bank=bank, member_id=cto.id, item_id="EXP02", level=2)


def test_closing_writes_exactly_one_assessment_the_consensus(
    engine: sa.Engine, bank: Bank, company_id: int
) -> None:
    team_round = _open(engine, bank, company_id)
    ceo = store.lead_member(engine=engine, round_id=team_round.id)
    export, _ = store.invite_member(
        engine=engine, bank=bank, round_id=team_round.id, role="Export manager", pillars=["EXP"]
    )
    lazy, _ = store.invite_member(engine=engine, bank=bank, round_id=team_round.id, role="CFO")
    assert ceo.id is not None and export.id is not None and lazy.id is not None
    for pillar in bank.pillar_ids:
        _answer_pillar(engine, bank, ceo.id, pillar, 1)
    _answer_pillar(engine, bank, export.id, "EXP", 4)
    _answer_pillar(engine, bank, lazy.id, "EXP", 0)  # never sent: left out of the consensus
    with pytest.raises(store.StoreError):
        store.close_team_round(engine=engine, bank=bank, round_id=team_round.id)
    store.submit_team_answers(engine=engine, member_id=ceo.id)
    store.submit_team_answers(engine=engine, member_id=export.id)

    assessment_id, result = store.close_team_round(engine=engine, bank=bank, round_id=team_round.id)

    with Session(engine) as session:
        rows = session.exec(select(Assessment).where(Assessment.company_id == company_id)).all()
        answers = {
            a.item_id: a.level
            for a in session.exec(select(Answer).where(Answer.assessment_id == assessment_id))
        }
        submits = session.exec(
            select(func.count()).where(AuditEvent.action == "assessment.submit")
        ).one()
    assert [(a.id, a.status, a.mode, a.wave) for a in rows] == [
        (assessment_id, "submitted", "full", 2026)
    ]
    responses = store.team_responses(engine=engine, round_id=team_round.id)
    assert [r.label for r in responses] == ["CEO", "Export manager"]
    assert answers == consensus(bank, responses)
    assert answers["EXP02"] == 1 and answers["AI04"] == 1  # lower of 1 and 4; the CEO alone
    assert submits == 1
    assert result.overall is not None
    closed = store.get_team_round(engine=engine, round_id=team_round.id)
    assert closed is not None and closed.status == "closed" and closed.closed_at is not None
    found = store.team_round_of_assessment(engine=engine, assessment_id=assessment_id)
    assert found is not None and found.id == team_round.id

    with pytest.raises(store.StoreError, match="closed"):
        store.close_team_round(engine=engine, bank=bank, round_id=team_round.id)
    with pytest.raises(store.StoreError, match="closed"):
        store.save_team_answer(engine=engine, bank=bank, member_id=ceo.id, item_id="EXP02", level=5)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Assessment)).one() == 1


def test_a_consensus_that_cannot_be_scored_leaves_the_round_open(
    engine: sa.Engine, bank: Bank, company_id: int
) -> None:
    team_round = _open(engine, bank, company_id)
    ceo = store.lead_member(engine=engine, round_id=team_round.id)
    assert ceo.id is not None
    store.save_team_answer(engine=engine, bank=bank, member_id=ceo.id, item_id="EXP02", level=3)
    store.submit_team_answers(engine=engine, member_id=ceo.id)
    with pytest.raises(store.StoreError, match="score"):
        store.close_team_round(engine=engine, bank=bank, round_id=team_round.id)
    reopened = store.get_team_round(engine=engine, round_id=team_round.id)
    assert reopened is not None and reopened.status == "open" and reopened.assessment_id is None
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Assessment)).one() == 0


def test_a_company_has_one_open_round_at_a_time(
    engine: sa.Engine, bank: Bank, company_id: int
) -> None:
    store.open_team_round(
        engine=engine, company_id=company_id, wave=2026, bank=bank, ceo_role="CEO"
    )
    with pytest.raises(store.StoreError, match="open team round"):
        store.open_team_round(
            engine=engine, company_id=company_id, wave=2026, bank=bank, ceo_role="CEO"
        )


def test_deleting_the_company_deletes_its_team_rounds_and_answers(
    engine: sa.Engine, bank: Bank, company_id: int
) -> None:
    team_round = _open(engine, bank, company_id)
    member, token = store.invite_member(
        engine=engine, bank=bank, round_id=stored_id(team_round), role="CTO"
    )
    store.save_team_answer(
        engine=engine, bank=bank, member_id=stored_id(member), item_id="AI04", level=2
    )
    assert store.delete_company(engine=engine, company_id=company_id, actor="staff")
    assert store.member_by_token(engine=engine, token=token) is None
    with Session(engine) as session:
        for table in (TeamRound, TeamMember, TeamAnswer):
            assert session.exec(select(func.count()).select_from(table)).one() == 0


def test_a_round_takes_at_most_twenty_people_even_when_invited_at_once(
    engine: sa.Engine, bank: Bank, company_id: int
) -> None:
    round_id = stored_id(_open(engine, bank, company_id))  # the CEO is the first member

    def invite(n: int) -> str:
        try:
            store.invite_member(engine=engine, bank=bank, round_id=round_id, role=f"임원 {n}")
        except store.TeamFull:
            return "full"
        return "invited"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(invite, range(30)))
    assert outcomes.count("invited") == store.TEAM_MEMBERS_MAX - 1
    assert len(store.team_members(engine=engine, round_id=round_id)) == store.TEAM_MEMBERS_MAX


def test_progress_counts_each_members_answers_in_this_round_only(
    engine: sa.Engine, bank: Bank, company_id: int
) -> None:
    team_round = _open(engine, bank, company_id)
    member, _ = store.invite_member(
        engine=engine, bank=bank, round_id=stored_id(team_round), role="CTO", pillars=["AI"]
    )
    for item_id in ("AI01", "AI02"):
        store.save_team_answer(
            engine=engine, bank=bank, member_id=stored_id(member), item_id=item_id, level=3
        )
    other, _ = store.create_company(
        engine=engine, profile=CompanyProfile(name="다른회사", ksic="C29", employees=45)
    )
    other_round = store.open_team_round(
        engine=engine, company_id=stored_id(other), wave=2026, bank=bank, ceo_role="CEO"
    )
    lead = store.lead_member(engine=engine, round_id=stored_id(other_round))
    store.save_team_answer(
        engine=engine, bank=bank, member_id=stored_id(lead), item_id="EXP01", level=1
    )
    assert store.team_progress(engine=engine, round_id=stored_id(team_round)) == {
        stored_id(member): 2
    }
