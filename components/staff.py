"""Staff sign-in state: who is signed in, checked against the database on every run; OIDC too.

A password sign-in is a server-side session (readiness.auth, table staff_session). This tab keeps
only the session's id; every run asks the database whether it still holds, so a sign-out, a
removal, a lock-out or a new password ends it at once, on every replica, and so do the idle limit
and the absolute lifetime. A reload keeps it through an HttpOnly cookie (components/staff_cookie.py)
when the server mounts that route (asgi.py); without it, the session lasts as long as the tab.
A single sign-on session (st.login's own signed cookie) is checked against the allow-list on every
run.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import NamedTuple

import streamlit as st

from components import staff_cookie
from components.cache import bank, engine
from components.session import current_lang, require_router
from readiness import auth
from readiness.auth import LiveSession, SessionEnd
from readiness.bank import Bank
from readiness.config import settings
from readiness.models import StaffUser

STAFF_KEY = "staff_session"
ENDED_KEY = "staff_ended"  # why this tab's session ended: a SessionEnd value, shown at sign-in
_ENDED_NOW = "_staff_ended_now"  # set in the run that found it ended: the router moves to sign-in
_DEAD_TOKEN = "_staff_dead_token"  # a cookie already found ended: not looked up on every run


@dataclass(frozen=True)
class StaffSession:
    email: str
    name: str
    via: str  # "password" | "oidc"
    last_seen: datetime
    session_id: int | None = None  # the staff_session row of a password sign-in


def _now() -> datetime:
    return datetime.now(UTC)


def oidc_configured() -> bool:
    """True when secrets carry an [auth] section that st.login can use."""
    try:
        return "auth" in st.secrets and bool(st.secrets["auth"].get("redirect_uri"))
    except (FileNotFoundError, KeyError, AttributeError):
        return False
    except Exception:  # a malformed secrets file must not take the app down
        return False


def _allow_list() -> list[str]:
    secrets_value = None
    try:
        secrets_value = st.secrets.get("staff_emails")
    except Exception:  # a malformed secrets file must not take the app down
        secrets_value = None
    return auth.allow_list_from(settings().staff_emails, secrets_value)


def _oidc_session() -> StaffSession | None:
    if not oidc_configured():
        return None
    user = st.user
    if not getattr(user, "is_logged_in", False):
        return None
    email = str(user.get("email") or "")
    if user.get("email_verified") is False:  # the provider says the address is not proven
        return None
    if not email or not auth.staff_email_allowed(email, _allow_list()):
        return None
    return StaffSession(
        email=email.lower(), name=str(user.get("name") or email), via="oidc", last_seen=_now()
    )


def _check(
    *, session_id: int | None = None, token: str | None = None
) -> LiveSession | SessionEnd | None:
    return auth.check_session(
        engine=engine(),
        session_id=session_id,
        token=token,
        idle_minutes=settings().staff_idle_minutes,
    )


def _ended(reason: SessionEnd) -> None:
    st.session_state.pop(STAFF_KEY, None)
    st.session_state[ENDED_KEY] = reason.value
    st.session_state[_ENDED_NOW] = True


def _password_session() -> StaffSession | None:
    """This tab's password session, or the browser's (its cookie), if the database says it holds."""
    held: StaffSession | None = st.session_state.get(STAFF_KEY)
    if held is not None:
        check = _check(session_id=held.session_id) if held.session_id else SessionEnd.REVOKED
    else:
        token = staff_cookie.token()
        if not token or token == st.session_state.get(_DEAD_TOKEN):
            return None
        check = _check(token=token)
        if not isinstance(check, LiveSession):
            st.session_state[_DEAD_TOKEN] = token
            return None  # a stale cookie from an earlier visit: quietly signed out
    if not isinstance(check, LiveSession):
        _ended(check or SessionEnd.REVOKED)
        return None
    return StaffSession(
        email=check.email, name=check.name, via="password", last_seen=_now(), session_id=check.id
    )


def current_staff() -> StaffSession | None:
    """The signed-in staff member, or None; a session that no longer holds is dropped."""
    session: StaffSession | None = st.session_state.get(STAFF_KEY)
    if session is None or session.via == "password":
        session = _password_session()
        if session is not None:
            st.session_state[STAFF_KEY] = session
            return session
    if session is None:
        session = _oidc_session()
    elif _oidc_session() is None:  # signed out at the provider, or taken off the allow-list
        _ended(SessionEnd.REVOKED)
        return None
    if session is None:
        return None
    now = _now()
    if auth.session_expired(session.last_seen, now, idle_minutes=settings().staff_idle_minutes):
        sign_out(expired=True)
        return None
    session = replace(session, last_seen=now)
    st.session_state[STAFF_KEY] = session
    return session


def client_address() -> str:
    """Who is signing in, for throttling: the connection's address; behind the proxy on loopback
    (deploy/), the address HAProxy appended to X-Forwarded-For (the last entry: the one it saw)."""
    address = st.context.ip_address
    if isinstance(address, str) and address:
        return address
    forwarded = st.context.headers.get("X-Forwarded-For")
    return forwarded.rsplit(",", 1)[-1].strip() if isinstance(forwarded, str) else ""


def session_ended_now() -> bool:
    """Whether this run found the tab's session ended (once): the router then shows sign-in."""
    return bool(st.session_state.pop(_ENDED_NOW, False))


def sign_in(user: StaffUser, lang: str, next_: str | None = None) -> bool:
    """Begin a server-side session for `user` in this tab; True when the browser is being sent
    to collect its cookie and then to `next_` (the page then stops), False when the tab alone
    holds it."""
    new = auth.start_session(
        engine=engine(), user=user, lifetime_hours=settings().staff_session_hours
    )
    st.session_state[STAFF_KEY] = StaffSession(
        email=user.email,
        name=user.display_name or user.email,
        via="password",
        last_seen=_now(),
        session_id=new.id,
    )
    for key in ("staff_expired", ENDED_KEY, _DEAD_TOKEN):
        st.session_state.pop(key, None)
    return staff_cookie.collect(new.grant, lang, next_)


def sign_out(*, expired: bool = False) -> None:
    session: StaffSession | None = st.session_state.pop(STAFF_KEY, None)
    if expired:
        st.session_state["staff_expired"] = True
    if session is not None and session.session_id is not None:
        auth.end_session(engine=engine(), session_id=session.session_id)
        staff_cookie.drop(current_lang())
    if session is not None and session.via == "oidc" and oidc_configured():
        st.logout()


def require_staff() -> StaffSession:
    """Without a signed-in staff member, nothing is shown (the second step of `staff_page`)."""
    staff = current_staff()
    if staff is None:
        st.error("Page not found · 페이지를 찾을 수 없습니다", icon=":material/block:")
        st.stop()
    return staff


class StaffPage(NamedTuple):
    staff: StaffSession
    lang: str
    bank: Bank


def staff_page() -> StaffPage:
    """Every staff page's opening: router guard, signed-in staff (else nothing), language, bank."""
    require_router()
    staff = require_staff()
    return StaffPage(staff, current_lang(), bank())
