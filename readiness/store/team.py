"""Team rounds: the CEO and invited colleagues answer on their own; closing submits the consensus.

A colleague's private link is a random token stored only as its SHA-256 digest (as the company's
link); it reaches that member's own answers and, once the round is closed, the team view, and
nothing of the company's link. The consensus goes through `submit_assessment`, the path of every
submission, so the company has one result like any other (norms count one result per company).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session, col, select

from readiness.bank import Bank
from readiness.db import read_session, write_session
from readiness.models import Assessment, Company, TeamAnswer, TeamMember, TeamRound, utcnow
from readiness.scoring import AnswerError, Result, validate_answers
from readiness.store.assessments import NewAssessment, submit_assessment
from readiness.store.companies import hash_token, new_token
from readiness.store.errors import StoreError
from readiness.store.rows import stored_id
from readiness.team import Response, consensus, member_label

TEAM_ROLE_MAX = 60
TEAM_NAME_MAX = 80
TEAM_MEMBERS_MAX = 20  # the CEO and 19 colleagues: a management team, not a survey


class TeamFull(StoreError):
    """The round already has TEAM_MEMBERS_MAX members."""


def open_team_round(
    *, engine: sa.Engine, company_id: int, wave: int, bank: Bank, ceo_role: str
) -> TeamRound:
    """A new round for the company with the CEO as its first member (all pillars, answering
    through the company's own link); refused while another round of the company is open."""
    with write_session(engine) as session:
        if session.get(Company, company_id) is None:
            raise StoreError("no such company")
        if _open_round(session, company_id) is not None:
            raise StoreError("this company already has an open team round")
        team_round = TeamRound(company_id=company_id, wave=wave, bank_version=bank.version)
        session.add(team_round)
        session.flush()
        session.add(
            TeamMember(
                round_id=stored_id(team_round),
                role=_clean(ceo_role, TEAM_ROLE_MAX, "role"),
                lead=True,
                pillars=bank.pillar_ids,
            )
        )
    return team_round


def _open_round(session: Session, company_id: int) -> TeamRound | None:
    return session.exec(
        select(TeamRound).where(TeamRound.company_id == company_id, TeamRound.status == "open")
    ).first()


def _clean(text: str, limit: int, what: str) -> str:
    value = " ".join(str(text).split())
    if not value:
        raise StoreError(f"a {what} is needed")
    if len(value) > limit:
        raise StoreError(f"the {what} is longer than {limit} characters")
    return value


def latest_team_round(*, engine: sa.Engine, company_id: int) -> TeamRound | None:
    """The company's newest team round, open or closed."""
    with read_session(engine) as session:
        return session.exec(
            select(TeamRound)
            .where(TeamRound.company_id == company_id)
            .order_by(col(TeamRound.id).desc())
            .limit(1)
        ).first()


def get_team_round(*, engine: sa.Engine, round_id: int) -> TeamRound | None:
    with read_session(engine) as session:
        return session.get(TeamRound, round_id)


def team_round_of_assessment(*, engine: sa.Engine, assessment_id: int) -> TeamRound | None:
    """The round whose consensus became this assessment, if it came from one."""
    with read_session(engine) as session:
        return session.exec(
            select(TeamRound).where(TeamRound.assessment_id == assessment_id)
        ).first()


def invite_member(
    *,
    engine: sa.Engine,
    bank: Bank,
    round_id: int,
    role: str,
    display_name: str = "",
    pillars: Sequence[str] = (),
) -> tuple[TeamMember, str]:
    """A colleague invited to an open round, with their role and assigned pillars (none given:
    all). Returns the member and their link's token, shown once and stored as its digest."""
    chosen = list(dict.fromkeys(pillars)) or bank.pillar_ids
    unknown = [p for p in chosen if p not in bank.pillar_ids]
    if unknown:
        raise StoreError(f"unknown pillar {unknown[0]!r}")
    name = " ".join(str(display_name).split())
    if len(name) > TEAM_NAME_MAX:
        raise StoreError(f"the name is longer than {TEAM_NAME_MAX} characters")
    token = new_token()
    member = TeamMember(
        round_id=round_id,
        role=_clean(role, TEAM_ROLE_MAX, "role"),
        display_name=name,
        token_hash=hash_token(token),
        pillars=[p for p in bank.pillar_ids if p in chosen],
    )
    with write_session(engine) as session:
        _round_open(session, round_id)  # locks the round: two invites at once count right
        members = session.exec(
            select(sa.func.count()).select_from(TeamMember).where(TeamMember.round_id == round_id)
        ).one()
        if members >= TEAM_MEMBERS_MAX:
            raise TeamFull(f"a team round has at most {TEAM_MEMBERS_MAX} members")
        session.add(member)
    return member, token


def _round_open(session: Session, round_id: int) -> TeamRound:
    team_round = session.get(TeamRound, round_id, with_for_update=True)
    if team_round is None:
        raise StoreError("no such team round")
    if team_round.status != "open":
        raise StoreError("this team round is closed")
    return team_round


def member_by_token(*, engine: sa.Engine, token: str) -> TeamMember | None:
    """The member whose private link carries `token`, or None for a wrong or tampered token."""
    if not token or len(token) > 200:
        return None
    with read_session(engine) as session:
        return session.exec(
            select(TeamMember).where(TeamMember.token_hash == hash_token(token))
        ).first()


def lead_member(*, engine: sa.Engine, round_id: int) -> TeamMember:
    """The CEO's own membership of the round."""
    with read_session(engine) as session:
        member = session.exec(
            select(TeamMember).where(TeamMember.round_id == round_id, col(TeamMember.lead))
        ).first()
    if member is None:
        raise StoreError("this team round has no lead")
    return member


def team_members(*, engine: sa.Engine, round_id: int) -> list[TeamMember]:
    """The round's members, the CEO first, then in the order they were invited."""
    with read_session(engine) as session:
        return list(
            session.exec(
                select(TeamMember)
                .where(TeamMember.round_id == round_id)
                .order_by(col(TeamMember.lead).desc(), col(TeamMember.id))
            ).all()
        )


def team_progress(*, engine: sa.Engine, round_id: int) -> dict[int, int]:
    """How many questions each member of the round has answered so far, by member id: a count
    for the CEO to see who still has to answer, never which answers they gave."""
    with read_session(engine) as session:
        rows = session.exec(
            select(TeamAnswer.member_id, sa.func.count())
            .join(TeamMember, col(TeamMember.id) == col(TeamAnswer.member_id))
            .where(TeamMember.round_id == round_id)
            .group_by(col(TeamAnswer.member_id))
        ).all()
    return {int(member_id): int(n) for member_id, n in rows}


def own_team_answers(*, engine: sa.Engine, member_id: int) -> dict[str, int | None]:
    """One member's own answers, by item id: what that member, and only they, sees."""
    with read_session(engine) as session:
        return _answers_of(session, member_id)


def _answers_of(session: Session, member_id: int) -> dict[str, int | None]:
    rows = session.exec(select(TeamAnswer).where(TeamAnswer.member_id == member_id)).all()
    return {row.item_id: row.level for row in rows}


def _member_in_open_round(session: Session, member_id: int) -> TeamMember:
    member = session.get(TeamMember, member_id)
    if member is None:
        raise StoreError("no such team member")
    _round_open(session, member.round_id)
    return member


def save_team_answer(
    *, engine: sa.Engine, bank: Bank, member_id: int, item_id: str, level: int | None
) -> None:
    """Write one of a member's answers as they go (level None = not applicable); only items of
    their assigned pillars, only while the round is open."""
    try:
        validate_answers(bank, {item_id: level})
    except AnswerError as exc:
        raise StoreError(str(exc)) from None
    with write_session(engine) as session:
        member = _member_in_open_round(session, member_id)
        if bank.item(item_id).pillar not in member.pillars:
            raise StoreError(f"{item_id} is not in this member's assigned pillars")
        row = session.get(TeamAnswer, (member_id, item_id))
        if row is None:
            row = TeamAnswer(member_id=member_id, item_id=item_id, level=level)
        row.level = level
        session.add(row)


def submit_team_answers(*, engine: sa.Engine, member_id: int) -> None:
    """The member says they are done (they may still change an answer until the round closes)."""
    with write_session(engine) as session:
        member = _member_in_open_round(session, member_id)
        if not _answers_of(session, member_id):
            raise StoreError("answer at least one question before sending")
        member.submitted_at = utcnow()
        session.add(member)


def _responses(session: Session, round_id: int) -> list[Response]:
    members = session.exec(
        select(TeamMember)
        .where(TeamMember.round_id == round_id, col(TeamMember.submitted_at).is_not(None))
        .order_by(col(TeamMember.lead).desc(), col(TeamMember.id))
    ).all()
    return [
        Response(
            label=member_label(m.role, m.display_name),
            pillars=frozenset(m.pillars),
            answers=_answers_of(session, stored_id(m)),
        )
        for m in members
    ]


def team_responses(*, engine: sa.Engine, round_id: int) -> list[Response]:
    """The answers of the members who sent theirs, labelled by role (and name, when the CEO gave
    one: two engineers stay apart): the team view, which exists only once the round is closed
    (until then each member's answers are their own)."""
    with read_session(engine) as session:
        team_round = session.get(TeamRound, round_id)
        if team_round is None or team_round.status != "closed":
            raise StoreError("the team view opens when the CEO closes the round")
        return _responses(session, round_id)


def close_team_round(
    *, engine: sa.Engine, bank: Bank, round_id: int, actor: str = "self"
) -> tuple[int, Result]:
    """Close the round and submit the consensus of the members who sent their answers as the
    company's assessment (a full one, of the round's wave and bank version). Returns the new
    assessment's id and its result; a round whose consensus cannot be scored stays open."""
    with write_session(engine) as session:
        team_round = _round_open(session, round_id)
        if team_round.bank_version != bank.version:
            raise StoreError("this round was answered with another version of the question bank")
        answers = consensus(bank, _responses(session, round_id))
        if not answers:
            raise StoreError("nobody in the team has sent their answers yet")
        draft = NewAssessment(team_round.wave, "full", bank).row(team_round.company_id)
        session.add(draft)
        session.flush()
        assessment_id = stored_id(draft)
        # Closed in this transaction (the row is locked on PostgreSQL): a second close finds it
        # closed. Reopened below if the consensus cannot be submitted.
        team_round.status = "closed"
        team_round.closed_at = utcnow()
        team_round.assessment_id = assessment_id
        session.add(team_round)
    try:
        result = submit_assessment(
            engine=engine, bank=bank, assessment_id=assessment_id, actor=actor, answers=answers
        )
    except BaseException:
        with write_session(engine) as session:
            reopened = session.get(TeamRound, round_id)
            if reopened is not None:
                reopened.status, reopened.closed_at, reopened.assessment_id = "open", None, None
                session.add(reopened)
            unsent = session.get(Assessment, assessment_id)
            if unsent is not None and unsent.status == "draft":
                session.delete(unsent)
        raise
    return assessment_id, result
