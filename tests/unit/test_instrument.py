"""Instrument health statistics on constructed data whose answers are known."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from readiness import instrument
from readiness.instrument import (
    cronbach_alpha,
    instrument_report,
    item_total_correlations,
    level_matrix,
    pillar_correlations,
)


def _long(matrix: np.ndarray, prefix: str = "XA", start: int = 1) -> pd.DataFrame:
    """Long answer rows from cases x items (NaN = N/A); items named XA01, XA02, ..."""
    rows = [
        (start + case, f"{prefix}{j + 1:02d}", None if np.isnan(v) else int(v))
        for case, row in enumerate(matrix)
        for j, v in enumerate(row)
    ]
    frame = pd.DataFrame(rows, columns=list(instrument.ANSWER_COLUMNS))
    frame["level"] = frame["level"].astype("float64")
    return frame


def test_identical_items_have_alpha_one() -> None:
    levels = np.tile(np.arange(6, dtype=float).repeat(10)[:, None], (1, 4))
    alpha, n = cronbach_alpha(levels, min_n=30)
    assert n == 60
    assert alpha == pytest.approx(1.0)


def test_independent_items_have_alpha_near_zero() -> None:
    rng = np.random.default_rng(7)
    levels = rng.integers(0, 6, size=(5000, 6)).astype(float)
    alpha, n = cronbach_alpha(levels)
    assert n == 5000
    assert abs(alpha) < 0.05


def test_alpha_matches_the_spearman_brown_value_of_a_one_factor_model() -> None:
    # x_i = f + e_i with var(f) = var(e) = 1: every inter-item r is 0.5, so with k = 4 items
    # alpha = k r / (1 + (k - 1) r) = 0.8.
    rng = np.random.default_rng(11)
    factor = rng.normal(size=(40000, 1))
    levels = factor + rng.normal(size=(40000, 4))
    alpha, _ = cronbach_alpha(levels)
    assert alpha == pytest.approx(0.8, abs=0.01)


def test_alpha_by_hand_on_a_small_matrix() -> None:
    levels = np.array([[1, 2], [2, 2], [3, 4], [4, 5]], dtype=float)
    # item variances (ddof 1): 1.6667 and 2.25; totals 3, 4, 7, 9 have variance 7.5833.
    expected = 2 / 1 * (1 - (5 / 3 + 2.25) / (91 / 12))
    alpha, n = cronbach_alpha(levels, min_n=2)
    assert (alpha, n) == (pytest.approx(expected), 4)


def test_alpha_is_listwise_and_none_below_the_minimum_n() -> None:
    levels = np.tile(np.arange(6, dtype=float).repeat(10)[:, None], (1, 3))
    levels[:35, 0] = np.nan  # N/A on one item drops the case from the pillar's alpha
    alpha, n = cronbach_alpha(levels, min_n=30)
    assert (alpha, n) == (None, 25)
    alpha, n = cronbach_alpha(levels, min_n=20)
    assert n == 25 and alpha == pytest.approx(1.0)


def test_alpha_is_none_for_one_item_or_a_constant_total() -> None:
    assert cronbach_alpha(np.arange(40, dtype=float)[:, None] % 6)[0] is None
    assert cronbach_alpha(np.full((40, 3), 2.0))[0] is None


def test_corrected_item_total_flags_a_reversed_item() -> None:
    rng = np.random.default_rng(3)
    factor = rng.integers(0, 6, size=200).astype(float)
    noise = rng.integers(-1, 2, size=(200, 4))
    levels = np.clip(factor[:, None] + noise, 0, 5)
    levels[:, 3] = 5 - levels[:, 3]  # a reversed ladder
    matrix = pd.DataFrame(levels, columns=["A", "B", "C", "D"])
    item_total, if_deleted, n = item_total_correlations(matrix)
    assert n == 200
    assert all(item_total[i] > 0.5 for i in "ABC")
    assert item_total["D"] < -0.5
    alpha, _ = cronbach_alpha(matrix)
    assert if_deleted["D"] > alpha  # the scale is better without it
    assert all(if_deleted[i] < if_deleted["D"] for i in "ABC")


def test_item_total_uses_the_other_items_only() -> None:
    # A and B identical, C independent of both: the corrected r of C is near 0, although C
    # correlates with its own share of the total.
    rng = np.random.default_rng(5)
    a = rng.integers(0, 6, size=3000).astype(float)
    c = rng.integers(0, 6, size=3000).astype(float)
    matrix = pd.DataFrame({"A": a, "B": a, "C": c})
    item_total, _, _ = item_total_correlations(matrix)
    assert abs(item_total["C"]) < 0.06
    assert item_total["A"] > 0.65


def test_item_total_is_none_below_the_minimum_n() -> None:
    matrix = pd.DataFrame(np.arange(30, dtype=float).reshape(10, 3) % 6, columns=list("ABC"))
    item_total, if_deleted, n = item_total_correlations(matrix, min_n=30)
    assert n == 10
    assert set(item_total.values()) == {None} and set(if_deleted.values()) == {None}


def test_pillar_correlations_are_pairwise_with_their_n() -> None:
    x = np.arange(60, dtype=float)
    scores = pd.DataFrame({"XA": x, "XB": 2 * x + 1, "XC": -x})
    scores.loc[:9, "XC"] = np.nan
    r, n = pillar_correlations(scores, min_n=30)
    assert r.loc["XA", "XB"] == pytest.approx(1.0)
    assert r.loc["XA", "XC"] == pytest.approx(-1.0)
    assert n.loc["XA", "XB"] == 60 and n.loc["XB", "XC"] == 50
    r, n = pillar_correlations(scores, min_n=55)
    assert np.isnan(r.loc["XA", "XC"]) and n.loc["XA", "XC"] == 50
    assert r.loc["XA", "XB"] == pytest.approx(1.0)


def test_level_matrix_keeps_every_assessment_and_only_the_items_asked() -> None:
    answers = pd.DataFrame(
        {
            "assessment_id": [1, 1, 2, 3],
            "item_id": ["XA01", "XB01", "XA02", "XB01"],
            "level": [3.0, 1.0, np.nan, 4.0],
        }
    )
    matrix = level_matrix(answers, ["XA01", "XA02"])
    assert list(matrix.index) == [1, 2, 3]
    assert list(matrix.columns) == ["XA01", "XA02"]
    assert matrix.loc[1, "XA01"] == 3 and int(matrix.isna().to_numpy().sum()) == 5


def test_the_report_counts_levels_na_and_missing_and_serialises() -> None:
    rng = np.random.default_rng(1)
    factor = rng.integers(0, 6, size=40)
    levels = np.clip(factor[:, None] + rng.integers(-1, 2, size=(40, 3)), 0, 5).astype(float)
    levels[0, 2] = np.nan  # one N/A
    answers = _long(levels)
    answers = answers[~((answers["assessment_id"] == 2) & (answers["item_id"] == "XA03"))]
    ids = sorted(answers["assessment_id"].unique())
    scores = pd.DataFrame({"XA": levels.mean(axis=1) * 20}, index=ids)
    report = instrument_report(
        answers,
        scores,
        pillars={"XA": ["XA01", "XA02", "XA03"]},
        bank_version="test-1",
        wave=2026,
        mode="full",
        synthetic=40,
        min_n=30,
    )
    assert report.assessments == 40
    xa03 = next(i for i in report.items if i.item_id == "XA03")
    assert (xa03.na, xa03.missing, xa03.n) == (1, 1, 38)
    assert sum(xa03.counts) == 38
    kept = np.delete(levels[:, 2], [0, 1])  # assessment 1 said N/A, assessment 2 nothing
    assert list(xa03.counts) == [int(np.count_nonzero(kept == lv)) for lv in range(6)]
    (alpha,) = report.alphas
    assert (alpha.items, alpha.n, alpha.n_any) == (3, 38, 40)
    assert alpha.alpha == pytest.approx(cronbach_alpha(levels[2:])[0])
    data = json.loads(json.dumps(report.to_dict()))
    assert data["alpha_method"] == "listwise"
    assert data["correlations"]["XA"]["XA"] == {"r": 1.0, "n": 39}  # one score is NaN
    assert data["items"][2]["counts"] == {str(lv): c for lv, c in enumerate(xa03.counts)}


def test_a_small_report_gives_no_alpha_and_says_why() -> None:
    answers = _long(np.tile(np.arange(6, dtype=float)[:, None], (1, 2)))
    report = instrument_report(
        answers,
        pd.DataFrame({"XA": np.arange(6.0)}, index=range(1, 7)),
        pillars={"XA": ["XA01", "XA02"]},
        bank_version="test-1",
        wave=None,
        mode="full",
    )
    assert report.alphas[0].alpha is None and report.alphas[0].n == 6
    assert all(i.item_total is None for i in report.items)
    assert np.isnan(report.correlation.loc["XA", "XA"])
    assert report.notes


def test_the_correlation_heatmap_writes_r_and_n_in_every_cell() -> None:
    from components.charts import correlation_heatmap_figure

    fig = correlation_heatmap_figure(
        [[1.0, None], [None, 1.0]], [[40, 12], [12, 40]], labels=["Export readiness", "AI"]
    )
    (trace,) = fig.data
    assert (trace.zmin, trace.zmax) == (-1, 1)
    assert list(trace.text[0]) == ["1.00<br>n=40", "–<br>n=12"]
    assert trace.z[0][1] is None
    assert trace.x[0] == "Export<br>readiness"
