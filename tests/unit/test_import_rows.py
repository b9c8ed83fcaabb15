"""Rows as spreadsheets really hold them: totals lines, and every problem of a row at once."""

from __future__ import annotations

import pytest

from readiness.bank import Bank, default_bank
from readiness.importer import ParsedTable, Problem, parse_table, read_table


@pytest.fixture
def bank() -> Bank:
    return default_bank()


def parsed(*lines: str, bank: Bank) -> ParsedTable:
    return parse_table(read_table("\r\n".join(lines).encode(), "members.csv"), bank=bank)


def found(problems: list[Problem]) -> list[tuple[int, str, str, str]]:
    return [(p.row, p.column, p.severity, p.message.render("en")) for p in problems]


@pytest.mark.parametrize(
    "word", ["합계", "총계", "소계", " 합 계 ", "Total", "TOTAL", "Grand total"]
)
def test_a_totals_row_is_skipped_with_a_note_not_reported_as_errors(bank: Bank, word: str) -> None:
    result = parsed(
        "회사명,사업자등록번호,업종코드,종업원수,지역",
        "한빛정밀,124-81-00998,C29,45,경기도",
        "세진테크,,C26,12,서울",
        f"{word},,,57,",
        bank=bank,
    )
    assert [(row, column, severity) for row, column, severity, _ in found(result.problems)] == [
        (4, "회사명", "warning")
    ]
    assert "totals row" in result.problems[0].message.render("en")
    assert "합계 행" in result.problems[0].message.render("ko")
    assert len(result.members) == 2


def test_a_company_named_like_a_total_but_with_a_business_number_is_imported(bank: Bank) -> None:
    header = "회사명,사업자등록번호,업종코드,종업원수"
    result = parsed(header, "Total,124-81-00998,C29,45", bank=bank)
    assert result.problems == [] and len(result.members) == 1


def test_a_duplicate_result_that_has_another_error_reports_both(bank: Bank) -> None:
    result = parsed(
        "회사명,업종코드,종업원수,연도,EXP01,EXP02",
        "한빛정밀,C29,45,2025,3,2",
        "한빛정밀,C29,45,2025,9,2",
        bank=bank,
    )
    errors = [p for p in found(result.problems) if p[2] == "error"]
    assert [(row, column) for row, column, *_ in errors] == [(3, "EXP01"), (3, "회사명")]
    messages = [m for *_, m in errors]
    assert "level out of range" in messages[0]
    assert "duplicate: row 2 has the same company's full result for 2025" in messages[1]
    assert len(result.assessments) == 1


def test_a_duplicate_member_with_a_bad_cell_reports_both(bank: Bank) -> None:
    first, again = "한빛정밀,C29,45,10", "한빛정밀,C29,45,150"
    result = parsed("회사명,업종코드,종업원수,수출비중", first, again, bank=bank)
    assert [(row, column) for row, column, *_ in found(result.problems)] == [
        (3, "수출비중"),
        (3, "회사명"),
    ]


def test_a_row_missing_its_wave_that_is_all_not_applicable_reports_both(bank: Bank) -> None:
    result = parsed("회사명,업종코드,종업원수,연도,EXP01", "한빛정밀,C29,45,,N/A", bank=bank)
    assert [(row, column) for row, column, *_ in found(result.problems)] == [
        (2, "연도"),
        (2, "EXP01"),
    ]


def test_a_bad_wave_is_reported_once_not_also_as_missing(bank: Bank) -> None:
    result = parsed("회사명,업종코드,종업원수,연도,EXP01", "한빛정밀,C29,45,1999,3", bank=bank)
    assert [(row, column) for row, column, *_ in found(result.problems)] == [(2, "연도")]


def merged_region_workbook() -> bytes:
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["회사명", "업종코드", "종업원수", "지역"])
    sheet.append(["한빛정밀", "C29", 45, "경기도"])
    sheet.append(["세진테크", "C26", 12, None])
    sheet.append(["대성식품", "C10", 120, None])
    sheet.append(["동해금속", "C24", 30, None])
    sheet.merge_cells("D2:D4")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_region_blanked_by_a_merged_cell_is_a_warning_naming_its_row(bank: Bank) -> None:
    table = read_table(merged_region_workbook(), "members.xlsx")
    result = parse_table(table, bank=bank)
    assert [(row, column, severity) for row, column, severity, _ in found(result.problems)] == [
        (3, "지역", "warning"),
        (4, "지역", "warning"),
    ]
    message = result.problems[0].message
    assert "merged with row 2 (D2:D4)" in message.render("en")
    assert "셀 병합(D2:D4)" in message.render("ko")
    regions = {m.profile.name: m.profile.region for m in result.members.values()}
    assert regions == {"한빛정밀": "41", "세진테크": None, "대성식품": None, "동해금속": None}


def test_a_blank_region_outside_any_merged_range_is_just_blank(bank: Bank) -> None:
    table = read_table(merged_region_workbook(), "members.xlsx")
    assert table.merged_over(5, 3) is None and table.merged_over(2, 3) is None
    assert table.merged_over(4, 3) is not None and table.merged_over(3, 2) is None


@pytest.mark.parametrize("at", range(0, 12))
def test_the_scan_for_merged_cells_finds_the_word_across_chunk_edges(at: int) -> None:
    import io

    from readiness.importer.read import _mentions

    text = b"x" * at + b"mergeCell" + b"y" * 5
    assert _mentions(io.BytesIO(text), b"mergeCell", chunk=4)
    assert not _mentions(io.BytesIO(text.replace(b"C", b"c")), b"mergeCell", chunk=4)
