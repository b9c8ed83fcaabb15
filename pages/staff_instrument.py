"""Instrument health: does the question bank measure consistently? (docs/method.md)

Per pillar Cronbach's alpha, per item the corrected item-total correlation and level distribution,
and the correlations between pillar scores, over the stored submissions of one bank version, wave
and mode, with n everywhere.
"""

import pandas as pd
import streamlit as st

from components.cache import instrument_report, instrument_scopes
from components.charts import correlation_heatmap_figure
from components.staff import staff_page
from components.widgets import lingual
from readiness.bank import bank_for_version
from readiness.i18n import t
from readiness.instrument import LEVELS

staff, lang, qbank = staff_page()

st.title(t("instrument.title", lang))
st.caption(t("instrument.lead", lang))
scopes = instrument_scopes()
if not scopes:
    st.info(t("instrument.empty", lang))
    st.stop()

versions = sorted({s.bank_version for s in scopes}, reverse=True)
left, middle, right = st.columns(3)
version = left.selectbox(
    t("instrument.bank_version", lang),
    versions,
    index=versions.index(qbank.version) if qbank.version in versions else 0,
    key="instrument_version",
)
modes = [
    m for m in ("full", "quick") if any(s.bank_version == version and s.mode == m for s in scopes)
]
mode = middle.radio(
    t("instrument.mode", lang),
    modes,
    format_func=lambda m: t(f"instrument.mode_{m}", lang),
    horizontal=True,
    key=lingual("instrument_mode"),
)
waves = sorted(
    {s.wave for s in scopes if s.bank_version == version and s.mode == mode}, reverse=True
)
wave = right.selectbox(t("instrument.wave", lang), waves, key="instrument_wave")
norm_only = st.toggle(
    t("instrument.norm_only", lang),
    value=True,
    help=t("instrument.norm_only_help", lang),
    key="instrument_norm_only",
)

report = instrument_report(version, wave, mode, norm_only)
bank = bank_for_version(version)
pillar_names = {p.id: p.name.get(lang) for p in bank.pillars}

counts = st.columns(4)
counts[0].metric(t("instrument.assessments", lang), f"{report.assessments:,}")
counts[1].metric(t("instrument.synthetic", lang), f"{report.synthetic:,}")
counts[2].metric(t("instrument.min_n", lang), report.min_n)
counts[3].metric(t("instrument.k", lang), report.k)
if report.synthetic:
    st.caption(t("instrument.synthetic_note", lang))
if report.assessments < report.min_n:
    st.warning(t("instrument.too_few", lang, min_n=report.min_n))

st.subheader(t("instrument.alpha_title", lang))
alphas = pd.DataFrame(
    {
        t("instrument.pillar", lang): [pillar_names.get(a.pillar, a.pillar) for a in report.alphas],
        t("instrument.items", lang): [a.items for a in report.alphas],
        t("instrument.n_complete", lang): [a.n for a in report.alphas],
        t("instrument.n_any", lang): [a.n_any for a in report.alphas],
        "alpha": [a.alpha for a in report.alphas],
    }
)
st.dataframe(
    alphas,
    hide_index=True,
    column_config={"alpha": st.column_config.NumberColumn("α", format="%.2f")},
)
st.caption(t("instrument.alpha_caption", lang, min_n=report.min_n))

st.subheader(t("instrument.corr_title", lang))
pillars = [str(p) for p in report.correlation.index]
st.plotly_chart(
    correlation_heatmap_figure(
        [[None if pd.isna(v) else float(v) for v in row] for row in report.correlation.to_numpy()],
        [[int(v) for v in row] for row in report.correlation_n.to_numpy()],
        labels=[pillar_names.get(p, p) for p in pillars],
    ),
    key="instrument_correlations",
    config={"displayModeBar": False},
)
st.caption(t("instrument.corr_caption", lang, min_n=report.min_n))

st.subheader(t("instrument.items_title", lang))
level_columns = [t("instrument.level", lang, level=level) for level in LEVELS]
tabs = st.tabs([pillar_names.get(a.pillar, a.pillar) for a in report.alphas])
for tab, pillar in zip(tabs, [a.pillar for a in report.alphas], strict=True):
    rows = [i for i in report.items if i.pillar == pillar]
    table = pd.DataFrame(
        {
            t("instrument.item", lang): [bank.item(i.item_id).text.get(lang) for i in rows],
            "r_it": [i.item_total for i in rows],
            "alpha_del": [i.alpha_if_deleted for i in rows],
            "n": [i.n for i in rows],
            "mean": [i.mean for i in rows],
            **{column: [i.counts[n] for i in rows] for n, column in enumerate(level_columns)},
            t("instrument.na", lang): [i.na for i in rows],
            t("instrument.missing", lang): [i.missing for i in rows],
        },
        index=[i.item_id for i in rows],
    )
    tab.dataframe(
        table,
        column_config={
            t("instrument.item", lang): st.column_config.TextColumn(width="medium"),
            "r_it": st.column_config.NumberColumn(t("instrument.item_total", lang), format="%.2f"),
            "alpha_del": st.column_config.NumberColumn(
                t("instrument.alpha_if_deleted", lang), format="%.2f"
            ),
            "mean": st.column_config.NumberColumn(t("instrument.mean", lang), format="%.2f"),
        },
        key=f"instrument_items_{pillar}",
    )
st.caption(t("instrument.items_caption", lang, min_n=report.min_n))
