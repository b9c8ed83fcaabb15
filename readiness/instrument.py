"""Instrument health: how well the question bank measures, from stored answers (docs/method.md).

Pure statistics on pandas/numpy, for `readiness bank stats` and the staff page "instrument health":

- Cronbach's alpha per pillar, LISTWISE: over the assessments with a level on every item of the
  pillar in scope (N/A and unanswered items drop the assessment from that pillar's alpha). Listwise
  keeps one sample per pillar, so alpha, alpha-if-deleted and the item-total correlations agree.
- Corrected item-total correlations: an item's levels against the sum of the OTHER items of its
  pillar, on the same complete cases.
- Inter-pillar correlations: Pearson on the stored pillar scores, pairwise complete.
- Item level distributions: assessments per level 0-5, N/A, and no answer.

Every figure carries its n. Alpha and correlations need at least `min_n` cases (MIN_N by default)
and are None below it, or where a variance is zero (the figure is undefined).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from readiness.peers import K_ANONYMITY

if TYPE_CHECKING:
    import sqlalchemy as sa

    from readiness.bank import Bank

# Below this many cases alpha's confidence interval is wider than the distinctions it should make
# (about +/- 0.1 at alpha 0.8 with 10 items); correlations use the same floor.
MIN_N = 30
LEVELS = tuple(range(6))
ANSWER_COLUMNS = ("assessment_id", "item_id", "level")


@dataclass(frozen=True)
class PillarAlpha:
    """Cronbach's alpha of one pillar: `n` complete cases out of `n_any` with any level."""

    pillar: str
    items: int
    n: int
    n_any: int
    alpha: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "pillar": self.pillar,
            "items": self.items,
            "n": self.n,
            "n_any": self.n_any,
            "alpha": self.alpha,
        }


@dataclass(frozen=True)
class ItemStats:
    """One item: its level distribution and how it hangs together with its pillar.

    `counts[L]` assessments chose level L; `na` chose "not applicable"; `missing` gave no answer.
    `item_total` and `alpha_if_deleted` are computed on the pillar's complete cases (`n_complete`).
    """

    item_id: str
    pillar: str
    counts: tuple[int, ...]
    na: int
    missing: int
    mean: float | None
    n_complete: int
    item_total: float | None
    alpha_if_deleted: float | None

    @property
    def n(self) -> int:
        """Assessments that gave this item a level."""
        return sum(self.counts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "item_id": self.item_id,
            "pillar": self.pillar,
            "n": self.n,
            "counts": {str(level): c for level, c in zip(LEVELS, self.counts, strict=True)},
            "na": self.na,
            "missing": self.missing,
            "mean": self.mean,
            "n_complete": self.n_complete,
            "item_total": self.item_total,
            "alpha_if_deleted": self.alpha_if_deleted,
        }


@dataclass(frozen=True)
class InstrumentReport:
    """Everything the instrument-health views show for one bank version, wave and mode."""

    bank_version: str
    wave: int | None
    mode: str
    assessments: int
    synthetic: int
    min_n: int
    k: int
    alphas: list[PillarAlpha]
    items: list[ItemStats]
    correlation: pd.DataFrame  # pillar x pillar Pearson r, NaN where undefined or n < min_n
    correlation_n: pd.DataFrame  # pillar x pillar pairwise n
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        pillars = [str(p) for p in self.correlation.index]
        r, n = self.correlation.to_numpy(), self.correlation_n.to_numpy()
        return {
            "bank_version": self.bank_version,
            "wave": self.wave,
            "mode": self.mode,
            "assessments": self.assessments,
            "synthetic": self.synthetic,
            "min_n": self.min_n,
            "k": self.k,
            "alpha_method": "listwise",
            "alphas": [a.to_dict() for a in self.alphas],
            "items": [i.to_dict() for i in self.items],
            "correlations": {
                a: {b: {"r": _plain(r[i, j]), "n": int(n[i, j])} for j, b in enumerate(pillars)}
                for i, a in enumerate(pillars)
            },
        }


def _plain(value: Any) -> float | None:
    value = float(value)
    return None if np.isnan(value) else value


# --- the statistics ------------------------------------------------------------------------------


def level_matrix(answers: pd.DataFrame, item_ids: Sequence[str]) -> pd.DataFrame:
    """Assessments x items, float levels; NaN where the item is N/A or unanswered.

    `answers` is long: assessment_id, item_id, level (None/NaN = N/A). Answers to items not in
    `item_ids` are left out; every assessment in `answers` keeps a row, even with no level.
    """
    ids = list(item_ids)
    if answers.empty:
        return pd.DataFrame(columns=ids, dtype="float64")
    wide = answers.pivot_table(
        index="assessment_id", columns="item_id", values="level", aggfunc="first", dropna=False
    )
    assessments = pd.Index(answers["assessment_id"].unique(), name="assessment_id").sort_values()
    return wide.reindex(index=assessments, columns=ids).astype("float64")


def _complete(matrix: pd.DataFrame | np.ndarray) -> np.ndarray:
    values = np.asarray(matrix, dtype="float64")
    if values.ndim != 2:
        raise ValueError("expected a 2-D matrix (cases x items)")
    return values[~np.isnan(values).any(axis=1)]


def _alpha_of(values: np.ndarray) -> float | None:
    """Alpha of complete cases (no NaN), or None where undefined."""
    k = values.shape[1]
    if k < 2:
        return None
    total_var = values.sum(axis=1).var(ddof=1)
    if not np.isfinite(total_var) or total_var <= 0:
        return None
    item_var = values.var(axis=0, ddof=1).sum()
    return float(k / (k - 1) * (1 - item_var / total_var))


def cronbach_alpha(
    matrix: pd.DataFrame | np.ndarray, *, min_n: int = MIN_N
) -> tuple[float | None, int]:
    """Cronbach's (1951) alpha, listwise, and the number of complete cases it used.

    alpha = k / (k - 1) x (1 - sum of item variances / variance of the total), sample variances.
    None with fewer than two items, fewer than `min_n` complete cases, or a constant total.
    """
    values = _complete(matrix)
    n = len(values)
    if n < max(min_n, 2):
        return None, n
    return _alpha_of(values), n


def _pearson(x: np.ndarray, y: np.ndarray) -> float | None:
    if len(x) < 2 or np.std(x) == 0 or np.std(y) == 0:
        return None
    return float(np.corrcoef(x, y)[0, 1])


def item_total_correlations(
    matrix: pd.DataFrame, *, min_n: int = MIN_N
) -> tuple[dict[str, float | None], dict[str, float | None], int]:
    """Corrected item-total r and alpha-if-deleted per item, on the complete cases (listwise).

    The corrected item-total r is Pearson between an item and the sum of the other items of its
    pillar. Both are None below `min_n` complete cases or where a variance is zero.
    """
    columns = [str(c) for c in matrix.columns]
    values = _complete(matrix)
    n = len(values)
    empty: dict[str, float | None] = dict.fromkeys(columns)
    if n < max(min_n, 2) or len(columns) < 2:
        return empty, dict(empty), n
    total = values.sum(axis=1)
    item_total: dict[str, float | None] = {}
    if_deleted: dict[str, float | None] = {}
    for j, item in enumerate(columns):
        item_total[item] = _pearson(values[:, j], total - values[:, j])
        if_deleted[item] = _alpha_of(np.delete(values, j, axis=1))
    return item_total, if_deleted, n


def pillar_correlations(
    scores: pd.DataFrame, *, min_n: int = MIN_N
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pearson r between pillar scores, pairwise complete, and the n of each pair.

    r is NaN where the pair has fewer than `min_n` assessments scored on both or a constant score.
    """
    columns = [str(c) for c in scores.columns]
    values = scores.to_numpy(dtype="float64")
    r = pd.DataFrame(np.nan, index=columns, columns=columns)
    n = pd.DataFrame(0, index=columns, columns=columns, dtype="int64")
    for i, a in enumerate(columns):
        for j, b in enumerate(columns):
            both = ~np.isnan(values[:, i]) & ~np.isnan(values[:, j])
            count = int(both.sum())
            n.loc[a, b] = count
            if count >= max(min_n, 2):
                value = _pearson(values[both, i], values[both, j])
                r.loc[a, b] = np.nan if value is None else value
    return r, n


def level_counts(
    answers: pd.DataFrame, item_id: str, assessments: int
) -> tuple[tuple[int, ...], int, int]:
    """(count per level 0-5, N/A count, no-answer count) of one item over `assessments`."""
    rows = answers[answers["item_id"] == item_id]
    levels = rows["level"].to_numpy(dtype="float64")
    counts = tuple(int(np.count_nonzero(levels == level)) for level in LEVELS)
    na = int(np.count_nonzero(np.isnan(levels)))
    return counts, na, max(0, assessments - len(rows))


# --- the report ----------------------------------------------------------------------------------


def instrument_report(
    answers: pd.DataFrame,
    scores: pd.DataFrame,
    *,
    pillars: Mapping[str, Sequence[str]],
    bank_version: str,
    wave: int | None,
    mode: str,
    synthetic: int = 0,
    min_n: int = MIN_N,
    k: int = K_ANONYMITY,
) -> InstrumentReport:
    """The figures for one set of assessments.

    `answers`: long rows (assessment_id, item_id, level); `scores`: one row per assessment, one
    column per pillar id (NaN where unscored); `pillars`: pillar id -> the item ids in scope (all
    items for full assessments, the quick-scan items for quick scans). Assessments are those in
    `scores` (an assessment with no answers in scope still counts as a non-answer).
    """
    answers = answers.loc[:, list(ANSWER_COLUMNS)]
    ids = pd.Index(scores.index).union(pd.Index(answers["assessment_id"].unique()))
    assessments = len(ids)
    alphas: list[PillarAlpha] = []
    items: list[ItemStats] = []
    for pillar, item_ids in pillars.items():
        matrix = level_matrix(answers, item_ids).reindex(ids)
        alpha, n = cronbach_alpha(matrix, min_n=min_n)
        n_any = int(matrix.notna().any(axis=1).sum())
        alphas.append(PillarAlpha(pillar, len(item_ids), n, n_any, alpha))
        item_total, if_deleted, n_complete = item_total_correlations(matrix, min_n=min_n)
        for item_id in item_ids:
            counts, na, missing = level_counts(answers, item_id, assessments)
            column = matrix[item_id]
            items.append(
                ItemStats(
                    item_id=item_id,
                    pillar=pillar,
                    counts=counts,
                    na=na,
                    missing=missing,
                    mean=_plain(column.mean()) if column.notna().any() else None,
                    n_complete=n_complete,
                    item_total=item_total[item_id],
                    alpha_if_deleted=if_deleted[item_id],
                )
            )
    pillar_ids = list(pillars)
    correlation, correlation_n = pillar_correlations(
        scores.reindex(index=ids, columns=pillar_ids), min_n=min_n
    )
    notes = []
    if assessments < min_n:
        notes.append(f"fewer than {min_n} assessments: alpha and correlations are not computed")
    return InstrumentReport(
        bank_version=bank_version,
        wave=wave,
        mode=mode,
        assessments=assessments,
        synthetic=synthetic,
        min_n=min_n,
        k=k,
        alphas=alphas,
        items=items,
        correlation=correlation,
        correlation_n=correlation_n,
        notes=notes,
    )


# --- from the store ------------------------------------------------------------------------------


def pillars_in_scope(bank: Bank, mode: str) -> dict[str, list[str]]:
    """Pillar id -> item ids a `mode` assessment answers (the quick-scan items in quick mode)."""
    return {p.id: [i.id for i in bank.scope(p.id, mode == "quick")] for p in bank.pillars}


def stored_report(
    *,
    engine: sa.Engine,
    bank: Bank,
    wave: int,
    mode: str = "full",
    norm_only: bool = True,
    min_n: int = MIN_N,
) -> InstrumentReport:
    """The report over the stored submissions of `bank`'s version in `wave` and `mode`: the latest
    per company, norm-eligible only unless `norm_only` is False."""
    from readiness import store

    rows = store.instrument_rows(
        engine=engine, bank_version=bank.version, wave=wave, mode=mode, norm_only=norm_only
    )
    ids = [i for i, _ in rows.assessments]
    answers = pd.DataFrame.from_records(rows.answers, columns=list(ANSWER_COLUMNS))
    answers["level"] = answers["level"].astype("float64")
    pillars = pillars_in_scope(bank, mode)
    long_scores = pd.DataFrame.from_records(
        rows.scores, columns=["assessment_id", "pillar", "score"]
    )
    scores = (
        long_scores.pivot_table(
            index="assessment_id", columns="pillar", values="score", aggfunc="first", dropna=False
        )
        if not long_scores.empty
        else pd.DataFrame()
    )
    scores = scores.reindex(index=pd.Index(ids, name="assessment_id"), columns=list(pillars))
    return instrument_report(
        answers,
        scores.astype("float64"),
        pillars=pillars,
        bank_version=bank.version,
        wave=wave,
        mode=mode,
        synthetic=sum(1 for _, synthetic in rows.assessments if synthetic),
        min_n=min_n,
    )


def cell(matrix: pd.DataFrame, row: str, column: str) -> float | None:
    """One cell of a correlation matrix, None where it is NaN."""
    return _plain(matrix.loc[row, column])
