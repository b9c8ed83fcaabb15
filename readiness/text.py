"""User text made inert for display: the one place every user- or import-supplied string passes
through before Streamlit's Markdown or Plotly's text draws it.

`markdown` is for everything Streamlit renders as Markdown (st.markdown, captions, headers,
alerts, toasts, widget labels and help); `plotly` for Plotly's text, hover text, hover templates,
tick labels and legend names; `display` is the shared first step: invisible and direction-changing
characters dropped, line breaks and other control characters made spaces, and a long string
clipped with an ellipsis (the stored value keeps every character). Pure functions: no Streamlit.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from typing import Any

DISPLAY_LIMIT = 120
"""Characters of a name shown in a heading, a table or a chart (Company.name holds 120)."""

ELLIPSIS = "…"

# Zero-width characters, bidi embeddings, overrides and isolates, the soft hyphen and the BOM:
# they hide or reorder what a reader sees ("evil\u202egnp.exe") and draw nothing themselves.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SPACES = re.compile(r"\s{2,}")

# CommonMark lets a backslash escape any ASCII punctuation character: every one of them is
# escaped, so no emphasis, heading, list, table, link, HTML tag, entity, LaTeX ($) or directive
# (:red[..], :help[..]) can start. Three of Streamlit's features work on the text after
# escapes are resolved, so a WORD JOINER (invisible, no line break) also goes after each ':'
# (emoji and :material/icon: shortcodes, "https://" autolinks) and before each '.' and '@'
# ("www." and e-mail autolinks).
_JOINER = "\u2060"
_MARKDOWN = {ch: "\\" + ch for ch in string.punctuation}
_MARKDOWN[":"] = "\\:" + _JOINER
_MARKDOWN["."] = _JOINER + "\\."
_MARKDOWN["@"] = _JOINER + "\\@"

# Plotly draws <b>, <a href>, <br>, <span style> and entities in every text it shows, and fills
# %{...} in templates: entities keep each character as it is written.
_PLOTLY = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "%": "&#37;"}


def display(text: object, *, limit: int | None = DISPLAY_LIMIT) -> str:
    """`text` as one visible line: invisible and bidi-control characters dropped, line breaks,
    tabs and other controls made single spaces, and clipped to `limit` characters with an
    ellipsis (None: no limit)."""
    value = _INVISIBLE.sub("", str(text))
    value = _SPACES.sub(" ", _CONTROL.sub(" ", value)).strip()
    if limit is not None and len(value) > limit:
        value = value[: max(limit - 1, 0)].rstrip() + ELLIPSIS
    return value


def display_cells(rows: Iterable[Sequence[Any]], *, limit: int = DISPLAY_LIMIT) -> list[list[Any]]:
    """A table's rows for the screen: each text cell through `display`, other values kept."""
    return [[display(v, limit=limit) if isinstance(v, str) else v for v in row] for row in rows]


def markdown(text: object, *, limit: int | None = DISPLAY_LIMIT) -> str:
    """`text` made inert for Streamlit Markdown: it reads as written and renders as plain text."""
    return "".join(_MARKDOWN.get(ch, ch) for ch in display(text, limit=limit))


def plotly(text: object, *, limit: int | None = DISPLAY_LIMIT) -> str:
    """`text` made inert for Plotly's text, hover text and templates, ticks and legend names."""
    return "".join(_PLOTLY.get(ch, ch) for ch in display(text, limit=limit))
