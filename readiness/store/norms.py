"""Peer norms: the assessments that count, one per company, as readiness.peers reads them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlmodel import col

from readiness.bank import default_bank
from readiness.cohorts import Cohort
from readiness.models import Assessment, Company
from readiness.peers import OVERALL
from readiness.store.cohorts import latest_submissions, with_pillar_scores
from readiness.store.rows import table_of


def norm_rows(
    *,
    engine: sa.Engine,
    wave: int,
    pillars: Sequence[str],
    mode: str = "full",
    bank_version: str | None = None,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and rows of the assessments that count in the norms of `wave`.

    One row per company: its latest submission of `mode` in the wave and bank version (by
    submitted_at, then id), kept only when that submission is norm-eligible (the flag
    readiness.peers decided at submission), so a company never counts with a superseded answer.
    Only verified members count (imported from the roster, confirmed by staff, or the demo's): a
    self-registered company is nobody's peer until staff verify it.
    Full assessments and quick scans have separate norms; scores of different bank versions are
    never mixed. Columns are NORM_COLUMNS, then one score per pillar id (None where unscored).
    """
    c = table_of(Company)
    version = default_bank().version if bank_version is None else bank_version
    cohort = Cohort(waves=(wave,), modes=(mode,), bank_versions=(version,))
    latest = latest_submissions("company_id", "mode", "overall", "norm_eligible", cohort=cohort)
    joined, scores = with_pillar_scores(
        latest, latest.join(c, c.c.id == latest.c.company_id), pillars
    )
    query = (
        sa.select(
            latest.c.id.label("assessment_id"),
            latest.c.company_id,
            c.c.ksic,
            c.c.size_band,
            c.c.region,
            latest.c.mode,
            c.c.synthetic,
            latest.c.overall,
            *(alias.c.score.label(pid) for pid, alias in scores.items()),
        )
        .select_from(joined)
        .where(latest.c.norm_eligible, c.c.verified)
        .order_by(latest.c.company_id)
    )
    with engine.connect() as conn:
        result = conn.execute(query)
        return list(result.keys()), [tuple(row) for row in result]


def norm_frame(
    *,
    engine: sa.Engine,
    wave: int,
    pillars: Sequence[str] | None = None,
    mode: str = "full",
    bank_version: str | None = None,
) -> pd.DataFrame:
    """The norm-eligible assessments of one wave, mode and bank version (the current one by
    default), one row per company.

    Columns: assessment_id, company_id, ksic, size_band, region, mode, synthetic, overall, then one
    score column per pillar id (NaN where a pillar has no score). Pillars default to the bank's.
    """
    pillar_ids = list(pillars) if pillars is not None else default_bank().pillar_ids
    columns, rows = norm_rows(
        engine=engine, wave=wave, pillars=pillar_ids, mode=mode, bank_version=bank_version
    )
    frame = pd.DataFrame.from_records(rows, columns=columns)
    score_columns = [OVERALL, *pillar_ids]
    frame[score_columns] = frame[score_columns].astype("float64")
    # Plain object columns: pandas 3's Arrow strings cost a conversion on every group selection.
    text = {c: object for c in ("ksic", "size_band", "region", "mode")}
    return frame.astype(
        {"assessment_id": "int64", "company_id": "int64", "synthetic": "bool", **text}
    )


def latest_wave(*, engine: sa.Engine) -> int | None:
    """The newest wave that has a submitted assessment, or None when there is none."""
    with engine.connect() as conn:
        wave = conn.execute(
            sa.select(sa.func.max(Assessment.wave)).where(col(Assessment.status) == "submitted")
        ).scalar()
    return None if wave is None else int(wave)
