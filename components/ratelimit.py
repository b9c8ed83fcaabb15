"""Per-client rate limits for the pages: who the client is, and whether it may act again.

The counting is the database's (store.take_slot), so every replica shares it. The client is the one
the staff sign-in throttle counts too (components.staff.client_address): the connection's address,
or for a connection from loopback (the proxy in deploy/) the address HAProxy appended last to
X-Forwarded-For; entries before it are the client's to forge.
"""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from components.cache import engine
from components.staff import client_address
from readiness import store
from readiness.i18n import t

HOUR = timedelta(hours=1)
UNKNOWN_CLIENT = "unknown"  # no address known (a local run): such clients share one allowance


def client_key() -> str:
    """The address a limit counts the current session's attempts under."""
    return client_address() or UNKNOWN_CLIENT


def allowed(kind: str, *, limit: int, window: timedelta = HOUR) -> bool:
    """Take one of the client's `limit` attempts of `kind` per `window`; False when none is left
    (then nothing is recorded)."""
    return store.take_slot(
        engine=engine(), kind=kind, client=client_key(), limit=limit, window=window
    )


def used(kind: str, *, window: timedelta = HOUR) -> int:
    """How many attempts of `kind` the client made within `window` (nothing recorded)."""
    return store.attempts(engine=engine(), kind=kind, client=client_key(), window=window)


def refuse(lang: str) -> None:
    """The message a client over its limit reads."""
    st.error(t("limit.too_many", lang), icon=":material/hourglass_top:")
