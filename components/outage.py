"""When the database cannot be reached, read or written: a clear bilingual message, never
Streamlit's stack trace, and the cause in the server's log.

Unreachable server, refused connection, read-only or full disk and pool timeouts all arrive as the
SQLAlchemy errors in OUTAGE (sqlite3 and psycopg map "attempt to write a readonly database",
"database or disk is full" and "connection refused" to OperationalError; a read-only PostgreSQL
transaction to InternalError). A volume that is gone or unwritable before SQLite even opens its file
(an unmounted disk, a permission change) arrives from the OS as an OSError. An IntegrityError is
a bug or a race, not an outage, and is left alone. Answers are written as they are given, so what
a user entered before the outage is saved.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
import streamlit as st
from streamlit.navigation.page import StreamlitPage

from readiness.i18n import LANGS, t

OUTAGE: tuple[type[BaseException], ...] = (
    sa.exc.OperationalError,
    sa.exc.InterfaceError,
    sa.exc.InternalError,
    sa.exc.TimeoutError,
    OSError,  # the database's volume: missing, unmounted or not writable
)
log = logging.getLogger("readiness.outage")


def record(exc: BaseException, where: str) -> None:
    """The cause, in the server's log (the page never shows it)."""
    log.error("database unavailable (%s): %s", where, exc, exc_info=exc)


def notice(lang: str) -> None:
    """The message in the page's language, and in the other one below it."""
    st.error(t("outage.title", lang), icon=":material/cloud_off:")
    st.write(t("outage.body", lang))
    for other in LANGS:
        if other != lang:
            st.caption(f"{t('outage.title', other)} {t('outage.body', other)}")
    if st.button(t("outage.retry", lang), icon=":material/refresh:", key="outage_retry"):
        st.rerun()


def run_page(navigation: StreamlitPage, lang: str, *, where: str) -> None:
    """Run the page the router chose; a read-only, full or unreachable database is said in words
    and its cause logged, never Streamlit's stack trace."""
    try:
        navigation.run()
    except OUTAGE as exc:
        record(exc, where)
        notice(lang)
