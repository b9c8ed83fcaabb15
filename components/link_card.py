"""The private-link card: the link with a copy button that stays visible on phones, a text and a
mail to oneself, the QR code, the access card PDF and, when a mail server is configured, the link
sent by e-mail.

Everything is Streamlit-native (no script of ours: the CSP allows no inline scripts). The copy
button is st.code's own, which Streamlit shows only on hover; a static style keeps it shown here.
"""

from __future__ import annotations

import base64
import html
from datetime import date
from urllib.parse import quote

import streamlit as st

from components.session import private_link
from readiness import mail
from readiness.config import settings
from readiness.i18n import t
from readiness.report.access_card import access_card_filename, access_card_pdf, link_qr_png

CARD_KEY = "link_card"
# st.code's copy button sits in two wrappers that hide it until the pointer hovers the code block;
# phones have no hover. Static CSS, scoped to the card's containers (class st-key-link_card_*).
_SHOW_COPY_BUTTON = (
    "<style>[class*='st-key-link_card_'] [data-testid='stCode'] "
    "div:has([data-testid='stElementToolbarButton']){visibility:visible;opacity:1}"
    "[class*='st-key-link_card_'] [data-testid='stCode'] button{transform:scale(1.25)}</style>"
)


def link_card(
    *,
    company_name: str,
    token: str,
    lang: str,
    key: str,
    title: str | None = None,
    lead: str | None = None,
    member_link: str | None = None,
) -> None:
    """The card for the company's private link; `key` names this place (start, join...).

    With `member_link` it is a team member's link instead (components/team_view.py): worded for
    the member, without the company's access card or e-mail.
    """
    link = member_link or private_link(token, lang)
    st.html(_SHOW_COPY_BUTTON)
    with st.container(border=True, key=f"{CARD_KEY}_{key}"):
        st.markdown(f"**{title or t('link.title', lang)}**")
        if lead:
            st.caption(lead)
        st.code(link, language=None, wrap_lines=True)
        st.caption(t("link.copy_hint", lang))
        words = "team.member_message" if member_link else "link.message"
        subject = t(f"{words}_subject", lang, company=company_name)
        body = t(f"{words}_body", lang, company=company_name, link=link)
        send = st.columns(2)
        send[0].link_button(
            t("link.send_sms", lang),
            f"sms:?&body={quote(body)}",
            icon=":material/sms:",
            width="stretch",
        )
        send[1].link_button(
            t("link.send_mail", lang),
            f"mailto:?subject={quote(subject)}&body={quote(body)}",
            icon=":material/mail:",
            width="stretch",
        )
        qr, card = st.columns([1, 2], vertical_alignment="center")
        qr.html(_qr_image(link, t("link.qr_alt", lang)))
        qr.caption(t("link.qr_caption", lang))
        if member_link:
            return
        with card:
            st.download_button(
                t("link.card_download", lang),
                data=lambda: access_card_pdf(
                    company_name=company_name, link=link, lang=lang, issued=date.today()
                ),
                file_name=access_card_filename(company_name, lang),
                mime="application/pdf",
                icon=":material/badge:",
                on_click="ignore",
                type="primary",
                width="stretch",
                key=f"{CARD_KEY}_{key}_pdf",
            )
            if settings().smtp is not None:
                _email_form(company_name=company_name, link=link, lang=lang, key=key)


def _qr_image(link: str, alt: str) -> str:
    """The link's QR code as an <img> with its alternative text (st.image has none); the PNG is
    drawn here and inlined as a data: URL, which the CSP's img-src allows."""
    png = base64.b64encode(link_qr_png(link, scale=5)).decode("ascii")
    return (
        f'<img src="data:image/png;base64,{png}" alt="{html.escape(alt)}" '
        'width="200" height="200" style="max-width:100%;height:auto">'
    )


def _email_form(*, company_name: str, link: str, lang: str, key: str) -> None:
    """The link sent to an address the CEO types; the address is not kept after the send."""
    server = settings().smtp
    assert server is not None
    with st.form(f"{CARD_KEY}_{key}_mail", clear_on_submit=False, border=False):
        typed = st.text_input(
            t("link.email_label", lang),
            help=t("link.email_help", lang),
            placeholder="ceo@example.co.kr",
            key=f"{CARD_KEY}_{key}_email",
        )
        sent = st.form_submit_button(t("link.email_send", lang), icon=":material/send:")
    if not sent:
        return
    address = mail.valid_address(typed)
    if address is None:
        st.error(t("link.email_invalid", lang), icon=":material/error:")
        return
    message = mail.link_message(
        sender=server.sender,
        to=address,
        company_name=company_name,
        link=link,
        lang=lang,
        issued=date.today(),
    )
    try:
        mail.send(server, message)
    except mail.MailError:
        st.error(t("link.email_failed", lang), icon=":material/error:")
        return
    st.success(t("link.email_sent", lang), icon=":material/mark_email_read:")
