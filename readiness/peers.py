"""Peer groups, percentiles, k-anonymity and which assessments count in norms (DESIGN.md, "Peers").

A company is compared with the norm-eligible assessments of verified members in its yearly wave (a
norm frame, read by readiness.store.norm_frame; a self-registered company counts in others' norms
only once staff verify it, and is compared with verified peers meanwhile): first those of its KSIC
division and size band, and where fewer than MIN_GROUP remain, its size band, then its division,
then everyone. No company-facing aggregate is given for fewer than K_ANONYMITY companies. Pure: the
store decides eligibility with these rules at submission and filters by the stored flag.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from readiness import reference
from readiness.bank import Bank
from readiness.scoring import Answers, Result, dimension_scores

MIN_GROUP = 10
K_ANONYMITY = 5
OVERALL = "overall"
NORM_MIN_COMPLETENESS = 0.8
STRAIGHT_LINE_MIN_ITEMS = 8
# The columns of a norm frame before its score columns (overall is the first score).
NORM_COLUMNS = (
    "assessment_id",
    "company_id",
    "ksic",
    "size_band",
    "region",
    "mode",
    "synthetic",
    OVERALL,
)
# Scores that agree this closely are ties: equal answers reach one score by different float paths.
TIE_TOLERANCE = 1e-9

Fallback = Literal["division_size", "division", "size_band", "all"]
# Size explains far more of the score than division does (eta squared about 0.23 against 0.01 on the
# demo population; tests/unit/test_peer_fallback_order.py checks it), so the size band comes
# before the division when the company's own cell is too small.
FALLBACKS: tuple[Fallback, ...] = ("division_size", "size_band", "division", "all")


class PeerError(ValueError):
    """A comparison that cannot be made as asked (unknown division or size band, unknown score)."""


@dataclass(frozen=True)
class PeerGroup:
    """The group a company was compared with.

    `ksic` and `size_band` describe the group itself: None where the fallback level does not
    restrict on it (e.g. size_band is None for "division").
    """

    ksic: str | None
    size_band: str | None
    fallback: Fallback
    n: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "ksic": self.ksic,
            "size_band": self.size_band,
            "fallback": self.fallback,
            "n": self.n,
        }


@dataclass(frozen=True)
class Benchmark:
    """A company's standing in its peer group, per score key ("overall" and each pillar id).

    percentile, rank, median, p75 and bins are None for a key with fewer than `k` peer scores
    (then `suppressed` is True), and percentile and rank also where the company itself has no
    score for the key. `rank` is the company's place among itself and its scored peers (1 + peers
    strictly above it; `scored[key] + 1` companies in all). `bins` are the group's scores as counts
    per score range (`score_bins`): all of the distribution there is. A Benchmark holds no peer's
    own score, so nothing built from it can send one to a browser (DESIGN, Peers).
    `scored` counts the peers with a score per key; it is for staff, who see n everywhere.
    `synthetic` counts the synthetic demo members in the group, so that the figures can say so.
    """

    group: PeerGroup
    k: int
    suppressed: bool
    percentile: dict[str, float | None]
    median: dict[str, float | None]
    p75: dict[str, float | None]
    scored: dict[str, int]
    synthetic: int = 0
    rank: dict[str, int | None] = field(default_factory=dict)
    bins: dict[str, tuple[ScoreBin, ...] | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group.to_dict(),
            "k": self.k,
            "suppressed": self.suppressed,
            "percentile": dict(self.percentile),
            "median": dict(self.median),
            "p75": dict(self.p75),
            "scored": dict(self.scored),
            "synthetic": self.synthetic,
            "rank": dict(self.rank),
            "bins": {
                key: None if b is None else [[x.lo, x.hi, x.count] for x in b]
                for key, b in self.bins.items()
            },
        }


# --- which assessments count in norms ------------------------------------------------------------


def overall_completeness(result: Result) -> float:
    """Answered (N/A included) over applicable items, across every pillar."""
    answered = sum(p.answered for p in result.pillars.values())
    total = sum(p.total for p in result.pillars.values())
    return answered / total if total else 0.0


def is_straight_lined(answers: Answers, *, min_items: int = STRAIGHT_LINE_MIN_ITEMS) -> bool:
    """True when every level given is the same across at least `min_items` answers (no signal)."""
    levels = [v for v in answers.values() if v is not None]
    return len(levels) >= min_items and len(set(levels)) == 1


def is_norm_eligible(result: Result, answers: Answers) -> bool:
    """Whether a scored assessment may count in peer norms: complete enough, not straight-lined."""
    return overall_completeness(result) >= NORM_MIN_COMPLETENESS and not is_straight_lined(answers)


# --- comparing -----------------------------------------------------------------------------------


def score_keys(frame: pd.DataFrame) -> list[str]:
    """The score columns of a norm frame: overall, then one per pillar id."""
    return [OVERALL, *(str(c) for c in frame.columns if c not in NORM_COLUMNS)]


def scores_of(result: Result) -> dict[str, float | None]:
    """The scores `benchmark` compares, from a scored assessment."""
    return {OVERALL: result.overall, **{pid: p.score for pid, p in result.pillars.items()}}


def _check_profile(ksic: str, size_band: str) -> None:
    if ksic not in reference.ksic_codes():
        raise PeerError(f"{ksic!r} is not a KSIC manufacturing division (C10-C34)")
    if size_band not in reference.size_band_ids():
        known = ", ".join(reference.size_band_ids())
        raise PeerError(f"unknown size band {size_band!r} (one of {known})")


def select_group(
    frame: pd.DataFrame,
    *,
    ksic: str,
    size_band: str,
    exclude_company_id: int | None = None,
    min_n: int = MIN_GROUP,
) -> tuple[PeerGroup, pd.DataFrame]:
    """The narrowest peer group with at least `min_n` assessments, and its rows.

    Tries division x size band, size band, division, then all (FALLBACKS); "all" is returned
    whatever its n.
    The company itself (`exclude_company_id`) is never its own peer.
    """
    _check_profile(ksic, size_band)
    peer = np.ones(len(frame), dtype=bool)
    if exclude_company_id is not None:
        peer &= frame["company_id"].to_numpy() != exclude_company_id
    same_division = peer & (frame["ksic"].to_numpy() == ksic)
    same_size = peer & (frame["size_band"].to_numpy() == size_band)
    levels: list[tuple[Fallback, np.ndarray, str | None, str | None]] = [
        ("division_size", same_division & same_size, ksic, size_band),
        ("size_band", same_size, None, size_band),
        ("division", same_division, ksic, None),
        ("all", peer, None, None),
    ]
    levels.sort(key=lambda level: FALLBACKS.index(level[0]))
    for fallback, mask, group_ksic, group_size in levels:
        n = int(np.count_nonzero(mask))
        if n >= min_n or fallback == "all":
            return PeerGroup(group_ksic, group_size, fallback, n), frame[mask]
    raise AssertionError("unreachable: the last level always returns")


@dataclass(frozen=True)
class ScoreSummary:
    """One score across a group: `n` scores, and their mean, median, P75 and sorted values, which
    are all None when n < k, so no figure ever stands for fewer than k companies."""

    n: int
    mean: float | None
    median: float | None
    p75: float | None
    values: tuple[float, ...] | None


def summarize(scores: Iterable[float] | np.ndarray, *, k: int = K_ANONYMITY) -> ScoreSummary:
    """The k-suppressed summary of `scores` (NaN and None left out)."""
    column = np.asarray(
        scores if isinstance(scores, np.ndarray) else [np.nan if v is None else v for v in scores],
        dtype="float64",
    )
    ordered = np.sort(column[~np.isnan(column)])
    if len(ordered) < k:
        return ScoreSummary(len(ordered), None, None, None, None)
    # Linear interpolation between order statistics, as pandas' Series.quantile does.
    median, p75 = (float(q) for q in np.quantile(ordered, [0.5, 0.75]))
    return ScoreSummary(len(ordered), float(ordered.mean()), median, p75, tuple(ordered.tolist()))


DIMENSION_SAMPLE = 400  # peers read for dimension targets; a fixed sample of larger groups


def dimension_sample(rows: pd.DataFrame, *, limit: int = DIMENSION_SAMPLE) -> list[int]:
    """Assessment ids of a peer group to read for dimension figures: all of them up to `limit`,
    else a fixed spread of `limit` (every n-th by id), so the figure is stable between reloads."""
    ids = sorted(int(i) for i in rows["assessment_id"])
    if len(ids) <= limit:
        return ids
    step = len(ids) / limit
    return [ids[int(n * step)] for n in range(limit)]


def group_rows(frame: pd.DataFrame, *, ksic: str | None, size_band: str | None) -> pd.DataFrame:
    """Every norm row of a peer group, as its PeerGroup's ksic and size_band describe it (None: not
    restricted), no company left out: one set of rows serves every company the group is chosen for.
    """
    keep = np.ones(len(frame), dtype=bool)
    if ksic is not None:
        keep &= frame["ksic"].to_numpy() == ksic
    if size_band is not None:
        keep &= frame["size_band"].to_numpy() == size_band
    return frame[keep]


def dimension_frame(
    bank: Bank, company_ids: Mapping[int, int], peer_answers: Mapping[int, Answers]
) -> pd.DataFrame:
    """One row per assessment of `peer_answers` (by assessment id): its company_id (from
    `company_ids`, by assessment id), then its score per "PILLAR.dimension" (NaN without one)."""
    keys = [f"{p.id}.{d.id}" for p in bank.pillars for d in p.dimensions]
    rows = [
        [company_ids[aid], *(np.nan if v is None else v for v in scores.values())]
        for aid, scores in ((aid, dimension_scores(bank, a)) for aid, a in peer_answers.items())
    ]
    frame = pd.DataFrame(rows, columns=["company_id", *keys], index=list(peer_answers))
    return frame.astype({"company_id": "int64", **dict.fromkeys(keys, "float64")})


def dimension_p75(
    frame: pd.DataFrame, *, exclude_company_id: int | None = None, k: int = K_ANONYMITY
) -> dict[str, float | None]:
    """P75 per "PILLAR.dimension" over a `dimension_frame`, the company itself left out
    (k-suppressed: None for a dimension fewer than k peers have a score for)."""
    if exclude_company_id is not None:
        frame = frame[frame["company_id"].to_numpy() != exclude_company_id]
    return {
        str(key): summarize(frame[key].to_numpy(dtype="float64"), k=k).p75
        for key in frame.columns
        if key != "company_id"
    }


def competition_rank(values: np.ndarray, score: float) -> int:
    """1 + the peers strictly above `score` (ties share a place): "12th of 47"."""
    return 1 + int(np.count_nonzero(values > score + TIE_TOLERANCE))


@dataclass(frozen=True)
class ScoreBin:
    """Companies with a score in [lo, hi) (the last range includes 100)."""

    lo: float
    hi: float
    count: int


SCORE_BIN_WIDTH = 10


def score_bins(
    values: Iterable[float], *, k: int = K_ANONYMITY, width: int = SCORE_BIN_WIDTH
) -> tuple[ScoreBin, ...]:
    """`values` (0-100) as counts per `width`-point range, adjacent ranges merged until every
    range that holds a company holds at least `k` (an empty range stays empty: it shows nobody).

    Merging runs from the low end; a short remainder at the top joins the range below it. With
    fewer than `k` values in all there is nothing to show: an empty tuple.
    """
    edges = list(range(0, 100 + width, width))
    counts = [0] * (len(edges) - 1)
    for v in values:
        counts[min(int(v // width), len(counts) - 1)] += 1
    if sum(counts) < k:
        return ()
    merged: list[list[float]] = []  # [lo, hi, count]
    open_lo, open_n = None, 0
    for i, n in enumerate(counts):
        lo, hi = edges[i], edges[i + 1]
        if n == 0 and open_lo is None:
            merged.append([lo, hi, 0])
            continue
        if open_lo is None:
            open_lo = lo
        open_n += n
        if open_n >= k:
            merged.append([open_lo, hi, open_n])
            open_lo, open_n = None, 0
    if open_lo is not None:  # a remainder under k: into the last range that holds companies
        last = next(i for i in range(len(merged) - 1, -1, -1) if merged[i][2] > 0)
        merged[last] = [merged[last][0], 100, merged[last][2] + open_n]
        del merged[last + 1 :]
    return tuple(ScoreBin(float(lo), float(hi), int(n)) for lo, hi, n in merged)


def mid_rank_percentile(values: np.ndarray, score: float) -> float:
    """100 x (peers below + half the peers level with `score`) / peers."""
    below = np.count_nonzero(values < score - TIE_TOLERANCE)
    equal = np.count_nonzero(np.abs(values - score) <= TIE_TOLERANCE)
    return 100.0 * (below + 0.5 * equal) / len(values)


def _own_score(scores: Mapping[str, float | None], key: str) -> float | None:
    value = scores.get(key)
    if value is None:
        return None
    value = float(value)
    return None if np.isnan(value) else value


def benchmark(
    frame: pd.DataFrame,
    *,
    ksic: str,
    size_band: str,
    scores: Mapping[str, float | None],
    exclude_company_id: int | None = None,
    k: int = K_ANONYMITY,
) -> Benchmark:
    """Where `scores` stand in the company's peer group (see `select_group`), k-anonymised."""
    keys = score_keys(frame)
    unknown = sorted(set(scores) - set(keys))
    if unknown:
        raise PeerError(f"unknown score key(s) {', '.join(unknown)}; expected {', '.join(keys)}")
    group, rows = select_group(
        frame, ksic=ksic, size_band=size_band, exclude_company_id=exclude_company_id
    )
    percentile: dict[str, float | None] = {}
    median: dict[str, float | None] = {}
    p75: dict[str, float | None] = {}
    rank: dict[str, int | None] = {}
    bins: dict[str, tuple[ScoreBin, ...] | None] = {}
    scored: dict[str, int] = {}
    for key in keys:
        summary = summarize(rows[key].to_numpy(dtype="float64"), k=k)
        scored[key] = summary.n
        median[key], p75[key] = summary.median, summary.p75
        own = _own_score(scores, key)
        percentile[key] = (
            None
            if summary.values is None or own is None
            else mid_rank_percentile(np.asarray(summary.values), own)
        )
        rank[key] = (
            None
            if summary.values is None or own is None
            else competition_rank(np.asarray(summary.values), own)
        )
        bins[key] = None if summary.values is None else score_bins(summary.values, k=k)
    return Benchmark(
        group=group,
        k=k,
        suppressed=any(n < k for n in scored.values()),
        percentile=percentile,
        median=median,
        p75=p75,
        scored=scored,
        synthetic=int(rows["synthetic"].sum()),
        rank=rank,
        bins=bins,
    )
