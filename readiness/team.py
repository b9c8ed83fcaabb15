"""The management team answering together: the consensus per item and where the team diverges.

The rule, published in words (data/i18n `team.rule`, README): an item's consensus is the median of
the levels its respondents gave; for an even count, the lower of the two middle levels (a team
claims no more than half of it can back). "Not applicable" is the consensus only when more than half
of the item's respondents said so; otherwise the N/A answers are left out and the levels decide.
An item's respondents are those assigned to its pillar who answered it. Divergent items are those
where the levels differ by two or more (max - min >= 2), most important (item weight) first, then
the widest spread. Pure functions: no database, no Streamlit.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from readiness.bank import Bank

DIVERGENCE_SPREAD = 2
"""Levels apart, from lowest to highest answer, that put an item on the meeting's agenda."""


def member_label(role: str, name: str) -> str:
    """How a respondent is named in the team view and the members table: "CTO (김철수)", or the
    role alone when the CEO gave no name (two engineers stay apart by their names)."""
    return f"{role} ({name})" if name else role


@dataclass(frozen=True)
class Response:
    """One respondent's answers (level None = not applicable) to the pillars assigned to them."""

    label: str
    pillars: Collection[str]
    answers: Mapping[str, int | None]


@dataclass(frozen=True)
class TeamItem:
    """An item as the team answered it: each respondent's answer (label, level or None for N/A),
    the consensus and the spread of the levels (0 with fewer than two levels)."""

    item_id: str
    answers: tuple[tuple[str, int | None], ...]
    consensus: int | None
    spread: int

    @property
    def levels(self) -> list[int]:
        return [level for _, level in self.answers if level is not None]


def consensus_level(answers: Sequence[int | None]) -> int | None:
    """The team's answer to one item from its respondents' answers (see the module's rule)."""
    if not answers:
        raise ValueError("an item without answers has no consensus")
    levels = sorted(level for level in answers if level is not None)
    if len(answers) - len(levels) > len(answers) / 2 or not levels:
        return None
    return levels[(len(levels) - 1) // 2]


def team_items(bank: Bank, responses: Sequence[Response]) -> list[TeamItem]:
    """Every item of the bank that someone assigned to its pillar answered, in the bank's order."""
    out: list[TeamItem] = []
    for item in bank.items:
        given = tuple(
            (r.label, r.answers[item.id])
            for r in responses
            if item.pillar in r.pillars and item.id in r.answers
        )
        if not given:
            continue
        levels = [level for _, level in given if level is not None]
        spread = max(levels) - min(levels) if levels else 0
        out.append(TeamItem(item.id, given, consensus_level([lv for _, lv in given]), spread))
    return out


def consensus(bank: Bank, responses: Sequence[Response]) -> dict[str, int | None]:
    """The team's answers, by item id: what closing the round submits as the company's."""
    return {ti.item_id: ti.consensus for ti in team_items(bank, responses)}


def divergence(
    bank: Bank, responses: Sequence[Response], *, spread: int = DIVERGENCE_SPREAD
) -> list[TeamItem]:
    """The items the team disagrees on (levels `spread` or more apart): the agenda of the next
    management meeting, the most important item first (its weight in the bank), then the widest
    spread, then the bank's order."""
    order = {item.id: n for n, item in enumerate(bank.items)}
    split = [ti for ti in team_items(bank, responses) if ti.spread >= spread]
    return sorted(
        split, key=lambda ti: (-bank.item(ti.item_id).weight, -ti.spread, order[ti.item_id])
    )
