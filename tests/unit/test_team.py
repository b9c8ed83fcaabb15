"""The team's consensus rule and its divergence agenda (readiness/team.py)."""

from __future__ import annotations

import pytest

from readiness.bank import Bank, default_bank
from readiness.team import Response, consensus, consensus_level, divergence, team_items

ALL = ("EXP", "SRV", "AI", "COL")


@pytest.fixture(scope="module")
def bank() -> Bank:
    return default_bank()


def test_an_odd_count_takes_the_middle_level() -> None:
    assert consensus_level([1, 4, 2]) == 2
    assert consensus_level([5]) == 5


def test_an_even_count_takes_the_lower_of_the_two_middle_levels() -> None:
    assert consensus_level([1, 4]) == 1
    assert consensus_level([0, 2, 3, 5]) == 2
    assert consensus_level([3, 3, 4, 4]) == 3


def test_not_applicable_only_when_a_majority_says_so() -> None:
    assert consensus_level([None, None, 3]) is None
    assert consensus_level([None]) is None
    # Half is not a majority: the levels decide, the N/A answers left out.
    assert consensus_level([None, None, 1, 4]) == 1
    assert consensus_level([None, 2, 4]) == 2


def test_an_item_without_answers_has_no_consensus() -> None:
    with pytest.raises(ValueError):
        consensus_level([])


def test_an_item_is_decided_by_the_respondents_assigned_to_its_pillar(bank: Bank) -> None:
    ceo = Response("CEO", ALL, {"EXP02": 1, "AI04": 1})
    export = Response("Export manager", ("EXP",), {"EXP02": 4, "AI04": 5})  # AI04 is not theirs
    cto = Response("CTO", ("AI",), {"AI04": 3})
    team = consensus(bank, [ceo, export, cto])
    assert team == {"EXP02": 1, "AI04": 1}  # EXP02: lower of 1 and 4; AI04: lower of 1 and 3
    assert consensus(bank, [export, cto]) == {"EXP02": 4, "AI04": 3}


def test_items_nobody_answered_are_left_out(bank: Bank) -> None:
    team = consensus(bank, [Response("CEO", ALL, {"COL02": 2})])
    assert team == {"COL02": 2}


def test_team_items_keep_each_answer_with_its_respondent(bank: Bank) -> None:
    items = team_items(
        bank, [Response("CEO", ALL, {"EXP02": None}), Response("CTO", ALL, {"EXP02": 3})]
    )
    assert [(ti.item_id, ti.answers, ti.consensus, ti.spread) for ti in items] == [
        ("EXP02", (("CEO", None), ("CTO", 3)), 3, 0)
    ]


def test_divergence_lists_items_two_levels_apart_most_important_first(bank: Bank) -> None:
    assert bank.item("EXP01").weight > bank.item("EXP02").weight == bank.item("EXP03").weight
    ceo = Response("CEO", ALL, {"EXP01": 2, "EXP02": 0, "EXP03": 1, "EXP04": 2, "AI02": 0})
    cto = Response("CTO", ALL, {"EXP01": 4, "EXP02": 5, "EXP03": 4, "EXP04": 3, "AI02": 5})
    agenda = divergence(bank, [ceo, cto])
    # EXP04 differs by one level only; AI02 weighs least though it differs most.
    assert [(ti.item_id, ti.spread) for ti in agenda] == [
        ("EXP01", 2),
        ("EXP02", 5),
        ("EXP03", 3),
        ("AI02", 5),
    ]


def test_not_applicable_answers_do_not_count_towards_the_spread(bank: Bank) -> None:
    ceo = Response("CEO", ALL, {"EXP02": None})
    cto = Response("CTO", ALL, {"EXP02": 5})
    plant = Response("Plant", ALL, {"EXP02": 4})
    assert divergence(bank, [ceo, cto, plant]) == []
    assert divergence(bank, []) == []
