"""Per-process resources and per-session choices: the engine, the language."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
import streamlit as st

from readiness import store, synth
from readiness.bank import Bank, default_bank
from readiness.config import settings
from readiness.db import database_url, make_engine, upgrade
from readiness.i18n import DEFAULT_LANG, normalize_lang
from readiness.models import Company


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


TOKEN_PARAM = "c"


def current_token() -> str | None:
    """The private-link token from ?c=, else the one this session last used; kept in the URL."""
    token = st.query_params.get(TOKEN_PARAM) or st.session_state.get("token")
    if not token:
        return None
    st.session_state["token"] = token
    if st.query_params.get(TOKEN_PARAM) != token:
        st.query_params[TOKEN_PARAM] = token
    return token


@st.cache_data(ttl=120, show_spinner=False)
def _norm_frame(url: str, wave: int):  # noqa: ANN202
    from readiness import peers

    return peers.norm_frame(engine=_engine_for(url), wave=wave)


def norm_frame(wave: int):  # noqa: ANN201
    """The wave's norm rows, shared by every session for two minutes."""
    return _norm_frame(database_url(), wave)


def _page_names() -> set[str]:
    from readiness.paths import ROOT

    return {p.stem for p in (ROOT / "pages").glob("*.py")}


def public_base_url() -> str:
    """The app's address as users reach it: READINESS_PUBLIC_URL, else the browser's own URL."""
    configured = settings().public_url
    if configured:
        return configured
    url = st.context.url or "http://localhost:8501/"
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    last = path.rsplit("/", 1)[-1]
    if last in _page_names():
        path = path[: -len(last) - 1]
    return f"{parts.scheme}://{parts.netloc}{path}"


def private_link(token: str, lang: str) -> str:
    return f"{public_base_url()}/assess?{TOKEN_PARAM}={token}&lang={lang}"


ROUTED = "_routed_by_app"


def mark_routed() -> None:
    """Called by app.py on every run: the page that follows was chosen by the router."""
    st.session_state[ROUTED] = True


def require_router() -> None:
    """Every page's first call: a page must never run without app.py around it.

    Streamlit starts a fresh server in its old "pages/ folder" mode, where a deep link (say
    /results) runs the page script directly, skipping app.py and its gating, until app.py has once
    called st.navigation. A page reached that way switches the server to router mode and reruns.
    """
    if st.session_state.pop(ROUTED, False):
        return
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()


def company_from_link(lang: str) -> tuple[Company, str]:
    """The company whose private link opened this page; anything else gets "link not valid"."""
    from components.widgets import invalid_link

    token = current_token()
    company = store.company_by_token(engine=engine(), token=token) if token else None
    if company is None:
        invalid_link(lang)
        st.stop()
    return company, token  # type: ignore[return-value]


@st.cache_data(ttl=120, show_spinner=False, max_entries=64)
def _cohort_frame(url: str, cohort):  # noqa: ANN001,ANN202
    from readiness import analytics

    return analytics.assessment_frame(engine=_engine_for(url), cohort=cohort)


def cohort_frame(cohort):  # noqa: ANN001,ANN201
    """A cohort's assessments for the staff views, shared across sessions for two minutes."""
    return _cohort_frame(database_url(), cohort)


@st.cache_data(ttl=300, show_spinner=False, max_entries=32)
def _dimension_frame(url: str, cohort):  # noqa: ANN001,ANN202
    from readiness import analytics

    return analytics.dimension_frame(engine=_engine_for(url), bank=default_bank(), cohort=cohort)


def dimension_frame(cohort):  # noqa: ANN001,ANN201
    return _dimension_frame(database_url(), cohort)


@st.cache_data(ttl=300, show_spinner=False, max_entries=64)
def _item_frame(url: str, cohort):  # noqa: ANN001,ANN202
    from readiness import analytics

    return analytics.item_frame(engine=_engine_for(url), bank=default_bank(), cohort=cohort)


def item_frame(cohort):  # noqa: ANN001,ANN201
    return _item_frame(database_url(), cohort)


@st.cache_data(ttl=2, show_spinner=False, max_entries=64)
def _room(url: str, workshop_id: int):  # noqa: ANN202
    from readiness import workshops

    return workshops.room_snapshot(
        engine=_engine_for(url), workshop_id=workshop_id, bank=default_bank()
    )


def room_snapshot(workshop_id: int):  # noqa: ANN201
    """A workshop room's aggregate, shared by every open screen for two seconds."""
    return _room(database_url(), workshop_id)


@st.cache_data(ttl=300, show_spinner=False, max_entries=8)
def _members_reference(url: str, wave: int):  # noqa: ANN202
    from readiness import workshops

    return workshops.all_members_reference(engine=_engine_for(url), wave=wave, bank=default_bank())


def members_reference(wave: int):  # noqa: ANN201
    """All members' medians in a wave (for the room's comparison), cached five minutes."""
    return _members_reference(database_url(), wave)


@st.cache_data(ttl=120, show_spinner=False, max_entries=64)
def _heatmap_data(url: str, cohort, stat: str, view: str):  # noqa: ANN001,ANN202
    from readiness import analytics, reference

    bank_ = default_bank()
    if view == "dimensions":
        frame = _dimension_frame(url, cohort)
        columns = analytics.dimension_keys(bank_)
    else:
        frame = _cohort_frame(url, cohort)
        columns = analytics.score_columns(bank_)
    return analytics.heatmap(
        frame, value_columns=columns, stat=stat, all_rows=reference.ksic_codes()
    )


def heatmap_data(cohort, stat: str, view: str):  # noqa: ANN001,ANN201
    """The heatmap's grid for a cohort, statistic and view; a rerun copies only the grid."""
    return _heatmap_data(database_url(), cohort, stat, view)


@st.cache_data(ttl=300, show_spinner=False, max_entries=64)
def _partner_needs(url: str, cohort, lang: str):  # noqa: ANN001,ANN202
    from readiness import analytics

    return analytics.partner_needs(
        engine=_engine_for(url), bank=default_bank(), cohort=cohort, lang=lang
    )


def partner_needs(cohort, lang: str):  # noqa: ANN001,ANN201
    return _partner_needs(database_url(), cohort, lang)


@st.cache_data(ttl=300, show_spinner=False, max_entries=8)
def _member_frame(url: str, wave: int):  # noqa: ANN202
    from readiness import clusters

    return clusters.member_frame(engine=_engine_for(url), wave=wave)


def member_frame(wave: int):  # noqa: ANN201
    """Every member's latest scores and value-chain facts in a wave (cluster matching)."""
    return _member_frame(database_url(), wave)


@st.cache_data(ttl=300, show_spinner=False, max_entries=512)
def _complementary(url: str, company_id: int, wave: int, lang: str):  # noqa: ANN202
    from readiness import clusters

    members = _member_frame(url, wave)
    if not (members["company_id"] == company_id).any():  # submitted since the frame was cached
        members = clusters.member_frame(engine=_engine_for(url), wave=wave)
    return clusters.rank_members(
        members, company_id=company_id, viewer="company", limit=3, lang=lang, bank=default_bank()
    )


def complementary_members(company_id: int, wave: int, lang: str):  # noqa: ANN201
    """The members a company may be shown as cluster partners (consent applied), cached."""
    return _complementary(database_url(), company_id, wave, lang)
