"""What the report prints, as plain numbers and texts in the report's language (`ReportData`), and
how a company's results fill it (`report_data`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Literal

from readiness import public_benchmarks as pb
from readiness import reference
from readiness.bank import Bank, Item
from readiness.i18n import t
from readiness.peers import FALLBACKS, Fallback
from readiness.results import (
    CompanyResults,
    WeakestItem,
    not_compared_sentence,
    peer_group_label,
    standing,
)

if TYPE_CHECKING:
    from readiness.advice import NextStep
    from readiness.clusters import Match
    from readiness.partners import Suggestion
    from readiness.programs import ProgramMatch
    from readiness.team import TeamItem

MAX_NEXT_STEPS = 3


@dataclass(frozen=True)
class WeakLink:
    """The critical item with the lowest level in a pillar."""

    text: str
    level: int


@dataclass(frozen=True)
class PillarResult:
    id: str
    name: str
    score: float | None
    completeness: float  # 0-1
    weakest: WeakLink | None = None
    missing: int = 0  # without a score: how many more questions need a level


@dataclass(frozen=True)
class PeerFigures:
    """One pillar's figures within the peer group; None means suppressed (n < 5)."""

    percentile: float | None = None
    median: float | None = None
    p75: float | None = None
    position: str | None = None  # the percentile in words, as the page says it (`standing`)


@dataclass(frozen=True)
class PeerBlock:
    group: str  # e.g. "C29 기타 기계 및 장비 × 50-299명, 2025"
    n: int
    fallback: Fallback  # the group used: division x size band, or a wider one (DESIGN.md, Peers)
    overall_percentile: float | None = None
    pillars: Mapping[str, PeerFigures] = field(default_factory=dict)  # by pillar id
    overall_position: str | None = None  # the overall percentile in words (`standing`)

    def __post_init__(self) -> None:
        if self.fallback not in FALLBACKS:
            raise ValueError(f"fallback must be one of {FALLBACKS}, got {self.fallback!r}")

    def figures(self, pillar_id: str) -> PeerFigures:
        return self.pillars.get(pillar_id, PeerFigures())


@dataclass(frozen=True)
class NextStepRow:
    pillar: str
    dimension: str
    score: float
    target: float
    item_text: str
    level: int
    level_text: str  # the descriptor of the current level
    action: str  # what reaches the next level


@dataclass(frozen=True)
class AgendaRow:
    """An item of a team round's divergence agenda: each member's answer by role, the team's."""

    item: str  # id and question
    answers: str  # one line per member: "role: level"
    team: str
    spread: int


@dataclass(frozen=True)
class ProgressRow:
    pillar: str
    previous: float | None
    current: float | None
    previous_wave: int


@dataclass(frozen=True)
class PartnerRow:
    name: str
    fit: float  # 0-1
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProgramRow:
    """A support programme the company may apply for, in the reader's language."""

    name: str
    owner: str
    amount: str
    season: str
    link: str
    reason: str  # one sentence: the gap it closes and the rule the company meets
    as_of: str = ""


@dataclass(frozen=True)
class PublishedRow:
    """A published national or international figure beside the company's own yes or no."""

    measure: str  # "한국 · 스마트공장 도입"
    you: str  # 예 / 아니오
    share: str  # "28.5% (한국 · 10-49명, 2024)"
    source: str  # publisher, title, address


@dataclass(frozen=True)
class MemberRow:
    """A complementary member as the company may see it: `name` is the member's name only when it
    agreed to be named, otherwise a neutral label (sector, size band, region)."""

    name: str
    roles: str  # value-chain roles, already joined and in the report's language
    fit: float  # 0-1
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class StageBand:
    """One stage on the overall-score scale, for the stage ladder (optional)."""

    id: str
    name: str
    min: float


@dataclass(frozen=True)
class ReportData:
    company: str
    division: str  # KSIC division label
    size_band: str  # size band label
    wave: int
    mode: Literal["full", "quick"]
    submitted: date
    bank_version: str
    overall: float | None
    stage_id: str | None
    stage_name: str
    stage_description: str
    pillars: tuple[PillarResult, ...]
    region: str | None = None
    synthetic: bool = False  # the company itself is synthetic demo data
    peer_synthetic: bool = False  # synthetic demo members are among the peers
    peers: PeerBlock | None = None  # None: the group is too small to show (n < 5)
    next_steps: tuple[NextStepRow, ...] = ()
    progress: tuple[ProgressRow, ...] = ()
    progress_note: str = ""  # why an earlier submission is not compared, when it is not
    partners: tuple[PartnerRow, ...] = ()
    members: tuple[MemberRow, ...] = ()  # complementary members, only those who agreed
    stages: tuple[StageBand, ...] = ()
    capability_partners: tuple[PartnerRow, ...] = ()  # technology, consultancy: shown apart
    programs: tuple[ProgramRow, ...] = ()  # support programmes, beside the partner types
    max_stage: str = ""  # a quick scan's highest stage, named (it is indicative)
    full_items: int = 0  # questions in the full assessment (a quick scan's note names it)
    agenda: tuple[AgendaRow, ...] | None = None  # a team round's divergence; None: not a team's
    published: tuple[PublishedRow, ...] = ()  # "you and firms of your size in Korea / the EU"

    @property
    def indicative(self) -> bool:
        return self.mode == "quick"

    @property
    def missing(self) -> tuple[PillarResult, ...]:
        """Pillars without a score that need more questions answered with a level."""
        return tuple(p for p in self.pillars if p.score is None and p.missing)

    def __post_init__(self) -> None:
        if self.mode not in ("full", "quick"):
            raise ValueError(f"mode must be 'full' or 'quick', got {self.mode!r}")
        if not self.pillars:
            raise ValueError("a report needs at least one pillar")
        if len(self.next_steps) > MAX_NEXT_STEPS:
            raise ValueError(f"at most {MAX_NEXT_STEPS} next steps, got {len(self.next_steps)}")


# --- from a company's results ---------------------------------------------------------------------


def stage_bands(bank: Bank, lang: str) -> tuple[StageBand, ...]:
    return tuple(StageBand(id=s.id, name=s.name.get(lang), min=s.min) for s in bank.stages)


def weak_link(weakest: WeakestItem | None, lang: str, item: Item | None = None) -> WeakLink | None:
    """A pillar's weakest critical item, in words (`item`: as the company's segment reads it)."""
    if weakest is None:
        return None
    return WeakLink(text=(item or weakest.item).text.get(lang), level=weakest.level)


def partner_row(suggestion: Suggestion, lang: str) -> PartnerRow:
    return PartnerRow(
        name=suggestion.name,
        fit=suggestion.fit,
        reasons=tuple(reason.render(lang) for reason in suggestion.reasons),
    )


def program_row(match: ProgramMatch, lang: str) -> ProgramRow:
    p = match.program
    return ProgramRow(
        name=p.name.get(lang),
        owner=p.owner.get(lang),
        amount=p.amount.get(lang),
        season=p.season.get(lang),
        link=p.link,
        reason=match.reason.render(lang),
        as_of=p.as_of.isoformat(),
    )


def next_step_row(bank: Bank, step: NextStep, lang: str, segment: str | None = None) -> NextStepRow:
    """A next step from readiness.advice, in words, as the company's segment reads the item."""
    item = bank.item_view(step.item_id, segment)
    return NextStepRow(
        pillar=bank.pillar(step.pillar).name.get(lang),
        dimension=bank.dimension_name(step.pillar, step.dimension, lang),
        score=step.score,
        target=step.target,
        item_text=item.text.get(lang),
        level=step.level,
        level_text=item.level_text(step.level, lang),
        action=item.next_action(step.level, lang) or "",
    )


def member_row(match: Match, lang: str) -> MemberRow:
    """A complementary member as the company sees it: only `display_name` names it (its own name
    when it agreed to be named, else a neutral label), never any other field of the match."""
    return MemberRow(
        name=match.display_name,
        roles=", ".join(reference.label("value_chain_roles", r, lang) for r in match.roles),
        fit=match.score,
        reasons=tuple(reason.render(lang) for reason in match.reasons),
    )


def _peer_block(results: CompanyResults, bank: Bank, lang: str) -> PeerBlock | None:
    bench = results.bench
    if results.peers_hidden:
        return None
    # percentiles only with an overall score (docs/method.md, the completeness rule)
    ranked = results.assessment.overall is not None
    return PeerBlock(
        group=f"{peer_group_label(bench.group, lang)}, {results.assessment.wave}",
        n=bench.group.n,
        fallback=bench.group.fallback,
        overall_percentile=bench.percentile.get("overall") if ranked else None,
        overall_position=(standing(results, "overall", lang) or None) if ranked else None,
        pillars={
            pid: PeerFigures(
                percentile=bench.percentile.get(pid) if ranked else None,
                median=bench.median.get(pid),
                p75=bench.p75.get(pid),
                position=(standing(results, pid, lang) or None) if ranked else None,
            )
            for pid in bank.pillar_ids
        },
    )


def report_data(results: CompanyResults, bank: Bank, lang: str) -> ReportData:
    """The report of `results`, every text in `lang`, worded by the bank of the assessment's own
    version (`results.bank`)."""
    bank = results.bank
    a, company = results.assessment, results.company
    stage = bank.stage(a.stage) if a.stage else None
    progress: tuple[ProgressRow, ...] = ()
    if results.previous is not None:
        progress = tuple(
            ProgressRow(
                pillar=p.name.get(lang),
                previous=results.previous_score(p.id),
                current=results.score(p.id),
                previous_wave=results.previous.wave,
            )
            for p in bank.pillars
        )
    return ReportData(
        company=company.name,
        division=f"{company.ksic} {reference.label('ksic_divisions', company.ksic, lang)}",
        size_band=reference.label("size_bands", company.size_band, lang),
        region=reference.label("regions", company.region, lang) if company.region else None,
        wave=a.wave,
        mode=a.mode,  # type: ignore[arg-type]  # a str column; checked in __post_init__
        submitted=(a.submitted_at or datetime.now(UTC)).date(),
        bank_version=a.bank_version,
        overall=a.overall,
        stage_id=a.stage,
        stage_name=stage.name.get(lang) if stage else t("report.no_stage", lang),
        stage_description=stage.description.get(lang) if stage else "",
        pillars=tuple(
            PillarResult(
                id=p.id,
                name=p.name.get(lang),
                score=results.score(p.id),
                completeness=results.scores[p.id].completeness,
                weakest=_weak_link(results, p.id, lang),
                missing=results.missing.get(p.id, 0),
            )
            for p in bank.pillars
        ),
        synthetic=company.synthetic,
        peer_synthetic=results.peer_synthetic,
        peers=_peer_block(results, bank, lang),
        next_steps=tuple(
            next_step_row(bank, step, lang, results.segment) for step in results.steps
        ),
        progress=progress,
        progress_note=not_compared_sentence(results, lang) or "",
        partners=tuple(partner_row(s, lang) for s in results.top_partners),
        capability_partners=tuple(partner_row(s, lang) for s in results.capability_partners),
        programs=tuple(program_row(m, lang) for m in results.programs),
        members=tuple(member_row(m, lang) for m in results.members),
        stages=stage_bands(bank, lang),
        max_stage=bank.stage(bank.method.quick_max_stage).name.get(lang),
        full_items=len(bank.item_ids()),
        agenda=None
        if results.team_agenda is None
        else tuple(agenda_row(bank, item, lang) for item in results.team_agenda),
        published=published_rows(results, lang),
    )


def published_rows(results: CompanyResults, lang: str) -> tuple[PublishedRow, ...]:
    """The results page's published figures, as rows with their sources (the PDF has no room
    for a source list apart)."""
    size_band = results.company.size_band
    comparisons = pb.company_comparisons(
        results.answers, size_band, bank_version=results.assessment.bank_version
    )
    return tuple(
        PublishedRow(
            measure=pb.measure_words(c.benchmark, lang),
            you=t("benchmarks.yes" if c.adopted else "benchmarks.no", lang),
            share=pb.published_words(c, size_band, lang),
            source=t(
                "report.published_source",
                lang,
                publisher=c.benchmark.source.publisher.get(lang),
                title=c.benchmark.source.title.get(lang),
                url=c.benchmark.source.url,
            ),
        )
        for c in comparisons
    )


def agenda_row(bank: Bank, item: TeamItem, lang: str) -> AgendaRow:
    def word(level: int | None) -> str:
        return t("team.na", lang) if level is None else str(level)

    return AgendaRow(
        item=f"{item.item_id}  {bank.item(item.item_id).text.get(lang)}",
        answers="\n".join(f"{label}: {word(level)}" for label, level in item.answers),
        team=word(item.consensus),
        spread=item.spread,
    )


def _weak_link(results: CompanyResults, pillar_id: str, lang: str) -> WeakLink | None:
    weakest = results.weakest[pillar_id]
    if weakest is None:
        return None
    return weak_link(weakest, lang, results.item(weakest.item.id))
