"""A company's results, assembled once for the results page, the PDF report, the CSV/JSON downloads
and the CLI.

`company_results` returns keys and values (scores, item ids, stage ids, peer figures); the page and
the report put them into words at render time. The peer norm frame and the complementary members
are inputs, so that the page can pass the copies it caches and the CLI freshly loaded ones.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlalchemy as sa

from readiness import partners, peers, reference, store
from readiness.advice import NextStep, next_steps
from readiness.bank import Bank, Item, bank_for_version
from readiness.exports import csv_bytes
from readiness.i18n import mid_sentence, t
from readiness.models import Assessment, Company, PillarScoreRow
from readiness.partners import Suggestion
from readiness.programs import ProgramCatalog, ProgramMatch, match_programs
from readiness.scoring import Answers, Result, score_assessment, weakest_critical
from readiness.team import TeamItem, divergence

if TYPE_CHECKING:
    from readiness.clusters import Match

PARTNER_LIMIT = 5  # global market partner types suggested
TOP_PARTNERS = 3  # of which shown in full (page and PDF); the others by name only
CAPABILITY_LIMIT = 3  # capability partner types (technology, consultancy), shown apart
TOP_MEMBERS = 3  # complementary members shown
OVERALL = "overall"


@dataclass(frozen=True)
class WeakestItem:
    """A pillar's answered critical item with the lowest level (shown beside the mean)."""

    item: Item
    level: int


@dataclass(frozen=True)
class CompanyResults:
    """Everything a company's results show, for one chosen submitted assessment."""

    company: Company
    assessment: Assessment
    bank: Bank  # the bank of the assessment's own version
    segment: str | None  # whose ladders the company saw on items with variants
    scoring: Result  # the answers re-read: which pillars lack levels, and how many
    answers: Mapping[str, int | None]
    scores: Mapping[str, PillarScoreRow]  # by pillar id, in the bank's order
    weakest: Mapping[str, WeakestItem | None]  # by pillar id
    bench: peers.Benchmark
    previous: Assessment | None  # the latest earlier submission with the same questions
    previous_scores: Mapping[str, PillarScoreRow]
    steps: tuple[NextStep, ...]
    partners: tuple[Suggestion, ...]  # market partners, then capability partners (`.group`)
    members: tuple[Match, ...]  # complementary cluster members the company may see
    earlier: Assessment | None = None  # the latest submission before this one, whatever its mode
    # The divergence agenda when the assessment is a team round's consensus (readiness/team.py);
    # None when it is not one.
    team_agenda: tuple[TeamItem, ...] | None = None
    programs: tuple[ProgramMatch, ...] = ()  # support programmes it may apply for

    @property
    def not_compared(self) -> str | None:
        """Why there is no change to show although the company submitted before ("mode": a quick
        scan and a full assessment ask different questions; "version": the questions changed);
        None when a comparable earlier submission exists, or none at all."""
        e = self.earlier
        if e is None or self.previous is not None:
            return None
        return "mode" if e.mode != self.assessment.mode else "version"

    def score(self, key: str) -> float | None:
        """The overall score or a pillar's."""
        return self.assessment.overall if key == OVERALL else self.scores[key].score

    def previous_score(self, key: str) -> float | None:
        """The previous assessment's overall score or a pillar's; None without one."""
        if self.previous is None:
            return None
        if key == OVERALL:
            return self.previous.overall
        row = self.previous_scores.get(key)
        return None if row is None else row.score

    @property
    def indicative(self) -> bool:
        """A quick scan: fewer questions, a capped stage, compared with quick scans only."""
        return self.assessment.mode == "quick"

    @property
    def missing(self) -> dict[str, int]:
        """Pillars without a score: how many more questions each needs answered with a level."""
        return {
            pid: p.missing_levels
            for pid, p in self.scoring.pillars.items()
            if self.scores[pid].score is None and p.missing_levels
        }

    def item(self, item_id: str) -> Item:
        """An item as this company read it (its segment's ladder)."""
        return self.bank.item_view(item_id, self.segment)

    @property
    def peer_synthetic(self) -> bool:
        """Whether synthetic demo members are among the peers (the figures must say so)."""
        return self.bench.synthetic > 0

    @property
    def peers_hidden(self) -> bool:
        """True when the peer group is too small to show any figure (k-anonymity)."""
        return self.bench.suppressed and self.bench.median.get(OVERALL) is None

    @property
    def market_partners(self) -> tuple[Suggestion, ...]:
        return tuple(s for s in self.partners if s.group != "capability")

    @property
    def capability_partners(self) -> tuple[Suggestion, ...]:
        """Partners who build a capability (technology, consultancy), shown apart."""
        return tuple(s for s in self.partners if s.group == "capability")

    @property
    def top_partners(self) -> tuple[Suggestion, ...]:
        return self.market_partners[:TOP_PARTNERS]

    @property
    def other_partners(self) -> tuple[Suggestion, ...]:
        return self.market_partners[TOP_PARTNERS:]


def previous_assessment(submitted: Sequence[Assessment], current: Assessment) -> Assessment | None:
    """The latest of `submitted` handed in before `current` with the same question set (mode and
    bank version): a quick scan and a full assessment, or two bank versions, are never compared."""
    older = [
        a
        for a in submitted
        if (a.submitted_at, a.id) < (current.submitted_at, current.id)
        and (a.mode, a.bank_version) == (current.mode, current.bank_version)
    ]
    return max(older, key=lambda a: (a.submitted_at, a.id), default=None)


def earlier_submission(submitted: Sequence[Assessment], current: Assessment) -> Assessment | None:
    """The latest of `submitted` handed in before `current`, whatever its mode and bank version."""
    older = [a for a in submitted if (a.submitted_at, a.id) < (current.submitted_at, current.id)]
    return max(older, key=lambda a: (a.submitted_at, a.id), default=None)


def weakest_items(bank: Bank, answers: Answers) -> dict[str, WeakestItem | None]:
    """Each pillar's answered critical item with the lowest level, by pillar id."""
    found = {pid: weakest_critical(bank.items_of(pid), answers) for pid in bank.pillar_ids}
    return {pid: None if f is None else WeakestItem(*f) for pid, f in found.items()}


def company_results(
    *,
    engine: sa.Engine,
    bank: Bank,
    company: Company,
    assessment: Assessment,
    submitted: Sequence[Assessment],
    norm_frame: pd.DataFrame,
    members: Sequence[Match],
    lang: str,
    peer_dimensions: Callable[[str | None, str | None], pd.DataFrame] | None = None,
    program_catalog: ProgramCatalog | None = None,
) -> CompanyResults:
    """The results of `company` for its submitted `assessment`.

    `submitted` is every submitted assessment of the company (the previous one is chosen from it);
    `norm_frame` is `store.norm_frame` of the assessment's wave, mode and bank version, and
    `members` what `clusters.rank_members` ranks for the company (viewer "company"). `lang` is the
    language the partner catalog writes its reasons in. `bank` is the current bank; an assessment
    of another version is read with its own. `peer_dimensions(ksic, size_band)` gives a
    peer group's `peer_dimension_frame` (the page passes its cached copies); by default read afresh.
    `program_catalog` is the support-programme catalog in force (by default the stored one, else
    the shipped one); programmes are matched only when it is written for the assessment's bank.
    """
    if bank.version != assessment.bank_version:
        bank = bank_for_version(assessment.bank_version)
    segment = bank.segment_for(company.ksic, company.roles, company.products)
    assessment_id = store.stored_id(assessment)
    answers = store.answers_of(engine=engine, assessment_id=assessment_id)
    scores = store.pillar_scores_of(engine=engine, assessment_id=assessment_id)
    keyed = {OVERALL: assessment.overall, **{pid: scores[pid].score for pid in bank.pillar_ids}}
    bench = peers.benchmark(
        norm_frame,
        ksic=company.ksic,
        size_band=company.size_band,
        scores=keyed,
        exclude_company_id=company.id,
    )
    if peer_dimensions is None:
        peer_dimensions = functools.partial(peer_dimension_frame, engine, bank, norm_frame)
    group_dimensions = peer_dimensions(bench.group.ksic, bench.group.size_band)
    dimension_p75 = peers.dimension_p75(group_dimensions, exclude_company_id=company.id)
    targets = {**bench.p75, **dimension_p75}
    previous = previous_assessment(submitted, assessment)
    previous_scores = (
        store.pillar_scores_of(engine=engine, assessment_id=store.stored_id(previous))
        if previous
        else {}
    )
    catalog = partners.load_catalog(bank=bank)
    suggestions = [
        suggestion
        for group, limit in (("market", PARTNER_LIMIT), ("capability", CAPABILITY_LIMIT))
        for suggestion in partners.suggest(
            catalog, bank, profile=company, answers=answers, lang=lang, limit=limit, group=group
        )
    ]
    if program_catalog is None:
        program_catalog = store.active_program_catalog(engine=engine)
    scoring = score_assessment(bank, answers, mode=assessment.mode, validate=False)
    matches = (
        match_programs(program_catalog, bank, profile=company, answers=answers, result=scoring)
        if program_catalog.bank == bank.version
        else []
    )
    return CompanyResults(
        company=company,
        assessment=assessment,
        bank=bank,
        segment=segment,
        scoring=scoring,
        answers=answers,
        scores=scores,
        weakest=weakest_items(bank, answers),
        bench=bench,
        previous=previous,
        previous_scores=previous_scores,
        steps=tuple(next_steps(bank, answers, peer_p75=targets, goal=assessment.goal)),
        partners=tuple(suggestions),
        members=tuple(members[:TOP_MEMBERS]),
        earlier=earlier_submission(submitted, assessment),
        team_agenda=team_agenda(engine, bank, assessment_id),
        programs=tuple(matches),
    )


def team_agenda(engine: sa.Engine, bank: Bank, assessment_id: int) -> tuple[TeamItem, ...] | None:
    """The divergence agenda of the team round whose consensus is this assessment, if any."""
    team_round = store.team_round_of_assessment(engine=engine, assessment_id=assessment_id)
    if team_round is None or team_round.status != "closed":
        return None
    responses = store.team_responses(engine=engine, round_id=store.stored_id(team_round))
    return tuple(divergence(bank, responses))


def peer_dimension_frame(
    engine: sa.Engine,
    bank: Bank,
    norm_frame: pd.DataFrame,
    ksic: str | None,
    size_band: str | None,
) -> pd.DataFrame:
    """The dimension scores of a peer group's assessments (`peers.dimension_frame`), for its
    next-step targets: all of them, or a fixed sample of a large group (`peers.dimension_sample`).

    Every company of the group is in it, so one frame serves every company the group is chosen
    for; each leaves itself out (`peers.dimension_p75`).
    """
    rows = peers.group_rows(norm_frame, ksic=ksic, size_band=size_band)
    if rows.empty:
        return peers.dimension_frame(bank, {}, {})
    ids = peers.dimension_sample(rows)
    company_of = dict(zip(rows["assessment_id"].tolist(), rows["company_id"].tolist(), strict=True))
    answers = store.answers_of_many(engine=engine, assessment_ids=ids)
    return peers.dimension_frame(bank, company_of, answers)


def top_share(percentile: float) -> int:
    """'Top x %' from a mid-rank percentile, never 0."""
    return max(1, shown_score(100 - percentile))


RANK_WORDS_UP_TO = 100  # up to this many companies a place reads best ("12th of 47"), then a share


def ordinal(n: int, lang: str) -> str:
    """12 -> "12" (Korean adds 위 in the sentence), "12th" in English."""
    if lang != "en":
        return str(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def peer_position(
    percentile: float, lang: str, *, rank: int | None = None, of: int | None = None
) -> str:
    """A company's standing in words a CEO reads at once (docs/method.md).

    In a group of at most RANK_WORDS_UP_TO companies (`of`, the company included) its place:
    "47개사 중 12위" / "12th of 47". In a larger group, or without a rank, the mid-rank percentile
    as a share: "top x %" at or above the peer median, "bottom x %" below it (never "top 90 %" for
    a weak score); x is never 0."""
    if rank is not None and of is not None and of <= RANK_WORDS_UP_TO:
        return t("journey.position_rank", lang, rank=ordinal(rank, lang), n=of)
    if percentile >= 50:
        return t("journey.position_top", lang, pct=top_share(percentile))
    return t("journey.position_bottom", lang, pct=max(1, shown_score(percentile)))


def standing(results: CompanyResults, key: str, lang: str) -> str:
    """`peer_position` of the company's score for `key` ("overall" or a pillar id) in its peer
    group; "" where it has none (too few peers, or no score of its own)."""
    bench = results.bench
    percentile = bench.percentile.get(key)
    if percentile is None:
        return ""
    of = bench.scored.get(key, 0) + 1  # the scored peers and the company itself
    return peer_position(percentile, lang, rank=bench.rank.get(key), of=of)


def shown_score(value: float) -> int:
    """A score as every CEO-facing view shows it: the nearest whole number, halves up
    (33.5 -> 34, 32.5 -> 33), the same on the page, in the history, the PDF and the CSV."""
    return math.floor(value + 0.5)


def score_words(value: float | None) -> str:
    """`shown_score` as text, "–" without a score."""
    return "–" if value is None else str(shown_score(value))


def score_change(previous: float | None, current: float | None) -> int | None:
    """The change between two scores as shown: the difference of the shown whole numbers."""
    if previous is None or current is None:
        return None
    return shown_score(current) - shown_score(previous)


def not_compared_sentence(results: CompanyResults, lang: str) -> str | None:
    """Why the company's earlier submission is not compared with this one, in words (page and
    PDF); None when there is nothing to explain."""
    earlier, reason = results.earlier, results.not_compared
    if earlier is None or reason is None:
        return None
    return t(
        f"journey.not_compared_{reason}",
        lang,
        wave=earlier.wave,
        before=mid_sentence(t(f"assess.mode_{earlier.mode}", lang), lang),
        now=mid_sentence(t(f"assess.mode_{results.assessment.mode}", lang), lang),
    )


def peer_group_label(group: peers.PeerGroup, lang: str) -> str:
    """The peer group in words: its division and size band, as far as the fallback kept them."""
    parts = []
    if group.ksic and group.fallback in ("division_size", "division"):
        parts.append(f"{group.ksic} {reference.label('ksic_divisions', group.ksic, lang)}")
    if group.size_band and group.fallback in ("division_size", "size_band"):
        parts.append(reference.label("size_bands", group.size_band, lang))
    return " × ".join(parts) if parts else t("results.peer_fallback_all", lang)


# --- downloads ------------------------------------------------------------------------------------

RESULT_COLUMNS = ("company", "wave", "mode", "item", "pillar", "dimension", "question", "level")


def result_rows(results: CompanyResults, bank: Bank, lang: str) -> list[list[Any]]:
    """The company's own answers, then its scores, as rows under RESULT_COLUMNS."""
    a = results.assessment
    lead = [results.company.name, a.wave, a.mode]
    rows: list[list[Any]] = []
    bank = results.bank  # the assessment's own version
    for item in bank.items:
        if item.id not in results.answers:
            continue
        level = results.answers[item.id]
        dimension = bank.dimension_name(item.pillar, item.dimension, lang)
        answer = "N/A" if level is None else level
        text = results.item(item.id).text.get(lang)
        rows.append([*lead, item.id, item.pillar, dimension, text, answer])
    for pid, row in results.scores.items():
        rows.append([*lead, f"score:{pid}", pid, "", "", _csv_score(row.score)])
    rows.append([*lead, f"score:{OVERALL}", "", "", "", _csv_score(a.overall)])
    return rows


def _csv_score(value: float | None) -> int | None:
    return None if value is None else shown_score(value)


def result_csv(results: CompanyResults, bank: Bank, lang: str) -> bytes:
    """`result_rows` as CSV, with spreadsheet formulas neutralised."""
    return csv_bytes(RESULT_COLUMNS, result_rows(results, bank, lang))


def peer_summary(bench: peers.Benchmark) -> dict[str, Any]:
    """The peer figures a company may keep: its group, and percentile, median and P75 by key."""
    return {
        "group": bench.group.to_dict(),
        "percentile": dict(bench.percentile),
        "median": dict(bench.median),
        "p75": dict(bench.p75),
    }


def result_json(results: CompanyResults) -> str:
    """The company's profile facts, scores, answers and peer figures as JSON."""
    a = results.assessment
    return json.dumps(
        {
            "company": results.company.name,
            "ksic": results.company.ksic,
            "size_band": results.company.size_band,
            "wave": a.wave,
            "mode": a.mode,
            "indicative": results.indicative,
            "bank_version": a.bank_version,
            "segment": results.segment,
            "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
            "overall": a.overall,
            "stage": a.stage,
            "pillars": {
                pid: {
                    "score": row.score,
                    "completeness": row.completeness,
                    "weakest_level": row.weakest_level,
                    "missing_levels": results.scoring.pillars[pid].missing_levels,
                }
                for pid, row in results.scores.items()
            },
            "answers": dict(results.answers),
            "peers": peer_summary(results.bench),
        },
        ensure_ascii=False,
        indent=2,
    )
