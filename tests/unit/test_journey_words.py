"""Words a CEO reads at once: one rounding everywhere, a position among peers that never calls a
weak score "top 90 %", and no change shown between different question sets, said in words."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from readiness.i18n import t
from readiness.models import Assessment
from readiness.results import (
    CompanyResults,
    earlier_submission,
    not_compared_sentence,
    peer_position,
    previous_assessment,
    result_csv,
    score_change,
    score_words,
    shown_score,
)
from tests.unit.test_results import tiny_results  # noqa: F401  (a fixture)


def _submitted(id_: int, month: int, *, mode: str = "full", version: str = "2.0") -> Assessment:
    return Assessment(
        id=id_,
        company_id=1,
        wave=2026,
        mode=mode,
        status="submitted",
        bank_version=version,
        overall=40.0,
        submitted_at=datetime(2026, month, 1, 9, 0, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("value", "shown"), [(33.6, 34), (33.5, 34), (32.5, 33), (32.4, 32), (0.0, 0), (99.5, 100)]
)
def test_a_score_is_shown_as_the_nearest_whole_number_halves_up(value: float, shown: int) -> None:
    assert shown_score(value) == shown
    assert score_words(value) == str(shown)


def test_a_change_is_the_difference_of_the_shown_scores() -> None:
    assert score_change(33.6, 35.4) == 1  # 34 -> 35, as the cards show them
    assert score_change(None, 35.4) is None


@pytest.mark.parametrize(
    ("percentile", "ko", "en"),
    [
        (95.0, "상위 5%", "top 5%"),
        (99.9, "상위 1%", "top 1%"),  # never "top 0 %"
        (50.0, "상위 50%", "top 50%"),
        (49.0, "하위 49%", "bottom 49%"),
        (10.0, "하위 10%", "bottom 10%"),  # a weak score: never "top 90 %"
        (0.2, "하위 1%", "bottom 1%"),
    ],
)
def test_position_among_peers_is_top_at_or_above_the_median_and_bottom_below(
    percentile: float, ko: str, en: str
) -> None:
    assert peer_position(percentile, "ko") == ko
    assert peer_position(percentile, "en") == en


def test_a_full_assessment_after_a_quick_scan_is_not_compared_and_says_why(
    tiny_results: CompanyResults,  # noqa: F811
) -> None:
    quick = _submitted(1, 3, mode="quick")
    full = _submitted(2, 4)
    submitted = [full, quick]
    assert previous_assessment(submitted, full) is None
    results = replace(
        tiny_results,
        assessment=full,
        previous=None,
        earlier=earlier_submission(submitted, full),
    )
    assert results.not_compared == "mode"
    ko = not_compared_sentence(results, "ko")
    assert ko is not None and "간편 진단이라" in ko and "비교하지 않습니다" in ko
    en = not_compared_sentence(results, "en")
    assert en is not None and "was a quick scan" in en and "not compared" in en


def test_an_earlier_assessment_of_another_question_set_is_not_compared(
    tiny_results: CompanyResults,  # noqa: F811
) -> None:
    old = _submitted(1, 3, version="1.0")
    new = _submitted(2, 4)
    assert previous_assessment([new, old], new) is None
    results = replace(tiny_results, assessment=new, previous=None, earlier=old)
    assert results.not_compared == "version"
    assert not_compared_sentence(results, "ko") == t(
        "journey.not_compared_version", "ko", wave=2026
    )


def test_a_comparable_earlier_assessment_needs_no_sentence(
    tiny_results: CompanyResults,  # noqa: F811
) -> None:
    first, second = _submitted(1, 3), _submitted(2, 4)
    assert previous_assessment([second, first], second) is first
    results = replace(tiny_results, assessment=second, previous=first, earlier=first)
    assert results.not_compared is None and not_compared_sentence(results, "ko") is None
    assert replace(tiny_results, earlier=None).not_compared is None


def test_csv_scores_are_rounded_as_the_page_shows_them(
    tiny_results: CompanyResults,  # noqa: F811
) -> None:
    a = tiny_results.assessment.model_copy(update={"overall": 33.5})
    data = result_csv(replace(tiny_results, assessment=a), tiny_results.bank, "ko")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[-1][3:] == ["score:overall", "", "", "", "34"]


@pytest.mark.parametrize(
    ("rank", "of", "ko", "en"),
    [
        (12, 47, "47개사 중 12위", "12th of 47"),
        (1, 19, "19개사 중 1위", "1st of 19"),
        (2, 8, "8개사 중 2위", "2nd of 8"),
        (3, 30, "30개사 중 3위", "3rd of 30"),
        (11, 40, "40개사 중 11위", "11th of 40"),
        (13, 100, "100개사 중 13위", "13th of 100"),
        (21, 60, "60개사 중 21위", "21st of 60"),
    ],
)
def test_in_a_group_of_up_to_100_the_position_is_a_place(
    rank: int, of: int, ko: str, en: str
) -> None:
    """ "상위 1%" among 18 peers reads as if there were a hundred: a small group gets a place."""
    assert peer_position(50.0, "ko", rank=rank, of=of) == ko
    assert peer_position(50.0, "en", rank=rank, of=of) == en


def test_in_a_larger_group_the_position_is_a_share() -> None:
    assert peer_position(80.0, "ko", rank=90, of=450) == "상위 20%"
    assert peer_position(30.0, "en", rank=300, of=450) == "bottom 30%"
