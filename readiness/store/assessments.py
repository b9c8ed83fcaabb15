"""Assessments: drafts answered as the user goes, scored once at submission, read back."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from readiness.audit import submission_digest
from readiness.bank import Bank
from readiness.cohorts import Cohort
from readiness.db import read_session, write_session
from readiness.models import Answer, Assessment, AuditEvent, Company, PillarScoreRow, utcnow
from readiness.peers import is_norm_eligible, overall_completeness
from readiness.scoring import AnswerError, Answers, Result, score_assessment, validate_answers
from readiness.store.audit import append_event
from readiness.store.cohorts import latest_submissions
from readiness.store.errors import StoreError
from readiness.store.rows import stored_id, table_of
from readiness.store.workshops import check_workshop


@dataclass(frozen=True)
class NewAssessment:
    """What to open for a company: the wave, quick or full, and the company's own goal."""

    wave: int
    mode: str
    bank: Bank
    workshop_id: int | None = None
    goal: float | None = None

    def row(self, company_id: int) -> Assessment:
        if self.mode not in ("full", "quick"):
            raise StoreError(f"unknown mode {self.mode!r}")
        return Assessment(
            company_id=company_id,
            wave=self.wave,
            mode=self.mode,
            bank_version=self.bank.version,
            workshop_id=self.workshop_id,
            goal=self.goal,
        )


def start_assessment(
    *,
    engine: sa.Engine,
    company_id: int,
    wave: int,
    mode: str,
    bank: Bank,
    workshop_id: int | None = None,
    goal: float | None = None,
) -> Assessment:
    """A new draft for the company. It carries over what the company already said: its latest
    goal (unless `goal` is given) and, for a full assessment, the answers of a quick scan that is
    its latest submission of the same wave and bank version (shown as carried over, editable)."""
    assessment = NewAssessment(wave, mode, bank, workshop_id, goal).row(company_id)
    with write_session(engine) as session:
        if session.get(Company, company_id) is None:
            raise StoreError("no such company")
        if workshop_id is not None:
            check_workshop(session, workshop_id, allowed=("open",))
        if assessment.goal is None:
            assessment.goal = _latest_goal(session, company_id)
        session.add(assessment)
        session.flush()
        source = _quick_scan_to_carry(session, assessment)
        if source is not None:
            carried = _answers_in(session, stored_id(source))
            _put_answers(
                session, assessment, {i: carried[i] for i in bank.item_ids() if i in carried}
            )
    return assessment


def _latest_goal(session: Session, company_id: int) -> float | None:
    """The goal of the company's newest assessment that has one."""
    return session.exec(
        select(Assessment.goal)
        .where(Assessment.company_id == company_id, col(Assessment.goal).is_not(None))
        .order_by(col(Assessment.id).desc())
        .limit(1)
    ).first()


def _answers_in(session: Session, assessment_id: int) -> dict[str, int | None]:
    rows = session.exec(select(Answer).where(Answer.assessment_id == assessment_id)).all()
    return {row.item_id: row.level for row in rows}


def _quick_scan_to_carry(session: Session, draft: Assessment) -> Assessment | None:
    """The quick scan whose answers a full draft starts from: the company's latest submission of
    the draft's wave, if it is a quick scan of the draft's bank version."""
    if draft.mode != "full":
        return None
    latest = session.exec(
        select(Assessment)
        .where(
            Assessment.company_id == draft.company_id,
            Assessment.wave == draft.wave,
            Assessment.status == "submitted",
            col(Assessment.submitted_at) <= draft.created_at,
        )
        .order_by(col(Assessment.submitted_at).desc(), col(Assessment.id).desc())
        .limit(1)
    ).first()
    if latest is None or latest.mode != "quick" or latest.bank_version != draft.bank_version:
        return None
    return latest


def carried_answers(*, engine: sa.Engine, draft: Assessment) -> dict[str, int | None]:
    """The answers a full draft took from a quick scan and still holds unchanged, by item id."""
    with read_session(engine) as session:
        source = _quick_scan_to_carry(session, draft)
        if source is None:
            return {}
        carried = _answers_in(session, stored_id(source))
        now = _answers_in(session, stored_id(draft))
    return {i: level for i, level in carried.items() if i in now and now[i] == level}


def open_draft(*, engine: sa.Engine, company_id: int) -> Assessment | None:
    """The company's newest assessment still in draft, if any."""
    with read_session(engine) as session:
        return session.exec(
            select(Assessment)
            .where(Assessment.company_id == company_id, Assessment.status == "draft")
            .order_by(col(Assessment.id).desc())
            .limit(1)
        ).first()


def get_assessment(*, engine: sa.Engine, assessment_id: int) -> Assessment | None:
    with read_session(engine) as session:
        return session.get(Assessment, assessment_id)


def assessments_of(*, engine: sa.Engine, company_id: int) -> list[Assessment]:
    """A company's assessments, newest first."""
    with read_session(engine) as session:
        rows = session.exec(
            select(Assessment)
            .where(Assessment.company_id == company_id)
            .order_by(col(Assessment.created_at).desc(), col(Assessment.id).desc())
        )
        return list(rows.all())


def _draft(session: Session, assessment_id: int) -> Assessment:
    """The draft, row-locked on PostgreSQL: concurrent writes to one draft (a double tap on
    submit) queue, and the later one finds it submitted instead of scoring it twice."""
    assessment = session.get(Assessment, assessment_id, with_for_update=True)
    if assessment is None:
        raise StoreError("no such assessment")
    if assessment.status != "draft":
        raise StoreError("this assessment has been submitted and can no longer change")
    if assessment.workshop_id is not None:
        check_workshop(session, assessment.workshop_id, allowed=("open", "paused"))
    return assessment


def save_answer(
    *, engine: sa.Engine, bank: Bank, assessment_id: int, item_id: str, level: int | None
) -> None:
    """Write one answer of a draft as the user goes (level None = not applicable)."""
    try:
        validate_answers(bank, {item_id: level})
    except AnswerError as exc:
        raise StoreError(str(exc)) from None
    with write_session(engine) as session:
        _put_answers(session, _draft(session, assessment_id), {item_id: level})


def _put_answers(session: Session, assessment: Assessment, answers: Answers) -> None:
    """Insert or update validated answers of a draft, inside the caller's write transaction."""
    assessment_id = stored_id(assessment)
    for item_id, level in answers.items():
        row = session.get(Answer, (assessment_id, item_id))
        if row is None:
            session.add(Answer(assessment_id=assessment_id, item_id=item_id, level=level))
        else:
            row.level = level
            session.add(row)
    assessment.updated_at = utcnow()
    session.add(assessment)


def answers_of(*, engine: sa.Engine, assessment_id: int) -> dict[str, int | None]:
    with read_session(engine) as session:
        return _answers_in(session, assessment_id)


def answers_of_many(
    *, engine: sa.Engine, assessment_ids: Sequence[int]
) -> dict[int, dict[str, int | None]]:
    """The answers of several assessments, by assessment id (ids without answers left out)."""
    out: dict[int, dict[str, int | None]] = {}
    if not assessment_ids:
        return out
    a = table_of(Answer)
    query = sa.select(a.c.assessment_id, a.c.item_id, a.c.level).where(
        a.c.assessment_id.in_(list(assessment_ids))
    )
    with engine.connect() as conn:
        for assessment_id, item_id, level in conn.execute(query):
            out.setdefault(int(assessment_id), {})[item_id] = level
    return out


def answer_rows(assessment_id: int, answers: Answers) -> list[dict[str, Any]]:
    """An assessment's answers as rows of the answer table (for bulk loads)."""
    return [
        {"assessment_id": assessment_id, "item_id": item, "level": level}
        for item, level in answers.items()
    ]


def pillar_score_rows(assessment_id: int, result: Result) -> list[dict[str, Any]]:
    """An assessment's stored pillar scores as rows of the pillar-score table."""
    return [
        {
            "assessment_id": assessment_id,
            "pillar": pid,
            "score": p.score,
            "completeness": p.completeness,
            "weakest_level": p.weakest_level,
        }
        for pid, p in result.pillars.items()
    ]


def _score_rows(assessment_id: int, result: Result) -> list[PillarScoreRow]:
    return [PillarScoreRow(**row) for row in pillar_score_rows(assessment_id, result)]


def submit_assessment(
    *,
    engine: sa.Engine,
    bank: Bank,
    assessment_id: int,
    actor: str = "self",
    answers: Answers | None = None,
) -> Result:
    """Score a draft once, store the scores beside the answers with the bank version, audit it.

    `answers`, when given, are saved first in the same transaction (a form sent in one go). The
    norm_eligible flag is readiness.peers' rule, decided here once.
    """
    if answers:
        try:
            validate_answers(bank, answers)
        except AnswerError as exc:
            raise StoreError(str(exc)) from None
    with write_session(engine) as session:
        assessment = _draft(session, assessment_id)
        if answers:
            _put_answers(session, assessment, answers)
            session.flush()
        answers = {
            a.item_id: a.level
            for a in session.exec(select(Answer).where(Answer.assessment_id == assessment_id)).all()
        }
        result = score_assessment(bank, answers, mode=assessment.mode)
        if not any(p.scored for p in result.pillars.values()):
            raise StoreError(
                "answer enough questions with a level to score at least one pillar "
                "before submitting"
            )
        assessment.status = "submitted"
        assessment.bank_version = bank.version
        assessment.overall = result.overall
        assessment.stage = result.stage
        assessment.completeness = overall_completeness(result)
        assessment.norm_eligible = is_norm_eligible(result, answers)
        assessment.submitted_at = assessment.updated_at = utcnow()
        assessment.seal = secrets.token_hex(32)
        session.add(assessment)
        session.add_all(_score_rows(assessment_id, result))
        append_event(
            session,
            actor=actor,
            action="assessment.submit",
            entity="assessment",
            entity_id=assessment_id,
            detail={
                "company_id": assessment.company_id,
                "wave": assessment.wave,
                "mode": assessment.mode,
                "bank_version": bank.version,
                "digest": submission_digest(
                    assessment.seal,
                    answers=answers,
                    scores=_audited_scores(
                        result.overall, {pid: p.score for pid, p in result.pillars.items()}
                    ),
                ),
            },
        )
    return result


def _audited_scores(overall: float | None, pillars: dict[str, float | None]) -> dict[str, Any]:
    """The scores a submission's digest covers, rounded (as stored, they read back the same)."""

    def rounded(score: float | None) -> float | None:
        return None if score is None else round(score, 6)

    return {
        "overall": rounded(overall),
        "pillars": {pid: rounded(score) for pid, score in sorted(pillars.items())},
    }


SUBMISSION_CHUNK = 2_000


def altered_submissions(*, engine: sa.Engine) -> list[int]:
    """The submitted assessments whose stored answers or scores no longer match the digest their
    `assessment.submit` event holds (only those with a seal: submitted since migration 0006, and
    not deleted)."""
    events = table_of(AuditEvent)
    a, ans, ps = table_of(Assessment), table_of(Answer), table_of(PillarScoreRow)
    with engine.connect() as conn:
        digests: dict[int, str] = {}
        for entity_id, detail in conn.execute(
            sa.select(events.c.entity_id, events.c.detail).where(
                events.c.action == "assessment.submit"
            )
        ):
            try:
                digests[int(entity_id)] = json.loads(detail)["digest"]
            except (ValueError, TypeError, KeyError):
                continue  # erased by migration 0006, or altered: the chain's check names it
        ids = sorted(digests)
        altered: list[int] = []
        for start in range(0, len(ids), SUBMISSION_CHUNK):
            chunk = ids[start : start + SUBMISSION_CHUNK]
            answers: dict[int, dict[str, int | None]] = {i: {} for i in chunk}
            for aid, item_id, level in conn.execute(
                sa.select(ans.c.assessment_id, ans.c.item_id, ans.c.level).where(
                    ans.c.assessment_id.in_(chunk)
                )
            ):
                answers[aid][item_id] = level
            pillars: dict[int, dict[str, float | None]] = {i: {} for i in chunk}
            for aid, pillar, score in conn.execute(
                sa.select(ps.c.assessment_id, ps.c.pillar, ps.c.score).where(
                    ps.c.assessment_id.in_(chunk)
                )
            ):
                pillars[aid][pillar] = score
            for aid, seal, overall in conn.execute(
                sa.select(a.c.id, a.c.seal, a.c.overall).where(
                    a.c.id.in_(chunk), a.c.seal.is_not(None)
                )
            ):
                scores = _audited_scores(overall, pillars[aid])
                if submission_digest(seal, answers=answers[aid], scores=scores) != digests[aid]:
                    altered.append(int(aid))
    return sorted(altered)


def pillar_scores_of(*, engine: sa.Engine, assessment_id: int) -> dict[str, PillarScoreRow]:
    with read_session(engine) as session:
        rows = session.exec(
            select(PillarScoreRow).where(PillarScoreRow.assessment_id == assessment_id)
        ).all()
        return {row.pillar: row for row in rows}


@dataclass(frozen=True)
class ResultRows:
    """Submitted results for an export: `rows` (every company column, then assessment_id, wave,
    mode, overall, stage, completeness, submitted_at, bank_version), ordered by company, wave,
    mode; and per assessment id its pillar scores and its answers."""

    rows: list[Any]
    scores: dict[int, dict[str, float | None]]
    answers: dict[int, dict[str, int | None]]


def result_rows(*, engine: sa.Engine, cohort: Cohort) -> ResultRows:
    """The latest submission per member, wave and mode that the cohort picks, with its scores and
    answers."""
    c = table_of(Company)
    ps = table_of(PillarScoreRow)
    ans = table_of(Answer)
    own: Sequence[str] = (
        "wave",
        "mode",
        "overall",
        "stage",
        "completeness",
        "submitted_at",
        "bank_version",
    )
    latest = latest_submissions(
        *own, "company_id", cohort=cohort, per=("company_id", "wave", "mode")
    )
    query = (
        sa.select(c, latest.c.id.label("assessment_id"), *(latest.c[name] for name in own))
        .select_from(latest.join(c, c.c.id == latest.c.company_id))
        .order_by(c.c.id, latest.c.wave, latest.c.mode, latest.c.id)
    )
    chosen = sa.select(latest.c.id)
    scores: dict[int, dict[str, float | None]] = {}
    answers: dict[int, dict[str, int | None]] = {}
    with engine.connect() as conn:
        rows = list(conn.execute(query).all())
        for aid, pillar, score in conn.execute(
            sa.select(ps.c.assessment_id, ps.c.pillar, ps.c.score).where(
                ps.c.assessment_id.in_(chosen)
            )
        ):
            scores.setdefault(aid, {})[pillar] = score
        for aid, item_id, level in conn.execute(
            sa.select(ans.c.assessment_id, ans.c.item_id, ans.c.level).where(
                ans.c.assessment_id.in_(chosen)
            )
        ):
            answers.setdefault(aid, {})[item_id] = level
    return ResultRows(rows, scores, answers)
