"""The management team answers together, in three browser contexts: the CEO opens a round and
invites two colleagues, each answers their pillar through their own link, the CEO answers and
closes; the divergence agenda lists the items they disagree on and the result is the consensus."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, BrowserContext, Page, expect

from readiness import store
from readiness.bank import default_bank
from readiness.db import make_engine
from readiness.i18n import t
from readiness.profile import CompanyProfile
from readiness.team import consensus
from tests.e2e.test_ceo_journey import DESKTOP, PHONE

SLOW_MS = 30_000
COL = [i.id for i in default_bank().items_of("COL")]
LEVELS = {  # the collaboration pillar, by role; COL01-03 split the team by two levels or more
    "CTO": [1, 1, 1, 3, 3, 3, 3, 3],
    "수출 담당": [4, 4, 5, 3, 3, 3, 2, 2],
    "대표이사": [2, 3, 4, 3, 3, 4, 3, 3],
}


def _company(database_url: str) -> str:
    engine = make_engine(database_url)
    try:
        _, token = store.create_company(
            engine=engine,
            profile=CompanyProfile(
                name="팀진단 <b>정밀</b>", ksic="C29", employees=45, roles=["components"]
            ),
        )
    finally:
        engine.dispose()
    return token


def _invite(page: Page, role: str, wait_idle) -> str:
    page.get_by_role("textbox", name=t("team.role_label", "ko")).fill(role)
    box = page.get_by_test_id("stMultiSelect").filter(has_text=t("team.pillars_label", "ko"))
    box.get_by_role("combobox").click()
    for _ in range(4):
        page.keyboard.press("Backspace")
    page.keyboard.type(default_bank().pillar("COL").name.get("ko"))
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.get_by_role("button", name=t("team.invite_button", "ko")).click()
    code = page.get_by_test_id("stCode")
    expect(code).to_contain_text("/team?t=", timeout=SLOW_MS)
    link = code.inner_text().strip()
    assert "c=" not in link
    # The invitation's fields are cleared for the next colleague, all pillars chosen again.
    expect(page.get_by_role("textbox", name=t("team.role_label", "ko"))).to_have_value("")
    for pillar in default_bank().pillars:
        expect(box).to_contain_text(pillar.name.ko)
    page.get_by_role("button", name=t("team.link_done", "ko")).click()
    expect(page.get_by_test_id("stCode")).to_have_count(0)
    wait_idle(page)
    return link


def _answer(page: Page, levels: list[int], wait_idle, total: int = 8) -> None:
    level0 = page.get_by_role("radio", name=re.compile("^" + t("common.level_n", "ko", n=0)))
    groups = page.get_by_role("radiogroup").filter(has=level0)
    expect(groups).to_have_count(len(levels), timeout=SLOW_MS)
    for n, level in enumerate(levels):
        groups.nth(n).locator("label").nth(level).click()
        expect(
            page.get_by_text(t("team.progress", "ko", answered=n + 1, total=total))
        ).to_be_visible()
        wait_idle(page)
    page.get_by_role("button", name=t("team.send_button", "ko")).click()
    expect(page.get_by_text(t("team.sent_note", "ko"))).to_be_visible(timeout=SLOW_MS)
    wait_idle(page)


def _colleague(browser: Browser, link: str, role: str, wait_idle, shot) -> BrowserContext:
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(link)
    expect(page.get_by_role("heading", name=t("team.title", "ko"))).to_be_visible(timeout=SLOW_MS)
    wait_idle(page)
    assert "c=" not in page.url
    _answer(page, LEVELS[role], wait_idle)
    shot(page, f"team-round-member-{'cto' if role == 'CTO' else 'export'}")
    return context


def test_three_answer_apart_and_the_agenda_lists_their_disagreements(
    browser: Browser, app_server: str, app_database_url: str, wait_idle, shot
) -> None:
    token = _company(app_database_url)
    ceo_context = browser.new_context(viewport=DESKTOP)
    ceo = ceo_context.new_page()
    ceo.goto(f"{app_server}/team?c={token}&lang=ko")
    expect(ceo.get_by_role("heading", name=t("team.title", "ko"))).to_be_visible(timeout=SLOW_MS)
    wait_idle(ceo)
    ceo.get_by_role("button", name=t("team.open_button", "ko")).click()
    expect(ceo.get_by_text(t("team.invite_title", "ko"))).to_be_visible(timeout=SLOW_MS)
    wait_idle(ceo)
    links = {role: _invite(ceo, role, wait_idle) for role in ("CTO", "수출 담당")}
    shot(ceo, "team-round-ceo-invited")

    colleagues = [_colleague(browser, links[r], r, wait_idle, shot) for r in links]

    ceo.reload()
    wait_idle(ceo)
    # The CEO answers all four pillars' steps; the collaboration pillar is the one compared.
    pillar = default_bank().pillar("COL").name.get("ko")
    ceo.get_by_test_id("stButtonGroup").get_by_text(pillar, exact=True).click()
    wait_idle(ceo)
    _answer(ceo, LEVELS["대표이사"], wait_idle, total=46)
    ceo.get_by_text(t("team.close_confirm", "ko", sent=3, total=3)).click()
    wait_idle(ceo)
    ceo.get_by_role("button", name=t("team.close_button", "ko")).click()
    expect(ceo.get_by_text(t("team.agenda_title", "ko"))).to_be_visible(timeout=SLOW_MS)
    wait_idle(ceo)
    agenda = ceo.locator("[class*='st-key-team_agenda_']")
    classes = [agenda.nth(n).get_attribute("class") or "" for n in range(agenda.count())]
    keys = [m.group(1) for c in classes if (m := re.search(r"st-key-team_agenda_(\w+)", c))]
    # COL01 (1, 4, 2), COL02 (1, 4, 3), COL03 (1, 5, 4): spread 3, 3, 4; equal weights.
    assert keys == ["COL03", "COL01", "COL02"]
    shot(ceo, "team-round-agenda")

    engine = make_engine(app_database_url)
    try:
        company = store.company_by_token(engine=engine, token=token)
        assert company is not None
        team_round = store.latest_team_round(engine=engine, company_id=company.id)
        assert team_round is not None and team_round.assessment_id is not None
        result = store.answers_of(engine=engine, assessment_id=team_round.assessment_id)
        responses = store.team_responses(engine=engine, round_id=team_round.id)
        assert result == consensus(default_bank(), responses)
        assert result == dict(zip(COL, [2, 3, 4, 3, 3, 3, 3, 3], strict=True))
    finally:
        engine.dispose()

    # The colleagues' links open the team view now, and still not the company's link.
    member = colleagues[0].pages[0]
    member.reload()
    expect(member.get_by_text(t("team.agenda_title", "ko"))).to_be_visible(timeout=SLOW_MS)
    assert "c=" not in member.url
    for context in (ceo_context, *colleagues):
        context.close()
