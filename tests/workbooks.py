"""Hostile workbooks for the upload tests and bench/program_upload.py."""

from __future__ import annotations

import io
import zipfile


def _rewritten(data: bytes, sheet: str, rows: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            body = source.read(name)
            if name == sheet:
                body = body.replace(b"</sheetData>", rows + b"</sheetData>")
            target.writestr(name, body)
    return out.getvalue()


def far_cell(data: bytes, row: int, sheet: str = "xl/worksheets/sheet1.xml") -> bytes:
    """The .xlsx `data` with one cell far down `sheet`, at `row` (the file stays a few KB)."""
    cell = b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (row, row)
    return _rewritten(data, sheet, cell)


def with_rows(data: bytes, rows: int, sheet: str = "xl/worksheets/sheet1.xml") -> bytes:
    """The .xlsx `data` with `rows` more one-cell rows at the end of `sheet`, written as raw XML:
    a million of them zip to about 5 MB, well under the 20 MB upload limit."""
    extra = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (n, n)
        for n in range(1_000, 1_000 + rows)
    )
    return _rewritten(data, sheet, extra)
