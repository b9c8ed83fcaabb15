"""The one builder of "the latest submission per company" that every reader uses."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from readiness import store
from readiness.cohorts import Cohort
from readiness.db import write_session
from readiness.models import Assessment, Company


def _at(month: int, day: int = 1, year: int = 2026) -> datetime:
    return datetime(year, month, day, 9, 0, tzinfo=UTC)


def _membership(engine: sa.Engine) -> None:
    """Company 1 (C29): 2025 full (id 1); 2026 quick submitted 1 Feb (id 2), 2026 full submitted
    earlier, 15 Jan, with a higher id (3), a 2026 draft (4). Company 2 (C10, synthetic): two 2026
    submissions at the same moment (5, 6). Company 3 (C29): a draft only (7)."""
    companies = [
        Company(id=1, name="하나", ksic="C29", employees=20, size_band="10-49"),
        Company(id=2, name="둘", ksic="C10", employees=20, size_band="10-49", synthetic=True),
        Company(id=3, name="셋", ksic="C29", employees=20, size_band="10-49"),
    ]
    submitted = [
        (1, 1, 2025, "full", _at(3, year=2025), "beginner"),
        (2, 1, 2026, "quick", _at(2), "promising"),
        (3, 1, 2026, "full", _at(1, 15), "beginner"),
        (5, 2, 2026, "full", _at(3), "leading"),
        (6, 2, 2026, "full", _at(3), "beginner"),
    ]
    assessments = [
        Assessment(
            id=aid,
            company_id=cid,
            wave=wave,
            mode=mode,
            status="submitted",
            bank_version="1.0",
            submitted_at=at,
            stage=stage,
        )
        for aid, cid, wave, mode, at, stage in submitted
    ]
    assessments += [
        Assessment(id=4, company_id=1, wave=2026, mode="full", bank_version="1.0"),
        Assessment(id=7, company_id=3, wave=2026, mode="quick", bank_version="1.0"),
    ]
    with write_session(engine) as session:
        session.add_all(companies)
        session.flush()
        session.add_all(assessments)


def _latest(engine: sa.Engine, **options: object) -> dict[object, int]:
    per = options.get("per", ("company_id",))
    latest = store.latest_submissions(*per, **options)  # type: ignore[arg-type]
    with engine.connect() as conn:
        rows = conn.execute(sa.select(latest)).all()
    return {
        (row[1] if len(per) == 1 else tuple(row[1 : 1 + len(per)])): int(row[0]) for row in rows
    }


def test_the_latest_submission_is_the_newest_wave_then_the_latest_submitted_then_the_highest_id(
    engine: sa.Engine,
) -> None:
    _membership(engine)
    assert _latest(engine) == {1: 2, 2: 6}
    assert _latest(engine, per=("company_id", "wave")) == {(1, 2025): 1, (1, 2026): 2, (2, 2026): 6}


def test_filters_apply_before_ranking_and_stages_to_the_submission_chosen(
    engine: sa.Engine,
) -> None:
    _membership(engine)
    assert _latest(engine, cohort=Cohort(modes=("full",))) == {1: 3, 2: 6}
    assert _latest(engine, cohort=Cohort(waves=(2025,))) == {1: 1}
    assert _latest(engine, cohort=Cohort(include_synthetic=False)) == {1: 2}
    assert _latest(engine, cohort=Cohort(ksic=("C10",), search="둘")) == {2: 6}
    assert _latest(engine, cohort=Cohort(stages=("beginner",))) == {2: 6}


def test_drafts_count_only_where_a_company_has_no_submission(engine: sa.Engine) -> None:
    _membership(engine)
    assert _latest(engine, drafts=True) == {1: 2, 2: 6, 3: 7}


def test_count_as_counts_the_partitions_submissions(engine: sa.Engine) -> None:
    _membership(engine)
    latest = store.latest_submissions("company_id", count_as="n")
    with engine.connect() as conn:
        counted = {row.company_id: row.n for row in conn.execute(sa.select(latest))}
    assert counted == {1: 3, 2: 2}
