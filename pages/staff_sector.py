"""Sector profile: distributions, stage funnel, trend, strongest and weakest items, quadrant."""

import pandas as pd
import streamlit as st

from components import staff_charts
from components.cache import cohort_frame, item_frame, partner_needs, summary
from components.staff import staff_page
from components.staff_filters import (
    keep_in_url,
    region_options,
    seed,
    size_band_options,
    url_flag,
    url_ignored_notice,
    url_list,
    verified_basis,
)
from components.widgets import lingual
from readiness import analytics, reference
from readiness.cohorts import Cohort
from readiness.i18n import t

staff, lang, qbank = staff_page()

st.title(t("sector.title", lang))
waves = summary().waves
if not waves:
    st.info(t("home.data_empty", lang))
    st.stop()

codes = reference.ksic_codes()
asked_ksic = st.query_params.get("ksic")
asked_wave = st.query_params.get("wave")
# Opened from the heatmap, the profile keeps its filters (they travel in the URL).
seed("sector_size", lambda: url_list("size", reference.size_band_ids()))
seed("sector_region", lambda: url_list("region", reference.region_codes()))
seed("sector_synthetic", lambda: url_flag("syn"))
modes = url_list("mode", ["full", "quick"]) or []
include_incomplete = bool(url_flag("inc"))
include_respondents = bool(url_flag("resp"))
c1, c2, c3, c4, c5 = st.columns([3, 1, 2, 2, 1.4])
ksic = c1.selectbox(
    t("filters.ksic", lang),
    codes,
    index=codes.index(asked_ksic) if asked_ksic in codes else codes.index("C29"),
    format_func=lambda code: f"{code} {reference.label('ksic_divisions', code, lang)}",
    key=lingual("sector_ksic"),
)
wave_index = (
    waves.index(int(asked_wave))
    if asked_wave and asked_wave.isdigit() and int(asked_wave) in waves
    else len(waves) - 1
)
wave = c2.selectbox(t("filters.wave", lang), waves, index=wave_index)
sizes = c3.multiselect(
    t("filters.size_band", lang),
    **size_band_options(lang),
    key=lingual("sector_size"),
    placeholder=t("filters.all", lang),
)
regions = c4.multiselect(
    t("filters.region", lang),
    **region_options(lang),
    key=lingual("sector_region"),
    placeholder=t("filters.all", lang),
)
include_synthetic = c5.toggle(t("filters.synthetic", lang), value=True, key="sector_synthetic")
keep_in_url(
    {
        "ksic": ksic,
        "wave": wave,
        "size": sizes,
        "region": regions,
        "syn": None if include_synthetic else False,
    }
)
url_ignored_notice(lang)
if modes or include_incomplete or include_respondents:
    kept = [t(f"assess.mode_{m}", lang) for m in modes]
    kept += [t("filters.incomplete", lang)] if include_incomplete else []
    kept += [t("filters.respondents", lang)] if include_respondents else []
    st.caption(f":material/filter_alt: {t('sector.kept_filters', lang, filters=', '.join(kept))}")

cohort = Cohort(
    size_bands=tuple(sizes),
    regions=tuple(regions),
    modes=tuple(modes),
    include_synthetic=include_synthetic,
    include_respondents=include_respondents,
    verified_only=True,
    complete_only=not include_incomplete,
)
frame = cohort_frame(cohort)
items = item_frame(cohort.narrowed(ksic=ksic, wave=wave))
profile = analytics.sector_profile(frame, ksic=ksic, wave=wave, items=items, bank=qbank)

labels = {"overall": t("results.overall", lang), **{p.id: p.name.get(lang) for p in qbank.pillars}}
stage_labels = {s.id: s.name.get(lang) for s in qbank.stages}
st.markdown(
    f"**{ksic} {reference.label('ksic_divisions', ksic, lang)}** · "
    + t("sector.n", lang, n=f"{profile.n:,}", wave=wave)
)
verified_basis(frame[frame["wave"] == wave], lang)
if profile.low_n:
    st.warning(t("sector.low_n", lang), icon=":material/warning:")
if bool(frame["synthetic"].any()) if len(frame) else False:
    st.badge(t("app.synthetic_badge", lang), icon=":material/science:", color="orange")

left, right = st.columns(2)
with left:
    st.subheader(t("sector.distributions", lang))
    st.plotly_chart(
        staff_charts.pillar_distribution_figure(
            profile.distributions,
            labels=labels,
            y_title=t("sector.score", lang),
            empty_text=t("overview.empty", lang),
        ),
        key="sector_dist",
    )
with right:
    st.subheader(t("sector.funnel", lang))
    st.plotly_chart(
        staff_charts.stage_funnel_figure(
            profile.funnel,
            labels=stage_labels,
            at_stage_label=t("sector.at_stage", lang),
            reached_label=t("sector.reached", lang),
            empty_text=t("overview.empty", lang),
        ),
        key="sector_funnel",
    )

left, right = st.columns(2)
with left:
    st.subheader(t("sector.trend", lang))
    st.plotly_chart(
        staff_charts.trend_figure(
            profile.trend,
            labels=labels,
            y_title=t("sector.score", lang),
            empty_text=t("overview.empty", lang),
        ),
        key="sector_trend",
    )
with right:
    st.subheader(t("sector.quadrant", lang))
    st.plotly_chart(
        staff_charts.quadrant_figure(
            profile.quadrant,
            labels={c: reference.label("ksic_divisions", c, lang) for c in codes},
            medians=profile.medians,
            x_title=t("sector.maturity", lang),
            y_title=t("sector.spread", lang),
            median_label=t("filters.median", lang),
            empty_text=t("overview.empty", lang),
        ),
        key="sector_quadrant",
    )
    st.caption(t("sector.quadrant_note", lang))


def item_table(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("sector.item", lang): [
                f"{r.item_id} {qbank.item(r.item_id).text.get(lang)}" for r in rows.itertuples()
            ],
            t("sector.mean_level", lang): [round(float(r.mean), 2) for r in rows.itertuples()],
            "n": [int(r.n) for r in rows.itertuples()],
        }
    )


left, right = st.columns(2)
with left:
    st.subheader(t("sector.strongest", lang))
    st.dataframe(item_table(profile.strongest), hide_index=True)
with right:
    st.subheader(t("sector.weakest", lang))
    st.dataframe(item_table(profile.weakest), hide_index=True)

st.subheader(t("sector.partner_needs", lang))
needs = partner_needs(cohort.narrowed(ksic=ksic, wave=wave), lang)
if needs.empty:
    st.info(t("overview.empty", lang))
else:
    st.caption(t("sector.partner_needs_note", lang))
    st.dataframe(
        pd.DataFrame(
            {
                t("sector.partner_type", lang): needs["name"],
                t("sector.partner_members", lang): needs["members"],
                t("sector.partner_share", lang): (100 * needs["share"]).round(0),
            }
        ),
        hide_index=True,
        height="content",
        column_config={
            t("sector.partner_share", lang): st.column_config.ProgressColumn(
                t("sector.partner_share", lang), min_value=0, max_value=100, format="%d%%"
            )
        },
    )
