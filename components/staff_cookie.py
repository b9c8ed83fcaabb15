"""The staff session's cookie: set and cleared by two small HTTP routes, read from st.context.

Why routes: Streamlit 1.67 gives a script the request's cookies (st.context.cookies, read-only)
but no way to set one, and anything a script could hand to the browser's JavaScript (a component,
localStorage) would be readable by script in the page. An HttpOnly cookie can only come from an
HTTP response, so asgi.py serves the app as st.App with the routes below, the mechanism Streamlit's
own st.login uses for its identity cookie:

1. A sign-in (a websocket message) begins a session row with a one-time grant (60 s, used once,
   stored as a digest) and sends the browser to SESSION_PATH?grant=... (Streamlit's own redirect
   message, as st.login sends).
2. That route trades the grant for the session token and answers with a redirect and
   `Set-Cookie: readiness_staff=<token>; HttpOnly; SameSite=Strict; Path=/; Max-Age=<lifetime>`
   (`Secure` over HTTPS). The token is 256 random bits and stored only as its SHA-256, so it needs
   no signature: it cannot be forged, only stolen, and a stolen one is revoked like any other.
3. Every new websocket (a reload, a second tab) carries the cookie; components.staff looks its
   digest up and checks the session on every run. Sign-out revokes the row, then SIGN_OUT_PATH
   clears the cookie.

The routes live at the server's root (st.App routes are not under server.baseUrlPath). Without
them (`streamlit run app.py`, AppTest) sign-in still works and the session lasts as long as the tab.
"""

from __future__ import annotations

from urllib.parse import urlencode

import sqlalchemy as sa
import streamlit as st
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from components import staff_next
from readiness import auth
from readiness.config import settings
from readiness.db import database_url, make_engine
from readiness.i18n import normalize_lang

COOKIE = "readiness_staff"
SESSION_PATH = "/api/staff/session"
SIGN_OUT_PATH = "/api/staff/sign-out"

_mounted = False
_engines: dict[str, sa.Engine] = {}


def routes() -> list[Route]:
    """The two routes, for st.App (asgi.py); from then on sign-ins collect their cookie."""
    global _mounted
    _mounted = True
    return [
        Route(SESSION_PATH, _session_route, methods=["GET"]),
        Route(SIGN_OUT_PATH, _sign_out_route, methods=["GET"]),
    ]


def token() -> str | None:
    """The session token this browser sent when the tab connected, if any."""
    value = st.context.cookies.get(COOKIE)
    return value if isinstance(value, str) and value else None  # AppTest's context is a mock


def collect(grant: str, lang: str, next_: str | None = None) -> bool:
    """Send the browser to trade `grant` for its cookie, then on to `next_` (a staff view, see
    components.staff_next) or the heatmap; False when no route is mounted."""
    params = {"grant": grant, "lang": lang}
    if next_:
        params[staff_next.PARAM] = next_
    return _redirect(SESSION_PATH, params)


def drop(lang: str) -> bool:
    """Send the browser to clear its cookie (the session is already revoked)."""
    return _redirect(SIGN_OUT_PATH, {"lang": lang})


def _redirect(path: str, params: dict[str, str]) -> bool:
    return _mounted and send_browser(path, params)


def send_browser(path: str, params: dict[str, str]) -> bool:
    """Send this tab's browser to one of the server's routes (`path` at the server's root), as
    st.login does: False outside a script run."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None:
        return False
    msg = ForwardMsg()
    msg.auth_redirect.url = f"{path}?{urlencode(params)}"  # the browser sets window.location
    ctx.enqueue(msg)
    return True


def _engine() -> sa.Engine:
    url = database_url()
    if url not in _engines:
        _engines[url] = make_engine(url)
    return _engines[url]


def _page(name: str, lang: str) -> str:
    return app_path(f"{name}?lang={lang}")


def app_path(relative: str) -> str:
    """`relative` (a page and its query) under the server's base URL path."""
    from streamlit import config
    from streamlit.url_util import make_url_path

    base = config.get_option("server.baseUrlPath") or ""
    return make_url_path(base, relative)


def is_secure(request: Request) -> bool:
    proto = request.headers.get("x-forwarded-proto", request.url.scheme)
    return proto.split(",")[0].strip().lower() == "https"


def no_store(response: RedirectResponse) -> RedirectResponse:
    response.headers["Cache-Control"] = "no-store"
    return response


async def _session_route(request: Request) -> RedirectResponse:
    lang = normalize_lang(request.query_params.get("lang"))
    grant = request.query_params.get("grant", "")
    session_token = await run_in_threadpool(
        lambda: auth.redeem_grant(engine=_engine(), grant=grant)
    )
    if session_token is None:
        return no_store(RedirectResponse(_page("staff_login", lang), status_code=303))
    target = staff_next.parse(request.query_params.get(staff_next.PARAM))
    where = staff_next.url(target, lang) if target else f"staff_overview?lang={lang}"
    response = RedirectResponse(app_path(where), status_code=303)
    response.set_cookie(
        COOKIE,
        session_token,
        max_age=settings().staff_session_hours * 3600,
        path="/",
        secure=is_secure(request),
        httponly=True,
        samesite="strict",
    )
    return no_store(response)


async def _sign_out_route(request: Request) -> RedirectResponse:
    lang = normalize_lang(request.query_params.get("lang"))
    response = RedirectResponse(_page("", lang), status_code=303)
    response.delete_cookie(
        COOKIE, path="/", secure=is_secure(request), httponly=True, samesite="strict"
    )
    return no_store(response)
