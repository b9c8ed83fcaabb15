"""Cells as member files really write them: head counts with their unit, full addresses."""

from __future__ import annotations

import pytest

from readiness.importer.cells import BadCell, parse_employees, parse_region, region_names


@pytest.mark.parametrize(
    ("text", "count"),
    [("45명", 45), ("45 명", 45), ("1,200명", 1200), ("1,200", 1200), ("12인", 12), ("7", 7)],
)
def test_a_head_count_written_with_its_unit_is_the_number_of_employees(
    text: str, count: int
) -> None:
    assert parse_employees(text) == count


@pytest.mark.parametrize("text", ["명", "45명명", "약 45명", "0명", "4.5명"])
def test_a_head_count_that_is_not_a_whole_number_is_still_refused(text: str) -> None:
    with pytest.raises(BadCell) as caught:
        parse_employees(text)
    assert "whole number of at least 1" in caught.value.message.render("en")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("충청남도 천안시 서북구 불당대로 123", "44"),
        ("서울특별시 강남구", "11"),
        ("경기 성남시 분당구", "41"),
        ("서울시 금천구 가산디지털1로 1", "11"),
        ("부산광역시", "26"),
        ("강원도 원주시", "51"),
        ("전라북도 전주시 덕진구", "52"),
        ("경남 창원시", "48"),
        ("세종특별자치시 한누리대로", "36"),
    ],
)
def test_a_full_address_gives_the_region_its_first_word_names(text: str, code: str) -> None:
    assert parse_region(text, region_names()) == code


@pytest.mark.parametrize("text", ["화성시 동탄대로 1", "천안시 서북구", "Seoul-ish", "충청 천안"])
def test_an_address_whose_first_word_names_no_region_is_refused_with_a_hint(text: str) -> None:
    with pytest.raises(BadCell) as caught:
        parse_region(text, region_names())
    message = caught.value.message
    assert "unknown region" in message.render("en") and "address" in message.render("en")
    assert "주소" in message.render("ko")
