"""SQLModel tables. The schema itself is owned by Alembic (readiness/migrations)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import AutoString, Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def row_of(table: str, on_delete: str = "CASCADE", **column: Any) -> sa.Column[int]:
    """An integer column that points at a row of `table` by its id: deleted with that row
    (`on_delete`: or the link set to NULL)."""
    return sa.Column(sa.Integer, sa.ForeignKey(f"{table}.id", ondelete=on_delete), **column)


# Ids are never reused: on SQLite the tables that audit events point at are AUTOINCREMENT (a
# deleted row's id stays taken in sqlite_sequence); on PostgreSQL their serial sequences only move
# forward (readiness.store.bulk never sets one back).
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


class CompanyBase(SQLModel):
    """What a company says about itself: the table's columns and the validated input's fields.

    Column lengths that the input checks by other means (a code list, a normalised number) are
    given to the database only, as `sa_type`, so validation stays readiness.profile's.
    """

    name: str = Field(min_length=1, max_length=120)
    biz_no: str | None = Field(default=None, unique=True, sa_type=AutoString(length=10))
    ksic: str = Field(index=True, sa_type=AutoString(length=3))
    employees: int = Field(ge=1, le=1_000_000)
    revenue_band: str | None = Field(default=None, sa_type=AutoString(length=16))
    region: str | None = Field(default=None, index=True, sa_type=AutoString(length=2))
    export_share: float | None = Field(default=None, ge=0, le=1)
    markets: list[str] = Field(default_factory=list, sa_type=sa.JSON, nullable=False)
    roles: list[str] = Field(default_factory=list, sa_type=sa.JSON, nullable=False)
    products: str = Field(default="", max_length=300)
    consent_suggest: bool = False
    consent_named: bool = False


class Company(CompanyBase, table=True):
    __tablename__ = "company"
    __table_args__ = NEVER_REUSE_IDS

    id: int | None = Field(default=None, primary_key=True)
    size_band: str = Field(max_length=8, index=True)
    synthetic: bool = Field(default=False, index=True)
    # Counts in other companies' norms: imported from the roster, confirmed by staff, or the demo.
    verified: bool = Field(default=False, index=True)
    # A workshop respondent, not a member: joined a workshop's quick scan from a phone. Kept out of
    # the member directory, norms, heatmaps, exports and counts unless staff include respondents;
    # `member_id` is the member company it identified as (private link or business number, with
    # consent), `member_via` how ("link" proves it; "biz_no" is a claim for staff to confirm).
    respondent: bool = Field(default=False, index=True)
    member_id: int | None = Field(default=None, index=True)
    member_via: str | None = Field(default=None, max_length=8)
    token_hash: str | None = Field(default=None, max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)


CONTACT_NAME_MAX = 60
CONTACT_PHONE_MAX = 32
CONTACT_EMAIL_MAX = 254


class CompanyContact(SQLModel, table=True):
    """A member's contact from the association's roster: staff only (directory detail, staff
    export), never on company pages, in company exports or in the public CSV."""

    __tablename__ = "company_contact"

    company_id: int = Field(sa_column=row_of("company", primary_key=True))
    representative: str | None = Field(default=None, max_length=CONTACT_NAME_MAX)
    phone: str | None = Field(default=None, max_length=CONTACT_PHONE_MAX)
    email: str | None = Field(default=None, max_length=CONTACT_EMAIL_MAX)
    updated_at: datetime = Field(default_factory=utcnow)


class Workshop(SQLModel, table=True):
    __tablename__ = "workshop"
    __table_args__ = NEVER_REUSE_IDS

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=6, unique=True)
    title: str = Field(max_length=200)
    held_on: date
    lang: str = Field(default="ko", max_length=2)
    status: str = Field(default="open", max_length=8)
    created_at: datetime = Field(default_factory=utcnow)
    # The read-only presenter link of the projector (a kiosk): its token's digest and when it was
    # made; revoked by clearing it, ended by closing the workshop or by its lifetime.
    presenter_key_hash: str | None = Field(default=None, max_length=64, unique=True, index=True)
    presenter_key_at: datetime | None = Field(default=None)


class Assessment(SQLModel, table=True):
    __tablename__ = "assessment"
    __table_args__ = (
        sa.Index("ix_assessment_wave_status", "wave", "status"),
        sa.CheckConstraint("mode in ('full', 'quick')", name="ck_assessment_mode"),
        sa.CheckConstraint("status in ('draft', 'submitted')", name="ck_assessment_status"),
        NEVER_REUSE_IDS,
    )

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(sa_column=row_of("company", nullable=False, index=True))
    wave: int
    mode: str = Field(default="full", max_length=5)
    status: str = Field(default="draft", max_length=9)
    bank_version: str = Field(max_length=16)
    workshop_id: int | None = Field(
        default=None,
        sa_column=row_of("workshop", on_delete="SET NULL", nullable=True, index=True),
    )
    goal: float | None = None
    overall: float | None = None
    stage: str | None = Field(default=None, max_length=10)
    completeness: float | None = None
    norm_eligible: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    submitted_at: datetime | None = None
    seal: str | None = Field(default=None, max_length=64)
    """The random key of the submission's digest in the audit log (readiness.audit): erased with
    the assessment, which leaves the digest in the log unlinkable to any answers."""


class Answer(SQLModel, table=True):
    """One answer; level None means "not applicable"."""

    __tablename__ = "answer"
    __table_args__ = (sa.CheckConstraint("level between 0 and 5", name="ck_answer_level"),)

    assessment_id: int = Field(sa_column=row_of("assessment", primary_key=True))
    item_id: str = Field(max_length=8, primary_key=True)
    level: int | None = None


class PillarScoreRow(SQLModel, table=True):
    """A pillar's score, computed once at submission and stored beside the answers."""

    __tablename__ = "pillar_score"

    assessment_id: int = Field(sa_column=row_of("assessment", primary_key=True))
    pillar: str = Field(max_length=4, primary_key=True)
    score: float | None = None
    completeness: float
    weakest_level: int | None = None


class StaffUser(SQLModel, table=True):
    __tablename__ = "staff_user"
    __table_args__ = NEVER_REUSE_IDS

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    password_hash: str = Field(max_length=200)
    display_name: str = Field(default="", max_length=120)
    failed_attempts: int = 0
    locked_until: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None


class StaffSessionRecord(SQLModel, table=True):
    """A staff member's signed-in session, server-side and revocable (components/staff.py).

    The browser holds a random token in an HttpOnly cookie; only its SHA-256 is stored, so a copy
    of the database opens nothing. `grant_hash` is the one-time code that turns into that cookie.
    """

    __tablename__ = "staff_session"

    id: int | None = Field(default=None, primary_key=True)
    staff_user_id: int = Field(sa_column=row_of("staff_user", nullable=False, index=True))
    token_hash: str | None = Field(default=None, max_length=64, unique=True)
    grant_hash: str | None = Field(default=None, max_length=64, unique=True)
    grant_expires_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None


class SignInAttempt(SQLModel, table=True):
    """One sign-in attempt, for throttling across replicas; keys are digests, never addresses."""

    __tablename__ = "sign_in_attempt"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    account_key: str = Field(max_length=64, index=True)
    client_key: str = Field(max_length=64, index=True)
    ok: bool = False
    locks: bool = False
    """This attempt reached LOCK_AFTER failures: if it fails, the address is locked from `at`."""


class AuditEvent(SQLModel, table=True):
    """Append-only, hash-chained: `hash` covers this row's content and `prev_hash`; `seq` numbers
    the events 1, 2, 3... without gaps; `mac` signs (seq, hash, at) with READINESS_AUDIT_KEY (None
    when no key was configured). `id` is the database's and never reused (store.data_version)."""

    __tablename__ = "audit_event"
    __table_args__ = NEVER_REUSE_IDS

    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True)
    at: datetime = Field(default_factory=utcnow)
    actor: str = Field(max_length=254)
    action: str = Field(max_length=40)
    entity: str = Field(max_length=40)
    entity_id: str = Field(default="", max_length=64)
    detail: str = Field(default="{}", sa_column=sa.Column(sa.Text, nullable=False))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)
    mac: str | None = Field(default=None, max_length=64)


class Cluster(SQLModel, table=True):
    """A value-chain cluster staff saved (readiness/clusters.py proposes them)."""

    __tablename__ = "cluster"
    __table_args__ = NEVER_REUSE_IDS

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    chain: str = Field(max_length=32)  # a chain id of data/chains.yaml or a KSIC division
    created_by: str = Field(max_length=254)
    created_at: datetime = Field(default_factory=utcnow)
    note: str = Field(default="", max_length=500)


class ClusterMember(SQLModel, table=True):
    """One member of a saved cluster and the value-chain role it plays there."""

    __tablename__ = "cluster_member"

    cluster_id: int = Field(sa_column=row_of("cluster", primary_key=True))
    company_id: int = Field(sa_column=row_of("company", primary_key=True, index=True))
    role: str = Field(max_length=24)


class AssociationRequest(SQLModel, table=True):
    """A CEO's request to the association: "send my link again" or "introduce me to a partner".

    `company_id` is the member the request is about: the one whose private link sent it, or for a
    link request the member registered under the business number given (never shown to the sender).
    """

    __tablename__ = "association_request"
    __table_args__ = (
        sa.CheckConstraint("kind in ('link', 'introduction', 'programme')", name="ck_request_kind"),
        sa.CheckConstraint("status in ('new', 'in_progress', 'done')", name="ck_request_status"),
        NEVER_REUSE_IDS,
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=12)
    status: str = Field(default="new", max_length=12, index=True)
    company_id: int | None = Field(
        default=None,
        sa_column=row_of("company", nullable=True, index=True),
    )
    company_name: str = Field(default="", max_length=120)
    biz_no: str | None = Field(default=None, sa_type=AutoString(length=10))
    partner_type: str | None = Field(default=None, max_length=40)
    program_id: str | None = Field(default=None, max_length=40)  # kind "programme"
    member_id: int | None = Field(
        default=None,
        sa_column=row_of("company", on_delete="SET NULL", nullable=True),
    )
    message: str = Field(default="", max_length=1000)
    contact_name: str = Field(max_length=80)
    phone: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=254)
    consent: bool = False
    assignee: str = Field(default="", max_length=254)
    notes: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ProgramCatalogRow(SQLModel, table=True):
    """A programme catalog staff uploaded (readiness/programs.py): the newest row overrides the
    shipped data/programs.yaml. Rows are kept, so every earlier catalog can be read again."""

    __tablename__ = "program_catalog"
    __table_args__ = NEVER_REUSE_IDS

    id: int | None = Field(default=None, primary_key=True)
    version: str = Field(max_length=40)  # the catalog's own `version`
    body: str = Field(sa_column=sa.Column(sa.Text, nullable=False))  # YAML text
    digest: str = Field(max_length=64)  # SHA-256 of body, as the audit event records it
    programs: int = 0  # how many programmes it holds
    created_by: str = Field(default="", max_length=254)
    created_at: datetime = Field(default_factory=utcnow)


class RateEvent(SQLModel, table=True):
    """One attempt a client made at a limited action (readiness/store/ratelimit.py), pruned."""

    __tablename__ = "rate_event"
    __table_args__ = (sa.Index("ix_rate_event_kind_client_at", "kind", "client", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=24)
    client: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow, index=True)


class TeamRound(SQLModel, table=True):
    """A company's management team answering together (readiness/team.py): open while its members
    answer, closed by the CEO, whereupon the consensus is submitted as the company's assessment
    (`assessment_id`)."""

    __tablename__ = "team_round"
    __table_args__ = (
        sa.CheckConstraint("status in ('open', 'closed')", name="ck_team_round_status"),
        NEVER_REUSE_IDS,
    )

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(sa_column=row_of("company", nullable=False, index=True))
    wave: int
    bank_version: str = Field(max_length=16)
    status: str = Field(default="open", max_length=8)
    created_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None
    assessment_id: int | None = Field(
        default=None,
        sa_column=row_of("assessment", on_delete="SET NULL", nullable=True),
    )


class TeamMember(SQLModel, table=True):
    """One respondent of a team round: the CEO (`lead`, answering through the company's link) or a
    colleague invited by a private link of their own, stored only as its SHA-256 digest."""

    __tablename__ = "team_member"
    __table_args__ = NEVER_REUSE_IDS

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(sa_column=row_of("team_round", nullable=False, index=True))
    role: str = Field(max_length=60)
    display_name: str = Field(default="", max_length=80)
    lead: bool = False
    token_hash: str | None = Field(default=None, max_length=64, unique=True)
    pillars: list[str] = Field(default_factory=list, sa_type=sa.JSON, nullable=False)
    created_at: datetime = Field(default_factory=utcnow)
    submitted_at: datetime | None = None


class TeamAnswer(SQLModel, table=True):
    """A team member's own answer; level None means "not applicable"."""

    __tablename__ = "team_answer"
    __table_args__ = (sa.CheckConstraint("level between 0 and 5", name="ck_team_answer_level"),)

    member_id: int = Field(sa_column=row_of("team_member", primary_key=True))
    item_id: str = Field(max_length=8, primary_key=True)
    level: int | None = None
