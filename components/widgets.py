"""Small Streamlit pieces used on several pages."""

from __future__ import annotations

import streamlit as st

from readiness.i18n import LANGS, t

_LANG_LABELS = {"ko": "한국어", "en": "English"}


def language_switch(lang: str) -> None:
    """A compact 한국어 | English switch; the choice goes to ?lang= and the session."""
    _, right = st.columns([5, 1.4])
    with right:
        choice = st.segmented_control(
            t("app.language", lang),
            options=list(LANGS),
            format_func=_LANG_LABELS.__getitem__,
            default=lang,
            key="lang_switch",
            label_visibility="collapsed",
        )
    if choice and choice != lang:
        st.session_state["lang"] = choice
        st.query_params["lang"] = choice
        st.rerun()


def synthetic_badge(lang: str) -> None:
    st.badge(t("app.synthetic_badge", lang), icon=":material/science:", color="orange")
