"""Next steps: which dimensions to work on first, and the action that moves each one up.

Priority of a dimension = (target - score) x importance, where importance is declared per dimension
in the bank (independent of how many items a pillar or dimension has) and target = max(own goal, the
dimension's peer P75, else its pillar's peer P75). A dimension whose weakest item is critical and
below `CRITICAL_BELOW` comes before every other (the weakest link first). Only items answered with a
level are advised: N/A and unanswered items never are. When the company is at or above every target,
the ranking falls back to the room left to 100, so there is always something concrete to do next.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from readiness.bank import Bank, Item
from readiness.scoring import Answers, weighted_score

CRITICAL_BELOW = 2  # a critical item below this level (none, or ad hoc) puts its dimension first


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
    importance: float = 1.0
    critical: bool = False  # the step's item is critical and below CRITICAL_BELOW

    def to_dict(self) -> dict:
        return self.__dict__.copy()


def _weakest_item(items: list[Item], answers: Answers) -> tuple[Item, int] | None:
    """The answered item with the lowest level below 5; among equals, critical, then heaviest."""
    candidates = [
        (level, not i.critical, -i.weight, n, i)
        for n, i in enumerate(items)
        if (level := answers.get(i.id)) is not None and level < 5
    ]
    if not candidates:
        return None
    lowest, _, _, _, item = min(candidates)
    return item, int(lowest)


def _target(
    goal: float | None, peer_p75: Mapping[str, float | None], pillar: str, dimension: str
) -> float:
    peer = peer_p75.get(f"{pillar}.{dimension}")
    if peer is None:
        peer = peer_p75.get(pillar)
    targets = [t for t in (goal, peer) if t is not None]
    return max(targets) if targets else 100.0


def next_steps(
    bank: Bank,
    answers: Answers,
    *,
    peer_p75: Mapping[str, float | None] | None = None,
    goal: float | None = None,
    limit: int = 3,
) -> list[NextStep]:
    """The `limit` highest-priority dimensions, each with its weakest item's next action.

    `peer_p75` maps "PILLAR.dimension" (and, as the fallback, "PILLAR") to the peer group's P75.
    """
    peer_p75 = peer_p75 or {}
    ranked: list[tuple[bool, float, float, NextStep]] = []
    for pillar in bank.pillars:
        pillar_items = bank.items_of(pillar.id)
        for dim in pillar.dimensions:
            items = [i for i in pillar_items if i.dimension == dim.id]
            score = weighted_score(items, answers)
            weakest = _weakest_item(items, answers)
            if score is None or weakest is None:
                continue
            item, level = weakest
            target = _target(goal, peer_p75, pillar.id, dim.id)
            importance = dim.importance * pillar.weight
            critical = item.critical and level < CRITICAL_BELOW
            step = NextStep(
                pillar=pillar.id,
                dimension=dim.id,
                score=score,
                target=target,
                priority=max(0.0, target - score) * importance,
                item_id=item.id,
                level=level,
                action_level=level + 1,
                importance=importance,
                critical=critical,
            )
            ranked.append((critical, step.priority, (100.0 - score) * importance, step))
    ranked.sort(key=lambda r: (r[0], r[1], r[2]), reverse=True)
    return [step for *_, step in ranked[:limit]]
