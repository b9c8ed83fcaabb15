"""Import members and past results from CSV or Excel; export the membership."""

from functools import partial

import streamlit as st

from components.cache import engine
from components.import_preview import problems_table
from components.staff import staff_page
from components.staff_filters import ksic_options, region_options, size_band_options
from components.widgets import dashed, lingual, said
from readiness import exports, importer, store
from readiness.cohorts import Cohort
from readiness.i18n import t

staff, lang, qbank = staff_page()

st.title(t("data.title", lang))
import_tab, export_tab = st.tabs([t("data.import_tab", lang), t("data.export_tab", lang)])

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
    kind = st.radio(
        t("data.export_kind", lang),
        options=["members", "assessments"],
        format_func=lambda k: t(f"data.kind_{k}", lang),
        horizontal=True,
        key=lingual("export_kind"),
    )
    c1, c2, c3, c4 = st.columns(4)
    waves = c1.multiselect(
        t("filters.wave", lang),
        options=store.summary(engine=engine()).waves,
        placeholder=t("filters.all", lang),
    )
    ksic = c2.multiselect(
        t("filters.ksic", lang), **ksic_options(lang), placeholder=t("filters.all", lang)
    )
    sizes = c3.multiselect(
        t("filters.size_band", lang), **size_band_options(lang), placeholder=t("filters.all", lang)
    )
    regions = c4.multiselect(
        t("filters.region", lang), **region_options(lang), placeholder=t("filters.all", lang)
    )
    include_synthetic = st.toggle(t("filters.synthetic", lang), value=True, key="export_synth")
    filters = Cohort(
        ksic=ksic,
        size_bands=sizes,
        regions=regions,
        waves=waves,
        include_synthetic=include_synthetic,
    )
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
