"""Support programmes in a real Chromium (issue #15): a CEO sees the programmes the company may
apply for with their reasons and asks the association about one; staff see the question by the
programme's name, download the catalog, edit it in Excel (openpyxl here) and upload it; the CEO's
results then show the edited catalog.

Screenshots: screenshots/programs-*.png.
"""

from __future__ import annotations

import io
from pathlib import Path

import sqlalchemy as sa
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from readiness import store
from readiness.bank import default_bank
from readiness.i18n import t
from readiness.profile import CompanyProfile
from readiness.program_sheet import COLUMNS
from readiness.programs import load_catalog
from tests.e2e.conftest import submitted_company
from tests.e2e.test_staff_journey import _open_staff_page, _sign_in

DESKTOP = {"width": 1440, "height": 900}
SLOW_MS = 30_000
BANK = default_bank()
CBAM = load_catalog().program("cbam_support")
RENAMED = "CBAM 대응 지원 (2027년 공고)"


def _exporter(engine: sa.Engine) -> str:
    """A basic-metals exporter with no carbon data, its full assessment submitted: its token."""
    profile = CompanyProfile(
        name="한빛금속", ksic="C24", employees=45, region="41", export_share=0.3, markets=["EU"]
    )
    answers = {**dict.fromkeys(BANK.item_ids(), 3), "EXP18": 0, "EXP15": 1}
    token = submitted_company(engine, profile, answers)
    return token


def test_a_ceo_asks_about_a_programme_and_staff_update_the_catalog_by_upload(
    page: Page,
    app_server: str,
    app_engine: sa.Engine,
    staff_account,
    wait_idle,
    shot,
    browser,
    tmp_path: Path,
) -> None:
    assert CBAM is not None
    token = _exporter(app_engine)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{app_server}/results?c={token}&lang=ko")
    heading = page.get_by_role("heading", name=t("results.programs_title", "ko"))
    expect(heading).to_be_visible(timeout=SLOW_MS)
    wait_idle(page)
    expect(page.get_by_text(CBAM.name.ko).first).to_be_visible()
    expect(
        page.get_by_text("탄소·환경 데이터(수준 0/5) 격차를 줄이는 프로그램으로").first
    ).to_be_visible()
    heading.scroll_into_view_if_needed()
    shot(page, "programs-results-ko-desktop", full_page=False)

    page.locator(".st-key-req_program_cbam_support").get_by_role("button").click()
    wait_idle(page)
    form = page.get_by_test_id("stForm")
    form.get_by_label(t("req.contact_name", "ko")).fill("김대표")
    form.get_by_label(t("req.phone", "ko")).fill("010-1234-5678")
    form.get_by_text(t("req.consent", "ko")).click()
    form.get_by_role("button", name=t("req.program_send", "ko")).click()
    wait_idle(page)
    expect(page.get_by_text(t("req.program_sent", "ko"))).to_be_visible(timeout=SLOW_MS)
    asked = store.list_requests(engine=app_engine, kinds=["programme"])
    assert [r.program_id for r in asked] == ["cbam_support"]

    # Staff: the question under the programme's name, then the catalog downloaded, edited, uploaded.
    staff = browser.new_page(viewport=DESKTOP, accept_downloads=True)
    _sign_in(staff, app_server, "ko", staff_account, wait_idle)
    _open_staff_page(staff, "ko", "nav.staff_requests", "staff_requests.title", wait_idle)
    expect(staff.get_by_test_id("stDataFrame").first).to_be_visible()
    staff.goto(f"{app_server}/staff_data?tab=programs&lang=ko")
    expect(staff.get_by_text(t("programs.none_expired", "ko"))).to_be_visible(timeout=SLOW_MS)
    wait_idle(staff)
    with staff.expect_download() as download_info:
        staff.get_by_role("button", name=t("programs.download", "ko")).click()
    workbook = load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    sheet = workbook["programs"]
    ids = [sheet.cell(row=r, column=1).value for r in range(1, sheet.max_row + 1)]
    row = ids.index("cbam_support") + 1
    sheet.cell(row=row, column=COLUMNS.index("name_ko") + 1, value=RENAMED)
    bad_row = ids.index("export_voucher") + 1
    gaps = sheet.cell(row=bad_row, column=COLUMNS.index("gaps") + 1)
    kept = gaps.value
    gaps.value = "EXP99"
    bad, good = tmp_path / "programs-bad.xlsx", tmp_path / "programs.xlsx"
    workbook.save(bad)
    gaps.value = kept
    workbook.save(good)

    uploader = staff.locator(".st-key-program_upload_0 input[type=file]")
    uploader.set_input_files(bad)
    expect(staff.get_by_text(t("programs.has_problems", "ko"))).to_be_visible(timeout=SLOW_MS)
    wait_idle(staff)
    apply = staff.get_by_role("button", name=t("programs.apply", "ko"), exact=True)
    expect(apply).to_be_disabled()
    assert store.latest_program_catalog_row(engine=app_engine) is None  # nothing written
    shot(staff, "programs-staff-problems-ko-desktop")

    uploader.set_input_files(good)
    expect(
        staff.get_by_text(t("programs.changes", "ko", added=0, removed=0, changed=1))
    ).to_be_visible(timeout=SLOW_MS)
    wait_idle(staff)
    expect(apply).to_be_enabled()
    apply.click()
    wait_idle(staff)
    expect(
        staff.get_by_text(t("programs.applied", "ko", n=len(load_catalog().programs)))
    ).to_be_visible(timeout=SLOW_MS)
    shot(staff, "programs-staff-applied-ko-desktop")
    staff.close()
    renamed = store.active_program_catalog(engine=app_engine).program("cbam_support")
    assert renamed is not None and renamed.name.ko == RENAMED

    # The CEO's results now read the uploaded catalog (another session, another cache entry).
    page.reload()
    wait_idle(page)
    expect(page.get_by_text(RENAMED).first).to_be_visible(timeout=SLOW_MS)
