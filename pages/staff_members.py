"""Member directory: search (name or business number), pages, each member's contact (staff
only), history with pillar scores and report, deletion on request. The filters live in the URL."""

import math
from typing import Any

import pandas as pd
import streamlit as st

from components.cache import engine, forget_data_version
from components.results_view import staff_report_download
from components.staff import staff_page
from components.staff_filters import (
    keep_in_url,
    ksic_options,
    region_options,
    seed,
    size_band_options,
    stage_options,
    url_flag,
    url_ignored_notice,
    url_list,
    url_text,
    url_value,
)
from components.staff_requests import reissue_panel
from components.widgets import MISSING, dashed, lingual, plain
from readiness import reference, store
from readiness.exports import format_biz_no
from readiness.i18n import t, t_count
from readiness.text import display

staff, lang, qbank = staff_page()

st.title(t("members.title", lang))
deleted = st.session_state.pop("member_deleted", None)
if deleted:
    st.success(t("members.deleted", lang, name=plain(deleted)), icon=":material/check:")
changed = st.session_state.pop("member_verified", None)
if changed:
    st.success(changed, icon=":material/verified:")

SEARCH_MAX = 100
PAGE_SIZES = (50, 100, 200)
MAX_PAGES = 5_000
COMPLETENESS = list(store.COMPLETENESS_CHOICES)

# Every filter is seeded from the URL on the page's first run and written back to it (keep_in_url
# below), so a reload or a shared link shows the same view.
seed("member_search", lambda: url_text("q", SEARCH_MAX))
seed("member_ksic", lambda: url_list("ksic", reference.ksic_codes()))
seed("member_region", lambda: url_list("region", reference.region_codes()))
seed("member_size", lambda: url_list("size", reference.size_band_ids()))
seed("member_stage", lambda: url_list("stage", [s.id for s in qbank.stages]))
seed("member_synthetic", lambda: url_flag("syn"))
seed("member_unverified_only", lambda: url_flag("unv"))
seed("member_completeness", lambda: url_value("comp", COMPLETENESS))
seed("member_page_size", lambda: url_value("per", list(PAGE_SIZES)))
seed("member_page", lambda: url_value("page", range(1, MAX_PAGES + 1)))

c1, c2, c3 = st.columns([3, 2, 2])
search = c1.text_input(
    t("members.search", lang),
    max_chars=SEARCH_MAX,
    placeholder="한빛, Gaon, 124-81-00998 …",
    key="member_search",
)
ksic = c2.multiselect(
    t("filters.ksic", lang),
    **ksic_options(lang),
    placeholder=t("filters.all", lang),
    key="member_ksic",
)
regions = c3.multiselect(
    t("filters.region", lang),
    **region_options(lang),
    placeholder=t("filters.all", lang),
    key="member_region",
)
c1, c2, c3 = st.columns([3, 2, 2])
completeness = c1.segmented_control(
    t("members.completeness", lang),
    options=COMPLETENESS,
    format_func=lambda c: t(f"members.completeness_{c}", lang),
    default="all",
    required=True,
    key=lingual("member_completeness"),
)
sizes = c2.multiselect(
    t("filters.size_band", lang),
    **size_band_options(lang),
    placeholder=t("filters.all", lang),
    key="member_size",
)
stages = c3.multiselect(
    t("filters.stage", lang),
    **stage_options(qbank, lang),
    placeholder=t("filters.all", lang),
    key="member_stage",
)
t1, t2 = st.columns(2)
include_synthetic = t1.toggle(t("filters.synthetic", lang), value=True, key="member_synthetic")
unverified_only = t2.toggle(t("members.unverified_only", lang), key="member_unverified_only")
per_page = int(st.session_state.get("member_page_size") or PAGE_SIZES[0])

# Another filter shows other members: back to the first page (a link's own page is kept).
filters = (search, *map(tuple, (ksic, regions, sizes, stages)))
filters += (include_synthetic, unverified_only, completeness, per_page)
if st.session_state.get("member_filters", filters) != filters:
    st.session_state["member_page"] = 1
st.session_state["member_filters"] = filters


def directory_page(page: int) -> tuple[int, list[dict[str, Any]]]:
    return store.member_directory(
        engine=engine(),
        search=search,
        ksic=ksic,
        regions=regions,
        size_bands=sizes,
        stages=stages,
        include_synthetic=include_synthetic,
        unverified_only=unverified_only,
        completeness=completeness or "all",
        limit=per_page,
        offset=(page - 1) * per_page,
    )


page = int(st.session_state.get("member_page") or 1)
total, rows = directory_page(page)
pages = max(1, math.ceil(total / per_page))
if page > pages:  # a link's page past the end, or fewer matches since: the last page
    page = st.session_state["member_page"] = pages
    total, rows = directory_page(page)
keep_in_url(
    {
        "q": search.strip(),
        "ksic": ksic,
        "region": regions,
        "size": sizes,
        "stage": stages,
        "syn": None if include_synthetic else False,
        "unv": unverified_only or None,
        "comp": None if completeness in (None, "all") else completeness,
        "per": None if per_page == PAGE_SIZES[0] else per_page,
        "page": None if page == 1 else page,
    }
)
url_ignored_notice(lang)
if not total:
    st.info(t("members.none", lang), icon=":material/search_off:")
    st.stop()
st.caption(t_count("members.count", lang, total))
table = pd.DataFrame(
    {
        t("members.col_name", lang): [display(r["name"]) for r in rows],
        t("members.col_biz_no", lang): [format_biz_no(r["biz_no"]) for r in rows],
        t("members.col_ksic", lang): [
            f"{r['ksic']} {reference.label('ksic_divisions', r['ksic'], lang)}" for r in rows
        ],
        t("members.col_size", lang): [
            reference.label("size_bands", r["size_band"], lang) for r in rows
        ],
        t("members.col_region", lang): [
            reference.label("regions", r["region"], lang) if r["region"] else None for r in rows
        ],
        t("members.col_latest", lang): pd.array([r["latest_wave"] for r in rows], dtype="Int64"),
        t("members.col_overall", lang): [r["latest_overall"] for r in rows],
        t("members.col_completeness", lang): [
            None if r["latest_completeness"] is None else 100 * r["latest_completeness"]
            for r in rows
        ],
        t("members.col_stage", lang): [
            qbank.stage(r["latest_stage"]).name.get(lang) if r["latest_stage"] else None
            for r in rows
        ],
        t("members.col_assessments", lang): [r["assessments"] for r in rows],
        t("members.col_synthetic", lang): [bool(r["synthetic"]) for r in rows],
        t("members.col_verified", lang): [bool(r["verified"]) for r in rows],
    }
)
event = st.dataframe(
    dashed(table),
    hide_index=True,
    on_select="rerun",
    selection_mode="single-row",
    key=f"member_table_{st.session_state.get('member_table_version', 0)}",
    height=420,
)


def turn_page(to: int) -> None:
    """Another page: a new table, so that no row of the last page stays selected."""
    st.session_state["member_page"] = to
    st.session_state["member_table_version"] = st.session_state.get("member_table_version", 0) + 1


p1, p2, p3, p4 = st.columns([1, 1, 3, 1.4], vertical_alignment="center")
p1.button(
    t("members.prev", lang),
    icon=":material/chevron_left:",
    disabled=page <= 1,
    on_click=turn_page,
    args=(page - 1,),
    key="member_prev",
    width="stretch",
)
p2.button(
    t("members.next", lang),
    icon=":material/chevron_right:",
    disabled=page >= pages,
    on_click=turn_page,
    args=(page + 1,),
    key="member_next",
    width="stretch",
)
first = (page - 1) * per_page + 1
if rows:  # "51–100 of 1,234 (page 2 of 25)"; nothing to say of an empty list
    p3.caption(
        t(
            "members.page_range",
            lang,
            first=f"{first:,}",
            last=f"{first + len(rows) - 1:,}",
            total=f"{total:,}",
            page=f"{page:,}",
            pages=f"{pages:,}",
        )
    )
p4.selectbox(
    t("members.page_size", lang),
    options=list(PAGE_SIZES),
    index=0,
    key="member_page_size",
    label_visibility="collapsed",
    format_func=lambda n: t("members.per_page", lang, n=n),
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

contact = store.contact_of(engine=engine(), company_id=company.id)
st.markdown(f"**{t('members.contact_title', lang)}**")
if contact is None:
    st.caption(t("members.no_contact", lang))
else:
    contact_facts = {
        t("members.representative", lang): contact.representative,
        t("members.phone", lang): contact.phone,
        t("members.email", lang): contact.email,
    }
    st.table(  # staff only, like the rest of this page; st.table renders Markdown: plain()
        pd.DataFrame(
            {
                "label": list(contact_facts),
                "value": [plain(v or MISSING) for v in contact_facts.values()],
            }
        ),
        hide_index=True,
        hide_header=True,
        border="horizontal",
    )

history = store.assessments_of(engine=engine(), company_id=company.id)
if history:
    st.markdown(f"**{t('results.history_title', lang)}**")
    scores = {
        a.id: store.pillar_scores_of(engine=engine(), assessment_id=a.id or 0) for a in history
    }
    st.dataframe(
        dashed(
            pd.DataFrame(
                {
                    t("results.history_wave", lang): [a.wave for a in history],
                    t("results.history_mode", lang): [
                        t(f"assess.mode_{a.mode}", lang) for a in history
                    ],
                    t("members.col_status", lang): [
                        t(f"members.status_{a.status}", lang) for a in history
                    ],
                    t("results.history_overall", lang): [a.overall for a in history],
                    **{
                        pillar.name.get(lang): [
                            scores[a.id][pillar.id].score if pillar.id in scores[a.id] else None
                            for a in history
                        ]
                        for pillar in qbank.pillars
                    },
                    t("results.history_stage", lang): [
                        qbank.stage(a.stage).name.get(lang) if a.stage else None for a in history
                    ],
                    t("results.history_submitted", lang): [
                        a.submitted_at.date().isoformat() if a.submitted_at else None
                        for a in history
                    ],
                }
            )
        ),
        hide_index=True,
    )
    staff_report_download(company, [a for a in history if a.status == "submitted"], lang)


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
