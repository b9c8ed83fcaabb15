"""The private link after a company is created: kept in the URL until the CEO confirms it is
saved, with a QR code, an access card and, when a mail server is configured, an e-mail."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from readiness.config import Smtp
from readiness.i18n import t
from tests.app.test_journey import _start
from tests.conftest import Inbox


def _card(at: AppTest) -> dict[str, object]:
    """What the link card shows: the link, QR images, the PDF download, the send buttons."""
    return {
        "link": at.code[0].value if at.code else None,
        "qr_codes": qr_codes(at),
        "downloads": [d.proto.label for d in at.get("download_button")],
        "sends": [b.proto.url.split(":", 1)[0] for b in at.get("link_button")],
    }


def qr_codes(at: AppTest) -> int:
    """The QR code images on the page, each with its alternative text."""
    alts = (t("link.qr_alt", "ko"), t("link.qr_alt", "en"))
    return sum(
        '<img src="data:image/png;base64,' in h.proto.body
        and any(f'alt="{alt}"' in h.proto.body for alt in alts)
        for h in at.get("html")
    )


def _reload(make_app: Callable[..., AppTest], token: str, lang: str) -> AppTest:
    """A browser reload of /start?c=…: a new session whose only memory is the URL."""
    at = make_app(lang)
    at.query_params["c"] = token
    at.run()
    return at.switch_page("pages/start.py").run()


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_reload_after_creation_shows_the_same_link_until_it_is_kept(
    make_app: Callable[..., AppTest], lang: str
) -> None:
    at, token = _start(make_app, lang=lang)
    assert at.query_params["c"] == token  # the link rides in the URL
    before = _card(at)
    assert before["qr_codes"] == 1 and before["downloads"] == [t("link.card_download", lang)]
    assert before["sends"] == ["sms", "mailto"]
    assert at.button(key="start_begin").disabled

    again = _reload(make_app, token, lang)
    assert not again.exception
    assert _card(again) == before
    assert re.search(rf"/assess\?c={re.escape(token)}&lang={lang}$", str(again.code[0].value))
    assert again.button(key="start_begin").disabled
    again.checkbox(key="start_saved").check().run()
    assert not again.button(key="start_begin").disabled
    again.button(key="start_begin").click().run()
    assert again.title[0].value == t("assess.title", lang)
    assert again.query_params["c"] == token  # a reload now reopens the assessment


def test_a_link_that_is_not_valid_on_start_opens_a_fresh_form(
    make_app: Callable[..., AppTest],
) -> None:
    at = _reload(make_app, "not-a-real-token", "ko")
    assert not at.exception
    assert not at.code and "c" not in at.query_params
    assert at.text_input(key="profile_name") is not None


def test_no_mail_field_without_a_mail_server(make_app: Callable[..., AppTest]) -> None:
    at, _ = _start(make_app)
    assert not [w for w in at.text_input if w.key and w.key.startswith("link_card_")]


def _with_server(monkeypatch: pytest.MonkeyPatch, server: Smtp) -> None:
    monkeypatch.setenv("READINESS_SMTP_HOST", server.host)
    monkeypatch.setenv("READINESS_SMTP_PORT", str(server.port))
    monkeypatch.setenv("READINESS_SMTP_FROM", server.sender)
    monkeypatch.setenv("READINESS_SMTP_STARTTLS", "0")


def _send(at: AppTest, address: str) -> AppTest:
    at.text_input(key="link_card_start_email").input(address)
    send = next(b for b in at.button if b.label == t("link.email_send", "ko"))
    return send.click().run()


def test_the_link_is_sent_to_a_valid_address_only(
    make_app: Callable[..., AppTest],
    monkeypatch: pytest.MonkeyPatch,
    smtp_server: tuple[Smtp, Inbox],
) -> None:
    server, inbox = smtp_server
    _with_server(monkeypatch, server)
    at, token = _start(make_app)

    _send(at, "ceo@hanbit")
    assert at.error[0].value == t("link.email_invalid", "ko")
    assert inbox.received == []

    _send(at, "ceo@hanbit.co.kr")
    assert not at.error
    assert at.success[-1].value == t("link.email_sent", "ko")
    [message] = inbox.received
    assert message["To"] == "ceo@hanbit.co.kr"
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert f"c={token}" in parsed.get_body(preferencelist=("plain",)).get_content()
    assert at.code[0].value.endswith(f"c={token}&lang=ko")  # the card is still there


def test_a_failed_send_says_so_and_keeps_the_link(
    make_app: Callable[..., AppTest],
    monkeypatch: pytest.MonkeyPatch,
    smtp_server: tuple[Smtp, Inbox],
) -> None:
    server, _ = smtp_server
    _with_server(monkeypatch, Smtp(host="127.0.0.1", port=1, sender=server.sender))
    at, token = _start(make_app)
    _send(at, "ceo@hanbit.co.kr")
    assert at.error[0].value == t("link.email_failed", "ko")
    assert at.code[0].value.endswith(f"c={token}&lang=ko")
    assert at.button(key="start_begin").disabled
