"""Pure Plotly figure builders: plain data in, go.Figure out, no Streamlit calls.

Colours are Okabe-Ito (colour-blind safe), and every series also differs by line dash or marker
shape, so colour never carries meaning alone. Every colour that draws data reaches 3:1 against the
white page (WCAG 1.4.11 non-text contrast); text colours reach 4.5:1.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import plotly.graph_objects as go

from components.palette import (
    BLUE,
    BLUE_FILL,
    GREEN,
    GREY,
    TEXT,
    TRANSPARENT,
    VERMILLION,
    WHITE,
)

FONT = "Pretendard, 'Apple SD Gothic Neo', 'Malgun Gothic', 'Noto Sans KR', NanumGothic, sans-serif"


def _layout(*, height: int, **extra: object) -> dict:
    """The common layout, as one dict: building a figure in one go is several times faster than
    a chain of update_layout calls (plotly validates every call)."""
    layout = {
        "height": height,
        "margin": {"l": 40, "r": 40, "t": 30, "b": 30},
        "font": {"family": FONT, "size": 14, "color": TEXT},
        "paper_bgcolor": TRANSPARENT,
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.08, "x": 0.5, "xanchor": "center"},
    }
    layout.update(extra)
    return layout


def display_width(text: str) -> int:
    """Columns `text` takes: a wide character (Hangul, CJK) two, any other one."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap_label(label: str, width: int = 12) -> str:
    """Break a long axis label into lines (HTML <br>) of at most `width` columns (a Hangul
    syllable counts two, `display_width`) so it fits a phone-width chart."""
    words, lines, line = label.split(" "), [], ""
    for word in words:
        if line and display_width(line) + 1 + display_width(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(lines)


def radar_figure(
    axes: Sequence[str],
    company: Sequence[float | None],
    *,
    names: tuple[str, str, str],
    median: Sequence[float | None] | None = None,
    p75: Sequence[float | None] | None = None,
    height: int = 420,
) -> go.Figure:
    """Company against the peer median and top quartile on 0-100 axes. A missing value (a pillar
    without a score) leaves a gap in its line, never a point at 0."""
    labels = [wrap_label(a) for a in axes]
    theta = [*labels, labels[0]]

    def closed(values: Sequence[float | None]) -> list[float | None]:
        return [*values, values[0]]

    series = [
        (p75, names[2], GREEN, "dot", "square"),
        (median, names[1], VERMILLION, "dash", "diamond"),
        (company, names[0], BLUE, "solid", "circle"),
    ]
    traces = []
    for values, name, colour, dash, symbol in series:
        if values is None:
            continue
        own = name == names[0]
        trace = {
            "type": "scatterpolar",
            "r": closed(values),
            "theta": theta,
            "name": name,
            "mode": "lines+markers",
            "line": {"color": colour, "dash": dash, "width": 3 if own else 2},
            "marker": {"symbol": symbol, "size": 9, "color": colour},
            "hovertemplate": "%{theta}: %{r:.0f}<extra>" + name + "</extra>",
        }
        if own:
            trace.update(fill="toself", fillcolor=BLUE_FILL)
        traces.append(trace)
    layout = _layout(
        height=height,
        margin={"l": 95, "r": 95, "t": 40, "b": 30},
        showlegend=True,
        polar={
            "radialaxis": {
                "range": [0, 100],
                "tickvals": [25, 50, 75],
                "angle": 45,
                "tickangle": 45,
                "tickfont": {"size": 10, "color": GREY},
            },
            "angularaxis": {"direction": "clockwise", "tickfont": {"size": 13, "color": TEXT}},
        },
    )
    layout["legend"] = {**layout["legend"], "traceorder": "reversed"}
    return go.Figure({"data": traces, "layout": layout})


def correlation_heatmap_figure(
    r: Sequence[Sequence[float | None]],
    n: Sequence[Sequence[int]],
    *,
    labels: Sequence[str],
    hover: str = "r = {r}<br>n = {n}",
    height: int = 340,
) -> go.Figure:
    """A correlation matrix as a heatmap on a diverging scale fixed at -1..1.

    Each cell is written as r and its n, so the figure never hides how many cases stand behind a
    value; a missing r (too few cases) is an empty cell marked "–". Labels are wrapped to fit a
    phone. `hover` is a format with {r} and {n}.
    """
    z = [[None if v is None or v != v else float(v) for v in row] for row in r]
    cells = [
        [("–" if v is None else f"{v:.2f}", f"{c:,}") for v, c in zip(zr, nr, strict=True)]
        for zr, nr in zip(z, n, strict=True)
    ]
    text = [[f"{value}<br>n={count}" for value, count in row] for row in cells]
    hovers = [[hover.format(r=value, n=count) for value, count in row] for row in cells]
    wrapped = [wrap_label(label, 10) for label in labels]
    trace = go.Heatmap(
        z=z,
        x=wrapped,
        y=wrapped,
        zmin=-1,
        zmax=1,
        colorscale=[[0.0, VERMILLION], [0.5, WHITE], [1.0, BLUE]],
        text=text,
        texttemplate="%{text}",
        textfont={"size": 12, "color": TEXT},
        hovertext=hovers,
        hoverinfo="text",
        xgap=2,
        ygap=2,
        colorbar={"thickness": 10, "len": 0.8},
    )
    return go.Figure(
        data=[trace],
        layout=_layout(
            height=height,
            margin={"l": 10, "r": 10, "t": 10, "b": 10},
            yaxis={"autorange": "reversed", "automargin": True},
            xaxis={"side": "top", "automargin": True},
            plot_bgcolor=TRANSPARENT,
        ),
    )
