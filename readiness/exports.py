"""Spreadsheet-safe exports: formulas neutralised, Korean readable in Excel (UTF-8 with BOM).

Also the member file format that imports, exports and the downloadable template share (FIELDS),
and the two staff exports: the member directory and the submitted assessments, as CSV or .xlsx,
each recorded in the audit log.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import sqlalchemy as sa

from readiness import reference, store
from readiness.bank import Bank, default_bank
from readiness.cohorts import Cohort

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Format = Literal["csv", "xlsx"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx")
MIME_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def neutralise(value: Any) -> Any:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe; numbers pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unneutralise(text: str) -> str:
    """Undo `neutralise` on text read back from one of our files ("'=x" -> "=x")."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """CSV in UTF-8 with BOM (Excel opens Korean correctly), every text cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: Korean and other wide characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def xlsx_bytes(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    sheet: str = "Sheet1",
    extra_sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]] = (),
) -> bytes:
    """An .xlsx workbook: bold frozen header row, columns sized to fit, every text cell neutralised.

    `extra_sheets` adds further (title, header, rows) sheets, laid out the same way.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    def safe(value: Any) -> Any:
        """Text without the control characters XML cannot hold, neutralised; numbers pass."""
        if isinstance(value, str):
            return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
        return value

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, head, body in ((sheet, header, rows), *extra_sheets):
        ws = workbook.create_sheet(title)
        ws.freeze_panes = "A2"
        sample = [head, *body[:200]]
        for col in range(len(head)):
            widest = max(
                (
                    _display_width(str(r[col]))
                    for r in sample
                    if col < len(r) and r[col] is not None
                ),
                default=4,
            )
            ws.column_dimensions[get_column_letter(col + 1)].width = min(60, max(6, widest + 2))
        header_cells = []
        for text in head:
            cell = WriteOnlyCell(ws, value=safe(text))
            cell.font = bold
            header_cells.append(cell)
        ws.append(header_cells)
        for row in body:
            ws.append([safe(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_bytes(
    fmt: Format, header: Sequence[str], rows: Sequence[Sequence[Any]], *, sheet: str
) -> bytes:
    if fmt == "csv":
        return csv_bytes(header, rows)
    if fmt == "xlsx":
        return xlsx_bytes(header, rows, sheet=sheet)
    raise ValueError(f"unknown export format {fmt!r} (csv or xlsx)")


# --- the member file format ----------------------------------------------------------------------


@dataclass(frozen=True)
class FileField:
    """One column of the member file: its Korean and English header and what it holds."""

    key: str
    ko: str
    en: str
    help_ko: str
    help_en: str
    example: str = ""
    required: bool = False
    aliases: tuple[str, ...] = ()

    def header(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


FIELDS: tuple[FileField, ...] = (
    FileField(
        key="name",
        ko="회사명",
        en="name",
        help_ko="회사 이름 (120자 이내)",
        help_en="Company name (up to 120 characters)",
        example="한빛정밀",
        required=True,
        aliases=("기업명", "업체명", "상호", "company", "company name"),
    ),
    FileField(
        key="biz_no",
        ko="사업자등록번호",
        en="biz_no",
        help_ko="10자리 (하이픈 허용). 있으면 이 번호로 기존 회원을 찾습니다",
        help_en="10 digits, dashes allowed; when given, existing members are matched by it",
        example="124-81-00998",
        aliases=("사업자번호", "business number", "brn"),
    ),
    FileField(
        key="ksic",
        ko="업종코드",
        en="ksic",
        help_ko="KSIC 제조업 중분류 C10-C34",
        help_en="KSIC manufacturing division, C10-C34",
        example="C29",
        required=True,
        aliases=("업종", "ksic code", "industry"),
    ),
    FileField(
        key="employees",
        ko="종업원수",
        en="employees",
        help_ko="상시 종업원 수 (1 이상의 정수)",
        help_en="Number of employees (a whole number, at least 1)",
        example="45",
        required=True,
        aliases=("직원수", "상시근로자수", "종업원", "headcount"),
    ),
    FileField(
        key="region",
        ko="지역",
        en="region",
        help_ko="시도 이름 또는 코드 (예: 경기도, 41)",
        help_en="Province or metropolitan city, by name or code (e.g. Gyeonggi, 41)",
        example="경기도",
        aliases=("소재지", "시도"),
    ),
    FileField(
        key="export_share",
        ko="수출비중(%)",
        en="export_share",
        help_ko="매출 중 수출 비중, 0-100 (%)",
        help_en="Exports as a percentage of sales, 0-100",
        example="35",
        aliases=("수출비중", "수출비율", "export share", "export %"),
    ),
    FileField(
        key="revenue_band",
        ko="매출규모",
        en="revenue_band",
        help_ko="매출 구간 (코드 시트의 이름 또는 코드)",
        help_en="Revenue band (name or id from the codes sheet)",
        example="10억-50억 원",
        aliases=("매출액구간", "revenue"),
    ),
    FileField(
        key="wave",
        ko="연도",
        en="wave",
        help_ko="진단 연도 (결과를 넣을 때 필수)",
        help_en="Assessment year (required with results)",
        example="2025",
        aliases=("진단연도", "년도", "year"),
    ),
    FileField(
        key="mode",
        ko="유형",
        en="mode",
        help_ko="정밀 또는 간편 (비우면 정밀)",
        help_en="full or quick (blank = full)",
        example="정밀",
        aliases=("진단유형", "type"),
    ),
    FileField(
        key="synthetic",
        ko="합성 데이터",
        en="synthetic",
        help_ko="시연용 합성 데이터 여부 (예/아니오, 비우면 아니오)",
        help_en="Synthetic demo data (yes/no, blank = no)",
        example="아니오",
        aliases=("합성",),
    ),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}
TEMPLATE_FIELDS = tuple(f for f in FIELDS if f.key != "synthetic")
# Columns our exports add that are computed from the rest; an import recognises and skips them.
COMPUTED: dict[str, tuple[str, str]] = {
    "division": ("업종명", "division"),
    "size_band": ("규모", "size_band"),
    "latest_wave": ("최근 연도", "latest_wave"),
    "latest_overall": ("최근 종합점수", "latest_overall"),
    "overall": ("종합점수", "overall"),
    "stage": ("단계", "stage"),
    "completeness": ("응답률(%)", "completeness"),
    "submitted_at": ("제출일시", "submitted_at"),
    "bank_version": ("문항 버전", "bank_version"),
}
YES = {"ko": "예", "en": "yes"}
NO = {"ko": "아니오", "en": "no"}
NOT_APPLICABLE = {"ko": "해당없음", "en": "N/A"}
MODE_LABELS = {"full": {"ko": "정밀", "en": "full"}, "quick": {"ko": "간편", "en": "quick"}}


def pillar_score_header(bank: Bank, pillar_id: str, lang: str) -> str:
    name = bank.pillar(pillar_id).name.get(lang)
    return f"{name} 점수" if lang == "ko" else f"{name} score"


def computed_headers(bank: Bank) -> set[str]:
    """Every header, in both languages, of a computed column of our exports."""
    headers = {h for pair in COMPUTED.values() for h in pair}
    headers |= {
        pillar_score_header(bank, p, lang) for p in bank.pillar_ids for lang in ("ko", "en")
    }
    return headers


def percent(share: float | None) -> float | int | None:
    """A stored share (0-1) as the percentage the file shows; whole numbers without decimals."""
    if share is None:
        return None
    value = round(share * 100, 6)
    return int(value) if value.is_integer() else value


def format_biz_no(biz_no: str | None) -> str | None:
    return f"{biz_no[:3]}-{biz_no[3:5]}-{biz_no[5:]}" if biz_no else None


# --- staff exports -------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _names(kind: str, lang: str) -> dict[str, str]:
    """Reference names by code or id, e.g. regions in Korean: {"41": "경기도", ...}."""
    return {str(r.get("code", r.get("id"))): r[lang] for r in reference.reference()[kind]}


def _name(kind: str, key: str | None, lang: str) -> str | None:
    return None if key is None else _names(kind, "ko" if lang == "ko" else "en").get(key, key)


def _profile_cells(row: Any, lang: str) -> list[Any]:
    """name, biz_no, ksic, division, employees, size band, region, export %, revenue band."""
    return [
        row.name,
        format_biz_no(row.biz_no),
        row.ksic,
        _name("ksic_divisions", row.ksic, lang),
        row.employees,
        _name("size_bands", row.size_band, lang),
        _name("regions", row.region, lang),
        percent(row.export_share),
        _name("revenue_bands", row.revenue_band, lang),
    ]


def _computed(key: str, lang: str) -> str:
    return COMPUTED[key][0 if lang == "ko" else 1]


def _profile_headers(lang: str) -> list[str]:
    fields = {key: FIELD_BY_KEY[key].header(lang) for key in FIELD_BY_KEY}
    return [
        fields["name"],
        fields["biz_no"],
        fields["ksic"],
        _computed("division", lang),
        fields["employees"],
        _computed("size_band", lang),
        fields["region"],
        fields["export_share"],
        fields["revenue_band"],
    ]


def _stage_label(bank: Bank, stage: str | None, lang: str) -> str | None:
    if not stage:
        return None
    try:
        return bank.stage(stage).name.get(lang)
    except StopIteration:
        return stage


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(float(value), digits)


def member_table(
    *,
    engine: sa.Engine,
    lang: str = "ko",
    filters: Cohort | None = None,
    bank: Bank | None = None,
) -> tuple[list[str], list[list[Any]]]:
    """The member directory: header and rows, one per member, with its latest submitted result.

    With filters on waves, modes or workshops, only members with such a submission are listed, and
    the latest of those is shown; a stage filter applies to the stage shown.
    """
    bank = bank or default_bank()
    found = store.member_export_rows(engine=engine, cohort=filters or Cohort())
    header = [
        *_profile_headers(lang),
        _computed("latest_wave", lang),
        _computed("latest_overall", lang),
        _computed("stage", lang),
        FIELD_BY_KEY["synthetic"].header(lang),
    ]
    rows = [
        [
            *_profile_cells(r, lang),
            r.latest_wave,
            _round(r.overall),
            _stage_label(bank, r.stage, lang),
            (YES if r.synthetic else NO)[lang],
        ]
        for r in found
    ]
    return header, rows


def assessment_table(
    *,
    engine: sa.Engine,
    lang: str = "ko",
    filters: Cohort | None = None,
    bank: Bank | None = None,
) -> tuple[list[str], list[list[Any]]]:
    """Submitted results: header and rows, one per member, wave and mode (the latest submission).

    Each row carries the member's profile, the scores and one column per item id (blank =
    unanswered), so that importing it into an empty database recreates members and scores.
    """
    bank = bank or default_bank()
    found = store.result_rows(engine=engine, cohort=filters or Cohort())
    pillars = bank.pillar_ids
    items = bank.item_ids()
    header = [
        *_profile_headers(lang),
        FIELD_BY_KEY["synthetic"].header(lang),
        FIELD_BY_KEY["wave"].header(lang),
        FIELD_BY_KEY["mode"].header(lang),
        _computed("overall", lang),
        _computed("stage", lang),
        _computed("completeness", lang),
        _computed("submitted_at", lang),
        _computed("bank_version", lang),
        *(pillar_score_header(bank, p, lang) for p in pillars),
        *items,
    ]
    not_applicable = NOT_APPLICABLE[lang]
    scores = [
        [_round(found.scores.get(r.assessment_id, {}).get(p)) for p in pillars] for r in found.rows
    ]
    levels = [
        [
            not_applicable if item in given and given[item] is None else given.get(item)
            for item in items
        ]
        for given in (found.answers.get(r.assessment_id, {}) for r in found.rows)
    ]
    rows = [
        [
            *_profile_cells(r, lang),
            (YES if r.synthetic else NO)[lang],
            r.wave,
            MODE_LABELS[r.mode][lang],
            _round(r.overall),
            _stage_label(bank, r.stage, lang),
            _round(None if r.completeness is None else r.completeness * 100),
            r.submitted_at.strftime("%Y-%m-%d %H:%M") if r.submitted_at else None,
            r.bank_version,
            *scores[n],
            *levels[n],
        ]
        for n, r in enumerate(found.rows)
    ]
    return header, rows


ExportKind = Literal["members", "assessments"]
SHEET_TITLES = {"members": "회원사 · Members", "assessments": "진단 결과 · Results"}


def _export(
    kind: ExportKind,
    *,
    engine: sa.Engine,
    fmt: Format,
    lang: str,
    filters: Cohort | None,
    actor: str,
    bank: Bank | None,
) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (csv or xlsx)")
    build = member_table if kind == "members" else assessment_table
    header, rows = build(engine=engine, lang=lang, filters=filters, bank=bank)
    data = table_bytes(fmt, header, rows, sheet=SHEET_TITLES[kind])
    store.record_event(
        engine=engine,
        actor=actor,
        action="export",
        entity="export",
        entity_id=kind,
        detail={
            "kind": kind,
            "rows": len(rows),
            "format": fmt,
            "lang": lang,
            "filters": (filters or Cohort()).to_dict(),
        },
    )
    return data


def export_members(
    *,
    engine: sa.Engine,
    fmt: Format,
    actor: str,
    lang: str = "ko",
    filters: Cohort | None = None,
    bank: Bank | None = None,
) -> bytes:
    """The member directory as CSV (UTF-8 with BOM) or .xlsx; recorded in the audit log."""
    return _export(
        "members", engine=engine, fmt=fmt, lang=lang, filters=filters, actor=actor, bank=bank
    )


def export_assessments(
    *,
    engine: sa.Engine,
    fmt: Format,
    actor: str,
    lang: str = "ko",
    filters: Cohort | None = None,
    bank: Bank | None = None,
) -> bytes:
    """Submitted results with scores and answers as CSV or .xlsx; recorded in the audit log."""
    return _export(
        "assessments", engine=engine, fmt=fmt, lang=lang, filters=filters, actor=actor, bank=bank
    )
