"""Accessibility in a real Chromium: axe-core (WCAG 2 A and AA rules) on every public page, in
Korean and English, on a desktop and on a phone; the quick scan done with the keyboard alone; an
accessible name on every control; and the colours (theme and charts) checked against WCAG contrast.

axe-core is vendored (tests/e2e/vendor/axe-core/axe.min.js, MPL-2.0): no network, no npm at test
time.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from components import charts, svg_charts
from readiness.i18n import t
from readiness.peers import ScoreBin

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 1000}
SIZES = {"desktop": DESKTOP, "phone": PHONE}
BLOCKING = ("serious", "critical")

# Streamlit-internal elements left out of axe, narrowly, each with the rule that fails on it and
# why (rules are never switched off globally). Empty: with Streamlit 1.67 and axe-core 4.14 no
# WCAG 2 A/AA rule fails on Streamlit's own chrome (top navigation, skip link, toolbar) on these
# pages, so every element of every page is checked, color-contrast and label included.
STREAMLIT_INTERNAL_EXCLUDE: list[str] = []

WORDS = {
    "ko": {
        "home": "글로벌 역량 진단",
        "start": "진단 시작",
        "mode": "진단 방식",
        "full": "정밀 진단",
        "quick": "간편 진단",
        "name": "회사명",
        "ksic": "업종",
        "save": "회사 정보 저장하고 진단 시작",
        "begin": "진단 시작하기",
        "saved": "링크를 안전한 곳에 보관했습니다",
        "assess": "진단하기",
        "level0": "수준 0 · ",
        "next": "다음",
        "submit": "제출하고 결과 보기",
        "none_scored": "아직 점수가 나오는 영역이 하나도 없어 제출할 수 없습니다.",
        "results": "진단 결과",
        "overall": "종합 점수",
        "history": "지난 진단 대비 변화",
        "invalid": "링크가 유효하지 않습니다",
        "none_yet": "아직 제출한 진단이 없습니다.",
        "staff_login": "협회 직원 로그인",
        "language": "언어",
        "password": "비밀번호",
    },
    "en": {
        "home": "Global Readiness",
        "start": "Start an assessment",
        "mode": "Assessment type",
        "full": "Full assessment",
        "quick": "Quick scan",
        "name": "Company name",
        "ksic": "Sector",
        "save": "Save and start the assessment",
        "begin": "Begin the assessment",
        "saved": "I have saved my link",
        "assess": "Assessment",
        "level0": "Level 0 · ",
        "next": "Next",
        "submit": "Submit and see results",
        "none_scored": "No pillar can be scored yet, so the assessment cannot be submitted.",
        "results": "Your results",
        "overall": "Overall score",
        "history": "Change since your last assessment",
        "invalid": "This link is not valid",
        "none_yet": "No assessment has been submitted yet.",
        "staff_login": "Association staff sign-in",
        "language": "Language",
        "password": "Password",
    },
}
PILLARS = {
    "ko": ["수출 준비도", "제조의 서비스화", "AI·스마트공장", "가치사슬 협업"],
    "en": [
        "Export readiness",
        "Servitization",
        "AI and smart factory",
        "Value-chain collaboration",
    ],
}
QUICK_TOTAL = 12


def _progress(lang: str, answered: int) -> re.Pattern[str]:
    text = (
        f"{answered}/{QUICK_TOTAL}문항" if lang == "ko" else f"{answered} of {QUICK_TOTAL} answered"
    )
    return re.compile(f"^{re.escape(text)}")


def _questions(page: Page, lang: str) -> Locator:
    """The question radio groups on screen (not the language switch, mode or step pickers)."""
    level0 = page.get_by_role("radio", name=re.compile(f"^{re.escape(WORDS[lang]['level0'])}"))
    return page.get_by_role("radiogroup").filter(has=level0)


# --- axe ----------------------------------------------------------------------------------------

_RUN_AXE = """async (exclude) => {
    const context = exclude.length ? {exclude: exclude.map((s) => [s])} : document;
    const result = await axe.run(context, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']},
        resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
        rule: v.id,
        help: v.help,
        nodes: v.nodes.map((n) => ({
            impact: n.impact,
            target: n.target.map(String).join(' >>> '),
            html: n.html.slice(0, 240),
            summary: (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 400),
        })),
    }));
}"""

_OUTLINE = """(targets) => {
    for (const target of targets) {
        const el = target.includes(' >>> ') ? null : document.querySelector(target);
        if (el) el.style.outline = '4px solid magenta';
    }
}"""


_NEXT_FRAMES = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"


def _axe_once(page: Page) -> list[dict[str, Any]]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(_RUN_AXE, STREAMLIT_INTERNAL_EXCLUDE)


def _blocking(violations: list[dict[str, Any]]) -> list[dict[str, str]]:
    found = {}
    for v in violations:
        for node in v["nodes"]:
            if node["impact"] in BLOCKING:
                found[(v["rule"], node["target"])] = {"rule": v["rule"], "help": v["help"], **node}
    return list(found.values())


def audit(page: Page, name: str, shot: Callable[..., Path]) -> None:
    """axe on the page as the viewport shows it, then with the viewport as tall as the page.

    Streamlit scrolls inside its main container, and axe leaves out of color-contrast whatever is
    scrolled out of that container's view; the tall pass puts every element on screen.
    """
    viewport = page.viewport_size
    assert viewport is not None
    problems = _blocking(_axe_once(page))
    path: Path | None = None
    full = page.evaluate(
        "() => Math.max(document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 0,"
        " document.documentElement.scrollHeight)"
    )
    if full > viewport["height"]:
        page.set_viewport_size({"width": viewport["width"], "height": min(full + 200, 12_000)})
        page.evaluate(_NEXT_FRAMES)  # a resize is layout only: no rerun, just a reflow
        seen = {(p["rule"], p["target"]) for p in problems}
        problems += [p for p in _blocking(_axe_once(page)) if (p["rule"], p["target"]) not in seen]
    if problems:
        page.evaluate(_OUTLINE, [p["target"] for p in problems])
        path = shot(page, f"axe-{name}")
    page.set_viewport_size(viewport)
    assert not problems, f"axe found on {name} (screenshot: {path}):\n" + "\n".join(
        f"- {p['rule']} [{p['impact']}] {p['help']}\n    at {p['target']}\n    {p['html']}\n"
        f"    {p['summary']}"
        for p in problems
    )


# --- companies to look at: one with an untouched draft, one with two submitted quick scans ------


def _answer_by_mouse(page: Page, lang: str, wait_idle, level_of: Callable[[int], int]) -> None:
    answered = 0
    for step in range(len(PILLARS[lang])):
        expect(page.get_by_role("heading", name=PILLARS[lang][step], exact=True)).to_be_visible()
        wait_idle(page)
        groups = _questions(page, lang)
        for n in range(groups.count()):
            groups.nth(n).get_by_role("radio").nth(level_of(step)).check(force=True)
            answered += 1
            expect(page.get_by_text(_progress(lang, answered))).to_be_visible()
            wait_idle(page)
        if step < len(PILLARS[lang]) - 1:
            page.get_by_role("button", name=WORDS[lang]["next"]).click()
    assert answered == QUICK_TOTAL
    page.get_by_role("button", name=WORDS[lang]["submit"]).click()
    expect(page.get_by_role("heading", name=WORDS[lang]["results"], exact=True)).to_be_visible(
        timeout=30_000
    )
    wait_idle(page)


def _new_company(page: Page, base: str, name: str, wait_idle) -> str:
    """Create a company (quick scan) by the start form; return its private-link token."""
    lang = "ko"
    page.goto(f"{base}/start?lang={lang}")
    wait_idle(page, timeout=120_000)
    page.get_by_role("textbox", name=re.compile(f"^{WORDS[lang]['name']}")).fill(name)
    page.get_by_role("combobox", name=re.compile(WORDS[lang]["ksic"])).click()
    page.keyboard.type("C29")
    page.keyboard.press("Enter")
    page.get_by_role("spinbutton", name=re.compile("^종업원 수")).fill("12")
    page.get_by_role("button", name=WORDS[lang]["save"]).click()
    link = page.get_by_test_id("stCode")
    expect(link).to_contain_text("/assess?c=")
    wait_idle(page)
    token = re.search(r"[?&]c=([^&\s]+)", link.inner_text())
    assert token, link.inner_text()
    return token.group(1)


@pytest.fixture(scope="module")
def _tokens_cache() -> dict[str, str]:
    return {}


def _team_company(engine: Any) -> str:
    """A company with an open team round: the CEO and three colleagues, one of them answering,
    one who has sent (the members table shows each status)."""
    from readiness import store
    from readiness.bank import default_bank
    from readiness.profile import CompanyProfile
    from readiness.waves import current_wave

    bank = default_bank()
    company, token = store.create_company(
        engine=engine,
        profile=CompanyProfile(name="접근성 팀 A11y Team", ksic="C29", employees=45),
    )
    team_round = store.open_team_round(
        engine=engine, company_id=company.id, wave=current_wave(), bank=bank, ceo_role="대표이사"
    )
    for role, pillars, answered, sent in (
        ("CTO", ["AI"], 3, False),
        ("수출 담당", ["EXP"], len(bank.items_of("EXP")), True),
        ("공장장", ["AI", "SRV"], 0, False),
    ):
        member, _ = store.invite_member(
            engine=engine, bank=bank, round_id=team_round.id, role=role, pillars=pillars
        )
        for item in [i for p in pillars for i in bank.items_of(p)][:answered]:
            store.save_team_answer(
                engine=engine, bank=bank, member_id=member.id, item_id=item.id, level=3
            )
        if sent:
            store.submit_team_answers(engine=engine, member_id=member.id)
    return token


@pytest.fixture
def tokens(
    _tokens_cache: dict[str, str], browser: Browser, app_server: str, app_engine: Any, wait_idle
) -> dict[str, str]:
    """Private-link tokens, made once per module: "draft" (nothing answered), "results" (two
    submitted quick scans, so the results page shows progress, history and its selectbox) and
    "team" (an open team round with colleagues at each stage)."""
    if _tokens_cache:
        return _tokens_cache
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        draft = _new_company(page, app_server, "접근성 초안 A11y Draft", wait_idle)
        token = _new_company(page, app_server, "접근성 결과 A11y Results", wait_idle)
        page.get_by_text(WORDS["ko"]["saved"]).click()
        page.get_by_role("button", name=WORDS["ko"]["begin"]).click()
        _answer_by_mouse(page, "ko", wait_idle, level_of=lambda step: 2)
        page.get_by_role("button", name=WORDS["ko"]["quick"], exact=True).click()
        expect(page.get_by_role("heading", name=WORDS["ko"]["assess"], exact=True)).to_be_visible()
        # Up in two pillars, down in two: the progress metrics show both kinds of delta.
        _answer_by_mouse(page, "ko", wait_idle, level_of=lambda step: 4 if step % 2 == 0 else 1)
        expect(page.get_by_role("heading", name=WORDS["ko"]["history"])).to_be_visible()
    finally:
        context.close()
    _tokens_cache.update(draft=draft, results=token, team=_team_company(app_engine))
    return _tokens_cache


# --- the pages, one by one ----------------------------------------------------------------------


def _visit_home(page: Page, base: str, lang: str, tokens: dict[str, str], wait_idle) -> None:
    page.goto(f"{base}/?lang={lang}")
    expect(page.get_by_role("heading", name=WORDS[lang]["home"], exact=True)).to_be_visible()
    wait_idle(page)


def _visit_start(page: Page, base: str, lang: str, tokens: dict[str, str], wait_idle) -> None:
    page.goto(f"{base}/start?lang={lang}")
    expect(page.get_by_role("heading", name=WORDS[lang]["start"], exact=True)).to_be_visible()
    expect(page.get_by_role("textbox", name=re.compile(f"^{WORDS[lang]['name']}"))).to_be_visible()
    wait_idle(page)


def _visit_assess_first_step(
    page: Page, base: str, lang: str, tokens: dict[str, str], wait_idle
) -> None:
    page.goto(f"{base}/assess?c={tokens['draft']}&lang={lang}")
    expect(page.get_by_role("heading", name=PILLARS[lang][0], exact=True)).to_be_visible()
    expect(page.get_by_text(_progress(lang, 0))).to_be_visible()
    wait_idle(page)


def _visit_assess_last_step(
    page: Page, base: str, lang: str, tokens: dict[str, str], wait_idle
) -> None:
    """The last step of an unanswered draft: what to answer first, and a disabled submit."""
    _visit_assess_first_step(page, base, lang, tokens, wait_idle)
    page.get_by_role("radio", name=re.compile(r"^4\. ")).click()
    expect(page.get_by_role("heading", name=PILLARS[lang][3], exact=True)).to_be_visible()
    expect(page.get_by_text(WORDS[lang]["none_scored"])).to_be_visible()
    expect(page.get_by_role("button", name=WORDS[lang]["submit"])).to_be_disabled()
    wait_idle(page)


def _visit_results_with_draft(
    page: Page, base: str, lang: str, tokens: dict[str, str], wait_idle
) -> None:
    page.goto(f"{base}/results?c={tokens['draft']}&lang={lang}")
    expect(page.get_by_text(WORDS[lang]["none_yet"])).to_be_visible()
    wait_idle(page)


def _visit_results(page: Page, base: str, lang: str, tokens: dict[str, str], wait_idle) -> None:
    page.goto(f"{base}/results?c={tokens['results']}&lang={lang}")
    expect(page.get_by_role("heading", name=WORDS[lang]["results"], exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=WORDS[lang]["history"])).to_be_visible()
    pictures = page.get_by_test_id("stImage").locator("img")
    expect(pictures).to_have_count(2)  # the radar and the distribution, each with its alt text
    for alt in pictures.evaluate_all("els => els.map(e => e.alt)"):
        assert len(alt) > 40, alt
    wait_idle(page)


def _visit_invalid_link(
    page: Page, base: str, lang: str, tokens: dict[str, str], wait_idle
) -> None:
    page.goto(f"{base}/results?c=not-a-valid-link&lang={lang}")
    expect(page.get_by_text(WORDS[lang]["invalid"])).to_be_visible()
    wait_idle(page)


def _visit_link_card(page: Page, base: str, lang: str, tokens: dict[str, str], wait_idle) -> None:
    page.goto(f"{base}/start?c={tokens['draft']}&lang={lang}")
    expect(page.get_by_test_id("stCode")).to_contain_text(f"/assess?c={tokens['draft']}")
    wait_idle(page)


def _visit_staff_login(page: Page, base: str, lang: str, tokens: dict[str, str], wait_idle) -> None:
    page.goto(f"{base}/staff_login?lang={lang}")
    expect(page.get_by_role("heading", name=WORDS[lang]["staff_login"], exact=True)).to_be_visible()
    expect(page.get_by_label(WORDS[lang]["password"], exact=True)).to_be_visible()
    wait_idle(page)


def _visit_team(page: Page, base: str, lang: str, tokens: dict[str, str], wait_idle) -> None:
    """The CEO's team round page before a round: what it is and the form that opens one."""
    page.goto(f"{base}/team?c={tokens['results']}&lang={lang}")
    expect(page.get_by_role("heading", name=t("team.title", lang), exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=t("team.open_button", lang))).to_be_visible()
    wait_idle(page)


def _visit_team_round(page: Page, base: str, lang: str, tokens: dict[str, str], wait_idle) -> None:
    """The CEO's page of an open round: the invitation, the members table and their own answers."""
    page.goto(f"{base}/team?c={tokens['team']}&lang={lang}")
    expect(page.get_by_text(t("team.members_title", lang), exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=t("team.invite_button", lang))).to_be_visible()
    wait_idle(page)


PAGES = {
    "home": _visit_home,
    "start": _visit_start,
    "start-link-card": _visit_link_card,
    "assess-step1": _visit_assess_first_step,
    "assess-last-step": _visit_assess_last_step,
    "results-draft-only": _visit_results_with_draft,
    "results": _visit_results,
    "invalid-link": _visit_invalid_link,
    "staff-login": _visit_staff_login,
    "team": _visit_team,
    "team-round": _visit_team_round,
}


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_axe_finds_no_serious_violation(
    page: Page, app_server: str, tokens: dict[str, str], wait_idle, shot, lang: str, size: str
) -> None:
    page.set_viewport_size(SIZES[size])
    failures = []
    for name, visit in PAGES.items():
        visit(page, app_server, lang, tokens, wait_idle)
        try:
            audit(page, f"{name}-{lang}-{size}", shot)
        except AssertionError as exc:  # every page is checked before the test fails
            failures.append(str(exc))
    assert not failures, "\n\n".join(failures)


# --- accessible names -----------------------------------------------------------------------------

CONTROL_ROLES = (
    "button",
    "checkbox",
    "combobox",
    "link",
    "listbox",
    "menuitem",
    "option",
    "radio",
    "searchbox",
    "slider",
    "spinbutton",
    "switch",
    "tab",
    "textbox",
)
# In Playwright's ARIA snapshot a node with a name reads `- role "name"`; without one, `- role`
# followed by nothing, by `:` (children) or by `[...]` (states).
_UNNAMED = re.compile(rf"^\s*- ({'|'.join(CONTROL_ROLES)})(?=\s*(?::|\[|$))", re.MULTILINE)
LEVEL_NAME = re.compile(r"^(수준 \d · \S|Level \d · \S|해당 없음$|Not applicable$)")
_NAMED = re.compile(rf"^\s*- ({'|'.join(CONTROL_ROLES)}) \"", re.MULTILINE)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_control_has_an_accessible_name(
    page: Page, app_server: str, tokens: dict[str, str], wait_idle, lang: str
) -> None:
    page.set_viewport_size(DESKTOP)
    for name in (
        "start",
        "start-link-card",
        "assess-step1",
        "assess-last-step",
        "results",
        "staff-login",
        "team",
    ):
        PAGES[name](page, app_server, lang, tokens, wait_idle)
        tree = page.locator("body").aria_snapshot()
        unnamed = [m.group(0).strip() for m in _UNNAMED.finditer(tree)]
        assert not unnamed, f"{name} ({lang}): controls without an accessible name: {unnamed}"
        roles = {m.group(1) for m in _NAMED.finditer(tree)}
        expected = {"start": {"textbox", "combobox", "radio", "checkbox", "button", "spinbutton"}}
        expected |= {"assess-step1": {"radio", "button"}, "assess-last-step": {"button"}}
        expected |= {"results": {"button", "combobox"}, "staff-login": {"textbox", "button"}}
        expected |= {"team": {"textbox", "button"}}
        expected |= {"start-link-card": {"link", "checkbox", "button"}}
        assert expected[name] <= roles, (
            f"{name} ({lang}): the snapshot lacks {expected[name] - roles}"
        )
        # Each question is named by its text, each option by its level and words (not a number).
        for group in _questions(page, lang).all():
            # The question's own words, never an item code (EXP01) or Markdown marks.
            expect(group).to_have_accessible_name(re.compile(r"^(?![A-Z]+\d{2}\b)[^*_`]\S"))
            for radio in group.get_by_role("radio").all():
                expect(radio).to_have_accessible_name(LEVEL_NAME)


_MARKDOWN_IN_NAME = re.compile(r'^\s*- [a-z]+ "[^"\n]*(\*\*|__|`)[^"\n]*"', re.MULTILINE)


@pytest.mark.parametrize("lang", ["ko"])
def test_accessible_names_carry_no_markdown(
    page: Page, app_server: str, tokens: dict[str, str], wait_idle, lang: str
) -> None:
    page.set_viewport_size(DESKTOP)
    found = []
    for name, visit in PAGES.items():
        visit(page, app_server, lang, tokens, wait_idle)
        tree = page.locator("body").aria_snapshot()
        found += [f"{name}: {m.group(0).strip()}" for m in _MARKDOWN_IN_NAME.finditer(tree)]
    assert not found, "names that a screen reader reads with Markdown marks:\n" + "\n".join(found)


# --- the keyboard alone ---------------------------------------------------------------------------

_HAS_FOCUS = "el => el === document.activeElement || el.contains(document.activeElement)"
_FOCUS_IS_AFTER = (
    "el => !!(el.compareDocumentPosition(document.activeElement)"
    " & Node.DOCUMENT_POSITION_FOLLOWING)"
)
_CHECKED_INDEX = "g => [...g.querySelectorAll('input[type=radio]')].findIndex((r) => r.checked)"
_DESCRIBE_FOCUS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'the page body';
    const name = el.getAttribute('aria-label') || el.innerText || el.value || '';
    return `${el.tagName.toLowerCase()} "${name.trim().slice(0, 60)}"`;
}"""


def tab_to(page: Page, target: Locator, *, max_presses: int = 80) -> None:
    """Press Tab (or Shift+Tab, when the target comes earlier) until the target has the focus."""
    expect(target).to_be_visible()
    for _ in range(max_presses):
        if target.evaluate(_HAS_FOCUS):
            return
        page.keyboard.press("Shift+Tab" if target.evaluate(_FOCUS_IS_AFTER) else "Tab")
    raise AssertionError(
        f"{target} never got the keyboard focus in {max_presses} presses of Tab; the focus is on "
        + page.evaluate(_DESCRIBE_FOCUS)
    )


@pytest.mark.parametrize(("lang", "size"), [("ko", "desktop"), ("en", "phone")])
def test_quick_scan_by_keyboard_alone(
    page: Page, app_server: str, wait_idle, shot, lang: str, size: str
) -> None:
    w = WORDS[lang]
    page.set_viewport_size(SIZES[size])
    page.goto(f"{app_server}/start?lang={lang}")
    expect(page.get_by_role("heading", name=w["start"], exact=True)).to_be_visible()
    name_box = page.get_by_role("textbox", name=re.compile(f"^{w['name']}"))
    expect(name_box).to_be_visible()
    wait_idle(page)

    # The assessment type: arrow keys move the choice within the radio group.
    mode = page.get_by_role("radiogroup", name=w["mode"])
    tab_to(page, mode)
    page.keyboard.press("ArrowDown")
    expect(mode.get_by_role("radio", name=re.compile(f"^{w['full']}"))).to_be_checked()
    wait_idle(page)
    page.keyboard.press("ArrowUp")
    expect(mode.get_by_role("radio", name=re.compile(f"^{w['quick']}"))).to_be_checked()
    wait_idle(page)

    tab_to(page, name_box)
    page.keyboard.type("키보드정밀 Keyboard Co.")
    expect(name_box).to_have_value("키보드정밀 Keyboard Co.")
    ksic = page.get_by_role("combobox", name=re.compile(w["ksic"]))
    tab_to(page, ksic)
    page.keyboard.type("C29")
    page.keyboard.press("Enter")
    expect(ksic).to_have_value(re.compile(r"^C29 · "))
    employees = page.get_by_role("spinbutton", name=re.compile("^(종업원 수|Employees)"))
    tab_to(page, employees)
    page.keyboard.type("27")
    expect(employees).to_have_value("27")
    shot(page, f"keyboard-profile-{lang}-{size}")

    tab_to(page, page.get_by_role("button", name=w["save"]))
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("stCode")).to_contain_text("/assess?c=")
    wait_idle(page)
    tab_to(page, page.get_by_role("checkbox", name=w["saved"]))
    page.keyboard.press("Space")
    wait_idle(page)
    tab_to(page, page.get_by_role("button", name=w["begin"]))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=w["assess"], exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name=PILLARS[lang][0], exact=True)).to_be_visible()
    wait_idle(page)

    answered = 0
    for step in range(len(PILLARS[lang])):
        groups = _questions(page, lang)
        assert groups.count() > 0, f"no questions on step {step + 1}"
        for n in range(groups.count()):
            group = groups.nth(n)
            radios = group.get_by_role("radio")
            tab_to(page, group)
            page.keyboard.press("Space")  # the option Tab landed on is chosen and saved...
            answered += 1
            expect(page.get_by_text(_progress(lang, answered))).to_be_visible()
            wait_idle(page)
            # (On the first question after a step change the rerun drops the focus: see
            # test_answering_keeps_the_focus_after_a_step_change. Tab brings it back.)
            tab_to(page, group)
            level = 1 + (step + n) % 4
            now = group.evaluate(_CHECKED_INDEX)
            while now != level:  # ...and the arrow keys move it along the ladder
                key, now = ("ArrowDown", now + 1) if level > now else ("ArrowUp", now - 1)
                page.keyboard.press(key)
                expect(radios.nth(now)).to_be_checked()
                wait_idle(page)
            expect(radios.nth(level)).to_be_focused()
        if step == 0:
            shot(page, f"keyboard-step1-{lang}-{size}")
        if step < len(PILLARS[lang]) - 1:
            tab_to(page, page.get_by_role("button", name=w["next"]))
            page.keyboard.press("Enter")
            heading = page.get_by_role("heading", name=PILLARS[lang][step + 1], exact=True)
            expect(heading).to_be_visible()
            wait_idle(page)
    assert answered == QUICK_TOTAL

    tab_to(page, page.get_by_role("button", name=w["submit"]))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=w["results"], exact=True)).to_be_visible(timeout=30_000)
    wait_idle(page)
    expect(page.get_by_text(w["overall"]).first).to_be_visible()
    shot(page, f"keyboard-results-{lang}-{size}")

    # The language switch: the arrow keys move along it, Space chooses.
    other = "en" if lang == "ko" else "ko"
    tab_to(page, page.get_by_role("radiogroup", name=w["language"]))
    page.keyboard.press("ArrowRight" if other == "en" else "ArrowLeft")
    expect(page.get_by_role("radio", name="English" if other == "en" else "한국어")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_role("heading", name=WORDS[other]["results"], exact=True)).to_be_visible()
    wait_idle(page)


def test_answering_keeps_the_focus_after_a_step_change(
    page: Page, app_server: str, wait_idle
) -> None:
    lang, w = "ko", WORDS["ko"]
    page.set_viewport_size(DESKTOP)
    token = _new_company(page, app_server, "포커스 유지 Focus", wait_idle)
    page.goto(f"{app_server}/assess?c={token}&lang={lang}")
    expect(page.get_by_role("heading", name=PILLARS[lang][0], exact=True)).to_be_visible()
    wait_idle(page)
    tab_to(page, page.get_by_role("button", name=w["next"]))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=PILLARS[lang][1], exact=True)).to_be_visible()
    wait_idle(page)
    group = _questions(page, lang).first
    tab_to(page, group)
    page.keyboard.press("Space")
    expect(page.get_by_text(_progress(lang, 1))).to_be_visible()
    wait_idle(page)
    assert group.evaluate(_HAS_FOCUS), "focus went to " + page.evaluate(_DESCRIBE_FOCUS)


# --- colours, computed --------------------------------------------------------------------------


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def blend(colour: str, background: str, alpha: float) -> str:
    fg = [int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    bg = [int(background.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(
        f"{round(alpha * f + (1 - alpha) * b):02x}" for f, b in zip(fg, bg, strict=True)
    )


@pytest.fixture(scope="module")
def theme() -> dict[str, Any]:
    return tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text("utf-8"))["theme"]


def test_theme_colours_meet_wcag_aa(theme: dict[str, Any]) -> None:
    text, primary, border = theme["textColor"], theme["primaryColor"], theme["borderColor"]
    for background in (theme["backgroundColor"], theme["secondaryBackgroundColor"]):
        assert contrast(text, background) >= 4.5
        # Streamlit draws captions and help text in textColor at 60 % opacity.
        assert contrast(blend(text, background, 0.6), background) >= 4.5, background
        assert contrast(theme["linkColor"], background) >= 4.5, background
        # Unchecked radios and checkboxes, input outlines: WCAG 1.4.11 non-text contrast.
        assert contrast(border, background) >= 3.0, background
    assert contrast("#ffffff", primary) >= 4.5  # primary buttons: white text on primaryColor
    # The first five categorical colours are the ones a chart can rely on (see config.toml).
    for colour in theme["chartCategoricalColors"][:5]:
        assert contrast(colour, theme["backgroundColor"]) >= 3.0, colour


def _chart_figures() -> Iterator[Any]:
    yield charts.radar_figure(  # the presenter's radar (Plotly)
        ["Export", "Service", "AI", "Collab"],
        [40, 55, None, 70],
        names=("Us", "Median", "Top quartile"),
        median=[35, 50, 45, 60],
        p75=[55, 65, 60, 75],
    )
    yield svg_charts.distribution_svg(  # the results page's pictures (SVG)
        [ScoreBin(0, 40, 5), ScoreBin(40, 60, 7), ScoreBin(60, 100, 6)],
        50,
        x_title="Score",
        y_title="Companies",
        company_label="Us",
        title="Distribution",
        key="d",
    )
    yield svg_charts.radar_svg(
        ["Export", "Service", "AI", "Collab"],
        [40, 55, None, 70],
        names=("Us", "Median", "Top quartile"),
        median=[35, 50, 45, 60],
        p75=[55, 65, 60, 75],
        title="Radar",
        key="r",
    )


def test_charts_never_rely_on_colour_alone_and_meet_non_text_contrast() -> None:
    radar, distribution, svg_radar = _chart_figures()
    styles = [(tr.line.dash, tr.marker.symbol) for tr in radar.data]
    assert len(set(styles)) == len(styles) == 3, "each radar series needs its own dash and marker"
    assert all(tr.name for tr in radar.data) and radar.layout.showlegend
    colours = [tr.line.color for tr in radar.data]
    for picture in (distribution.svg, svg_radar.svg):  # every stroke and fill that draws data
        colours += re.findall(r'(?:stroke|fill)="(#[0-9A-Fa-f]{6})"', picture)
    for colour in set(colours) - {"#ffffff", "#e3e7ec"}:  # white outlines and the grid
        assert contrast(colour, "#ffffff") >= 3.0, colour
    # The company's line in the distribution is named in text, not only drawn in blue.
    assert ">▼ Us 50</text>" in distribution.svg
    # Every text colour is set by the figure (Streamlit's chart theme would grey axes to 3.7:1).
    polar = radar.layout.polar
    text_colours = [radar.layout.font.color, polar.radialaxis.tickfont.color]
    text_colours += [polar.angularaxis.tickfont.color]
    for picture in (distribution.svg, svg_radar.svg):
        text_colours += re.findall(r'<text [^>]*fill="(#[0-9A-Fa-f]{6})"', picture)
    for text_colour in text_colours:
        assert text_colour is not None and contrast(text_colour, "#ffffff") >= 4.5, text_colour
