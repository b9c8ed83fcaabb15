"""Every read and write: small keyword-only functions, each its own short transaction."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel, delete, func, select

from readiness import audit
from readiness.bank import Bank
from readiness.db import read_session, write_session
from readiness.models import Answer, Assessment, Company, PillarScoreRow, utcnow
from readiness.profile import CompanyProfile
from readiness.scoring import (
    AnswerError,
    Result,
    is_straight_lined,
    score_assessment,
    validate_answers,
)

NORM_MIN_COMPLETENESS = 0.8
TOKEN_BYTES = 32


class StoreError(ValueError):
    """A write refused by the current state (e.g. answering a submitted assessment)."""


# --- private links -------------------------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- companies -----------------------------------------------------------------------------------


def create_company(
    *, engine: sa.Engine, profile: CompanyProfile, actor: str = "self", synthetic: bool = False
) -> tuple[Company, str]:
    """Create a member; returns it with its private-link token (shown once, stored hashed)."""
    token = new_token()
    company = Company(
        **profile.model_dump(),
        size_band=profile.size_band,
        synthetic=synthetic,
        token_hash=hash_token(token),
    )
    with write_session(engine) as session:
        if profile.biz_no:
            clash = session.exec(select(Company.id).where(Company.biz_no == profile.biz_no)).first()
            if clash is not None:
                raise StoreError("a member with this business registration number already exists")
        session.add(company)
        session.flush()
        audit.append(
            session, actor=actor, action="company.create", entity="company", entity_id=company.id
        )
    return company, token


def update_company(*, engine: sa.Engine, company_id: int, profile: CompanyProfile) -> Company:
    with write_session(engine) as session:
        company = session.get(Company, company_id)
        if company is None:
            raise StoreError("no such company")
        for key, value in profile.model_dump().items():
            setattr(company, key, value)
        company.size_band = profile.size_band
        session.add(company)
    return company


def get_company(*, engine: sa.Engine, company_id: int) -> Company | None:
    with read_session(engine) as session:
        return session.get(Company, company_id)


def company_by_token(*, engine: sa.Engine, token: str) -> Company | None:
    """The company whose private link carries `token`, or None for a wrong or tampered token."""
    if not token or len(token) > 200:
        return None
    with read_session(engine) as session:
        return session.exec(select(Company).where(Company.token_hash == hash_token(token))).first()


def delete_company(*, engine: sa.Engine, company_id: int, actor: str) -> bool:
    """Delete a member and everything it answered; recorded in the audit log."""
    with write_session(engine) as session:
        company = session.get(Company, company_id)
        if company is None:
            return False
        ids = select(Assessment.id).where(Assessment.company_id == company_id)
        session.exec(delete(PillarScoreRow).where(PillarScoreRow.assessment_id.in_(ids)))  # type: ignore[attr-defined]
        session.exec(delete(Answer).where(Answer.assessment_id.in_(ids)))  # type: ignore[attr-defined]
        session.exec(delete(Assessment).where(Assessment.company_id == company_id))  # type: ignore[arg-type]
        session.delete(company)
        audit.append(
            session,
            actor=actor,
            action="company.delete",
            entity="company",
            entity_id=company_id,
            detail={"synthetic": company.synthetic},
        )
    return True


# --- assessments ---------------------------------------------------------------------------------


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
    if mode not in ("full", "quick"):
        raise StoreError(f"unknown mode {mode!r}")
    assessment = Assessment(
        company_id=company_id,
        wave=wave,
        mode=mode,
        bank_version=bank.version,
        workshop_id=workshop_id,
        goal=goal,
    )
    with write_session(engine) as session:
        if session.get(Company, company_id) is None:
            raise StoreError("no such company")
        session.add(assessment)
    return assessment


def get_assessment(*, engine: sa.Engine, assessment_id: int) -> Assessment | None:
    with read_session(engine) as session:
        return session.get(Assessment, assessment_id)


def assessments_of(*, engine: sa.Engine, company_id: int) -> list[Assessment]:
    """A company's assessments, newest first."""
    with read_session(engine) as session:
        rows = session.exec(
            select(Assessment)
            .where(Assessment.company_id == company_id)
            .order_by(Assessment.created_at.desc(), Assessment.id.desc())  # type: ignore[attr-defined]
        )
        return list(rows.all())


def _draft(session: Any, assessment_id: int) -> Assessment:
    assessment = session.get(Assessment, assessment_id)
    if assessment is None:
        raise StoreError("no such assessment")
    if assessment.status != "draft":
        raise StoreError("this assessment has been submitted and can no longer change")
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
        assessment = _draft(session, assessment_id)
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
        rows = session.exec(select(Answer).where(Answer.assessment_id == assessment_id)).all()
        return {row.item_id: row.level for row in rows}


def _score_rows(assessment_id: int, result: Result) -> list[PillarScoreRow]:
    return [
        PillarScoreRow(
            assessment_id=assessment_id,
            pillar=pid,
            score=p.score,
            completeness=p.completeness,
            weakest_level=p.weakest_level,
        )
        for pid, p in result.pillars.items()
    ]


def overall_completeness(result: Result) -> float:
    answered = sum(p.answered for p in result.pillars.values())
    total = sum(p.total for p in result.pillars.values())
    return answered / total if total else 0.0


def submit_assessment(
    *, engine: sa.Engine, bank: Bank, assessment_id: int, actor: str = "self"
) -> Result:
    """Score a draft once, store the scores beside the answers with the bank version, audit it."""
    with write_session(engine) as session:
        assessment = _draft(session, assessment_id)
        answers = {
            a.item_id: a.level
            for a in session.exec(select(Answer).where(Answer.assessment_id == assessment_id)).all()
        }
        result = score_assessment(bank, answers, mode=assessment.mode)
        if result.overall is None:
            raise StoreError("answer at least one question with a level before submitting")
        completeness = overall_completeness(result)
        assessment.status = "submitted"
        assessment.bank_version = bank.version
        assessment.overall = result.overall
        assessment.stage = result.stage
        assessment.completeness = completeness
        assessment.norm_eligible = completeness >= NORM_MIN_COMPLETENESS and not is_straight_lined(
            answers
        )
        assessment.submitted_at = assessment.updated_at = utcnow()
        session.add(assessment)
        session.add_all(_score_rows(assessment_id, result))
        audit.append(
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
                "overall": round(result.overall, 6),
                "answers": dict(sorted(answers.items())),
            },
        )
    return result


def pillar_scores_of(*, engine: sa.Engine, assessment_id: int) -> dict[str, PillarScoreRow]:
    with read_session(engine) as session:
        rows = session.exec(
            select(PillarScoreRow).where(PillarScoreRow.assessment_id == assessment_id)
        ).all()
        return {row.pillar: row for row in rows}


# --- summaries -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    companies: int
    synthetic_companies: int
    submitted: int
    waves: list[int]


def summary(*, engine: sa.Engine) -> Summary:
    with read_session(engine) as session:
        companies = session.exec(select(func.count()).select_from(Company)).one()
        synthetic = session.exec(
            select(func.count()).select_from(Company).where(Company.synthetic)  # type: ignore[arg-type]
        ).one()
        submitted = session.exec(
            select(func.count()).select_from(Assessment).where(Assessment.status == "submitted")
        ).one()
        waves = session.exec(
            select(Assessment.wave).where(Assessment.status == "submitted").distinct()
        ).all()
    return Summary(int(companies), int(synthetic), int(submitted), sorted(int(w) for w in waves))


def is_empty(*, engine: sa.Engine) -> bool:
    with read_session(engine) as session:
        return session.exec(select(Company.id).limit(1)).first() is None


# --- bulk loading (synthetic members, imports) ---------------------------------------------------


def next_ids(*, engine: sa.Engine) -> dict[str, int]:
    """The next free primary key of company and assessment, for loaders that assign ids."""
    with read_session(engine) as session:
        company = session.exec(select(func.max(Company.id))).one() or 0
        assessment = session.exec(select(func.max(Assessment.id))).one() or 0
    return {"company": int(company) + 1, "assessment": int(assessment) + 1}


def bulk_insert(
    *,
    engine: sa.Engine,
    rows: dict[type[SQLModel], Sequence[dict[str, Any]]],
    actor: str,
    action: str,
    detail: dict[str, Any] | None = None,
    chunk: int = 20_000,
) -> None:
    """Insert many rows of several tables in one transaction (all or nothing), audited once.

    Tables are written in the order given, so parents come before children. Rows are plain dicts
    with every column set, ids included.
    """
    with write_session(engine) as session:
        conn = session.connection()
        for model, table_rows in rows.items():
            table = model.__table__  # type: ignore[attr-defined]
            for start in range(0, len(table_rows), chunk):
                part = table_rows[start : start + chunk]
                if part:
                    conn.execute(table.insert(), list(part))
        audit.append(
            session,
            actor=actor,
            action=action,
            entity="bulk",
            detail={**(detail or {}), **{m.__tablename__: len(r) for m, r in rows.items()}},  # type: ignore[attr-defined]
        )
