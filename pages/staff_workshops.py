"""Workshops: create one, open, pause or close it, open its presenter view, export its results."""

from datetime import date

import pandas as pd
import streamlit as st

from components.cache import engine
from components.session import public_base_url
from components.staff import staff_page
from components.staff_filters import keep_in_url, seed, url_ignored_notice, url_value
from readiness import exports, workshops
from readiness.cohorts import Cohort
from readiness.i18n import t
from readiness.text import display

staff, lang, qbank = staff_page()

st.title(t("workshops.title", lang))

with st.form("new_workshop"):
    st.subheader(t("workshops.new", lang))
    c1, c2, c3 = st.columns([3, 1, 1])
    title = c1.text_input(t("workshops.name", lang), max_chars=200, key="workshop_title")
    held_on = c2.date_input(t("workshops.date", lang), value=date.today())
    ws_lang = c3.selectbox(
        t("workshops.lang", lang),
        ["ko", "en"],
        format_func=lambda code: {"ko": "한국어", "en": "English"}[code],
    )
    if st.form_submit_button(
        t("workshops.create", lang), type="primary", icon=":material/add:", key="workshop_create"
    ):
        if not title.strip():
            st.error(t("workshops.name_needed", lang), icon=":material/error:")
        else:
            created = workshops.create_workshop(
                engine=engine(), title=title, held_on=held_on, lang=ws_lang, actor=staff.email
            )
            st.success(t("workshops.created", lang, code=created.code), icon=":material/check:")

listing = workshops.list_workshops(engine=engine())
if not listing:
    st.info(t("workshops.none", lang), icon=":material/event:")
    st.stop()

st.dataframe(
    pd.DataFrame(
        [
            {
                t("workshops.name", lang): display(item.workshop.title),
                t("workshops.code", lang): item.workshop.code,
                t("workshops.date", lang): item.workshop.held_on,
                t("workshops.status", lang): t(f"workshops.status_{item.workshop.status}", lang),
                t("workshops.joined", lang): item.joined,
                t("workshops.submitted", lang): item.submitted,
            }
            for item in listing
        ]
    ),
    hide_index=True,
)

# The workshop managed is in the URL ("ws"): a reload or a colleague's link opens the same one.
ids = [item.workshop.id for item in listing]
seed("workshop_manage", lambda: url_value("ws", ids))
chosen = st.selectbox(
    t("workshops.manage", lang),
    ids,
    key="workshop_manage",
    format_func=lambda wid: next(
        f"{display(i.workshop.title)} · {i.workshop.code}" for i in listing if i.workshop.id == wid
    ),
)
keep_in_url({"ws": chosen})
url_ignored_notice(lang)
current = next(item.workshop for item in listing if item.workshop.id == chosen)
st.caption(workshops.join_url(current.code, base=public_base_url()))
c1, c2, c3, c4 = st.columns(4)
for col, status, icon in (
    (c1, "open", ":material/play_arrow:"),
    (c2, "paused", ":material/pause:"),
    (c3, "closed", ":material/stop:"),
):
    if col.button(
        t(f"workshops.to_{status}", lang),
        icon=icon,
        disabled=current.status == status,
        width="stretch",
        key=f"to_{status}",
    ):
        workshops.set_status(
            engine=engine(), workshop_id=current.id, status=status, actor=staff.email
        )
        st.rerun()
if c4.button(
    t("workshops.present", lang), type="primary", icon=":material/co_present:", width="stretch"
):
    st.switch_page("pages/presenter.py", query_params={"lang": lang, "code": current.code})

# The projector's read-only presenter link: a kiosk without sign-in or staff menu.
st.subheader(t("workshops.kiosk_title", lang))
st.caption(t("workshops.kiosk_lead", lang, hours=workshops.PRESENTER_LINK_HOURS))
KIOSK = "kiosk_link"  # (workshop id, address), shown once after it is made
k1, k2 = st.columns(2)
if k1.button(
    t("workshops.kiosk_make", lang),
    icon=":material/cast:",
    disabled=current.status == "closed",
    width="stretch",
    key="kiosk_make",
):
    token = workshops.new_presenter_link(engine=engine(), workshop_id=current.id, actor=staff.email)
    st.session_state[KIOSK] = (current.id, workshops.presenter_url(token, base=public_base_url()))
    current = workshops.get_workshop(engine=engine(), workshop_id=current.id) or current
if k2.button(
    t("workshops.kiosk_revoke", lang),
    icon=":material/link_off:",
    disabled=current.presenter_key_hash is None,
    width="stretch",
    key="kiosk_revoke",
):
    workshops.revoke_presenter_link(engine=engine(), workshop_id=current.id, actor=staff.email)
    st.session_state.pop(KIOSK, None)
    current = workshops.get_workshop(engine=engine(), workshop_id=current.id) or current
    st.success(t("workshops.kiosk_revoked", lang), icon=":material/link_off:")
made = st.session_state.get(KIOSK)
if made and made[0] == current.id and current.presenter_key_hash:
    st.code(made[1], language=None, wrap_lines=True)
    st.caption(t("workshops.kiosk_made", lang))
elif current.presenter_key_hash and current.presenter_key_at is not None:
    at = current.presenter_key_at.astimezone().strftime("%Y-%m-%d %H:%M")
    st.caption(t("workshops.kiosk_active", lang, at=at))

filters = Cohort(workshop_ids=(current.id,))
e1, e2 = st.columns(2)
for col, fmt in ((e1, "csv"), (e2, "xlsx")):
    col.download_button(
        t(f"data.download_{fmt}", lang),
        data=lambda fmt=fmt: exports.export_assessments(
            engine=engine(), fmt=fmt, actor=staff.email, lang=lang, filters=filters, bank=qbank
        ),
        file_name=f"workshop-{current.code}.{fmt}",
        mime=exports.MIME_TYPES[fmt],
        on_click="ignore",
        width="stretch",
    )
