"""Sector heatmap: every sector against the four pillars (or their dimensions), filtered."""

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

seed("overview_stat", lambda: url_value("stat", list(analytics.STATS)))
seed("overview_view", lambda: url_value("view", ["pillars", "dimensions"]))
cohort = cohort_filters(lang, key="overview", waves=waves, workshops=workshop_labels(lang))
c1, c2 = st.columns([1, 1])
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
    options=["pillars", "dimensions"],
    format_func=lambda v: t(f"overview.view_{v}", lang),
    default="pillars",
    required=True,
    key=lingual("overview_view"),
)
keep_in_url({"stat": stat, "view": view})

if view == "dimensions":
    columns = analytics.dimension_keys(qbank)
    column_labels = [qbank.dimension_name(*analytics.split_dimension_key(k), lang) for k in columns]
    with st.spinner(t("overview.computing", lang)):
        data = heatmap_data(cohort, stat, view)
else:
    column_labels = [t("results.overall", lang)] + [p.name.get(lang) for p in qbank.pillars]
    data = heatmap_data(cohort, stat, view)

st.caption(
    t(
        "overview.caption",
        lang,
        n=f"{data.total:,}",
        wave=", ".join(str(w) for w in cohort.waves) or t("overview.all_waves", lang),
    )
)
verified_basis(cohort_frame(cohort), lang)
if data.synthetic:
    st.badge(t("app.synthetic_badge", lang), icon=":material/science:", color="orange")

data = analytics.small_rows_last(data)  # a sector under k never sorts to the top as "best"
fitted = analytics.fitted_range(data)
row_labels = [
    f"{code} {reference.label('ksic_divisions', code, lang)}"
    if code != analytics.UNKNOWN_ROW
    else "–"
    for code in data.rows
]
figure = staff_charts.heatmap_figure(
    data,
    row_labels=row_labels,
    column_labels=column_labels,
    stat_label=t(f"filters.{stat}", lang),
    low_n_note=t("overview.low_n_note", lang),
    empty_text=t("overview.empty", lang),
    zrange=fitted or (0, 100),
    scale_title=t("overview.scale", lang, stat=t(f"filters.{stat}", lang)) if fitted else None,
    title=heatmap_title(cohort, data, lang, view=view, stat=stat),
    height=max(460, 30 * len(data.rows) + 190),
)
st.plotly_chart(
    figure,
    config={
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": f"heatmap-{view}-{stat}", "scale": 2},
        "modeBarButtonsToKeep": ["toImage"],
    },
    key="overview_heatmap",
)
st.caption(t("overview.read_me", lang))
matrix_downloads(data, row_labels, column_labels, lang, name=f"heatmap-{view}-{stat}")

left, right = st.columns([2, 3])
with left:
    sector = st.selectbox(
        t("overview.open_sector", lang),
        options=[r for r in data.rows if r in reference.ksic_codes()],
        format_func=lambda code: f"{code} {reference.label('ksic_divisions', code, lang)}",
        index=None,
        placeholder=t("start.ksic_placeholder", lang),
        key=lingual("overview_sector"),
    )
    if sector:
        wave = cohort.waves[0] if cohort.waves else waves[-1]
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
