"""The results page's facts, put into the shape of the PDF report."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from readiness import reference, report
from readiness.bank import Bank
from readiness.i18n import t

if TYPE_CHECKING:
    from components.results_view import Facts
    from readiness.clusters import Match

MAX_MEMBERS = 3


def member_row(match: Match, lang: str) -> report.MemberRow:
    """A complementary member as the company sees it: only `display_name` names it (its own name
    when it agreed to be named, else a neutral label), never any other field of the match."""
    return report.MemberRow(
        name=match.display_name,
        roles=", ".join(reference.label("value_chain_roles", r, lang) for r in match.roles),
        fit=match.score,
        reasons=tuple(reason.render(lang) for reason in match.reasons),
    )


def _peer_block(facts: Facts, bank: Bank, lang: str, group_label: str) -> report.PeerBlock | None:
    bench = facts.bench
    if bench.suppressed and bench.median.get("overall") is None:
        return None
    return report.PeerBlock(
        group=f"{group_label}, {facts.assessment.wave}",
        n=bench.group.n,
        fallback=bench.group.fallback,
        overall_percentile=bench.percentile.get("overall"),
        pillars={
            pid: report.PeerFigures(
                percentile=bench.percentile.get(pid),
                median=bench.median.get(pid),
                p75=bench.p75.get(pid),
            )
            for pid in bank.pillar_ids
        },
    )


def report_data(facts: Facts, bank: Bank, lang: str, group_label: str) -> report.ReportData:
    a, company = facts.assessment, facts.company
    stage = bank.stage(a.stage) if a.stage else None
    submitted = (a.submitted_at or datetime.now(UTC)).date()
    progress = ()
    if facts.previous is not None:
        progress = tuple(
            report.ProgressRow(
                pillar=p.name.get(lang),
                previous=facts.previous_scores[p.id].score
                if p.id in facts.previous_scores
                else None,
                current=facts.scores[p.id].score,
                previous_wave=facts.previous.wave,
            )
            for p in bank.pillars
        )
    return report.ReportData(
        company=company.name,
        division=f"{company.ksic} {reference.label('ksic_divisions', company.ksic, lang)}",
        size_band=reference.label("size_bands", company.size_band, lang),
        region=reference.label("regions", company.region, lang) if company.region else None,
        wave=a.wave,
        mode=a.mode,  # type: ignore[arg-type]
        submitted=submitted,
        bank_version=a.bank_version,
        overall=a.overall,
        stage_id=a.stage,
        stage_name=stage.name.get(lang) if stage else t("results.no_score", lang),
        stage_description=stage.description.get(lang) if stage else "",
        pillars=tuple(
            report.PillarResult(
                id=p.id,
                name=p.name.get(lang),
                score=facts.scores[p.id].score,
                completeness=facts.scores[p.id].completeness,
                weakest=report.weak_link(bank, p.id, facts.answers, lang),
            )
            for p in bank.pillars
        ),
        synthetic=company.synthetic,
        peers=_peer_block(facts, bank, lang, group_label),
        next_steps=tuple(report.next_step_row(bank, step, lang) for step in facts.steps),
        progress=progress,
        partners=tuple(
            report.PartnerRow(
                name=s.name, fit=s.fit, reasons=tuple(reason.render(lang) for reason in s.reasons)
            )
            for s in facts.partners[:3]
        ),
        members=tuple(member_row(m, lang) for m in facts.matches[:MAX_MEMBERS]),
        stages=report.stage_bands(bank, lang),
    )


def report_pdf(facts: Facts, bank: Bank, lang: str, group_label: str) -> bytes:
    return report.build_report(report_data(facts, bank, lang, group_label), lang)
