"""Reading member files and checking them row by row (no database: see tests/store for that)."""

from __future__ import annotations

import io
import os
import zipfile

import openpyxl
import pytest

from readiness import importer
from readiness.bank import Bank, default_bank
from readiness.exports import csv_bytes, neutralise, unneutralise, xlsx_bytes
from readiness.i18n import LANGS
from readiness.importer import (
    MAX_BYTES,
    ImportFileError,
    Problem,
    map_columns,
    parse_table,
    read_table,
    template_csv,
    template_header,
    template_xlsx,
)
from readiness.importer.cells import parse_flag, parse_level, parse_mode
from readiness.member_file import FIELDS, flag_words, mode_words, not_applicable_word

KO_HEADER = "회사명,사업자등록번호,업종코드,종업원수,지역,수출비중,연도,유형,EXP01,EXP02,SRV02"
EN_HEADER = "name,biz_no,ksic,employees,region,export_share,wave,mode,EXP01,EXP02,SRV02"
ROWS = [
    "한빛정밀,124-81-00998,C29,45,경기도,35%,2025,정밀,3,N/A,2",
    "(주)세진테크,,C26,12,서울,10,2025,간편,4,,해당없음",
    "대성식품,,10,120,부산광역시,,,,,,",
]


@pytest.fixture
def bank() -> Bank:
    return default_bank()


def csv_file(*lines: str, encoding: str = "utf-8") -> bytes:
    return "\r\n".join(lines).encode(encoding)


def parsed(data: bytes, bank: Bank, filename: str = "members.csv") -> importer.ParsedTable:
    return parse_table(read_table(data, filename), bank=bank)


def errors(problems: list[Problem]) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.message.render("en")) for p in problems if p.severity == "error"]


# --- encodings, delimiters, formats --------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp949", "euc-kr", "utf-16"])
def test_each_encoding_of_the_same_korean_content_parses_identically(encoding: str) -> None:
    reference = read_table(csv_file(KO_HEADER, *ROWS), "members.csv")
    table = read_table(csv_file(KO_HEADER, *ROWS, encoding=encoding), "members.csv")
    assert table.header == reference.header
    assert table.rows == reference.rows
    assert table.rows[0][1][0] == "한빛정밀"
    expected = {"utf-8-sig": "utf-8-sig", "utf-16": "utf-16", "utf-8": "utf-8"}
    assert table.encoding == expected.get(encoding, "cp949")


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated_files_are_detected(delimiter: str) -> None:
    lines = [line.replace(",", delimiter) for line in (KO_HEADER, *ROWS)]
    table = read_table(csv_file(*lines), "members.txt")
    assert table.rows == read_table(csv_file(KO_HEADER, *ROWS), "members.csv").rows


def test_quoted_commas_and_line_breaks_stay_inside_their_cell() -> None:
    data = csv_file("회사명,업종코드,종업원수", '"한빛, 정밀",C29,45', "", '"세진\n테크",C26,3')
    table = read_table(data, "m.csv")
    assert [r for _, r in table.rows] == [["한빛, 정밀", "C29", "45"], ["세진\n테크", "C26", "3"]]
    assert [n for n, _ in table.rows] == [2, 4]  # blank row 3 skipped; numbered as Excel shows


def test_xlsx_and_csv_with_the_same_cells_parse_identically(bank: Bank) -> None:
    rows = [line.split(",") for line in ROWS]
    workbook = xlsx_bytes(KO_HEADER.split(","), rows, sheet="회원")
    from_xlsx = parsed(workbook, bank, "members.xlsx")
    from_csv = parsed(csv_file(KO_HEADER, *ROWS), bank)
    assert from_xlsx.table.kind == "xlsx"
    assert from_xlsx.members == from_csv.members
    assert from_xlsx.assessments == from_csv.assessments


def test_xlsx_numbers_and_percent_formatted_cells_read_as_the_user_sees_them(bank: Bank) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["회사명", "업종코드", "종업원수", "수출비중", "사업자등록번호", "연도", "EXP01"])
    ws.append(["한빛정밀", "C29", 45.0, 0.35, 1248100998, 2025, 3.0])
    ws["D2"].number_format = "0%"
    buffer = io.BytesIO()
    wb.save(buffer)
    result = parsed(buffer.getvalue(), bank, "m.xlsx")
    assert errors(result.problems) == []
    [member] = result.members.values()
    assert member.profile.employees == 45
    assert member.profile.export_share == pytest.approx(0.35)
    assert member.profile.biz_no == "1248100998"
    assert result.assessments[0].answers == {"EXP01": 3}


# --- files that cannot be read -------------------------------------------------------------------


def test_a_file_over_20_mb_is_refused_before_reading() -> None:
    with pytest.raises(ImportFileError) as caught:
        read_table(b"a" * (MAX_BYTES + 1), "big.csv")
    assert "larger than 20 MB" in caught.value.message.render("en")
    assert "20MB" in caught.value.message.render("ko")


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (os.urandom(4096), "members.xlsx", "not a readable .xlsx file"),
        (b"PK\x03\x04" + os.urandom(2000), "members.csv", "not a readable .xlsx file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(500), "old.xls", "old Excel .xls"),
        (b"\x00\x01\x02\x03" * 500, "members.csv", "not a CSV text file"),
        (b"name\n" + b"x" * 200_000, "members.csv", "The CSV cannot be read"),
        (b"", "members.csv", "empty"),
        (b"\r\n , ,\r\n", "members.csv", "empty"),
    ],
    ids=["random-xlsx", "broken-zip", "xls", "binary-csv", "huge-cell", "empty", "blank"],
)
def test_unreadable_files_give_a_plain_message(data: bytes, filename: str, expected: str) -> None:
    with pytest.raises(ImportFileError) as caught:
        read_table(data, filename)
    assert expected in caught.value.message.render("en")
    assert caught.value.message.render("ko") not in ("", caught.value.message.key)
    assert "Traceback" not in str(caught.value)


def test_a_title_above_the_header_is_skipped_and_rows_keep_their_numbers(bank: Bank) -> None:
    data = csv_file("2025년 회원 명단,,", ",,", "회사명,업종코드,종업원수", "한빛정밀,C29,45")
    table = read_table(data, "m.csv")
    assert (table.header_row, table.header) == (3, ["회사명", "업종코드", "종업원수"])
    assert table.rows == [(4, ["한빛정밀", "C29", "45"])]


def test_a_file_whose_first_rows_name_no_column_has_no_header() -> None:
    with pytest.raises(ImportFileError) as caught:
        read_table(csv_file("한빛정밀,C29,45", "세진테크,C26,12"), "m.csv")
    assert "No header row found" in caught.value.message.render("en")


def test_a_header_without_rows_is_a_warning_not_an_error(bank: Bank) -> None:
    result = parsed(csv_file(KO_HEADER), bank)
    assert [(p.row, p.severity) for p in result.problems] == [(1, "warning")]
    assert result.members == {}


# --- headers -------------------------------------------------------------------------------------


def test_korean_and_english_headers_give_the_same_members_and_results(bank: Bank) -> None:
    korean = parsed(csv_file(KO_HEADER, *ROWS), bank)
    english = parsed(csv_file(EN_HEADER, *ROWS), bank)
    assert errors(korean.problems) == errors(english.problems) == []
    assert korean.members == english.members
    assert korean.assessments == english.assessments
    assert len(korean.members) == 3 and len(korean.assessments) == 2


def test_headers_match_whatever_their_case_spacing_units_or_alias(bank: Bank) -> None:
    header = [
        " Company ",
        "BIZ NO",
        "업종",
        "직원수",
        "Region",
        "Export Share (%)",
        "Year",
        "exp01",
    ]
    columns = map_columns(header, bank=bank)
    assert columns.problems == []
    assert set(columns.fields) == {
        "name",
        "biz_no",
        "ksic",
        "employees",
        "region",
        "export_share",
        "wave",
    }
    assert columns.items == {"EXP01": 7}


def test_unknown_columns_warn_but_unknown_item_ids_are_errors(bank: Bank) -> None:
    result = parsed(csv_file("회사명,업종코드,종업원수,비고,EXP99", "한빛정밀,C29,45,메모,3"), bank)
    assert [(p.row, p.column, p.severity) for p in result.problems] == [
        (1, "EXP99", "error"),
        (1, "비고", "warning"),
    ]
    assert "unknown item id EXP99" in result.problems[0].message.render("en")


def test_a_missing_required_column_is_reported_once_on_the_header(bank: Bank) -> None:
    result = parsed(csv_file("회사명,업종코드", "한빛정밀,C29", "세진테크,C26"), bank)
    assert errors(result.problems) == [(1, "종업원수 / employees", "required column is missing")]


def test_two_columns_for_the_same_field_are_an_error(bank: Bank) -> None:
    result = parsed(csv_file("회사명,name,업종코드,종업원수", "a,b,C29,4"), bank)
    assert errors(result.problems) == [(1, "name", "duplicate column: the same as column 회사명")]


def test_columns_our_exports_compute_are_recognised_and_skipped(bank: Bank) -> None:
    result = parsed(csv_file("회사명,업종코드,업종명,종업원수,종합점수", "a,C29,기계,4,55.2"), bank)
    assert result.problems == []
    assert result.columns.ignored == ["업종명", "종합점수"]


# --- every problem by row and column -------------------------------------------------------------

HEADER = "회사명,사업자등록번호,업종코드,종업원수,지역,수출비중,매출규모,연도,유형,EXP01,EXP02"
GOOD = [
    "한빛정밀",
    "124-81-00998",
    "C29",
    "45",
    "경기도",
    "35",
    "10억-50억 원",
    "2025",
    "정밀",
    "3",
    "2",
]


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("사업자등록번호", "124-81-00999", "check digit does not match"),
        ("사업자등록번호", "12-345", "has 10 digits"),
        ("업종코드", "C99", "unknown KSIC code"),
        ("업종코드", "A01", "unknown KSIC code"),
        ("종업원수", "0", "whole number of at least 1"),
        ("종업원수", "12.5", "whole number of at least 1"),
        ("종업원수", "many", "whole number of at least 1"),
        ("수출비중", "150", "percentage from 0 to 100"),
        ("수출비중", "-1%", "percentage from 0 to 100"),
        ("지역", "화성", "unknown region"),
        ("매출규모", "huge", "unknown revenue band"),
        ("연도", "1999", "wave must be a year from 2000 to 2100"),
        ("연도", "2025.5", "wave must be a year"),
        ("유형", "deep", "mode must be full"),
        ("EXP01", "6", "level out of range 0-5"),
        ("EXP01", "-1", "level out of range 0-5"),
        ("EXP02", "2.5", "must be a whole number"),
        ("EXP02", "good", "a level is a whole number 0-5, N/A or blank"),
        ("회사명", "가" * 121, "too long: at most 120 characters"),
        ("회사명", "한빛\x07정밀", "control characters"),
        ("회사명", "", "required value is missing"),
        ("업종코드", "", "required value is missing"),
        ("종업원수", "", "required value is missing"),
    ],
)
def test_each_problem_is_reported_at_its_row_and_column(
    bank: Bank, column: str, value: str, message: str
) -> None:
    bad = list(GOOD)
    bad[HEADER.split(",").index(column)] = value
    other = ["세진테크", "", "C26", "12", "", "", "", "2025", "간편", "4", ""]
    data = csv_bytes(HEADER.split(","), [other, bad])
    found = errors(parsed(data, bank).problems)
    assert len(found) == 1, found
    assert found[0][:2] == (3, column)
    assert message in found[0][2]


def test_messages_come_in_korean_and_english(bank: Bank) -> None:
    bad = list(GOOD)
    bad[2] = "C99"
    [problem] = parsed(csv_bytes(HEADER.split(","), [bad]), bank).problems
    assert problem.describe("en") == (
        "row 2, column 업종코드: unknown KSIC code 'C99': use a manufacturing division C10-C34"
    )
    assert problem.describe("ko").startswith("2행, 업종코드 열: 알 수 없는 업종코드입니다")


def test_the_same_company_twice_for_the_same_wave_is_a_duplicate(bank: Bank) -> None:
    again = list(GOOD)
    again[9] = "5"
    other_wave = list(GOOD)
    other_wave[7] = "2024"
    quick = list(GOOD)
    quick[8] = "간편"
    data = csv_bytes(HEADER.split(","), [GOOD, other_wave, quick, again])
    result = parsed(data, bank)
    assert errors(result.problems) == [
        (5, "회사명", "duplicate: row 2 has the same company's full result for 2025")
    ]
    assert [(a.wave, a.mode) for a in result.assessments] == [
        (2025, "full"),
        (2024, "full"),
        (2025, "quick"),
    ]


def test_a_member_listed_twice_without_results_is_a_duplicate(bank: Bank) -> None:
    data = csv_file("회사명,업종코드,종업원수", "한빛정밀,C29,45", "한빛정밀, C29 ,46")
    assert errors(parsed(data, bank).problems) == [
        (3, "회사명", "duplicate: the same company is on row 2")
    ]


def test_answers_need_a_wave_and_at_least_one_level(bank: Bank) -> None:
    data = csv_file(
        "회사명,업종코드,종업원수,연도,EXP01,EXP02",
        "한빛정밀,C29,45,,3,",
        "세진테크,C26,12,2025,N/A,해당없음",
    )
    found = errors(parsed(data, bank).problems)
    assert [(row, column) for row, column, _ in found] == [(2, "연도"), (3, "EXP01")]
    assert "needs its wave" in found[0][2]
    assert "all are N/A" in found[1][2]


def test_a_wave_without_answers_records_no_result_and_says_so(bank: Bank) -> None:
    result = parsed(csv_file("회사명,업종코드,종업원수,연도,EXP01", "한빛정밀,C29,45,2025,"), bank)
    assert [(p.row, p.column, p.severity) for p in result.problems] == [(2, "연도", "warning")]
    assert result.assessments == [] and len(result.members) == 1


def test_a_quick_scan_answering_items_outside_it_is_warned_about(bank: Bank) -> None:
    outside = next(i.id for i in bank.items if not i.quick)
    inside = bank.item_ids(quick_only=True)  # every pillar scored: no other warning
    data = csv_file(
        f"회사명,업종코드,종업원수,연도,유형,{','.join(inside)},{outside}",
        "a,C29,4,2025,간편," + ",".join("3" for _ in inside) + ",4",
    )
    result = parsed(data, bank)
    assert [(p.column, p.severity) for p in result.problems] == [("유형", "warning")]
    assert outside in result.problems[0].message.render("en")


# --- values --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["N/A", "n/a", "NA", "해당없음", "해당 없음"])
def test_not_applicable_words_are_recorded_as_not_applicable(bank: Bank, text: str) -> None:
    data = csv_file("회사명,업종코드,종업원수,연도,EXP02,EXP01,EXP03", f"a,C29,4,2025,{text},3,")
    [result] = parsed(data, bank).assessments
    assert result.answers == {"EXP02": None, "EXP01": 3}  # blank EXP03 stays unanswered


@pytest.mark.parametrize(
    ("text", "code"),
    [("41", "41"), ("경기도", "41"), ("경기", "41"), ("gyeonggi", "41"), ("충북", "43")],
)
def test_regions_are_accepted_by_code_korean_english_or_short_name(
    bank: Bank, text: str, code: str
) -> None:
    result = parsed(csv_file("회사명,업종코드,종업원수,지역", f"a,C29,4,{text}"), bank)
    [member] = result.members.values()
    assert member.profile.region == code


def test_scores_are_computed_by_the_published_method(bank: Bank) -> None:
    from readiness.scoring import score_assessment

    [result, _] = parsed(csv_file(KO_HEADER, *ROWS), bank).assessments
    assert result.answers == {"EXP01": 3, "EXP02": None, "SRV02": 2}
    assert result.result == score_assessment(bank, result.answers, mode="full")


def test_later_rows_of_a_company_update_it_but_blank_cells_never_clear(bank: Bank) -> None:
    data = csv_file(
        "회사명,사업자등록번호,업종코드,종업원수,지역,수출비중,연도,EXP01",
        "한빛정밀,124-81-00998,C29,40,경기도,20,2024,2",
        "한빛정밀,1248100998,C29,45,,,2025,3",
    )
    [member] = parsed(data, bank).members.values()
    assert member.profile.employees == 45
    assert member.profile.region == "41"
    assert member.profile.export_share == pytest.approx(0.2)


def test_text_neutralised_by_our_exports_reads_back_as_written(bank: Bank) -> None:
    name = '=HYPERLINK("http://x","y")'
    data = csv_bytes(["회사명", "업종코드", "종업원수"], [[name, "C29", 4]])
    assert b"'=HYPERLINK" in data
    [member] = parsed(data, bank).members.values()
    assert member.profile.name == name
    assert unneutralise(neutralise(name)) == name
    assert unneutralise("'quoted") == "'quoted"


# --- template ------------------------------------------------------------------------------------


def test_the_csv_template_is_one_korean_header_row_that_imports_cleanly(bank: Bank) -> None:
    data = template_csv(bank)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines() == [",".join(template_header(bank))]
    assert text.startswith("회사명,사업자등록번호,업종코드,종업원수,지역,수출비중(%)")
    columns = map_columns(template_header(bank), bank=bank)
    assert columns.problems == []
    assert list(columns.items) == bank.item_ids()


def test_the_xlsx_template_explains_every_column_and_item_in_both_languages(bank: Bank) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(template_xlsx(bank)))
    data, help_sheet, codes = wb.worksheets
    assert [c.value for c in data[1]] == template_header(bank)
    assert data.freeze_panes == "A2"
    assert help_sheet.title == "설명 · Help"
    rows = {r[0]: r for r in help_sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["회사명"][2] == "필수 / required" and rows["지역"][2] is None
    for item in bank.items:
        assert item.text.ko in rows[item.id][3] and item.text.en in rows[item.id][4]
    kinds = {r[1] for r in codes.iter_rows(min_row=2, values_only=True)}
    assert {"C29", "41", "full"} <= kinds
    assert parsed(template_xlsx(bank), bank, "template.xlsx").problems[0].severity == "warning"


# --- spreadsheet safety --------------------------------------------------------------------------


def test_xlsx_cells_that_look_like_formulas_are_string_cells_without_an_apostrophe() -> None:
    data = xlsx_bytes(["회사명", "점수"], [['=HYPERLINK("http://evil","x")', 42.5], ["+1", 1]])
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws["A2"].value == '=HYPERLINK("http://evil","x")' and ws["A2"].data_type == "s"
    assert ws["A3"].value == "+1" and ws["A3"].data_type == "s"
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert ws.auto_filter.ref == "A1:B3"
    assert ws["B2"].value == 42.5
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width >= 10


@pytest.mark.parametrize("lang", LANGS)
def test_the_words_our_exports_write_read_back_in_every_language(lang: str, bank: Bank) -> None:
    assert {value: parse_flag(word) for value, word in flag_words(lang).items()} == {
        True: True,
        False: False,
    }
    assert parse_level(not_applicable_word(lang)) is None
    assert {mode: parse_mode(word) for mode, word in mode_words(lang).items()} == {
        "full": "full",
        "quick": "quick",
    }
    columns = map_columns([f.header(lang) for f in FIELDS], bank=bank)
    assert list(columns.fields) == [f.key for f in FIELDS] and not columns.problems


def test_not_applicable_on_a_critical_item_is_an_error_at_its_cell(bank: Bank) -> None:
    critical = next(i.id for i in bank.items if i.critical)
    data = csv_file(f"회사명,업종코드,종업원수,연도,EXP02,{critical}", "a,C29,4,2025,3,해당없음")
    result = parsed(data, bank)
    assert [(p.row, p.column, p.severity) for p in result.problems] == [(2, critical, "error")]
    assert critical in result.problems[0].message.render("ko")
    assert "cannot be N/A" in result.problems[0].message.render("en")
    assert result.assessments == []


def test_answers_too_few_for_any_pillar_score_are_kept_with_a_warning(bank: Bank) -> None:
    data = csv_file("회사명,업종코드,종업원수,연도,EXP01,EXP02", "a,C29,4,2025,3,3")
    result = parsed(data, bank)
    [problem] = result.problems
    assert (problem.severity, problem.message.key) == ("warning", "importer.nothing_scored")
    assert "EXP 2/13" in problem.message.render("en")
    [assessment] = result.assessments
    assert assessment.result.overall is None and assessment.answers == {"EXP01": 3, "EXP02": 3}


def test_a_scored_result_below_the_completeness_rule_is_flagged_incomplete(bank: Bank) -> None:
    """Issue #14: every pillar scored (two thirds of its items with a level) but under 80 % of
    items answered overall: imported, and the preview says it is left out of norms and figures."""
    import math

    chosen = [
        item.id
        for pillar in bank.pillars
        for item in bank.items_of(pillar.id)[: math.ceil(0.7 * len(bank.items_of(pillar.id)))]
    ]
    data = csv_file(
        "회사명,업종코드,종업원수,연도," + ",".join(chosen),
        "a,C29,4,2025," + ",".join(str(1 + n % 5) for n in range(len(chosen))),
    )
    result = parsed(data, bank)
    [problem] = result.problems
    assert (problem.severity, problem.message.key) == ("warning", "importer.incomplete")
    assert f"only {len(chosen)} of {len(bank.item_ids())} items" in problem.message.render("en")
    [assessment] = result.assessments
    assert assessment.result.overall is not None
