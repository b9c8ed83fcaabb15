"""Uploaded bytes to a table of text cells: .xlsx (first sheet) or CSV in any encoding Excel writes.

CSV in UTF-8, UTF-8 with BOM, UTF-16 (Excel's "Unicode text") or CP949/EUC-KR, comma, semicolon
or tab; the header is the first row that names a known column (a title row above it is skipped).
"""

from __future__ import annotations

import bisect
import codecs
import csv
import hashlib
import io
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from readiness.i18n import Message
from readiness.importer.columns import names_a_column
from readiness.importer.problems import ImportFileError

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 1_000
HEADER_SEARCH_ROWS = 10  # a header may sit below a title row or two
CSV_DELIMITERS = (",", ";", "\t")
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and password-protected .xlsx

_EMPTY = Message("importer.empty")
_NOT_TEXT = Message("importer.not_text")
_BAD_XLSX = Message("importer.bad_xlsx")


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
    merged: tuple[MergedRange, ...] = ()

    def merged_over(self, row: int, column: int) -> MergedRange | None:
        """The merged range that covers a cell (column from 0) without starting at it, if any."""
        starts, ranges = self._merged_by_column.get(column, ([], []))
        at = bisect.bisect_right(starts, row) - 1
        # merged ranges never overlap: only the last one starting at or above the row can cover it
        if at >= 0 and ranges[at].covers(row, column):
            return ranges[at]
        return None

    @cached_property
    def _merged_by_column(self) -> dict[int, tuple[list[int], list[MergedRange]]]:
        """Per column, the ranges over it by first row (and those first rows, to bisect)."""
        by_column: dict[int, list[MergedRange]] = {}
        for merged in self.merged:
            for column in range(merged.first_column, min(merged.last_column, MAX_COLUMNS) + 1):
                by_column.setdefault(column, []).append(merged)
        out = {}
        for column, ranges in by_column.items():
            ranges.sort(key=lambda r: r.first_row)
            out[column] = ([r.first_row for r in ranges], ranges)
        return out


@dataclass(frozen=True)
class MergedRange:
    """An .xlsx merged range ("E2:E4"): its value sits in its first cell, the others read blank."""

    ref: str
    first_row: int
    last_row: int
    first_column: int  # from 0, as the cells of a RawTable row
    last_column: int

    def covers(self, row: int, column: int) -> bool:
        inside = self.first_row <= row <= self.last_row
        inside = inside and self.first_column <= column <= self.last_column
        return inside and (row, column) != (self.first_row, self.first_column)


def read_table(data: bytes, filename: str) -> RawTable:
    """Read CSV or .xlsx bytes; raises ImportFileError with a plain message when it cannot."""
    if len(data) > MAX_BYTES:
        mb = f"{len(data) / 1024 / 1024:.1f}"
        raise ImportFileError(Message("importer.too_large", {"mb": mb}))
    if not data.strip():
        raise ImportFileError(_EMPTY)
    suffix = Path(filename or "").suffix.lower()
    if suffix == ".xls" or data.startswith(OLE_MAGIC):
        raise ImportFileError(Message("importer.old_excel"))
    encoding: str | None = None
    merged: tuple[MergedRange, ...] = ()
    if suffix in (".xlsx", ".xlsm") or data.startswith(XLSX_MAGIC):
        kind: Literal["csv", "xlsx"] = "xlsx"
        lines: Iterable[tuple[int, list[str]]]
        lines, merged = _xlsx_rows(data)
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
        merged=merged,
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
            Message("importer.bad_csv", {"line": reader.line_num, "detail": str(exc)})
        ) from None


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


def _xlsx_rows(data: bytes) -> tuple[list[tuple[int, list[str]]], tuple[MergedRange, ...]]:
    """The first sheet's rows as text, numbered as Excel shows them, and its merged ranges."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # any parser failure means "not a workbook we can read"
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
        merged = _merged_ranges(workbook, sheet)
    except ImportFileError:
        raise
    except Exception:  # a broken sheet inside a valid zip
        raise ImportFileError(_BAD_XLSX) from None
    finally:
        workbook.close()
    return rows, merged


MAX_MERGED_RANGES = 100_000


def _merged_ranges(workbook: Any, sheet: Any) -> tuple[MergedRange, ...]:
    """The sheet's merged ranges, read with openpyxl's own parser of the <mergeCells> element.

    A read-only worksheet does not keep them, so the sheet's XML is read once more, skipping the
    cells (each row is dropped as soon as it is parsed).
    """
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.worksheet.merge import MergeCells
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    merge_tag, row_tag = f"{{{SHEET_MAIN_NS}}}mergeCells", f"{{{SHEET_MAIN_NS}}}row"
    found: list[MergedRange] = []
    with workbook._archive.open(sheet._worksheet_path) as source:
        if not _mentions(source, b"mergeCell"):  # most sheets: a scan of the bytes, no parse
            return ()
    with workbook._archive.open(sheet._worksheet_path) as source:
        for _, element in iterparse(source):
            if element.tag == row_tag:
                element.clear()
            elif element.tag == merge_tag:
                merge_cells = MergeCells.from_tree(element)
                ranges = merge_cells.mergeCell if merge_cells is not None else []
                for cell_range in ranges[:MAX_MERGED_RANGES]:
                    first_col, first_row, last_col, last_row = range_boundaries(cell_range.ref)
                    if None in (first_col, first_row, last_col, last_row):
                        continue
                    found.append(
                        MergedRange(
                            ref=cell_range.ref,
                            first_row=int(first_row or 0),
                            last_row=int(last_row or 0),
                            first_column=int(first_col or 0) - 1,
                            last_column=int(last_col or 0) - 1,
                        )
                    )
                break
    return tuple(found)


def _mentions(source: Any, word: bytes, chunk: int = 1 << 20) -> bool:
    """Whether a stream holds `word`, read a chunk at a time."""
    tail = b""
    while block := source.read(chunk):
        window = tail + block
        if word in window:
            return True
        tail = window[-(len(word) - 1) :] if len(word) > 1 else b""
    return False


def _too_many_rows() -> ImportFileError:
    return ImportFileError(Message("importer.too_many_rows", {"max_rows": MAX_ROWS}))


def _too_many_columns() -> ImportFileError:
    return ImportFileError(Message("importer.too_many_columns", {"max_columns": MAX_COLUMNS}))


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
        raise ImportFileError(_EMPTY)
    at = next(
        (
            n
            for n, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS])
            if any(names_a_column(c) for c in cells)
        ),
        None,
    )
    if at is None:
        raise ImportFileError(Message("importer.no_header"))
    number, header = rows[at]
    if len(header) > MAX_COLUMNS:
        raise _too_many_columns()
    while header and not header[-1]:
        header.pop()
    if len(rows) - at - 1 > MAX_ROWS:
        raise _too_many_rows()
    return number, header, rows[at + 1 :]
