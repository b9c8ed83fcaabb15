"""Staff sign-in state: who is signed in, inactivity expiry, OIDC where configured."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import NamedTuple

import streamlit as st

from components.cache import bank
from components.session import current_lang, require_router
from readiness import auth
from readiness.bank import Bank
from readiness.config import settings

STAFF_KEY = "staff_session"


@dataclass(frozen=True)
class StaffSession:
    email: str
    name: str
    via: str  # "password" | "oidc"
    last_seen: datetime


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


def current_staff() -> StaffSession | None:
    """The signed-in staff member, or None; an idle session expires and is dropped."""
    session: StaffSession | None = st.session_state.get(STAFF_KEY)
    if session is None:
        session = _oidc_session()
    if session is None:
        return None
    now = _now()
    if auth.session_expired(session.last_seen, now, idle_minutes=settings().staff_idle_minutes):
        sign_out(expired=True)
        return None
    session = replace(session, last_seen=now)
    st.session_state[STAFF_KEY] = session
    return session


def sign_in(email: str, name: str) -> None:
    st.session_state[STAFF_KEY] = StaffSession(
        email=email, name=name, via="password", last_seen=_now()
    )
    st.session_state.pop("staff_expired", None)


def sign_out(*, expired: bool = False) -> None:
    session: StaffSession | None = st.session_state.pop(STAFF_KEY, None)
    if expired:
        st.session_state["staff_expired"] = True
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
