"""The private link by e-mail, against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import email
import email.policy
import io
from datetime import date

import pytest
from pypdf import PdfReader

from readiness import mail
from readiness.config import Smtp
from readiness.i18n import t
from tests.conftest import Inbox, free_port

LINK = "http://localhost:8501/assess?c=Zq3v9XlGk1sT0bq8mN4pW7yR2cE5hJ6uA1dF8gK0&lang=ko"


@pytest.mark.parametrize(
    ("typed", "valid"),
    [
        ("  ceo@hanbit.co.kr ", "ceo@hanbit.co.kr"),
        ("kim.ceo+board@example.com", "kim.ceo+board@example.com"),
        ("ceo@hanbit", None),
        ("ceo hanbit.co.kr", None),
        ("ceo@hanbit.co.kr\nBcc: x@y.kr", None),
        ("", None),
    ],
)
def test_only_an_address_is_accepted(typed: str, valid: str | None) -> None:
    assert mail.valid_address(typed) == valid


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_link_arrives_in_the_chosen_language_with_the_access_card(
    smtp_server: tuple[Smtp, Inbox], lang: str
) -> None:
    server, inbox = smtp_server
    message = mail.link_message(
        sender=server.sender,
        to="ceo@hanbit.co.kr",
        company_name="한빛정밀㈜\nBcc: spy@example.com",
        link=LINK,
        lang=lang,
        issued=date(2026, 12, 6),
    )
    mail.send(server, message)
    [got] = inbox.received
    parsed = email.message_from_bytes(got.as_bytes(), policy=email.policy.default)
    assert parsed["To"] == "ceo@hanbit.co.kr"
    assert parsed["Bcc"] is None and "spy@example.com" not in str(parsed["To"])
    assert str(parsed["Subject"]).startswith(t("link.email_subject", lang, company="").strip()[:6])
    body = parsed.get_body(preferencelist=("plain",)).get_content()
    assert LINK in body
    assert t("link.email_body", lang, company="X", link="Y").split("\n")[0] in body
    [card] = list(parsed.iter_attachments())
    assert card.get_content_type() == "application/pdf"
    text = PdfReader(io.BytesIO(card.get_content())).pages[0].extract_text()
    assert "한빛정밀㈜" in text and "2026-12-06" in text


def test_a_server_that_cannot_be_reached_is_a_mail_error() -> None:
    port = free_port()  # nobody listens there
    server = Smtp(host="127.0.0.1", port=port, sender="noreply@example.kr", starttls=False)
    message = mail.link_message(
        sender=server.sender,
        to="a@b.kr",
        company_name="X",
        link=LINK,
        lang="ko",
        issued=date.today(),
    )
    with pytest.raises(mail.MailError) as err:
        mail.send(server, message)
    assert "c=" not in str(err.value)
