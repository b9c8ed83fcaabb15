"""Spreadsheet-safe exports: no cell runs as a formula (CSV: neutralised with an apostrophe;
.xlsx: string cells), Korean readable in Excel (CSV in UTF-8 with BOM).

Also the two staff exports in the member file's format (readiness.member_file): the member
directory and the submitted assessments, as CSV or .xlsx, each recorded in the audit log.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, Literal

import sqlalchemy as sa

from readiness import reference, store
from readiness.bank import Bank, default_bank
from readiness.cohorts import Cohort
from readiness.i18n import normalize_lang
from readiness.member_file import (
    COMPUTED,
    CONTACT_KEYS,
    FIELD_BY_KEY,
    flag_words,
    mode_words,
    not_applicable_word,
    pillar_score_header,
)

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


def _xlsx_cell(ws: Any, value: Any, font: Any = None) -> Any:
    """A cell of a write-only sheet; text without the control characters XML cannot hold, as a
    string cell (openpyxl would take "=..." for a formula)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell


def xlsx_bytes(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    sheet: str = "Sheet1",
    extra_sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]] = (),
) -> bytes:
    """An .xlsx workbook: bold frozen header row with an autofilter, columns sized to fit.

    Every text is written as a string cell, which Excel never runs as a formula: "=SUM(A1)" stays
    text as typed, without the apostrophe a CSV needs (`neutralise`). `extra_sheets` adds further
    (title, header, rows) sheets, laid out the same way.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, head, body in ((sheet, header, rows), *extra_sheets):
        ws = workbook.create_sheet(title)
        ws.freeze_panes = "A2"
        if head:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(head))}{len(body) + 1}"
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
        ws.append([_xlsx_cell(ws, text, bold) for text in head])
        for row in body:
            ws.append([_xlsx_cell(ws, v) for v in row])
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


# --- cells of the member file ------------------------------------------------------------------


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
    return None if key is None else _names(kind, normalize_lang(lang)).get(key, key)


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
    return COMPUTED[key].header(lang)


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
    with_contacts: bool = False,
) -> tuple[list[str], list[list[Any]]]:
    """The member directory: header and rows, one per member, with its latest submitted result.

    With filters on waves, modes or workshops, only members with such a submission are listed, and
    the latest of those is shown; a stage filter applies to the stage shown. `with_contacts` adds
    the roster's contact columns (a staff export asked for them; the file imports them back).
    """
    bank = bank or default_bank()
    found = store.member_export_rows(
        engine=engine, cohort=filters or Cohort(), with_contacts=with_contacts
    )
    contact_keys = CONTACT_KEYS if with_contacts else ()
    header = [
        *_profile_headers(lang),
        _computed("latest_wave", lang),
        _computed("latest_overall", lang),
        _computed("stage", lang),
        FIELD_BY_KEY["synthetic"].header(lang),
        *(FIELD_BY_KEY[k].header(lang) for k in contact_keys),
    ]
    yes_no = flag_words(lang)
    rows = [
        [
            *_profile_cells(r, lang),
            r.latest_wave,
            _round(r.overall),
            _stage_label(bank, r.stage, lang),
            yes_no[bool(r.synthetic)],
            *(getattr(r, k) for k in contact_keys),
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
    unanswered), so that importing it into an empty database recreates members and scores. The
    item columns are one bank version's, so only that version's results are exported (the
    filters' version, else the bank's).
    """
    bank = bank or default_bank()
    found = store.result_rows(engine=engine, cohort=(filters or Cohort()).of_bank(bank.version))
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
    not_applicable = not_applicable_word(lang)
    yes_no = flag_words(lang)
    modes = mode_words(lang)
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
            yes_no[bool(r.synthetic)],
            r.wave,
            modes[r.mode],
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
    with_contacts: bool = False,
) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (csv or xlsx)")
    if kind == "members":
        header, rows = member_table(
            engine=engine, lang=lang, filters=filters, bank=bank, with_contacts=with_contacts
        )
    else:
        header, rows = assessment_table(engine=engine, lang=lang, filters=filters, bank=bank)
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
            **({"contacts": True} if with_contacts else {}),
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
    with_contacts: bool = False,
) -> bytes:
    """The member directory as CSV (UTF-8 with BOM) or .xlsx; recorded in the audit log (which
    says when the roster's contacts were included, never the contacts themselves)."""
    return _export(
        "members",
        engine=engine,
        fmt=fmt,
        lang=lang,
        filters=filters,
        actor=actor,
        bank=bank,
        with_contacts=with_contacts,
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
