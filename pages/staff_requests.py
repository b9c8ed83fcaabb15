"""Requests: what CEOs asked the association for (their link again, an introduction), to work
through: status, assignee, notes, and a new private link for link requests."""

import pandas as pd
import streamlit as st

from components.cache import engine
from components.requests import request_target, status_label
from components.staff import staff_page
from components.staff_filters import keep_in_url, seed, url_ignored_notice, url_list
from components.staff_requests import SAVED, TABLE_VERSION, request_editor
from components.widgets import dashed, lingual
from readiness import store
from readiness.i18n import t
from readiness.requests import KINDS, STATUSES
from readiness.text import display

staff, lang, qbank = staff_page()

st.title(t("staff_requests.title", lang))
st.caption(t("staff_requests.lead", lang))
if st.session_state.pop(SAVED, False):
    st.success(t("staff_requests.saved", lang), icon=":material/check:")
# The filters live in the URL: a link to "new introduction requests" opens just those.
seed("req_filter_status", lambda: url_list("status", STATUSES))
seed("req_filter_kind", lambda: url_list("kind", KINDS))
c1, c2 = st.columns(2)
statuses = c1.multiselect(
    t("staff_requests.status", lang),
    STATUSES,
    default=["new", "in_progress"],
    format_func=lambda s: status_label(s, lang),
    placeholder=t("filters.all", lang),
    key=lingual("req_filter_status"),
)
kinds = c2.multiselect(
    t("staff_requests.kind", lang),
    KINDS,
    format_func=lambda k: t(f"req.kind_{k}", lang),
    placeholder=t("filters.all", lang),
    key=lingual("req_filter_kind"),
)
keep_in_url({"status": statuses or None, "kind": kinds})
url_ignored_notice(lang)
rows = store.list_requests(engine=engine(), statuses=statuses, kinds=kinds)
if not rows:
    st.info(t("staff_requests.none", lang), icon=":material/inbox:")
    st.stop()
st.caption(t("staff_requests.count", lang, n=len(rows)))
table = pd.DataFrame(
    [
        {
            t("staff_requests.col_created", lang): r.created_at.strftime("%Y-%m-%d %H:%M"),
            t("staff_requests.kind", lang): t(f"req.kind_{r.kind}", lang),
            t("staff_requests.col_company", lang): display(r.company_name),
            t("staff_requests.col_what", lang): display(request_target(r, lang, staff=True)),
            t("req.contact_name", lang): display(r.contact_name),
            t("req.phone", lang): display(r.phone or ""),
            t("req.email", lang): display(r.email or ""),
            t("staff_requests.col_consent", lang): r.consent,
            t("staff_requests.status", lang): status_label(r.status, lang),
            t("staff_requests.assignee", lang): r.assignee,
        }
        for r in rows
    ]
)
event = st.dataframe(
    dashed(table),
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    key=f"req_table_{st.session_state.get(TABLE_VERSION, 0)}",
)
selected = event.selection.rows if event and event.selection else []
if not selected:
    st.info(t("staff_requests.pick", lang), icon=":material/touch_app:")
    st.stop()
with st.container(border=True):
    request_editor(rows[selected[0]], staff, lang)
