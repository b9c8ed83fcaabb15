"""Staff analytics over the whole membership: cohorts, heatmaps, sector profiles, comparisons.

Staff see every submitted assessment (norm-eligible or not) and n everywhere; an aggregate of fewer
than LOW_N companies is marked, never hidden. A cohort holds one row per company and wave: the
latest submission that matches its filters (see `store.cohort_rows`).

Read queries (`assessment_frame`, `dimension_frame`, `item_frame`) return DataFrames; everything
else is a pure function of those frames.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd
import sqlalchemy as sa

from readiness import store
from readiness.bank import Bank, default_bank
from readiness.cohorts import Cohort

OVERALL = "overall"
LOW_N = 5
UNKNOWN_ROW = "-"  # row id of rows whose grouping column is empty (e.g. a member without region)
TOP_ITEMS = 3
ALPHA = 0.05

Stat = Literal["mean", "median"]
STATS: tuple[Stat, ...] = ("mean", "median")


def score_columns(bank: Bank | None = None) -> list[str]:
    """overall, then one column per pillar id."""
    return [OVERALL, *(bank or default_bank()).pillar_ids]


def dimension_keys(bank: Bank | None = None) -> list[str]:
    """One column name per (pillar, dimension) of the bank, "PILLAR.dimension", in bank order."""
    bank = bank or default_bank()
    return [f"{p.id}.{d.id}" for p in bank.pillars for d in p.dimensions]


def split_dimension_key(key: str) -> tuple[str, str]:
    """("EXP", "commitment") from "EXP.commitment"."""
    pillar, _, dimension = key.partition(".")
    return pillar, dimension


# --- read queries --------------------------------------------------------------------------------

_TEXT_COLUMNS = ("name", "ksic", "size_band", "region", "mode", "stage")


def assessment_frame(
    *, engine: sa.Engine, cohort: Cohort, pillars: Sequence[str] | None = None
) -> pd.DataFrame:
    """The cohort's latest submission per company and wave, one row each, ordered by wave, company.

    Columns: assessment_id, company_id, name, ksic, size_band, region, wave, mode, workshop_id
    (nullable Int64), synthetic, overall, stage, completeness, then one score per pillar (NaN where
    a pillar has no score). Pillars default to the bank's. Only submissions of one bank version
    count: the cohort's, else the current bank's.
    """
    pillar_ids = list(pillars) if pillars is not None else default_bank().pillar_ids
    cohort = cohort.of_bank(default_bank().version)
    columns, rows = store.cohort_rows(engine=engine, cohort=cohort, pillars=pillar_ids)
    frame = pd.DataFrame.from_records(rows, columns=columns)
    scores = [OVERALL, "completeness", *pillar_ids]
    frame[scores] = frame[scores].astype("float64")
    # Plain object text, as in store.norm_frame: Arrow strings cost a conversion per selection.
    frame = frame.astype(
        {
            "assessment_id": "int64",
            "company_id": "int64",
            "wave": "int64",
            "workshop_id": "Int64",
            "synthetic": "bool",
            **dict.fromkeys(_TEXT_COLUMNS, object),
        }
    )
    return frame.sort_values(["wave", "company_id"], ignore_index=True)


def _dimension_numbers(bank: Bank) -> list[store.ItemWeight]:
    number = {key: n for n, key in enumerate(dimension_keys(bank))}
    return [(i.id, number[f"{i.pillar}.{i.dimension}"], i.weight) for i in bank.items]


def dimension_frame(*, engine: sa.Engine, bank: Bank, cohort: Cohort) -> pd.DataFrame:
    """`assessment_frame` plus one score column per dimension (`dimension_keys`), NaN where a
    dimension has no item answered with a level.

    The scores are computed in SQL with the published formula, 100 x sum(w L) / (5 x sum(w)) over
    the dimension's items answered with a level, from the stored answers.
    """
    cohort = cohort.of_bank(bank.version)
    base = assessment_frame(engine=engine, cohort=cohort, pillars=bank.pillar_ids)
    keys = dimension_keys(bank)
    rows = store.cohort_dimension_rows(engine=engine, cohort=cohort, items=_dimension_numbers(bank))
    values = np.full((len(base), len(keys)), np.nan)
    if rows:
        ids, numbers, scores = zip(*rows, strict=True)
        at = pd.Index(base["assessment_id"]).get_indexer(np.asarray(ids, dtype="int64"))
        found = at >= 0  # a submission made between the two reads is left out
        numbers = np.asarray(numbers, dtype="int64")[found]
        values[at[found], numbers] = np.asarray(scores, dtype="float64")[found]
    return pd.concat([base, pd.DataFrame(values, columns=keys, index=base.index)], axis=1)


def item_frame(*, engine: sa.Engine, bank: Bank, cohort: Cohort) -> pd.DataFrame:
    """Per bank item over the cohort: item_id, pillar, dimension, mean (level), n (answers with a
    level), na (not-applicable answers); items nobody answered have mean NaN and n 0."""
    cohort = cohort.of_bank(bank.version)
    found = {
        item: (mean, n, na)
        for item, mean, n, na in store.cohort_item_rows(engine=engine, cohort=cohort)
    }
    records = []
    for item in bank.items:
        mean, n, na = found.get(item.id, (None, 0, 0))
        records.append((item.id, item.pillar, item.dimension, mean, n, na))
    frame = pd.DataFrame.from_records(
        records, columns=["item_id", "pillar", "dimension", "mean", "n", "na"]
    )
    return frame.astype({"mean": "float64", "n": "int64", "na": "int64"})


# --- heatmap -------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)  # holds arrays: compare fields, not objects
class HeatmapData:
    """A rows x columns grid of a statistic, with n per cell and the cells under `min_n` marked.

    `values` is NaN where a cell has no score at all (n == 0); `low_n` is True where n < min_n,
    empty cells included. `row_n` counts the rows' assessments; `row_key` is the mean overall the
    rows are sorted by. `synthetic` counts the synthetic demo assessments among them, so that a
    page caching only this (small) object can still say the figures include demo data.
    """

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: np.ndarray
    n: np.ndarray
    low_n: np.ndarray
    row_n: tuple[int, ...]
    row_key: tuple[float, ...]
    stat: Stat
    min_n: int = LOW_N
    synthetic: int = 0
    # A change grid (see `change`): the previous wave's n per cell; `values` are then differences.
    base_n: np.ndarray | None = None

    @property
    def empty(self) -> bool:
        return not self.rows or not self.columns or not self.n.any()

    @property
    def total(self) -> int:
        """The number of assessments behind the grid."""
        return sum(self.row_n)


def p_text(p: float | None) -> str:
    """A p-value as people read it: "< 0.0001" rather than 0, four decimals otherwise; "–" when
    there is none (a group too small to test)."""
    if p is None or p != p:
        return "–"
    return "< 0.0001" if p < 0.0001 else f"{p:.4f}"


def small_rows_last(data: HeatmapData) -> HeatmapData:
    """The same grid with the rows whose overall cell (the first column) rests on fewer than
    `min_n` assessments moved to the bottom, in their order: a small sector never sorts to the
    top as "best" of a filtered view."""
    if data.empty:
        return data
    small = data.low_n[:, 0]
    order = np.concatenate([np.flatnonzero(~small), np.flatnonzero(small)])
    return replace(
        data,
        rows=tuple(data.rows[i] for i in order),
        values=data.values[order],
        n=data.n[order],
        low_n=data.low_n[order],
        row_n=tuple(data.row_n[i] for i in order),
        row_key=tuple(data.row_key[i] for i in order),
        base_n=None if data.base_n is None else data.base_n[order],
    )


def fitted_range(data: HeatmapData, step: float = 5.0) -> tuple[float, float] | None:
    """The colour scale's range fitted to the cells shown with enough assessments (n >= min_n),
    widened to whole multiples of `step`; None when no such cell has a value."""
    shown = data.values[~data.low_n & np.isfinite(data.values)]
    if not shown.size:
        return None
    low = math.floor(float(shown.min()) / step) * step
    high = math.ceil(float(shown.max()) / step) * step
    return (low, high) if high > low else (low - step, high + step)


def change(current: HeatmapData, previous: HeatmapData) -> HeatmapData:
    """The change of every cell from `previous` (the previous wave, same filters) to `current`,
    in points, on `current`'s rows and order; `base_n` holds the previous wave's n.

    A difference is only as sound as its smaller side: a cell is marked low when either wave has
    fewer than `min_n` assessments there (a row the previous wave lacks has n = 0 there).
    """
    if current.columns != previous.columns:
        raise ValueError("the two grids have different columns")
    where = {row: i for i, row in enumerate(previous.rows)}
    shape = current.values.shape
    before = np.full(shape, np.nan)
    before_n = np.zeros(shape, dtype="int64")
    for i, row in enumerate(current.rows):
        j = where.get(row)
        if j is not None:
            before[i] = previous.values[j]
            before_n[i] = previous.n[j]
    with np.errstate(invalid="ignore"):
        values = current.values - before
    return replace(
        current,
        values=values,
        low_n=current.low_n | (before_n < current.min_n),
        base_n=before_n,
        synthetic=current.synthetic + previous.synthetic,
    )


def diverging_range(data: HeatmapData, step: float = 5.0) -> tuple[float, float]:
    """A colour range centred on 0 for a change grid: +-the largest change among the cells with
    enough assessments, widened to a multiple of `step` (at least one step)."""
    shown = data.values[~data.low_n & np.isfinite(data.values)]
    reach = float(np.abs(shown).max()) if shown.size else 0.0
    reach = max(step, math.ceil(reach / step) * step)
    return (-reach, reach)


def previous_wave(waves: Sequence[int], wave: int) -> int | None:
    """The wave before `wave` among `waves` (the years with data), or None for the first."""
    earlier = [w for w in waves if w < wave]
    return max(earlier) if earlier else None


def _check_stat(stat: str) -> Stat:
    if stat not in STATS:
        raise ValueError(f"unknown statistic {stat!r} (one of {', '.join(STATS)})")
    return stat


def _row_codes(frame: pd.DataFrame, row: str) -> tuple[np.ndarray, list[str]]:
    """Group codes of the grouping column and the id of each group (first-seen order).

    Missing or empty values form one group, UNKNOWN_ROW.
    """
    codes, found = pd.factorize(frame[row].to_numpy(dtype=object))
    ids: dict[str, int] = {}
    labels = [UNKNOWN_ROW if v is None or v == "" else str(v) for v in found]
    # One slot more at the end: factorize codes a missing value as -1, which picks it.
    remap = np.array([ids.setdefault(label, len(ids)) for label in [*labels, UNKNOWN_ROW]])
    if not (codes == -1).any() and UNKNOWN_ROW not in labels:
        ids.pop(UNKNOWN_ROW)
    return remap[codes] if len(codes) else codes, list(ids)


def _group_means(codes: np.ndarray, data: np.ndarray, groups: int) -> tuple[np.ndarray, ...]:
    """Per group and column: (count of non-NaN values, mean); mean NaN where the count is 0."""
    valid = ~np.isnan(data)
    filled = np.where(valid, data, 0.0)
    counts = np.empty((groups, data.shape[1]), dtype="int64")
    sums = np.empty((groups, data.shape[1]), dtype="float64")
    for j in range(data.shape[1]):
        counts[:, j] = np.bincount(codes, weights=valid[:, j], minlength=groups)
        sums[:, j] = np.bincount(codes, weights=filled[:, j], minlength=groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return counts, means


def heatmap(
    frame: pd.DataFrame,
    *,
    value_columns: Sequence[str],
    row: str = "ksic",
    stat: Stat = "mean",
    sort_by: str = OVERALL,
    all_rows: Sequence[str] = (),
    min_n: int = LOW_N,
) -> HeatmapData:
    """The mean or median of `value_columns` per `row` group, with n per cell.

    Row order: by the mean of `sort_by` (overall) over the row's assessments, highest first, ties
    by row id; rows without any `sort_by` score come last. The order does not change with `stat`,
    so switching between mean and median keeps every row in place. `all_rows` adds rows that have
    no assessment in the frame (n = 0), so that a filtered view still lists every sector.
    Missing row ids (e.g. no region) are grouped as UNKNOWN_ROW.
    """
    stat = _check_stat(stat)
    columns = list(value_columns)
    missing = sorted(set([*columns, sort_by, row]) - set(frame.columns))
    if missing:
        raise ValueError(f"the frame has no column(s) {', '.join(missing)}")
    codes, ids = _row_codes(frame, row)
    ids += [r for r in dict.fromkeys(all_rows) if r not in set(ids)]
    groups = len(ids)
    data = frame[columns].to_numpy(dtype="float64")
    counts, values = _group_means(codes, data, groups)
    if stat == "median" and len(frame):
        medians = pd.DataFrame(data).groupby(codes).median()
        values = medians.reindex(range(groups)).to_numpy(dtype="float64")
    _, key = _group_means(codes, frame[[sort_by]].to_numpy(dtype="float64"), groups)
    sizes = np.bincount(codes, minlength=groups)

    def place(g: int) -> tuple[bool, float, str]:
        value = float(key[g, 0])
        return (math.isnan(value), 0.0 if math.isnan(value) else -value, ids[g])

    order = sorted(range(groups), key=place)
    n = counts[order].reshape(len(order), len(columns))
    return HeatmapData(
        rows=tuple(ids[g] for g in order),
        columns=tuple(columns),
        values=values[order].reshape(len(order), len(columns)),
        n=n,
        low_n=n < min_n,
        row_n=tuple(int(sizes[g]) for g in order),
        row_key=tuple(float(key[g, 0]) for g in order),
        stat=stat,
        min_n=min_n,
        synthetic=int(frame["synthetic"].sum()) if "synthetic" in frame.columns else 0,
    )


# --- sector profile ------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)  # holds arrays: compare fields, not objects
class SectorProfile:
    """One sector in one wave, for staff.

    distributions: the scores per key (overall and each pillar), NaN left out.
    funnel: stage, count (at that stage), share (of n), reached (at that stage or beyond),
        reached_share; stages in bank order.
    trend: wave, key, mean, median, n for the sector in every wave of the frame.
    strongest / weakest: item_id, pillar, dimension, mean, n, na (top and bottom TOP_ITEMS by mean
        level; an item is never in both).
    quadrant: ksic, maturity (mean overall), spread (standard deviation of overall, n - 1 in the
        denominator; NaN below two companies), n, chosen; one row per sector of the wave.
    medians: the median maturity and median spread over the sectors (the quadrant's cross lines).
    """

    ksic: str
    wave: int
    n: int
    distributions: dict[str, np.ndarray]
    funnel: pd.DataFrame
    trend: pd.DataFrame
    strongest: pd.DataFrame
    weakest: pd.DataFrame
    quadrant: pd.DataFrame
    medians: tuple[float, float]
    min_n: int = LOW_N
    keys: tuple[str, ...] = ()

    @property
    def low_n(self) -> bool:
        return self.n < self.min_n


def stage_funnel(stages: Sequence[str], frame: pd.DataFrame) -> pd.DataFrame:
    """Companies per stage and at-or-beyond each stage, with shares of those with a stage."""
    counts = frame["stage"].value_counts().reindex(list(stages), fill_value=0).astype("int64")
    total = int(counts.sum())
    reached = counts[::-1].cumsum()[::-1]
    share = counts / total if total else counts * np.nan
    reached_share = reached / total if total else reached * np.nan
    return pd.DataFrame(
        {
            "stage": list(stages),
            "count": counts.to_numpy(),
            "share": share.to_numpy(dtype="float64"),
            "reached": reached.to_numpy(dtype="int64"),
            "reached_share": reached_share.to_numpy(dtype="float64"),
        }
    )


def trend(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Mean, median and n of each key per wave: columns wave, key, mean, median, n."""
    parts = []
    for key in keys:
        grouped = frame.groupby("wave")[key]
        stats = grouped.agg(["mean", "median", "count"]).rename(columns={"count": "n"})
        parts.append(stats.reset_index().assign(key=key))
    if not parts:
        return pd.DataFrame(columns=["wave", "key", "mean", "median", "n"])
    out = pd.concat(parts, ignore_index=True)[["wave", "key", "mean", "median", "n"]]
    return out.astype({"wave": "int64", "mean": "float64", "median": "float64", "n": "int64"})


def quadrant(frame: pd.DataFrame, *, chosen: str | None = None) -> pd.DataFrame:
    """Per sector: maturity = mean overall, spread = standard deviation of overall (ddof 1), n.

    The standard deviation, not the IQR: it stays defined and smooth for the small sectors that an
    IQR of three or four companies would make jumpy. Sectors sorted by code.
    """
    codes, ids = _row_codes(frame, "ksic")
    grouped = frame["overall"].astype("float64").groupby(codes)
    stats = grouped.agg(["mean", "std", "count"])
    stats.index = pd.Index([ids[c] for c in stats.index], dtype=object)
    stats = stats.sort_index()
    out = pd.DataFrame(
        {
            "ksic": stats.index.to_numpy(dtype=object),
            "maturity": stats["mean"].to_numpy(dtype="float64"),
            "spread": stats["std"].to_numpy(dtype="float64"),
            "n": stats["count"].to_numpy(dtype="int64"),
        }
    )
    out["chosen"] = out["ksic"] == chosen
    return out[out["n"] > 0].reset_index(drop=True)


def _extremes(items: pd.DataFrame | None, top: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    columns = ["item_id", "pillar", "dimension", "mean", "n", "na"]
    if items is None or items.empty:
        empty = pd.DataFrame(columns=columns)
        return empty, empty.copy()
    scored = items[items["n"] > 0]
    strongest = scored.sort_values(["mean", "item_id"], ascending=[False, True]).head(top)
    rest = scored[~scored["item_id"].isin(strongest["item_id"])]
    weakest = rest.sort_values(["mean", "item_id"], ascending=[True, True]).head(top)
    return strongest.reset_index(drop=True), weakest.reset_index(drop=True)


def sector_profile(
    frame_all_waves: pd.DataFrame,
    *,
    ksic: str,
    wave: int,
    items: pd.DataFrame | None = None,
    bank: Bank | None = None,
    min_n: int = LOW_N,
) -> SectorProfile:
    """Where one sector stands in one wave, from a cohort frame of every sector and wave.

    `frame_all_waves` is an `assessment_frame` without a sector filter (the quadrant needs the
    other sectors; the trend needs the other waves). `items` is `item_frame` for the sector and
    wave (`cohort.narrowed(ksic=..., wave=...)`); without it strongest and weakest are empty.
    """
    bank = bank or default_bank()
    keys = tuple(k for k in score_columns(bank) if k in frame_all_waves.columns)
    sector = frame_all_waves[frame_all_waves["ksic"] == ksic]
    in_wave = sector[sector["wave"] == wave]
    wave_frame = frame_all_waves[frame_all_waves["wave"] == wave]
    distributions = {
        key: in_wave[key].dropna().to_numpy(dtype="float64", copy=True) for key in keys
    }
    quad = quadrant(wave_frame, chosen=ksic)
    spread = quad["spread"].dropna()
    medians = (
        float(quad["maturity"].median()) if len(quad) else math.nan,
        float(spread.median()) if len(spread) else math.nan,
    )
    strongest, weakest = _extremes(items, TOP_ITEMS)
    return SectorProfile(
        ksic=ksic,
        wave=wave,
        n=len(in_wave),
        distributions=distributions,
        funnel=stage_funnel([s.id for s in bank.stages], in_wave),
        trend=trend(sector, keys),
        strongest=strongest,
        weakest=weakest,
        quadrant=quad,
        medians=medians,
        min_n=min_n,
        keys=keys,
    )


# --- cohort comparison ---------------------------------------------------------------------------


def _continued_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz)."""
    tiny, eps = 1e-300, 3e-16
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 500):
        m2 = 2 * m
        for numerator in (
            m * (b - m) * x / ((a + m2 - 1.0) * (a + m2)),
            -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < eps:
            break
    return h


def _incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _continued_fraction(b, a, 1.0 - x) / b


def t_two_sided_p(t: float, df: float) -> float:
    """P(|T| >= |t|) for Student's t with `df` degrees of freedom (df may be fractional)."""
    if math.isnan(t) or math.isnan(df) or df <= 0:
        return math.nan
    return _incomplete_beta(df / 2.0, 0.5, df / (df + t * t))


@lru_cache(maxsize=256)
def t_quantile(p: float, df: float) -> float:
    """The t value below which a share `p` (0.5 < p < 1) of Student's t lies (bisection)."""
    lo, hi = 0.0, 1e3
    while hi - lo > 1e-9:
        mid = (lo + hi) / 2
        if 1.0 - t_two_sided_p(mid, df) / 2.0 < p:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def welch(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """Welch's t-test of two samples: (t, degrees of freedom, two-sided p).

    NaN when either sample has fewer than two values. When both are constant, p is 1 for equal
    means and 0 otherwise.
    """
    na, nb = len(a), len(b)
    if na < 2 or nb < 2:
        return math.nan, math.nan, math.nan
    diff = float(np.mean(a) - np.mean(b))
    va, vb = float(np.var(a, ddof=1)) / na, float(np.var(b, ddof=1)) / nb
    se2 = va + vb
    if se2 == 0:
        return math.nan, math.nan, 1.0 if diff == 0 else 0.0
    t = diff / math.sqrt(se2)
    df = se2 * se2 / (va * va / (na - 1) + vb * vb / (nb - 1))
    return t, df, t_two_sided_p(t, df)


def _mean_half_ci(values: np.ndarray) -> float:
    """Half the width of the 95 % confidence interval of a mean (Student's t); NaN below n = 2."""
    if len(values) < 2:
        return math.nan
    sd = float(np.std(values, ddof=1))
    return t_quantile(0.975, len(values) - 1) * sd / math.sqrt(len(values))


def compare(
    frame_a: pd.DataFrame,
    frame_b: pd.DataFrame,
    *,
    keys: Sequence[str] | None = None,
    alpha: float = ALPHA,
) -> pd.DataFrame:
    """Two cohorts side by side, one row per score key (overall and each pillar by default).

    Columns: n, mean, median, sd and ci (half-width of the mean's 95 % interval) for each side
    (suffix _a and _b), difference (mean_a - mean_b), t, df, p_value and notable.

    Notable means Welch's t-test (unequal variances; p from Student's t with the
    Welch-Satterthwaite degrees of freedom, computed here, no SciPy) gives p < alpha with at least
    two scores per side. With thousands of members even a difference of a point or two is notable:
    read it beside the difference itself. Cohorts that share companies (a workshop against all
    members) are not independent samples; the test is then only a rough guide.
    """
    if keys is None:
        keys = [k for k in score_columns() if k in frame_a.columns and k in frame_b.columns]
    records = []
    for key in keys:
        a = frame_a[key].dropna().to_numpy(dtype="float64")
        b = frame_b[key].dropna().to_numpy(dtype="float64")
        t, df, p = welch(a, b)
        row: dict[str, object] = {"key": key}
        means: dict[str, float] = {}
        for side, values in (("a", a), ("b", b)):
            means[side] = float(np.mean(values)) if len(values) else math.nan
            row[f"n_{side}"] = len(values)
            row[f"mean_{side}"] = means[side]
            row[f"median_{side}"] = float(np.median(values)) if len(values) else math.nan
            row[f"sd_{side}"] = float(np.std(values, ddof=1)) if len(values) > 1 else math.nan
            row[f"ci_{side}"] = _mean_half_ci(values)
        row["difference"] = means["a"] - means["b"]
        row.update(t=t, df=df, p_value=p, notable=bool(p < alpha))
        records.append(row)
    columns = [
        "key",
        *(f"{s}_{side}" for side in "ab" for s in ("n", "mean", "median", "sd", "ci")),
        "difference",
        "t",
        "df",
        "p_value",
        "notable",
    ]
    out = pd.DataFrame.from_records(records, columns=columns)
    return out.astype({"n_a": "int64", "n_b": "int64", "notable": "bool"}).set_index("key")


# --- partner needs -------------------------------------------------------------------------------


def partner_needs(
    *, engine: sa.Engine, bank: Bank, cohort: Cohort, lang: str = "ko", top: int = 3
) -> pd.DataFrame:
    """Which partner types a cohort's members most need: for each type, how many members have it
    among their `top` suggestions, that share, and the mean fit where suggested.

    Each member is ranked with readiness.partners.suggest on its latest answers in the cohort, the
    same ranking the member sees on its results page.
    """
    from readiness import partners

    catalog = partners.load_catalog(bank=bank)
    cohort = cohort.of_bank(bank.version)
    answers: dict[int, dict[str, int | None]] = {}
    owner: dict[int, int] = {}
    for assessment_id, company_id, item_id, level in store.cohort_answer_rows(
        engine=engine, cohort=cohort
    ):
        answers.setdefault(assessment_id, {})[item_id] = level
        owner[assessment_id] = company_id
    facts = store.partner_profiles(engine=engine, ksic=cohort.ksic)
    counts: dict[str, int] = {}
    fits: dict[str, list[float]] = {}
    names = {p.id: p.name.get(lang) for p in catalog.types}
    members = 0
    for assessment_id, given in answers.items():
        profile = facts.get(owner[assessment_id])
        if profile is None:
            continue
        members += 1
        for suggestion in partners.suggest(
            catalog, bank, profile=profile, answers=given, lang=lang, limit=top
        ):
            counts[suggestion.type] = counts.get(suggestion.type, 0) + 1
            fits.setdefault(suggestion.type, []).append(suggestion.fit)
    rows = [
        {
            "type": type_id,
            "name": names.get(type_id, type_id),
            "members": n,
            "share": n / members if members else math.nan,
            "mean_fit": float(np.mean(fits[type_id])),
        }
        for type_id, n in counts.items()
    ]
    frame = pd.DataFrame(rows, columns=["type", "name", "members", "share", "mean_fit"])
    return frame.sort_values(["members", "mean_fit"], ascending=False, ignore_index=True)
