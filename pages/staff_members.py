"""Member directory: search, each member's history, deletion on request."""

import pandas as pd
import streamlit as st

from components.cache import engine, forget_data_version
from components.staff import staff_page
from components.staff_filters import ksic_options, region_options, stage_options
from components.staff_requests import reissue_panel
from components.widgets import plain
from readiness import reference, store
from readiness.exports import format_biz_no
from readiness.i18n import t
from readiness.text import display

staff, lang, qbank = staff_page()

st.title(t("members.title", lang))
deleted = st.session_state.pop("member_deleted", None)
if deleted:
    st.success(t("members.deleted", lang, name=plain(deleted)), icon=":material/check:")
changed = st.session_state.pop("member_verified", None)
if changed:
    st.success(changed, icon=":material/verified:")

c1, c2, c3, c4 = st.columns([2, 2, 2, 2])
search = c1.text_input(t("members.search", lang), max_chars=100, placeholder="한빛, Gaon …")
ksic = c2.multiselect(
    t("filters.ksic", lang), **ksic_options(lang), placeholder=t("filters.all", lang)
)
regions = c3.multiselect(
    t("filters.region", lang), **region_options(lang), placeholder=t("filters.all", lang)
)
stages = c4.multiselect(
    t("filters.stage", lang), **stage_options(qbank, lang), placeholder=t("filters.all", lang)
)
t1, t2 = st.columns(2)
include_synthetic = t1.toggle(t("filters.synthetic", lang), value=True)
unverified_only = t2.toggle(t("members.unverified_only", lang), key="member_unverified_only")

total, rows = store.member_directory(
    engine=engine(),
    search=search,
    ksic=ksic,
    regions=regions,
    stages=stages,
    include_synthetic=include_synthetic,
    unverified_only=unverified_only,
    limit=500,
)
st.caption(t("members.count", lang, total=f"{total:,}", shown=f"{len(rows):,}"))
table = pd.DataFrame(
    [
        {
            t("members.col_name", lang): display(r["name"]),
            t(
                "members.col_ksic", lang
            ): f"{r['ksic']} {reference.label('ksic_divisions', r['ksic'], lang)}",
            t("members.col_size", lang): reference.label("size_bands", r["size_band"], lang),
            t("members.col_region", lang): reference.label("regions", r["region"], lang)
            if r["region"]
            else "",
            t("members.col_latest", lang): r["latest_wave"],
            t("members.col_overall", lang): None
            if r["latest_overall"] is None
            else round(r["latest_overall"], 1),
            t("members.col_stage", lang): qbank.stage(r["latest_stage"]).name.get(lang)
            if r["latest_stage"]
            else "",
            t("members.col_assessments", lang): r["assessments"],
            t("members.col_synthetic", lang): bool(r["synthetic"]),
            t("members.col_verified", lang): bool(r["verified"]),
        }
        for r in rows
    ]
)
event = st.dataframe(
    table,
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    key=f"member_table_{st.session_state.get('member_table_version', 0)}",
    height=420,
)
selected = event.selection.rows if event and event.selection else []
if not selected or selected[0] >= len(rows):
    st.info(t("members.pick", lang), icon=":material/touch_app:")
    st.stop()

member = rows[selected[0]]
company = store.get_company(engine=engine(), company_id=member["company_id"])
if company is None:
    st.warning(t("members.gone", lang))
    st.stop()

st.subheader(plain(company.name), anchor=False)
if company.synthetic:
    st.badge(t("app.synthetic_badge", lang), icon=":material/science:", color="orange")
facts = {
    t(
        "members.col_ksic", lang
    ): f"{company.ksic} {reference.label('ksic_divisions', company.ksic, lang)}",
    t("start.employees", lang): f"{company.employees:,}",
    t("members.col_region", lang): reference.label("regions", company.region, lang)
    if company.region
    else "–",
    t("start.biz_no", lang): format_biz_no(company.biz_no) or "–",
    t("start.export_share", lang): "–"
    if company.export_share is None
    else f"{100 * company.export_share:.0f}",
    t("members.consent", lang): "✓" if company.consent_suggest else "✗",
}
st.table(  # label and value, no header row; st.table renders Markdown: plain()
    pd.DataFrame({"label": list(facts), "value": [plain(v) for v in facts.values()]}),
    hide_index=True,
    hide_header=True,
    border="horizontal",
)

history = store.assessments_of(engine=engine(), company_id=company.id)
if history:
    st.markdown(f"**{t('results.history_title', lang)}**")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("results.history_wave", lang): a.wave,
                    t("results.history_mode", lang): t(f"assess.mode_{a.mode}", lang),
                    t("members.col_status", lang): t(f"members.status_{a.status}", lang),
                    t("results.history_overall", lang): None
                    if a.overall is None
                    else round(a.overall, 1),
                    t("results.history_stage", lang): qbank.stage(a.stage).name.get(lang)
                    if a.stage
                    else "",
                    t("results.history_submitted", lang): a.submitted_at.date().isoformat()
                    if a.submitted_at
                    else "",
                }
                for a in history
            ]
        ),
        hide_index=True,
    )


def verification_panel(company_id: int, name: str, biz_no: str | None, verified: bool) -> None:
    """Verify a self-registered member against the roster's business number, or take it back."""
    st.markdown(f"**{t('members.verify_title', lang)}**")
    if verified:
        st.badge(t("members.verified_badge", lang), icon=":material/verified:", color="green")
        confirm = st.button(
            t("members.unverify", lang),
            help=t("members.unverify_help", lang),
            icon=":material/remove_moderator:",
            key="member_unverify",
        )
    else:
        st.badge(t("members.unverified_badge", lang), icon=":material/pending:", color="gray")
        st.caption(t("members.verify_lead", lang))
        if biz_no:
            st.markdown(t("members.verify_biz_no", lang, biz_no=plain(format_biz_no(biz_no) or "")))
        else:
            st.markdown(t("members.verify_no_biz_no", lang))
        matched = st.checkbox(t("members.verify_matched", lang), key=f"member_matched_{company_id}")
        confirm = st.button(
            t("members.verify", lang),
            type="primary",
            icon=":material/verified:",
            disabled=not matched,
            key="member_verify",
        )
    if not confirm:
        return
    store.set_verified(
        engine=engine(), company_id=company_id, verified=not verified, actor=staff.email
    )
    forget_data_version()  # this replica's norms at once; other replicas within DATA_VERSION_TTL
    done = "members.unverified_done" if verified else "members.verified_done"
    st.session_state["member_verified"] = t(done, lang, name=plain(name))
    # A new table, no selection: under a filter the rows move, and row n is another company now.
    st.session_state["member_table_version"] = st.session_state.get("member_table_version", 0) + 1
    st.rerun()


verification_panel(company.id, company.name, company.biz_no, company.verified)
reissue_panel(company, staff, lang, key="member_reissue")


@st.dialog(t("members.delete_title", lang))
def confirm_delete(company_id: int, name: str) -> None:
    st.write(t("members.delete_body", lang))
    # The name as it can be typed: one line of visible characters, at most the 120 a name has
    # today (a longer one, imported before the limit, is confirmed by its first 120).
    typable = display(name, limit=None)[:120]
    st.code(typable, language=None)
    typed = st.text_input(t("members.delete_type_name", lang), max_chars=120, key="delete_typed")
    if st.button(
        t("members.delete_confirm", lang),
        type="primary",
        icon=":material/delete_forever:",
        disabled=typed.strip() != typable.strip(),
        key="delete_confirm",
    ):
        store.delete_company(engine=engine(), company_id=company_id, actor=staff.email)
        forget_data_version()  # other replicas see it within DATA_VERSION_TTL
        st.session_state["member_deleted"] = name
        st.session_state["member_table_version"] = (
            st.session_state.get("member_table_version", 0) + 1
        )
        st.rerun()


if st.button(t("members.delete", lang), icon=":material/delete:"):
    confirm_delete(company.id, company.name)
