"""Reads for instrument health (readiness.instrument): the answers and pillar scores of one bank
version, wave and mode, one submission per company."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from readiness.models import Answer, Assessment, Company, PillarScoreRow
from readiness.store.rows import table_of


@dataclass(frozen=True)
class InstrumentRows:
    """The submissions chosen and what they hold.

    `assessments`: (assessment id, synthetic) per submission; `answers`: (assessment id, item id,
    level or None for N/A); `scores`: (assessment id, pillar id, score or None).
    """

    assessments: list[tuple[int, bool]]
    answers: list[tuple[int, str, int | None]]
    scores: list[tuple[int, str, float | None]]


@dataclass(frozen=True)
class InstrumentScope:
    """A bank version, wave and mode that has submissions, and how many companies submitted."""

    bank_version: str
    wave: int
    mode: str
    companies: int


def instrument_scopes(*, engine: sa.Engine) -> list[InstrumentScope]:
    """Every (bank version, wave, mode) with submitted assessments, newest wave first."""
    a = table_of(Assessment)
    query = (
        sa.select(a.c.bank_version, a.c.wave, a.c.mode, sa.func.count(sa.distinct(a.c.company_id)))
        .where(a.c.status == "submitted")
        .group_by(a.c.bank_version, a.c.wave, a.c.mode)
        .order_by(a.c.wave.desc(), a.c.bank_version.desc(), a.c.mode)
    )
    with engine.connect() as conn:
        return [
            InstrumentScope(str(version), int(wave), str(mode), int(n))
            for version, wave, mode, n in conn.execute(query)
        ]


def instrument_rows(
    *,
    engine: sa.Engine,
    bank_version: str,
    wave: int,
    mode: str = "full",
    norm_only: bool = True,
) -> InstrumentRows:
    """Answers and pillar scores of the latest submission per company among those of `wave`,
    `mode` and `bank_version` (latest by submitted_at, then id); with `norm_only`, kept only
    when that submission counts in norms (complete enough, not straight-lined, of a verified
    member)."""
    a = table_of(Assessment)
    c = table_of(Company)
    an = table_of(Answer)
    ps = table_of(PillarScoreRow)
    ranked = (
        sa.select(
            a.c.id,
            a.c.company_id,
            a.c.norm_eligible,
            sa.func.row_number()
            .over(
                partition_by=a.c.company_id,
                order_by=[a.c.submitted_at.desc().nulls_last(), a.c.id.desc()],
            )
            .label("rank"),
        )
        .where(
            a.c.status == "submitted",
            a.c.wave == wave,
            a.c.mode == mode,
            a.c.bank_version == bank_version,
        )
        .subquery("ranked")
    )
    chosen_where: list[sa.ColumnElement[bool]] = [ranked.c.rank == 1]
    if norm_only:
        chosen_where += [ranked.c.norm_eligible, c.c.verified]
    chosen = (
        sa.select(ranked.c.id, c.c.synthetic)
        .select_from(ranked.join(c, c.c.id == ranked.c.company_id))
        .where(*chosen_where)
        .subquery("chosen")
    )
    with engine.connect() as conn:
        assessments: list[tuple[Any, ...]] = [
            tuple(row) for row in conn.execute(sa.select(chosen.c.id, chosen.c.synthetic))
        ]
        answers = conn.execute(
            sa.select(an.c.assessment_id, an.c.item_id, an.c.level).select_from(
                chosen.join(an, an.c.assessment_id == chosen.c.id)
            )
        ).all()
        scores = conn.execute(
            sa.select(ps.c.assessment_id, ps.c.pillar, ps.c.score).select_from(
                chosen.join(ps, ps.c.assessment_id == chosen.c.id)
            )
        ).all()
    return InstrumentRows(
        assessments=[(int(i), bool(s)) for i, s in assessments],
        answers=[(int(i), str(item), lv) for i, item, lv in answers],
        scores=[(int(i), str(p), None if s is None else float(s)) for i, p, s in scores],
    )
