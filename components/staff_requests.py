"""Staff's side of requests to the association: reissue a member's private link, and work a
request (status, assignee, notes). Every write is audited by the store."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.cache import engine
from components.requests import request_target, status_label
from components.session import private_link
from components.staff import StaffSession
from components.widgets import lingual, plain
from readiness import store
from readiness.exports import format_biz_no
from readiness.i18n import t
from readiness.models import AssociationRequest, Company
from readiness.requests import NOTES_MAX, STATUSES

_REISSUED = "req_reissued"
SAVED, TABLE_VERSION = "req_saved", "req_table_version"


def open_link_requests(company_id: int) -> list[AssociationRequest]:
    return [
        r
        for r in store.requests_of(engine=engine(), company_id=company_id)
        if r.kind == "link" and r.status != "done"
    ]


def reissue_panel(company: Company, staff: StaffSession, lang: str, *, key: str) -> None:
    """Issue a member a new private link (the old one stops working at once), shown once to pass
    on, and close the member's open link requests."""
    company_id = company.id
    assert company_id is not None
    shown = st.session_state.get(_REISSUED)
    if shown and shown["company_id"] == company_id:
        st.success(t("req.reissued", lang, name=plain(company.name)), icon=":material/key:")
        st.code(private_link(shown["token"], lang), language=None, wrap_lines=True)
        st.caption(t("req.reissued_once", lang))
        pending = open_link_requests(company_id)
        if pending and st.button(
            t("req.close_link_requests", lang, n=len(pending)),
            icon=":material/task_alt:",
            key=f"{key}_close",
        ):
            for row in pending:
                store.update_request(
                    engine=engine(),
                    request_id=row.id or 0,
                    actor=staff.email,
                    status="done",
                    assignee=row.assignee or staff.email,
                )
            st.rerun()
        if st.button(
            t("req.reissued_hide", lang), icon=":material/visibility_off:", key=f"{key}_hide"
        ):
            st.session_state.pop(_REISSUED, None)
            st.rerun()
        return
    confirming = f"{key}_confirming"
    if not st.session_state.get(confirming):
        st.button(
            t("req.reissue", lang),
            icon=":material/key:",
            key=key,
            on_click=st.session_state.__setitem__,
            args=(confirming, True),
        )
        return
    with st.container(border=True):
        st.markdown(f"**{t('req.reissue_title', lang)}**")
        st.warning(t("req.reissue_body", lang), icon=":material/warning:")
        c1, c2 = st.columns(2)
        if c1.button(
            t("req.reissue_confirm", lang), type="primary", icon=":material/key:", key=f"{key}_ok"
        ):
            token = store.reissue_link(engine=engine(), company_id=company_id, actor=staff.email)
            st.session_state.pop(confirming, None)
            st.session_state[_REISSUED] = {"company_id": company_id, "token": token}
            st.rerun()
        c2.button(
            t("req.cancel", lang),
            key=f"{key}_cancel",
            on_click=st.session_state.pop,
            args=(confirming, None),
        )


def request_editor(row: AssociationRequest, staff: StaffSession, lang: str) -> None:
    """A request as sent (plain text), and its status, assignee and notes to change."""
    request_id = row.id
    assert request_id is not None
    st.markdown(f"**{plain(request_target(row, lang, staff=True))}**")
    facts = [
        (t("staff_requests.col_company", lang), plain(row.company_name or _company_name(row))),
        (t("req.biz_no", lang), format_biz_no(row.biz_no) or "–"),
        (t("req.contact_name", lang), plain(row.contact_name)),
        (t("req.phone", lang), plain(row.phone or "–")),
        (t("req.email", lang), plain(row.email or "–")),
        (t("staff_requests.col_consent", lang), "✓" if row.consent else "✗"),
        (t("staff_requests.col_created", lang), row.created_at.strftime("%Y-%m-%d %H:%M")),
    ]
    st.table(  # label and value, no header row, no grid; st.table renders Markdown: plain()
        pd.DataFrame({"label": [label for label, _ in facts], "value": [v for _, v in facts]}),
        hide_index=True,
        hide_header=True,
        border="horizontal",
    )
    if row.message:
        st.markdown(f"**{t('staff_requests.message', lang)}**")
        st.text(row.message)
    # Plain widgets with keys, not a form: a language switch or a reload of the list keeps what
    # was typed but not yet saved (a form would draw its initial values again).
    c1, c2 = st.columns(2)
    status = c1.selectbox(
        t("staff_requests.status", lang),
        STATUSES,
        index=STATUSES.index(row.status),
        format_func=lambda s: status_label(s, lang),
        key=lingual(f"req_status_{request_id}"),
    )
    assignee = c2.text_input(
        t("staff_requests.assignee", lang),
        value=row.assignee or staff.email,
        max_chars=254,
        key=f"req_assignee_{request_id}",
    )
    notes = st.text_area(
        t("staff_requests.notes", lang),
        value=row.notes,
        max_chars=NOTES_MAX,
        key=f"req_notes_{request_id}",
    )
    if st.button(
        t("staff_requests.save", lang),
        type="primary",
        icon=":material/save:",
        key=f"req_save_{request_id}",
    ):
        store.update_request(
            engine=engine(),
            request_id=request_id,
            actor=staff.email,
            status=status,
            assignee=assignee.strip(),
            notes=notes,
        )
        st.session_state[SAVED] = True
        # A new table: the saved request may leave the filtered list, and its row with it.
        st.session_state[TABLE_VERSION] = st.session_state.get(TABLE_VERSION, 0) + 1
        st.rerun()
    if row.kind != "link":
        return
    company = (
        store.get_company(engine=engine(), company_id=row.company_id) if row.company_id else None
    )
    if company is None:
        st.info(t("staff_requests.no_member", lang), icon=":material/person_search:")
        return
    st.caption(t("staff_requests.member_found", lang, name=plain(company.name)))
    reissue_panel(company, staff, lang, key=f"req_reissue_{request_id}")


def _company_name(row: AssociationRequest) -> str:
    if row.company_id is None:
        return "–"
    company = store.get_company(engine=engine(), company_id=row.company_id)
    return company.name if company else "–"
