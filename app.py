"""Router: page config, language, role, navigation. Nothing else lives here."""

import pandas  # noqa: F401  (imported before plotly: many sessions at once can half-import it)
import plotly  # noqa: F401
import streamlit as st

from components.session import current_lang
from components.widgets import language_switch
from readiness.i18n import t

st.set_page_config(
    page_title="글로벌 역량 진단 · Global Readiness",
    page_icon=":material/public:",
    layout="wide",
    initial_sidebar_state="collapsed",
)

lang = current_lang()
language_switch(lang)

pages = [
    st.Page(
        "pages/home.py",
        title=t("nav.home", lang),
        icon=":material/home:",
        url_path="home",
        default=True,
    ),
]
st.navigation(pages, position="top").run()
