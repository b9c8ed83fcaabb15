"""Next steps on the shipped bank: importance per dimension, critical items first, export."""

from __future__ import annotations

import pytest

from readiness.advice import CRITICAL_BELOW, next_steps
from readiness.bank import Bank, default_bank

BANK = default_bank()


def _answers(levels: dict[str, int], default: int) -> dict[str, int | None]:
    """Every item at `default`, pillars or items overridden by `levels` (item ids win)."""
    out: dict[str, int | None] = {}
    for item in BANK.items:
        out[item.id] = levels.get(item.id, levels.get(item.pillar, default))
    return out


def test_a_domestic_maker_weakest_in_export_is_told_to_export_first() -> None:
    """The finding: a domestic food maker with export at 4.5/100 got no export step."""
    answers = _answers({"EXP": 0, "EXP01": 1, "EXP07": 1, "EXP06": 1}, default=3)
    steps = next_steps(BANK, answers, peer_p75={"EXP": 40, "SRV": 60, "AI": 60, "COL": 60})
    assert [s.pillar for s in steps] == ["EXP", "EXP", "EXP"]
    # The critical export items (plan, certification, payment risk) come first.
    assert {s.item_id for s in steps} == {"EXP01", "EXP07", "EXP15"}
    assert all(s.critical for s in steps)
    answers |= {"EXP01": 3, "EXP07": 3, "EXP15": 3}  # critical ones fixed: the largest gaps next
    steps = next_steps(BANK, answers, peer_p75={"EXP": 40, "SRV": 60, "AI": 60, "COL": 60})
    assert [s.pillar for s in steps] == ["EXP", "EXP", "EXP"] and not any(s.critical for s in steps)


@pytest.mark.parametrize("weak", ["SRV", "AI", "COL"])
def test_the_weakest_pillar_leads_whichever_it_is(weak: str) -> None:
    answers = _answers({weak: 1}, default=4)
    steps = next_steps(BANK, answers)
    assert steps[0].pillar == weak
    assert all(s.pillar == weak for s in steps)


def test_importance_is_the_dimensions_own_not_its_item_count() -> None:
    """Two export dimensions with the same gap rank by their declared importance only."""
    answers = _answers({"EXP": 4}, default=4)
    answers |= {"EXP11": 2, "EXP14": 2}  # channels (importance 3, one item); IP (importance 1)
    steps = next_steps(BANK, answers, limit=50)
    by_dim = {s.dimension: s for s in steps}
    channels, ip = by_dim["channels"], by_dim["ip"]
    assert channels.score == ip.score
    assert channels.importance == BANK.dimension("EXP", "channels").importance == 3
    assert channels.priority == pytest.approx(3 * ip.priority)
    assert steps.index(channels) < steps.index(ip)


def test_the_target_is_the_dimensions_own_peer_p75_then_the_pillars_then_the_goal() -> None:
    answers = _answers({}, default=2)  # every dimension at 40
    steps = next_steps(BANK, answers, peer_p75={"EXP.channels": 70, "EXP": 50}, goal=45.0, limit=60)
    by_dim = {(s.pillar, s.dimension): s for s in steps}
    assert by_dim[("EXP", "channels")].target == 70  # its own P75
    assert by_dim[("EXP", "ip")].target == 50  # the pillar's P75, above the goal
    assert by_dim[("AI", "genai")].target == 45  # no peer figure: the goal


def test_not_applicable_and_unanswered_items_are_never_advised() -> None:
    answers = _answers({}, default=4)
    answers["EXP14"] = None  # IP abroad not applicable
    del answers["EXP17"]  # digital export unanswered
    steps = next_steps(BANK, answers, limit=100)
    advised = {s.item_id for s in steps}
    assert "EXP14" not in advised and "EXP17" not in advised


def test_critical_items_below_the_threshold_come_before_a_bigger_gap() -> None:
    answers = _answers({}, default=4)
    answers |= {i.id: 0 for i in BANK.items_of("AI") if not i.critical}  # big gaps, not critical
    answers["COL01"] = CRITICAL_BELOW - 1  # a critical collaboration item, weak
    steps = next_steps(BANK, answers, limit=3)
    assert steps[0].item_id == "COL01" and steps[0].critical


def test_every_step_names_an_action_a_company_can_read(bank: Bank | None = None) -> None:
    answers = _answers({}, default=1)
    for step in next_steps(BANK, answers, limit=10):
        item = BANK.item(step.item_id)
        assert item.next_action(step.level, "ko") and item.next_action(step.level, "en")
        assert step.action_level == step.level + 1


def test_a_press_parts_supplier_is_not_told_to_standardise_installation() -> None:
    """The finding: a Tier-2 press-parts maker was told to standardise installation and warranty."""
    segment = BANK.segment_for("C25", ["components"], "프레스 부품")
    assert segment == "component"
    answers = _answers({"SRV": 1}, default=3)
    [step, *_] = next_steps(BANK, answers)
    item = BANK.item_view(step.item_id, segment)
    action = item.next_action(step.level, "en") or ""
    assert step.pillar == "SRV" and action
    assert "installation" not in action.lower() and "warranty" not in action.lower()
    equipment = BANK.item_view("SRV01", "equipment").next_action(1, "en") or ""
    assert "installation" in equipment.lower()  # the equipment makers' ladder keeps it
