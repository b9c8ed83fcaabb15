"""Two cohorts side by side: e.g. two waves, two regions, a workshop against all members."""

import pandas as pd
import streamlit as st

from components import staff_charts
from components.cache import cohort_frame, summary
from components.staff import staff_page
from components.staff_filters import (
    cohort_filters,
    keep_in_url,
    seed,
    verified_basis,
    workshop_labels,
)
from readiness import analytics
from readiness.i18n import t

staff, lang, qbank = staff_page()

st.title(t("compare.title", lang))
st.caption(t("compare.lead", lang))
waves = summary().waves
if not waves:
    st.info(t("home.data_empty", lang))
    st.stop()

workshops = workshop_labels(lang)
names = []
cohorts = []
for side, default_wave in (("a", waves[-1]), ("b", waves[-2] if len(waves) > 1 else waves[-1])):
    with st.container(border=True):
        # Each side's filters live in the URL under its own prefix ("a_ksic", "b_wave"...), so a
        # comparison can be bookmarked and shared whole, names included.
        seed(
            f"compare_{side}_name",
            lambda side=side: (
                st.query_params.get(f"{side}_name") or t(f"compare.default_{side}", lang)
            )[:40],
        )
        name = st.text_input(t("compare.name", lang), max_chars=40, key=f"compare_{side}_name")
        cohorts.append(
            cohort_filters(
                lang,
                key=f"compare_{side}",
                waves=waves,
                workshops=workshops,
                default_wave=default_wave,
                sectors=True,
                prefix=f"{side}_",
            )
        )
        keep_in_url({f"{side}_name": None if name == t(f"compare.default_{side}", lang) else name})
        names.append(name or side.upper())

frame_a, frame_b = (cohort_frame(c) for c in cohorts)
for name, frame in zip(names, (frame_a, frame_b), strict=True):
    verified_basis(frame, lang, name=name)
table = analytics.compare(frame_a, frame_b)
labels = {"overall": t("results.overall", lang), **{p.id: p.name.get(lang) for p in qbank.pillars}}
st.plotly_chart(
    staff_charts.cohort_comparison_figure(
        table,
        labels=labels,
        names=(names[0], names[1]),
        y_title=t("sector.score", lang),
        median_label=t("filters.median", lang),
        notable_note=t("compare.notable", lang),
        empty_text=t("overview.empty", lang),
    ),
    key="compare_chart",
)
shown = pd.DataFrame(
    {
        t("compare.key", lang): [labels.get(k, k) for k in table.index],
        f"n · {names[0]}": table["n_a"].to_list(),
        f"{t('filters.mean', lang)} · {names[0]}": table["mean_a"].round(1).to_list(),
        f"n · {names[1]}": table["n_b"].to_list(),
        f"{t('filters.mean', lang)} · {names[1]}": table["mean_b"].round(1).to_list(),
        t("compare.difference", lang): table["difference"].round(1).to_list(),
        "p": [analytics.p_text(p) for p in table["p_value"].to_list()],
    }
)
st.dataframe(shown, hide_index=True)
st.caption(t("compare.method", lang))
