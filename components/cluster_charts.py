"""The network picture of a value-chain cluster: members placed by role in chain order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from components.charts import FONT
from components.palette import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    PURPLE,
    SKY_BLUE,
    TEXT,
    TRANSPARENT,
    VERMILLION,
    WHITE,
)
from readiness.text import plotly as plotly_text

LABEL_LIMIT = 24
"""Characters of a member's name under its marker (the hover shows more)."""

ROLE_COLOURS = [BLUE, ORANGE, GREEN, PURPLE, SKY_BLUE, VERMILLION, GREY]
ROLE_SYMBOLS = ["circle", "square", "diamond", "triangle-up", "hexagon", "star", "cross"]


def cluster_graph_figure(
    nodes: Sequence[Mapping[str, Any]],
    edges: Sequence[Mapping[str, Any]],
    *,
    role_labels: Mapping[str, str],
    role_order: Sequence[str],
    height: int = 380,
) -> go.Figure:
    """Members as labelled markers (colour and shape by role, one column per role in chain
    order), joined by lines whose width grows with their complementarity."""
    where = {n["id"]: (n["x"], n["y"]) for n in nodes}
    traces: list[dict[str, Any]] = []
    for edge in edges:
        (x0, y0), (x1, y1) = where[edge["source"]], where[edge["target"]]
        traces.append(
            {
                "type": "scatter",
                "x": [x0, x1],
                "y": [y0, y1],
                "mode": "lines",
                "line": {"color": GREY, "width": 1 + 6 * float(edge["weight"])},
                "hoverinfo": "skip",
                "showlegend": False,
            }
        )
    for n_role, role in enumerate(role_order):
        members = [n for n in nodes if n["role"] == role]
        if not members:
            continue
        role_label = plotly_text(role_labels.get(role, role))
        traces.append(
            {
                "type": "scatter",
                "x": [n["x"] for n in members],
                "y": [n["y"] for n in members],
                "mode": "markers+text",
                "name": role_label,
                # Names are members' own words: inert for Plotly, short under the marker.
                "text": [plotly_text(n["label"], limit=LABEL_LIMIT) for n in members],
                "hovertext": [plotly_text(n["label"]) for n in members],
                "textposition": "bottom center",
                "marker": {
                    "size": 26,
                    "color": ROLE_COLOURS[n_role % len(ROLE_COLOURS)],
                    "symbol": ROLE_SYMBOLS[n_role % len(ROLE_SYMBOLS)],
                    "line": {"color": WHITE, "width": 2},
                },
                "hovertemplate": "%{hovertext}<extra>" + role_label + "</extra>",
            }
        )
    xs = [n["x"] for n in nodes] or [0]
    ys = [n["y"] for n in nodes] or [0]
    return go.Figure(
        {
            "data": traces,
            "layout": {
                "height": height,
                "margin": {"l": 20, "r": 20, "t": 20, "b": 20},
                "font": {"family": FONT, "size": 13, "color": TEXT},
                "paper_bgcolor": TRANSPARENT,
                "plot_bgcolor": TRANSPARENT,
                "xaxis": {"visible": False, "range": [min(xs) - 0.7, max(xs) + 0.7]},
                "yaxis": {"visible": False, "range": [min(ys) - 1.2, max(ys) + 1.0]},
                "legend": {"orientation": "h", "y": -0.05, "x": 0.5, "xanchor": "center"},
                "hoverlabel": {"bgcolor": WHITE, "font": {"color": BLUE}},
            },
        }
    )
