"""The programme catalog as a workbook (readiness/program_sheet.py): what staff download reads back
as the same catalog, formulas never run, and every problem is named by row and programme."""

from __future__ import annotations

import copy
import io
from typing import Any
from unittest import mock

from openpyxl import load_workbook

from readiness import program_sheet
from readiness.bank import default_bank
from readiness.program_sheet import COLUMNS, catalog_xlsx, problem_rows, read_catalog_xlsx
from readiness.programs import load_catalog, parse_catalog
from tests.workbooks import far_cell, with_rows

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


def _edited(cells: dict[tuple[int, str], str]) -> bytes:
    """The shipped catalog's workbook with the given (row, column) cells changed."""
    workbook = _workbook(catalog_xlsx(load_catalog()))
    for (row, column), value in cells.items():
        workbook["programs"].cell(row=row, column=COLUMNS.index(column) + 1, value=value)
    return _saved(workbook)


def test_every_problem_is_named_by_row_and_programme_and_no_catalog_comes_out() -> None:
    first_id = load_catalog().programs[0].id
    upload = read_catalog_xlsx(
        _edited(
            {
                (2, "size_bands"): "5-8",
                (3, "export"): "sometimes",
                (4, "id"): first_id,
                (5, "levels"): "AI03:4-1",
            }
        ),
        bank=BANK,
    )
    assert upload.catalog is None
    by_row = {p.row: p for p in upload.problems}
    assert "unknown size band '5-8'" in by_row[2].text("en") and by_row[2].column == "size_bands"
    assert "알 수 없는 규모 구간 '5-8'" in by_row[2].text("ko")
    assert by_row[3].column == "export" and "'exporter'" in by_row[3].text("en")
    assert "다음 중 하나여야 합니다" in by_row[3].text("ko")
    assert "also on row 2" in by_row[4].text("en") and "2행에도" in by_row[4].text("ko")
    assert (by_row[5].column, by_row[5].text("ko")) == ("levels", "최솟값이 최댓값보다 큽니다")


def test_a_member_of_staff_reads_each_problem_in_their_language_with_its_column() -> None:
    upload = read_catalog_xlsx(
        _edited(
            {
                (2, "valid_until"): "next spring",
                (3, "link"): "www.kotra.or.kr",
                (4, "name_en"): "  ",
                (5, "stage_max"): "expert",
                (6, "levels"): "AI03:two-4",
            }
        ),
        bank=BANK,
    )
    rows = {row: (column, text) for row, _, column, text in problem_rows(upload, "ko")}
    assert rows == {
        2: ("valid_until", "날짜가 아닙니다. 2026-12-31처럼 적으세요"),
        3: ("link", "링크는 https://로 시작하는 전체 주소여야 합니다"),
        4: ("name_en", "비어 있습니다. 이 칸은 꼭 채워야 합니다"),
        5: ("stage_max", rows[5][1]),
        6: ("levels", "수준은 0에서 5 사이의 정수입니다. AI03:2-4처럼 적으세요"),
    }
    assert rows[5][1].startswith("알 수 없는 단계 'expert'")
    english = [text for *_, text in problem_rows(upload, "en")]
    assert english[0] == "not a date: write it as 2026-12-31"
    assert not any("\uac00" <= ch <= "\ud7a3" for text in english for ch in text)


def test_a_file_that_is_no_workbook_or_lacks_a_column_is_refused() -> None:
    first = read_catalog_xlsx(b"id,name\n1,x\n", bank=BANK).problems[0]
    assert first.text("ko").startswith("읽을 수 있는 엑셀 파일(.xlsx)이 아닙니다")
    workbook = _workbook(catalog_xlsx(load_catalog()))
    workbook["programs"].delete_cols(COLUMNS.index("gaps") + 1)
    upload = read_catalog_xlsx(_saved(workbook), bank=BANK)
    assert upload.catalog is None
    assert upload.problems[0].text("en").startswith("Missing column(s): gaps.")
    assert upload.problems[0].text("ko").startswith("없는 열: gaps.")


def test_a_million_rows_zipped_small_are_refused_before_the_workbook_is_opened() -> None:
    big = with_rows(catalog_xlsx(load_catalog()), 1_000_000)
    assert len(big) < 20 * 1024 * 1024  # within the upload limit, so the page gets to read it
    with mock.patch("openpyxl.load_workbook") as opened:
        upload = read_catalog_xlsx(big, bank=BANK)
    opened.assert_not_called()  # opening alone scanned the sheet for 7 s
    assert upload.catalog is None and len(upload.problems) == 1
    assert (
        upload.problems[0]
        .text("en")
        .startswith("The workbook unpacks to 69 MB, more than the 8 MB")
    )
    assert upload.problems[0].text("ko").startswith("이 파일은 압축을 풀면 69 MB로")


def test_a_sheet_of_more_rows_than_programmes_is_refused_after_reading_the_first_rows() -> None:
    many = with_rows(catalog_xlsx(load_catalog()), 20_000)
    seen: list[int] = []
    original = program_sheet._cell
    with mock.patch.object(
        program_sheet, "_cell", side_effect=lambda v: seen.append(1) or original(v)
    ):
        upload = read_catalog_xlsx(many, bank=BANK)
    assert upload.catalog is None and len(upload.problems) == 1
    assert upload.problems[0].text("en").startswith("The sheet programs has more than 500 rows")
    # It stopped after 502 programme rows (the added rows start at row 1,000), not after 20,000.
    assert len(seen) < 2_000 * program_sheet.MAX_COLUMNS


def test_one_cell_far_down_the_sheet_is_refused_without_walking_the_rows_above_it() -> None:
    """openpyxl yields every empty row above the last one written: a few KB could cost seconds."""
    far = catalog_xlsx(load_catalog())
    far = far_cell(far, row=1_048_000)
    seen: list[int] = []
    original = program_sheet._cell
    with mock.patch.object(
        program_sheet, "_cell", side_effect=lambda v: seen.append(1) or original(v)
    ):
        upload = read_catalog_xlsx(far, bank=BANK)
    assert upload.catalog is None
    assert upload.problems[0].problem.key == "program_sheet.too_many_rows"
    assert len(seen) < (program_sheet.MAX_ROW_NUMBER + 100) * program_sheet.MAX_COLUMNS


def test_a_catalog_for_another_question_bank_or_without_a_version_is_refused() -> None:
    workbook = _workbook(catalog_xlsx(load_catalog()))
    meta = workbook["catalog"]
    meta.cell(row=2, column=2, value="")  # version
    meta.cell(row=3, column=2, value="1.0")  # bank
    upload = read_catalog_xlsx(_saved(workbook), bank=BANK)
    assert upload.catalog is None
    assert [p.text("en") for p in upload.problems] == [
        "Sheet catalog: version is missing",
        f"Sheet catalog: the catalog is written for question bank 1.0; this app uses bank "
        f"{BANK.version}",
    ]
    assert upload.problems[1].text("ko").startswith("시트 catalog: 문항 은행 1.0용 카탈로그입니다")
