"""Charts drawn on the report's canvas: the radar, the pillar bars and the stage ladder, with the
company, peer median and peer P75 series told apart by colour, dash and marker shape."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from fpdf.enums import XPos, YPos

from readiness.report.canvas import (
    BLUE,
    CONTENT_W,
    GREEN,
    GREY,
    INK,
    MARGIN,
    NAVY,
    ORANGE,
    PAGE_W,
    RULE,
    TRACK,
    WHITE,
    Canvas,
    score_text,
)
from readiness.report.data import PeerBlock, PeerFigures, PillarResult, StageBand
from readiness.results import peer_position

# Okabe-Ito colours (as in components/charts.py); every series also has its own dash and marker.
_SERIES = {
    # kind: (colour, dash (mm on, mm off) or None for solid, marker)
    "company": (BLUE, None, "circle"),
    "median": (ORANGE, (1.4, 0.9), "diamond"),
    "p75": (GREEN, (0.5, 0.8), "square"),
}


def marker(pdf: Canvas, kind: str, x: float, y: float, size: float = 2.6) -> None:
    colour, _, shape = _SERIES[kind]
    pdf.set_fill_color(*colour)
    with pdf.stroke(WHITE, 0.3):
        r = size / 2
        if shape == "circle":
            pdf.circle(x, y, r, style="DF")
        elif shape == "diamond":
            r *= 1.2
            pdf.polygon([(x, y - r), (x + r, y), (x, y + r), (x - r, y)], style="DF")
        else:
            r *= 0.85
            pdf.rect(x - r, y - r, 2 * r, 2 * r, style="DF")


def legend_entry(pdf: Canvas, kind: str, x: float, y: float, text: str) -> float:
    """One legend entry (line sample, marker, name) at (x, y middle); returns its width."""
    colour, dash, _ = _SERIES[kind]
    with pdf.stroke(colour, 0.6 if kind == "company" else 0.45, dash):
        pdf.line(x, y, x + 8, y)
    marker(pdf, kind, x + 4, y)
    pdf.font(7.5, colour=INK)
    pdf.set_xy(x + 10, y - 2)
    width = pdf.get_string_width(text)
    pdf.cell(width, 4, text)
    return 10 + width


def legend(pdf: Canvas, x: float, y: float, *, right: float, has: Mapping[str, bool]) -> float:
    """The three series, wrapping onto a second line if needed; returns the y below it."""
    entries = [
        ("company", pdf.w_("legend_company")),
        ("median", pdf.w_("legend_median")),
        ("p75", pdf.w_("legend_p75")),
    ]
    cx, cy = x, y
    for kind, text in entries:
        if not has.get(kind, False):
            text = f"{text} ({pdf.w_('not_shown')})"
        pdf.font(7.5)
        needed = 10 + pdf.get_string_width(text)
        if cx > x and cx + needed > right:
            cx, cy = x, cy + 4.5
        cx += legend_entry(pdf, kind, cx, cy, text) + 5
    return cy + 3


def stage_ladder(
    pdf: Canvas,
    x: float,
    y: float,
    width: float,
    *,
    stages: Sequence[StageBand],
    stage_id: str | None,
    overall: float | None,
) -> float:
    """The overall-score scale cut into stages; the company's stage filled, its score marked.
    Returns the y below it."""
    pdf.font(7.5, colour=GREY)
    pdf.set_xy(x, y)
    pdf.cell(width, 4, pdf.w_("stage_scale"))
    bar_y = y + 12
    height = 7.0
    bands = sorted(stages, key=lambda s: s.min)
    for i, band in enumerate(bands):
        end = bands[i + 1].min if i + 1 < len(bands) else 100.0
        x0, x1 = x + width * band.min / 100, x + width * end / 100
        current = band.id == stage_id
        pdf.set_fill_color(*(NAVY if current else TRACK))
        with pdf.stroke(WHITE, 0.6):
            pdf.rect(x0, bar_y, x1 - x0, height, style="DF")
        pdf.font(7, bold=current, colour=WHITE if current else GREY)
        labels = pdf.fit_lines(band.name, x1 - x0 - 1, 2)
        line_h = 2.9 if len(labels) > 1 else height
        pdf.set_xy(x0, bar_y + (height - line_h * len(labels)) / 2)
        for label in labels:
            pdf.cell(x1 - x0, line_h, label, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
        pdf.font(6.5, colour=GREY)
        pdf.set_xy(x0 - 5, bar_y + height + 0.5)
        pdf.cell(10, 3, f"{band.min:.0f}", align="C")
    pdf.set_xy(x + width - 5, bar_y + height + 0.5)
    pdf.cell(10, 3, "100", align="C")
    if overall is not None:
        mx = x + width * max(0.0, min(100.0, overall)) / 100
        pdf.set_fill_color(*NAVY)
        pdf.polygon(
            [(mx - 1.6, bar_y - 3.2), (mx + 1.6, bar_y - 3.2), (mx, bar_y - 0.6)], style="F"
        )
        pdf.font(7, bold=True, colour=NAVY)
        pdf.set_xy(mx - 6, bar_y - 7.2)
        pdf.cell(12, 3.6, score_text(overall), align="C")
    return bar_y + height + 6


def peer_series(
    pillars: Sequence[PillarResult], peers: PeerBlock | None
) -> dict[str, list[float | None]]:
    """The company's pillar scores, and the peer median and P75 where there are peers."""
    series: dict[str, list[float | None]] = {"company": [p.score for p in pillars]}
    if peers is not None:
        series["median"] = [peers.figures(p.id).median for p in pillars]
        series["p75"] = [peers.figures(p.id).p75 for p in pillars]
    return series


def radar(
    pdf: Canvas,
    x: float,
    top: float,
    width: float,
    *,
    pillars: Sequence[PillarResult],
    peers: PeerBlock | None,
) -> float:
    """Company vs peer median vs peer P75 on one axis per pillar; returns the y below it."""
    pdf.font(10, bold=True, colour=NAVY)
    pdf.set_xy(x, top)
    pdf.cell(width, 5, pdf.w_("radar_title"), align="C")
    radius = 26.0
    cx, cy = x + width / 2, top + 21 + radius
    n = len(pillars)
    angles = [math.radians(-90 + 360 * i / n) for i in range(n)]

    def point(angle: float, value: float) -> tuple[float, float]:
        r = radius * max(0.0, min(100.0, value)) / 100
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    for level in (25, 50, 75, 100):
        ring = [point(a, level) for a in angles]
        with pdf.stroke(RULE if level < 100 else GREY, 0.2 if level < 100 else 0.3):
            pdf.polygon(ring, style="D")
    with pdf.stroke(RULE, 0.2):
        for a in angles:
            pdf.line(cx, cy, *point(a, 100))
    series = peer_series(pillars, peers)
    has = {kind: all(v is not None for v in values) for kind, values in series.items()}
    for kind in ("p75", "median", "company"):
        values = series.get(kind)
        if values is None or (kind != "company" and not has[kind]):
            continue
        colour, dash, _ = _SERIES[kind]
        points = [
            point(a, v if v is not None else 0.0) for a, v in zip(angles, values, strict=True)
        ]
        if kind == "company":
            pdf.set_fill_color(*BLUE)
            with pdf.local_context(fill_opacity=0.14):
                pdf.polygon(points, style="F")
        with pdf.stroke(colour, 0.7 if kind == "company" else 0.5, dash):
            pdf.polygon(points, style="D")
        for (px, py), v in zip(points, values, strict=True):
            if v is not None:
                marker(pdf, kind, px, py, 2.4)

    for level in (25, 50, 75):
        mx, my = [
            sum(c) / 2 for c in zip(point(angles[0], level), point(angles[-1], level), strict=True)
        ]
        pdf.font(6, colour=GREY)
        label = str(level)
        lw = pdf.get_string_width(label) + 1
        pdf.set_fill_color(*WHITE)
        pdf.rect(mx - lw / 2, my - 1.3, lw, 2.6, style="F")
        pdf.set_xy(mx - lw / 2, my - 1.3)
        pdf.cell(lw, 2.6, label, align="C")

    label_w = 30.0
    labels_bottom = cy + radius
    for a, pillar in zip(angles, pillars, strict=True):
        cos, sin = math.cos(a), math.sin(a)
        ax, ay = cx + (radius + 3) * cos, cy + (radius + 3) * sin
        pdf.font(7.5, bold=True, colour=INK)
        name_lines = pdf.fit_lines(pillar.name, label_w, 2)
        lines = [*name_lines, score_text(pillar.score)]
        block_h = 3.4 * len(lines)
        if abs(cos) < 0.3:
            lx, align = ax - label_w / 2, "C"
            ly = ay - block_h if sin < 0 else ay
        else:
            lx, align = (ax, "L") if cos > 0 else (ax - label_w, "R")
            ly = ay - block_h / 2
        for i, line in enumerate(lines):
            last = i == len(lines) - 1
            pdf.font(8.5 if last else 7.5, bold=True, colour=BLUE if last else INK)
            pdf.set_xy(lx, ly + 3.4 * i)
            pdf.cell(label_w, 3.4, line, align=align)
        labels_bottom = max(labels_bottom, ly + block_h)
    legend_top = labels_bottom + 4
    return legend(pdf, x + 2, legend_top, right=x + width, has=has) + 1


def pillar_bars(pdf: Canvas, pillars: Sequence[PillarResult], peers: PeerBlock | None) -> None:
    """One 0-100 bar per pillar with the peer median and P75 as markers, ticks and a legend."""
    name_w, bar_x, bar_w = 44.0, MARGIN + 47, 100.0
    value_x = bar_x + bar_w + 5
    row_h, bar_h = 14.0, 5.4
    top = pdf.get_y() + 2
    bottom = top + row_h * len(pillars)
    for tick in (0, 25, 50, 75, 100):
        tx = bar_x + bar_w * tick / 100
        with pdf.stroke(RULE, 0.2, None if tick in (0, 100) else (0.6, 0.6)):
            pdf.line(tx, top - 1, tx, bottom)
        pdf.font(6.5, colour=GREY)
        pdf.set_xy(tx - 5, bottom + 0.5)
        pdf.cell(10, 3, str(tick), align="C")
    for i, pillar in enumerate(pillars):
        y = top + row_h * i
        mid = y + row_h / 2
        figures = peers.figures(pillar.id) if peers else PeerFigures()
        pdf.font(9, bold=True, colour=INK)
        name_lines = pdf.fit_lines(pillar.name, name_w, 2)
        sub = pdf.w_("completeness_short", pct=round(pillar.completeness * 100))
        block = 4.2 * len(name_lines) + 3.6
        pdf.set_xy(MARGIN, mid - block / 2)
        for line in name_lines:
            pdf.cell(name_w, 4.2, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.font(7, colour=GREY)
        pdf.cell(name_w, 3.6, sub)

        pdf.set_fill_color(*TRACK)
        pdf.rect(bar_x, mid - bar_h / 2, bar_w, bar_h, style="F")
        if pillar.score is not None:
            pdf.set_fill_color(*BLUE)
            pdf.rect(bar_x, mid - bar_h / 2, bar_w * pillar.score / 100, bar_h, style="F")
        else:
            pdf.font(7.5, colour=GREY)
            pdf.set_xy(bar_x + 2, mid - 2)
            text = (
                pdf.w_("no_score_missing", n=pillar.missing)
                if pillar.missing
                else pdf.w_("no_score")
            )
            pdf.cell(bar_w - 4, 4, text)
        for kind, value, dy in (
            ("median", figures.median, -bar_h / 2 - 1.9),
            ("p75", figures.p75, bar_h / 2 + 1.9),
        ):
            if value is None:
                continue
            mx = bar_x + bar_w * value / 100
            colour, dash, _ = _SERIES[kind]
            with pdf.stroke(colour, 0.5, dash):
                pdf.line(mx, mid - bar_h / 2 - 0.6, mx, mid + bar_h / 2 + 0.6)
            marker(pdf, kind, mx, mid + dy, 2.5)

        pdf.font(13, bold=True, colour=NAVY)
        pdf.set_xy(value_x, mid - 5.2)
        pdf.cell(CONTENT_W - (value_x - MARGIN), 6, score_text(pillar.score))
        pdf.font(7, colour=GREY)
        pdf.set_xy(value_x, mid + 0.8)
        pct = figures.percentile
        note = (
            (figures.position or peer_position(pct, pdf.lang))
            if pct is not None
            else pdf.w_("not_shown")
        )
        pdf.cell(CONTENT_W - (value_x - MARGIN), 3.6, note)
    series = peer_series(pillars, peers)
    has = {kind: any(v is not None for v in values) for kind, values in series.items()}
    pdf.set_y(legend(pdf, bar_x, bottom + 7, right=PAGE_W - MARGIN, has=has) + 4)
