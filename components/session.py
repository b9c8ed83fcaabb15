"""Per-process resources and per-session choices: the engine, the language."""

from __future__ import annotations

import sqlalchemy as sa
import streamlit as st

from readiness import store, synth
from readiness.bank import Bank, default_bank
from readiness.db import database_url, make_engine, upgrade
from readiness.i18n import DEFAULT_LANG, normalize_lang


@st.cache_resource(show_spinner="데이터를 준비하고 있습니다 · Preparing data…")
def _engine_for(url: str) -> sa.Engine:
    engine = make_engine(url)
    upgrade(engine)
    synth.ensure_demo(engine=engine, bank=default_bank())
    return engine


def engine() -> sa.Engine:
    """The engine for DATABASE_URL (read on every call), upgraded and seeded once per process."""
    return _engine_for(database_url())


def bank() -> Bank:
    return default_bank()


def current_lang() -> str:
    """The language from ?lang=, else the session's last choice, else Korean; kept in the URL."""
    lang = normalize_lang(
        st.query_params.get("lang") or st.session_state.get("lang") or DEFAULT_LANG
    )
    st.session_state["lang"] = lang
    if st.query_params.get("lang") != lang:
        st.query_params["lang"] = lang
    return lang


@st.cache_data(ttl=60, show_spinner=False)
def summary(url: str) -> store.Summary:
    return store.summary(engine=_engine_for(url))
