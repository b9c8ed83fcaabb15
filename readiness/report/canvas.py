"""The report's drawing surface: fpdf2 with the shipped Hangul font, the palette, page geometry,
the report's words (`w_`: the "report." keys of the i18n catalogs), and text, table and section
helpers.

Hangul is set in NanumGothic, shipped with the project in data/fonts (SIL OFL 1.1). Text is printed
as plain text (no markdown), and page numbers are drawn after layout instead of through fpdf2's
"{nb}" alias, which would also rewrite a company name that happens to contain it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import cast

from fpdf import FPDF, FontFace
from fpdf.enums import MethodReturnValue, XPos, YPos

from readiness.i18n import t
from readiness.paths import DATA_DIR
from readiness.results import score_words

FONT_DIR = DATA_DIR / "fonts"
FONT = "NanumGothic"
FONT_FILES = {"": "NanumGothic.ttf", "B": "NanumGothicBold.ttf"}

Colour = tuple[int, int, int]

# Okabe-Ito (colour-blind safe), as in components/charts.py.
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


def score_text(value: float | None) -> str:
    return score_words(value)


def fit_text(fit: float) -> str:
    """A 0-1 fit as a whole percentage, clamped."""
    return f"{round(max(0.0, min(1.0, fit)) * 100)}%"


class Canvas(FPDF):
    """An A4 page in the report's house style, speaking `lang`."""

    def __init__(self, lang: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.lang = lang
        self.alias_nb_pages(None)  # type: ignore[arg-type]  # see the module docstring
        for style, filename in FONT_FILES.items():
            self.add_font(FONT, style, str(FONT_DIR / filename))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=BOTTOM)
        self.set_lang(lang)
        self.c_margin = 0

    # words and text -----------------------------------------------------------------------------

    def w_(self, key: str, /, **values: object) -> str:
        """The report's word for `key` ("report.<key>" in the i18n catalog)."""
        return t(f"report.{key}", self.lang, **values)

    def font(self, size: float, *, bold: bool = False, colour: Colour = INK) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*colour)

    def wrapped(self, text: str, width: float) -> list[str]:
        """The lines `text` wraps to at `width` in the current font, word by word; draws nothing."""
        lines = self.multi_cell(width, text=text, dry_run=True, output=MethodReturnValue.LINES)
        return cast(list[str], lines)  # fpdf2 types the result as the union over every `output`

    def fit_lines(self, text: str, width: float, max_lines: int) -> list[str]:
        """`text` wrapped to `width` in the current font, cut with an ellipsis after `max_lines`."""
        lines = self.wrapped(text, width)
        if len(lines) <= max_lines:
            return lines
        kept = lines[:max_lines]
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

    # shapes, sections and tables --------------------------------------------------------------

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

    def grid_height(self, widths: Sequence[float], rows: Sequence[Sequence[Cell]]) -> float:
        """The height `grid` will take (headings included), to keep a table with its title."""
        total = 0.0
        for i, row in enumerate(rows):
            lines = 1
            for width, cell in zip(widths, row, strict=True):
                text, style = cell if isinstance(cell, tuple) else (cell, None)
                self.font(8.2 if i else 8, bold=bool(i == 0 or style))
                lines = max(lines, len(self.wrapped(text, width - 2 * CELL_PAD_X)))
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

    def clip(self, text: str, width: float, max_lines: int, *, bold: bool = False) -> str:
        """`text` as a table cell of `width` shows it, cut after `max_lines` lines, so that no row
        grows taller than a page."""
        self.font(8.2, bold=bold)
        return "\n".join(self.fit_lines(text, width - 2 * CELL_PAD_X - 0.2, max_lines))
