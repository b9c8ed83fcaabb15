"""Where a staff member was going: a shared or bookmarked staff link opened while signed out, or
a session that ended mid-work, goes to sign-in and, once signed in, back to that view with its
filters.

The target travels as one query parameter, `next` ("staff_sector?ksic=C29&size=small"), through
the sign-in page and, under asgi.py, through the cookie route. It is never trusted as a URL: only a
staff page's own path is accepted, and its parameters are parsed and re-encoded (short keys, short
values, a few of them), so `next` cannot send anyone to another site or smuggle anything in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode

# The url_path of every staff page (app.py registers them); sign-in itself is not a target.
STAFF_PATHS = (
    "staff_overview",
    "staff_sector",
    "staff_compare",
    "staff_benchmarks",
    "staff_instrument",
    "staff_members",
    "staff_requests",
    "staff_data",
    "staff_clusters",
    "staff_workshops",
    "presenter",
)
PARAM = "next"
_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
_MAX_VALUE = 300
_MAX_PARAMS = 30
_MAX_NEXT = 2_000


def _clean(params: Mapping[str, str]) -> dict[str, str]:
    kept: dict[str, str] = {}
    for key, value in params.items():
        if key in (PARAM, "lang") or not _KEY.fullmatch(key) or len(value) > _MAX_VALUE:
            continue
        kept[key] = value
        if len(kept) == _MAX_PARAMS:
            break
    return kept


def encode(path: str, params: Mapping[str, str]) -> str | None:
    """`path?query` for `next`, or None when `path` is not a staff page."""
    if path not in STAFF_PATHS:
        return None
    query = urlencode(_clean(params))
    return f"{path}?{query}" if query else path


def parse(text: str | None) -> tuple[str, dict[str, str]] | None:
    """The staff page and its parameters named by `next`; None for anything else."""
    if not text or len(text) > _MAX_NEXT:
        return None
    path, _, query = text.partition("?")
    if path not in STAFF_PATHS:
        return None
    return path, _clean(dict(parse_qsl(query, keep_blank_values=False)))


def url(target: tuple[str, dict[str, str]], lang: str) -> str:
    """The relative address of a parsed target, in `lang` (for the cookie route's redirect)."""
    path, params = target
    return f"{path}?{urlencode({**params, 'lang': lang})}"
