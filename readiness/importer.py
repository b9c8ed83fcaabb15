"""Import members and past assessment results from CSV or Excel (.xlsx).

Three steps, so that a person sees everything before anything is written:

- `read_table` turns the uploaded bytes into a RawTable: .xlsx (first sheet) or CSV in UTF-8,
  UTF-8 with BOM, UTF-16 (Excel's "Unicode text") or CP949/EUC-KR, comma, semicolon or tab; the
  header is the first row that names a known column (a title row above it is skipped).
- `plan_import` checks every row against the question bank, the reference lists and the
  database, and says which members would be created, updated or left unchanged and which results
  recorded, with every problem by row and column in Korean and English. It writes nothing.
- `apply_import` writes a plan that has no errors in one transaction, audited once ("import").

Members are matched by business registration number when the file gives one, else by exact name
and KSIC division (among members with the same synthetic flag). A result identical to one already
submitted for the same member, wave and mode is left alone, so importing a file twice changes
nothing. Blank optional cells never clear what is stored.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import sqlalchemy as sa
from pydantic import ValidationError

from readiness import peers, reference, store
from readiness.bank import Bank
from readiness.exports import (
    FIELDS,
    MODE_LABELS,
    NOT_APPLICABLE,
    TEMPLATE_FIELDS,
    computed_headers,
    csv_bytes,
    unneutralise,
    xlsx_bytes,
)
from readiness.models import Answer, Assessment, Company, PillarScoreRow, utcnow
from readiness.profile import BizNoError, CompanyProfile, clean_text, normalize_biz_no
from readiness.scoring import MAX_LEVEL, Result, score_assessment

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 1_000
NAME_MAX = 120
WAVES = range(2000, 2101)
CSV_DELIMITERS = (",", ";", "\t")
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx
ITEM_LIKE = re.compile(r"[A-Z]{2,4}\d{2}")
NA_WORDS = {"na", "n/a", "해당없음", "해당사항없음", "notapplicable"}
TRUE_WORDS = {"예", "yes", "y", "true", "1", "o"}
FALSE_WORDS = {"아니오", "아니요", "no", "n", "false", "0", "x"}
MODE_WORDS = {"full": {"full", "정밀", "정밀진단"}, "quick": {"quick", "간편", "간편진단"}}
ACTION = "import"

Severity = Literal["error", "warning"]


# --- messages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """A user-facing text in Korean and English."""

    ko: str
    en: str

    def get(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


@dataclass(frozen=True)
class Problem:
    """Something wrong in the file: row as numbered in the file (1 = header), column as headed."""

    row: int
    column: str
    message: Message
    severity: Severity = "error"

    def describe(self, lang: str = "en") -> str:
        text = self.message.get(lang)
        if lang == "ko":
            where = f"{self.row}행" + (f", {self.column} 열" if self.column else "")
        else:
            where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {text}"


class ImportFailure(ValueError):
    """A file that cannot be read, or a plan that cannot be applied; `message` is bilingual."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.en)
        self.message = message


class ImportFileError(ImportFailure):
    """The upload is not a readable table (too large, empty, binary, broken .xlsx ...)."""


class ImportRefused(ImportFailure):
    """apply_import refused: the plan has errors, or the database changed since the preview."""


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"


# --- reading the file ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RawTable:
    """The cells of an uploaded table as text, with the row numbers a person sees in the file."""

    filename: str
    sha256: str
    kind: Literal["csv", "xlsx"]
    encoding: str | None
    header_row: int
    header: list[str]
    rows: list[tuple[int, list[str]]]


def read_table(data: bytes, filename: str) -> RawTable:
    """Read CSV or .xlsx bytes; raises ImportFileError with a plain message when it cannot."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            Message(
                f"파일이 20MB보다 큽니다 ({_mb(len(data))}MB). 여러 파일로 나누어 올려 주세요.",
                f"The file is larger than 20 MB ({_mb(len(data))} MB): "
                "split it into smaller files.",
            )
        )
    if not data.strip():
        raise ImportFileError(Message("파일이 비어 있습니다.", "The file is empty."))
    suffix = Path(filename or "").suffix.lower()
    if suffix == ".xls" or data.startswith(OLE_MAGIC):
        raise ImportFileError(
            Message(
                "예전 Excel(.xls) 파일이거나 암호가 걸린 통합 문서입니다. "
                "암호 없이 .xlsx 또는 CSV로 저장해서 올려 주세요.",
                "This is an old Excel .xls file or a password-protected workbook: "
                "save it as .xlsx without a password, or as CSV.",
            )
        )
    encoding: str | None = None
    if suffix in (".xlsx", ".xlsm") or data.startswith(XLSX_MAGIC):
        kind: Literal["csv", "xlsx"] = "xlsx"
        lines = _xlsx_rows(data)
    else:
        kind = "csv"
        text, encoding = _decode(data)
        lines = _csv_rows(text)
    header_row, header, rows = _split_header(lines)
    return RawTable(
        filename=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        kind=kind,
        encoding=encoding,
        header_row=header_row,
        header=header,
        rows=rows,
    )


_NOT_TEXT = Message(
    "CSV 텍스트 파일이 아닙니다. UTF-8 또는 CP949(EUC-KR) 인코딩의 CSV나 .xlsx 파일을 올려 주세요.",
    "This is not a CSV text file: upload a CSV in UTF-8 or CP949 (EUC-KR), or an .xlsx workbook.",
)


def _decode(data: bytes) -> tuple[str, str]:
    """The text and its encoding: BOM first, then strict UTF-8, then CP949 (an EUC-KR superset)."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "cp949"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            break
        return text, encoding
    raise ImportFileError(_NOT_TEXT)


def _looks_binary(text: str) -> bool:
    sample = text[:65536]
    if "\x00" in sample:
        return True
    odd = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n")
    return odd > max(2, len(sample) // 100)


def _sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever the first line uses most outside quotes."""
    counts = dict.fromkeys(CSV_DELIMITERS, 0)
    quoted = False
    for ch in text[:65536]:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in ("\n", "\r") and any(counts.values()):
            break
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(CSV_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text))
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise ImportFileError(
            Message(
                f"CSV를 읽을 수 없습니다 ({reader.line_num}번째 줄 근처): {exc}",
                f"The CSV cannot be read (near line {reader.line_num}): {exc}",
            )
        ) from None


_BAD_XLSX = Message(
    "읽을 수 있는 .xlsx 파일이 아닙니다. Excel에서 열어 .xlsx로 다시 저장해 보세요.",
    "This is not a readable .xlsx file: open it in Excel and save it again as .xlsx.",
)


def _xlsx_text(cell: Any) -> str:
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if isinstance(value, float) and "%" in (getattr(cell, "number_format", "") or ""):
            return f"{round(value * 100, 6):g}%"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _xlsx_rows(data: bytes) -> list[tuple[int, list[str]]]:
    """The first sheet's rows as text, numbered as Excel shows them."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any parser failure means "not a workbook we can read"
        raise ImportFileError(_BAD_XLSX) from None
    rows: list[tuple[int, list[str]]] = []
    try:
        if not workbook.worksheets:
            raise ImportFileError(_BAD_XLSX)
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # trust the cells, not a (possibly huge or wrong) declared range
        for number, cells in enumerate(sheet.iter_rows(min_row=1), start=1):
            values = [_xlsx_text(c) for c in cells[:MAX_COLUMNS]]
            if len(cells) > MAX_COLUMNS and any(_xlsx_text(c) for c in cells[MAX_COLUMNS:]):
                raise _too_many_columns()
            if any(values):
                rows.append((number, values))
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise _too_many_rows()
    except ImportFileError:
        raise
    except Exception:  # noqa: BLE001 - a broken sheet inside a valid zip
        raise ImportFileError(_BAD_XLSX) from None
    finally:
        workbook.close()
    return rows


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        Message(
            f"행이 너무 많습니다 (최대 {MAX_ROWS:,}행). 파일을 나누어 올려 주세요.",
            f"Too many rows (at most {MAX_ROWS:,}): split the file.",
        )
    )


def _too_many_columns() -> ImportFileError:
    return ImportFileError(
        Message(
            f"열이 너무 많습니다 (최대 {MAX_COLUMNS:,}열).",
            f"Too many columns (at most {MAX_COLUMNS:,}).",
        )
    )


HEADER_SEARCH_ROWS = 10  # a header may sit below a title row or two


def _split_header(
    lines: Iterable[tuple[int, list[str]]],
) -> tuple[int, list[str], list[tuple[int, list[str]]]]:
    """The header is the first of the first non-blank rows that names a known column.

    Rows above it (a title, a date) are dropped, and so are blank rows anywhere.
    """
    rows: list[tuple[int, list[str]]] = []
    for number, cells in lines:
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
            raise _too_many_rows()
    if not rows:
        raise ImportFileError(Message("파일이 비어 있습니다.", "The file is empty."))
    known = _field_aliases()
    at = next(
        (
            n
            for n, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS])
            if any(
                header_key(c) in known or ITEM_LIKE.fullmatch(header_key(c).upper()) for c in cells
            )
        ),
        None,
    )
    if at is None:
        raise ImportFileError(
            Message(
                "머리글 행을 찾을 수 없습니다. 첫 행에 회사명, 업종코드, 종업원수 같은 열 이름을 "
                "넣어 주세요 (템플릿 참고).",
                "No header row found: the first row must name the columns, such as 회사명/name, "
                "업종코드/ksic and 종업원수/employees (see the template).",
            )
        )
    number, header = rows[at]
    if len(header) > MAX_COLUMNS:
        raise _too_many_columns()
    while header and not header[-1]:
        header.pop()
    if len(rows) - at - 1 > MAX_ROWS:
        raise _too_many_rows()
    return number, header, rows[at + 1 :]


# --- columns -------------------------------------------------------------------------------------

_BRACKETED_TAIL = re.compile(r"\s*[\(\[（][^\)\]）]*[\)\]）]\s*$")
_HEADER_NOISE = re.compile(r"[\s_\-\.·/]+")


def header_key(header: str) -> str:
    """A header folded for matching: case, spaces, _ - . and a trailing "(...)" do not count."""
    text = unicodedata.normalize("NFC", header).strip()
    text = _BRACKETED_TAIL.sub("", text) or text
    return _HEADER_NOISE.sub("", text.casefold())


@lru_cache(maxsize=1)
def _field_aliases() -> dict[str, str]:
    out: dict[str, str] = {}
    for f in FIELDS:
        for name in (f.key, f.ko, f.en, *f.aliases):
            out[header_key(name)] = f.key
    return out


@dataclass(frozen=True)
class ColumnMap:
    """Which column of the file holds which field and which item, and what was left out."""

    fields: dict[str, int]
    items: dict[str, int]
    ignored: list[str]
    problems: list[Problem]


def map_columns(header: Sequence[str], *, bank: Bank, header_row: int = 1) -> ColumnMap:
    """Match headers (Korean or English) to fields and item ids; report what does not fit."""
    aliases = _field_aliases()
    computed = {header_key(h) for h in computed_headers(bank)}
    known_items = bank.known_item_ids
    fields: dict[str, int] = {}
    items: dict[str, int] = {}
    ignored: list[str] = []
    problems: list[Problem] = []
    for index, raw in enumerate(header):
        key = header_key(raw)
        if not key:
            continue
        name = key.upper()
        target = items
        if key in aliases:
            target, name = fields, aliases[key]
        elif name in known_items:
            pass
        elif ITEM_LIKE.fullmatch(name):
            problems.append(
                Problem(
                    header_row,
                    raw,
                    Message(
                        f"알 수 없는 문항 ID입니다 ({name}).",
                        f"unknown item id {name}",
                    ),
                )
            )
            continue
        elif key in computed:
            ignored.append(raw)
            continue
        else:
            problems.append(
                Problem(
                    header_row,
                    raw,
                    Message(
                        "알 수 없는 열이라 가져오지 않습니다.", "unknown column; it is ignored"
                    ),
                    "warning",
                )
            )
            continue
        if name in target:
            first = header[target[name]]
            problems.append(
                Problem(
                    header_row,
                    raw,
                    Message(
                        f"같은 내용의 열이 두 번 있습니다 ({first} 열과 중복).",
                        f"duplicate column: the same as column {first}",
                    ),
                )
            )
            continue
        target[name] = index
    for f in FIELDS:
        if f.required and f.key not in fields:
            problems.append(
                Problem(
                    header_row,
                    f"{f.ko} / {f.en}",
                    Message("필수 열이 없습니다.", "required column is missing"),
                )
            )
    return ColumnMap(fields=fields, items=items, ignored=ignored, problems=problems)


# --- cell values ---------------------------------------------------------------------------------


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text).casefold())


def _lookup(kind: str, key: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    table: dict[str, str] = {}
    for row in reference.reference()[kind]:
        value = str(row[key])
        for name in (value, row["ko"], row["en"]):
            table[_fold(str(name))] = value
    table.update(extra or {})
    return table


def _region_table() -> dict[str, str]:
    """Region codes by code, Korean and English name, and the usual short Korean forms."""
    short: dict[str, list[str]] = {}
    for row in reference.reference()["regions"]:
        ko = row["ko"]
        forms = {ko[:2]}
        if len(ko) >= 4 and ko[2] in "남북":
            forms.add(ko[0] + ko[2])  # 충청북도 -> 충북
        for form in forms:
            short.setdefault(form, []).append(str(row["code"]))
    unique = {form: codes[0] for form, codes in short.items() if len(codes) == 1}
    return _lookup("regions", "code", unique)


class _Bad(Exception):
    def __init__(self, message: Message) -> None:
        self.message = message


def _number(text: str) -> float | None:
    """A number written with or without thousands separators, or None."""
    try:
        value = float(text.replace(",", "").replace(" ", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_name(text: str) -> str:
    if any(unicodedata.category(ch)[0] == "C" and ch != "\t" for ch in text):
        raise _Bad(
            Message(
                "보이지 않는 제어 문자가 들어 있습니다. 지우고 다시 입력해 주세요.",
                "contains control characters; remove them",
            )
        )
    name = clean_text(text, max_length=10_000)
    if len(name) > NAME_MAX:
        raise _Bad(
            Message(
                f"{NAME_MAX}자 이내여야 합니다 (지금 {len(name)}자).",
                f"too long: at most {NAME_MAX} characters (has {len(name)})",
            )
        )
    return name


def parse_biz_no(text: str) -> str:
    try:
        return normalize_biz_no(text.replace(".", ""))
    except BizNoError as exc:
        if "check digit" in str(exc):
            ko = "사업자등록번호의 검증 번호(마지막 자리)가 맞지 않습니다. 번호를 확인해 주세요."
        else:
            ko = "사업자등록번호는 10자리 숫자입니다 (예: 123-45-67890)."
        raise _Bad(Message(ko, f"bad business registration number: {exc}")) from None


def parse_ksic(text: str, known: set[str]) -> str:
    code = text.strip().upper().replace(" ", "")
    if code.isdigit():
        code = f"C{code}"
    if code not in known:
        raise _Bad(
            Message(
                f"알 수 없는 업종코드입니다 ({text}). KSIC 제조업 중분류 C10-C34를 넣어 주세요.",
                f"unknown KSIC code {text!r}: use a manufacturing division C10-C34",
            )
        )
    return code


def parse_region(text: str, regions: Mapping[str, str]) -> str:
    code = regions.get(_fold(text))
    if code is None:
        raise _Bad(
            Message(
                f"알 수 없는 지역입니다 ({text}). "
                "시도 이름(예: 경기도)이나 코드(예: 41)를 넣어 주세요.",
                f"unknown region {text!r}: "
                "use a province or city name (e.g. Gyeonggi) or its code (41)",
            )
        )
    return code


def parse_revenue_band(text: str, bands: Mapping[str, str]) -> str:
    band = bands.get(_fold(text))
    if band is None:
        raise _Bad(
            Message(
                f"알 수 없는 매출규모입니다 ({text}). 템플릿의 코드 시트를 참고해 주세요.",
                f"unknown revenue band {text!r}: see the codes sheet of the template",
            )
        )
    return band


def parse_employees(text: str) -> int:
    value = _number(text)
    if value is None or not value.is_integer() or not 1 <= value <= 1_000_000:
        raise _Bad(
            Message(
                f"종업원수는 1 이상의 정수여야 합니다 ({text}).",
                f"employees must be a whole number of at least 1, got {text!r}",
            )
        )
    return int(value)


def parse_export_share(text: str) -> float:
    """A percentage ("35", "35%", "35.5 %") as a share 0-1."""
    value = _number(text.removesuffix("%"))
    if value is None or not 0 <= value <= 100:
        raise _Bad(
            Message(
                f"수출비중은 0-100 사이의 백분율이어야 합니다 ({text}).",
                f"export share must be a percentage from 0 to 100, got {text!r}",
            )
        )
    return value / 100


def parse_wave(text: str) -> int:
    value = _number(text)
    if value is None or not value.is_integer() or int(value) not in WAVES:
        raise _Bad(
            Message(
                f"연도는 {WAVES.start}-{WAVES.stop - 1} 사이의 정수여야 합니다 ({text}).",
                f"wave must be a year from {WAVES.start} to {WAVES.stop - 1}, got {text!r}",
            )
        )
    return int(value)


def parse_mode(text: str) -> str:
    folded = _fold(text)
    for mode, words in MODE_WORDS.items():
        if folded in words:
            return mode
    raise _Bad(
        Message(
            f"유형은 정밀(full) 또는 간편(quick)이어야 합니다 ({text}).",
            f"mode must be full (정밀) or quick (간편), got {text!r}",
        )
    )


def parse_flag(text: str) -> bool:
    folded = _fold(text)
    if folded in TRUE_WORDS:
        return True
    if folded in FALSE_WORDS:
        return False
    raise _Bad(Message(f"예 또는 아니오여야 합니다 ({text}).", f"expected yes or no, got {text!r}"))


_LEVELS = {str(n): n for n in range(MAX_LEVEL + 1)}


def parse_level(text: str) -> int | None:
    """A level 0-5, or None for "not applicable"."""
    if text in _LEVELS:
        return _LEVELS[text]
    if _fold(text) in NA_WORDS:
        return None
    value = _number(text)
    if value is None:
        raise _Bad(
            Message(
                f"단계는 0-5의 정수, 해당없음(N/A) 또는 빈칸이어야 합니다 ({text}).",
                f"a level is a whole number 0-5, N/A or blank, got {text!r}",
            )
        )
    if not value.is_integer():
        raise _Bad(
            Message(
                f"단계는 정수여야 합니다 ({text}).", f"a level must be a whole number, got {text!r}"
            )
        )
    if not 0 <= value <= MAX_LEVEL:
        raise _Bad(
            Message(
                f"단계가 0-5 범위를 벗어났습니다 ({text}).", f"level out of range 0-5, got {text!r}"
            )
        )
    return int(value)


# --- rows ----------------------------------------------------------------------------------------

MemberKey = tuple[str, ...]


@dataclass
class FileMember:
    """One company as the file describes it (several rows may describe it, one per wave)."""

    key: MemberKey
    row: int
    profile: CompanyProfile
    given: set[str]
    synthetic: bool


@dataclass(frozen=True)
class FileAssessment:
    """One submitted result in the file, scored with the bank."""

    row: int
    member: MemberKey
    wave: int
    mode: str
    answers: dict[str, int | None]
    result: Result


@dataclass(frozen=True)
class ParsedTable:
    """What the file holds once checked on its own (no database involved)."""

    table: RawTable
    columns: ColumnMap
    members: dict[MemberKey, FileMember]
    assessments: list[FileAssessment]
    problems: list[Problem]


def _name_key(name: str, ksic: str, synthetic: bool) -> MemberKey:
    return ("name", unicodedata.normalize("NFC", " ".join(name.split())), ksic, str(synthetic))


def _member_key(profile: CompanyProfile, synthetic: bool) -> MemberKey:
    if profile.biz_no:
        return ("biz_no", profile.biz_no)
    return _name_key(profile.name, profile.ksic, synthetic)


UPDATABLE = (
    "region",
    "export_share",
    "revenue_band",
)  # optional: a blank cell keeps what is stored


def _missing() -> Message:
    return Message("필수 값이 비어 있습니다.", "required value is missing")


class _RowReader:
    """Reads one data row into field values and answers, collecting its problems."""

    def __init__(self, header: list[str], columns: ColumnMap) -> None:
        regions = _region_table()
        revenue = _lookup("revenue_bands", "id")
        ksic = set(reference.ksic_codes())
        self.header = header
        self.required = {
            "name": parse_name,
            "ksic": lambda t: parse_ksic(t, ksic),
            "employees": parse_employees,
        }
        self.optional = {
            "biz_no": parse_biz_no,
            "region": lambda t: parse_region(t, regions),
            "export_share": parse_export_share,
            "revenue_band": lambda t: parse_revenue_band(t, revenue),
            "wave": parse_wave,
            "mode": parse_mode,
            "synthetic": parse_flag,
        }
        self.fields = [(k, i) for k, i in columns.fields.items() if k in self.optional]
        self.required_at = [(k, columns.fields[k]) for k in self.required]
        self.items = sorted(columns.items.items(), key=lambda kv: kv[1])

    def read(
        self, number: int, row: list[str]
    ) -> tuple[dict[str, Any], dict[str, int | None], list[Problem]]:
        values: dict[str, Any] = {}
        answers: dict[str, int | None] = {}
        problems: list[Problem] = []
        width = len(row)
        for key, index in self.required_at:
            text = unneutralise(row[index]) if index < width else ""
            if not text:
                problems.append(Problem(number, self.header[index], _missing()))
                continue
            try:
                values[key] = self.required[key](text)
            except _Bad as exc:
                problems.append(Problem(number, self.header[index], exc.message))
        for key, index in self.fields:
            text = unneutralise(row[index]) if index < width else ""
            if not text:
                continue
            try:
                values[key] = self.optional[key](text)
            except _Bad as exc:
                problems.append(Problem(number, self.header[index], exc.message))
        for item_id, index in self.items:
            text = row[index] if index < width else ""
            if not text:
                continue
            level = _LEVELS.get(text, -1)
            if level != -1:
                answers[item_id] = level
                continue
            try:
                answers[item_id] = parse_level(unneutralise(text))
            except _Bad as exc:
                problems.append(Problem(number, self.header[index], exc.message))
        return values, answers, problems


def parse_table(table: RawTable, *, bank: Bank) -> ParsedTable:
    """Check every row on its own: values, required fields, duplicates; score the results."""
    columns = map_columns(table.header, bank=bank, header_row=table.header_row)
    problems = list(columns.problems)
    members: dict[MemberKey, FileMember] = {}
    assessments: list[FileAssessment] = []
    if not table.rows:
        problems.append(
            Problem(
                table.header_row,
                "",
                Message("데이터 행이 없습니다.", "there are no data rows"),
                "warning",
            )
        )
    if any(f.required and f.key not in columns.fields for f in FIELDS):
        return ParsedTable(table, columns, members, assessments, problems)

    header = table.header
    reader = _RowReader(header, columns)
    has_items = bool(columns.items)
    quick_ids = set(bank.item_ids(quick_only=True))
    name_header = header[columns.fields["name"]]
    wave_header = header[columns.fields["wave"]] if "wave" in columns.fields else "연도 / wave"
    mode_header = header[columns.fields["mode"]] if "mode" in columns.fields else "유형 / mode"
    seen_members: dict[MemberKey, int] = {}
    seen_results: dict[tuple[MemberKey, int, str], int] = {}
    unnamed: set[int] = set()

    for number, row in table.rows:
        for index in range(len(header), len(row)):
            if row[index] and index not in unnamed:
                unnamed.add(index)
                problems.append(
                    Problem(
                        number,
                        f"#{index + 1}",
                        Message(
                            "머리글이 없는 열에 값이 있어 무시합니다.",
                            "a column without a header holds values; it is ignored",
                        ),
                        "warning",
                    )
                )
        values, answers, row_problems = reader.read(number, row)
        if row_problems:
            problems.extend(row_problems)
            continue
        synthetic = bool(values.pop("synthetic", False))
        wave = values.pop("wave", None)
        mode = values.pop("mode", "full")
        try:
            profile = CompanyProfile(**values)
        except ValidationError as exc:  # a rule of the profile that the cell checks missed
            detail = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
            problems.append(Problem(number, "", Message(detail, detail)))
            continue
        key = _member_key(profile, synthetic)

        problem: Problem | None = None
        if answers and wave is None:
            problem = Problem(
                number,
                wave_header,
                Message(
                    "필수 값이 비어 있습니다: 답이 있는 행에는 연도가 필요합니다.",
                    "required value is missing: a row with answers needs its wave",
                ),
            )
        elif answers and all(level is None for level in answers.values()):
            problem = Problem(
                number,
                header[reader.items[0][1]],
                Message(
                    "결과를 기록하려면 한 문항 이상에 0-5 단계가 있어야 합니다 (모두 해당없음).",
                    "at least one item needs a level 0-5 to record a result (all are N/A)",
                ),
            )
        elif answers and (key, wave, mode) in seen_results:
            first = seen_results[(key, wave, mode)]
            problem = Problem(
                number,
                name_header,
                Message(
                    f"중복: {first}행에 같은 회사의 {wave}년 {MODE_LABELS[mode]['ko']} 결과가 "
                    "있습니다.",
                    f"duplicate: row {first} has the same company's {mode} result for {wave}",
                ),
            )
        elif not answers and key in seen_members:
            problem = Problem(
                number,
                name_header,
                Message(
                    f"중복: {seen_members[key]}행에 같은 회사가 있습니다.",
                    f"duplicate: the same company is on row {seen_members[key]}",
                ),
            )
        if problem is not None:
            problems.append(problem)
            continue
        if not answers and wave is not None and has_items:
            problems.append(
                Problem(
                    number,
                    wave_header,
                    Message(
                        "연도는 있으나 답한 문항이 없어 결과는 만들지 않습니다.",
                        "a wave but no answers: no result is recorded for this row",
                    ),
                    "warning",
                )
            )
        seen_members.setdefault(key, number)
        _merge_member(members, key, number, profile, synthetic)
        if not answers:
            continue
        seen_results[(key, wave, mode)] = number
        unscored = sorted(set(answers) - quick_ids) if mode == "quick" else []
        if unscored:
            problems.append(
                Problem(
                    number,
                    mode_header,
                    Message(
                        f"간편 진단에 없는 문항({', '.join(unscored)})의 답은 저장되지만 "
                        "점수에는 들어가지 않습니다.",
                        f"items outside the quick scan ({', '.join(unscored)}) are stored "
                        "but not scored",
                    ),
                    "warning",
                )
            )
        assessments.append(
            FileAssessment(
                row=number,
                member=key,
                wave=wave,
                mode=mode,
                answers=answers,
                result=score_assessment(bank, answers, mode=mode),
            )
        )
    problems.sort(key=lambda p: (p.row, p.severity != "error"))
    return ParsedTable(table, columns, members, assessments, problems)


def _merge_member(
    members: dict[MemberKey, FileMember],
    key: MemberKey,
    number: int,
    profile: CompanyProfile,
    synthetic: bool,
) -> None:
    """Later rows of a company win, but a blank optional cell never clears an earlier value."""
    given = {k for k in UPDATABLE if k in profile.model_fields_set}
    known = members.get(key)
    if known is None:
        members[key] = FileMember(key, number, profile, given, synthetic)
        return
    kept = {k: getattr(known.profile, k) for k in known.given - given}
    known.profile = profile.model_copy(update=kept)
    known.given |= given
    known.row = number


# --- the plan: what the file would change in the database ----------------------------------------

PROFILE_FIELDS = ("name", "biz_no", "ksic", "employees", "region", "export_share", "revenue_band")
MemberAction = Literal["create", "update", "unchanged"]
AssessmentAction = Literal["create", "unchanged"]


@dataclass(frozen=True)
class MemberChange:
    """What happens to one company of the file; `changes` maps field -> (stored, from the file)."""

    key: MemberKey
    row: int
    name: str
    action: MemberAction
    company_id: int | None
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class AssessmentChange:
    """What happens to one result of the file.

    `supersedes` is True when the member already has a different submission for the same wave and
    mode: the new one becomes the latest and is the one that counts in the norms.
    """

    key: MemberKey
    row: int
    name: str
    wave: int
    mode: str
    action: AssessmentAction
    overall: float | None
    stage: str | None
    supersedes: bool = False


@dataclass(frozen=True)
class ImportPlan:
    """The preview of an import: every change it would make and every problem found."""

    filename: str
    sha256: str
    kind: str
    encoding: str | None
    rows: int
    members: list[MemberChange]
    assessments: list[AssessmentChange]
    problems: list[Problem]
    ignored_columns: list[str]
    bank: Bank = field(repr=False)
    parsed: ParsedTable = field(repr=False)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for m in self.members if m.action == action)

    def summary(self) -> dict[str, int]:
        new = sum(1 for a in self.assessments if a.action == "create")
        return {
            "rows": self.rows,
            "create": self.count("create"),
            "update": self.count("update"),
            "unchanged": self.count("unchanged"),
            "assessments": new,
            "assessments_unchanged": len(self.assessments) - new,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }

    def summary_text(self, lang: str = "ko") -> str:
        """The counts in one line, e.g. for the CLI or a caption."""
        s = self.summary()
        if lang == "ko":
            return (
                f"{s['rows']:,}행 · 회원 새로 등록 {s['create']:,}, 수정 {s['update']:,}, "
                f"변경 없음 {s['unchanged']:,} · 진단 결과 새로 기록 {s['assessments']:,}, "
                f"변경 없음 {s['assessments_unchanged']:,} · "
                f"오류 {s['errors']:,}, 경고 {s['warnings']:,}"
            )
        return (
            f"{s['rows']:,} rows; members: {s['create']:,} to create, {s['update']:,} to update, "
            f"{s['unchanged']:,} unchanged; results: {s['assessments']:,} to record, "
            f"{s['assessments_unchanged']:,} unchanged; "
            f"{s['errors']:,} error(s), {s['warnings']:,} warning(s)"
        )

    @property
    def nothing_to_do(self) -> bool:
        s = self.summary()
        return s["create"] == s["update"] == s["assessments"] == 0

    def signature(self) -> tuple[Any, ...]:
        return _signature(self.members, self.assessments)

    def members_frame(self, lang: str = "ko") -> pd.DataFrame:
        """One row per company of the file: row, name, action and the changes, for a preview."""
        words = _ACTION_WORDS[lang if lang == "ko" else "en"]
        labels = {f.key: f.header(lang) for f in FIELDS}
        return pd.DataFrame(
            {
                words["row"]: [m.row for m in self.members],
                words["name"]: [m.name for m in self.members],
                words["action"]: [words[m.action] for m in self.members],
                words["changes"]: [
                    ", ".join(
                        f"{labels[k]}: {_shown(k, old)} → {_shown(k, new)}"
                        for k, (old, new) in m.changes.items()
                    )
                    for m in self.members
                ],
            }
        )

    def assessments_frame(self, lang: str = "ko") -> pd.DataFrame:
        """One row per result of the file: row, name, wave, mode, action, overall and stage."""
        words = _ACTION_WORDS[lang if lang == "ko" else "en"]
        return pd.DataFrame(
            {
                words["row"]: [a.row for a in self.assessments],
                words["name"]: [a.name for a in self.assessments],
                words["wave"]: [a.wave for a in self.assessments],
                words["mode"]: [MODE_LABELS[a.mode][lang] for a in self.assessments],
                words["action"]: [
                    words["supersedes" if a.supersedes and a.action == "create" else a.action]
                    for a in self.assessments
                ],
                words["overall"]: [
                    None if a.overall is None else round(a.overall, 1) for a in self.assessments
                ],
                words["stage"]: [
                    self.bank.stage(a.stage).name.get(lang) if a.stage else None
                    for a in self.assessments
                ],
            }
        )

    def problems_frame(self, lang: str = "ko") -> pd.DataFrame:
        """Every problem: row, column, severity and message in `lang`."""
        words = _ACTION_WORDS[lang if lang == "ko" else "en"]
        return pd.DataFrame(
            {
                words["row"]: [p.row for p in self.problems],
                words["column"]: [p.column for p in self.problems],
                words["severity"]: [words[p.severity] for p in self.problems],
                words["message"]: [p.message.get(lang) for p in self.problems],
            }
        )


_ACTION_WORDS = {
    "ko": {
        "row": "행",
        "name": "회사명",
        "action": "처리",
        "changes": "바뀌는 내용",
        "wave": "연도",
        "mode": "유형",
        "overall": "종합점수",
        "stage": "단계",
        "column": "열",
        "severity": "구분",
        "message": "내용",
        "create": "새로 등록",
        "update": "수정",
        "unchanged": "변경 없음",
        "supersedes": "새 결과 (이전 결과 대체)",
        "error": "오류",
        "warning": "경고",
    },
    "en": {
        "row": "row",
        "name": "name",
        "action": "action",
        "changes": "changes",
        "wave": "wave",
        "mode": "mode",
        "overall": "overall",
        "stage": "stage",
        "column": "column",
        "severity": "severity",
        "message": "message",
        "create": "create",
        "update": "update",
        "unchanged": "unchanged",
        "supersedes": "create (replaces an earlier result)",
        "error": "error",
        "warning": "warning",
    },
}


def _shown(key: str, value: Any) -> str:
    if value is None:
        return "-"
    if key == "export_share":
        return f"{round(value * 100, 4):g}%"
    return str(value)


def _signature(
    members: Sequence[MemberChange], assessments: Sequence[AssessmentChange]
) -> tuple[Any, ...]:
    return (
        tuple((m.key, m.action, m.company_id, tuple(sorted(m.changes.items()))) for m in members),
        tuple((a.row, a.action) for a in assessments),
    )


def _same(key: str, stored: Any, new: Any) -> bool:
    if key == "export_share" and stored is not None and new is not None:
        return abs(float(stored) - float(new)) < 1e-9
    return stored == new


def _resolve(
    parsed: ParsedTable, reads: store.LoadReads
) -> tuple[list[MemberChange], list[AssessmentChange], list[Problem]]:
    """Match the file's members and results with the database (reads only)."""
    members = list(parsed.members.values())
    biz_nos = sorted({m.profile.biz_no for m in members if m.profile.biz_no})
    names = sorted({m.profile.name for m in members if not m.profile.biz_no})
    by_biz: dict[str, Any] = {r.biz_no: r for r in reads.companies(biz_nos=biz_nos)}
    by_name: dict[MemberKey, list[Any]] = {}
    for r in reads.companies(names=names):
        by_name.setdefault(_name_key(r.name, r.ksic, bool(r.synthetic)), []).append(r)

    problems: list[Problem] = []
    name_header = parsed.table.header[parsed.columns.fields["name"]] if members else ""
    changes: dict[MemberKey, MemberChange] = {}
    for m in members:
        p = m.profile
        if p.biz_no:
            match = by_biz.get(p.biz_no)
        else:
            found = by_name.get(m.key, [])
            if len(found) > 1:
                problems.append(
                    Problem(
                        m.row,
                        name_header,
                        Message(
                            f"같은 회사명과 업종의 회원이 {len(found)}곳 있어 어느 회사인지 알 수 "
                            "없습니다. 사업자등록번호를 넣어 주세요.",
                            f"{len(found)} members have this name and division: add the business "
                            "registration number to say which one",
                        ),
                    )
                )
                continue
            match = found[0] if found else None
        if match is None:
            changes[m.key] = MemberChange(m.key, m.row, p.name, "create", None)
            continue
        diff = {}
        for k in PROFILE_FIELDS:
            if k in ("region", "export_share", "revenue_band") and k not in m.given:
                continue
            if k == "biz_no" and not p.biz_no:
                continue
            stored, new = getattr(match, k), getattr(p, k)
            if not _same(k, stored, new):
                diff[k] = (stored, new)
        action: MemberAction = "update" if diff else "unchanged"
        changes[m.key] = MemberChange(m.key, m.row, p.name, action, int(match.id), diff)

    wanted = {
        (changes[f.member].company_id, f.wave, f.mode)
        for f in parsed.assessments
        if f.member in changes and changes[f.member].company_id is not None
    }
    company_ids = sorted({cid for cid, _, _ in wanted})
    existing: dict[tuple[int, int, str], list[int]] = {}
    for r in reads.submitted(company_ids=company_ids):
        key = (int(r.company_id), int(r.wave), r.mode)
        if key in wanted:
            existing.setdefault(key, []).append(int(r.id))
    ids = sorted(i for group in existing.values() for i in group)
    stored_answers = reads.answers(assessment_ids=ids)

    results: list[AssessmentChange] = []
    for f in parsed.assessments:
        member = changes.get(f.member)
        if member is None:
            continue
        earlier = existing.get((member.company_id, f.wave, f.mode), []) if member.company_id else []
        same = any(stored_answers.get(i, {}) == f.answers for i in earlier)
        results.append(
            AssessmentChange(
                key=f.member,
                row=f.row,
                name=member.name,
                wave=f.wave,
                mode=f.mode,
                action="unchanged" if same else "create",
                overall=f.result.overall,
                stage=f.result.stage,
                supersedes=bool(earlier) and not same,
            )
        )
    return list(changes.values()), results, problems


def plan_import(table: RawTable, *, engine: sa.Engine, bank: Bank) -> ImportPlan:
    """Check the file and compare it with the database; writes nothing."""
    parsed = parse_table(table, bank=bank)
    with store.load_reads(engine=engine) as reads:
        members, assessments, db_problems = _resolve(parsed, reads)
    problems = sorted(
        [*parsed.problems, *db_problems], key=lambda p: (p.row, p.severity != "error")
    )
    return ImportPlan(
        filename=table.filename,
        sha256=table.sha256,
        kind=table.kind,
        encoding=table.encoding,
        rows=len(table.rows),
        members=members,
        assessments=assessments,
        problems=problems,
        ignored_columns=list(parsed.columns.ignored),
        bank=bank,
        parsed=parsed,
    )


# --- applying a plan -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    assessments: int
    assessments_unchanged: int
    rows: dict[str, int]
    audit_event_id: int


def apply_import(plan: ImportPlan, *, engine: sa.Engine, actor: str) -> ImportResult:
    """Write a plan without errors in one transaction (all or nothing), audited once.

    The plan is checked again inside the transaction; when the database changed since the
    preview so that the import would do something else, ImportRefused asks for a new preview.
    """
    if plan.errors:
        raise ImportRefused(
            Message(
                f"오류 {len(plan.errors)}건을 고친 뒤에 가져올 수 있습니다.",
                f"fix the {len(plan.errors)} error(s) first; nothing was imported",
            )
        )
    bank = plan.bank
    now = utcnow()
    with store.bulk_load(engine=engine) as load:
        members, assessments, problems = _resolve(plan.parsed, load)
        if problems or _signature(members, assessments) != plan.signature():
            raise ImportRefused(
                Message(
                    "미리보기 이후 데이터가 바뀌었습니다. 파일을 다시 확인(미리보기)해 주세요.",
                    "the data changed since the preview: preview the file again",
                )
            )
        next_ids = load.next_ids()
        company_id, assessment_id = next_ids["company"], next_ids["assessment"]
        ids: dict[MemberKey, int] = {}
        company_rows: list[dict[str, Any]] = []
        for m in members:
            if m.company_id is not None:
                ids[m.key] = m.company_id
                continue
            source = plan.parsed.members[m.key]
            ids[m.key] = company_id
            company_rows.append(_company_row(company_id, source, now))
            company_id += 1
        new_results = {x.row for x in assessments if x.action == "create"}
        assessment_rows: list[dict[str, Any]] = []
        answer_rows: list[dict[str, Any]] = []
        score_rows: list[dict[str, Any]] = []
        for f in plan.parsed.assessments:
            if f.row not in new_results:
                continue
            assessment_rows.append(_assessment_row(assessment_id, ids[f.member], f, bank, now))
            answer_rows.extend(
                {"assessment_id": assessment_id, "item_id": item, "level": level}
                for item, level in f.answers.items()
            )
            score_rows.extend(
                {
                    "assessment_id": assessment_id,
                    "pillar": pid,
                    "score": p.score,
                    "completeness": p.completeness,
                    "weakest_level": p.weakest_level,
                }
                for pid, p in f.result.pillars.items()
            )
            assessment_id += 1
        load.insert(
            {
                Company: company_rows,
                Assessment: assessment_rows,
                Answer: answer_rows,
                PillarScoreRow: score_rows,
            }
        )
        updates = [m for m in members if m.action == "update"]
        load.update(Company, [_company_changes(m) for m in updates])
        summary = {
            "created": len(company_rows),
            "updated": len(updates),
            "unchanged": sum(1 for m in members if m.action == "unchanged"),
            "assessments": len(assessment_rows),
            "assessments_unchanged": len(assessments) - len(assessment_rows),
        }
        event = load.audit(
            actor=actor,
            action=ACTION,
            entity="file",
            entity_id=plan.sha256,
            detail={
                "file": plan.filename,
                "sha256": plan.sha256,
                "format": plan.kind,
                "rows": plan.rows,
                "bank_version": bank.version,
                **summary,
                "tables": load.counts,
            },
        )
    return ImportResult(**summary, rows=load.counts, audit_event_id=int(event.id or 0))


def _company_row(company_id: int, member: FileMember, now: Any) -> dict[str, Any]:
    p = member.profile
    return {
        "id": company_id,
        **{k: getattr(p, k) for k in PROFILE_FIELDS},
        "size_band": p.size_band,
        "markets": list(p.markets),
        "roles": list(p.roles),
        "products": p.products,
        "consent_suggest": p.consent_suggest,
        "consent_named": p.consent_named,
        "synthetic": member.synthetic,
        "token_hash": None,
        "created_at": now,
    }


def _assessment_row(
    assessment_id: int, company_id: int, f: FileAssessment, bank: Bank, now: Any
) -> dict[str, Any]:
    """A submitted assessment, scored as store.submit_assessment scores one."""
    return {
        "id": assessment_id,
        "company_id": company_id,
        "wave": f.wave,
        "mode": f.mode,
        "status": "submitted",
        "bank_version": bank.version,
        "workshop_id": None,
        "goal": None,
        "overall": f.result.overall,
        "stage": f.result.stage,
        "completeness": peers.overall_completeness(f.result),
        "norm_eligible": peers.is_norm_eligible(f.result, f.answers),
        "created_at": now,
        "updated_at": now,
        "submitted_at": now,
    }


def _company_changes(member: MemberChange) -> dict[str, Any]:
    """The changed profile fields of a member by id, with the size band its head count implies."""
    values = {k: new for k, (_, new) in member.changes.items()}
    if "employees" in values:
        values["size_band"] = reference.size_band_for(values["employees"])
    return {"id": member.company_id, **values}


# --- the template --------------------------------------------------------------------------------


def template_header(bank: Bank, lang: str = "ko") -> list[str]:
    """The template's columns: member fields, wave and mode, then one column per item id."""
    return [f.header(lang) for f in TEMPLATE_FIELDS] + bank.item_ids()


def template_csv(bank: Bank) -> bytes:
    """The header row (Korean) as CSV in UTF-8 with BOM, for Excel."""
    return csv_bytes(template_header(bank), [])


def template_xlsx(bank: Bank) -> bytes:
    """The header row plus a help sheet (every column and item, Korean and English) and codes."""
    required = {True: "필수 / required", False: ""}
    help_rows: list[list[Any]] = [
        [f.ko, f.en, required[f.required], f.help_ko, f.help_en, f.example] for f in TEMPLATE_FIELDS
    ]
    scale = f"0-5, {NOT_APPLICABLE['ko']} / {NOT_APPLICABLE['en']}"
    for item in bank.items:
        pillar = bank.pillar(item.pillar)
        quick_ko = " (간편 진단 문항)" if item.quick else ""
        quick_en = " (quick scan item)" if item.quick else ""
        help_rows.append(
            [
                item.id,
                item.id,
                "",
                f"[{pillar.name.ko}] {item.text.ko}{quick_ko}",
                f"[{pillar.name.en}] {item.text.en}{quick_en}",
                scale,
            ]
        )
    code_rows: list[list[Any]] = []
    for kind, label, key in (
        ("ksic_divisions", "업종코드 / ksic", "code"),
        ("regions", "지역 / region", "code"),
        ("revenue_bands", "매출규모 / revenue_band", "id"),
    ):
        code_rows.extend(
            [label, str(r[key]), r["ko"], r["en"]] for r in reference.reference()[kind]
        )
    code_rows.extend(
        ["유형 / mode", mode, labels["ko"], labels["en"]] for mode, labels in MODE_LABELS.items()
    )
    return xlsx_bytes(
        template_header(bank),
        [],
        sheet="회원 · Members",
        extra_sheets=[
            (
                "설명 · Help",
                [
                    "열 / Column",
                    "English",
                    "필수 / Required",
                    "설명",
                    "Description",
                    "예 / Example",
                ],
                help_rows,
            ),
            ("코드 · Codes", ["구분 / Kind", "코드 / Code", "한국어", "English"], code_rows),
        ],
    )
