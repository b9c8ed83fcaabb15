"""Staff sessions in a real Chromium, served as scripts/app.sh serves it (asgi.py: st.App with the
session cookie's routes), on a fresh SQLite file (issue #13).

- Sign in, reload: still signed in (the HttpOnly cookie, looked up in the database); the cookie is
  HttpOnly, SameSite=Strict and holds a token stored only as its digest.
- Sign out, reload: signed out (the session is revoked and the cookie cleared); the old token,
  replayed, opens nothing.
- The account removed while its tab is open: the next click shows the sign-in page, which says why.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlmodel import select

from readiness import auth
from readiness.db import make_engine, read_session, upgrade
from readiness.i18n import t
from readiness.models import StaffSessionRecord
from readiness.paths import ROOT

SLOW_MS = 30_000
EMAIL, PASSWORD = "session.e2e@inno-biz.or.kr", "correct horse battery staple"
SMALL_DEMO = {"READINESS_DEMO_COMPANIES": "40", "READINESS_DEMO_WAVES": "1"}
DESKTOP = {"width": 1400, "height": 900}


@pytest.fixture
def server(launch_streamlit: Callable[..., str], tmp_path: Path) -> tuple[str, str]:
    """asgi.py on a fresh SQLite file with one staff account: (base URL, database URL)."""
    url = f"sqlite:///{tmp_path / 'sessions.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    auth.add_staff(engine=engine, email=EMAIL, password=PASSWORD, display_name="세션 검증")
    engine.dispose()
    return launch_streamlit(ROOT / "asgi.py", {"DATABASE_URL": url, **SMALL_DEMO}), url


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=DESKTOP)
    yield context
    context.close()


def _sign_in(page: Page, base: str, lang: str, wait_idle: Callable[..., None]) -> None:
    page.goto(f"{base}/staff_login?lang={lang}")
    expect(page.get_by_role("heading", name=t("staff.login_title", lang))).to_be_visible(
        timeout=SLOW_MS
    )
    wait_idle(page)
    page.get_by_role("textbox", name=t("staff.email", lang)).fill(EMAIL)
    page.get_by_role("textbox", name=t("staff.password", lang)).fill(PASSWORD)
    page.get_by_role("button", name=t("staff.sign_in", lang), exact=True).click()
    _expect_signed_in(page, lang, wait_idle)


def _expect_signed_in(page: Page, lang: str, wait_idle: Callable[..., None]) -> None:
    expect(page.get_by_role("heading", name=t("overview.title", lang))).to_be_visible(
        timeout=SLOW_MS
    )
    wait_idle(page)
    expect(page.get_by_role("button", name=t("staff.sign_out", lang))).to_be_visible()


def _expect_signed_out(page: Page, lang: str, wait_idle: Callable[..., None]) -> None:
    wait_idle(page)
    expect(page.get_by_role("button", name=t("staff.sign_out", lang))).to_have_count(0)
    expect(page.get_by_role("heading", name=t("overview.title", lang))).to_have_count(0)


def test_a_reload_keeps_the_session_and_sign_out_ends_it(
    server: tuple[str, str], context: BrowserContext, wait_idle: Callable[..., None]
) -> None:
    base, db_url = server
    page = context.new_page()
    _sign_in(page, base, "ko", wait_idle)
    expect(page).to_have_url(re.compile(r"/staff_overview\?lang=ko"))

    (cookie,) = [c for c in context.cookies() if c["name"] == "readiness_staff"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    engine = make_engine(db_url)
    with read_session(engine) as session:
        (row,) = session.exec(select(StaffSessionRecord)).all()
    assert row.token_hash == hashlib.sha256(cookie["value"].encode()).hexdigest()
    assert cookie["value"] not in (row.token_hash or "")

    page.reload()
    _expect_signed_in(page, "ko", wait_idle)  # the reload is still signed in
    page.goto(f"{base}/staff_members?lang=ko")  # a staff URL typed into a new navigation
    expect(page.get_by_role("heading", name=t("members.title", "ko"))).to_be_visible(
        timeout=SLOW_MS
    )

    page.get_by_role("button", name=t("staff.sign_out", "ko")).click()
    _expect_signed_out(page, "ko", wait_idle)
    # The page shows signed out at once; the browser then passes through the sign-out route,
    # which clears the cookie and lands on the home page.
    expect(page).to_have_url(re.compile(r"/\?lang=ko$"), timeout=SLOW_MS)
    wait_idle(page)
    assert not [c for c in context.cookies() if c["name"] == "readiness_staff"]
    page.reload()
    _expect_signed_out(page, "ko", wait_idle)
    assert auth.check_session(engine=engine, token=cookie["value"]) is auth.SessionEnd.REVOKED

    # The old cookie, put back by hand (say, copied before sign-out), opens nothing.
    context.add_cookies([{**cookie}])  # type: ignore[list-item]
    page.goto(f"{base}/staff_overview?lang=ko")
    _expect_signed_out(page, "ko", wait_idle)
    engine.dispose()


def test_removing_the_account_signs_out_its_open_tab_on_the_next_click(
    server: tuple[str, str], context: BrowserContext, wait_idle: Callable[..., None]
) -> None:
    base, db_url = server
    page = context.new_page()
    _sign_in(page, base, "en", wait_idle)

    engine = make_engine(db_url)
    assert auth.remove_staff(engine=engine, email=EMAIL, actor="e2e")  # `readiness staff remove`
    engine.dispose()

    page.get_by_test_id("stTopNavSection").filter(has_text=t("nav.section_staff", "en")).click()
    page.get_by_role("menuitem", name=t("nav.staff_members", "en")).click()
    expect(page.get_by_role("heading", name=t("staff.login_title", "en"))).to_be_visible(
        timeout=SLOW_MS
    )
    expect(page.get_by_text(t("staff.ended", "en"))).to_be_visible()
    expect(page.get_by_role("heading", name=t("members.title", "en"))).to_have_count(0)
    page.reload()  # the cookie is still there; its session is gone
    _expect_signed_out(page, "en", wait_idle)


def test_a_shared_staff_link_opened_signed_out_returns_there_after_sign_in(
    server: tuple[str, str], context: BrowserContext, wait_idle: Callable[..., None]
) -> None:
    """Issue #14: an analyst pastes a colleague's link in a fresh browser: the sign-in page says
    it will continue there, and after sign-in (through the cookie route) the linked view opens
    with its filters; a reload keeps it."""
    base, _ = server
    page = context.new_page()
    page.goto(f"{base}/staff_sector?ksic=C29&wave=2026&lang=en")
    expect(page.get_by_role("heading", name=t("staff.login_title", "en"))).to_be_visible(
        timeout=SLOW_MS
    )
    expect(page.get_by_text(t("staff.sign_in_to_continue", "en"))).to_be_visible()
    expect(page).to_have_url(re.compile(r"/staff_login\?.*next=staff_sector"))
    wait_idle(page)
    page.get_by_role("textbox", name=t("staff.email", "en")).fill(EMAIL)
    page.get_by_role("textbox", name=t("staff.password", "en")).fill(PASSWORD)
    page.get_by_role("button", name=t("staff.sign_in", "en"), exact=True).click()
    expect(page.get_by_role("heading", name=t("sector.title", "en"))).to_be_visible(timeout=SLOW_MS)
    expect(page).to_have_url(re.compile(r"/staff_sector\?(?=.*ksic=C29)(?=.*wave=2026)"))
    page.reload()
    expect(page.get_by_role("heading", name=t("sector.title", "en"))).to_be_visible(timeout=SLOW_MS)
    expect(page).to_have_url(re.compile(r"/staff_sector\?(?=.*ksic=C29)"))
