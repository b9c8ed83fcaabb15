"""Against published figures: the membership's adopted share per size band beside the published
national and international figures, with n, sources and years."""

import streamlit as st

from components import public_compare
from components.cache import summary
from components.staff import staff_page
from components.staff_filters import keep_in_url, seed, url_flag, url_ignored_notice, url_value
from readiness import public_benchmarks
from readiness.i18n import t

staff, lang, qbank = staff_page()

st.title(t("benchmarks.staff_title", lang))
waves = summary().waves
if not waves:
    st.info(t("home.data_empty", lang))
    st.stop()

# The view lives in the URL (wave, syn), so a bookmarked or shared address opens it again.
asked_wave = url_value("wave", waves)
seed("bench_synthetic", lambda: url_flag("syn"))
c1, c2 = st.columns([1, 2])
wave_index = waves.index(asked_wave) if asked_wave is not None else len(waves) - 1
wave = c1.selectbox(t("filters.wave", lang), waves, index=wave_index)
include_synthetic = c2.toggle(t("filters.synthetic", lang), value=True, key="bench_synthetic")
keep_in_url({"wave": wave, "syn": None if include_synthetic else False})
url_ignored_notice(lang)
st.caption(t("benchmarks.staff_intro", lang, wave=wave, min_n=public_benchmarks.MIN_N))

cohort = public_benchmarks.membership_cohort(wave, include_synthetic=include_synthetic)
rows = public_compare.membership(cohort)
if not any(r.n for r in rows):
    st.info(t("benchmarks.staff_empty", lang))
    st.stop()
public_compare.staff_section(rows, lang)
