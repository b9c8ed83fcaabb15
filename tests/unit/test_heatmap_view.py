"""Issue #14: a heatmap that reads at a glance: small groups never sort to the top or sit on the
colour scale, the scale fits the values shown, and the matrix downloads with n per cell."""

from __future__ import annotations

from dataclasses import replace

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


# --- change vs previous wave ----------------------------------------------------------------------


def _previous() -> HeatmapData:
    """The year before: C29 and C12 as now, C10 with 3 companies, no C28 at all."""
    values = np.array([[48.0, 45.0], [80.0, 80.0], [40.0, 41.0]])
    n = np.array([[38, 38], [6, 6], [3, 3]])
    return HeatmapData(
        rows=("C29", "C12", "C10"),
        columns=("overall", "EXP"),
        values=values,
        n=n,
        low_n=n < 5,
        row_n=(38, 6, 3),
        row_key=(48.0, 80.0, 40.0),
        stat="mean",
    )


def test_a_change_grid_subtracts_the_previous_wave_row_by_row() -> None:
    from readiness.analytics import change

    delta = change(_data(), _previous())
    assert delta.rows == _data().rows  # the current wave's rows and order
    assert delta.values[1].tolist() == [4.0, 5.0]  # C29: 52 - 48, 50 - 45
    assert delta.values[3].tolist() == [-3.0, -6.0]  # C10: 37 - 40, 35 - 41
    assert np.isnan(delta.values[2]).all()  # C28 has no previous year
    assert delta.base_n is not None and delta.base_n[:, 0].tolist() == [6, 38, 0, 3]


def test_a_change_is_only_as_sound_as_its_smaller_year() -> None:
    from readiness.analytics import change

    delta = change(_data(), _previous())
    # C12: 2 companies now; C28: none the year before; C10: 3 the year before (12 now).
    assert delta.low_n[:, 0].tolist() == [True, False, True, True]


def test_the_change_scale_is_centred_on_zero_and_ignores_small_cells() -> None:
    from readiness.analytics import change, diverging_range

    delta = change(_data(), _previous())
    assert diverging_range(delta) == (-5.0, 5.0)  # only C29 counts: +4 and +5
    empty = change(_data(), replace(_previous(), rows=("X", "Y", "Z")))
    assert diverging_range(empty) == (-5.0, 5.0)  # nothing to show: one step either way


def test_the_previous_wave_is_the_latest_earlier_year_with_data() -> None:
    from readiness.analytics import previous_wave

    assert previous_wave([2023, 2025, 2026], 2026) == 2025
    assert previous_wave([2023, 2025, 2026], 2025) == 2023
    assert previous_wave([2023, 2025, 2026], 2023) is None


def test_a_change_figure_is_diverging_signed_and_names_both_years_n() -> None:
    from components.palette import DIVERGING_SCALE
    from readiness.analytics import change, diverging_range

    delta = small_rows_last(change(_data(), _previous()))
    fig = heatmap_figure(
        delta,
        row_labels=list(delta.rows),
        column_labels=["Overall", "Export"],
        stat_label="mean",
        zrange=diverging_range(delta),
        base_label="2025",
    )
    main = fig.data[0]
    assert [list(c) for c in main.colorscale] == DIVERGING_SCALE
    assert (main.zmin, main.zmax) == (-5.0, 5.0)
    assert main.text[0].tolist() == ["+4", "+5"]  # C29, signed
    assert "n = 40 (2025 38)" in main.hovertext[0][0]
