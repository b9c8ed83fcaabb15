"""Router: page config, language, role, navigation. Nothing else lives here."""

import pandas  # noqa: F401  (imported before plotly: many sessions at once can half-import it)
import plotly  # noqa: F401
import streamlit as st

from components.session import current_lang, mark_routed
from components.widgets import language_switch
from readiness.i18n import t

st.set_page_config(
    page_title="글로벌 역량 진단 · Global Readiness",
    page_icon=":material/public:",
    layout="wide",
    initial_sidebar_state="collapsed",
)

mark_routed()
lang = current_lang()
language_switch(lang)

has_link = bool(st.query_params.get("c") or st.session_state.get("token"))
pages = [
    st.Page(
        "pages/home.py",
        title=t("nav.home", lang),
        icon=":material/home:",
        url_path="home",
        default=True,
    ),
    st.Page(
        "pages/start.py",
        title=t("nav.start", lang),
        icon=":material/play_circle:",
        url_path="start",
    ),
    # Reached through a company's private link; listed only once this session holds one.
    st.Page(
        "pages/assess.py",
        title=t("nav.assess", lang),
        icon=":material/checklist:",
        url_path="assess",
        visibility="hidden",
    ),
    st.Page(
        "pages/results.py",
        title=t("nav.results", lang),
        icon=":material/insights:",
        url_path="results",
        visibility="visible" if has_link else "hidden",
    ),
]
st.navigation(pages, position="top").run()
