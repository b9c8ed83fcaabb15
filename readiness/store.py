"""Every read and write: small keyword-only functions, each its own short transaction."""

from __future__ import annotations

import hashlib
import operator
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy as sa
from sqlmodel import SQLModel, delete, func, select

from readiness import audit, reference
from readiness.bank import Bank
from readiness.db import read_session, write_session
from readiness.models import (
    Answer,
    Assessment,
    Cluster,
    ClusterMember,
    Company,
    PillarScoreRow,
    Workshop,
    utcnow,
)
from readiness.profile import CompanyProfile, clean_text
from readiness.scoring import (
    AnswerError,
    Answers,
    Result,
    is_straight_lined,
    score_assessment,
    validate_answers,
)

NORM_MIN_COMPLETENESS = 0.8
TOKEN_BYTES = 32


class StoreError(ValueError):
    """A write refused by the current state (e.g. answering a submitted assessment)."""


class WorkshopStateError(StoreError):
    """A write its workshop's status refuses: joining one that is not open, answering a closed one.

    `status` is the workshop's status, or None when the workshop no longer exists.
    """

    def __init__(self, status: str | None) -> None:
        self.status = status
        reason = {
            "paused": "is paused and takes no new participants",
            "closed": "has closed and takes no more answers",
        }.get(status or "", "does not exist")
        super().__init__(f"this workshop {reason}")


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
    first: NewAssessment | None = None,
) -> tuple[Company, str]:
    """Create a member, and its first draft when `first` is given, in one transaction.

    Returns the company with its private-link token (shown once, stored hashed).
    """
    token = new_token()
    company = Company(
        **profile.model_dump(),
        size_band=profile.size_band,
        synthetic=synthetic,
        token_hash=hash_token(token),
    )
    with write_session(engine) as session:
        if first is not None and first.workshop_id is not None:
            _check_workshop(session, first.workshop_id, allowed=("open",))
        if profile.biz_no:
            clash = session.exec(select(Company.id).where(Company.biz_no == profile.biz_no)).first()
            if clash is not None:
                raise StoreError("a member with this business registration number already exists")
        session.add(company)
        session.flush()
        if first is not None:
            session.add(first.row(company.id))  # type: ignore[arg-type]
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
    assessment = NewAssessment(wave, mode, bank, workshop_id, goal).row(company_id)
    with write_session(engine) as session:
        if session.get(Company, company_id) is None:
            raise StoreError("no such company")
        if workshop_id is not None:
            _check_workshop(session, workshop_id, allowed=("open",))
        session.add(assessment)
    return assessment


def open_draft(*, engine: sa.Engine, company_id: int) -> Assessment | None:
    """The company's newest assessment still in draft, if any."""
    with read_session(engine) as session:
        return session.exec(
            select(Assessment)
            .where(Assessment.company_id == company_id, Assessment.status == "draft")
            .order_by(Assessment.id.desc())  # type: ignore[union-attr]
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
            .order_by(Assessment.created_at.desc(), Assessment.id.desc())  # type: ignore[attr-defined]
        )
        return list(rows.all())


def _check_workshop(session: Any, workshop_id: int, *, allowed: tuple[str, ...]) -> None:
    """Refuse the write unless the workshop's status is `allowed`. On PostgreSQL the row is
    share-locked, so a concurrent close waits for this transaction and later ones see it."""
    workshop = session.get(Workshop, workshop_id, with_for_update={"read": True})
    status = None if workshop is None else workshop.status
    if status not in allowed:
        raise WorkshopStateError(status)


def _draft(session: Any, assessment_id: int) -> Assessment:
    """The draft, row-locked on PostgreSQL: concurrent writes to one draft (a double tap on
    submit) queue, and the later one finds it submitted instead of scoring it twice."""
    assessment = session.get(Assessment, assessment_id, with_for_update=True)
    if assessment is None:
        raise StoreError("no such assessment")
    if assessment.status != "draft":
        raise StoreError("this assessment has been submitted and can no longer change")
    if assessment.workshop_id is not None:
        _check_workshop(session, assessment.workshop_id, allowed=("open", "paused"))
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


def _put_answers(session: Any, assessment: Assessment, answers: Answers) -> None:
    """Insert or update validated answers of a draft, inside the caller's write transaction."""
    for item_id, level in answers.items():
        row = session.get(Answer, (assessment.id, item_id))
        if row is None:
            session.add(Answer(assessment_id=assessment.id, item_id=item_id, level=level))
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


def is_norm_eligible(result: Result, answers: Answers) -> bool:
    """Whether a scored assessment may count in peer norms: complete enough, not straight-lined."""
    return overall_completeness(result) >= NORM_MIN_COMPLETENESS and not is_straight_lined(answers)


def submit_assessment(
    *,
    engine: sa.Engine,
    bank: Bank,
    assessment_id: int,
    actor: str = "self",
    answers: Answers | None = None,
) -> Result:
    """Score a draft once, store the scores beside the answers with the bank version, audit it.

    `answers`, when given, are saved first in the same transaction (a form sent in one go).
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
        if result.overall is None:
            raise StoreError("answer at least one question with a level before submitting")
        completeness = overall_completeness(result)
        assessment.status = "submitted"
        assessment.bank_version = bank.version
        assessment.overall = result.overall
        assessment.stage = result.stage
        assessment.completeness = completeness
        assessment.norm_eligible = is_norm_eligible(result, answers)
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


# --- member directory ----------------------------------------------------------------------------

DIRECTORY_COLUMNS = (
    "company_id",
    "name",
    "ksic",
    "size_band",
    "region",
    "synthetic",
    "assessments",
    "latest_wave",
    "latest_overall",
    "latest_stage",
)


def member_directory(
    *,
    engine: sa.Engine,
    search: str = "",
    ksic: Sequence[str] = (),
    regions: Sequence[str] = (),
    stages: Sequence[str] = (),
    include_synthetic: bool = True,
    limit: int = 200,
) -> tuple[int, list[dict[str, Any]]]:
    """Members matching the filters (name search is a case-insensitive substring), with their
    latest submitted assessment; returns the total number of matches and the first `limit`."""
    a = Assessment.__table__  # type: ignore[attr-defined]
    c = Company.__table__  # type: ignore[attr-defined]
    ranked = (
        sa.select(
            a.c.company_id,
            a.c.wave,
            a.c.overall,
            a.c.stage,
            sa.func.count().over(partition_by=a.c.company_id).label("n"),
            sa.func.row_number()
            .over(partition_by=a.c.company_id, order_by=(a.c.wave.desc(), a.c.id.desc()))
            .label("rank"),
        )
        .where(a.c.status == "submitted")
        .subquery("latest")
    )
    latest = sa.select(ranked).where(ranked.c.rank == 1).subquery("one")
    query = sa.select(
        c.c.id.label("company_id"),
        c.c.name,
        c.c.ksic,
        c.c.size_band,
        c.c.region,
        c.c.synthetic,
        sa.func.coalesce(latest.c.n, 0).label("assessments"),
        latest.c.wave.label("latest_wave"),
        latest.c.overall.label("latest_overall"),
        latest.c.stage.label("latest_stage"),
    ).select_from(c.outerjoin(latest, latest.c.company_id == c.c.id))
    text = search.strip()
    if text:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(sa.func.lower(c.c.name).like(f"%{escaped.lower()}%", escape="\\"))
    if ksic:
        query = query.where(c.c.ksic.in_(list(ksic)))
    if regions:
        query = query.where(c.c.region.in_(list(regions)))
    if stages:
        query = query.where(latest.c.stage.in_(list(stages)))
    if not include_synthetic:
        query = query.where(sa.not_(c.c.synthetic))
    with engine.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
        rows = conn.execute(query.order_by(c.c.name, c.c.id).limit(limit)).mappings().all()
    return int(total), [dict(row) for row in rows]


# --- bulk loading (synthetic members, imports) ---------------------------------------------------

RowBatch = Mapping[type[SQLModel], Sequence[dict[str, Any]]]
RowSource = RowBatch | Iterable[RowBatch] | Callable[[dict[str, int]], Iterable[RowBatch]]
BULK_LOCK_KEY = 724202  # pg_advisory_xact_lock key that serialises bulk loads on PostgreSQL


def _next_ids(session: Any) -> dict[str, int]:
    company = session.exec(select(func.max(Company.id))).one() or 0
    assessment = session.exec(select(func.max(Assessment.id))).one() or 0
    return {"company": int(company) + 1, "assessment": int(assessment) + 1}


def next_ids(*, engine: sa.Engine) -> dict[str, int]:
    """The next free primary key of company and assessment, for loaders that assign ids.

    Read outside any write transaction, so a concurrent writer may take them first; a loader that
    must not clash passes a callable to `bulk_insert`, which reads them inside its transaction.
    """
    with read_session(engine) as session:
        return _next_ids(session)


def _row_writer(conn: sa.Connection, table: sa.Table) -> Callable[[Sequence[dict[str, Any]]], None]:
    """A function that inserts a chunk of row dicts into `table` by the fastest path available.

    SQLite: the driver's executemany on tuples; PostgreSQL (psycopg): COPY. Values pass through
    each column type's bind processor first, exactly as SQLAlchemy would. Other dialects: Core.
    """
    dialect = conn.dialect
    columns = list(table.columns)
    names = [c.name for c in columns]
    driver = conn.connection.driver_connection
    if dialect.name not in ("sqlite", "postgresql") or dialect.driver not in (
        "pysqlite",
        "psycopg",
    ):

        def write_core(part: Sequence[dict[str, Any]]) -> None:
            conn.execute(table.insert(), list(part))

        return write_core
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    pick = operator.itemgetter(*names)

    def as_tuples(part: Sequence[dict[str, Any]]) -> Iterable[tuple[Any, ...]]:
        if len(names) == 1:
            return [(row[names[0]],) for row in part]
        tuples = [pick(row) for row in part]
        if not any(processors):
            return tuples
        columns = [
            values if f is None else list(map(f, values))
            for f, values in zip(processors, zip(*tuples, strict=True), strict=True)
        ]
        return zip(*columns, strict=True)

    if dialect.name == "sqlite":
        sql = str(table.insert().compile(dialect=dialect))

        def write_sqlite(part: Sequence[dict[str, Any]]) -> None:
            cursor = driver.cursor()
            try:
                cursor.executemany(sql, as_tuples(part))
            finally:
                cursor.close()

        return write_sqlite
    quote = dialect.identifier_preparer
    copy_sql = (
        f"COPY {quote.format_table(table)} ({', '.join(quote.quote(n) for n in names)}) FROM STDIN"
    )

    def write_copy(part: Sequence[dict[str, Any]]) -> None:
        with driver.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for values in as_tuples(part):
                copy.write_row(values)

    return write_copy


def _advance_sequences(conn: sa.Connection, tables: Iterable[sa.Table]) -> None:
    """On PostgreSQL, move serial sequences past ids that were inserted explicitly."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        column = table.autoincrement_column
        if column is None:
            continue
        conn.execute(
            sa.select(
                sa.func.setval(
                    sa.func.pg_get_serial_sequence(table.fullname, column.name),
                    sa.select(sa.func.max(column)).scalar_subquery(),
                )
            )
        )


def bulk_insert(
    *,
    engine: sa.Engine,
    rows: RowSource,
    actor: str,
    action: str,
    detail: dict[str, Any] | None = None,
    chunk: int = 20_000,
) -> dict[str, int]:
    """Insert many rows of several tables in one transaction (all or nothing), audited once.

    `rows` is one batch (a mapping model -> row dicts), an iterable of such batches (streamed, so a
    large load need not sit in memory at once), or a callable that receives the next free ids (as
    `next_ids`, but read inside this transaction) and returns the batches. Within a batch, tables
    are written in the order given, so parents come before children. Rows are plain dicts with
    every column set, ids included. Returns the number of rows written per table name.

    Concurrent bulk loads are serialised (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock
    taken first), so a callable sees every earlier load; it may raise to abort and roll back.
    """
    counts: dict[str, int] = {}
    with write_session(engine) as session:
        conn = session.connection()
        if conn.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(BULK_LOCK_KEY)))
        if callable(rows):
            rows = rows(_next_ids(session))
        batches: Iterable[RowBatch] = [rows] if isinstance(rows, Mapping) else rows
        writers: dict[sa.Table, Callable[[Sequence[dict[str, Any]]], None]] = {}
        for batch in batches:
            for model, table_rows in batch.items():
                table = model.__table__  # type: ignore[attr-defined]
                name = table.name
                counts[name] = counts.get(name, 0) + len(table_rows)
                if table not in writers:
                    writers[table] = _row_writer(conn, table)
                for start in range(0, len(table_rows), chunk):
                    part = table_rows[start : start + chunk]
                    if part:
                        writers[table](part)
        _advance_sequences(conn, [t for t in writers if counts.get(t.name)])
        audit.append(
            session,
            actor=actor,
            action=action,
            entity="bulk",
            detail={**(detail or {}), **counts},
        )
    return counts


# --- peers ---------------------------------------------------------------------------------------

NORM_COLUMNS = (
    "assessment_id",
    "company_id",
    "ksic",
    "size_band",
    "region",
    "mode",
    "synthetic",
    "overall",
)


def norm_rows(
    *, engine: sa.Engine, wave: int, pillars: Sequence[str]
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of the assessments that count in the norms of `wave`.

    One row per company: its latest submission in the wave (by submitted_at, then id), kept only
    when that submission is norm-eligible, so a company never counts with a superseded answer.
    Columns are NORM_COLUMNS, then one score per pillar id (None where the pillar has no score).
    """
    a = Assessment.__table__  # type: ignore[attr-defined]
    c = Company.__table__  # type: ignore[attr-defined]
    ps = PillarScoreRow.__table__  # type: ignore[attr-defined]
    ranked = (
        sa.select(
            a.c.id,
            a.c.company_id,
            a.c.mode,
            a.c.overall,
            a.c.norm_eligible,
            sa.func.row_number()
            .over(
                partition_by=a.c.company_id,
                order_by=(a.c.submitted_at.desc(), a.c.id.desc()),
            )
            .label("rank"),
        )
        .where(a.c.wave == wave, a.c.status == "submitted")
        .subquery("latest")
    )
    scores = {pid: ps.alias(f"score_{n}") for n, pid in enumerate(pillars)}
    joined = ranked.join(c, c.c.id == ranked.c.company_id)
    for pid, alias in scores.items():
        joined = joined.outerjoin(
            alias, sa.and_(alias.c.assessment_id == ranked.c.id, alias.c.pillar == pid)
        )
    query = (
        sa.select(
            ranked.c.id.label("assessment_id"),
            ranked.c.company_id,
            c.c.ksic,
            c.c.size_band,
            c.c.region,
            ranked.c.mode,
            c.c.synthetic,
            ranked.c.overall,
            *(alias.c.score.label(pid) for pid, alias in scores.items()),
        )
        .select_from(joined)
        .where(ranked.c.rank == 1, ranked.c.norm_eligible)
        .order_by(ranked.c.company_id)
    )
    with engine.connect() as conn:
        result = conn.execute(query)
        return list(result.keys()), [tuple(row) for row in result]


def latest_wave(*, engine: sa.Engine) -> int | None:
    """The newest wave that has a submitted assessment, or None when there is none."""
    with engine.connect() as conn:
        wave = conn.execute(
            sa.select(sa.func.max(Assessment.wave)).where(Assessment.status == "submitted")
        ).scalar()
    return None if wave is None else int(wave)


# --- staff analytics -----------------------------------------------------------------------------

ANALYTICS_COLUMNS = (
    "assessment_id",
    "company_id",
    "name",
    "ksic",
    "size_band",
    "region",
    "wave",
    "mode",
    "workshop_id",
    "synthetic",
    "overall",
    "stage",
    "completeness",
)
ItemWeight = tuple[str, int, float]  # item id, dimension number, weight


class CohortFilter(Protocol):
    """What a staff cohort selects; an empty tuple means "all" (readiness.analytics.Cohort)."""

    waves: tuple[int, ...]
    size_bands: tuple[str, ...]
    regions: tuple[str, ...]
    modes: tuple[str, ...]
    workshop_ids: tuple[int, ...]
    ksic: tuple[str, ...]
    include_synthetic: bool


def _cohort_latest(cohort: CohortFilter, *columns: str) -> sa.Subquery:
    """The latest submission per company and wave that matches the cohort: its id and `columns`.

    Every filter applies before ranking, so a cohort holds one row per company and wave: the latest
    submission that matches (e.g. the latest quick scan when the cohort asks for quick ones).
    Company filters are a semi-join, so the window runs over the assessment table alone.
    """
    a = Assessment.__table__  # type: ignore[attr-defined]
    c = Company.__table__  # type: ignore[attr-defined]
    conditions: list[sa.ColumnElement[bool]] = [a.c.status == "submitted"]
    for column, wanted in (
        (a.c.wave, cohort.waves),
        (a.c.mode, cohort.modes),
        (a.c.workshop_id, cohort.workshop_ids),
    ):
        if wanted:
            conditions.append(column.in_(list(wanted)))
    company_conditions: list[sa.ColumnElement[bool]] = [
        column.in_(list(wanted))
        for column, wanted in (
            (c.c.ksic, cohort.ksic),
            (c.c.size_band, cohort.size_bands),
            (c.c.region, cohort.regions),
        )
        if wanted
    ]
    if not cohort.include_synthetic:
        company_conditions.append(sa.not_(c.c.synthetic))
    if company_conditions:
        conditions.append(a.c.company_id.in_(sa.select(c.c.id).where(*company_conditions)))
    ranked = (
        sa.select(
            a.c.id,
            *(a.c[name] for name in columns),
            sa.func.row_number()
            .over(
                partition_by=(a.c.company_id, a.c.wave),
                order_by=(a.c.submitted_at.desc().nulls_last(), a.c.id.desc()),
            )
            .label("rank"),
        )
        .where(*conditions)
        .subquery("ranked")
    )
    return (
        sa.select(ranked.c.id, *(ranked.c[name] for name in columns))
        .where(ranked.c.rank == 1)
        .subquery("latest")
    )


def cohort_rows(
    *, engine: sa.Engine, cohort: CohortFilter, pillars: Sequence[str]
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of a staff cohort: the latest submission per company and wave.

    Columns are ANALYTICS_COLUMNS, then one score per pillar id (None where it has no score).
    Staff see every submission, norm-eligible or not. Rows come in no particular order, as the
    driver returns them (`synthetic` is 0/1 on SQLite).
    """
    c = Company.__table__  # type: ignore[attr-defined]
    ps = PillarScoreRow.__table__  # type: ignore[attr-defined]
    own = ("company_id", "wave", "mode", "workshop_id", "overall", "stage", "completeness")
    latest = _cohort_latest(cohort, *own)
    scores = {pid: ps.alias(f"score_{n}") for n, pid in enumerate(pillars)}
    joined = latest.join(c, c.c.id == latest.c.company_id)
    for pid, alias in scores.items():
        joined = joined.outerjoin(
            alias, sa.and_(alias.c.assessment_id == latest.c.id, alias.c.pillar == pid)
        )
    query = sa.select(
        latest.c.id.label("assessment_id"),
        *((latest.c if name in own else c.c)[name] for name in ANALYTICS_COLUMNS[1:]),
        *(alias.c.score.label(pid) for pid, alias in scores.items()),
    ).select_from(joined)
    with engine.connect() as conn:
        return [*ANALYTICS_COLUMNS, *pillars], _fetch_plain(conn, query)


def _fetch_plain(conn: sa.Connection, query: sa.Select) -> list[tuple[Any, ...]]:
    """All rows as the driver returns them, without SQLAlchemy's per-row processing.

    For large reads whose columns need no conversion (ints, floats, text): a third less CPU on a
    one-wave dimension read (455,000 rows). Booleans stay 0/1 on SQLite.
    """
    result = conn.execute(query)
    try:
        return result.cursor.fetchall() if result.cursor is not None else []
    finally:
        result.close()


def cohort_dimension_rows(
    *, engine: sa.Engine, cohort: CohortFilter, items: Sequence[ItemWeight]
) -> list[tuple[int, int, float]]:
    """(assessment id, dimension number, score) rows for the cohort's latest submissions.

    score = 100 x sum(w L) / (5 x sum(w)) over the dimension's items answered with a level (the
    published formula); a dimension without such an answer has no row, and answers to items not in
    `items` are left out. The item -> (dimension, weight) map is inlined as two CASE expressions:
    with a joined VALUES table SQLite's planner may drive the join from the small table and run
    two to three times slower.
    """
    an = Answer.__table__  # type: ignore[attr-defined]
    latest = _cohort_latest(cohort)
    dimension = sa.case({item: number for item, number, _ in items}, value=an.c.item_id)
    weight = sa.case({item: float(w) for item, _, w in items}, value=an.c.item_id)
    score = 100.0 * sa.func.sum(weight * an.c.level) / (5.0 * sa.func.sum(weight))
    key = dimension.label("dimension")
    query = (
        sa.select(latest.c.id, key, score)
        .select_from(latest.join(an, an.c.assessment_id == latest.c.id))
        .where(an.c.level.is_not(None))
        .group_by(latest.c.id, key)
        .having(key.is_not(None))
    )
    with engine.connect() as conn:
        return _fetch_plain(conn, query)  # type: ignore[return-value]


def cohort_item_rows(
    *, engine: sa.Engine, cohort: CohortFilter
) -> list[tuple[str, float | None, int, int]]:
    """Per item over the cohort's latest submissions: (item id, mean level, answers with a
    level, N/A answers)."""
    an = Answer.__table__  # type: ignore[attr-defined]
    latest = _cohort_latest(cohort)
    answered = sa.func.count(an.c.level)
    query = (
        sa.select(
            an.c.item_id,
            sa.func.avg(an.c.level * 1.0),
            answered,
            sa.func.count() - answered,
        )
        .select_from(latest.join(an, an.c.assessment_id == latest.c.id))
        .group_by(an.c.item_id)
        .order_by(an.c.item_id)
    )
    with engine.connect() as conn:
        return [
            (item, None if mean is None else float(mean), int(n), int(na))
            for item, mean, n, na in conn.execute(query)
        ]


def cohort_answer_rows(
    *, engine: sa.Engine, cohort: CohortFilter
) -> list[tuple[int, int, str, int | None]]:
    """Every answer of the cohort's latest submissions: (assessment id, company id, item id,
    level or None for N/A)."""
    an = Answer.__table__  # type: ignore[attr-defined]
    latest = _cohort_latest(cohort, "company_id")
    query = sa.select(latest.c.id, latest.c.company_id, an.c.item_id, an.c.level).select_from(
        latest.join(an, an.c.assessment_id == latest.c.id)
    )
    with engine.connect() as conn:
        return [(int(a), int(c), str(i), lv) for a, c, i, lv in conn.execute(query)]


def partner_profiles(*, engine: sa.Engine, ksic: Sequence[str] = ()) -> dict[int, dict[str, Any]]:
    """The profile facts that partner rules read, per company id (of the given divisions)."""
    c = Company.__table__  # type: ignore[attr-defined]
    query = sa.select(c.c.id, c.c.ksic, c.c.employees, c.c.export_share, c.c.markets, c.c.roles)
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
            }
            for row in conn.execute(query)
        }


# --- clusters ------------------------------------------------------------------------------------

CLUSTER_NOTE_MAX = 500


def cluster_company_facts(*, engine: sa.Engine, ksic: Sequence[str] = ()) -> list[dict[str, Any]]:
    """What value-chain matching needs of each company beyond a cohort row.

    One dict per company (of the given KSIC divisions; all when empty): company_id, employees,
    roles, markets, products, consent_suggest, consent_named. Lists come back decoded.
    """
    c = Company.__table__  # type: ignore[attr-defined]
    query = sa.select(
        c.c.id.label("company_id"),
        c.c.employees,
        c.c.roles,
        c.c.markets,
        c.c.products,
        c.c.consent_suggest,
        c.c.consent_named,
    ).order_by(c.c.id)
    if ksic:
        query = query.where(c.c.ksic.in_(list(ksic)))
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def create_cluster(
    *,
    engine: sa.Engine,
    name: str,
    chain: str,
    members: Sequence[tuple[int, str]],
    created_by: str,
    note: str = "",
) -> Cluster:
    """Save a cluster with its members, each as (company id, value-chain role); audited
    "cluster.save". Refuses (StoreError, nothing written) a blank name, no members, a company
    listed twice, an unknown role or a company that does not exist."""
    try:
        name = clean_text(name, max_length=120)
        note = clean_text(note, max_length=CLUSTER_NOTE_MAX)
    except ValueError as exc:
        raise StoreError(f"cluster name or note: {exc}") from None
    chain = (chain or "").strip()
    if not name:
        raise StoreError("a cluster needs a name")
    if not chain or len(chain) > 32:
        raise StoreError("a cluster needs a chain (a chain id or a KSIC division)")
    if not members:
        raise StoreError("a cluster needs at least one member")
    ids = [int(company_id) for company_id, _ in members]
    if len(set(ids)) != len(ids):
        raise StoreError("a company is listed twice in the cluster")
    bad = sorted({role for _, role in members if role not in reference.role_ids()})
    if bad:
        raise StoreError(f"unknown value-chain role(s): {', '.join(bad)}")
    cluster = Cluster(name=name, chain=chain, created_by=created_by, note=note)
    with write_session(engine) as session:
        found = set(session.exec(select(Company.id).where(Company.id.in_(ids))).all())  # type: ignore[union-attr]
        missing = [i for i in ids if i not in found]
        if missing:
            raise StoreError(f"no such company: {', '.join(map(str, missing))}")
        session.add(cluster)
        session.flush()
        session.add_all(
            ClusterMember(cluster_id=cluster.id, company_id=int(company_id), role=role)  # type: ignore[arg-type]
            for company_id, role in members
        )
        audit.append(
            session,
            actor=created_by,
            action="cluster.save",
            entity="cluster",
            entity_id=cluster.id,  # type: ignore[arg-type]
            detail={
                "name": name,
                "chain": chain,
                "members": [[int(company_id), role] for company_id, role in members],
            },
        )
    return cluster


def list_clusters(*, engine: sa.Engine, company_id: int | None = None) -> list[dict[str, Any]]:
    """Saved clusters, newest first: id, name, chain, created_by, created_at, note, members
    (how many). With `company_id`, only the clusters that company belongs to."""
    cl = Cluster.__table__  # type: ignore[attr-defined]
    cm = ClusterMember.__table__  # type: ignore[attr-defined]
    count = (
        sa.select(sa.func.count())
        .where(cm.c.cluster_id == cl.c.id)
        .scalar_subquery()
        .label("members")
    )
    query = sa.select(
        cl.c.id, cl.c.name, cl.c.chain, cl.c.created_by, cl.c.created_at, cl.c.note, count
    ).order_by(cl.c.created_at.desc(), cl.c.id.desc())
    if company_id is not None:
        query = query.where(
            cl.c.id.in_(sa.select(cm.c.cluster_id).where(cm.c.company_id == company_id))
        )
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def get_cluster(*, engine: sa.Engine, cluster_id: int) -> Cluster | None:
    with read_session(engine) as session:
        return session.get(Cluster, cluster_id)


def cluster_members(*, engine: sa.Engine, cluster_id: int) -> list[dict[str, Any]]:
    """A saved cluster's members in the order saved: company_id, role, name, ksic, size_band,
    region, roles, products, synthetic. Empty for an unknown cluster."""
    c = Company.__table__  # type: ignore[attr-defined]
    cm = ClusterMember.__table__  # type: ignore[attr-defined]
    query = (
        sa.select(
            cm.c.company_id,
            cm.c.role,
            c.c.name,
            c.c.ksic,
            c.c.size_band,
            c.c.region,
            c.c.roles,
            c.c.products,
            c.c.synthetic,
        )
        .select_from(cm.join(c, c.c.id == cm.c.company_id))
        .where(cm.c.cluster_id == cluster_id)
        .order_by(cm.c.company_id)
    )
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def delete_cluster(*, engine: sa.Engine, cluster_id: int, actor: str) -> bool:
    """Delete a saved cluster (its members go with it); audited "cluster.delete"."""
    with write_session(engine) as session:
        cluster = session.get(Cluster, cluster_id)
        if cluster is None:
            return False
        members = session.exec(
            select(ClusterMember.company_id).where(ClusterMember.cluster_id == cluster_id)
        ).all()
        session.exec(delete(ClusterMember).where(ClusterMember.cluster_id == cluster_id))  # type: ignore[arg-type]
        session.delete(cluster)
        audit.append(
            session,
            actor=actor,
            action="cluster.delete",
            entity="cluster",
            entity_id=cluster_id,
            detail={"name": cluster.name, "chain": cluster.chain, "members": sorted(members)},
        )
    return True


def record_cluster_export(*, engine: sa.Engine, actor: str, detail: dict[str, Any]) -> None:
    """Record in the audit log that a cluster (proposed or saved) was exported."""
    with write_session(engine) as session:
        audit.append(
            session,
            actor=actor,
            action="cluster.export",
            entity="cluster",
            entity_id=str(detail.get("cluster_id") or ""),
            detail=detail,
        )
