"""Next steps: which dimensions to work on first, and the action that moves each one up.

Priority of a dimension = (target - score) x importance, where target = max(own goal, peer P75
of its pillar) and importance is the dimension's share of its pillar's weight times the pillar's
weight.
When the company is already at or above every target, the ranking falls back to the room left to
100, so there is always something concrete to do next.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from readiness.bank import Bank, Item
from readiness.scoring import Answers, weighted_score


@dataclass(frozen=True)
class NextStep:
    pillar: str
    dimension: str
    score: float
    target: float
    priority: float
    item_id: str
    level: int
    action_level: int  # the level the action reaches

    def to_dict(self) -> dict:
        return self.__dict__.copy()


def _weakest_item(items: list[Item], answers: Answers) -> tuple[Item, int] | None:
    """The answered item with the lowest level below 5; among equals, the heaviest."""
    candidates = [
        (level, -i.weight, n, i)
        for n, i in enumerate(items)
        if (level := answers.get(i.id)) is not None and level < 5
    ]
    if not candidates:
        return None
    lowest, _, _, item = min(candidates)
    return item, int(lowest)


def next_steps(
    bank: Bank,
    answers: Answers,
    *,
    peer_p75: Mapping[str, float | None] | None = None,
    goal: float | None = None,
    limit: int = 3,
) -> list[NextStep]:
    """The `limit` highest-priority dimensions, each with its weakest item's next action."""
    peer_p75 = peer_p75 or {}
    total_weight = sum(p.weight for p in bank.pillars)
    ranked: list[tuple[float, float, NextStep]] = []
    for pillar in bank.pillars:
        pillar_items = bank.items_of(pillar.id)
        pillar_item_weight = sum(i.weight for i in pillar_items)
        for dim in pillar.dimensions:
            items = [i for i in pillar_items if i.dimension == dim.id]
            score = weighted_score(items, answers)
            weakest = _weakest_item(items, answers)
            if score is None or weakest is None:
                continue
            importance = (sum(i.weight for i in items) / pillar_item_weight) * (
                pillar.weight / total_weight
            )
            targets = [t for t in (goal, peer_p75.get(pillar.id)) if t is not None]
            target = max(targets) if targets else 100.0
            gap = max(0.0, target - score)
            item, level = weakest
            step = NextStep(
                pillar=pillar.id,
                dimension=dim.id,
                score=score,
                target=target,
                priority=gap * importance,
                item_id=item.id,
                level=level,
                action_level=level + 1,
            )
            ranked.append((step.priority, (100.0 - score) * importance, step))
    ranked.sort(key=lambda r: (r[0], r[1]), reverse=True)
    return [step for _, _, step in ranked[:limit]]
