"""Issue #14: a heatmap that reads at a glance: small groups never sort to the top or sit on the
colour scale, the scale fits the values shown, and the matrix downloads with n per cell."""

from __future__ import annotations

import numpy as np

from components.palette import LOW_N_CELL
from components.staff_charts import heatmap_figure
from readiness.analytics import HeatmapData, fitted_range, small_rows_last


def _data() -> HeatmapData:
    values = np.array([[88.0, 90.0], [52.0, 50.0], [61.0, 57.0], [37.0, 35.0]])
    n = np.array([[2, 2], [40, 40], [30, 30], [12, 12]])
    return HeatmapData(
        rows=("C12", "C29", "C28", "C10"),
        columns=("overall", "EXP"),
        values=values,
        n=n,
        low_n=n < 5,
        row_n=(2, 40, 30, 12),
        row_key=(88.0, 52.0, 61.0, 37.0),
        stat="mean",
    )


def test_a_sector_under_k_goes_to_the_bottom_not_the_top() -> None:
    moved = small_rows_last(_data())
    assert moved.rows == ("C29", "C28", "C10", "C12")
    assert moved.values[-1, 0] == 88.0 and moved.n[-1, 0] == 2 and moved.row_n[-1] == 2


def test_the_colour_scale_fits_the_cells_with_enough_companies() -> None:
    assert fitted_range(_data()) == (35.0, 65.0)  # 88 and 90 rest on two companies: not counted


def test_small_cells_are_flat_grey_and_the_figure_says_what_it_shows() -> None:
    data = small_rows_last(_data())
    fig = heatmap_figure(
        data,
        row_labels=list(data.rows),
        column_labels=["Overall", "Export"],
        stat_label="mean",
        zrange=fitted_range(data),
        scale_title="mean (fitted)",
        title="Sector × pillar · 2026 · 84 assessments",
    )
    main, small = fig.data[0], fig.data[1]
    assert {tuple(c) for c in small.colorscale} == {(0.0, LOW_N_CELL), (1.0, LOW_N_CELL)}
    assert np.isnan(np.array(main.z, dtype=float)[-1]).all()  # not on the colour scale
    assert (main.zmin, main.zmax) == (35.0, 65.0)
    assert main.colorbar.title.text == "mean (fitted)"
    assert fig.layout.title.text.startswith("Sector × pillar")


def test_a_p_value_reads_as_less_than_not_zero() -> None:
    from readiness.analytics import p_text

    assert p_text(3e-9) == "< 0.0001" and p_text(0.0) == "< 0.0001"
    assert p_text(0.04213) == "0.0421" and p_text(float("nan")) == "–" and p_text(None) == "–"
