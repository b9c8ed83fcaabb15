"""The published scoring method (docs/method.md), as pure functions.

Answers map item id -> level 0..5, or None for "not applicable" (refused on critical items). An item
missing from the map is unanswered. N/A counts as answered for completeness but is left out of
numerator and denominator. A pillar is scored only when enough of its items in scope have a level
(the bank's `method.min_level_share`); overall, stage and percentiles need every pillar scored. A
quick scan is indicative and never shows a stage above `method.quick_max_stage`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from readiness.bank import Bank, Item

MAX_LEVEL = 5
Answers = Mapping[str, int | None]


class AnswerError(ValueError):
    """An answer set that does not fit the bank (unknown item, level out of range)."""


@dataclass(frozen=True)
class PillarScore:
    score: float | None
    completeness: float
    weakest_level: int | None
    answered: int
    total: int
    levels: int = 0  # items with a level (not N/A, not unanswered)
    min_levels: int = 0  # items with a level the pillar needs before it is scored

    @property
    def scored(self) -> bool:
        return self.score is not None

    @property
    def missing_levels(self) -> int:
        """How many more items need a level before the pillar gets a score."""
        return max(0, self.min_levels - self.levels)


@dataclass(frozen=True)
class Result:
    bank_version: str
    overall: float | None
    stage: str | None
    pillars: dict[str, PillarScore] = field(default_factory=dict)
    mode: str = "full"

    @property
    def indicative(self) -> bool:
        """A quick scan's result is indicative: fewer items, a capped stage, its own norms."""
        return self.mode == "quick"

    @property
    def unscored_pillars(self) -> list[str]:
        return [pid for pid, p in self.pillars.items() if p.score is None]

    def to_dict(self) -> dict:
        return {
            "bank_version": self.bank_version,
            "overall": self.overall,
            "stage": self.stage,
            "mode": self.mode,
            "indicative": self.indicative,
            "pillars": {
                pid: {
                    "score": p.score,
                    "completeness": p.completeness,
                    "weakest_level": p.weakest_level,
                    "scored": p.scored,
                    "levels": p.levels,
                    "min_levels": p.min_levels,
                }
                for pid, p in self.pillars.items()
            },
        }


def validate_answers(bank: Bank, answers: Answers) -> None:
    """Raise AnswerError naming the first unknown item id or out-of-range level."""
    known = bank.known_item_ids
    for item_id, level in answers.items():
        if item_id not in known:
            raise AnswerError(f"unknown item id {item_id!r}")
        if level is None:
            if not bank.item(item_id).allows_na:
                raise AnswerError(f"{item_id}: a critical item needs a level; N/A is not offered")
            continue
        if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= MAX_LEVEL:
            raise AnswerError(f"{item_id}: level must be an integer 0..5 or null, got {level!r}")


def weighted_score(items: Iterable[Item], answers: Answers) -> float | None:
    """100 x sum(w L) / (5 x sum(w)) over items answered with a level; None if there are none."""
    num = den = 0.0
    for item in items:
        level = answers.get(item.id)
        if level is None:
            continue
        num += item.weight * level
        den += item.weight * MAX_LEVEL
    return 100.0 * num / den if den else None


def weakest_critical(items: Iterable[Item], answers: Answers) -> tuple[Item, int] | None:
    """The answered critical item with the lowest level (the heaviest among equals)."""
    candidates = [
        (level, -item.weight, n, item)
        for n, item in enumerate(items)
        if item.critical and (level := answers.get(item.id)) is not None
    ]
    if not candidates:
        return None
    level, _, _, item = min(candidates)
    return item, int(level)


def score_pillar(items: list[Item], answers: Answers, *, min_levels: int = 1) -> PillarScore:
    """A pillar's score, or None while fewer than `min_levels` of its items have a level."""
    answered = sum(1 for i in items if i.id in answers)
    levels = sum(1 for i in items if answers.get(i.id) is not None)
    weakest = weakest_critical(items, answers)
    return PillarScore(
        score=weighted_score(items, answers) if levels >= min_levels else None,
        completeness=answered / len(items) if items else 0.0,
        weakest_level=weakest[1] if weakest else None,
        answered=answered,
        total=len(items),
        levels=levels,
        min_levels=min_levels,
    )


def overall_score(bank: Bank, pillar_scores: Mapping[str, float | None]) -> float | None:
    """Weighted mean of the pillar scores; None unless every pillar of the bank has a score."""
    num = den = 0.0
    for pillar in bank.pillars:
        value = pillar_scores.get(pillar.id)
        if value is None:
            return None
        num += pillar.weight * value
        den += pillar.weight
    return num / den if den else None


def stage_for(
    bank: Bank,
    overall: float | None,
    pillar_scores: Mapping[str, float | None],
    *,
    mode: str = "full",
) -> str | None:
    """The stage of an overall score, after the gate and, for a quick scan, its ceiling.

    The gate keeps a company below `gate.stage` while any pillar scores under the gate's minimum; a
    pillar without a score cannot show it clears the gate, so it holds too. A quick scan never
    shows a stage above the bank's `method.quick_max_stage`.
    """
    if overall is None:
        return None
    reached = [s for s in bank.stages if overall >= s.min]
    stage_index = len(reached) - 1
    gate_index = bank.stages.index(bank.stage(bank.gate.stage))
    gate_open = all(
        (score := pillar_scores.get(p.id)) is not None and score >= bank.gate.min_pillar_score
        for p in bank.pillars
    )
    if stage_index >= gate_index and not gate_open:
        stage_index = gate_index - 1
    if mode == "quick":
        ceiling = bank.stages.index(bank.stage(bank.method.quick_max_stage))
        stage_index = min(stage_index, ceiling)
    return bank.stages[stage_index].id


def score_assessment(
    bank: Bank, answers: Answers, *, mode: str = "full", validate: bool = True
) -> Result:
    """Score one answer set. In quick mode only quick-scan items are in scope.

    `validate=False` re-reads a stored answer set as it was accepted (e.g. a v1 assessment with
    N/A on a critical item, which v1 still offered).
    """
    if validate:
        validate_answers(bank, answers)
    quick_only = mode == "quick"
    pillars = {}
    for p in bank.pillars:
        scope = bank.scope(p.id, quick_only)
        min_levels = bank.method.min_levels(len(scope))
        pillars[p.id] = score_pillar(scope, answers, min_levels=min_levels)
    by_pillar = {pid: ps.score for pid, ps in pillars.items()}
    overall = overall_score(bank, by_pillar)
    return Result(
        bank_version=bank.version,
        overall=overall,
        stage=stage_for(bank, overall, by_pillar, mode=mode),
        pillars=pillars,
        mode="quick" if quick_only else "full",
    )


def dimension_scores(bank: Bank, answers: Answers) -> dict[tuple[str, str], float | None]:
    """Score per (pillar, dimension), by the same weighted formula."""
    out: dict[tuple[str, str], float | None] = {}
    for pillar in bank.pillars:
        for dim in pillar.dimensions:
            items = [i for i in bank.items_of(pillar.id) if i.dimension == dim.id]
            out[(pillar.id, dim.id)] = weighted_score(items, answers)
    return out
