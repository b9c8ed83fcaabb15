"""Staff figures: what they draw, that n is always shown, that small cells are marked, and that
empty data gives an empty-state figure instead of an error."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from components import staff_charts as sc
from components.palette import LOW_N_CELL
from readiness import analytics

LABELS = {"overall": "Overall", "EXP": "Export readiness"}


def _frame() -> pd.DataFrame:
    rows = [("C29", v, v - 5) for v in (50.0, 60.0, 70.0, 80.0, 40.0, 55.0)]
    rows += [("C10", 30.0, 20.0), ("C10", 40.0, np.nan)]
    return pd.DataFrame(
        {
            "ksic": [r[0] for r in rows],
            "wave": 2026,
            "overall": [r[1] for r in rows],
            "EXP": [r[2] for r in rows],
            "stage": "leading",
        }
    )


def _heatmap(**kwargs: object) -> go.Figure:
    data = analytics.heatmap(_frame(), value_columns=["overall", "EXP"], all_rows=["C12"])
    defaults: dict[str, object] = {
        "row_labels": [f"{r} sector" for r in data.rows],
        "column_labels": ["Overall", "Export readiness"],
        "stat_label": "mean",
        "low_n_note": "† fewer than 5 companies",
    }
    return sc.heatmap_figure(data, **{**defaults, **kwargs})  # type: ignore[arg-type]


def test_heatmap_writes_the_value_in_every_cell_and_n_in_the_hover() -> None:
    fig = _heatmap()
    solid, light = fig.data[0], fig.data[1]
    assert solid.type == light.type == "heatmap"
    # Rows: C29 (mean 59.2), C10, then C12 without companies.
    assert list(solid.text[0]) == ["59", "54"]
    assert list(light.text[1]) == ["35†", "20†"]  # n = 2 and n = 1: marked
    assert "n = 6" in solid.hovertext[0][0] and "C29 sector" in solid.hovertext[0][0]
    assert "Export readiness" in solid.hovertext[0][1]
    assert "n = 1 †" in light.hovertext[1][1] and "mean 20.0" in light.hovertext[1][1]
    # Each cell is drawn by exactly one of the two traces.
    assert np.isnan(np.asarray(solid.z[1], dtype=float)).all()
    assert np.isnan(np.asarray(light.z[0], dtype=float)).all()
    assert fig.layout.annotations[0].text == "† fewer than 5 companies"


def test_heatmap_draws_small_cells_flat_grey_off_the_scale() -> None:
    """Issue #14: pale cells of small groups read like the high end of the scale; now one grey."""
    fig = _heatmap()
    solid, small = fig.data[0], fig.data[1]
    assert (solid.zmin, solid.zmax) == pytest.approx((20.0, 355 / 6))
    assert solid.showscale is not False and small.showscale is False
    assert {colour for _, colour in small.colorscale} == {LOW_N_CELL}
    assert LOW_N_CELL not in {colour for _, colour in solid.colorscale}


def test_heatmap_labels_empty_cells_n_zero() -> None:
    fig = _heatmap()
    gaps = fig.data[2]
    assert gaps.type == "scatter" and list(gaps.text) == ["n = 0", "n = 0"]
    assert list(gaps.y) == [2, 2] and "n = 0" in gaps.hovertext[0]


def test_heatmap_keeps_the_row_order_and_labels() -> None:
    fig = _heatmap()
    assert list(fig.layout.yaxis.ticktext) == ["C29 sector", "C10 sector", "C12 sector"]
    assert tuple(fig.layout.yaxis.range) == (2.5, -0.5)  # first row on top, no padding
    assert fig.layout.xaxis.ticktext[1] == "Export<br>readiness"


def test_heatmap_zrange_can_be_fixed() -> None:
    fig = _heatmap(zrange=(0.0, 100.0))
    assert (fig.data[0].zmin, fig.data[0].zmax) == (0.0, 100.0)


def _is_empty_state(fig: go.Figure, text: str) -> bool:
    return len(fig.data) == 0 and fig.layout.annotations[0].text == text


def test_every_figure_has_an_empty_state() -> None:
    nothing = analytics.heatmap(_frame().iloc[:0], value_columns=["overall"])
    empty_trend = analytics.trend(_frame().iloc[:0], ["overall"])
    funnel = analytics.stage_funnel(["beginner", "leading"], _frame().iloc[:0])
    figures = [
        sc.heatmap_figure(
            nothing, row_labels=[], column_labels=["x"], stat_label="m", empty_text="—"
        ),
        sc.pillar_distribution_figure({"overall": []}, labels=LABELS, y_title="s", empty_text="—"),
        sc.stage_funnel_figure(funnel, labels={}, empty_text="—"),
        sc.trend_figure(empty_trend, labels=LABELS, y_title="s", empty_text="—"),
        sc.quadrant_figure(
            analytics.quadrant(_frame().iloc[:0]),
            labels={},
            medians=(float("nan"), float("nan")),
            x_title="x",
            y_title="y",
            empty_text="—",
        ),
        sc.cohort_comparison_figure(
            analytics.compare(_frame().iloc[:0], _frame().iloc[:0], keys=["overall"]),
            labels=LABELS,
            names=("A", "B"),
            y_title="s",
            empty_text="—",
        ),
    ]
    for fig in figures:
        assert _is_empty_state(fig, "—")
        fig.to_json()  # serialises, as Streamlit will


def test_distribution_draws_one_box_per_pillar_with_n() -> None:
    fig = sc.pillar_distribution_figure(
        {"overall": [50.0, 60.0, np.nan], "EXP": list(range(30))}, labels=LABELS, y_title="Score"
    )
    assert [tr.type for tr in fig.data] == ["box", "box"]
    assert fig.data[0].name == "Overall<br>n=2" and list(fig.data[0].y) == [50.0, 60.0]
    assert fig.data[0].boxpoints == "all" and fig.data[1].boxpoints == "outliers"
    assert fig.data[0].marker.color != fig.data[1].marker.color


def test_funnel_shows_reached_counts_with_shares() -> None:
    funnel = analytics.stage_funnel(
        ["beginner", "promising", "leading", "champion"],
        pd.DataFrame({"stage": ["beginner", "leading", "leading", "champion"]}),
    )
    fig = sc.stage_funnel_figure(funnel, labels={"leading": "Leading"})
    bar = fig.data[0]
    assert bar.type == "funnel" and list(bar.x) == [4, 3, 3, 1]
    assert list(bar.y) == ["beginner", "promising", "Leading", "champion"]
    assert bar.text[2] == "3 (75%)" and "2 (50%)" in bar.hovertext[2]


def test_trend_lines_differ_by_dash_and_marker_and_open_small_points() -> None:
    trend = pd.DataFrame(
        {
            "wave": [2025, 2026, 2025, 2026],
            "key": ["overall", "overall", "EXP", "EXP"],
            "mean": [40.0, 50.0, 30.0, 45.0],
            "median": [41.0, 49.0, 30.0, 44.0],
            "n": [12, 3, 12, 12],
        }
    )
    fig = sc.trend_figure(trend, labels=LABELS, stat="median", y_title="Score")
    overall, exp = fig.data
    assert overall.name == "Overall" and list(overall.y) == [41.0, 49.0]
    assert overall.line.dash != exp.line.dash
    assert list(overall.marker.symbol) == ["circle", "circle-open"]
    assert list(overall.customdata) == [12, 3] and "n = " in overall.hovertemplate
    assert list(fig.layout.xaxis.tickvals) == [2025, 2026]


def test_quadrant_highlights_the_chosen_sector_and_draws_median_lines() -> None:
    quad = pd.DataFrame(
        {
            "ksic": ["C10", "C20", "C29"],
            "maturity": [40.0, 50.0, 60.0],
            "spread": [10.0, 12.0, 8.0],
            "n": [3, 20, 30],
            "chosen": [False, False, True],
        }
    )
    fig = sc.quadrant_figure(
        quad, labels={"C29": "Machinery"}, medians=(50.0, 10.0), x_title="Mean", y_title="SD"
    )
    others, chosen = fig.data
    assert list(chosen.text) == ["C29"] and chosen.marker.size > others.marker.size
    assert chosen.marker.line.width > others.marker.line.width
    assert list(others.marker.symbol) == ["circle-open", "circle"]  # C10: n < 5
    assert chosen.customdata[0][0] == "Machinery" and chosen.customdata[0][1] == 30
    assert {s.type for s in fig.layout.shapes} == {"line"} and len(fig.layout.shapes) == 2


def test_quadrant_leaves_out_sectors_without_a_spread() -> None:
    quad = pd.DataFrame(
        {
            "ksic": ["C10", "C29"],
            "maturity": [40.0, 60.0],
            "spread": [np.nan, 8.0],
            "n": [1, 30],
            "chosen": [False, False],
        }
    )
    fig = sc.quadrant_figure(quad, labels={}, medians=(60.0, 8.0), x_title="x", y_title="y")
    assert len(fig.data) == 1 and list(fig.data[0].text) == ["C29"]


def test_comparison_bars_are_hatched_apart_and_mark_notable_keys() -> None:
    a = pd.DataFrame({"overall": [60.0, 62.0, 64.0, 61.0], "EXP": [50.0, 20.0, 80.0, 40.0]})
    b = pd.DataFrame({"overall": [40.0, 41.0, 43.0, 42.0], "EXP": [55.0, 25.0, 70.0, 35.0]})
    table = analytics.compare(a, b, keys=["overall", "EXP"])
    fig = sc.cohort_comparison_figure(
        table, labels=LABELS, names=("2026", "2025"), y_title="Score", notable_note="* p < 0.05"
    )
    first, second = fig.data
    assert (first.name, second.name) == ("2026", "2025")
    assert list(first.x) == ["Overall *", "Export readiness"]
    assert first.marker.pattern.shape == "" and second.marker.pattern.shape == "/"
    assert list(first.text) == ["61.8", "47.5"]
    assert list(first.error_y.array) == pytest.approx(table["ci_a"].tolist())
    assert first.customdata[0][0] == 4 and "n = " in first.hovertemplate
    assert fig.layout.annotations[0].text == "* p < 0.05"
