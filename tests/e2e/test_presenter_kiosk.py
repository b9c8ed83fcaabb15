"""Issue #14 in Chromium (asgi.py): the facilitator makes a read-only presenter link on the
workshops page and opens it on the projector (1920 x 1080, another browser, never signed in): the
room without menu or sign-out, the QR code large until someone joins, then in a corner while the
count rises by itself; revoking the link ends the kiosk within a refresh."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, expect

from readiness.i18n import t
from tests.e2e.test_workshop_live import (
    EMAIL,
    PASSWORD,
    PHONE,
    PROJECTOR,
    TITLE,
    _participate,
    _server,
)


def test_the_kiosk_link_shows_the_room_on_a_projector_without_signing_in(
    browser: Browser, launch_streamlit, tmp_path: Path, wait_idle, shot
) -> None:
    base, code = _server(launch_streamlit, tmp_path, "asgi.py")

    staff = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    staff.goto(f"{base}/staff_workshops?lang=ko")  # signed out: sign-in first, then back here
    staff.get_by_role("textbox", name="이메일").fill(EMAIL)
    staff.get_by_role("textbox", name="비밀번호").fill(PASSWORD)
    staff.get_by_role("button", name="로그인").click()
    expect(staff.get_by_role("heading", name="워크숍", exact=True)).to_be_visible(timeout=60_000)
    wait_idle(staff)
    staff.get_by_role("button", name=t("workshops.kiosk_make", "ko")).click()
    link = staff.get_by_test_id("stCode").filter(has_text="/?k=")
    expect(link).to_be_visible()
    kiosk_url = link.inner_text().strip()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?k=[\w-]{40,}", kiosk_url), kiosk_url
    shot(staff, "kiosk-link-made-ko")

    projector = browser.new_context(viewport=PROJECTOR).new_page()  # no staff cookie here
    projector.goto(kiosk_url)
    expect(projector.get_by_role("heading", name=TITLE)).to_be_visible(timeout=60_000)
    expect(projector.get_by_role("dialog")).to_have_count(0)  # no "page not found" on the wall
    expect(projector.get_by_text(re.compile(r"^제출 0명 / 참여 0명"))).to_be_visible()
    wait_idle(projector)
    expect(projector.get_by_test_id("stTopNavSection")).to_have_count(0)
    expect(projector.get_by_role("button", name=t("staff.sign_out", "ko"))).to_have_count(0)
    qr = projector.get_by_test_id("stImage").first
    assert qr.bounding_box()["width"] >= 300  # type: ignore[index]  # large while nobody joined
    shot(projector, "kiosk-empty-ko")

    _participate(browser, base, code, 0, "ko", wait_idle, shot)
    expect(projector.get_by_text(re.compile(r"^제출 1명 / 참여 1명"))).to_be_visible(timeout=20_000)
    wait_idle(projector)
    assert projector.get_by_test_id("stImage").first.bounding_box()["width"] <= 220  # type: ignore[index]
    shot(projector, "kiosk-live-ko")

    staff.get_by_role("button", name=t("workshops.kiosk_revoke", "ko")).click()
    expect(staff.get_by_text(t("workshops.kiosk_revoked", "ko"))).to_be_visible()
    expect(projector.get_by_text(t("presenter.link_invalid", "ko"))).to_be_visible(timeout=20_000)
    expect(projector.get_by_role("heading", name=TITLE)).to_have_count(0)
    phone = browser.new_context(viewport=PHONE).new_page()
    phone.goto(kiosk_url)  # the revoked link opens nothing anywhere
    expect(phone.get_by_text(t("presenter.link_invalid", "ko"))).to_be_visible(timeout=30_000)
