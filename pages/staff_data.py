"""Import members and past results from CSV or Excel; export the membership."""

from functools import partial

import streamlit as st

from components.cache import engine
from components.import_preview import problems_table
from components.program_catalog import program_catalog_section
from components.staff import staff_page
from components.staff_filters import (
    cohort_filters,
    keep_in_url,
    seed,
    url_value,
    workshop_labels,
)
from components.widgets import dashed, lingual, said
from readiness import exports, importer, store
from readiness.i18n import t

staff, lang, qbank = staff_page()

st.title(t("data.title", lang))
# The open tab and the export's filters live in the URL: a shared link opens the same export.
tab_labels = {tab: t(f"data.{tab}_tab", lang) for tab in ("import", "export")}
tab_labels["programs"] = t("programs.tab", lang)  # the support-programme catalog
import_tab, export_tab, programs_tab = st.tabs(
    list(tab_labels.values()),
    default=tab_labels[url_value("tab", list(tab_labels)) or "import"],
    key=f"data_tab_{lang}",  # the value is the label: one key per language
    on_change="rerun",
)
keep_in_url({"tab": "export" if export_tab.open else "programs" if programs_tab.open else None})

with import_tab:
    st.write(t("data.import_lead", lang))
    c1, c2 = st.columns(2)
    c1.download_button(
        t("data.template_xlsx", lang),
        data=lambda: importer.template_xlsx(qbank),
        file_name="readiness-import-template.xlsx",
        mime=exports.MIME_TYPES["xlsx"],
        icon=":material/table_view:",
        on_click="ignore",
        width="stretch",
    )
    c2.download_button(
        t("data.template_csv", lang),
        data=lambda: importer.template_csv(qbank),
        file_name="readiness-import-template.csv",
        mime=exports.MIME_TYPES["csv"],
        icon=":material/csv:",
        on_click="ignore",
        width="stretch",
    )
    upload = st.file_uploader(
        t("data.upload", lang),
        type=["csv", "xlsx", "txt"],
        help=t("data.upload_help", lang),
        key=f"upload_{st.session_state.get('upload_version', 0)}",
    )
    done = st.session_state.pop("import_done", None)
    if done:
        st.success(t("data.imported", lang, **done), icon=":material/task_alt:")
    if upload is not None:
        data = upload.getvalue()
        try:
            table = importer.read_table(data, upload.name)
        except importer.ImportFileError as exc:
            st.error(said(exc.message, lang), icon=":material/error:")
            st.stop()
        plans = st.session_state.setdefault("import_plans", {})
        plan = plans.get(table.sha256)
        if plan is None:
            with st.spinner(t("data.checking", lang)):
                plan = importer.plan_import(table, engine=engine(), bank=qbank)
            plans.clear()  # keep one plan: the file on screen
            plans[table.sha256] = plan
        summary = plan.summary()
        m1, m2, m3, m4, m5 = st.columns(5)
        m1.metric(t("data.rows", lang), f"{summary['rows']:,}")
        m2.metric(t("data.create", lang), f"{summary['create']:,}")
        m3.metric(t("data.update", lang), f"{summary['update']:,}")
        m4.metric(t("data.unchanged", lang), f"{summary['unchanged']:,}")
        m5.metric(t("data.results", lang), f"{summary['assessments']:,}")
        if plan.errors:
            st.error(t("data.has_errors", lang, n=f"{len(plan.errors):,}"), icon=":material/error:")
        elif plan.nothing_to_do:
            st.info(t("data.nothing_to_do", lang), icon=":material/check_circle:")
        if plan.problems:
            st.markdown(f"**{t('data.problems', lang)}**")
            problems_table(plan.problems_frame(lang), lang)
        with st.expander(t("data.preview_members", lang), expanded=plan.ok):
            st.dataframe(dashed(plan.members_frame(lang)), hide_index=True)
        with st.expander(t("data.preview_results", lang)):
            st.dataframe(dashed(plan.assessments_frame(lang)), hide_index=True)
        if st.button(
            t("data.apply", lang),
            type="primary",
            icon=":material/upload:",
            disabled=not plan.ok or plan.nothing_to_do,
        ):
            try:
                with st.spinner(t("data.importing", lang)):
                    result = importer.apply_import(plan, engine=engine(), actor=staff.email)
            except importer.ImportFailure as exc:
                st.error(said(exc.message, lang), icon=":material/error:")
            else:
                st.session_state["import_done"] = {
                    "created": f"{result.created:,}",
                    "updated": f"{result.updated:,}",
                    "results": f"{result.assessments:,}",
                }
                st.session_state["upload_version"] = st.session_state.get("upload_version", 0) + 1
                st.session_state.pop("import_plans", None)
                st.cache_data.clear()  # this replica at once; others within DATA_VERSION_TTL
                st.rerun()

with export_tab:
    st.write(t("data.export_lead", lang))
    seed("export_kind", lambda: url_value("kind", ["members", "assessments"]))
    kind = st.radio(
        t("data.export_kind", lang),
        options=["members", "assessments"],
        format_func=lambda k: t(f"data.kind_{k}", lang),
        horizontal=True,
        key=lingual("export_kind"),
    )
    filters = cohort_filters(
        lang,
        key="export",
        waves=store.summary(engine=engine()).waves,
        workshops=workshop_labels(lang),
        single_wave=False,
        sectors=True,
        verified_only=False,  # the whole membership, verified or not (a column says which)
        incomplete_default=True,  # an export holds every result unless staff leave some out
    )
    keep_in_url({"kind": kind})
    with_contacts = kind == "members" and st.checkbox(
        t("data.with_contacts", lang),
        help=t("data.with_contacts_help", lang),
        key="export_contacts",
    )
    export = (
        partial(exports.export_members, with_contacts=with_contacts)
        if kind == "members"
        else exports.export_assessments
    )
    st.caption(t("data.export_note", lang))
    c1, c2 = st.columns(2)
    for col, fmt, icon in ((c1, "csv", ":material/csv:"), (c2, "xlsx", ":material/table_view:")):
        col.download_button(
            t(f"data.download_{fmt}", lang),
            data=lambda fmt=fmt: export(
                engine=engine(), fmt=fmt, actor=staff.email, lang=lang, filters=filters, bank=qbank
            ),
            file_name=f"readiness-{kind}.{fmt}",
            mime=exports.MIME_TYPES[fmt],
            icon=icon,
            on_click="ignore",
            width="stretch",
            type="primary" if fmt == "csv" else "secondary",
        )

with programs_tab:
    if programs_tab.open:  # only the open tab: its uploader and its matching run when shown
        program_catalog_section(staff, qbank, lang)
