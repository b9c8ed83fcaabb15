"""Requests to the association, as the CEO sends them: "send my link again" (start page, "link not
valid" page) and "introduce me" (results page), and the status of the company's own requests.

What the CEO types is only ever shown back as plain text; bad input gets the problems named and
writes nothing. A link request reads the same whether or not the business number is a member's.
"""

from __future__ import annotations

from typing import Any, Literal

import streamlit as st

from components.cache import engine, program_catalog
from components.ratelimit import allowed, refuse
from components.widgets import plain
from readiness import store
from readiness.config import settings
from readiness.exports import format_biz_no
from readiness.i18n import t
from readiness.models import AssociationRequest
from readiness.partners import default_catalog
from readiness.profile import CompanyProfile
from readiness.requests import (
    COMPANY_NAME_MAX,
    CONTACT_NAME_MAX,
    EMAIL_MAX,
    MESSAGE_MAX,
    PHONE_MAX,
    check_request,
)

_SENT = "req_sent_{key}"


def _problems(problems: list[str], lang: str) -> None:
    lines = "\n".join(f"- {t(f'req.err.{code}', lang)}" for code in problems)
    st.error(f"{t('req.errors_title', lang)}\n\n{lines}", icon=":material/error:")


def _contact_fields(lang: str, key: str) -> dict[str, Any]:
    """Contact person, phone, e-mail: the fields every request asks for."""
    contact = st.text_input(
        t("req.contact_name", lang), max_chars=CONTACT_NAME_MAX, key=f"{key}_contact"
    )
    c1, c2 = st.columns(2)
    phone = c1.text_input(
        t("req.phone", lang), max_chars=PHONE_MAX, placeholder="010-1234-5678", key=f"{key}_phone"
    )
    email = c2.text_input(
        t("req.email", lang), max_chars=EMAIL_MAX, placeholder="ceo@company.kr", key=f"{key}_email"
    )
    st.caption(t("req.reach_help", lang))
    return {"contact_name": contact, "phone": phone, "email": email}


def _consent(lang: str, key: str) -> bool:
    return st.checkbox(t("req.consent", lang), key=f"{key}_consent")


def link_request_form(lang: str, *, key: str, company_name: str = "", biz_no: str = "") -> None:
    """The "send my link again" form: a short form that stores a "link" request.

    The answer is the same whether or not the business number belongs to a member.
    """
    sent = _SENT.format(key=key)
    if st.session_state.get(sent):
        st.success(t("req.link_sent", lang), icon=":material/mark_email_read:")
        return
    with st.form(key, border=True):
        st.markdown(f"**{t('req.link_title', lang)}**")
        st.caption(t("req.link_lead", lang))
        c1, c2 = st.columns(2)
        name = c1.text_input(
            t("req.company_name", lang),
            value=company_name,
            max_chars=COMPANY_NAME_MAX,
            key=f"{key}_company",
        )
        number = c2.text_input(
            t("req.biz_no", lang),
            value=biz_no,
            max_chars=12,
            placeholder="123-45-67890",
            key=f"{key}_biz_no",
        )
        contact = _contact_fields(lang, key)
        consent = _consent(lang, key)
        submitted = st.form_submit_button(
            t("req.link_send", lang), type="primary", icon=":material/send:"
        )
    if not submitted:
        return
    request, problems = check_request(
        kind="link", company_name=name, biz_no=number, consent=consent, **contact
    )
    if request is None:
        _problems(problems, lang)
        return
    if not allowed("request", limit=settings().requests_per_hour):
        refuse(lang)
        return
    store.create_request(engine=engine(), request=request)
    st.session_state[sent] = True
    st.rerun()


_REGISTERED = "req_registered"


def remember_registration(profile: CompanyProfile) -> None:
    """Keep the name and number a company registered with, for `registered_before`."""
    if profile.biz_no:
        number = format_biz_no(profile.biz_no)
        st.session_state[_REGISTERED] = {"name": profile.name, "biz_no": number}
    else:
        st.session_state.pop(_REGISTERED, None)


def registered_before(lang: str) -> None:
    """After registering with a business number: "registered before? ask for that link". Shown to
    everyone who gave a number, so it says nothing about whether the number was a member's."""
    given = st.session_state.get(_REGISTERED)
    if not given:
        return
    with st.expander(t("req.registered_before_title", lang), icon=":material/history:"):
        st.write(t("req.registered_before_body", lang))
        link_request_form(
            lang, key="req_registered_form", company_name=given["name"], biz_no=given["biz_no"]
        )


def introduction_button(
    company_id: int,
    lang: str,
    *,
    target: str,
    key: str,
    partner_type: str | None = None,
    member_id: int | None = None,
    program_id: str | None = None,
) -> None:
    """ "Ask the association for an introduction" to a partner type or a suggested member, or
    "ask the association about this programme" (`program_id`): a button that opens a short form
    in place; `target` is the name the CEO sees it by."""
    words = "program" if program_id else "intro"
    sent, opened = _SENT.format(key=key), f"{key}_open"
    if st.session_state.get(sent):
        st.caption(f":material/mark_email_read: {t(f'req.{words}_sent', lang)}")
        return
    if not st.session_state.get(opened):
        st.button(
            t(f"req.{words}_button", lang),
            icon=":material/connect_without_contact:",
            key=key,
            on_click=st.session_state.__setitem__,
            args=(opened, True),
        )
        return
    with st.form(f"{key}_form", border=True):
        st.markdown(f"**{t(f'req.{words}_title', lang)}** · {plain(target)}")
        st.caption(t(f"req.{words}_lead", lang))
        contact = _contact_fields(lang, f"{key}_form")
        message = st.text_area(
            t("req.message", lang),
            max_chars=MESSAGE_MAX,
            placeholder=t(f"req.{words}_placeholder", lang),
            key=f"{key}_form_message",
        )
        consent = _consent(lang, f"{key}_form")
        submitted = st.form_submit_button(
            t(f"req.{words}_send", lang), type="primary", icon=":material/send:"
        )
    if not submitted:
        return
    request, problems = check_request(
        kind="programme" if program_id else "introduction",
        company_id=company_id,
        partner_type=partner_type,
        member_id=member_id,
        program_id=program_id,
        message=message,
        consent=consent,
        **contact,
    )
    if request is None:
        _problems(problems, lang)
        return
    try:
        store.create_request(engine=engine(), request=request)
    except store.StoreError:  # the member left the association meanwhile
        st.error(t("req.err.member_gone", lang), icon=":material/error:")
        return
    st.session_state[sent] = True
    st.rerun()


def request_target(row: AssociationRequest, lang: str, *, staff: bool = False) -> str:
    """What a request asks for, in words: the partner type's name, or the member (named for
    staff only: a CEO may have seen it under a neutral label)."""
    if row.kind == "link":
        return t("req.kind_link", lang)
    if row.program_id:
        program = program_catalog().program(row.program_id)
        return program.name.get(lang) if program is not None else row.program_id
    if row.partner_type:
        try:
            return default_catalog().type(row.partner_type).name.get(lang)
        except StopIteration:
            return row.partner_type
    if staff and row.member_id is not None:
        member = store.get_company(engine=engine(), company_id=row.member_id)
        if member is not None:
            return t("req.what_member_named", lang, name=member.name)
    return t("req.what_member", lang)


def status_label(status: str, lang: str) -> str:
    return t(f"req.status_{status}", lang)


def own_requests(company_id: int, lang: str) -> None:
    """The company's requests to the association and where each stands (results page)."""
    rows = store.requests_of(engine=engine(), company_id=company_id)
    if not rows:
        return
    st.subheader(t("req.own_title", lang), anchor=False)
    st.caption(t("req.own_lead", lang))
    for row in rows:
        with st.container(border=True):
            left, right = st.columns([4, 1])
            left.markdown(f"**{plain(request_target(row, lang))}**")
            left.caption(t("req.own_sent_on", lang, date=row.created_at.date().isoformat()))
            right.badge(
                status_label(row.status, lang),
                icon=_STATUS_ICONS[row.status],
                color=_STATUS_COLORS[row.status],
            )


_STATUS_ICONS = {
    "new": ":material/inbox:",
    "in_progress": ":material/pending:",
    "done": ":material/check_circle:",
}
_STATUS_COLORS: dict[str, Literal["blue", "orange", "green"]] = {
    "new": "blue",
    "in_progress": "orange",
    "done": "green",
}
