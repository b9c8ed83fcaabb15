"""The one-click PDF report for a member company's CEO: 2-3 board-ready A4 pages, drawn with fpdf2.

The page fills a `ReportData` (plain numbers and texts already in the report's language) and calls
`build_report`. Hangul is set in NanumGothic, shipped with the project in data/fonts (SIL OFL 1.1).
The report's own words live in data/i18n/report_<lang>.yaml.

User text (company name, group description, item texts) is printed as plain text: no markdown,
and page numbers are drawn after layout instead of through fpdf2's "{nb}" alias, which would also
rewrite a company name that happens to contain it.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

import yaml
from fpdf import FPDF, FontFace
from fpdf.enums import XPos, YPos

from readiness.bank import Bank
from readiness.i18n import normalize_lang
from readiness.paths import DATA_DIR
from readiness.scoring import Answers, weakest_critical

if TYPE_CHECKING:
    from readiness.advice import NextStep

FONT_DIR = DATA_DIR / "fonts"
FONT = "NanumGothic"
FONT_FILES = {"": "NanumGothic.ttf", "B": "NanumGothicBold.ttf"}
MAX_NEXT_STEPS = 3
MAX_REASONS = 3  # reasons printed per complementary member

Fallback = Literal["division_size", "division", "size_band", "all"]
FALLBACKS: tuple[str, ...] = ("division_size", "division", "size_band", "all")
Colour = tuple[int, int, int]

# Okabe-Ito (colour-blind safe), as in components/charts.py; every series also has its own marker
# shape and line dash, and the legend names it.
BLUE: Colour = (0, 114, 178)
ORANGE: Colour = (230, 159, 0)
GREEN: Colour = (0, 158, 115)
VERMILLION: Colour = (213, 94, 0)
NAVY: Colour = (16, 42, 67)
INK: Colour = (27, 36, 48)
GREY: Colour = (91, 101, 115)
RULE: Colour = (205, 212, 221)
TRACK: Colour = (232, 236, 241)
ZEBRA: Colour = (245, 247, 250)
WHITE: Colour = (255, 255, 255)

PAGE_W = 210.0
PAGE_H = 297.0
MARGIN = 15.0
CONTENT_W = PAGE_W - 2 * MARGIN
BOTTOM = 18.0
RUNNING_TOP = 19.0  # where content starts below the running header of pages 2+
LINE_H = 4.2  # table text line
CELL_PAD_X, CELL_PAD_Y = 1.8, 1.6
BOLD = FontFace(emphasis="BOLD")
RANK = FontFace(emphasis="BOLD", color=BLUE, size_pt=10)
Cell = str | tuple[str, FontFace]


class _DropUnsubsettableTables(logging.Filter):
    """fontTools warns, once per build, that it drops NanumGothic's hinting-source tables (TSI*)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "NOT subset" not in record.getMessage()


logging.getLogger("fontTools.subset").addFilter(_DropUnsubsettableTables())


# --- what goes in ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeakLink:
    """The critical item with the lowest level in a pillar."""

    text: str
    level: int


@dataclass(frozen=True)
class PillarResult:
    id: str
    name: str
    score: float | None
    completeness: float  # 0-1
    weakest: WeakLink | None = None


@dataclass(frozen=True)
class PeerFigures:
    """One pillar's figures within the peer group; None means suppressed (n < 5)."""

    percentile: float | None = None
    median: float | None = None
    p75: float | None = None


@dataclass(frozen=True)
class PeerBlock:
    group: str  # e.g. "C29 기타 기계 및 장비 × 50-299명, 2025"
    n: int
    fallback: Fallback  # the group used: division x size band, or a wider one (DESIGN.md, Peers)
    overall_percentile: float | None = None
    pillars: Mapping[str, PeerFigures] = field(default_factory=dict)  # by pillar id

    def __post_init__(self) -> None:
        if self.fallback not in FALLBACKS:
            raise ValueError(f"fallback must be one of {FALLBACKS}, got {self.fallback!r}")

    def figures(self, pillar_id: str) -> PeerFigures:
        return self.pillars.get(pillar_id, PeerFigures())


@dataclass(frozen=True)
class NextStepRow:
    pillar: str
    dimension: str
    score: float
    target: float
    item_text: str
    level: int
    level_text: str  # the descriptor of the current level
    action: str  # what reaches the next level


@dataclass(frozen=True)
class ProgressRow:
    pillar: str
    previous: float | None
    current: float | None
    previous_wave: int


@dataclass(frozen=True)
class PartnerRow:
    name: str
    fit: float  # 0-1
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class MemberRow:
    """A complementary member as the company may see it: `name` is the member's name only when it
    agreed to be named, otherwise a neutral label (sector, size band, region)."""

    name: str
    roles: str  # value-chain roles, already joined and in the report's language
    fit: float  # 0-1
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class StageBand:
    """One stage on the overall-score scale, for the stage ladder (optional)."""

    id: str
    name: str
    min: float


@dataclass(frozen=True)
class ReportData:
    company: str
    division: str  # KSIC division label
    size_band: str  # size band label
    wave: int
    mode: Literal["full", "quick"]
    submitted: date
    bank_version: str
    overall: float | None
    stage_id: str | None
    stage_name: str
    stage_description: str
    pillars: tuple[PillarResult, ...]
    region: str | None = None
    synthetic: bool = False
    peers: PeerBlock | None = None  # None: the group is too small to show (n < 5)
    next_steps: tuple[NextStepRow, ...] = ()
    progress: tuple[ProgressRow, ...] = ()
    partners: tuple[PartnerRow, ...] = ()
    members: tuple[MemberRow, ...] = ()  # complementary members, only those who agreed
    stages: tuple[StageBand, ...] = ()

    def __post_init__(self) -> None:
        if self.mode not in ("full", "quick"):
            raise ValueError(f"mode must be 'full' or 'quick', got {self.mode!r}")
        if not self.pillars:
            raise ValueError("a report needs at least one pillar")
        if len(self.next_steps) > MAX_NEXT_STEPS:
            raise ValueError(f"at most {MAX_NEXT_STEPS} next steps, got {len(self.next_steps)}")


# --- helpers for the page that fills ReportData ---------------------------------------------------


def stage_bands(bank: Bank, lang: str) -> tuple[StageBand, ...]:
    return tuple(StageBand(id=s.id, name=s.name.get(lang), min=s.min) for s in bank.stages)


def weak_link(bank: Bank, pillar_id: str, answers: Answers, lang: str) -> WeakLink | None:
    """The pillar's answered critical item with the lowest level, in words."""
    weakest = weakest_critical(bank.items_of(pillar_id), answers)
    if weakest is None:
        return None
    item, level = weakest
    return WeakLink(text=item.text.get(lang), level=level)


def next_step_row(bank: Bank, step: NextStep, lang: str) -> NextStepRow:
    """A next step from readiness.advice, in words."""
    item = bank.item(step.item_id)
    return NextStepRow(
        pillar=bank.pillar(step.pillar).name.get(lang),
        dimension=bank.dimension_name(step.pillar, step.dimension, lang),
        score=step.score,
        target=step.target,
        item_text=item.text.get(lang),
        level=step.level,
        level_text=item.level_text(step.level, lang),
        action=item.next_action(step.level, lang) or "",
    )


# --- words ----------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def report_words(lang: str) -> dict[str, str]:
    """The report's catalog, data/i18n/report_<lang>.yaml, as a flat key -> text map."""
    path = DATA_DIR / "i18n" / f"report_{normalize_lang(lang)}.yaml"
    with path.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh) or {}
    return {str(key): str(value) for key, value in raw.items()}


def _pct(fit: float) -> str:
    return f"{round(max(0.0, min(1.0, fit)) * 100)}%"


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _top_share(percentile: float) -> int:
    """'Top x %' from a mid-rank percentile, never 0 (as on the results page)."""
    return max(1, round(100 - percentile))


# --- drawing --------------------------------------------------------------------------------------

_SERIES = {
    # kind: (colour, dash (mm on, mm off) or None for solid, marker)
    "company": (BLUE, None, "circle"),
    "median": (ORANGE, (1.4, 0.9), "diamond"),
    "p75": (GREEN, (0.5, 0.8), "square"),
}


class _ReportPDF(FPDF):
    def __init__(self, data: ReportData, lang: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.data = data
        self.lang = lang
        self.words = report_words(lang)
        self.alias_nb_pages(None)  # type: ignore[arg-type]  # see the module docstring
        for style, filename in FONT_FILES.items():
            self.add_font(FONT, style, str(FONT_DIR / filename))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=BOTTOM)
        self.set_lang(lang)
        self.set_title(self.w_("doc_title", company=data.company))
        self.set_subject(self.w_("doc_subject"))
        self.set_author(self.w_("product"))
        self.set_creator("Global Readiness Dashboard")
        self.c_margin = 0

    # words and text -----------------------------------------------------------------------------

    def w_(self, key: str, /, **values: object) -> str:
        text = self.words[key]
        return text.format(**values) if values else text

    def font(self, size: float, *, bold: bool = False, colour: Colour = INK) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*colour)

    def fit_lines(self, text: str, width: float, max_lines: int) -> list[str]:
        """`text` wrapped to `width` in the current font, cut with an ellipsis after `max_lines`."""
        lines = self.multi_cell(width, text=text, dry_run=True, output="LINES", wrapmode="WORD")
        if len(lines) <= max_lines:
            return list(lines)
        kept = list(lines[:max_lines])
        last = kept[-1].rstrip()
        while last and self.get_string_width(last + "…") > width:
            last = last[:-1]
        kept[-1] = last.rstrip() + "…"
        return kept

    def join_lines(self, parts: Sequence[str], width: float, sep: str = "   ·   ") -> list[str]:
        """`parts` joined by `sep`, breaking lines only between parts (a long part is cut)."""
        lines: list[str] = []
        for part in parts:
            part = self.fit_lines(part, width, 1)[0]
            if lines and self.get_string_width(lines[-1] + sep + part) <= width:
                lines[-1] += sep + part
            else:
                lines.append(part)
        return lines

    def need(self, height: float) -> None:
        """Start a new page unless `height` mm still fit on this one."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    # page furniture -----------------------------------------------------------------------------

    def synthetic_pill(self, right: float, y: float) -> None:
        self.font(7.5, bold=True, colour=WHITE)
        text = self.w_("synthetic")
        width = self.get_string_width(text) + 5
        self.set_fill_color(*VERMILLION)
        self.rect(right - width, y, width, 5, style="F", round_corners=True, corner_radius=1.2)
        self.set_xy(right - width, y)
        self.cell(width, 5, text, align="C")

    def header(self) -> None:
        if self.page_no() == 1:
            self.title_band()
        else:
            self.running_band()

    def title_band(self) -> None:
        d = self.data
        meta = [
            self.w_("meta_division", value=d.division),
            self.w_("meta_size", value=d.size_band),
            *([self.w_("meta_region", value=d.region)] if d.region else []),
            self.w_("meta_wave", wave=d.wave),
            self.w_("mode_quick" if d.mode == "quick" else "mode_full"),
            self.w_("submitted", date=d.submitted.isoformat()),
        ]
        size = 22.0
        for size in (22.0, 20.0, 18.0, 16.0):
            self.font(size, bold=True)
            if self.get_string_width(d.company) <= CONTENT_W:
                break
        name_lines = self.fit_lines(d.company, CONTENT_W, 2)
        name_h = size * 0.42
        self.font(8.5)
        meta_lines = self.join_lines(meta, CONTENT_W)
        height = 15 + name_h * len(name_lines) + 2 + 4.6 * len(meta_lines) + 5
        self.set_fill_color(*NAVY)
        self.rect(0, 0, PAGE_W, height, style="F")
        self.set_fill_color(*BLUE)
        self.rect(0, height, PAGE_W, 1.2, style="F")

        self.font(8.5, colour=(176, 200, 224))
        self.set_xy(MARGIN, 7)
        self.cell(0, 5, self.w_("product"))
        if d.synthetic:
            self.synthetic_pill(PAGE_W - MARGIN, 7)
        self.font(size, bold=True, colour=WHITE)
        self.set_xy(MARGIN, 14.5)
        for line in name_lines:
            self.cell(CONTENT_W, name_h, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)
        self.font(8.5, colour=(214, 225, 236))
        for line in meta_lines:
            self.cell(CONTENT_W, 4.6, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_y(height + 7)

    def running_band(self) -> None:
        self.set_fill_color(*NAVY)
        self.rect(0, 0, PAGE_W, 11, style="F")
        self.set_fill_color(*BLUE)
        self.rect(0, 11, PAGE_W, 0.8, style="F")
        self.font(7.5, colour=(176, 200, 224))
        self.set_xy(MARGIN, 3)
        product = self.w_("product")
        left = MARGIN + self.get_string_width(product) + 8
        self.cell(left - MARGIN, 5, product)
        right = PAGE_W - MARGIN
        if self.data.synthetic:
            self.synthetic_pill(right, 3)
            right -= self.get_string_width(self.w_("synthetic")) + 9
        self.font(8.5, bold=True, colour=WHITE)
        name = self.fit_lines(self.data.company, right - left, 1)[0]
        self.set_xy(left, 3)
        self.cell(right - left, 5, name, align="R")
        self.set_y(RUNNING_TOP)

    def footer(self) -> None:
        """Drawn afterwards by `footers`, once the page count is known."""

    def footers(self) -> None:
        total = self.pages_count
        self.set_auto_page_break(False)
        note = "   ·   ".join(
            [
                self.w_("product"),
                self.w_("footer_bank", version=self.data.bank_version),
                self.data.submitted.isoformat(),
                self.w_("footer_note"),
            ]
        )
        for number in range(1, total + 1):
            self.page = number
            y = PAGE_H - 12
            self.set_draw_color(*RULE)
            self.set_line_width(0.2)
            self.line(MARGIN, y, PAGE_W - MARGIN, y)
            self.font(7, colour=GREY)
            page_text = self.w_("page", page=number, total=total)
            page_w = self.get_string_width(page_text) + 2
            self.set_xy(MARGIN, y + 1.5)
            self.cell(CONTENT_W - page_w, 4, self.fit_lines(note, CONTENT_W - page_w - 3, 1)[0])
            self.cell(page_w, 4, page_text, align="R")

    # shapes -------------------------------------------------------------------------------------

    @contextmanager
    def stroke(
        self, colour: Colour, width: float, dash: tuple[float, float] | None = None
    ) -> Iterator[None]:
        """Line colour, width and dash for the block; the dash is reset afterwards."""
        self.set_draw_color(*colour)
        self.set_line_width(width)
        if dash:
            self.set_dash_pattern(dash=dash[0], gap=dash[1])
        try:
            yield
        finally:
            if dash:
                self.set_dash_pattern()

    def marker(self, kind: str, x: float, y: float, size: float = 2.6) -> None:
        colour, _, shape = _SERIES[kind]
        self.set_fill_color(*colour)
        with self.stroke(WHITE, 0.3):
            r = size / 2
            if shape == "circle":
                self.circle(x, y, r, style="DF")
            elif shape == "diamond":
                r *= 1.2
                self.polygon([(x, y - r), (x + r, y), (x, y + r), (x - r, y)], style="DF")
            else:
                r *= 0.85
                self.rect(x - r, y - r, 2 * r, 2 * r, style="DF")

    def legend_entry(self, kind: str, x: float, y: float, text: str) -> float:
        """One legend entry (line sample, marker, name) at (x, y middle); returns its width."""
        colour, dash, _ = _SERIES[kind]
        with self.stroke(colour, 0.6 if kind == "company" else 0.45, dash):
            self.line(x, y, x + 8, y)
        self.marker(kind, x + 4, y)
        self.font(7.5, colour=INK)
        self.set_xy(x + 10, y - 2)
        width = self.get_string_width(text)
        self.cell(width, 4, text)
        return 10 + width

    def legend(self, x: float, y: float, *, right: float, has: Mapping[str, bool]) -> float:
        """The three series, wrapping onto a second line if needed; returns the y below it."""
        entries = [
            ("company", self.w_("legend_company")),
            ("median", self.w_("legend_median")),
            ("p75", self.w_("legend_p75")),
        ]
        cx, cy = x, y
        for kind, text in entries:
            if not has.get(kind, False):
                text = f"{text} ({self.w_('not_shown')})"
            self.font(7.5)
            needed = 10 + self.get_string_width(text)
            if cx > x and cx + needed > right:
                cx, cy = x, cy + 4.5
            cx += self.legend_entry(kind, cx, cy, text) + 5
        return cy + 3

    # sections -----------------------------------------------------------------------------------

    def section(self, title: str, intro: str | None = None, *, keep: float = 30) -> None:
        self.need(keep)
        self.font(12.5, bold=True, colour=NAVY)
        self.set_x(MARGIN)
        self.cell(CONTENT_W, 7, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        with self.stroke(BLUE, 0.5):
            self.line(MARGIN, self.get_y() + 0.5, MARGIN + 14, self.get_y() + 0.5)
        with self.stroke(RULE, 0.2):
            self.line(MARGIN + 14, self.get_y() + 0.5, PAGE_W - MARGIN, self.get_y() + 0.5)
        self.ln(2.5)
        if intro:
            self.font(8.5, colour=GREY)
            self.multi_cell(CONTENT_W, 4.4, intro, align="L", new_x=XPos.LMARGIN)
            self.ln(1.5)

    def summary(self) -> None:
        """Overall score, stage badge and ladder on the left; the radar on the right."""
        d = self.data
        top = self.get_y()
        left_w = 84.0
        self.font(9, colour=GREY)
        self.set_xy(MARGIN, top)
        self.cell(left_w, 5, self.w_("overall"))
        self.font(34, bold=True, colour=NAVY)
        self.set_xy(MARGIN, top + 6)
        number = _score(d.overall)
        number_w = self.get_string_width(number)
        self.cell(number_w + 1.5, 14, number)
        self.font(12, colour=GREY)
        self.set_xy(MARGIN + number_w + 2, top + 11)
        self.cell(20, 8, self.w_("out_of"))

        y = top + 23
        badge = self.w_("stage_badge", stage=d.stage_name) if d.stage_id else self.w_("no_stage")
        self.font(10.5, bold=True, colour=WHITE)
        badge_w = self.get_string_width(badge) + 8
        self.set_fill_color(*BLUE)
        self.rect(MARGIN, y, badge_w, 7.5, style="F", round_corners=True, corner_radius=1.8)
        self.set_xy(MARGIN, y)
        self.cell(badge_w, 7.5, badge, align="C")
        peer_note = self.overall_peer_note()
        self.font(8.5, colour=INK)
        self.set_xy(MARGIN + badge_w + 3, y + 0.5)
        self.multi_cell(left_w - badge_w - 3, 3.8, peer_note, align="L")

        self.set_xy(MARGIN, y + 11)
        self.font(9, colour=INK)
        self.multi_cell(left_w, 4.6, d.stage_description, align="L", new_x=XPos.LMARGIN)
        y = self.get_y() + 3
        if d.stages:
            y = self.stage_ladder(MARGIN, y, left_w)
        if d.mode == "quick":
            self.set_xy(MARGIN, y)
            self.font(8, colour=GREY)
            self.multi_cell(left_w, 4, self.w_("quick_note"), align="L", new_x=XPos.LMARGIN)
            y = self.get_y() + 2
        if d.synthetic:
            self.set_xy(MARGIN, y)
            self.font(8, bold=True, colour=VERMILLION)
            self.multi_cell(left_w, 4, self.w_("synthetic_note"), align="L", new_x=XPos.LMARGIN)
            y = self.get_y() + 2
        radar_bottom = self.radar(MARGIN + left_w + 6, top, CONTENT_W - left_w - 6)
        self.set_y(max(y, radar_bottom) + 6)

    def overall_peer_note(self) -> str:
        peers = self.data.peers
        if peers is None or peers.overall_percentile is None:
            return self.w_("overall_percentile_hidden", note=self.w_("not_shown"))
        return self.w_("overall_percentile", top=_top_share(peers.overall_percentile))

    def stage_ladder(self, x: float, y: float, width: float) -> float:
        """The overall-score scale cut into stages; the company's stage filled, its score marked."""
        d = self.data
        self.font(7.5, colour=GREY)
        self.set_xy(x, y)
        self.cell(width, 4, self.w_("stage_scale"))
        bar_y = y + 12
        height = 7.0
        bands = sorted(d.stages, key=lambda s: s.min)
        for i, band in enumerate(bands):
            end = bands[i + 1].min if i + 1 < len(bands) else 100.0
            x0, x1 = x + width * band.min / 100, x + width * end / 100
            current = band.id == d.stage_id
            self.set_fill_color(*(NAVY if current else TRACK))
            with self.stroke(WHITE, 0.6):
                self.rect(x0, bar_y, x1 - x0, height, style="DF")
            self.font(7, bold=current, colour=WHITE if current else GREY)
            labels = self.fit_lines(band.name, x1 - x0 - 1, 2)
            line_h = 2.9 if len(labels) > 1 else height
            self.set_xy(x0, bar_y + (height - line_h * len(labels)) / 2)
            for label in labels:
                self.cell(x1 - x0, line_h, label, align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            self.font(6.5, colour=GREY)
            self.set_xy(x0 - 5, bar_y + height + 0.5)
            self.cell(10, 3, f"{band.min:.0f}", align="C")
        self.set_xy(x + width - 5, bar_y + height + 0.5)
        self.cell(10, 3, "100", align="C")
        if d.overall is not None:
            mx = x + width * max(0.0, min(100.0, d.overall)) / 100
            self.set_fill_color(*NAVY)
            self.polygon(
                [(mx - 1.6, bar_y - 3.2), (mx + 1.6, bar_y - 3.2), (mx, bar_y - 0.6)], style="F"
            )
            self.font(7, bold=True, colour=NAVY)
            self.set_xy(mx - 6, bar_y - 7.2)
            self.cell(12, 3.6, _score(d.overall), align="C")
        return bar_y + height + 6

    def peer_series(self) -> dict[str, list[float | None]]:
        d = self.data
        series: dict[str, list[float | None]] = {"company": [p.score for p in d.pillars]}
        if d.peers is not None:
            series["median"] = [d.peers.figures(p.id).median for p in d.pillars]
            series["p75"] = [d.peers.figures(p.id).p75 for p in d.pillars]
        return series

    def radar(self, x: float, top: float, width: float) -> float:
        """Company vs peer median vs peer P75 on one axis per pillar; returns the y below it."""
        d = self.data
        self.font(10, bold=True, colour=NAVY)
        self.set_xy(x, top)
        self.cell(width, 5, self.w_("radar_title"), align="C")
        radius = 26.0
        cx, cy = x + width / 2, top + 21 + radius
        n = len(d.pillars)
        angles = [math.radians(-90 + 360 * i / n) for i in range(n)]

        def point(angle: float, value: float) -> tuple[float, float]:
            r = radius * max(0.0, min(100.0, value)) / 100
            return cx + r * math.cos(angle), cy + r * math.sin(angle)

        for level in (25, 50, 75, 100):
            ring = [point(a, level) for a in angles]
            with self.stroke(RULE if level < 100 else GREY, 0.2 if level < 100 else 0.3):
                self.polygon(ring, style="D")
        with self.stroke(RULE, 0.2):
            for a in angles:
                self.line(cx, cy, *point(a, 100))
        series = self.peer_series()
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
                self.set_fill_color(*BLUE)
                with self.local_context(fill_opacity=0.14):
                    self.polygon(points, style="F")
            with self.stroke(colour, 0.7 if kind == "company" else 0.5, dash):
                self.polygon(points, style="D")
            for (px, py), v in zip(points, values, strict=True):
                if v is not None:
                    self.marker(kind, px, py, 2.4)

        for level in (25, 50, 75):
            mx, my = [
                sum(c) / 2
                for c in zip(point(angles[0], level), point(angles[-1], level), strict=True)
            ]
            self.font(6, colour=GREY)
            label = str(level)
            lw = self.get_string_width(label) + 1
            self.set_fill_color(*WHITE)
            self.rect(mx - lw / 2, my - 1.3, lw, 2.6, style="F")
            self.set_xy(mx - lw / 2, my - 1.3)
            self.cell(lw, 2.6, label, align="C")

        label_w = 30.0
        labels_bottom = cy + radius
        for a, pillar in zip(angles, d.pillars, strict=True):
            cos, sin = math.cos(a), math.sin(a)
            ax, ay = cx + (radius + 3) * cos, cy + (radius + 3) * sin
            self.font(7.5, bold=True, colour=INK)
            name_lines = self.fit_lines(pillar.name, label_w, 2)
            lines = [*name_lines, _score(pillar.score)]
            block_h = 3.4 * len(lines)
            if abs(cos) < 0.3:
                lx, align = ax - label_w / 2, "C"
                ly = ay - block_h if sin < 0 else ay
            else:
                lx, align = (ax, "L") if cos > 0 else (ax - label_w, "R")
                ly = ay - block_h / 2
            for i, line in enumerate(lines):
                last = i == len(lines) - 1
                self.font(8.5 if last else 7.5, bold=True, colour=BLUE if last else INK)
                self.set_xy(lx, ly + 3.4 * i)
                self.cell(label_w, 3.4, line, align=align)
            labels_bottom = max(labels_bottom, ly + block_h)
        legend_top = labels_bottom + 4
        return self.legend(x + 2, legend_top, right=x + width, has=has) + 1

    def pillar_bars(self) -> None:
        """One 0-100 bar per pillar with the peer median and P75 as markers, ticks and a legend."""
        d = self.data
        self.section(
            self.w_("pillars_title"), self.w_("pillars_intro"), keep=30 + 14 * len(d.pillars)
        )
        name_w, bar_x, bar_w = 44.0, MARGIN + 47, 100.0
        value_x = bar_x + bar_w + 5
        row_h, bar_h = 14.0, 5.4
        top = self.get_y() + 2
        bottom = top + row_h * len(d.pillars)
        for tick in (0, 25, 50, 75, 100):
            tx = bar_x + bar_w * tick / 100
            with self.stroke(RULE, 0.2, None if tick in (0, 100) else (0.6, 0.6)):
                self.line(tx, top - 1, tx, bottom)
            self.font(6.5, colour=GREY)
            self.set_xy(tx - 5, bottom + 0.5)
            self.cell(10, 3, str(tick), align="C")
        for i, pillar in enumerate(d.pillars):
            y = top + row_h * i
            mid = y + row_h / 2
            figures = d.peers.figures(pillar.id) if d.peers else PeerFigures()
            self.font(9, bold=True, colour=INK)
            name_lines = self.fit_lines(pillar.name, name_w, 2)
            sub = self.w_("completeness_short", pct=round(pillar.completeness * 100))
            block = 4.2 * len(name_lines) + 3.6
            self.set_xy(MARGIN, mid - block / 2)
            for line in name_lines:
                self.cell(name_w, 4.2, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.font(7, colour=GREY)
            self.cell(name_w, 3.6, sub)

            self.set_fill_color(*TRACK)
            self.rect(bar_x, mid - bar_h / 2, bar_w, bar_h, style="F")
            if pillar.score is not None:
                self.set_fill_color(*BLUE)
                self.rect(bar_x, mid - bar_h / 2, bar_w * pillar.score / 100, bar_h, style="F")
            else:
                self.font(7.5, colour=GREY)
                self.set_xy(bar_x + 2, mid - 2)
                self.cell(bar_w - 4, 4, self.w_("no_score"))
            for kind, value, dy in (
                ("median", figures.median, -bar_h / 2 - 1.9),
                ("p75", figures.p75, bar_h / 2 + 1.9),
            ):
                if value is None:
                    continue
                mx = bar_x + bar_w * value / 100
                colour, dash, _ = _SERIES[kind]
                with self.stroke(colour, 0.5, dash):
                    self.line(mx, mid - bar_h / 2 - 0.6, mx, mid + bar_h / 2 + 0.6)
                self.marker(kind, mx, mid + dy, 2.5)

            self.font(13, bold=True, colour=NAVY)
            self.set_xy(value_x, mid - 5.2)
            self.cell(CONTENT_W - (value_x - MARGIN), 6, _score(pillar.score))
            self.font(7, colour=GREY)
            self.set_xy(value_x, mid + 0.8)
            pct = figures.percentile
            note = (
                self.w_("percentile_short", top=_top_share(pct))
                if pct is not None
                else self.w_("not_shown")
            )
            self.cell(CONTENT_W - (value_x - MARGIN), 3.6, note)
        series = self.peer_series()
        has = {kind: any(v is not None for v in values) for kind, values in series.items()}
        self.set_y(self.legend(bar_x, bottom + 7, right=PAGE_W - MARGIN, has=has) + 4)

    def glance_points(self) -> list[str]:
        """Three plain sentences for the busy reader: strength, gap, first step."""
        d = self.data
        scored = [p for p in d.pillars if p.score is not None]
        if not scored:
            return []
        points: list[str] = []
        best = max(scored, key=lambda p: p.score or 0.0)
        points.append(self.w_("glance_strongest", pillar=best.name, score=_score(best.score)))
        gaps = [
            (round(median - (p.score or 0.0)), p)
            for p in scored
            if d.peers is not None and (median := d.peers.figures(p.id).median) is not None
        ]
        if gaps:
            gap, pillar = max(gaps, key=lambda g: g[0])
            points.append(
                self.w_("glance_gap", pillar=pillar.name, gap=gap)
                if gap > 0
                else self.w_("glance_ahead")
            )
        elif len(scored) > 1:
            worst = min(scored, key=lambda p: p.score or 0.0)
            points.append(self.w_("glance_weakest", pillar=worst.name, score=_score(worst.score)))
        if d.next_steps:
            step = d.next_steps[0]
            points.append(
                self.w_(
                    "glance_first_step",
                    pillar=step.pillar,
                    dimension=step.dimension,
                    action=step.action,
                )
            )
        return points

    def glance(self) -> None:
        """A tinted box with the three sentences, kept whole on one page."""
        points = self.glance_points()
        if not points:
            return
        text_w = CONTENT_W - 14
        self.font(9)
        wrapped = [self.fit_lines(point, text_w, 3) for point in points]
        heights = [4.7 * len(lines) for lines in wrapped]
        box_h = 12 + sum(heights) + 1.5 * (len(points) - 1) + 4
        self.need(box_h + 2)
        top = self.get_y()
        self.set_fill_color(236, 243, 250)
        self.rect(MARGIN, top, CONTENT_W, box_h, style="F")
        self.set_fill_color(*BLUE)
        self.rect(MARGIN, top, 1.4, box_h, style="F")
        self.font(10.5, bold=True, colour=NAVY)
        self.set_xy(MARGIN + 6, top + 4)
        self.cell(text_w, 5, self.w_("glance_title"))
        y = top + 12
        for lines, height in zip(wrapped, heights, strict=True):
            self.font(9, bold=True, colour=BLUE)
            self.set_xy(MARGIN + 6, y)
            self.cell(4, 4.7, "•")
            self.font(9, colour=INK)
            for i, line in enumerate(lines):
                self.set_xy(MARGIN + 10, y + 4.7 * i)
                self.cell(text_w, 4.7, line)
            y += height + 1.5
        self.set_y(top + box_h + 6)

    def grid_height(self, widths: Sequence[float], rows: Sequence[Sequence[Cell]]) -> float:
        """The height `grid` will take (headings included), to keep a table with its title."""
        total = 0.0
        for i, row in enumerate(rows):
            lines = 1
            for width, cell in zip(widths, row, strict=True):
                text, style = cell if isinstance(cell, tuple) else (cell, None)
                self.font(8.2 if i else 8, bold=bool(i == 0 or style))
                wrapped = self.multi_cell(
                    width - 2 * CELL_PAD_X, text=text, dry_run=True, output="LINES"
                )
                lines = max(lines, len(wrapped))
            total += lines * LINE_H + 2 * CELL_PAD_Y
        return total

    def keep_for(
        self, lead: float, widths: Sequence[float], rows: Sequence[Sequence[Cell]]
    ) -> float:
        """Room to ask of `need`: the whole table when it fits on a page, else its first rows."""
        height = lead + self.grid_height(widths, rows)
        room = self.page_break_trigger - RUNNING_TOP
        return height if height <= room else lead + 45

    def grid(
        self,
        widths: Sequence[float],
        aligns: Sequence[str],
        rows: Sequence[Sequence[Cell]],
    ) -> None:
        """A table whose first row is the headings; text is wrapped, never interpreted."""
        self.font(8.2, colour=INK)
        self.set_fill_color(*WHITE)  # unfilled rows take the current fill colour
        self.set_draw_color(*RULE)
        self.set_line_width(0.2)
        with self.table(
            width=CONTENT_W,
            col_widths=tuple(widths),
            text_align=tuple(aligns),
            v_align="TOP",
            line_height=LINE_H,
            padding=(CELL_PAD_Y, CELL_PAD_X),
            borders_layout="HORIZONTAL_LINES",
            headings_style=FontFace(emphasis="BOLD", color=WHITE, fill_color=NAVY, size_pt=8),
            cell_fill_color=ZEBRA,
            cell_fill_mode="ROWS",
            first_row_as_headings=True,
            repeat_headings=1,
            markdown=False,
        ) as table:
            for cells in rows:
                row = table.row()
                for cell in cells:
                    text, style = cell if isinstance(cell, tuple) else (cell, None)
                    row.cell(text, style=style)
        self.ln(5)

    def headings(self, *keys: str, **values: object) -> list[Cell]:
        return [self.w_(key, **values) for key in keys]

    def peer_table(self) -> None:
        d = self.data
        peers = d.peers
        if peers is None:
            self.section(self.w_("peers_title"))
            self.font(8.8, colour=INK)
            self.multi_cell(
                CONTENT_W, 4.6, self.w_("peers_suppressed"), align="L", new_x=XPos.LMARGIN
            )
            self.ln(5)
            return
        shown = self.w_("not_shown")

        def cell(value: float | None) -> str:
            return shown if value is None else _score(value)

        def pct(value: float | None) -> str:
            return shown if value is None else self.w_("percentile_short", top=_top_share(value))

        widths = (56, 28, 32, 32, 32)
        rows: list[list[Cell]] = [
            self.headings("col_pillar", "col_score", "col_median", "col_p75", "col_percentile")
        ]
        for pillar in d.pillars:
            f = peers.figures(pillar.id)
            rows.append(
                [
                    (pillar.name, BOLD),
                    _score(pillar.score),
                    cell(f.median),
                    cell(f.p75),
                    pct(f.percentile),
                ]
            )
        rows.append(
            [
                (self.w_("overall_row"), BOLD),
                (_score(d.overall), BOLD),
                "",
                "",
                pct(peers.overall_percentile),
            ]
        )
        self.section(self.w_("peers_title"), keep=self.keep_for(30, widths, rows))
        self.font(8.8, bold=True, colour=INK)
        group = self.w_("peer_group", group=peers.group, n=peers.n)
        self.multi_cell(CONTENT_W, 4.6, group, align="L", new_x=XPos.LMARGIN)
        self.font(8.5, colour=GREY)
        fallback = self.w_(f"fallback_{peers.fallback}")
        self.multi_cell(CONTENT_W, 4.4, fallback, align="L", new_x=XPos.LMARGIN)
        self.ln(2)
        self.grid(widths, ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"), rows)

    def next_steps_table(self) -> None:
        d = self.data
        if not d.next_steps:
            self.section(self.w_("steps_title"), self.w_("steps_intro"))
            self.font(8.8, colour=INK)
            self.multi_cell(CONTENT_W, 4.6, self.w_("steps_none"), align="L", new_x=XPos.LMARGIN)
            self.ln(5)
            return
        widths = (11, 33, 20, 58, 58)
        rows: list[list[Cell]] = [
            self.headings("col_rank", "col_area", "col_gap", "col_item", "col_action")
        ]
        for rank, step in enumerate(d.next_steps, start=1):
            now = self.w_("now_level", level=step.level, text=step.level_text)
            rows.append(
                [
                    (str(rank), RANK),
                    (f"{step.pillar}\n{step.dimension}", BOLD),
                    f"{_score(step.score)} → {_score(step.target)}",
                    f"{step.item_text}\n\n{now}",
                    step.action,
                ]
            )
        keep = self.keep_for(22, widths, rows)
        self.section(self.w_("steps_title"), self.w_("steps_intro"), keep=keep)
        self.grid(widths, ("CENTER", "LEFT", "CENTER", "LEFT", "LEFT"), rows)

    def details_table(self) -> None:
        widths = (44, 20, 24, 92)
        rows: list[list[Cell]] = [
            self.headings("col_pillar", "col_score", "col_completeness", "col_weakest")
        ]
        for pillar in self.data.pillars:
            weak = pillar.weakest
            rows.append(
                [
                    (pillar.name, BOLD),
                    _score(pillar.score),
                    f"{round(pillar.completeness * 100)}%",
                    f"{self.w_('level', level=weak.level)}  ·  {weak.text}"
                    if weak
                    else self.w_("weakest_none"),
                ]
            )
        keep = self.keep_for(22, widths, rows)
        self.section(self.w_("details_title"), self.w_("details_intro"), keep=keep)
        self.grid(widths, ("LEFT", "RIGHT", "RIGHT", "LEFT"), rows)

    def progress_table(self) -> None:
        d = self.data
        widths = (64, 38, 40, 38)
        rows: list[list[Cell]] = [
            self.headings("col_pillar", "col_previous")
            + self.headings("col_current", wave=d.wave)
            + self.headings("col_change")
        ]
        for item in d.progress:
            rows.append(
                [
                    (item.pillar, BOLD),
                    f"{_score(item.previous)} ({item.previous_wave})",
                    _score(item.current),
                    _change(item.previous, item.current),
                ]
            )
        self.section(self.w_("progress_title"), keep=self.keep_for(14, widths, rows))
        self.grid(widths, ("LEFT", "RIGHT", "RIGHT", "RIGHT"), rows)

    def partners_table(self) -> None:
        widths = (52, 20, 108)
        rows: list[list[Cell]] = [self.headings("col_partner", "col_fit", "col_reasons")]
        for partner in self.data.partners:
            rows.append(
                [
                    (partner.name, BOLD),
                    _pct(partner.fit),
                    "\n".join(f"• {reason}" for reason in partner.reasons) or "–",
                ]
            )
        self.section(self.w_("partners_title"), keep=self.keep_for(14, widths, rows))
        self.grid(widths, ("LEFT", "RIGHT", "LEFT"), rows)

    def clip(self, text: str, width: float, max_lines: int, *, bold: bool = False) -> str:
        """`text` as a table cell of `width` shows it, cut after `max_lines` lines, so that no row
        grows taller than a page."""
        self.font(8.2, bold=bold)
        return "\n".join(self.fit_lines(text, width - 2 * CELL_PAD_X - 0.2, max_lines))

    def members_table(self) -> None:
        widths = (46, 36, 16, 82)
        rows: list[list[Cell]] = [
            self.headings("col_member", "col_roles", "col_complement", "col_reasons")
        ]
        for member in self.data.members:
            reasons = [
                self.clip(f"• {reason}", widths[3], 5) for reason in member.reasons[:MAX_REASONS]
            ]
            rows.append(
                [
                    (self.clip(member.name, widths[0], 4, bold=True), BOLD),
                    self.clip(member.roles, widths[1], 6) or "–",
                    _pct(member.fit),
                    "\n".join(reasons) or "–",
                ]
            )
        keep = self.keep_for(22, widths, rows)
        self.section(self.w_("members_title"), self.w_("members_intro"), keep=keep)
        self.grid(widths, ("LEFT", "LEFT", "RIGHT", "LEFT"), rows)

    def method_note(self) -> None:
        self.need(30)
        self.ln(1)
        self.font(8.5, bold=True, colour=GREY)
        self.cell(CONTENT_W, 5, self.w_("method_title"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.font(7.5, colour=GREY)
        self.multi_cell(CONTENT_W, 3.9, self.w_("method_text"), align="L", new_x=XPos.LMARGIN)

    def draw(self) -> bytes:
        self.add_page()
        self.summary()
        self.pillar_bars()
        self.glance()
        if self.page_no() == 1:
            self.add_page()
        self.peer_table()
        self.next_steps_table()
        self.details_table()
        if self.data.progress:
            self.progress_table()
        if self.data.partners:
            self.partners_table()
        if self.data.members:
            self.members_table()
        self.method_note()
        self.footers()
        return bytes(self.output())


def _change(previous: float | None, current: float | None) -> str:
    """A signed difference with an arrow, so the direction never rests on colour."""
    if previous is None or current is None:
        return "–"
    delta = round(current) - round(previous)
    if delta > 0:
        return f"+{delta} ▲"
    if delta < 0:
        return f"{delta} ▼"
    return "0 ="


def build_report(data: ReportData, lang: str) -> bytes:
    """The PDF report for `data`, with every label in `lang` ("ko" or "en")."""
    return _ReportPDF(data, normalize_lang(lang)).draw()
