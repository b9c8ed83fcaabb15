"""The support-programme catalog as an Excel workbook staff download, edit and upload again.

Three sheets: `programs` (one row per programme, the columns of COLUMNS), `catalog` (key and value:
version, bank) and `certifications` (id, ko, en). Lists are written comma-separated ("C20, C24";
empty size_bands: every band; ksic `all`: every division); levels read "AI03:0-1; AI01:2-" (from
level 0 to 1; 2 or higher). Reading it back checks every row as the YAML loader does and names
the problems per row; a catalog comes out only when there is none (all or nothing, as the member
import): the page stores nothing otherwise.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from readiness.bank import Bank, Text
from readiness.exports import unneutralise, xlsx_bytes
from readiness.i18n import Message
from readiness.programs import (
    Program,
    ProgramCatalog,
    ProgramCatalogError,
    parse_catalog,
    program_field_problems,
)

PROGRAMS_SHEET, CATALOG_SHEET, CERTIFICATIONS_SHEET = "programs", "catalog", "certifications"
BILINGUAL = ("name", "owner", "pays_for", "amount", "season", "source")
COLUMNS = (
    "id",
    *(f"{name}_{lang}" for name in BILINGUAL for lang in ("ko", "en")),
    "link",
    "as_of",
    "valid_until",
    "size_bands",
    "ksic",
    "export",
    "stage_min",
    "stage_max",
    "levels",
    "certifications",
    "gaps",
)
MAX_ROWS = 500  # programmes on the sheet; the other two sheets hold a handful of rows each
MAX_COLUMNS = 64  # cells read per row: COLUMNS and room for an unknown column to be named
MAX_ROW_NUMBER = 10_000  # no row below this is read, blank rows between programmes allowed
# The workbook's files once unpacked: the shipped catalog is about 0.1 MB, and 500 programmes with
# every text at 400 characters 5.4 MB (bench/program_upload.py). Checked before the workbook is
# opened, since opening scans a sheet without a declared size to its end (7 s for a million rows
# zipped into 5 MB).
MAX_UNPACKED_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class SheetProblem:
    row: int  # the spreadsheet's row number (1 = header); 0: the workbook as a whole
    program: str  # the programme's id as written, "" when none
    problem: Message  # a catalog sentence (program_sheet.*, catalog_problem.*): ko or en
    column: str = ""  # the sheet's column ("size_bands"), "" for the row or workbook

    def text(self, lang: str) -> str:
        return self.problem.render(lang)


@dataclass
class CatalogUpload:
    """What an uploaded workbook holds: the catalog when it has no problem, else the problems."""

    rows: int = 0
    problems: list[SheetProblem] = field(default_factory=list)
    catalog: ProgramCatalog | None = None

    @property
    def ok(self) -> bool:
        return self.catalog is not None and not self.problems


# --- writing --------------------------------------------------------------------------------------


def _levels_cell(program: Program) -> str:
    parts = []
    for item_id, bounds in program.eligible.levels.items():
        low = "" if bounds.min is None else str(bounds.min)
        high = "" if bounds.max is None else str(bounds.max)
        parts.append(f"{item_id}:{low}-{high}")
    return "; ".join(parts)


def program_cells(program: Program) -> list[Any]:
    rules = program.eligible
    texts = [getattr(program, name).get(lang) for name in BILINGUAL for lang in ("ko", "en")]
    return [
        program.id,
        *texts,
        program.link,
        program.as_of.isoformat(),
        program.valid_until.isoformat(),
        ", ".join(rules.size_bands or []),
        "all" if rules.ksic == "all" else ", ".join(rules.ksic),
        rules.export,
        rules.stage.min if rules.stage and rules.stage.min else "",
        rules.stage.max if rules.stage and rules.stage.max else "",
        _levels_cell(program),
        ", ".join(rules.certifications),
        ", ".join(program.gaps),
    ]


def catalog_xlsx(catalog: ProgramCatalog) -> bytes:
    """The catalog as the workbook staff edit (every text cell neutralised against formulas)."""
    return xlsx_bytes(
        COLUMNS,
        [program_cells(p) for p in catalog.programs],
        sheet=PROGRAMS_SHEET,
        extra_sheets=(
            (
                CATALOG_SHEET,
                ("key", "value"),
                [("version", catalog.version), ("bank", catalog.bank)],
            ),
            (
                CERTIFICATIONS_SHEET,
                ("id", "ko", "en"),
                [(cid, text.ko, text.en) for cid, text in catalog.certifications.items()],
            ),
        ),
    )


# --- reading --------------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unneutralise(str(value).strip())


class _TooManyRows(Exception):
    pass


def _sheet_rows(workbook: Any, title: str) -> Iterator[tuple[int, list[str]]]:
    """The sheet's non-empty rows as text, streamed: past the header and MAX_ROWS rows, or past
    row MAX_ROW_NUMBER, it raises _TooManyRows, so a long sheet is refused after reading its first
    rows, not after holding them all. Cells past MAX_COLUMNS are not read."""
    sheet = workbook[title]
    sheet.reset_dimensions()  # trust the cells, not a (possibly huge or wrong) declared range
    kept = 0
    for n, row in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1):
        # openpyxl yields every empty row up to the last one written: one cell at row 1,048,000
        # (a file of a few KB) would be a million empty rows to walk.
        if n > MAX_ROW_NUMBER:
            raise _TooManyRows(title)
        cells = [_cell(v) for v in row]
        if any(cells):
            kept += 1
            if kept > MAX_ROWS + 1:
                raise _TooManyRows(title)
            yield n, cells


def _listed(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


def _levels(text: str) -> dict[str, dict[str, int | str]]:
    """ "AI03:0-1; AI01:2-" -> {"AI03": {"min": 0, "max": 1}, "AI01": {"min": 2}}; a bound that
    is no whole number is passed on as text for the model to name."""
    levels: dict[str, dict[str, int | str]] = {}
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        item_id, _, span = part.partition(":")
        low, dash, high = span.partition("-")
        if not dash:
            low = high = span
        bounds: dict[str, int | str] = {}
        for op, value in (("min", low.strip()), ("max", high.strip())):
            if value:
                bounds[op] = int(value) if value.isdigit() else value
        levels[item_id.strip()] = bounds
    return levels


def _program_data(cells: Mapping[str, str]) -> dict[str, Any]:
    texts = {
        name: {lang: cells.get(f"{name}_{lang}", "") for lang in ("ko", "en")} for name in BILINGUAL
    }
    eligible: dict[str, Any] = {
        "ksic": "all" if cells.get("ksic", "").lower() in ("", "all") else _listed(cells["ksic"]),
        "export": cells.get("export") or "any",
        "levels": _levels(cells.get("levels", "")),
        "certifications": _listed(cells.get("certifications", "")),
    }
    if cells.get("size_bands"):
        eligible["size_bands"] = _listed(cells["size_bands"])
    stage = {op: cells[f"stage_{op}"] for op in ("min", "max") if cells.get(f"stage_{op}")}
    if stage:
        eligible["stage"] = stage
    return {
        "id": cells.get("id", ""),
        **texts,
        "link": cells.get("link", ""),
        "as_of": cells.get("as_of", ""),
        "valid_until": cells.get("valid_until", ""),
        "eligible": eligible,
        "gaps": _listed(cells.get("gaps", "")),
    }


def column_of(path: str) -> str:
    """The sheet's column for a field's path in the YAML: "eligible.size_bands.0" -> "size_bands",
    "eligible.stage.max" -> "stage_max", "eligible.levels.AI03.min" -> "levels", "name.en" ->
    "name_en"."""
    parts = path.split(".")
    if parts[0] == "eligible" and len(parts) > 1:
        if parts[1] == "stage":
            return (
                f"stage_{parts[2]}"
                if len(parts) > 2 and parts[2] in ("min", "max")
                else "stage_min"
            )
        return parts[1]
    if parts[0] in BILINGUAL and len(parts) > 1 and parts[1] in ("ko", "en"):
        return f"{parts[0]}_{parts[1]}"
    return parts[0]


# pydantic's error types, as the sentence a member of staff reads (program_sheet.value_*)
_VALUE_PROBLEMS = {
    "missing": "value_missing",
    "string_too_short": "value_missing",
    "too_short": "value_missing",
    "date_from_datetime_parsing": "value_date",
    "date_parsing": "value_date",
    "date_type": "value_date",
    "date_from_datetime_inexact": "value_date",
    "int_parsing": "value_level",
    "int_type": "value_level",
    "less_than_equal": "value_level",
    "greater_than_equal": "value_level",
    "literal_error": "value_one_of",
}


def _value_problem(err: Any) -> Message:
    kind = err["type"]
    loc = [str(part) for part in err["loc"]]
    if kind == "string_pattern_mismatch":
        return Message(
            "program_sheet.value_link" if loc[:1] == ["link"] else "program_sheet.value_id"
        )
    if kind == "value_error" and "blank" in str(err.get("msg", "")):
        return Message("program_sheet.value_missing")
    key = _VALUE_PROBLEMS.get(kind)
    if key == "value_one_of":
        return Message(
            f"program_sheet.{key}", {"expected": str(err.get("ctx", {}).get("expected"))}
        )
    if key:
        return Message(f"program_sheet.{key}")
    return Message("program_sheet.value_other", {"detail": str(err.get("msg", kind))})


def _model_problems(exc: ValidationError) -> list[tuple[str, Message]]:
    """(column, problem) for each of a row's field errors."""
    return [
        (column_of(".".join(str(part) for part in err["loc"])), _value_problem(err))
        for err in exc.errors()
    ]


def _sheet(key: str, **params: Any) -> Message:
    return Message(f"program_sheet.{key}", params)


def _in_sheet(sheet: str, problem: Message) -> Message:
    return _sheet("in_sheet", sheet=sheet, problem=problem)


def _key_values(workbook: Any, upload: CatalogUpload) -> dict[str, str]:
    values: dict[str, str] = {}
    for n, cells in _sheet_rows(workbook, CATALOG_SHEET):
        if n == 1:
            continue
        values[cells[0]] = cells[1] if len(cells) > 1 else ""
    for key in ("version", "bank"):
        if not values.get(key):
            upload.problems.append(
                SheetProblem(0, "", _in_sheet(CATALOG_SHEET, _sheet("meta_missing", name=key)))
            )
    return values


def _certifications(workbook: Any, upload: CatalogUpload) -> dict[str, Text]:
    found: dict[str, Text] = {}
    if CERTIFICATIONS_SHEET not in workbook.sheetnames:
        return found
    for n, cells in _sheet_rows(workbook, CERTIFICATIONS_SHEET):
        if n == 1:
            continue
        cells = [*cells, "", ""]
        try:
            found[cells[0]] = Text(ko=cells[1], en=cells[2])
        except ValidationError as exc:
            for column, problem in _model_problems(exc):
                upload.problems.append(
                    SheetProblem(n, cells[0], _in_sheet(CERTIFICATIONS_SHEET, problem), column)
                )
    return found


def read_catalog_xlsx(data: bytes, *, bank: Bank) -> CatalogUpload:
    """Every problem of an uploaded workbook, row by row; the catalog only when there is none."""
    from openpyxl import load_workbook

    upload = CatalogUpload()
    try:
        unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        upload.problems.append(SheetProblem(0, "", _sheet("not_xlsx")))
        return upload
    if unpacked > MAX_UNPACKED_BYTES:
        mb = f"{unpacked / 1024 / 1024:,.0f}"
        upload.problems.append(
            SheetProblem(
                0, "", _sheet("too_large", mb=mb, limit=MAX_UNPACKED_BYTES // 1024 // 1024)
            )
        )
        return upload
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is no workbook
        upload.problems.append(SheetProblem(0, "", _sheet("not_xlsx")))
        return upload
    try:
        _read(workbook, upload, bank)
    except _TooManyRows as exc:
        upload.problems = [SheetProblem(0, "", _sheet("too_many_rows", sheet=str(exc), n=MAX_ROWS))]
    except Exception:  # a broken sheet inside a valid zip
        upload.problems = [SheetProblem(0, "", _sheet("not_xlsx"))]
    finally:
        workbook.close()
    return upload


def _read(workbook: Any, upload: CatalogUpload, bank: Bank) -> None:
    missing = [s for s in (PROGRAMS_SHEET, CATALOG_SHEET) if s not in workbook.sheetnames]
    if missing:
        upload.problems.append(
            SheetProblem(0, "", _sheet("missing_sheets", names=", ".join(missing)))
        )
        return
    meta = _key_values(workbook, upload)
    if meta.get("bank") and meta["bank"] != bank.version:
        upload.problems.append(
            SheetProblem(
                0,
                "",
                _in_sheet(
                    CATALOG_SHEET, _sheet("wrong_bank", bank=meta["bank"], expected=bank.version)
                ),
            )
        )
    certifications = _certifications(workbook, upload)
    rows = list(_sheet_rows(workbook, PROGRAMS_SHEET))
    if not rows:
        upload.problems.append(SheetProblem(0, "", _sheet("sheet_empty", sheet=PROGRAMS_SHEET)))
        return
    header = rows[0][1]
    absent = [c for c in COLUMNS if c not in header]
    unknown = [c for c in header if c and c not in COLUMNS]
    if absent or unknown:
        for key, names in (("missing_columns", absent), ("unknown_columns", unknown)):
            if names:
                upload.problems.append(SheetProblem(1, "", _sheet(key, names=", ".join(names))))
        return
    programs: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for n, cells in rows[1:]:
        upload.rows += 1
        data_row = _program_data(dict(zip(header, [*cells, *[""] * len(header)], strict=False)))
        pid = str(data_row["id"])
        if pid in seen:
            upload.problems.append(SheetProblem(n, pid, _sheet("id_again", row=seen[pid]), "id"))
        seen.setdefault(pid, n)
        try:
            program = Program.model_validate(data_row)
        except ValidationError as exc:
            upload.problems.extend(SheetProblem(n, pid, p, c) for c, p in _model_problems(exc))
            continue
        found = program_field_problems(program, certifications=certifications, bank=bank)
        upload.problems.extend(SheetProblem(n, pid, p, column_of(where)) for where, p in found)
        programs.append(data_row)
    if upload.problems:
        return
    raw = {
        "version": meta["version"],
        "bank": meta["bank"],
        "certifications": {cid: text.model_dump() for cid, text in certifications.items()},
        "programs": programs,
    }
    try:
        upload.catalog = parse_catalog(raw, bank=bank, source="upload")
    except ProgramCatalogError as exc:  # every check above should have named it already
        upload.problems.extend(
            SheetProblem(0, "", _sheet("value_other", detail=line))
            for line in str(exc).splitlines()
        )


def problem_rows(upload: CatalogUpload, lang: str) -> Sequence[tuple[int, str, str, str]]:
    """The problems as (row, programme, column, problem in `lang`), for the page's table."""
    return [(p.row, p.program, p.column, p.text(lang)) for p in upload.problems]
