"""The private link in a real Chromium on a phone: a reload right after creation keeps the link
card (link, copy button, QR code, access card) until the CEO confirms the link is kept."""

from __future__ import annotations

import email
import email.policy
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from readiness.config import Smtp
from readiness.paths import ROOT
from tests.conftest import Inbox
from tests.e2e.test_ceo_journey import DESKTOP, PHONE, SAVED, _fill_profile

WORDS = {
    "ko": {
        "start": "진단 시작",
        "quick": "간편 진단",
        "save": "회사 정보 저장하고 진단 시작",
        "begin": "진단 시작하기",
        "card": "접속 카드 PDF 내려받기",
        "assess": "진단하기",
        "keep_title": "잃어버리면 누구도 되찾아 드릴 수 없습니다",
        "qr": "개인 링크의 QR 코드",
    },
    "en": {
        "start": "Start an assessment",
        "quick": "Quick scan",
        "save": "Save and start the assessment",
        "begin": "Begin the assessment",
        "card": "Download the access card (PDF)",
        "assess": "Assessment",
        "keep_title": "If you lose it, nobody can recover it",
        "qr": "QR code of your private link",
    },
}


def _create(page: Page, base: str, lang: str, name: str) -> str:
    page.goto(f"{base}/start?lang={lang}")
    expect(page.get_by_role("heading", name=WORDS[lang]["start"], exact=True)).to_be_visible()
    _fill_profile(page, name=name, mode_label=WORDS[lang]["quick"], ksic_search="C29")
    page.get_by_role("button", name=WORDS[lang]["save"]).click()
    link = page.get_by_test_id("stCode")
    expect(link).to_contain_text("/assess?c=")
    return link.inner_text().strip()


def _card_is_shown(page: Page, link: str, lang: str) -> None:
    code = page.get_by_test_id("stCode")
    expect(code).to_have_text(link)
    copy = code.get_by_role("button", name="Copy to clipboard")
    expect(copy).to_be_visible()
    # Shown without hover: no ancestor inside the code block is transparent or hidden.
    assert copy.evaluate(
        "b => { for (let e = b; e && e.dataset.testid !== 'stCode'; e = e.parentElement) {"
        " const s = getComputedStyle(e); if (s.opacity === '0' || s.visibility === 'hidden')"
        " return false } return true }"
    )
    qr = page.get_by_role("img", name=WORDS[lang]["qr"])
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 150")


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_reload_right_after_creation_keeps_the_link_and_its_qr_on_a_phone(
    browser: Browser, app_server: str, wait_idle, shot, lang: str
) -> None:
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    name = "한빛정밀㈜ 링크" if lang == "ko" else "Hanbit Link Co."
    link = _create(page, app_server, lang, name)
    token = re.search(r"[?&]c=([^&]+)", link).group(1)
    assert f"c={token}" in page.url
    wait_idle(page)
    _card_is_shown(page, link, lang)

    page.reload()  # what a phone does to a tab left for a messenger
    wait_idle(page, timeout=60_000)
    _card_is_shown(page, link, lang)
    page.set_viewport_size({"width": PHONE["width"], "height": 1900})  # the whole card
    shot(page, f"link-card-{lang}-phone")
    page.set_viewport_size(PHONE)

    page.get_by_test_id("stCode").get_by_role("button", name="Copy to clipboard").tap()
    assert page.evaluate("navigator.clipboard.readText()") == link

    with page.expect_download() as download:
        page.get_by_role("button", name=WORDS[lang]["card"]).click()
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = pdf.pages[0].extract_text()
    assert len(pdf.pages) == 1 and name in text and WORDS[lang]["keep_title"] in text
    assert link in text.replace("\n", "")

    begin = page.get_by_role("button", name=WORDS[lang]["begin"])
    expect(begin).to_be_disabled()
    page.get_by_text(SAVED[lang]).click()
    begin.click()
    expect(page.get_by_role("heading", name=WORDS[lang]["assess"], exact=True)).to_be_visible()
    wait_idle(page)
    page.reload()  # after confirming, a reload reopens the assessment
    expect(page.get_by_role("heading", name=WORDS[lang]["assess"], exact=True)).to_be_visible()
    assert "/assess?" in page.url and f"c={token}" in page.url
    context.close()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_link_card_on_a_desktop(
    browser: Browser, app_server: str, wait_idle, shot, lang: str
) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    link = _create(page, app_server, lang, "가온정밀" if lang == "ko" else "Gaon Card Co.")
    wait_idle(page)
    _card_is_shown(page, link, lang)
    page.set_viewport_size({"width": DESKTOP["width"], "height": 1400})
    shot(page, f"link-card-{lang}-desktop")
    context.close()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_link_by_e_mail_when_a_mail_server_is_configured(
    browser: Browser,
    launch_streamlit,
    tmp_path: Path,
    smtp_server: tuple[Smtp, Inbox],
    wait_idle,
    shot,
    lang: str,
) -> None:
    server, inbox = smtp_server
    base = launch_streamlit(
        ROOT / "app.py",
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'mail.db'}",
            "READINESS_DEMO_COMPANIES": "40",
            "READINESS_DEMO_WAVES": "1",
            "READINESS_SMTP_HOST": server.host,
            "READINESS_SMTP_PORT": str(server.port),
            "READINESS_SMTP_FROM": server.sender,
            "READINESS_SMTP_STARTTLS": "0",
        },
    )
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(base)  # the first visit seeds the demo members
    wait_idle(page, timeout=120_000)
    link = _create(page, base, lang, "메일정밀" if lang == "ko" else "Mail Precision")
    wait_idle(page)
    box = page.get_by_role("textbox", name=MAIL[lang]["label"])
    box.fill("ceo@mail")
    page.get_by_role("button", name=MAIL[lang]["send"]).click()
    expect(page.get_by_text(MAIL[lang]["invalid"])).to_be_visible()
    assert inbox.received == []

    box.fill("ceo@mail-precision.co.kr")
    page.get_by_role("button", name=MAIL[lang]["send"]).click()
    expect(page.get_by_text(MAIL[lang]["sent"])).to_be_visible()
    wait_idle(page)
    page.set_viewport_size({"width": PHONE["width"], "height": 2100})
    shot(page, f"link-card-mail-{lang}-phone")
    [message] = inbox.received
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert parsed["To"] == "ceo@mail-precision.co.kr"
    assert link in parsed.get_body(preferencelist=("plain",)).get_content()
    assert [a.get_content_type() for a in parsed.iter_attachments()] == ["application/pdf"]
    expect(page.get_by_test_id("stCode")).to_have_text(link)  # the card is still there
    context.close()


MAIL = {
    "ko": {
        "label": "이 메일 주소로 링크 보내기",
        "send": "메일 보내기",
        "invalid": "메일 주소를 확인해 주세요",
        "sent": "위 주소로 링크와 접속 카드를 보냈습니다",
    },
    "en": {
        "label": "Send the link to this e-mail address",
        "send": "Send e-mail",
        "invalid": "Please check the e-mail address",
        "sent": "The link and the access card were sent to the address above",
    },
}
