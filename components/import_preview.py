"""The import preview's problem list: every message whole and wrapped, never cut by a grid."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.widgets import plain
from readiness.exports import MIME_TYPES, csv_bytes
from readiness.i18n import t

PROBLEMS_SHOWN = 300  # rows drawn as a table; the whole list is a download
MESSAGE_LIMIT = 2_000  # a message quotes the cell it is about: long enough for any of ours


def problems_table(frame: pd.DataFrame, lang: str) -> None:
    """The problems (row, column, severity, message) as a table whose cells wrap.

    st.table, not st.dataframe: a grid cuts a long message at its column's width. Every cell is
    user text or quotes it (a header, a cell's value), so each is made inert for Markdown.
    """
    shown = frame.head(PROBLEMS_SHOWN)
    st.table(
        shown.map(lambda v: plain(v, limit=MESSAGE_LIMIT) if isinstance(v, str) else v),
        hide_index=True,
        border="horizontal",
    )
    if len(frame) > PROBLEMS_SHOWN:
        st.caption(t("data.problems_more", lang, shown=f"{len(shown):,}", n=f"{len(frame):,}"))
        st.download_button(
            t("data.problems_download", lang),
            data=lambda: csv_bytes(list(frame.columns), frame.itertuples(index=False)),
            file_name="readiness-import-problems.csv",
            mime=MIME_TYPES["csv"],
            icon=":material/csv:",
            on_click="ignore",
        )
