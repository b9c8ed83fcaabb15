"""What belongs to a session: its language, its private link, and the router guard."""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from components.cache import engine
from readiness import store
from readiness.config import settings
from readiness.i18n import DEFAULT_LANG, normalize_lang
from readiness.models import Company


def current_lang() -> str:
    """The language from ?lang=, else the session's last choice, else Korean; kept in the URL."""
    lang = normalize_lang(
        st.query_params.get("lang") or st.session_state.get("lang") or DEFAULT_LANG
    )
    st.session_state["lang"] = lang
    if st.query_params.get("lang") != lang:
        st.query_params["lang"] = lang
    return lang


TOKEN_PARAM = "c"


def current_token() -> str | None:
    """The private-link token from ?c=, else the one this session last used; kept in the URL."""
    return _link_token(TOKEN_PARAM, "token")


def _link_token(param: str, state_key: str) -> str | None:
    """A link's token from ?param=, else the one this session keeps under `state_key`; kept in the
    URL, so that a reload opens the same."""
    token = st.query_params.get(param) or st.session_state.get(state_key)
    if not token:
        return None
    st.session_state[state_key] = token
    if st.query_params.get(param) != token:
        st.query_params[param] = token
    return token


MEMBER_PARAM = "t"


def current_member_token() -> str | None:
    """A team member's private-link token from ?t=, else the one this session last used; kept in
    the URL. It is not the company's link and never opens it (pages/team.py)."""
    return _link_token(MEMBER_PARAM, "member_token")


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


def member_link(token: str, lang: str) -> str:
    """A team member's private link: their own answers in the company's team round."""
    return f"{public_base_url()}/team?{MEMBER_PARAM}={token}&lang={lang}"


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
    if token is None or company is None:
        invalid_link(lang)
        st.stop()
    return company, token
