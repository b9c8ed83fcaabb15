"""Member companies: private links, profiles, the directory and the membership's summary."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import sqlalchemy as sa
from sqlmodel import col, delete, func, select

from readiness.cohorts import Cohort
from readiness.db import read_session, write_session
from readiness.models import (
    Answer,
    Assessment,
    Company,
    CompanyContact,
    PillarScoreRow,
    TeamAnswer,
    TeamMember,
    TeamRound,
)
from readiness.peers import NORM_MIN_COMPLETENESS
from readiness.profile import CompanyProfile
from readiness.store.assessments import NewAssessment
from readiness.store.audit import append_event
from readiness.store.cohorts import company_clauses, latest_submissions, picks_submissions
from readiness.store.errors import StoreError
from readiness.store.rows import stored_id, table_of
from readiness.store.workshops import check_workshop

TOKEN_BYTES = 32


# --- private links -------------------------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- companies -----------------------------------------------------------------------------------


def create_company(
    *,
    engine: sa.Engine,
    profile: CompanyProfile,
    actor: str = "self",
    synthetic: bool = False,
    verified: bool = False,
    first: NewAssessment | None = None,
    if_biz_no_taken: Literal["refuse", "leave_out"] = "refuse",
    respondent: bool = False,
    member_id: int | None = None,
    member_via: str | None = None,
) -> tuple[Company, str]:
    """Create a member, and its first draft when `first` is given, in one transaction.

    A business number another member has is refused (StoreError), or with "leave_out" left out of
    the new member's profile (self-registration: the page must not tell whether a number is a
    member's; the audit event says the number was left out, for staff to reconcile).
    A self-registered company is unverified: it sees its results at once but counts in other
    companies' norms only once staff verify it (`set_verified`).
    A workshop `respondent` is created the same way but is not a member (models.Company).
    Returns the company with its private-link token (shown once, stored hashed).
    """
    token = new_token()
    company = Company(
        **profile.model_dump(),
        size_band=profile.size_band,
        synthetic=synthetic,
        verified=verified,
        respondent=respondent,
        member_id=member_id,
        member_via=member_via,
        token_hash=hash_token(token),
    )
    detail: dict[str, Any] = {}
    with write_session(engine) as session:
        if first is not None and first.workshop_id is not None:
            check_workshop(session, first.workshop_id, allowed=("open",))
        if profile.biz_no:
            clash = session.exec(select(Company.id).where(Company.biz_no == profile.biz_no)).first()
            if clash is not None and if_biz_no_taken == "refuse":
                raise StoreError("a member with this business registration number already exists")
            if clash is not None:
                company.biz_no = None
                detail = {"biz_no_left_out": True}
        session.add(company)
        session.flush()
        company_id = stored_id(company)
        if first is not None:
            session.add(first.row(company_id))
        append_event(
            session,
            actor=actor,
            action="company.create",
            entity="company",
            entity_id=company_id,
            detail=detail or None,
        )
    return company, token


def member_for(
    *, engine: sa.Engine, token: str | None = None, biz_no: str | None = None
) -> int | None:
    """The id of the member (never a workshop respondent) a private link or a business number
    names; None when none does. Callers must not tell the user which it was."""
    if token:
        where = Company.token_hash == hash_token(token)
    elif biz_no:
        where = Company.biz_no == biz_no
    else:
        return None
    with read_session(engine) as session:
        found = session.exec(
            select(Company.id).where(where, sa.not_(col(Company.respondent)))
        ).first()
    return int(found) if found is not None else None


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


def set_verified(*, engine: sa.Engine, company_id: int, verified: bool, actor: str) -> bool:
    """Verify a member (it counts in norms from now on) or take the verification back; audited
    with who did it ("company.verify" / "company.unverify", which move store.data_version so that
    every replica's cached norms are read again). Returns whether anything changed."""
    with write_session(engine) as session:
        company = session.get(Company, company_id)
        if company is None:
            raise StoreError("no such company")
        if company.verified == verified:
            return False
        company.verified = verified
        session.add(company)
        append_event(
            session,
            actor=actor,
            action="company.verify" if verified else "company.unverify",
            entity="company",
            entity_id=company_id,
        )
    return True


def get_company(*, engine: sa.Engine, company_id: int) -> Company | None:
    with read_session(engine) as session:
        return session.get(Company, company_id)


def company_by_token(*, engine: sa.Engine, token: str) -> Company | None:
    """The company whose private link carries `token`, or None for a wrong or tampered token."""
    if not token or len(token) > 200:
        return None
    with read_session(engine) as session:
        return session.exec(select(Company).where(Company.token_hash == hash_token(token))).first()


def reissue_link(*, engine: sa.Engine, company_id: int, actor: str) -> str:
    """A new private link for a member: the old token stops working at once; audited.

    Returns the new token (shown once to staff to pass on; stored hashed).
    """
    token = new_token()
    with write_session(engine) as session:
        company = session.get(Company, company_id)
        if company is None:
            raise StoreError("no such company")
        company.token_hash = hash_token(token)
        session.add(company)
        append_event(
            session,
            actor=actor,
            action="company.reissue_link",
            entity="company",
            entity_id=company_id,
        )
    return token


def delete_company(*, engine: sa.Engine, company_id: int, actor: str) -> bool:
    """Delete a member and everything it answered; recorded in the audit log."""
    with write_session(engine) as session:
        company = session.get(Company, company_id)
        if company is None:
            return False
        rounds = select(TeamRound.id).where(TeamRound.company_id == company_id)
        members = select(TeamMember.id).where(col(TeamMember.round_id).in_(rounds))
        session.exec(delete(TeamAnswer).where(col(TeamAnswer.member_id).in_(members)))
        session.exec(delete(TeamMember).where(col(TeamMember.round_id).in_(rounds)))
        session.exec(delete(TeamRound).where(col(TeamRound.company_id) == company_id))
        ids = select(Assessment.id).where(Assessment.company_id == company_id)
        session.exec(delete(PillarScoreRow).where(col(PillarScoreRow.assessment_id).in_(ids)))
        session.exec(delete(Answer).where(col(Answer.assessment_id).in_(ids)))
        session.exec(delete(Assessment).where(col(Assessment.company_id) == company_id))
        session.exec(  # respondents who identified as this member are no longer linked to it
            sa.update(Company)
            .where(col(Company.member_id) == company_id)
            .values(member_id=None, member_via=None)
        )
        session.delete(company)
        append_event(
            session,
            actor=actor,
            action="company.delete",
            entity="company",
            entity_id=company_id,
            detail={"synthetic": company.synthetic},
        )
    return True


def partner_profiles(*, engine: sa.Engine, ksic: Sequence[str] = ()) -> dict[int, dict[str, Any]]:
    """The profile facts that partner rules read, per company id (of the given divisions)."""
    c = table_of(Company)
    query = sa.select(
        c.c.id, c.c.ksic, c.c.employees, c.c.export_share, c.c.markets, c.c.roles, c.c.products
    )
    if ksic:
        query = query.where(c.c.ksic.in_(list(ksic)))
    with engine.connect() as conn:
        return {
            int(row.id): {
                "ksic": row.ksic,
                "employees": row.employees,
                "export_share": row.export_share,
                "markets": list(row.markets or []),
                "roles": list(row.roles or []),
                "products": row.products or "",
            }
            for row in conn.execute(query)
        }


# --- summaries -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    companies: int
    synthetic_companies: int
    submitted: int
    waves: list[int]
    verified_companies: int = 0


def summary(*, engine: sa.Engine) -> Summary:
    """Members (workshop respondents are not), their submissions and waves."""
    member = sa.not_(col(Company.respondent))
    members = select(func.count()).select_from(Company).where(member)
    by_members = (
        select(Assessment.id)
        .join(Company, col(Company.id) == Assessment.company_id)
        .where(member, Assessment.status == "submitted")
    )
    with read_session(engine) as session:
        companies = session.exec(members).one()
        synthetic = session.exec(members.where(col(Company.synthetic))).one()
        verified = session.exec(members.where(col(Company.verified))).one()
        submitted = session.exec(select(func.count()).select_from(by_members.subquery())).one()
        waves = session.exec(
            select(Assessment.wave).where(col(Assessment.id).in_(by_members)).distinct()
        ).all()
    return Summary(
        int(companies),
        int(synthetic),
        int(submitted),
        sorted(int(w) for w in waves),
        verified_companies=int(verified),
    )


def is_empty(*, engine: sa.Engine) -> bool:
    with read_session(engine) as session:
        return session.exec(select(Company.id).limit(1)).first() is None


# --- member directory ----------------------------------------------------------------------------

DIRECTORY_COLUMNS = (
    "company_id",
    "name",
    "biz_no",
    "ksic",
    "size_band",
    "region",
    "synthetic",
    "verified",
    "assessments",
    "latest_wave",
    "latest_overall",
    "latest_stage",
    "latest_completeness",
)
Completeness = Literal["all", "complete", "incomplete", "none"]
COMPLETENESS_CHOICES: tuple[Completeness, ...] = ("all", "complete", "incomplete", "none")


def _members_with_latest(
    cohort: Cohort, *, count_as: str | None = None
) -> tuple[sa.FromClause, list[sa.ColumnElement[bool]], sa.Subquery]:
    """Every member beside its latest matching submission (wave, overall, stage; NULL for a member
    without one), and the conditions that pick the cohort's members: a member without such a
    submission drops out when the cohort filters on submissions."""
    c = table_of(Company)
    latest = latest_submissions(
        "company_id", "wave", "overall", "stage", "completeness", cohort=cohort, count_as=count_as
    )
    conditions = company_clauses(cohort, c)
    if picks_submissions(cohort):
        conditions.append(latest.c.id.is_not(None))
    return c.outerjoin(latest, latest.c.company_id == c.c.id), conditions, latest


def member_directory(
    *,
    engine: sa.Engine,
    search: str = "",
    ksic: Sequence[str] = (),
    regions: Sequence[str] = (),
    stages: Sequence[str] = (),
    include_synthetic: bool = True,
    unverified_only: bool = False,
    size_bands: Sequence[str] = (),
    completeness: Completeness = "all",
    limit: int = 200,
    offset: int = 0,
) -> tuple[int, list[dict[str, Any]]]:
    """Members matching the filters, with their latest submitted assessment; returns the total
    number of matches and `limit` of them from `offset` (a page), by name.

    The search is a case-insensitive substring of the name, or digits of the business number
    (with or without dashes). `unverified_only` keeps the companies awaiting verification
    (self-registered, workshop); `completeness` keeps members whose latest result is complete
    (the norms' rule), incomplete, or who have no result ("none")."""
    c = table_of(Company)
    cohort = Cohort(
        search=search,
        ksic=tuple(ksic),
        size_bands=tuple(size_bands),
        regions=tuple(regions),
        stages=tuple(stages),
        include_synthetic=include_synthetic,
    )
    joined, conditions, latest = _members_with_latest(cohort, count_as="n")
    if unverified_only:
        conditions.append(sa.not_(c.c.verified))
    if completeness == "complete":
        conditions.append(latest.c.completeness >= NORM_MIN_COMPLETENESS)
    elif completeness == "incomplete":
        conditions.append(latest.c.id.is_not(None))
        conditions.append(sa.func.coalesce(latest.c.completeness, 0) < NORM_MIN_COMPLETENESS)
    elif completeness == "none":
        conditions.append(latest.c.id.is_(None))
    query = (
        sa.select(
            c.c.id.label("company_id"),
            c.c.name,
            c.c.biz_no,
            c.c.ksic,
            c.c.size_band,
            c.c.region,
            c.c.synthetic,
            c.c.verified,
            sa.func.coalesce(latest.c.n, 0).label("assessments"),
            latest.c.wave.label("latest_wave"),
            latest.c.overall.label("latest_overall"),
            latest.c.stage.label("latest_stage"),
            latest.c.completeness.label("latest_completeness"),
        )
        .select_from(joined)
        .where(*conditions)
    )
    with engine.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
        page = query.order_by(c.c.name, c.c.id).limit(limit).offset(max(0, offset))
        rows = conn.execute(page).mappings().all()
    return int(total), [dict(row) for row in rows]


def member_export_rows(
    *, engine: sa.Engine, cohort: Cohort, with_contacts: bool = False
) -> list[Any]:
    """One row per member the cohort picks, by id: every company column, then latest_wave, overall
    and stage of its latest matching submission (None without one); `with_contacts` adds the
    roster's representative, phone and email (staff exports only; None without a contact)."""
    c = table_of(Company)
    joined, conditions, latest = _members_with_latest(cohort)
    columns: list[Any] = [c, latest.c.wave.label("latest_wave"), latest.c.overall, latest.c.stage]
    if with_contacts:
        cc = table_of(CompanyContact)
        joined = joined.outerjoin(cc, cc.c.company_id == c.c.id)
        columns += [cc.c.representative, cc.c.phone, cc.c.email]
    query = sa.select(*columns).select_from(joined).where(*conditions).order_by(c.c.id)
    with engine.connect() as conn:
        return list(conn.execute(query).all())
