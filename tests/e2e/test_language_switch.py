"""A CEO switches language at any point and loses nothing (issue #12): a half-filled profile and
the mode on the start page, every step of a full assessment, and a workshop participant's profile
and quick scan. On a phone, in Chromium; Korean first, English mid-way, and back.

Before: the mode fell back to the quick scan, the sector kept its old-language label, every answer
given on the assessment page vanished (the progress still counted it) and the next tap crashed
with `ValueError: invalid literal for int()`.

Screenshots: screenshots/switch-*.png.
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Locator, Page, expect

from readiness import store, workshops
from readiness.bank import default_bank
from readiness.db import make_engine
from readiness.i18n import t
from readiness.profile import CompanyProfile
from tests.e2e.test_ceo_journey import EMPLOYEES, PHONE, PILLARS
from tests.e2e.test_staff_journey import _sign_in

OTHER = {"ko": "en", "en": "ko"}
LABEL = {"ko": "한국어", "en": "English"}
LEVEL_1 = {"ko": "수준 1", "en": "Level 1"}


def switch(page: Page, to: str, wait_idle) -> None:
    page.get_by_role("radio", name=LABEL[to]).click()
    expect(page.locator("html")).to_have_attribute("lang", to)
    wait_idle(page)


def progress(page: Page, lang: str, answered: int, total: int) -> None:
    text = f"^{answered}/{total}문항" if lang == "ko" else f"^{answered} of {total} answered"
    expect(page.get_by_text(re.compile(text))).to_be_visible()


def questions(page: Page, lang: str) -> Locator:
    return page.get_by_role("radiogroup").filter(has_text=LEVEL_1[lang])


def checked_levels(page: Page, lang: str) -> list[int | None]:
    """The level checked in each question on screen (None: none)."""
    found: list[int | None] = []
    groups = questions(page, lang)
    for n in range(groups.count()):
        radios = groups.nth(n).get_by_role("radio")
        found.append(next((k for k in range(radios.count()) if radios.nth(k).is_checked()), None))
    return found


def sector_and_head_count(page: Page, code: str, employees: int, wait_idle) -> None:
    """Choose the sector by typing its code, and give the head count (Korean labels)."""
    page.get_by_role("combobox", name=re.compile("업종")).click()
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    page.get_by_role("spinbutton", name=EMPLOYEES).fill(str(employees))
    page.get_by_role("spinbutton", name=EMPLOYEES).press("Tab")  # sent when the field is left
    wait_idle(page)


def tap(page: Page, lang: str, question: int, level: int, answered: int, total: int, wait_idle):
    questions(page, lang).nth(question).get_by_role("radio").nth(level).check(force=True)
    progress(page, lang, answered, total)
    wait_idle(page)


def test_a_half_filled_profile_and_every_step_of_a_full_assessment_survive_switches(
    browser: Browser, app_server: str, wait_idle, shot
) -> None:
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(f"{app_server}/start?lang=ko")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    wait_idle(page)
    page.get_by_text("정밀 진단").click()
    page.get_by_role("textbox", name=re.compile("^회사명")).fill("언어전환정밀")
    sector_and_head_count(page, "C29", 45, wait_idle)
    expect(page.get_by_role("combobox", name=re.compile("업종"))).to_have_value(
        re.compile(r"^C29 · 기타 기계")
    )

    switch(page, "en", wait_idle)
    shot(page, "switch-profile-en-phone")
    expect(page.get_by_role("radio", name=re.compile("^Full assessment"))).to_be_checked()
    expect(page.get_by_role("textbox", name=re.compile("^Company name"))).to_have_value(
        "언어전환정밀"
    )
    sector = page.get_by_role("combobox", name=re.compile("Sector"))
    expect(sector).to_have_value(re.compile(r"^C29 · (?!기타)"))  # now in English
    expect(page.get_by_role("spinbutton", name=EMPLOYEES)).to_have_value("45")
    switch(page, "ko", wait_idle)
    expect(page.get_by_role("radio", name=re.compile("^정밀 진단"))).to_be_checked()
    expect(page.get_by_role("combobox", name=re.compile("업종"))).to_have_value(
        re.compile(r"^C29 · 기타 기계")
    )
    page.get_by_role("button", name="회사 정보 저장하고 진단 시작").click()
    expect(page.get_by_test_id("stCode")).to_contain_text("/assess?c=")
    wait_idle(page)
    page.get_by_text("링크를 안전한 곳에 보관했습니다").click()
    page.get_by_role("button", name="진단 시작하기").click()

    # The full assessment (not a quick scan), a switch on every step; the answers stay.
    total = len(default_bank().item_ids())
    lang, answered = "ko", 0
    for step, _ in enumerate(PILLARS["ko"]):
        expect(page.get_by_role("heading", name=PILLARS[lang][step], exact=True)).to_be_visible()
        wait_idle(page)
        progress(page, lang, answered, total)
        tap(page, lang, 0, 2, answered + 1, total, wait_idle)
        tap(page, lang, 1, 3, answered + 2, total, wait_idle)
        answered += 2
        before = checked_levels(page, lang)
        assert before[:2] == [2, 3]
        lang = OTHER[lang]
        switch(page, lang, wait_idle)
        expect(page.get_by_role("heading", name=PILLARS[lang][step], exact=True)).to_be_visible()
        progress(page, lang, answered, total)
        assert checked_levels(page, lang) == before
        if step == 1:
            shot(page, f"switch-assess-step2-{lang}-phone")
        tap(page, lang, 2, 4, answered + 1, total, wait_idle)  # the next tap is saved, no crash
        answered += 1
        expect(page.get_by_text(re.compile("error|오류", re.I))).to_have_count(0)
        if step < len(PILLARS["ko"]) - 1:
            page.get_by_role("button", name="다음" if lang == "ko" else "Next").click()


def test_a_participants_profile_and_quick_scan_survive_switches(
    browser: Browser, app_server: str, app_database_url: str, wait_idle, shot
) -> None:
    engine = make_engine(app_database_url)
    code = workshops.create_workshop(engine=engine, title="언어 전환 워크숍", actor="t").code
    engine.dispose()
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(f"{app_server}/join?code={code}&lang=ko")
    wait_idle(page)
    sector_and_head_count(page, "C25", 33, wait_idle)
    switch(page, "en", wait_idle)
    expect(page.get_by_role("combobox", name=re.compile("Sector"))).to_have_value(
        re.compile(r"^C25 · (?!금속)")
    )
    expect(page.get_by_role("spinbutton", name=EMPLOYEES)).to_have_value("33")
    page.get_by_role("button", name=t("join.start", "en")).click()
    expect(questions(page, "en")).to_have_count(12, timeout=30_000)
    wait_idle(page)
    tap(page, "en", 0, 1, 1, 12, wait_idle)
    tap(page, "en", 5, 4, 2, 12, wait_idle)
    switch(page, "ko", wait_idle)
    progress(page, "ko", 2, 12)
    levels = checked_levels(page, "ko")
    assert (levels[0], levels[5]) == (1, 4) and levels.count(None) == 10
    shot(page, "switch-join-scan-ko-phone")
    tap(page, "ko", 6, 2, 3, 12, wait_idle)


def test_an_analysts_filters_survive_a_switch(
    browser: Browser, app_server: str, staff_account, wait_idle, shot
) -> None:
    page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    _sign_in(page, app_server, "ko", staff_account, wait_idle)
    sizes = page.get_by_role("combobox", name=t("filters.size_band", "ko"))
    sizes.click()
    page.get_by_role("option", name="10-49명", exact=True).click()
    page.keyboard.press("Escape")
    page.get_by_role("radio", name=t("filters.median", "ko"), exact=True).click()
    wait_idle(page)

    switch(page, "en", wait_idle)
    shot(page, "switch-staff-overview-en")
    expect(page.get_by_role("heading", name=t("overview.title", "en"))).to_be_visible()
    expect(page.get_by_text("10-49 employees", exact=True)).to_be_visible()  # the chosen band
    expect(page.get_by_role("radio", name=t("filters.median", "en"), exact=True)).to_be_checked()

    # Which programmes members are matched to, grouped by stage (issue #15), through a switch back.
    page.goto(f"{app_server}/staff_data?tab=programs&lang=en")
    by_stage = page.get_by_role("radio", name=t("programs.by_stage", "en"), exact=True)
    expect(by_stage).to_be_visible(timeout=30_000)
    wait_idle(page)
    by_stage.check(force=True)
    wait_idle(page)
    switch(page, "ko", wait_idle)
    shot(page, "switch-staff-programmes-ko")
    expect(page.get_by_role("radio", name=t("programs.by_stage", "ko"), exact=True)).to_be_checked()
    expect(
        page.get_by_role("radio", name=t("programs.by_ksic", "ko"), exact=True)
    ).not_to_be_checked()


def test_a_team_invitation_and_a_colleagues_step_survive_a_switch(
    browser: Browser, app_server: str, app_engine, wait_idle, shot
) -> None:
    """Issue #15's team round on a phone: the pillars a CEO picked for a colleague, and the step a
    colleague is on, are kept when either switches language (before: the invitation's pillars
    went back to all four; the colleague's step was already kept, and is checked here too)."""
    bank = default_bank()
    _, token = store.create_company(
        engine=app_engine,
        profile=CompanyProfile(name="전환정밀", ksic="C29", employees=45, roles=["components"]),
    )
    names = {pid: bank.pillar(pid).name for pid in ("AI", "COL")}
    ceo = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True).new_page()
    ceo.goto(f"{app_server}/team?c={token}&lang=ko")
    ceo.get_by_role("button", name=t("team.open_button", "ko")).click()
    expect(ceo.get_by_text(t("team.invite_title", "ko"))).to_be_visible(timeout=30_000)
    wait_idle(ceo)
    ceo.get_by_role("textbox", name=t("team.role_label", "ko")).fill("CTO")
    box = ceo.get_by_test_id("stMultiSelect").filter(has_text=t("team.pillars_label", "ko"))
    box.get_by_role("combobox").click()
    for _ in range(4):
        ceo.keyboard.press("Backspace")
    for pid in ("AI", "COL"):
        ceo.keyboard.type(names[pid].ko)
        ceo.keyboard.press("Enter")
    ceo.keyboard.press("Escape")
    wait_idle(ceo)

    switch(ceo, "en", wait_idle)
    shot(ceo, "switch-team-invite-en")
    box = ceo.get_by_test_id("stMultiSelect").filter(has_text=t("team.pillars_label", "en"))
    for pid in ("AI", "COL"):
        expect(box).to_contain_text(names[pid].en)
    for pid in ("EXP", "SRV"):  # not chosen, and not chosen again by the switch
        expect(box).not_to_contain_text(bank.pillar(pid).name.en)
    ceo.get_by_role("button", name=t("team.invite_button", "en")).click()
    code = ceo.get_by_test_id("stCode")
    expect(code).to_contain_text("/team?t=", timeout=30_000)
    link = code.inner_text().strip()

    colleague = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True).new_page()
    colleague.goto(link)  # in English: the link carries the language the CEO used
    steps = colleague.get_by_test_id("stButtonGroup")
    expect(steps.get_by_text(names["COL"].en, exact=True)).to_be_visible(timeout=30_000)
    wait_idle(colleague)
    steps.get_by_text(names["COL"].en, exact=True).click()
    wait_idle(colleague)
    expect(colleague.get_by_text(bank.pillar("COL").description.en)).to_be_visible()
    switch(colleague, "ko", wait_idle)
    shot(colleague, "switch-team-step-ko")
    expect(colleague.get_by_text(bank.pillar("COL").description.ko)).to_be_visible()
    expect(colleague.get_by_text(bank.pillar("AI").description.ko)).to_have_count(0)
    for page in (ceo, colleague):
        page.context.close()
