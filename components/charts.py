"""Pure Plotly figure builders: plain data in, go.Figure out, no Streamlit calls.

Colours are Okabe-Ito (colour-blind safe), and every series also differs by line dash or marker
shape, so colour never carries meaning alone. Every colour that draws data reaches 3:1 against the
white page (WCAG 1.4.11 non-text contrast); text colours reach 4.5:1.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

# Contrast on white: blue 5.2, vermillion 3.9, bluish green 3.4, grey (tick text) 5.9, bars 3.4.
BLUE, VERMILLION, GREEN, GREY = "#0072B2", "#D55E00", "#009E73", "#5b6573"
BAR = "#7f8da1"
TEXT = "#0e1620"
FONT = "Pretendard, 'Apple SD Gothic Neo', 'Malgun Gothic', 'Noto Sans KR', NanumGothic, sans-serif"


def _base_layout(fig: go.Figure, *, height: int) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 40, "r": 40, "t": 30, "b": 30},
        font={"family": FONT, "size": 14, "color": TEXT},
        paper_bgcolor="rgba(0,0,0,0)",
        legend={"orientation": "h", "yanchor": "top", "y": -0.08, "x": 0.5, "xanchor": "center"},
    )
    return fig


def wrap_label(label: str, width: int = 12) -> str:
    """Break a long axis label into lines (HTML <br>) so it fits a phone-width chart."""
    words, lines, line = label.split(" "), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
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
    """Company against the peer median and top quartile on 0-100 axes (missing values as 0)."""
    labels = [wrap_label(a) for a in axes]
    theta = [*labels, labels[0]]

    def closed(values: Sequence[float | None]) -> list[float]:
        vals = [v if v is not None else 0.0 for v in values]
        return [*vals, vals[0]]

    fig = go.Figure()
    series = [
        (p75, names[2], GREEN, "dot", "square"),
        (median, names[1], VERMILLION, "dash", "diamond"),
        (company, names[0], BLUE, "solid", "circle"),
    ]
    for values, name, colour, dash, symbol in series:
        if values is None:
            continue
        fig.add_trace(
            go.Scatterpolar(
                r=closed(values),
                theta=theta,
                name=name,
                mode="lines+markers",
                line={"color": colour, "dash": dash, "width": 3 if name == names[0] else 2},
                marker={"symbol": symbol, "size": 9, "color": colour},
                fill="toself" if name == names[0] else None,
                fillcolor="rgba(0,114,178,0.12)" if name == names[0] else None,
                hovertemplate="%{theta}: %{r:.0f}<extra>" + name + "</extra>",
            )
        )
    fig.update_layout(
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
        showlegend=True,
    )
    fig = _base_layout(fig, height=height)
    fig.update_layout(
        margin={"l": 95, "r": 95, "t": 40, "b": 30}, legend={"traceorder": "reversed"}
    )
    return fig


def distribution_figure(
    values: Sequence[float],
    company_value: float,
    *,
    x_title: str,
    y_title: str,
    company_label: str,
    height: int = 300,
) -> go.Figure:
    """Histogram of peer scores in 10-point bins with the company marked by a line and label."""
    fig = go.Figure(
        go.Histogram(
            x=list(values),
            xbins={"start": 0, "end": 100, "size": 10},
            marker={"color": BAR, "line": {"color": "#ffffff", "width": 1}},
            hovertemplate="%{x}: %{y}<extra></extra>",
            name=y_title,
        )
    )
    fig.add_vline(x=company_value, line={"color": BLUE, "width": 3})
    fig.add_annotation(
        x=company_value,
        y=1,
        yref="paper",
        text=f"▼ {company_label} {company_value:.0f}",
        showarrow=False,
        yanchor="bottom",
        font={"color": BLUE, "size": 14},
    )
    fig.update_layout(
        # Explicit axis colours: Streamlit's chart theme greys them to 3.7:1, below AA for text.
        xaxis={"range": [0, 100], "title": {"text": x_title, "font": {"color": GREY}}, "dtick": 10},
        yaxis={"title": {"text": y_title, "font": {"color": GREY}}},
        bargap=0.05,
        showlegend=False,
    )
    fig = _base_layout(fig, height=height)
    fig.update_layout(margin={"t": 40})
    fig.update_xaxes(tickfont={"color": GREY})
    fig.update_yaxes(tickfont={"color": GREY})
    return fig
