"""E-mail: a CEO's private link sent to an address they give, when a mail server is configured.

The address is used for this one message and stored nowhere; the link is never logged (a failure
is reported by its kind, without the message or the recipient).
"""

from __future__ import annotations

import re
import smtplib
import ssl
from datetime import date
from email.message import EmailMessage

from readiness.config import Smtp
from readiness.i18n import t
from readiness.report.access_card import access_card_filename, access_card_pdf

_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
TIMEOUT_S = 15


class MailError(Exception):
    """The message could not be handed to the mail server; nothing about it was kept."""


def valid_address(text: str) -> str | None:
    """`text` as an e-mail address (trimmed), or None when it is not one."""
    address = (text or "").strip()
    if len(address) > 254 or not _ADDRESS.fullmatch(address):
        return None
    return address


def link_message(
    *, sender: str, to: str, company_name: str, link: str, lang: str, issued: date
) -> EmailMessage:
    """The e-mail carrying `link`: plain text in `lang`, the access card attached."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    # A company name is user text: a line break in it must not add a header.
    message["Subject"] = " ".join(t("link.email_subject", lang, company=company_name).split())
    message.set_content(t("link.email_body", lang, company=company_name, link=link))
    card = access_card_pdf(company_name=company_name, link=link, lang=lang, issued=issued)
    message.add_attachment(
        card,
        maintype="application",
        subtype="pdf",
        filename=access_card_filename(company_name, lang),
    )
    return message


def send(server: Smtp, message: EmailMessage) -> None:
    """Hand `message` to `server`; MailError when that fails for any reason."""
    try:
        with smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_S) as smtp:
            if server.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if server.user and server.password:
                smtp.login(server.user, server.password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(type(exc).__name__) from None
