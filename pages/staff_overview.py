"""Sector heatmap: every sector against the four pillars (or their dimensions), filtered."""

from dataclasses import replace

import streamlit as st

from components import staff_charts
from components.cache import cohort_frame, engine, heatmap_data, summary
from components.heatmap_view import heatmap_title, matrix_downloads
from components.staff import staff_page
from components.staff_filters import (
    cohort_filters,
    filters_in_url,
    keep_in_url,
    seed,
    url_flag,
    url_value,
    verified_basis,
    workshop_labels,
)
from components.widgets import lingual
from readiness import analytics, exports, reference
from readiness.i18n import t

staff, lang, qbank = staff_page()

st.title(t("overview.title", lang))
waves = summary().waves
if not waves:
    st.info(t("home.data_empty", lang))
    st.stop()

VIEWS = ["pillars", "dimensions", "regions"]
seed("overview_stat", lambda: url_value("stat", list(analytics.STATS)))
seed("overview_view", lambda: url_value("view", VIEWS))
seed("overview_change", lambda: url_flag("change"))
cohort = cohort_filters(lang, key="overview", waves=waves, workshops=workshop_labels(lang))
c1, c2, c3 = st.columns([2, 3, 2], vertical_alignment="bottom")
stat = c1.segmented_control(
    t("filters.stat", lang),
    options=list(analytics.STATS),
    format_func=lambda s: t(f"filters.{s}", lang),
    default="mean",
    required=True,
    key=lingual("overview_stat"),
)
view = c2.segmented_control(
    t("overview.view", lang),
    options=VIEWS,
    format_func=lambda v: t(f"overview.view_{v}", lang),
    default="pillars",
    required=True,
    key=lingual("overview_view"),
)
change = c3.toggle(
    t("overview.change", lang), key="overview_change", help=t("overview.change_help", lang)
)
keep_in_url({"stat": stat, "view": view, "change": change})

if view == "dimensions":
    columns = analytics.dimension_keys(qbank)
    column_labels = [qbank.dimension_name(*analytics.split_dimension_key(k), lang) for k in columns]
else:
    column_labels = [t("results.overall", lang)] + [p.name.get(lang) for p in qbank.pillars]

# "Change vs previous wave": the latest chosen year against the year before it, same filters.
wave = max(cohort.waves) if cohort.waves else waves[-1]
before = analytics.previous_wave(waves, wave) if change else None
if change and before is None:
    st.info(t("overview.change_none", lang, wave=wave))
with st.spinner(t("overview.computing", lang)):
    if before is not None:
        data = analytics.change(
            heatmap_data(replace(cohort, waves=(wave,)), stat, view),
            heatmap_data(replace(cohort, waves=(before,)), stat, view),
        )
    else:
        data = heatmap_data(cohort, stat, view)

st.caption(
    t(
        "overview.caption",
        lang,
        n=f"{data.total:,}",
        wave=f"{wave} vs {before}"
        if before is not None
        else ", ".join(str(w) for w in cohort.waves) or t("overview.all_waves", lang),
    )
)
verified_basis(cohort_frame(cohort), lang)
if data.synthetic:
    st.badge(t("app.synthetic_badge", lang), icon=":material/science:", color="orange")

data = analytics.small_rows_last(data)  # a group under k never sorts to the top as "best"
rows_kind = "regions" if view == "regions" else "ksic_divisions"
row_labels = [
    (
        f"{code} {reference.label(rows_kind, code, lang)}"
        if rows_kind == "ksic_divisions"
        else reference.label(rows_kind, code, lang)
    )
    if code != analytics.UNKNOWN_ROW
    else "–"
    for code in data.rows
]
if before is not None:
    zrange: tuple[float, float] | None = analytics.diverging_range(data)
    scale_title = t("overview.change_scale", lang, stat=t(f"filters.{stat}", lang), before=before)
else:
    zrange = analytics.fitted_range(data)
    scale_title = t("overview.scale", lang, stat=t(f"filters.{stat}", lang)) if zrange else None
figure = staff_charts.heatmap_figure(
    data,
    row_labels=row_labels,
    column_labels=column_labels,
    stat_label=t(f"filters.{stat}", lang),
    low_n_note=t("overview.low_n_note", lang),
    empty_text=t("overview.empty", lang),
    zrange=zrange or (0, 100),
    scale_title=scale_title,
    title=heatmap_title(cohort, data, lang, view=view, stat=stat, change=(wave, before)),
    # Dimensions run down the page and sectors (by code) across: readable at 1440 px.
    height=max(460, 28 * len(data.columns) + 200)
    if view == "dimensions"
    else max(460, 30 * len(data.rows) + 190),
    base_label=str(before),
    transpose=view == "dimensions",
    row_ticks=[code if code != analytics.UNKNOWN_ROW else "–" for code in data.rows],
)
name = f"heatmap-{view}-{stat}" + (f"-{wave}-vs-{before}" if before is not None else "")
st.plotly_chart(
    figure,
    config={
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2},
        "modeBarButtonsToKeep": ["toImage"],
    },
    key="overview_heatmap",
)
st.caption(t("overview.read_change" if before is not None else "overview.read_me", lang))
if view == "dimensions":
    st.caption(t("overview.read_dimensions", lang))
    if stat == "median":
        st.caption(t("overview.dimension_median", lang))
matrix_downloads(
    data,
    row_labels,
    column_labels,
    lang,
    name=name,
    row_header=t("filters.region" if view == "regions" else "filters.ksic", lang),
    base_label=str(before or ""),
)

left, right = st.columns([2, 3])
with left:
    sector = st.selectbox(
        t("overview.open_sector", lang),
        # From the region view: any sector, opened with this view's filters (a region among them).
        options=reference.ksic_codes()
        if view == "regions"
        else [r for r in data.rows if r in reference.ksic_codes()],
        format_func=lambda code: f"{code} {reference.label('ksic_divisions', code, lang)}",
        index=None,
        placeholder=t("start.ksic_placeholder", lang),
        key=lingual("overview_sector"),
    )
    if sector:
        # The sector profile opens with this view's filters (size, region, mode...).
        st.switch_page(
            "pages/staff_sector.py",
            query_params={**filters_in_url(), "lang": lang, "ksic": sector, "wave": str(wave)},
        )
with right:
    st.markdown(f"**{t('overview.export', lang)}**")
    e1, e2 = st.columns(2)
    for col, fmt in ((e1, "csv"), (e2, "xlsx")):
        col.download_button(
            t(f"data.download_{fmt}", lang),
            data=lambda fmt=fmt: exports.export_assessments(
                engine=engine(), fmt=fmt, actor=staff.email, lang=lang, filters=cohort, bank=qbank
            ),
            file_name=f"readiness-view.{fmt}",
            mime=exports.MIME_TYPES[fmt],
            on_click="ignore",
            width="stretch",
        )
