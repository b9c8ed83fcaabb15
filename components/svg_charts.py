"""Company-facing charts drawn on the server as SVG: plain data in, a `Chart` out, no Streamlit.

Why not Plotly here. A CEO's results page and a workshop phone show two small, static charts.
Plotly's browser bundle is 4.7 MB and takes ~0.8 s to parse on a desktop (more on a phone),
every time a fresh browser opens a private link; that alone put the results page at 2.7x the
home page's settle time (bench/browser_settle.py). An SVG picture costs ~0.05 s, is crisp at any
width, scrolls with the page on a phone (no chart grabbing the swipe), and carries only what is
drawn: the browser never receives a list of peer scores (DESIGN: distributions leave the server
as binned counts). Staff views keep Plotly's interactivity (components/charts.py).

Same visual language as components/charts.py: Okabe-Ito colours that reach 3:1 on white, and
every series also differs by dash and marker shape. The page shows each chart as an image
(`components.widgets.chart_image`: st.image of a data: URI; st.html would strip the SVG), its
figures in words as the image's alt text. Every string is XML-escaped; only catalogue text
(pillar names, labels from the i18n catalogues) and numbers are drawn, never user text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from components.charts import FONT, display_width, wrap_label
from components.palette import BLUE, BORDER, GREEN, GREY, GRID, TEXT, VERMILLION, WHITE
from readiness.peers import ScoreBin
from readiness.results import score_words

# (colour, stroke-dasharray or "" for solid, marker, stroke width) per series, as in charts.py.
_SERIES = (
    (BLUE, "", "circle", 3.0),
    (VERMILLION, "6 4", "diamond", 2.0),
    (GREEN, "2 4", "square", 2.0),
)
_FONT = escape(FONT, quote=True)
_CHAR_W = 0.58  # average advance of a narrow character, in font sizes (wide ones: twice that)


def _text_width(text: str, size: float) -> float:
    return display_width(text) * _CHAR_W * size


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _text(
    x: float,
    y: float,
    text: str,
    *,
    size: float = 13,
    anchor: str = "middle",
    colour: str = TEXT,
    weight: str = "normal",
    baseline: str = "auto",
) -> str:
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" font-size="{_num(size)}" text-anchor="{anchor}" '
        f'fill="{colour}" font-weight="{weight}" dominant-baseline="{baseline}">'
        f"{escape(text)}</text>"
    )


def _pts(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in points)


def _line(x1: float, y1: float, x2: float, y2: float, colour: str, extra: str = "") -> str:
    return (
        f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}" '
        f'stroke="{colour}"{extra}/>'
    )


def _marker(shape: str, x: float, y: float, colour: str, size: float = 9) -> str:
    r = size / 2
    stroke = f'fill="{colour}" stroke="{WHITE}" stroke-width="1"'
    if shape == "circle":
        return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(r)}" {stroke}/>'
    if shape == "diamond":
        r *= 1.25
        pts = _pts([(x, y - r), (x + r, y), (x, y + r), (x - r, y)])
        return f'<polygon points="{pts}" {stroke}/>'
    r *= 0.9
    pts = _pts([(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r)])
    return f'<polygon points="{pts}" {stroke}/>'


@dataclass(frozen=True)
class Chart:
    """An SVG picture and its text alternative, for `st.image(chart.svg, alt=chart.alt)`."""

    svg: str
    alt: str


def _svg(width: float, height: float, title: str, desc: str, key: str, body: list[str]) -> Chart:
    """The picture at its own size (it shrinks to a narrower column, never grows past it)."""
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_num(width)} {_num(height)}" '
        f'width="{_num(width)}" height="{_num(height)}" font-family="{_FONT}" '
        f'data-chart="{escape(key, quote=True)}">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>" + "".join(body) + "</svg>"
    )
    return Chart(svg=svg, alt=f"{title}. {desc}")


def _legend(
    names: Sequence[str], series: Sequence[int], *, width: float, y: float
) -> tuple[list[str], float]:
    """Legend entries (line sample, marker, name) centred in rows; the parts and their height."""
    size, sample, gap = 13.0, 26.0, 18.0
    entries = [(i, names[i], sample + 6 + _text_width(names[i], size)) for i in series]
    rows: list[list[tuple[int, str, float]]] = [[]]
    for entry in entries:
        used = sum(e[2] for e in rows[-1]) + gap * len(rows[-1])
        if rows[-1] and used + entry[2] > width - 8:
            rows.append([])
        rows[-1].append(entry)
    parts: list[str] = []
    for r, row in enumerate(rows):
        total = sum(e[2] for e in row) + gap * (len(row) - 1)
        x = (width - total) / 2
        cy = y + 10 + r * 22
        for i, name, w in row:
            colour, dash, shape, stroke = _SERIES[i]
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                _line(x, cy, x + sample, cy, colour, f' stroke-width="{_num(stroke)}"{dash_attr}')
            )
            parts.append(_marker(shape, x + sample / 2, cy, colour, 8))
            parts.append(
                _text(x + sample + 6, cy, name, size=size, anchor="start", baseline="central")
            )
            x += w + gap
    return parts, len(rows) * 22 + 4


def radar_svg(
    axes: Sequence[str],
    company: Sequence[float | None],
    *,
    names: tuple[str, str, str],
    median: Sequence[float | None] | None = None,
    p75: Sequence[float | None] | None = None,
    title: str,
    key: str,
) -> Chart:
    """Company (blue, solid, circles, filled) against the peer median (vermillion, dashed,
    diamonds) and top quartile (green, dotted, squares) on 0-100 axes, clockwise from the top.

    A missing value (a pillar without a score) leaves a gap in its line, never a point at 0. The
    company's own scores are written beside its points, so the chart reads without hovering.
    """
    n = len(axes)
    width, radius, label_gap, line_h = 360.0, 138.0, 10.0, 16.0
    # Four axes sit on the diagonals, so every label has half the width to itself above or below
    # its spoke's tip ("Servitization" fits a phone); other counts start at the top.
    start = -math.pi / 2 - (math.pi / n if n == 4 else 0.0)

    def angle(i: int) -> float:
        return start + 2 * math.pi * i / n

    labels = [wrap_label(a, 16).split("<br>") for a in axes]
    above = max(
        (len(lines) for i, lines in enumerate(labels) if math.sin(angle(i)) < -0.3), default=0
    )
    cx = width / 2
    reach = max(-math.sin(angle(i)) for i in range(n)) * radius  # the highest tip above centre
    cy = 8 + above * line_h + label_gap + reach

    def point(i: int, value: float) -> tuple[float, float]:
        r = radius * max(0.0, min(100.0, value)) / 100
        return cx + r * math.cos(angle(i)), cy + r * math.sin(angle(i))

    body: list[str] = []
    for ring in (25, 50, 75, 100):
        ring_pts = _pts([point(i, ring) for i in range(n)])
        body.append(f'<polygon points="{ring_pts}" fill="none" stroke="{GRID}" stroke-width="1"/>')
    for i in range(n):
        body.append(_line(cx, cy, *point(i, 100), GRID))
    for ring in (25, 50, 75):  # scale labels between the last and the first spoke, clear of
        (x0, y0), (x1, y1) = point(n - 1, ring), point(0, ring)  # the company's numbers
        body.append(
            _text((x0 + x1) / 2, (y0 + y1) / 2, str(ring), size=10, colour=GREY, baseline="central")
        )

    bottom = cy + radius
    for i, lines in enumerate(labels):
        c, s = math.cos(angle(i)), math.sin(angle(i))
        tip_x, tip_y = point(i, 100)
        block = line_h * len(lines)
        if abs(s) > 0.3:  # above or below the tip, centred on it, kept inside the picture
            half = max(_text_width(line, 13) for line in lines) / 2
            lx, anchor = min(max(tip_x, half + 2), width - half - 2), "middle"
            first = tip_y - label_gap - block + 12 if s < 0 else tip_y + label_gap + 12
        else:  # beside it
            lx, anchor = tip_x + label_gap * (1 if c > 0 else -1), "start" if c > 0 else "end"
            first = tip_y - block / 2 + 12
        for j, line in enumerate(lines):
            body.append(_text(lx, first + line_h * j, line, size=13, anchor=anchor, weight="600"))
        bottom = max(bottom, first + line_h * (len(lines) - 1) + 4)

    present: list[int] = []
    for idx, values in ((2, p75), (1, median), (0, company)):
        if values is None:
            continue
        present.append(idx)
        colour, dash, shape, stroke = _SERIES[idx]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        pts: list[tuple[float, float] | None] = [
            None if v is None else point(i, v) for i, v in enumerate(values)
        ]
        if idx == 0 and all(p is not None for p in pts):
            poly = _pts([p for p in pts if p is not None])
            body.append(f'<polygon points="{poly}" fill="{colour}" fill-opacity="0.12"/>')
        style = f' stroke-width="{_num(stroke)}"{dash_attr} stroke-linecap="round"'
        for i in range(n):
            a, b = pts[i], pts[(i + 1) % n]
            if a is not None and b is not None and n > 1:
                body.append(_line(*a, *b, colour, style))
        for p in pts:
            if p is not None:
                body.append(_marker(shape, p[0], p[1], colour))
    for i, v in enumerate(company):  # the company's own numbers, beside its points
        if v is None:
            continue
        x, y = point(i, v)
        dx, dy = 13 * math.cos(angle(i) + math.pi / 4), 13 * math.sin(angle(i) + math.pi / 4)
        body.append(
            f'<text x="{_num(x + dx)}" y="{_num(y + dy)}" font-size="12" text-anchor="middle" '
            f'dominant-baseline="central" fill="{BLUE}" font-weight="700" stroke="{WHITE}" '
            f'stroke-width="3" paint-order="stroke">{score_words(v)}</text>'
        )

    shown = [i for i in (0, 1, 2) if i in present]
    legend, legend_h = _legend(names, shown, width=width, y=bottom + 10)
    body.extend(legend)
    height = bottom + 10 + legend_h
    series = [(names[idx], vals) for idx, vals in ((0, company), (1, median), (2, p75)) if vals]
    desc = "; ".join(
        f"{axis}: " + ", ".join(f"{name} {score_words(vals[i])}" for name, vals in series)
        for i, axis in enumerate(axes)
    )
    return _svg(width, height, title, desc, key, body)


def _nice_step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if top / step <= 5:
            return step
    return math.ceil(top / 5)


def distribution_svg(
    bins: Sequence[ScoreBin],
    company_value: float,
    *,
    x_title: str,
    y_title: str,
    company_label: str,
    title: str,
    key: str,
) -> Chart:
    """Bars of companies per score range (ranges may be merged, so of unequal width: a bar's height
    is the count per 10 points, its count written on it), with the company marked by a line."""
    # The company's label sits in its own band above the plot, clear of the tallest bar's count.
    width, height = 360.0, 264.0
    left, right, top, bottom = 44.0, 12.0, 48.0, 52.0
    plot_w, plot_h = width - left - right, height - top - bottom

    def x_of(v: float) -> float:
        return left + plot_w * max(0.0, min(100.0, v)) / 100

    densities = [b.count * 10 / max(b.hi - b.lo, 1e-9) for b in bins]
    ymax = max([*densities, 1.0])
    step = _nice_step(math.ceil(ymax))
    ytop = step * math.ceil(ymax / step)

    def y_of(v: float) -> float:
        return top + plot_h * (1 - v / ytop)

    body: list[str] = []
    for tick in range(0, int(ytop) + 1, step):
        y = y_of(tick)
        body.append(_line(left, y, width - right, y, GRID))
        body.append(
            _text(left - 6, y, str(tick), size=11, anchor="end", colour=GREY, baseline="central")
        )
    for b, d in zip(bins, densities, strict=True):
        if b.count == 0:
            continue
        x0, x1 = x_of(b.lo) + 1, x_of(b.hi) - 1
        y = y_of(d)
        body.append(
            f'<rect x="{_num(x0)}" y="{_num(y)}" width="{_num(max(x1 - x0, 1))}" '
            f'height="{_num(top + plot_h - y)}" fill="{BORDER}"/>'
        )
        body.append(_text((x0 + x1) / 2, y - 4, str(b.count), size=11, colour=GREY))
    base = top + plot_h
    body.append(_line(left, base, width - right, base, GREY))
    for tick in range(0, 101, 20):
        body.append(_text(x_of(tick), base + 16, str(tick), size=11, colour=GREY))
    body.append(_text(left + plot_w / 2, height - 10, x_title, size=12, colour=GREY))
    body.append(
        f'<text transform="translate(12 {_num(top + plot_h / 2)}) rotate(-90)" font-size="12" '
        f'text-anchor="middle" fill="{GREY}">{escape(y_title)}</text>'
    )
    cx = x_of(company_value)
    body.append(_line(cx, top - 18, cx, base, BLUE, ' stroke-width="3"'))
    label = f"▼ {company_label} {score_words(company_value)}"
    lw = _text_width(label, 13)
    lx = min(max(cx, left + lw / 2), width - right - lw / 2)
    body.append(_text(lx, top - 24, label, size=13, colour=BLUE, weight="700"))
    desc = ", ".join(f"{_num(b.lo)}-{_num(b.hi)}: {b.count}" for b in bins) + f"; {label[2:]}"
    return _svg(width, height, title, desc, key, body)
