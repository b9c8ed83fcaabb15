"""One device, one participation: the workshop phone's cookie.

A phone that has joined a workshop keeps its participant link in an HttpOnly cookie, so a reload,
the browser's Back button or a second scan of the QR code brings it back to its own result instead
of the profile form (where Start would make a second participant and the room would count it
twice). The cookie is set by a route, as the staff session's is (components/staff_cookie.py says
why): after joining, the page sends the browser to REMEMBER_PATH, which sets the cookie and sends
it on to /join with the participant's link in the URL.

The cookie holds the participant's private link (the same secret the URL already carries; stored
hashed on the server), is SameSite=Lax (a QR scan is a top-level visit from another app), lives
for two days and is readable by no script in the page. Without the route (`streamlit run app.py`,
AppTest) the tab's session state does the same for Back within the tab.
"""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from components.staff_cookie import app_path, is_secure, no_store, send_browser
from readiness.i18n import normalize_lang
from readiness.workshops import is_valid_code, normalize_code

COOKIE = "readiness_join"
REMEMBER_PATH = "/api/join/remember"
MAX_AGE_S = 2 * 24 * 3600
_SESSION_KEY = "join_links"  # code -> this tab's participant link
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

_mounted = False


def routes() -> list[Route]:
    """The route, for st.App (asgi.py)."""
    global _mounted
    _mounted = True
    return [Route(REMEMBER_PATH, _remember_route, methods=["GET"])]


def _plausible(token: str | None) -> bool:
    return bool(token) and 20 <= len(token) <= 100 and set(token) <= _TOKEN_CHARS  # type: ignore[arg-type]


def remembered(code: str) -> str | None:
    """This device's participant link for workshop `code`, if it joined it: the tab's own, else
    the device's cookie (the caller checks that the link belongs to that workshop)."""
    own = st.session_state.get(_SESSION_KEY, {}).get(code)
    if own:
        return str(own)
    value = st.context.cookies.get(COOKIE)
    if not isinstance(value, str):  # AppTest's context is a mock
        return None
    _, _, token = value.partition(":")
    return token if value.startswith(f"{code}:") and _plausible(token) else None


def remember(code: str, token: str, lang: str) -> bool:
    """Keep `token` as this device's participation in `code`: in the tab, and (with the route)
    in the device's cookie, the browser then reloading /join with it. False when the page must
    put the token in the URL itself."""
    st.session_state.setdefault(_SESSION_KEY, {})[code] = token
    if not _mounted:
        return False
    return send_browser(REMEMBER_PATH, {"code": code, "c": token, "lang": lang})


async def _remember_route(request: Request) -> RedirectResponse:
    lang = normalize_lang(request.query_params.get("lang"))
    code = normalize_code(request.query_params.get("code", ""))
    token = request.query_params.get("c", "")
    if not is_valid_code(code) or not _plausible(token):
        return no_store(RedirectResponse(app_path(f"join?lang={lang}"), status_code=303))
    query = urlencode({"code": code, "c": token, "lang": lang})
    response = RedirectResponse(app_path(f"join?{query}"), status_code=303)
    response.set_cookie(
        COOKIE,
        f"{code}:{token}",
        max_age=MAX_AGE_S,
        path="/",
        secure=is_secure(request),
        httponly=True,
        samesite="lax",
    )
    return no_store(response)
