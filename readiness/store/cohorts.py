"""Cohorts: which submissions a staff selection holds (the latest per company), and its reads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from readiness.cohorts import Cohort
from readiness.models import Answer, Assessment, Company, PillarScoreRow
from readiness.peers import NORM_MIN_COMPLETENESS
from readiness.store.rows import table_of

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
EVERYONE = Cohort()


def name_contains(column: sa.ColumnElement[str], text: str) -> sa.ColumnElement[bool]:
    """A case-insensitive substring match, with LIKE's wildcards in `text` taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.func.lower(column).like(f"%{escaped.lower()}%", escape="\\")


BIZ_NO_SEARCH_MIN = 3  # digits of a business number a search needs before it matches numbers


def search_clause(company: Any, text: str) -> sa.ColumnElement[bool]:
    """A member search: the name contains the text, or, when the text is digits (dashes and
    spaces allowed: "123-45-67890", "1234567890"), the business number contains them."""
    by_name = name_contains(company.name, text)
    digits = "".join(text.replace("-", " ").split())
    if digits.isdigit() and len(digits) >= BIZ_NO_SEARCH_MIN:
        return sa.or_(by_name, company.biz_no.contains(digits, autoescape=True))
    return by_name


def company_clauses(cohort: Cohort, company: sa.Table) -> list[sa.ColumnElement[bool]]:
    """The cohort's conditions on the company table."""
    c = company.c
    clauses: list[sa.ColumnElement[bool]] = [
        column.in_(list(wanted))
        for column, wanted in (
            (c.ksic, cohort.ksic),
            (c.size_band, cohort.size_bands),
            (c.region, cohort.regions),
        )
        if wanted
    ]
    if cohort.search.strip():
        clauses.append(search_clause(c, cohort.search.strip()))
    if not cohort.include_synthetic:
        clauses.append(sa.not_(c.synthetic))
    respondents = cohort.include_respondents or bool(cohort.workshop_ids)
    if not respondents:
        clauses.append(sa.not_(c.respondent))
    if cohort.verified_only:  # members verified; respondents, where included, are no members
        clauses.append(sa.or_(c.verified, c.respondent) if respondents else c.verified)
    return clauses


def picks_submissions(cohort: Cohort) -> bool:
    """Whether the cohort filters on submissions (so a member without a match drops out)."""
    return bool(
        cohort.waves
        or cohort.modes
        or cohort.workshop_ids
        or cohort.stages
        or cohort.bank_versions
        or cohort.complete_only
    )


def latest_submissions(
    *columns: str,
    cohort: Cohort = EVERYONE,
    per: Sequence[str] = ("company_id",),
    drafts: bool = False,
    count_as: str | None = None,
) -> sa.Subquery:
    """The latest submission per `per` (company by default) that matches `cohort`: its id and
    `columns` of the assessment table, one row each.

    Latest = the newest wave (unless `per` holds the wave), then the latest submitted_at, then the
    highest id. With `drafts`, drafts count too but a submission comes first. Every filter of the
    cohort applies before ranking except stages, which apply to the submission chosen; company
    filters are a semi-join, so the window runs over the assessment table alone. `count_as` adds
    a column of that name: how many submissions the partition holds.
    """
    a = table_of(Assessment)
    c = table_of(Company)
    conditions: list[sa.ColumnElement[bool]] = [] if drafts else [a.c.status == "submitted"]
    for column, wanted in (
        (a.c.wave, cohort.waves),
        (a.c.mode, cohort.modes),
        (a.c.workshop_id, cohort.workshop_ids),
        (a.c.bank_version, cohort.bank_versions),
    ):
        if wanted:
            conditions.append(column.in_(list(wanted)))
    if cohort.complete_only:
        conditions.append(a.c.completeness >= NORM_MIN_COMPLETENESS)
    on_company = company_clauses(cohort, c)
    if on_company:
        conditions.append(a.c.company_id.in_(sa.select(c.c.id).where(*on_company)))
    order: list[sa.ColumnElement[Any]] = []
    if drafts:
        order.append(sa.case((a.c.status == "submitted", 0), else_=1))
    if "wave" not in per:
        order.append(a.c.wave.desc())
    order += [a.c.submitted_at.desc().nulls_last(), a.c.id.desc()]
    partition = [a.c[name] for name in per]
    carried = list(dict.fromkeys([*columns, *(["stage"] if cohort.stages else [])]))
    extra = (
        [] if count_as is None else [sa.func.count().over(partition_by=partition).label(count_as)]
    )
    ranked = (
        sa.select(
            a.c.id,
            *(a.c[name] for name in carried),
            *extra,
            sa.func.row_number().over(partition_by=partition, order_by=order).label("rank"),
        )
        .where(*conditions)
        .subquery("ranked")
    )
    chosen: list[sa.ColumnElement[bool]] = [ranked.c.rank == 1]
    if cohort.stages:
        chosen.append(ranked.c.stage.in_(list(cohort.stages)))
    shown = [*columns, *([] if count_as is None else [count_as])]
    return (
        sa.select(ranked.c.id, *(ranked.c[name] for name in shown))
        .where(*chosen)
        .subquery("latest")
    )


def fetch_plain(conn: sa.Connection, query: sa.Select) -> Sequence[tuple[Any, ...]]:
    """All rows as the driver returns them, without SQLAlchemy's per-row processing.

    For large reads whose columns need no conversion (ints, floats, text): a third less CPU on a
    one-wave dimension read (455,000 rows). Booleans stay 0/1 on SQLite.
    """
    result = conn.execute(query)
    try:
        return result.cursor.fetchall() if result.cursor is not None else []
    finally:
        result.close()


def with_pillar_scores(
    latest: sa.Subquery, joined: sa.FromClause, pillars: Sequence[str]
) -> tuple[sa.FromClause, dict[str, sa.FromClause]]:
    """`joined` with one outer-joined pillar score per pillar id of `latest`'s assessment."""
    ps = table_of(PillarScoreRow)
    scores: dict[str, sa.FromClause] = {
        pid: ps.alias(f"score_{n}") for n, pid in enumerate(pillars)
    }
    for pid, alias in scores.items():
        joined = joined.outerjoin(
            alias, sa.and_(alias.c.assessment_id == latest.c.id, alias.c.pillar == pid)
        )
    return joined, scores


def cohort_rows(
    *, engine: sa.Engine, cohort: Cohort, pillars: Sequence[str]
) -> tuple[list[str], Sequence[tuple[Any, ...]]]:
    """Column names and rows of a staff cohort: the latest submission per company and wave.

    Columns are ANALYTICS_COLUMNS, then one score per pillar id (None where it has no score).
    Staff see every submission, norm-eligible or not. Rows come in no particular order, as the
    driver returns them (`synthetic` is 0/1 on SQLite).
    """
    c = table_of(Company)
    own = ("company_id", "wave", "mode", "workshop_id", "overall", "stage", "completeness")
    latest = latest_submissions(*own, cohort=cohort, per=("company_id", "wave"))
    joined, scores = with_pillar_scores(
        latest, latest.join(c, c.c.id == latest.c.company_id), pillars
    )
    query = sa.select(
        latest.c.id.label("assessment_id"),
        *((latest.c if name in own else c.c)[name] for name in ANALYTICS_COLUMNS[1:]),
        *(alias.c.score.label(pid) for pid, alias in scores.items()),
    ).select_from(joined)
    with engine.connect() as conn:
        return [*ANALYTICS_COLUMNS, *pillars], fetch_plain(conn, query)


def cohort_dimension_rows(
    *, engine: sa.Engine, cohort: Cohort, items: Sequence[ItemWeight]
) -> Sequence[tuple[int, int, float]]:
    """(assessment id, dimension number, score) rows for the cohort's latest submissions.

    score = 100 x sum(w L) / (5 x sum(w)) over the dimension's items answered with a level (the
    published formula); a dimension without such an answer has no row, and answers to items not in
    `items` are left out. The item -> (dimension, weight) map is inlined as two CASE expressions:
    with a joined VALUES table SQLite's planner may drive the join from the small table and run
    two to three times slower.
    """
    an = table_of(Answer)
    latest = latest_submissions(cohort=cohort, per=("company_id", "wave"))
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
        return fetch_plain(conn, query)


def cohort_item_rows(
    *, engine: sa.Engine, cohort: Cohort
) -> list[tuple[str, float | None, int, int]]:
    """Per item over the cohort's latest submissions: (item id, mean level, answers with a
    level, N/A answers)."""
    an = table_of(Answer)
    latest = latest_submissions(cohort=cohort, per=("company_id", "wave"))
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
    *, engine: sa.Engine, cohort: Cohort
) -> list[tuple[int, int, str, int | None]]:
    """Every answer of the cohort's latest submissions: (assessment id, company id, item id,
    level or None for N/A)."""
    an = table_of(Answer)
    latest = latest_submissions("company_id", cohort=cohort, per=("company_id", "wave"))
    query = sa.select(latest.c.id, latest.c.company_id, an.c.item_id, an.c.level).select_from(
        latest.join(an, an.c.assessment_id == latest.c.id)
    )
    with engine.connect() as conn:
        return [(int(a), int(c), str(i), lv) for a, c, i, lv in conn.execute(query)]


def cohort_item_levels(
    *, engine: sa.Engine, cohort: Cohort, item_ids: Sequence[str]
) -> list[tuple[int, str, int | None]]:
    """The answers to `item_ids` of the cohort's latest submissions (one per company and wave):
    (assessment id, item id, level or None for N/A)."""
    if not item_ids:
        return []
    an = table_of(Answer)
    latest = latest_submissions(cohort=cohort, per=("company_id", "wave"))
    query = (
        sa.select(latest.c.id, an.c.item_id, an.c.level)
        .select_from(latest.join(an, an.c.assessment_id == latest.c.id))
        .where(an.c.item_id.in_(list(item_ids)))
    )
    with engine.connect() as conn:
        return [(int(a), str(i), lv) for a, i, lv in conn.execute(query)]
