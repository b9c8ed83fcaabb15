"""The PDF says what the page says: no change against a quick scan (and why), the position among
peers in plain words, the same whole-number scores, and the synthetic-data caveat wherever
synthetic members feed the peer figures."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from readiness import store
from readiness.bank import default_bank
from readiness.profile import CompanyProfile
from readiness.report import build_report
from readiness.report.data import PeerBlock, PeerFigures, ProgressRow, report_data
from readiness.results import company_results
from tests.unit.test_report import _squeezed, pages_text, sample, v2_engine  # noqa: F401


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_full_assessment_after_a_quick_scan_reports_no_change_and_says_why(
    v2_engine: sa.Engine,  # noqa: F811
    lang: str,
) -> None:
    engine = v2_engine
    bank = default_bank()
    profile = CompanyProfile(
        name=f"퀵에서 정밀로 {lang}", ksic="C29", employees=45, region="41", roles=["components"]
    )
    first = store.NewAssessment(wave=2026, mode="quick", bank=bank)
    company, _ = store.create_company(engine=engine, profile=profile, first=first)
    quick = store.open_draft(engine=engine, company_id=company.id)
    assert quick is not None
    store.submit_assessment(
        engine=engine,
        bank=bank,
        assessment_id=quick.id,
        answers={i: 5 for i in bank.item_ids(quick_only=True)},
    )
    full = store.start_assessment(
        engine=engine, company_id=company.id, wave=2026, mode="full", bank=bank
    )
    rest = {i: 1 for i in bank.item_ids() if i not in bank.item_ids(quick_only=True)}
    store.submit_assessment(engine=engine, bank=bank, assessment_id=full.id, answers=rest)
    history = store.assessments_of(engine=engine, company_id=company.id)
    results = company_results(
        engine=engine,
        bank=bank,
        company=company,
        assessment=history[0],
        submitted=[a for a in history if a.status == "submitted"],
        norm_frame=store.norm_frame(engine=engine, wave=2026, mode="full"),
        members=[],
        lang=lang,
    )
    assert results.assessment.mode == "full" and results.previous is None
    data = report_data(results, results.bank, lang)
    assert data.progress == () and data.progress_note
    text = _squeezed("\n".join(pages_text(build_report(data, lang))))
    assert _squeezed(data.progress_note) in text
    assert ("간편진단이라" if lang == "ko" else "wasaquickscan") in text
    assert "▼" not in text and "▲" not in text


def test_peer_positions_below_the_median_read_as_bottom_not_top() -> None:
    peers = PeerBlock(
        group="C29",
        n=40,
        fallback="division_size",
        overall_percentile=10.0,
        pillars={pid: PeerFigures(percentile=10.0, median=50.0, p75=60.0) for pid in ("EXP",)},
    )
    for lang, bottom, top in (("ko", "하위10%", "상위90%"), ("en", "bottom10%", "top90%")):
        text = _squeezed("\n".join(pages_text(build_report(sample(lang, peers=peers), lang))))
        assert bottom in text and top not in text


def test_report_scores_and_changes_use_the_page_rounding() -> None:
    progress = (ProgressRow(pillar="수출 준비도", previous=32.5, current=33.4, previous_wave=2024),)
    text = "\n".join(pages_text(build_report(sample("ko", progress=progress), "ko")))
    assert "33 (2024)" in text  # 32.5 shows as 33, as on the page
    assert "0 =" in text  # 33 -> 33: no change, as the cards show


def test_synthetic_peers_put_the_caveat_in_the_report() -> None:
    pages = pages_text(build_report(sample("ko", peer_synthetic=True), "ko"))
    assert all("합성 데모 데이터" in page for page in pages)
    assert "비교집단에합성데모데이터가포함되어있습니다" in _squeezed("\n".join(pages))
    en = pages_text(build_report(sample("en", peer_synthetic=True), "en"))
    assert all("Synthetic demo data" in page for page in en)
    assert "Thepeergroupincludessyntheticdemodata" in _squeezed("\n".join(en))
