from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readiness.bank import Bank, default_bank
from readiness.peers import is_straight_lined
from readiness.scoring import (
    AnswerError,
    dimension_scores,
    score_assessment,
)

BANK = default_bank()
ITEM_IDS = BANK.item_ids()


def test_hand_computed_scores(tiny_bank: Bank) -> None:
    answers = {"XA01": 5, "XA02": 2, "XA03": None, "XA04": 3}
    answers |= {"XB01": 1, "XB02": 1, "XB03": 1, "XB04": 1}
    result = score_assessment(tiny_bank, answers)
    xa, xb = result.pillars["XA"], result.pillars["XB"]
    # XA: 100 * (1*5 + 2*2 + 1*3) / (5 * (1 + 2 + 1)); XA03 is N/A.
    assert xa.score == pytest.approx(60.0)
    assert xa.completeness == 1.0
    assert (xa.levels, xa.min_levels) == (3, 3)  # ceil(0.66 x 4 items)
    assert xa.weakest_level == 2
    assert xb.score == pytest.approx(20.0)
    assert xb.completeness == 1.0
    # Overall: (3 * 60 + 1 * 20) / 4 with pillar weights 3 and 1.
    assert result.overall == pytest.approx(50.0)
    assert result.stage == "leading"
    assert result.bank_version == "test-1"


def test_gate_keeps_a_weak_pillar_out_of_champion(tiny_bank: Bank) -> None:
    strong = {f"XA0{n}": 5 for n in range(1, 5)}
    weak_b = {f"XB0{n}": 2 for n in range(1, 5)}  # XB = 40 < 50
    result = score_assessment(tiny_bank, strong | weak_b)
    assert result.overall == pytest.approx((3 * 100 + 40) / 4)  # 85: champion by score alone
    assert result.stage == "leading"
    passing_b = {f"XB0{n}": 3 for n in range(1, 5)}  # XB = 60
    assert score_assessment(tiny_bank, strong | passing_b).stage == "champion"


def test_a_pillar_short_of_levels_has_no_score_and_the_company_no_overall(tiny_bank: Bank) -> None:
    answers = {f"XA0{n}": 5 for n in range(1, 5)} | {"XB01": 5, "XB02": 5}
    answers |= {"XB03": None, "XB04": None}
    result = score_assessment(tiny_bank, answers)
    xb = result.pillars["XB"]
    assert xb.score is None and xb.completeness == 1.0
    assert (xb.levels, xb.min_levels, xb.missing_levels) == (2, 3, 1)
    assert result.pillars["XA"].score == pytest.approx(100.0)
    assert result.overall is None and result.stage is None
    assert result.unscored_pillars == ["XB"]
    assert result.to_dict()["pillars"]["XB"] == {
        "score": None,
        "completeness": 1.0,
        "weakest_level": 5,
        "scored": False,
        "levels": 2,
        "min_levels": 3,
    }


def test_na_is_refused_on_critical_items(tiny_bank: Bank) -> None:
    with pytest.raises(AnswerError, match="XB02: a critical item needs a level"):
        score_assessment(tiny_bank, {"XB02": None})
    assert score_assessment(tiny_bank, {"XB03": None}).pillars["XB"].answered == 1


def test_a_quick_scan_is_indicative_and_never_above_leading(tiny_bank: Bank) -> None:
    top = {f"{p}0{n}": 5 for p in ("XA", "XB") for n in range(1, 4)}
    quick = score_assessment(tiny_bank, top, mode="quick")
    assert quick.overall == pytest.approx(100.0)
    assert quick.stage == "leading" and quick.indicative
    assert quick.to_dict()["indicative"] is True and quick.to_dict()["mode"] == "quick"
    full = score_assessment(tiny_bank, top | {"XA04": 5, "XB04": 5})
    assert full.stage == "champion" and not full.indicative


def test_quick_mode_measures_completeness_on_quick_items(tiny_bank: Bank) -> None:
    answers = {"XA01": 3, "XA02": 3, "XA03": 3, "XB01": 1, "XB02": 1, "XB03": 1}
    quick = score_assessment(tiny_bank, answers, mode="quick")
    full = score_assessment(tiny_bank, answers, mode="full")
    assert quick.pillars["XA"].completeness == 1.0
    assert full.pillars["XA"].completeness == pytest.approx(0.75)
    assert quick.overall == full.overall


def test_nothing_answered_has_no_score(tiny_bank: Bank) -> None:
    result = score_assessment(tiny_bank, {})
    assert result.overall is None and result.stage is None
    assert all(p.score is None and p.completeness == 0 for p in result.pillars.values())


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"ZZ99": 3}, "unknown item id 'ZZ99'"),
        ({"XA01": 6}, "XA01: level must be an integer 0..5"),
        ({"XA01": -1}, "XA01: level must be an integer 0..5"),
        ({"XA01": 2.5}, "XA01: level must be an integer 0..5"),
        ({"XA01": True}, "XA01: level must be an integer 0..5"),
        ({"XA01": "3"}, "XA01: level must be an integer 0..5"),
    ],
)
def test_bad_answers_are_refused(tiny_bank: Bank, answers: dict, message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        score_assessment(tiny_bank, answers)


def test_dimension_scores_use_the_same_formula(tiny_bank: Bank) -> None:
    dims = dimension_scores(tiny_bank, {"XA01": 5, "XA02": 2, "XA03": 4})
    assert dims[("XA", "one")] == pytest.approx(60.0)
    assert dims[("XA", "two")] == pytest.approx(80.0)
    assert dims[("XB", "one")] is None


def test_straight_lining_needs_enough_identical_answers() -> None:
    assert is_straight_lined({f"I{n}": 3 for n in range(10)})
    assert not is_straight_lined({f"I{n}": 3 for n in range(5)})
    assert not is_straight_lined({f"I{n}": n % 2 for n in range(10)})


# --- properties on the shipped bank -------------------------------------------------------------

levels = st.one_of(st.none(), st.integers(min_value=0, max_value=5))
answer_sets = st.dictionaries(st.sampled_from(ITEM_IDS), levels, max_size=len(ITEM_IDS)).map(
    # N/A is not offered on critical items: such a draw becomes level 0.
    lambda d: {k: 0 if v is None and not BANK.item(k).allows_na else v for k, v in d.items()}
)


def test_one_item_at_the_top_is_no_result() -> None:
    """The finding: one level-5 answer, or one per pillar with the rest N/A, scored 100."""
    assert score_assessment(BANK, {"EXP01": 5}).overall is None
    one_each = {
        i.id: (5 if i.id in {"EXP01", "SRV01", "AI01", "COL01"} else None)
        for i in BANK.items
        if i.allows_na or i.id in {"EXP01", "SRV01", "AI01", "COL01"}
    }
    result = score_assessment(BANK, one_each)
    assert result.overall is None and result.stage is None
    assert all(p.score is None for p in result.pillars.values())


def test_a_perfect_quick_scan_is_not_a_global_champion() -> None:
    quick = {i: 5 for i in BANK.item_ids(quick_only=True)}
    result = score_assessment(BANK, quick, mode="quick")
    assert result.overall == pytest.approx(100)
    assert result.stage == BANK.method.quick_max_stage == "leading"


def test_all_zero_scores_zero_and_all_five_scores_hundred() -> None:
    zero = score_assessment(BANK, dict.fromkeys(ITEM_IDS, 0))
    five = score_assessment(BANK, dict.fromkeys(ITEM_IDS, 5))
    assert zero.overall == 0 and zero.stage == "beginner"
    assert all(p.score == 0 for p in zero.pillars.values())
    assert five.overall == pytest.approx(100) and five.stage == "champion"
    assert all(p.score == pytest.approx(100) for p in five.pillars.values())


@settings(max_examples=300, deadline=None)
@given(answers=answer_sets, data=st.data())
def test_raising_one_answer_never_lowers_any_score(answers: dict, data: st.DataObject) -> None:
    raisable = [k for k, v in answers.items() if v is not None and v < 5]
    if not raisable:
        return
    item_id = data.draw(st.sampled_from(raisable))
    before = score_assessment(BANK, answers)
    after = score_assessment(BANK, {**answers, item_id: answers[item_id] + 1})
    for pid in BANK.pillar_ids:
        b, a = before.pillars[pid].score, after.pillars[pid].score
        assert (b is None and a is None) or a >= b - 1e-9
    assert (before.overall is None) == (after.overall is None)
    if before.overall is None:
        return
    assert after.overall >= before.overall - 1e-9
    stage_order = [s.id for s in BANK.stages]
    assert stage_order.index(after.stage) >= stage_order.index(before.stage)


@settings(max_examples=300, deadline=None)
@given(answers=answer_sets, data=st.data())
def test_na_on_one_item_leaves_other_pillars_unchanged(answers: dict, data: st.DataObject) -> None:
    item_id = data.draw(st.sampled_from([i.id for i in BANK.items if i.allows_na]))
    pillar = BANK.item(item_id).pillar
    before = score_assessment(BANK, answers)
    after = score_assessment(BANK, {**answers, item_id: None})
    for pid in BANK.pillar_ids:
        if pid != pillar:
            assert after.pillars[pid] == before.pillars[pid]


@settings(max_examples=300, deadline=None)
@given(answers=answer_sets)
def test_scores_stay_in_range_and_the_gate_holds(answers: dict) -> None:
    result = score_assessment(BANK, answers)
    for p in result.pillars.values():
        assert p.score is None or 0 <= p.score <= 100 + 1e-9
        assert 0 <= p.completeness <= 1
    if result.stage == "champion":
        assert all(p.score is not None and p.score >= 50 for p in result.pillars.values())
        assert result.overall >= 75
