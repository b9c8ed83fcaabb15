"""Against published figures in a real Chromium (issue #15): a CEO on a phone sees "you and firms
of your size in Korea / in the EU" for the items that map, with the sources (publisher, year,
population, a link to the source) under the table, in Korean and, after switching mid-page, in
English; staff see the membership against the same figures by size band, with the sources.

Screenshots: screenshots/public-*.png.
"""

from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from readiness import public_benchmarks as pb
from readiness.bank import default_bank
from readiness.i18n import t
from readiness.profile import CompanyProfile
from tests.e2e.conftest import submitted_company
from tests.e2e.test_ceo_journey import PHONE
from tests.e2e.test_language_switch import switch
from tests.e2e.test_staff_journey import _sign_in

DESKTOP = {"width": 1440, "height": 1600}
SLOW_MS = 30_000
BANK = default_bank()


def _machinery_maker(engine: sa.Engine) -> tuple[str, dict[str, int]]:
    """A 45-person machinery maker with a basic smart factory and no AI in use: its token and
    answers."""
    profile = CompanyProfile(
        name="공개비교기계", ksic="C29", employees=45, region="44", export_share=0.1, markets=["US"]
    )
    answers = {**dict.fromkeys(BANK.item_ids(), 1), "AI03": 3}
    token = submitted_company(engine, profile, answers)
    return token, answers


def _row(page: Page, comparison: pb.Comparison, lang: str):
    """The table's row of one figure: its measure and whom it counts ("한국 · 10-49명")."""
    entry = comparison.benchmark
    group = f"{t(f'benchmarks.region_{entry.region}', lang)} · "
    rows = page.get_by_test_id("stTable").locator("tr")
    return rows.filter(has_text=entry.label.get(lang)).filter(has_text=group)


def test_a_ceo_sees_the_published_figures_with_their_sources_in_both_languages(
    browser: Browser, app_server: str, app_engine: sa.Engine, wait_idle, shot
) -> None:
    token, answers = _machinery_maker(app_engine)
    comparisons = pb.company_comparisons(answers, "10-49", bank_version=BANK.version)
    by_id = {c.benchmark.id: c for c in comparisons}
    assert by_id["kr_smart_factory"].adopted and not by_id["eu_ai_use"].adopted
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(f"{app_server}/results?c={token}&lang=ko")
    heading = page.get_by_role("heading", name=t("benchmarks.title", "ko"))
    expect(heading).to_be_visible(timeout=SLOW_MS)
    wait_idle(page)
    for lang in ("ko", "en"):
        if lang == "en":  # mid-page, as a CEO would
            switch(page, "en", wait_idle)
            heading = page.get_by_role("heading", name=t("benchmarks.title", "en"))
            expect(heading).to_be_visible(timeout=SLOW_MS)
        for c in comparisons:
            row = _row(page, c, lang)
            expect(row).to_have_count(1)
            expect(row).to_contain_text(t("benchmarks.yes" if c.adopted else "benchmarks.no", lang))
            expect(row).to_contain_text(f"{c.percent:.1f}%")
            expect(row).to_contain_text(str(c.benchmark.year))
        # Every figure's source under the table: publisher, population and a link to it.
        for entry in pb.sources(comparisons):
            line = page.get_by_text(entry.source.publisher.get(lang)).first
            expect(line).to_be_visible()
            expect(line).to_contain_text(str(entry.population.get(lang))[:20])
            link = page.locator(f'a[href="{entry.source.url}"]').first
            expect(link).to_have_text(t("benchmarks.link", lang))
        heading.scroll_into_view_if_needed()
        shot(page, f"public-results-{lang}-phone", full_page=False)
        # The phone shows the whole table: no column cut off the screen or scrolled out of it.
        table = page.get_by_test_id("stTable").last
        box = table.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        overflow = table.evaluate(
            "(el) => [el, ...el.querySelectorAll('*')].some("
            "(e) => e.scrollWidth > e.clientWidth + 1"
            " && getComputedStyle(e).overflowX !== 'visible')"
        )
        assert not overflow, "the table scrolls sideways on a phone"
        right = table.locator("tr").first.evaluate("(tr) => tr.getBoundingClientRect().right")
        assert right <= PHONE["width"], right
    page.context.close()


def test_staff_see_the_membership_against_the_same_figures_with_sources(
    browser: Browser, app_server: str, staff_account, wait_idle, shot
) -> None:
    page = browser.new_context(viewport=DESKTOP).new_page()
    _sign_in(page, app_server, "ko", staff_account, wait_idle)
    for lang in ("ko", "en"):
        page.goto(f"{app_server}/staff_benchmarks?lang={lang}")
        expect(page.get_by_role("heading", name=t("benchmarks.staff_title", lang))).to_be_visible(
            timeout=SLOW_MS
        )
        wait_idle(page)
        charts = page.get_by_test_id("stPlotlyChart")
        expect(charts.first).to_be_visible(timeout=SLOW_MS)
        assert charts.count() == len(pb.load_catalog().benchmarks)
        expect(page.get_by_test_id("stDataFrame")).to_be_visible()
        expect(page.get_by_text(t("benchmarks.sources", lang), exact=True)).to_be_visible()
        for entry in pb.load_catalog().benchmarks:
            expect(page.locator(f'a[href="{entry.source.url}"]').first).to_be_attached()
        shot(page, f"public-staff-{lang}-desktop", full_page=False)
    page.context.close()
