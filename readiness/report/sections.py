"""The report's pages: title and running bands, the summary, the tables, the method note; and
`build_report`, which lays them out, and `report_pdf`, the report of a company's results."""

from __future__ import annotations

from fpdf.enums import XPos, YPos

from readiness.bank import Bank
from readiness.i18n import normalize_lang, t
from readiness.report import charts
from readiness.report.canvas import (
    BLUE,
    BOLD,
    CONTENT_W,
    GREY,
    INK,
    MARGIN,
    NAVY,
    PAGE_H,
    PAGE_W,
    RANK,
    RULE,
    RUNNING_TOP,
    VERMILLION,
    WHITE,
    Canvas,
    Cell,
    fit_text,
    score_text,
)
from readiness.report.data import AgendaRow, PartnerRow, ReportData, report_data
from readiness.results import CompanyResults, peer_position, score_change


class ReportPDF(Canvas):
    """The report of `data`, every label in `lang`."""

    def __init__(self, data: ReportData, lang: str) -> None:
        super().__init__(lang)
        self.data = data
        self.set_title(self.w_("doc_title", company=data.company))
        self.set_subject(self.w_("doc_subject"))
        self.set_author(self.w_("product"))
        self.set_creator("Global Readiness Dashboard")

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
        if d.synthetic or d.peer_synthetic:
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
        if self.data.synthetic or self.data.peer_synthetic:
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

    # sections -----------------------------------------------------------------------------------

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
        number = score_text(d.overall)
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
        if d.overall is None:
            self.multi_cell(left_w, 4.6, self.missing_text(), align="L", new_x=XPos.LMARGIN)
        else:
            self.multi_cell(left_w, 4.6, d.stage_description, align="L", new_x=XPos.LMARGIN)
        y = self.get_y() + 3
        if d.stages:
            y = charts.stage_ladder(
                self, MARGIN, y, left_w, stages=d.stages, stage_id=d.stage_id, overall=d.overall
            )
        if d.indicative:
            self.set_xy(MARGIN, y)
            self.font(8.5, bold=True, colour=VERMILLION)
            self.multi_cell(left_w, 4.2, self.w_("indicative_title"), align="L", new_x=XPos.LMARGIN)
            self.font(8, colour=GREY)
            note = self.w_("quick_note", max_stage=d.max_stage, n=d.full_items)
            self.multi_cell(left_w, 4, note, align="L", new_x=XPos.LMARGIN)
            y = self.get_y() + 2
        if d.synthetic:
            self.set_xy(MARGIN, y)
            self.font(8, bold=True, colour=VERMILLION)
            self.multi_cell(left_w, 4, self.w_("synthetic_note"), align="L", new_x=XPos.LMARGIN)
            y = self.get_y() + 2
        elif d.peer_synthetic:
            self.set_xy(MARGIN, y)
            self.font(8, bold=True, colour=VERMILLION)
            note = t("results.peer_synthetic", self.lang)
            self.multi_cell(left_w, 4, note, align="L", new_x=XPos.LMARGIN)
            y = self.get_y() + 2
        radar_bottom = charts.radar(
            self,
            MARGIN + left_w + 6,
            top,
            CONTENT_W - left_w - 6,
            pillars=d.pillars,
            peers=d.peers,
        )
        self.set_y(max(y, radar_bottom) + 6)

    def missing_text(self) -> str:
        """What keeps the overall score, stage and percentile away, and how to complete it."""
        d = self.data
        pillars = ", ".join(
            self.w_("missing_pillar", pillar=p.name, n=p.missing) for p in d.missing
        )
        mode = t(f"assess.mode_{d.mode}", self.lang)
        return " ".join(
            (self.w_("missing_overall", pillars=pillars), self.w_("missing_how", mode=mode))
        )

    def overall_peer_note(self) -> str:
        if self.data.overall is None:
            return ""
        peers = self.data.peers
        if peers is None or peers.overall_percentile is None:
            return self.w_("overall_percentile_hidden", note=self.w_("not_shown"))
        position = peers.overall_position or peer_position(peers.overall_percentile, self.lang)
        return self.w_("overall_percentile", position=position)

    def pillars_section(self) -> None:
        pillars = self.data.pillars
        self.section(
            self.w_("pillars_title"), self.w_("pillars_intro"), keep=30 + 14 * len(pillars)
        )
        charts.pillar_bars(self, pillars, self.data.peers)

    def glance_points(self) -> list[str]:
        """Three plain sentences for the busy reader: strength, gap, first step."""
        d = self.data
        scored = [p for p in d.pillars if p.score is not None]
        if not scored:
            return []
        points: list[str] = []
        best = max(scored, key=lambda p: p.score or 0.0)
        points.append(self.w_("glance_strongest", pillar=best.name, score=score_text(best.score)))
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
            points.append(
                self.w_("glance_weakest", pillar=worst.name, score=score_text(worst.score))
            )
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
            return shown if value is None else score_text(value)

        def pct(value: float | None, words: str | None) -> str:
            if d.overall is None:  # no percentile without an overall score: not a privacy matter
                return "–"
            return shown if value is None else (words or peer_position(value, self.lang))

        widths = (56, 28, 32, 32, 32)
        rows: list[list[Cell]] = [
            self.headings("col_pillar", "col_score", "col_median", "col_p75", "col_percentile")
        ]
        for pillar in d.pillars:
            f = peers.figures(pillar.id)
            rows.append(
                [
                    (pillar.name, BOLD),
                    score_text(pillar.score),
                    cell(f.median),
                    cell(f.p75),
                    pct(f.percentile, f.position),
                ]
            )
        rows.append(
            [
                (self.w_("overall_row"), BOLD),
                (score_text(d.overall), BOLD),
                "",
                "",
                pct(peers.overall_percentile, peers.overall_position),
            ]
        )
        self.section(self.w_("peers_title"), keep=self.keep_for(30, widths, rows))
        self.font(8.8, bold=True, colour=INK)
        group = self.w_("peer_group", group=peers.group, n=peers.n)
        self.multi_cell(CONTENT_W, 4.6, group, align="L", new_x=XPos.LMARGIN)
        self.font(8.5, colour=GREY)
        fallback = self.w_(f"fallback_{peers.fallback}")
        self.multi_cell(CONTENT_W, 4.4, fallback, align="L", new_x=XPos.LMARGIN)
        if d.peer_synthetic:
            self.font(8.5, bold=True, colour=VERMILLION)
            note = t("results.peer_synthetic", self.lang)
            self.multi_cell(CONTENT_W, 4.4, note, align="L", new_x=XPos.LMARGIN)
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
                    f"{score_text(step.score)} → {score_text(step.target)}",
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
                    score_text(pillar.score),
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
                    f"{score_text(item.previous)} ({item.previous_wave})",
                    score_text(item.current),
                    _change(item.previous, item.current),
                ]
            )
        self.section(self.w_("progress_title"), keep=self.keep_for(14, widths, rows))
        self.grid(widths, ("LEFT", "RIGHT", "RIGHT", "RIGHT"), rows)

    def partners_table(self, partners: tuple[PartnerRow, ...], title: str, intro: str = "") -> None:
        widths = (52, 20, 108)
        rows: list[list[Cell]] = [self.headings("col_partner", "col_fit", "col_reasons")]
        for partner in partners:
            rows.append(
                [
                    (partner.name, BOLD),
                    fit_text(partner.fit),
                    "\n".join(f"• {reason}" for reason in partner.reasons) or "–",
                ]
            )
        if intro:
            self.section(self.w_(title), self.w_(intro), keep=self.keep_for(22, widths, rows))
        else:
            self.section(self.w_(title), keep=self.keep_for(14, widths, rows))
        self.grid(widths, ("LEFT", "RIGHT", "LEFT"), rows)

    def programs_table(self) -> None:
        widths = (52, 46, 82)
        rows: list[list[Cell]] = [self.headings("col_program", "col_amount", "col_why")]
        for program in self.data.programs:
            rows.append(
                [
                    (self.clip(f"{program.name}\n{program.owner}", widths[0], 6, bold=True), BOLD),
                    self.clip(f"{program.amount}\n{program.season}", widths[1], 7),
                    self.clip(f"{program.reason}\n{program.link}", widths[2], 7),
                ]
            )
        intro = self.w_("programs_intro", as_of=max(p.as_of for p in self.data.programs))
        self.section(self.w_("programs_title"), intro, keep=self.keep_for(22, widths, rows))
        self.grid(widths, ("LEFT", "LEFT", "LEFT"), rows)

    def published_table(self) -> None:
        """The company's yes or no beside published figures for firms of its size, each with its
        source (the results page's "you and firms of your size in Korea / in the EU")."""
        widths = (40, 16, 52, 72)
        rows: list[list[Cell]] = [
            self.headings("col_measure", "col_you", "col_published", "col_source")
        ]
        for row in self.data.published:
            rows.append(
                [
                    (self.clip(row.measure, widths[0], 3, bold=True), BOLD),
                    row.you,
                    self.clip(row.share, widths[2], 3),
                    self.clip(row.source, widths[3], 5),
                ]
            )
        keep = self.keep_for(22, widths, rows)
        self.section(self.w_("published_title"), self.w_("published_intro"), keep=keep)
        self.grid(widths, ("LEFT", "CENTER", "LEFT", "LEFT"), rows)

    def members_table(self) -> None:
        widths = (46, 36, 16, 82)
        rows: list[list[Cell]] = [
            self.headings("col_member", "col_roles", "col_complement", "col_reasons")
        ]
        for member in self.data.members:
            # one sentence, as on the page: the role, a shared region, the weak spot covered
            reason = self.clip(member.reasons[0], widths[3], 5) if member.reasons else "–"
            rows.append(
                [
                    (self.clip(member.name, widths[0], 4, bold=True), BOLD),
                    self.clip(member.roles, widths[1], 6) or "–",
                    fit_text(member.fit),
                    reason,
                ]
            )
        keep = self.keep_for(22, widths, rows)
        self.section(self.w_("members_title"), self.w_("members_intro"), keep=keep)
        self.grid(widths, ("LEFT", "LEFT", "RIGHT", "LEFT"), rows)

    def agenda_table(self, agenda: tuple[AgendaRow, ...]) -> None:
        """A team round's divergence: the agenda of the next management meeting, on its own page."""
        self.add_page()
        if not agenda:
            self.section(self.w_("agenda_title"), self.w_("agenda_none"))
            return
        widths = (11, 87, 50, 16, 16)
        rows: list[list[Cell]] = [
            self.headings("col_rank", "col_agenda_item", "col_answers", "col_team", "col_spread")
        ]
        for rank, row in enumerate(agenda, start=1):
            rows.append(
                [
                    (str(rank), RANK),
                    self.clip(row.item, widths[1], 6),
                    self.clip(row.answers, widths[2], 12),
                    (row.team, BOLD),
                    str(row.spread),
                ]
            )
        keep = self.keep_for(22, widths, rows)
        self.section(self.w_("agenda_title"), self.w_("agenda_intro"), keep=keep)
        self.grid(widths, ("CENTER", "LEFT", "LEFT", "CENTER", "CENTER"), rows)

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
        self.pillars_section()
        self.glance()
        if self.page_no() == 1:
            self.add_page()
        self.peer_table()
        if self.data.published:
            self.published_table()
        self.next_steps_table()
        self.details_table()
        if self.data.progress:
            self.progress_table()
        elif self.data.progress_note:
            self.section(self.w_("progress_title"), self.data.progress_note)
        if self.data.partners:
            self.partners_table(self.data.partners, "partners_market_title")
        if self.data.capability_partners:
            self.partners_table(
                self.data.capability_partners,
                "partners_capability_title",
                "partners_capability_intro",
            )
        if self.data.programs:
            self.programs_table()
        if self.data.members:
            self.members_table()
        if self.data.agenda is not None:
            self.agenda_table(self.data.agenda)
        self.method_note()
        self.footers()
        return bytes(self.output())


def _change(previous: float | None, current: float | None) -> str:
    """A signed difference with an arrow, so the direction never rests on colour."""
    delta = score_change(previous, current)
    if delta is None:
        return "–"
    if delta > 0:
        return f"+{delta} ▲"
    if delta < 0:
        return f"{delta} ▼"
    return "0 ="


def build_report(data: ReportData, lang: str) -> bytes:
    """The PDF report for `data`, with every label in `lang` ("ko" or "en")."""
    return ReportPDF(data, normalize_lang(lang)).draw()


def report_pdf(results: CompanyResults, bank: Bank, lang: str) -> bytes:
    """The PDF report of a company's results, in `lang`."""
    return build_report(report_data(results, bank, lang), lang)
