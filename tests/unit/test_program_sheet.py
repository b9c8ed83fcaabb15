"""The programme catalog as a workbook (readiness/program_sheet.py): what staff download reads back
as the same catalog, formulas never run, and every problem is named by row and programme."""

from __future__ import annotations

import copy
import io
from typing import Any

from openpyxl import load_workbook

from readiness.bank import default_bank
from readiness.program_sheet import COLUMNS, catalog_xlsx, read_catalog_xlsx
from readiness.programs import load_catalog, parse_catalog

BANK = default_bank()


def _workbook(data: bytes) -> Any:
    return load_workbook(io.BytesIO(data))


def _saved(workbook: Any) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_the_downloaded_workbook_reads_back_as_the_same_catalog() -> None:
    upload = read_catalog_xlsx(catalog_xlsx(load_catalog()), bank=BANK)
    assert upload.ok and upload.rows == len(load_catalog().programs)
    assert upload.catalog == load_catalog()


def test_levels_certifications_and_formula_like_text_survive_the_round_trip() -> None:
    raw = load_catalog().model_dump(mode="json")
    raw["programs"][0]["name"]["en"] = "=HYPERLINK(1)"
    raw["programs"][0]["eligible"]["levels"] = {"AI03": {"min": 2}, "AI01": {"max": 1}}
    raw["programs"][0]["eligible"]["certifications"] = ["innobiz"]
    catalog = parse_catalog(copy.deepcopy(raw), bank=BANK)
    data = catalog_xlsx(catalog)
    cell = _workbook(data)["programs"].cell(row=2, column=COLUMNS.index("name_en") + 1)
    # A string cell: a spreadsheet shows it as text, never runs it (and shows no apostrophe).
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(1)"
    assert read_catalog_xlsx(data, bank=BANK).catalog == catalog


def test_every_problem_is_named_by_row_and_programme_and_no_catalog_comes_out() -> None:
    workbook = _workbook(catalog_xlsx(load_catalog()))
    sheet = workbook["programs"]
    col = {name: COLUMNS.index(name) + 1 for name in COLUMNS}
    sheet.cell(row=2, column=col["size_bands"], value="5-8")
    sheet.cell(row=3, column=col["export"], value="sometimes")
    sheet.cell(row=4, column=col["id"], value=sheet.cell(row=2, column=col["id"]).value)
    sheet.cell(row=5, column=col["levels"], value="AI03:4-1")
    upload = read_catalog_xlsx(_saved(workbook), bank=BANK)
    assert upload.catalog is None
    by_row = {p.row: p.problem for p in upload.problems}
    assert "unknown size band '5-8'" in by_row[2]
    assert "eligible.export" in by_row[3]
    assert "also on row 2" in by_row[4]
    assert "min is above max" in by_row[5]


def test_a_file_that_is_no_workbook_or_lacks_a_column_is_refused() -> None:
    assert read_catalog_xlsx(b"id,name\n1,x\n", bank=BANK).problems[0].problem.startswith("not an")
    workbook = _workbook(catalog_xlsx(load_catalog()))
    workbook["programs"].delete_cols(COLUMNS.index("gaps") + 1)
    upload = read_catalog_xlsx(_saved(workbook), bank=BANK)
    assert upload.catalog is None
    assert upload.problems[0].problem == "missing column(s): gaps"
