"""A workshop live: the facilitator's projector view, phones joining by the QR code's URL."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import Error as PlaywrightError

from readiness import auth, workshops
from readiness.db import make_engine, upgrade
from readiness.i18n import t
from readiness.paths import ROOT

PROJECTOR = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
EMAIL, PASSWORD = "facilitator@inno-biz.or.kr", "a long facilitator pass"
TITLE = "글로벌 강소기업 워크숍"


def _server(launch_streamlit, tmp_path: Path, script: str = "app.py") -> tuple[str, str]:
    """`script` on a fresh SQLite file with a facilitator's account, one open workshop and 120
    demo members: (base URL, join code)."""
    url = f"sqlite:///{tmp_path / 'workshop.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    auth.add_staff(engine=engine, email=EMAIL, password=PASSWORD)
    code = workshops.create_workshop(engine=engine, title=TITLE, actor="t").code
    engine.dispose()
    base = launch_streamlit(
        ROOT / script,
        {"DATABASE_URL": url, "READINESS_DEMO_COMPANIES": "120", "READINESS_DEMO_WAVES": "1"},
    )
    return base, code


def _engine(tmp_path: Path):
    """The database of `_server`, for checks and changes the test makes behind the page."""
    return make_engine(f"sqlite:///{tmp_path / 'workshop.sqlite3'}")


def _open_presenter(page: Page, base: str, wait_idle) -> None:
    page.goto(f"{base}/staff_login?lang=ko")
    page.get_by_role("textbox", name="이메일").fill(EMAIL)
    page.get_by_role("textbox", name="비밀번호").fill(PASSWORD)
    page.get_by_role("button", name="로그인").click()
    heading = page.get_by_role("heading", name=t("overview.title", "ko"))
    expect(heading).to_be_visible(timeout=60_000)
    wait_idle(page)
    page.get_by_test_id("stTopNavSection").filter(has_text="협회 직원").click()
    page.get_by_role("menuitem", name="워크숍", exact=True).click()
    expect(page.get_by_role("heading", name="워크숍", exact=True)).to_be_visible()
    wait_idle(page)
    page.get_by_role("button", name="발표 화면 열기").click()
    expect(page.get_by_text(re.compile(r"^제출 0명 / 참여 0명"))).to_be_visible(timeout=30_000)


def _participate(browser: Browser, base: str, code: str, n: int, lang: str, wait_idle, shot):
    context = browser.new_context(viewport=PHONE)
    phone = context.new_page()
    phone.goto(f"{base}/join?code={code}&lang={lang}")
    expect(phone.get_by_text(re.compile("글로벌 강소기업 워크숍"))).to_be_visible(timeout=30_000)
    wait_idle(phone)
    phone.get_by_role("combobox", name=re.compile("업종|Sector")).click()
    phone.keyboard.type(["C29", "C25", "C29", "C26", "C29"][n % 5])
    phone.keyboard.press("Enter")
    phone.get_by_role("spinbutton", name=re.compile("^(종업원 수|Employees)")).fill(str(5 + 7 * n))
    phone.get_by_role("button", name=re.compile("간편 진단 시작|Start the quick scan")).click()
    first_level = "Level 1" if lang == "en" else "수준 1"
    groups = phone.get_by_role("radiogroup").filter(has_text=first_level)
    expect(groups).to_have_count(12, timeout=30_000)
    wait_idle(phone)
    for k in range(12):
        radio = groups.nth(k).get_by_role("radio").nth(1 + (k + n) % 4)
        for _ in range(3):  # a tap that lands while the answers redraw is tapped again
            try:
                radio.check(force=True, timeout=10_000)
                break
            except PlaywrightError:
                wait_idle(phone)
        done = f"^{k + 1}/12문항" if lang == "ko" else f"^{k + 1} of 12 answered"
        expect(phone.get_by_text(re.compile(done))).to_be_visible()
        wait_idle(phone)
    if n == 0:
        shot(phone, f"workshop-participant-scan-{lang}")
    phone.get_by_role(
        "button", name=re.compile("제출하고 결과 보기|Submit and see results")
    ).click()
    expect(phone.get_by_text(re.compile("종합 점수|Overall score")).first).to_be_visible()
    wait_idle(phone)
    return context, phone


def test_phones_join_and_the_projector_updates_by_itself(
    browser: Browser, launch_streamlit, tmp_path: Path, wait_idle, shot
) -> None:
    base, code = _server(launch_streamlit, tmp_path)
    projector = browser.new_context(viewport=PROJECTOR).new_page()
    _open_presenter(projector, base, wait_idle)
    expect(projector.get_by_text(code, exact=True)).to_be_visible()
    expect(projector.get_by_text(f"/join?code={code}")).to_be_visible()
    shot(projector, "workshop-presenter-empty-ko")

    contexts = []
    for n in range(5):
        lang = "en" if n == 1 else "ko"
        context, phone = _participate(browser, base, code, n, lang, wait_idle, shot)
        contexts.append(context)
        # The projector was never reloaded: its fragment refreshes every few seconds.
        expect(
            projector.get_by_text(re.compile(rf"^제출 {n + 1}명 / 참여 {n + 1}명"))
        ).to_be_visible(timeout=20_000)
        if n in (0, 1):
            phone.set_viewport_size({"width": PHONE["width"], "height": 3400})  # down to the link
            shot(phone, f"workshop-participant-result-{lang}")
    # With five answers the room's picture appears; no name is ever on the projector.
    expect(projector.get_by_text("5명 이상 답하면 보여 드립니다")).to_have_count(0, timeout=20_000)
    shot(projector, "workshop-presenter-live-ko")
    for context in contexts:
        context.close()


def test_a_closed_workshop_turns_a_phone_away(
    browser: Browser, launch_streamlit, tmp_path: Path, wait_idle, shot
) -> None:
    base, code = _server(launch_streamlit, tmp_path)
    engine = _engine(tmp_path)
    workshop = workshops.workshop_by_code(engine=engine, code=code)
    workshops.set_status(engine=engine, workshop_id=workshop.id, status="closed", actor="t")
    phone = browser.new_context(viewport=PHONE).new_page()
    phone.goto(f"{base}/join?code={code}&lang=ko")
    expect(phone.get_by_text("이 워크숍은 끝났습니다", exact=False)).to_be_visible(timeout=30_000)
    wait_idle(phone)
    shot(phone, "workshop-closed-ko")
    phone.goto(f"{base}/join?code=ZZZZZZ&lang=en")
    expect(phone.get_by_text("There is no workshop with this code", exact=False)).to_be_visible(
        timeout=30_000
    )
