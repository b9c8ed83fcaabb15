"""Pure Plotly figures for the staff views: data in, go.Figure out, no Streamlit calls.

Every label arrives from the caller in the user's language. Colour never carries meaning alone: the
heatmap writes its number in every cell and marks cells under the k threshold with "†" as well as a
lighter colour; series differ by dash and marker; cohorts by hatching. Empty data gives a figure
that says so instead of raising (graph_objects throughout: plotly express raises on empty frames).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.basedatatypes import BaseTraceType

from components.charts import FONT, wrap_label
from components.palette import (
    BLUE,
    DIVERGING_SCALE,
    GAP,
    GREEN,
    GREY,
    GRID,
    HEATMAP_SCALE,
    INK,
    LOW_N_CELL,
    PURPLE,
    TRANSPARENT,
    VERMILLION,
    WHITE,
)
from readiness.analytics import HeatmapData
from readiness.text import plotly as plotly_text

# The Okabe-Ito hues that reach 3:1 against the white page, then grey and ink.
SERIES_COLOURS = (BLUE, VERMILLION, GREEN, PURPLE, GREY, INK)
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "hexagon", "star")
LOW_N_MARK = "†"


def _figure(
    traces: Sequence[BaseTraceType | dict],
    *,
    height: int,
    margin: Mapping[str, int] | None = None,
    **layout: object,
) -> go.Figure:
    """A figure from its traces and its whole layout at once (one validation pass, no updates:
    plotly's update_* calls cost more than building the heatmap itself)."""
    base = {
        "height": height,
        "margin": {"l": 40, "r": 30, "t": 40, "b": 40, **(margin or {})},
        "font": {"family": FONT, "size": 13, "color": INK},
        "paper_bgcolor": TRANSPARENT,
        "plot_bgcolor": TRANSPARENT,
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0.5, "xanchor": "center"},
    }
    return go.Figure(data=list(traces), layout={**base, **layout})


def _note(text: str, **where: object) -> dict:
    """A small grey text placed on the paper (footnotes, labels)."""
    return {
        "text": text,
        "xref": "paper",
        "yref": "paper",
        "showarrow": False,
        "font": {"size": 12, "color": GREY},
        **where,
    }


def empty_figure(text: str, *, height: int = 260) -> go.Figure:
    """A figure that says there is nothing to draw (no axes, one centred message)."""
    message = _note(text, x=0.5, y=0.5, font={"size": 15, "color": GREY})
    return _figure(
        [],
        height=height,
        annotations=[message],
        xaxis={"visible": False},
        yaxis={"visible": False},
    )


def _format(value: float, fmt: str) -> str:
    if value is None or math.isnan(value):
        return "–"
    text = format(value, fmt)
    # A change that rounds to nothing reads "0", never "-0" or "+0".
    return text.lstrip("+-") if float(text) == 0 else text


def _wrap_parts(text: str, width: int, sep: str = " · ") -> str:
    """`text` broken into lines of about `width` characters between its " · " parts."""
    lines: list[str] = []
    for part in text.split(sep):
        if lines and len(lines[-1]) + len(sep) + len(part) <= width:
            lines[-1] += sep + part
        else:
            lines.append(part)
    return "<br>".join(lines)


def heatmap_figure(
    data: HeatmapData,
    *,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    stat_label: str,
    low_n_note: str = f"{LOW_N_MARK} n < 5",
    empty_text: str = "No data",
    value_format: str = ".0f",
    zrange: tuple[float, float] | None = None,
    height: int | None = None,
    scale_title: str | None = None,
    title: str | None = None,
    base_label: str = "",
    transpose: bool = False,
    row_ticks: Sequence[str] | None = None,
) -> go.Figure:
    """Rows x columns of `data`, the value written in every cell and n in the hover.

    `transpose` draws the data's rows as columns (the dimension view: 36 dimensions down the
    page, the sectors across, each labelled by `row_ticks`, say its code, with the full label in
    the hover), so a wide grid stays readable at 1440 px.

    A change grid (`data.base_n` set) is drawn on a diverging scale centred on 0 with signed
    numbers, and its hover gives both waves' n (`base_label` names the earlier one).

    Cells with n < data.min_n are drawn flat grey, off the colour scale, and their number carries
    LOW_N_MARK; cells without any score stay blank and say "n = 0". `scale_title` names the
    colour bar (say, how its range was chosen); `title` heads the figure, and so its PNG export.
    """
    if data.empty:
        return empty_figure(empty_text, height=height or 260)
    values, n, low = data.values, data.n, data.low_n
    changed = data.base_n is not None
    base_n = data.base_n if data.base_n is not None else n
    ticks = list(column_labels)
    if transpose:
        values, n, low, base_n = values.T, n.T, low.T, base_n.T
        row_labels, column_labels = column_labels, row_labels
        ticks = list(row_ticks or column_labels)
    if changed:
        value_format = "+.0f" if value_format == ".0f" else value_format
    finite = values[np.isfinite(values)]
    zmin, zmax = zrange or (float(finite.min()), float(finite.max()))
    if zmax <= zmin:
        zmin, zmax = zmin - 1.0, zmax + 1.0
    cells = [
        list(zip(vs, ks, smalls, strict=True))
        for vs, ks, smalls in zip(values.tolist(), n.tolist(), low.tolist(), strict=True)
    ]
    hover_format = "+.1f" if changed else ".1f"
    hover = np.array(
        [
            [
                f"{row}<br>{column}<br>{stat_label} {_format(v, hover_format)}<br>n = {k:,}"
                + (f" ({base_label} {int(b):,})" if changed else "")
                + (f" {LOW_N_MARK}" if small else "")
                for column, (v, k, small), b in zip(column_labels, line, bases, strict=True)
            ]
            for row, line, bases in zip(row_labels, cells, base_n.tolist(), strict=True)
        ],
        dtype=str,
    )
    text = np.array(
        [
            [_format(v, value_format) + (LOW_N_MARK if small and k else "") for v, k, small in line]
            for line in cells
        ],
        dtype=str,
    )
    x = list(range(len(column_labels)))
    y = list(range(len(row_labels)))
    common = {
        "x": x,
        "y": y,
        "zmin": zmin,
        "zmax": zmax,
        "texttemplate": "%{text}",
        "hovertext": hover,
        "hovertemplate": "%{hovertext}<extra></extra>",
        "hoverongaps": False,
        "xgap": 1,
        "ygap": 1,
    }
    # Plain dicts, validated once by the figure (a go.Heatmap would be validated twice).
    traces: list[dict] = [
        {
            "type": "heatmap",
            "z": np.where(low, np.nan, values),
            "text": np.where(low, "", text),
            "colorscale": DIVERGING_SCALE if changed else HEATMAP_SCALE,
            # Under the grid, across: the cells keep the page's width (a phone has little).
            "colorbar": {
                "title": {"text": scale_title or stat_label, "side": "bottom"},
                "orientation": "h",
                "thickness": 10,
                "len": 0.6,
                "x": 0.5,
                "xanchor": "center",
                "yref": "container",
                "y": 0.0,
                "yanchor": "bottom",
                "ypad": 6,
            },
            "name": "n ≥ k",
            **common,
        },
        {
            "type": "heatmap",
            "z": np.where(low, values, np.nan),
            "text": np.where(low, text, ""),
            # Never on the colour scale: a pale cell of a small group must not read as a high value.
            "colorscale": [[0.0, LOW_N_CELL], [1.0, LOW_N_CELL]],
            "textfont": {"color": GREY},
            "showscale": False,
            "name": f"n < {data.min_n}",
            **common,
        },
    ]
    gaps = np.argwhere(n == 0)
    if len(gaps):
        traces.append(
            {
                "type": "scatter",
                "x": gaps[:, 1].tolist(),
                "y": gaps[:, 0].tolist(),
                "mode": "text",
                "text": ["n = 0"] * len(gaps),
                "textfont": {"size": 10, "color": GREY},
                "hovertext": [str(hover[i, j]) for i, j in gaps.tolist()],
                "hovertemplate": "%{hovertext}<extra></extra>",
                "showlegend": False,
                "name": "n = 0",
            }
        )
    # A long title (filters, n, flags) breaks between its parts: plotly does not wrap.
    title_lines = _wrap_parts(title or "", 48)
    title_height = 26 * (title_lines.count("<br>") + 1) + 18 if title else 0
    # Many long column labels: tilted single-line labels, no overlaps (short codes stay level).
    many = len(ticks) > 8 and max(len(tick) for tick in ticks) > 6
    return _figure(
        traces,
        height=height or 26 * len(row_labels) + (260 if many else 140),
        margin={"t": (190 if many else 90) + title_height, "b": 120, "l": 10, "r": 10},
        xaxis={
            "tickvals": x,
            "ticktext": ticks if many else [wrap_label(label, 14) for label in ticks],
            "tickangle": -60 if many else 0,
            "range": [-0.5, len(x) - 0.5],
            "side": "top",
            "showgrid": False,
            "zeroline": False,
        },
        yaxis={
            "tickvals": y,
            "ticktext": list(row_labels),
            "tickfont": {"size": 14, "color": INK},
            "range": [len(y) - 0.5, -0.5],  # first row on top
            "showgrid": False,
            "zeroline": False,
        },
        annotations=[_note(low_n_note, x=0, y=0, yshift=-24, xanchor="left", yanchor="top")],
        plot_bgcolor=GAP,
        showlegend=False,
        **(
            {"title": {"text": title_lines, "x": 0, "xanchor": "left", "font": {"size": 15}}}
            if title
            else {}
        ),
    )


def pillar_distribution_figure(
    distributions: Mapping[str, Sequence[float] | np.ndarray],
    *,
    labels: Mapping[str, str],
    y_title: str,
    empty_text: str = "No data",
    height: int = 360,
) -> go.Figure:
    """One box per key (quartiles, whiskers, mean as a dashed line), n under each label.

    Small groups (under 20) show every point, so five companies are not drawn as a smooth box.
    """
    series = {k: np.asarray(v, dtype="float64") for k, v in distributions.items()}
    series = {k: v[np.isfinite(v)] for k, v in series.items()}
    if not any(len(v) for v in series.values()):
        return empty_figure(empty_text, height=height)
    traces = []
    for n, (key, values) in enumerate(series.items()):
        colour = SERIES_COLOURS[n % len(SERIES_COLOURS)]
        few = len(values) < 20
        traces.append(
            go.Box(
                y=values,
                name=f"{labels.get(key, key)}<br>n={len(values):,}",
                marker={"color": colour, "symbol": SYMBOLS[n % len(SYMBOLS)]},
                line={"color": colour},
                boxmean=True,
                boxpoints="all" if few else "outliers",
                jitter=0.3 if few else 0,
                hoverinfo="y",
            )
        )
    return _figure(
        traces,
        height=height,
        showlegend=False,
        yaxis={"title": y_title, "range": [0, 100], "dtick": 25, "gridcolor": GRID},
    )


def stage_funnel_figure(
    funnel: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    at_stage_label: str = "at this stage",
    reached_label: str = "at this stage or beyond",
    empty_text: str = "No data",
    height: int = 300,
) -> go.Figure:
    """How many companies reached each stage (at it or beyond), with the share of all.

    The bar's text gives "reached (share)"; the hover adds the count at exactly that stage.
    """
    if funnel.empty or int(funnel["count"].sum()) == 0:
        return empty_figure(empty_text, height=height)
    names = [labels.get(s, s) for s in funnel["stage"]]
    reached, reached_share = funnel["reached"].tolist(), funnel["reached_share"].tolist()
    count, share = funnel["count"].tolist(), funnel["share"].tolist()
    text = [f"{r:,} ({s:.0%})" for r, s in zip(reached, reached_share, strict=True)]
    hover = [
        f"{name}<br>{reached_label}: {r:,} ({rs:.0%})<br>{at_stage_label}: {c:,} ({cs:.0%})"
        for name, r, rs, c, cs in zip(names, reached, reached_share, count, share, strict=True)
    ]
    bars = go.Funnel(
        y=names,
        x=reached,
        text=text,
        textinfo="text",
        hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>",
        marker={"color": BLUE},
        connector={"line": {"color": GREY, "width": 1}},
    )
    return _figure([bars], height=height, margin={"l": 110})


def trend_figure(
    trend: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    stat: str = "mean",
    y_title: str,
    min_n: int = 5,
    empty_text: str = "No data",
    height: int = 340,
) -> go.Figure:
    """One line per key across waves (distinct colour, dash and marker); n in the hover.

    Points resting on fewer than `min_n` companies are drawn with open markers.
    """
    data = trend.dropna(subset=[stat]) if not trend.empty else trend
    if data.empty:
        return empty_figure(empty_text, height=height)
    traces = []
    for n, key in enumerate(dict.fromkeys(data["key"])):
        part = data[data["key"] == key].sort_values("wave")
        label = labels.get(key, key)
        symbol = SYMBOLS[n % len(SYMBOLS)]
        traces.append(
            go.Scatter(
                x=part["wave"].tolist(),
                y=part[stat].tolist(),
                name=label,
                mode="lines+markers",
                line={
                    "color": SERIES_COLOURS[n % len(SERIES_COLOURS)],
                    "dash": DASHES[n % len(DASHES)],
                },
                marker={
                    "size": 9,
                    "symbol": [f"{symbol}-open" if c < min_n else symbol for c in part["n"]],
                },
                customdata=part["n"].tolist(),
                hovertemplate=(
                    f"{label}<br>%{{x}}: %{{y:.1f}}<br>n = %{{customdata:,}}<extra></extra>"
                ),
            )
        )
    waves = sorted({int(w) for w in data["wave"]})
    return _figure(
        traces,
        height=height,
        xaxis={"tickvals": waves, "ticktext": [str(w) for w in waves]},
        yaxis={"title": y_title, "gridcolor": GRID},
    )


def quadrant_figure(
    quadrant: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    medians: tuple[float, float],
    x_title: str,
    y_title: str,
    median_label: str = "median",
    min_n: int = 5,
    empty_text: str = "No data",
    height: int = 440,
) -> go.Figure:
    """Sectors by maturity (x) and spread (y), each labelled with its code; the chosen sector is
    larger, a star with a heavy outline. Dashed lines at the median of each axis split the
    quadrants. Sectors of fewer than `min_n` companies get open markers; n is in the hover."""
    data = quadrant.dropna(subset=["maturity", "spread"]) if not quadrant.empty else quadrant
    if data.empty:
        return empty_figure(empty_text, height=height)
    traces = []
    for chosen in (False, True):
        part = data[data["chosen"] == chosen]
        if part.empty:
            continue
        symbol = "star" if chosen else "circle"
        traces.append(
            go.Scatter(
                x=part["maturity"].tolist(),
                y=part["spread"].tolist(),
                mode="markers+text" if chosen else "markers",
                text=part["ksic"].tolist(),
                textposition="top center",
                textfont={"size": 14 if chosen else 11, "color": INK if chosen else GREY},
                marker={
                    "size": 22 if chosen else 11,
                    "color": VERMILLION if chosen else BLUE,
                    "symbol": [f"{symbol}-open" if c < min_n else symbol for c in part["n"]],
                    "line": {"color": INK, "width": 3 if chosen else 1},
                },
                customdata=[
                    [labels.get(k, k), int(c)] for k, c in zip(part["ksic"], part["n"], strict=True)
                ],
                hovertemplate=(
                    "%{text} %{customdata[0]}<br>"
                    f"{x_title}: %{{x:.1f}}<br>{y_title}: %{{y:.1f}}<br>"
                    "n = %{customdata[1]:,}<extra></extra>"
                ),
                showlegend=False,
            )
        )
    mx, my = medians
    line = {"color": GREY, "dash": "dash", "width": 1}
    shapes = []
    if not math.isnan(mx):
        across = {"yref": "paper", "y0": 0, "y1": 1}
        shapes.append({"type": "line", "xref": "x", "x0": mx, "x1": mx, **across, "line": line})
    if not math.isnan(my):
        across = {"xref": "paper", "x0": 0, "x1": 1}
        shapes.append({"type": "line", "yref": "y", "y0": my, "y1": my, **across, "line": line})
    notes = []
    if not (math.isnan(mx) or math.isnan(my)):
        where = {"xref": "x", "yref": "y", "xanchor": "left", "yanchor": "bottom"}
        notes.append(_note(median_label, x=mx, y=my, **where))
    return _figure(
        traces,
        height=height,
        shapes=shapes,
        annotations=notes,
        xaxis={"title": x_title, "gridcolor": GRID},
        yaxis={"title": y_title, "gridcolor": GRID},
    )


def cohort_comparison_figure(
    table: pd.DataFrame,
    *,
    labels: Mapping[str, str],
    names: tuple[str, str],
    y_title: str,
    median_label: str = "median",
    notable_mark: str = "*",
    notable_note: str | None = None,
    empty_text: str = "No data",
    height: int = 380,
) -> go.Figure:
    """Two cohorts' means side by side per key (from analytics.compare), with 95 % intervals.

    Cohort B is hatched so the two differ without colour; each bar shows its mean and the hover
    its n and median. A key whose difference is notable gets `notable_mark` after its label.
    """
    if table.empty or not (table["n_a"].sum() + table["n_b"].sum()):
        return empty_figure(empty_text, height=height)
    ticks = [
        f"{labels.get(str(k), str(k))} {notable_mark}"
        if bool(notable)
        else labels.get(str(k), str(k))
        for k, notable in table["notable"].items()
    ]
    traces = []
    # Cohort names are typed by staff: inert for Plotly (legend, hover template).
    sides = (
        ("a", plotly_text(names[0]), BLUE, ""),
        ("b", plotly_text(names[1]), VERMILLION, "/"),
    )
    for side, name, colour, pattern in sides:
        means = table[f"mean_{side}"].to_numpy(dtype="float64")
        traces.append(
            go.Bar(
                x=ticks,
                y=np.nan_to_num(means, nan=0.0),
                name=name,
                marker={
                    "color": colour,
                    "pattern": {"shape": pattern, "fgcolor": WHITE, "fillmode": "overlay"},
                },
                error_y={
                    "type": "data",
                    "array": np.nan_to_num(table[f"ci_{side}"].to_numpy(dtype="float64")),
                    "color": INK,
                    "thickness": 1.2,
                },
                text=[_format(m, ".1f") for m in means],
                textposition="outside",
                textfont={"color": INK},
                cliponaxis=False,
                customdata=np.column_stack(
                    [table[f"n_{side}"].to_numpy(), table[f"median_{side}"].to_numpy()]
                ),
                hovertemplate=(
                    f"{name}<br>%{{x}}: %{{y:.1f}}<br>{median_label} %{{customdata[1]:.1f}}"
                    "<br>n = %{customdata[0]:,}<extra></extra>"
                ),
            )
        )
    notes = []
    if notable_note:
        notes.append(_note(notable_note, x=0, y=1, yshift=12, xanchor="left", yanchor="bottom"))
    return _figure(
        traces,
        height=height,
        barmode="group",
        bargap=0.25,
        annotations=notes,
        yaxis={"title": y_title, "range": [0, 100], "gridcolor": GRID},
    )
