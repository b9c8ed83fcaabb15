"""Requests to the association in a real Chromium.

- Lost link: the CEO opens a broken link, asks the association for the link again from the "link
  not valid" page; staff sign in, find the request on the Requests page, issue a new private link
  and close the request; the new link opens the company's assessment, the old one is refused.
- Introduction: from the results page the CEO asks for an introduction to a suggested partner type
  and sees it received; staff mark it done; the CEO's results page then says done.

Screenshots: screenshots/req-*.png (Korean and English, desktop 1440 x 900 and phone 390 x 844).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Locator, Page, expect

from readiness import store
from readiness.bank import default_bank
from readiness.i18n import t, t_count
from readiness.profile import CompanyProfile
from readiness.waves import current_wave
from tests.e2e.test_staff_journey import _biz_no, _open_staff_page, _sign_in

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
SLOW_MS = 30_000
BANK = default_bank()


def _member(engine: sa.Engine, name: str, biz_no: str | None, *, submit: bool) -> str:
    """A member with a quick-scan draft (submitted, all at level 1, when `submit`): its token."""
    profile = CompanyProfile(
        name=name, biz_no=biz_no, ksic="C29", employees=45, region="41", roles=["components"]
    )
    first = store.NewAssessment(wave=current_wave(), mode="quick", bank=BANK)
    company, token = store.create_company(engine=engine, profile=profile, first=first)
    if submit:
        draft = store.open_draft(engine=engine, company_id=company.id)
        assert draft is not None
        answers: dict[str, int | None] = dict.fromkeys(BANK.item_ids(quick_only=True), 1)
        store.submit_assessment(engine=engine, bank=BANK, assessment_id=draft.id, answers=answers)
    return token


def _pick_first_row(page: Page, wait_idle: Callable[..., None]) -> None:
    """Tick the first row of the requests table (its row marker, left of the first cell)."""
    grid = page.get_by_test_id("stDataFrame").first
    grid.click(position={"x": 18, "y": 35 + 18})
    wait_idle(page)


def _shots(
    page: Page, shot: Callable[..., Path], name: str, wait_idle, focus: Locator | None = None
) -> None:
    """Desktop and phone pictures, with `focus` (if given) scrolled into view."""
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        wait_idle(page)
        if focus is not None:
            focus.scroll_into_view_if_needed()
        shot(page, f"{name}-{label}", full_page=False)
    page.set_viewport_size(DESKTOP)


def _ask_for_link(page: Page, lang: str, name: str, biz_no: str) -> None:
    form = page.get_by_test_id("stForm")
    form.get_by_label(t("req.company_name", lang)).fill(name)
    form.get_by_label(t("req.biz_no", lang)).fill(biz_no)
    form.get_by_label(t("req.contact_name", lang)).fill("김대표")
    form.get_by_label(t("req.phone", lang)).fill("010-1234-5678")
    form.get_by_text(t("req.consent", lang)).click()
    form.get_by_role("button", name=t("req.link_send", lang)).click()


def test_a_lost_link_is_sent_again_and_the_old_one_refused(
    page: Page, app_server: str, app_engine: sa.Engine, staff_account, wait_idle, shot, browser
) -> None:
    biz_no = _biz_no("512349876")
    old = _member(app_engine, "분실링크정밀", biz_no, submit=False)
    page.set_viewport_size(DESKTOP)

    # The CEO's broken link: "not valid", and the form to ask for the link again.
    page.goto(f"{app_server}/assess?c=broken-{old[:8]}&lang=ko")
    expect(page.get_by_text(t("common.invalid_link_title", "ko"))).to_be_visible(timeout=SLOW_MS)
    wait_idle(page)
    _shots(page, shot, "req-invalid-link-ko", wait_idle)
    form = page.get_by_test_id("stForm")
    form.get_by_role("button", name=t("req.link_send", "ko")).click()  # empty: named, nothing sent
    wait_idle(page)
    expect(page.get_by_text(t("req.err.consent", "ko"))).to_be_visible()
    _ask_for_link(page, "ko", "분실링크정밀", biz_no)
    wait_idle(page)
    expect(page.get_by_text(t("req.link_sent", "ko"))).to_be_visible()
    shot(page, "req-link-sent-ko-desktop")

    # Staff: Requests, the request, a new link, the request closed.
    staff = browser.new_page(viewport=DESKTOP)
    _sign_in(staff, app_server, "ko", staff_account, wait_idle)
    _open_staff_page(staff, "ko", "nav.staff_requests", "staff_requests.title", wait_idle)
    _pick_first_row(staff, wait_idle)
    expect(
        staff.get_by_text(t("staff_requests.member_found", "ko", name="분실링크정밀"))
    ).to_be_visible()
    _shots(staff, shot, "req-staff-request-ko", wait_idle)
    staff.get_by_role("button", name=t("req.reissue", "ko")).click()
    wait_idle(staff)
    staff.get_by_role("button", name=t("req.reissue_confirm", "ko")).click()
    wait_idle(staff)
    link = staff.get_by_test_id("stCode").inner_text().strip()
    new = re.search(r"[?&]c=([^&\s]+)", link).group(1)  # type: ignore[union-attr]
    _shots(staff, shot, "req-staff-reissued-ko", wait_idle)
    close = staff.get_by_role("button", name=t("req.close_link_requests", "ko", n=1))
    close.click()
    expect(close).to_have_count(0, timeout=SLOW_MS)
    wait_idle(staff)
    staff.close()
    done = store.list_requests(engine=app_engine, statuses=["done"], kinds=["link"])
    assert any(r.biz_no == biz_no.replace("-", "") for r in done)

    # The new link opens the company's assessment; the old one is refused.
    page.goto(f"{app_server}/assess?c={new}&lang=ko")
    wait_idle(page)
    expect(page.get_by_text("분실링크정밀").first).to_be_visible(timeout=SLOW_MS)
    expect(page.get_by_text(t("common.invalid_link_title", "ko"))).to_have_count(0)
    page.goto(f"{app_server}/assess?c={old}&lang=ko")
    expect(page.get_by_text(t("common.invalid_link_title", "ko"))).to_be_visible(timeout=SLOW_MS)


def test_an_introduction_is_requested_closed_by_staff_and_its_status_seen(
    page: Page, app_server: str, app_engine: sa.Engine, staff_account, wait_idle, shot, browser
) -> None:
    token = _member(app_engine, "소개요청정밀", None, submit=True)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{app_server}/results?c={token}&lang=ko")
    expect(page.get_by_role("heading", name=t("results.title", "ko"))).to_be_visible(
        timeout=SLOW_MS
    )
    wait_idle(page)
    ask = page.get_by_role("button", name=t("req.intro_button", "ko"))
    expect(ask.first).to_be_visible()
    ask.first.click()
    wait_idle(page)
    form = page.get_by_test_id("stForm")
    form.get_by_label(t("req.contact_name", "ko")).fill("박대표")
    form.get_by_label(t("req.email", "ko")).fill("park@sosol.co.kr")
    form.get_by_label(t("req.message", "ko")).fill("<b>미국</b> 대리점을 소개받고 싶습니다")
    form.get_by_text(t("req.consent", "ko")).click()
    _shots(page, shot, "req-intro-form-ko", wait_idle, focus=form)
    form.get_by_role("button", name=t("req.intro_send", "ko")).click()
    wait_idle(page)
    own = page.get_by_role("heading", name=t("req.own_title", "ko"))
    expect(own).to_be_visible()
    expect(page.get_by_text(t("req.status_new", "ko"))).to_be_visible()
    _shots(page, shot, "req-intro-status-ko", wait_idle, focus=own)

    staff = browser.new_page(viewport=DESKTOP)
    _sign_in(staff, app_server, "en", staff_account, wait_idle)
    _open_staff_page(staff, "en", "nav.staff_requests", "staff_requests.title", wait_idle)
    _pick_first_row(staff, wait_idle)
    expect(staff.get_by_text("<b>미국</b> 대리점을 소개받고 싶습니다")).to_be_visible()
    _shots(staff, shot, "req-staff-intro-en", wait_idle)
    status = staff.locator("[class*='st-key-req_status_']").get_by_role("combobox")
    status.click()
    status.fill(t("req.status_done", "en"))
    status.press("Enter")
    wait_idle(staff)
    staff.locator("[class*='st-key-req_save_']").get_by_role("button").click()
    wait_idle(staff)
    expect(staff.get_by_text(t("staff_requests.saved", "en"))).to_be_visible()
    staff.close()

    page.reload()
    wait_idle(page)
    expect(page.get_by_text(t("req.status_done", "ko"))).to_be_visible(timeout=SLOW_MS)


def test_the_link_form_in_english_on_a_phone(page: Page, app_server: str, wait_idle, shot) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{app_server}/results?c=nothing-here&lang=en")
    expect(page.get_by_text(t("common.invalid_link_title", "en"))).to_be_visible(timeout=SLOW_MS)
    wait_idle(page)
    expect(page.get_by_text(t("req.link_title", "en"))).to_be_visible()
    _shots(page, shot, "req-invalid-link-en", wait_idle)
    _shots(page, shot, "req-invalid-link-form-en", wait_idle, focus=page.get_by_test_id("stForm"))


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_registering_with_a_member_number_looks_like_any_registration(
    page: Page, app_server: str, app_engine: sa.Engine, wait_idle, shot, lang: str
) -> None:
    """A member's business number at /start: the private link as for anyone, and "registered with
    this number before?" offering the link request, the same for a number nobody has."""
    from tests.e2e.test_ceo_journey import _fill_profile

    taken = _biz_no("61234567" + ("1" if lang == "ko" else "2"))
    _member(app_engine, f"기존회원 {lang}", taken, submit=False)
    seen = []
    for number, tag in ((taken, "member"), (_biz_no("71234567" + "12"[lang == "en"]), "free")):
        page.set_viewport_size(DESKTOP)
        page.goto(f"{app_server}/start?lang={lang}")
        expect(page.get_by_role("textbox", name=t("start.biz_no", lang))).to_be_visible(
            timeout=SLOW_MS
        )
        wait_idle(page)
        mode = t("start.mode_quick", lang, n=len(BANK.item_ids(quick_only=True)))
        _fill_profile(page, name=f"새등록 {tag}", mode_label=mode, ksic_search="C29")
        page.get_by_role("textbox", name=t("start.biz_no", lang)).fill(number)
        page.get_by_role("button", name=t("start.submit", lang)).click()
        expect(page.get_by_test_id("stCode")).to_contain_text("/assess?c=", timeout=SLOW_MS)
        wait_idle(page)
        expander = page.get_by_text(t("req.registered_before_title", lang))
        expect(expander).to_be_visible()
        seen.append(page.get_by_test_id("stMain").inner_text().replace(f"새등록 {tag}", ""))
        if tag == "member":
            expander.click()
            wait_idle(page)
            _shots(page, shot, f"req-registered-before-{lang}", wait_idle, focus=expander)
    link = re.compile(r"http\S+")
    assert link.sub("", seen[0]) == link.sub("", seen[1])


def test_staff_reissue_a_link_from_the_member_directory(
    app_server: str, app_engine: sa.Engine, staff_account, wait_idle, shot, browser
) -> None:
    old = _member(app_engine, "디렉터리재발급", None, submit=False)
    staff = browser.new_page(viewport=DESKTOP)
    _sign_in(staff, app_server, "en", staff_account, wait_idle)
    _open_staff_page(staff, "en", "nav.staff_members", "members.title", wait_idle)
    staff.get_by_role("textbox", name=t("members.search", "en")).fill("디렉터리재발급")
    staff.keyboard.press("Enter")
    wait_idle(staff)
    expect(staff.get_by_text(t_count("members.count", "en", 1))).to_be_visible()
    _pick_first_row(staff, wait_idle)
    expect(staff.get_by_role("heading", name="디렉터리재발급")).to_be_visible()
    staff.get_by_role("button", name=t("req.reissue", "en")).click()
    wait_idle(staff)
    confirm = staff.get_by_role("button", name=t("req.reissue_confirm", "en"))
    _shots(staff, shot, "req-members-reissue-confirm-en", wait_idle, focus=confirm)
    confirm.click()
    wait_idle(staff)
    code = staff.get_by_test_id("stCode")
    expect(code).to_contain_text("/assess?c=")
    _shots(staff, shot, "req-members-reissued-en", wait_idle, focus=code)
    assert store.company_by_token(engine=app_engine, token=old) is None
    staff.close()
