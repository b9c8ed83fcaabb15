"""The CEO's journeys in a real Chromium: quick scan on a phone, interrupted full assessment,
tampered link, PDF report."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from readiness.bank import default_bank
from readiness.paths import ROOT

BANK = default_bank()
FULL = len(BANK.item_ids())  # questions in the full assessment
FIRST_STEP = len(BANK.items_of(BANK.pillar_ids[0]))  # questions on its first step

PHONE = {"width": 390, "height": 844}
EMPLOYEES = re.compile("^(종업원 수|Employees)")
DESKTOP = {"width": 1440, "height": 1000}


def _fill_profile(page: Page, *, name: str, mode_label: str, ksic_search: str) -> None:
    page.get_by_text(mode_label).click()
    page.get_by_role("textbox", name=re.compile("^(회사명|Company name)")).fill(name)
    page.get_by_role("combobox", name=re.compile("업종|Sector")).click()
    page.keyboard.type(ksic_search)
    page.keyboard.press("Enter")
    page.get_by_role("spinbutton", name=EMPLOYEES).fill("45")  # required: no default head count


def _start(page: Page, base: str, lang: str, *, name: str, quick: bool, shots, tag: str) -> str:
    page.goto(f"{base}/start?lang={lang}")
    start_title = "진단 시작" if lang == "ko" else "Start an assessment"
    expect(page.get_by_role("heading", name=start_title, exact=True)).to_be_visible()
    wait_for_form = page.get_by_role("textbox", name=re.compile("^(회사명|Company name)"))
    expect(wait_for_form).to_be_visible()
    shots(f"start-{tag}")
    mode = (
        ("간편 진단" if lang == "ko" else "Quick scan")
        if quick
        else ("정밀 진단" if lang == "ko" else "Full assessment")
    )
    _fill_profile(page, name=name, mode_label=mode, ksic_search="C29")
    submit = "회사 정보 저장하고 진단 시작" if lang == "ko" else "Save and start the assessment"
    page.get_by_role("button", name=submit).click()
    link_box = page.get_by_test_id("stCode")
    expect(link_box).to_contain_text("/assess?c=")
    shots(f"link-{tag}")
    link = link_box.inner_text().strip()
    _confirm_saved_and_begin(page, lang)
    return link


def _confirm_saved_and_begin(page: Page, lang: str) -> None:
    name = "진단 시작하기" if lang == "ko" else "Begin the assessment"
    begin = page.get_by_role("button", name=name)
    expect(begin).to_be_disabled()
    page.get_by_text(SAVED[lang]).click()
    begin.click()


SAVED = {"ko": "링크를 안전한 곳에 보관했습니다", "en": "I have saved my link"}


PILLARS = {
    "ko": ["수출 준비도", "제조의 서비스화", "AI·스마트공장", "가치사슬 협업"],
    "en": [
        "Export readiness",
        "Servitization",
        "AI and smart factory",
        "Value-chain collaboration",
    ],
}


def _answer_visible_step(page: Page, lang: str, answered: int, total: int, wait_idle) -> int:
    """Answer every question of the step shown; each answer is saved before the next."""
    groups = page.get_by_role("radiogroup").filter(has_text="수준 1" if lang == "ko" else "Level 1")
    assert groups.count() > 0, "no questions on screen"
    for n in range(groups.count()):
        groups.nth(n).get_by_role("radio").nth(2 + n % 3).check(force=True)
        answered += 1
        done = f"^{answered}/{total}문항" if lang == "ko" else f"^{answered} of {total} answered"
        expect(page.get_by_text(re.compile(done))).to_be_visible()
        wait_idle(page)
    return answered


def _go_next(page: Page, lang: str, step: int, wait_idle) -> None:
    page.get_by_role("button", name="다음" if lang == "ko" else "Next").click()
    expect(page.get_by_role("heading", name=PILLARS[lang][step + 1], exact=True)).to_be_visible()
    wait_idle(page)


SIZES = {"phone": PHONE, "desktop": DESKTOP}
WORDS = {
    "ko": {
        "assess": "진단하기",
        "next": "다음",
        "submit": "제출하고 결과 보기",
        "results": "진단 결과",
        "overall": "종합 점수",
        "next_steps": "다음에 할 일",
        "pdf": "PDF 보고서",
        "invalid": "링크가 유효하지 않습니다",
    },
    "en": {
        "assess": "Assessment",
        "next": "Next",
        "submit": "Submit and see results",
        "results": "Your results",
        "overall": "Overall score",
        "next_steps": "Next steps",
        "pdf": "PDF report",
        "invalid": "This link is not valid",
    },
}


def _answer_steps(page: Page, lang: str, steps: range, total: int, answered: int, wait_idle, shots):
    for step in steps:
        answered = _answer_visible_step(page, lang, answered, total, wait_idle)
        shots(f"assess-step{step + 1}")
        if step < 3:
            _go_next(page, lang, step, wait_idle)
    return answered


def _submit_and_see_results(page: Page, lang: str, wait_idle) -> None:
    page.get_by_role("button", name=WORDS[lang]["submit"]).click()
    expect(page.get_by_role("heading", name=WORDS[lang]["results"], exact=True)).to_be_visible(
        timeout=30_000
    )
    wait_idle(page)
    expect(page.get_by_text(WORDS[lang]["overall"]).first).to_be_visible()
    expect(page.get_by_role("heading", name=WORDS[lang]["next_steps"])).to_be_visible()


@pytest.mark.parametrize(
    ("lang", "size"), [("ko", "phone"), ("en", "desktop"), ("ko", "desktop"), ("en", "phone")]
)
def test_quick_scan_then_results_and_pdf(
    page: Page, app_server: str, wait_idle, shot, lang: str, size: str
) -> None:
    page.set_viewport_size(SIZES[size])
    shots = lambda name: shot(page, f"{name}-{lang}-{size}")  # noqa: E731
    company = "한빛정밀㈜ 퀵스캔" if lang == "ko" else "한빛정밀㈜ Quick"
    link = _start(page, app_server, lang, name=company, quick=True, shots=shots, tag="")
    assert f"lang={lang}" in link
    expect(page.get_by_role("heading", name=WORDS[lang]["assess"], exact=True)).to_be_visible()
    wait_idle(page)
    _answer_steps(page, lang, range(4), 12, 0, wait_idle, shots)
    _submit_and_see_results(page, lang, wait_idle)
    page.set_viewport_size(
        {"width": SIZES[size]["width"], "height": 5200 if size == "phone" else 3000}
    )
    wait_idle(page)
    shots("results")

    with page.expect_download() as download_info:
        page.get_by_role("button", name=WORDS[lang]["pdf"]).click()
    pdf = download_info.value
    assert pdf.suggested_filename.endswith(f"-{lang}.pdf")
    reader = PdfReader(io.BytesIO(Path(pdf.path()).read_bytes()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert company in text


def test_full_assessment_interrupted_and_resumed_by_link(
    browser, app_server: str, wait_idle, shot
) -> None:
    first = browser.new_context(viewport=DESKTOP)
    page = first.new_page()
    shots = lambda name: shot(page, f"{name}-en-full")  # noqa: E731
    link = _start(page, app_server, "en", name="Gaon Precision", quick=False, shots=shots, tag="")
    expect(page.get_by_role("heading", name="Assessment", exact=True)).to_be_visible()
    wait_idle(page)
    answered = _answer_visible_step(page, "en", 0, FULL, wait_idle)
    assert answered == FIRST_STEP
    first.close()  # the browser is closed mid-way

    second = browser.new_context(viewport=DESKTOP)
    page = second.new_page()
    shots = lambda name: shot(page, f"{name}-en-resumed")  # noqa: E731
    page.goto(link)
    expect(page.get_by_text(re.compile(f"^{FIRST_STEP} of {FULL} answered"))).to_be_visible()
    expect(page.get_by_role("heading", name="Servitization", exact=True)).to_be_visible()
    wait_idle(page)
    shots("resume")
    _answer_steps(page, "en", range(1, 4), FULL, FIRST_STEP, wait_idle, shots)
    _submit_and_see_results(page, "en", wait_idle)
    second.close()


def test_tampered_link_is_refused(page: Page, app_server: str, wait_idle, shot) -> None:
    link = _start(
        page, app_server, "ko", name="변조 테스트", quick=True, shots=lambda n: None, tag=""
    )
    tampered = re.sub(r"c=([^&]{4})", "c=XXXX", link)
    assert tampered != link
    page.goto(tampered)
    expect(page.get_by_text(WORDS["ko"]["invalid"])).to_be_visible()
    wait_idle(page)
    expect(page.get_by_text("변조 테스트")).to_have_count(0)
    expect(page.get_by_role("radiogroup").filter(has_text="수준 1")).to_have_count(0)
    shot(page, "invalid-link-ko")


def test_a_deep_link_on_a_fresh_server_still_goes_through_the_router(
    page: Page, launch_streamlit, tmp_path, wait_idle
) -> None:
    url = launch_streamlit(
        ROOT / "app.py",
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
            "READINESS_DEMO_COMPANIES": "20",
            "READINESS_DEMO_WAVES": "1",
        },
    )
    page.goto(f"{url}/results?c=not-a-real-token&lang=en")  # the server's very first request
    expect(page.get_by_text(WORDS["en"]["invalid"])).to_be_visible(timeout=60_000)
    wait_idle(page)
    expect(page.get_by_role("radio", name="English")).to_be_visible()  # app.py's own chrome
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)


_SCROLLED = """() => Math.max(
  document.querySelector('[data-testid="stMain"]')?.scrollTop || 0,
  document.querySelector('[data-testid="stAppViewContainer"]')?.scrollTop || 0,
  window.scrollY)"""


def test_assess_steps_open_at_their_top_and_the_stepper_jumps(
    page: Page, app_server: str, wait_idle
) -> None:
    """Next and the stepper rerun only the step's fragment (issue #11): the new step still opens
    at its top, and the stepper still goes straight to a step."""
    page.set_viewport_size(PHONE)
    _start(page, app_server, "ko", name="스텝 이동㈜", quick=True, shots=lambda n: None, tag="")
    expect(page.get_by_role("heading", name=PILLARS["ko"][0], exact=True)).to_be_visible()
    wait_idle(page)
    next_button = page.get_by_role("button", name="다음")
    next_button.scroll_into_view_if_needed()
    assert page.evaluate(_SCROLLED) > 0, "the phone's page is taller than its screen"
    next_button.click()
    expect(page.get_by_role("heading", name=PILLARS["ko"][1], exact=True)).to_be_visible()
    wait_idle(page)
    page.wait_for_function(f"({_SCROLLED})() === 0", timeout=10_000)

    page.get_by_role("radio", name=f"4. {PILLARS['ko'][3]}").click()
    expect(page.get_by_role("heading", name=PILLARS["ko"][3], exact=True)).to_be_visible()
    wait_idle(page)
    expect(page.get_by_role("button", name=WORDS["ko"]["submit"])).to_be_visible()
    page.get_by_role("radio", name=f"1. {PILLARS['ko'][0]}").click()
    expect(page.get_by_role("heading", name=PILLARS["ko"][0], exact=True)).to_be_visible()
    wait_idle(page)
