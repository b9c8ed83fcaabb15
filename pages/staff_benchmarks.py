"""Against published figures: the membership's adopted share per size band beside the published
national and international figures, with n, sources and years."""

import streamlit as st

from components import public_compare
from components.cache import summary
from components.staff import staff_page
from readiness import public_benchmarks
from readiness.i18n import t

staff, lang, qbank = staff_page()

st.title(t("benchmarks.staff_title", lang))
waves = summary().waves
if not waves:
    st.info(t("home.data_empty", lang))
    st.stop()

c1, c2 = st.columns([1, 2])
wave = c1.selectbox(t("filters.wave", lang), waves, index=len(waves) - 1, key="bench_wave")
include_synthetic = c2.toggle(t("filters.synthetic", lang), value=True, key="bench_synthetic")
st.caption(t("benchmarks.staff_intro", lang, wave=wave, min_n=public_benchmarks.MIN_N))

cohort = public_benchmarks.membership_cohort(wave, include_synthetic=include_synthetic)
rows = public_compare.membership(cohort)
if not any(r.n for r in rows):
    st.info(t("benchmarks.staff_empty", lang))
    st.stop()
public_compare.staff_section(rows, lang)
