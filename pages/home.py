"""Home: what the product does and for whom, the method, and the data it holds."""

import streamlit as st

from components import outage
from components.cache import bank, summary
from components.session import current_lang, require_router
from components.widgets import synthetic_badge
from readiness.i18n import t

require_router()
lang = current_lang()
qbank = bank()
try:
    facts = summary()
except outage.OUTAGE as exc:  # the home page stays up without its figures
    outage.record(exc, "home")
    facts = None

st.title(t("app.title", lang))
st.caption(t("app.tagline", lang))
st.write(t("home.intro", lang))
if st.button(t("home.cta", lang), type="primary", icon=":material/play_circle:"):
    st.switch_page("pages/start.py", query_params={"lang": lang})

st.subheader(t("home.data_title", lang))
if facts is None:
    st.info(t("outage.home_data", lang), icon=":material/cloud_off:")
elif facts.submitted:
    c1, c2, c3 = st.columns(3)
    c1.metric(t("home.data_companies", lang), f"{facts.companies:,}")
    c2.metric(t("home.data_assessments", lang), f"{facts.submitted:,}")
    c3.metric(
        t("home.data_waves", lang),
        len(facts.waves),
        help=t(
            "home.data_waves_value",
            lang,
            first=facts.waves[0],
            last=facts.waves[-1],
            n=len(facts.waves),
        ),
    )
    if facts.synthetic_companies:
        synthetic_badge(lang)
        st.caption(t("home.data_synthetic_note", lang, n=f"{facts.synthetic_companies:,}"))
else:
    st.info(t("home.data_empty", lang))

st.subheader(t("home.who_title", lang))
for col, role, icon in zip(
    st.columns(3),
    ("ceo", "staff", "facilitator"),
    (":material/factory:", ":material/monitoring:", ":material/groups:"),
    strict=True,
):
    with col.container(border=True):
        st.markdown(f"{icon} **{t(f'home.who_{role}_title', lang)}**")
        st.caption(t(f"home.who_{role}", lang))

st.subheader(t("home.pillars_title", lang))
for col, pillar in zip(st.columns(len(qbank.pillars)), qbank.pillars, strict=True):
    with col.container(border=True):
        st.markdown(f"**{pillar.name.get(lang)}**")
        st.caption(pillar.description.get(lang))
        items = qbank.items_of(pillar.id)
        quick = qbank.items_of(pillar.id, quick_only=True)
        st.caption(t("home.pillar_items", lang, n=len(items), quick=len(quick)))

st.subheader(t("home.stages_title", lang))
bounds = [s.min for s in qbank.stages[1:]] + [None]
for col, stage, upper in zip(st.columns(len(qbank.stages)), qbank.stages, bounds, strict=True):
    with col.container(border=True):
        low = f"{stage.min:g}"
        span = (
            t("home.stage_range_between", lang, low=low, high=f"{upper:g}")
            if upper is not None
            else t("home.stage_range", lang, low=low)
        )
        st.markdown(f"**{stage.name.get(lang)}** · {span}")
        st.caption(stage.description.get(lang))

with st.expander(t("home.method_title", lang), icon=":material/calculate:"):
    gate_stage = qbank.stage(qbank.gate.stage).name.get(lang)
    for line in (
        t("home.method_levels", lang),
        t("home.method_pillar", lang),
        t("home.method_overall", lang),
        t("home.method_gate", lang, stage=gate_stage, min=f"{qbank.gate.min_pillar_score:g}"),
        t("home.method_peers", lang),
    ):
        st.markdown(f"- {line}")
    st.caption(t("home.bank_version", lang, version=qbank.version, n=len(qbank.items)))

st.caption(t("home.trust", lang))
