"""Figures for a workshop room: large type for a projector, plain data in, go.Figure out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from components.charts import FONT
from components.palette import BLUE, GREY, GRID, SKY_BLUE, SKY_FILL, TEXT, TRANSPARENT


def _layout(height: int, font_size: int, **extra: object) -> dict:
    return {
        "height": height,
        "margin": {"l": 20, "r": 20, "t": 20, "b": 20},
        "font": {"family": FONT, "size": font_size, "color": TEXT},
        "paper_bgcolor": TRANSPARENT,
        "plot_bgcolor": TRANSPARENT,
        "showlegend": False,
        **extra,
    }


def waiting_figure(text: str, *, height: int = 320, font_size: int = 22) -> go.Figure:
    """A chart-sized message, e.g. "shown once 5 people have answered"."""
    return go.Figure(
        {
            "data": [],
            "layout": _layout(
                height,
                font_size,
                xaxis={"visible": False},
                yaxis={"visible": False},
                annotations=[
                    {
                        "text": text,
                        "x": 0.5,
                        "y": 0.5,
                        "xref": "paper",
                        "yref": "paper",
                        "showarrow": False,
                        "font": {"size": font_size, "color": GREY},
                    }
                ],
            ),
        }
    )


def stage_histogram_figure(
    counts: Mapping[str, int],
    *,
    labels: Mapping[str, str],
    height: int = 320,
    font_size: int = 20,
) -> go.Figure:
    """People per stage, the count written on each bar."""
    names = [labels.get(s, s) for s in counts]
    values = list(counts.values())
    bar = {
        "type": "bar",
        "x": names,
        "y": values,
        "text": [f"{v}" for v in values],
        "textposition": "outside",
        "marker": {"color": BLUE},
        "hovertemplate": "%{x}: %{y}<extra></extra>",
        "cliponaxis": False,
    }
    top = max(values or [1])
    return go.Figure(
        {
            "data": [bar],
            "layout": _layout(
                height,
                font_size,
                yaxis={"visible": False, "range": [0, top * 1.25 + 1]},
                xaxis={"tickfont": {"size": font_size}},
            ),
        }
    )


def sectors_figure(
    sectors: Sequence[tuple[str, int]],
    *,
    labels: Mapping[str, str],
    height: int = 320,
    font_size: int = 20,
) -> go.Figure:
    """People per sector present (small ones already grouped as "other"), largest on top."""
    names = [labels.get(code, code) for code, _ in sectors][::-1]
    values = [n for _, n in sectors][::-1]
    bar = {
        "type": "bar",
        "orientation": "h",
        "x": values,
        "y": names,
        "text": [f"{v}" for v in values],
        "textposition": "outside",
        "marker": {"color": SKY_BLUE},
        "hovertemplate": "%{y}: %{x}<extra></extra>",
        "cliponaxis": False,
    }
    top = max(values or [1])
    return go.Figure(
        {
            "data": [bar],
            "layout": _layout(
                height,
                font_size,
                xaxis={"visible": False, "range": [0, top * 1.3 + 1]},
                yaxis={"tickfont": {"size": font_size}, "automargin": True},
            ),
        }
    )


def quartiles_figure(
    quartiles: Mapping[str, tuple[float, float, float] | None],
    *,
    labels: Mapping[str, str],
    empty_text: str,
    height: int = 300,
    font_size: int = 16,
) -> go.Figure:
    """Per pillar the room's middle half (first to third quartile) as a box and its median as a
    line: three numbers each, computed on the server from at least k people. No whiskers and no
    points, which would be single people's scores."""
    shown = {key: q for key, q in quartiles.items() if q is not None}
    if not shown:
        return waiting_figure(empty_text, height=height, font_size=font_size + 4)
    names = [labels.get(key, key) for key in shown]
    q1, median, q3 = (list(v) for v in zip(*shown.values(), strict=True))
    box = {
        "type": "box",
        "x": names,
        "q1": q1,
        "median": median,
        "q3": q3,
        "lowerfence": q1,
        "upperfence": q3,
        "boxpoints": False,
        "marker": {"color": BLUE},
        "line": {"color": BLUE, "width": 3},
        "fillcolor": SKY_FILL,
        "hoverinfo": "skip",
    }
    return go.Figure(
        {
            "data": [box],
            "layout": _layout(
                height,
                font_size,
                yaxis={"range": [0, 100], "dtick": 25, "gridcolor": GRID},
                xaxis={"tickfont": {"size": font_size}},
            ),
        }
    )
