"""Per-client rate limits for the pages: who the client is, and whether it may act again.

The counting is the database's (store.take_slot), so every replica shares it. The client is the
connection's address, or behind a trusted proxy (READINESS_TRUST_FORWARDED_FOR) the address the
proxy appended last to X-Forwarded-For: entries before it are the client's to forge.
"""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from components.cache import engine
from readiness import store
from readiness.config import settings
from readiness.i18n import t

HOUR = timedelta(hours=1)
UNKNOWN_CLIENT = "unknown"  # no address known (a local run): such clients share one allowance


def client_key() -> str:
    """The address a limit counts the current session's attempts under."""
    if settings().trust_forwarded_for:
        forwarded = st.context.headers.get("X-Forwarded-For")
        hops = [h.strip() for h in forwarded.split(",")] if isinstance(forwarded, str) else []
        if hops and hops[-1]:
            return hops[-1]
    address = st.context.ip_address
    return address if isinstance(address, str) and address else UNKNOWN_CLIENT


def allowed(kind: str, *, limit: int, window: timedelta = HOUR) -> bool:
    """Take one of the client's `limit` attempts of `kind` per `window`; False when none is left
    (then nothing is recorded)."""
    return store.take_slot(
        engine=engine(), kind=kind, client=client_key(), limit=limit, window=window
    )


def refuse(lang: str) -> None:
    """The message a client over its limit reads."""
    st.error(t("limit.too_many", lang), icon=":material/hourglass_top:")
