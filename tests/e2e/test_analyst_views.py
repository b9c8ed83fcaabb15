"""Issue #14 in Chromium: views an analyst keeps. The analyst filters the heatmap (the address bar
follows), opens a sector with the filters kept, pastes the address into a fresh browser, signs in
and sees the same view, and downloads the matrix (value and n per cell)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from readiness import reference
from readiness.i18n import t

DESKTOP = {"width": 1440, "height": 1400}
SLOW_MS = 60_000


def _sign_in_here(page: Page, staff_account, wait_idle) -> None:
    expect(page.get_by_role("heading", name=t("staff.login_title", "ko"))).to_be_visible(
        timeout=SLOW_MS
    )
    wait_idle(page)
    page.get_by_role("textbox", name=t("staff.email", "ko")).fill(staff_account.email)
    page.get_by_role("textbox", name=t("staff.password", "ko")).fill(staff_account.password)
    page.get_by_role("button", name=t("staff.sign_in", "ko"), exact=True).click()


def _pick(page: Page, label: str, option: str, wait_idle) -> None:
    box = page.get_by_test_id("stMultiSelect").filter(has_text=label)
    box.get_by_role("combobox").click()
    page.keyboard.type(option)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    wait_idle(page)


def test_a_filtered_heatmap_is_a_link_a_colleague_opens_as_it_is(
    browser: Browser, app_server: str, staff_account, wait_idle, shot, tmp_path: Path
) -> None:
    region = reference.label("regions", "44", "ko")
    size = reference.label("size_bands", "10-49", "ko")
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{app_server}/staff_overview?lang=ko")  # signed out: sign-in, then back here
    _sign_in_here(page, staff_account, wait_idle)
    expect(page.get_by_role("heading", name=t("overview.title", "ko"))).to_be_visible(
        timeout=SLOW_MS
    )
    wait_idle(page)
    _pick(page, t("filters.region", "ko"), region, wait_idle)
    _pick(page, t("filters.size_band", "ko"), size, wait_idle)
    expect(page).to_have_url(re.compile(r"[?&]region=44(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]size=10-49(&|$)"))
    chart = page.get_by_test_id("stPlotlyChart").first
    expect(chart.locator(".gtitle")).to_contain_text(region)  # the PNG says what it shows
    shot(page, "analyst-heatmap-filtered-ko")

    # The matrix, as the analyst takes it to a report: one row per sector, value and n.
    with page.expect_download() as download_info:
        page.get_by_role("button", name=t("data.download_csv", "ko")).first.click()
    assert download_info.value.suggested_filename.startswith("heatmap-pillars-mean")
    text = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == [t("filters.ksic", "ko"), t("results.overall", "ko"), "종합 점수 n"]
    assert len(rows) > 2 and all(r[2].isdigit() for r in rows[1:])

    # A sector, opened from the heatmap: it keeps the region and size.
    sector = page.get_by_test_id("stSelectbox").filter(has_text=t("overview.open_sector", "ko"))
    sector.get_by_role("combobox").click()
    page.get_by_role("option").first.click()
    expect(page.get_by_role("heading", name=t("sector.title", "ko"))).to_be_visible(timeout=SLOW_MS)
    expect(page).to_have_url(re.compile(r"/staff_sector\?(?=.*region=44)(?=.*size=10-49)"))
    wait_idle(page)
    shot(page, "analyst-sector-kept-ko")
    shared = page.url

    # A colleague opens the address in a browser of their own: sign-in, then the same view.
    colleague = browser.new_context(viewport=DESKTOP).new_page()
    colleague.goto(shared)
    _sign_in_here(colleague, staff_account, wait_idle)
    expect(colleague.get_by_role("heading", name=t("sector.title", "ko"))).to_be_visible(
        timeout=SLOW_MS
    )
    wait_idle(colleague)
    expect(colleague).to_have_url(re.compile(r"/staff_sector\?(?=.*region=44)(?=.*size=10-49)"))
    chosen = colleague.get_by_test_id("stMultiSelect").filter(has_text=t("filters.region", "ko"))
    expect(chosen).to_contain_text(region)
    colleague.reload()  # and a reload keeps it (the staff session's cookie)
    expect(colleague.get_by_role("heading", name=t("sector.title", "ko"))).to_be_visible(
        timeout=SLOW_MS
    )
    wait_idle(colleague)
    expect(chosen).to_contain_text(region)
    context.close()


def test_the_region_view_of_change_survives_a_reload_and_a_language_switch(
    browser: Browser, app_server: str, staff_account, wait_idle, shot
) -> None:
    """Region x pillar, change vs the year before: the address says so, a reload keeps it, the
    matrix comes with both years' n, and English mid-way keeps the view."""
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{app_server}/staff_overview?lang=ko")
    _sign_in_here(page, staff_account, wait_idle)
    expect(page.get_by_role("heading", name=t("overview.title", "ko"))).to_be_visible(
        timeout=SLOW_MS
    )
    wait_idle(page)
    view = page.get_by_role("radiogroup", name=t("overview.view", "ko"))
    view.get_by_role("radio", name=t("overview.view_regions", "ko")).click()
    wait_idle(page)
    page.get_by_text(t("overview.change", "ko"), exact=True).click()
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"(?=.*[?&]view=regions(&|$))(?=.*[?&]change=1(&|$))"))
    title = page.get_by_test_id("stPlotlyChart").first.locator(".gtitle")
    expect(title).to_contain_text("지역별")
    expect(title).to_contain_text("→")
    first_region = reference.label("regions", reference.region_codes()[0], "ko")
    expect(page.get_by_test_id("stPlotlyChart").first).to_contain_text(first_region)
    shot(page, "analyst-heatmap-regions-change-ko")

    with page.expect_download() as download_info:
        page.get_by_role("button", name=t("data.download_csv", "ko")).first.click()
    rows = list(csv.reader(io.StringIO(Path(download_info.value.path()).read_text("utf-8-sig"))))
    assert rows[0][0] == t("filters.region", "ko")
    assert rows[0][1].endswith("Δ") and re.fullmatch(r".* n \d{4}", rows[0][3])

    page.reload()
    expect(page.get_by_role("heading", name=t("overview.title", "ko"))).to_be_visible(
        timeout=SLOW_MS
    )
    wait_idle(page)
    expect(title).to_contain_text("→")
    page.get_by_role("radio", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    wait_idle(page)
    expect(title).to_contain_text("by region")
    expect(title).to_contain_text("→")
    expect(page).to_have_url(re.compile(r"(?=.*[?&]view=regions(&|$))(?=.*[?&]change=1(&|$))"))
    shot(page, "analyst-heatmap-regions-change-en")
    context.close()


def test_two_sectors_compared_from_a_shared_link(
    browser: Browser, app_server: str, staff_account, wait_idle, shot
) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{app_server}/staff_compare?lang=ko&a_ksic=C29&a_name=기계")
    _sign_in_here(page, staff_account, wait_idle)
    expect(page.get_by_role("heading", name=t("compare.title", "ko"))).to_be_visible(
        timeout=SLOW_MS
    )
    wait_idle(page)
    sectors = page.get_by_test_id("stMultiSelect").filter(has_text=t("filters.ksic", "ko"))
    expect(sectors).to_have_count(2)  # one per side
    expect(sectors.first).to_contain_text("C29")
    # Side B gets C30 in the browser: the address keeps both sides apart.
    sectors.nth(1).get_by_role("combobox").click()
    page.keyboard.type("C30")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"(?=.*a_ksic=C29)(?=.*b_ksic=C30)"))
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    shot(page, "analyst-compare-sectors-ko")
    context.close()
