"""Hostile names: a corpus of user text that tries every Markdown, Streamlit and Plotly construct,
seeded through readiness.store, and the checks that none of it renders as anything but text.

Every name is framed by « and » (except the 10,000-character one), so a check finds the part of
a page's text that came from a name.
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterator
from datetime import date
from typing import Any

import sqlalchemy as sa

from readiness import store, workshops
from readiness.models import Workshop
from readiness.profile import CompanyProfile
from readiness.requests import NewRequest

OPEN, CLOSE = "«", "»"
LONG_NAME = "가" * 10_000

CORPUS = [
    "[Session expired: sign in again](https://evil.example/login)",
    '<a href="https://evil.example">click</a>',
    "<script>alert('evil')</script>",
    "<img src=x onerror=alert('evil')>",
    "**B** __b__ *i* _i_ ~~s~~ `code`",
    "# Heading\n- item\n1. one\n> quote",
    "| a | b |\n|---|---|\n| c | d |",
    "$x^2$ and $$y$$ \\(z\\)",
    ":red[red] :material/skull: :skull: :help[tip] :streamlit:",
    "www.evil.example mail@evil.example https://evil.example",
    "evil\u202etxt.exe zero\u200bwidth\u200d \u2066iso\u2069 \ufeffbom",
    "%{x} %{customdata[0]} <b>bold</b><br>&amp; &lt;",
    "![img](https://evil.example/x.png) <https://evil.example> [ref]: https://evil.example",
]
NAMES = [f"{OPEN}{name}{CLOSE}" for name in CORPUS] + [LONG_NAME]

# Characters that hide or reorder text: none may reach a page.
INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\n\r\t]")
# What Streamlit's Markdown still turns into markup after escapes are resolved (remark-emoji,
# its :material_icon: and :streamlit: shortcodes, GFM autolink literals).
AFTER_ESCAPES = re.compile(
    r":[\w+-][\w_+-]*:|https?://|www\.|[-.\w+]+@[-\w]+\.[-\w]", re.IGNORECASE
)
ENTITY = re.compile(r"&(amp|lt|gt|#\d+);")
SHOWN_LIMIT = 300  # characters of a name a page may show (a name: 120; a sentence's value: 300)


# --- seeding ------------------------------------------------------------------------------------


def _raw_profile(company: Any, name: str) -> CompanyProfile:
    """The company's profile with `name`, unvalidated: data written before today's limits, or by
    another tool, may hold anything."""
    fields = {k: getattr(company, k) for k in CompanyProfile.model_fields}
    return CompanyProfile.model_construct(**{**fields, "name": name, "products": name[:300]})


def seed_hostile(engine: sa.Engine) -> dict[str, Any]:
    """Rename every member to a corpus name (in turn), add a workshop titled with each, and return
    and a request (contact, message, company) with each; return what was written:
    {"companies": {id: name}, "workshops": {code: title}}."""
    _, rows = store.member_directory(engine=engine, search="", include_synthetic=True, limit=5000)
    companies: dict[int, str] = {}
    for n, row in enumerate(sorted(rows, key=lambda r: r["company_id"])):
        company = store.get_company(engine=engine, company_id=row["company_id"])
        assert company is not None
        name = NAMES[n % len(NAMES)]
        store.update_company(
            engine=engine, company_id=company.id, profile=_raw_profile(company, name)
        )
        companies[int(company.id)] = name
    titles: dict[str, str] = {}
    for name in NAMES:
        workshop = Workshop(code=workshops.new_code(), title=name, held_on=date.today(), lang="ko")
        assert store.add_workshop(engine=engine, workshop=workshop, actor="hostile")
        titles[workshop.code] = name
    for n, name in enumerate(NAMES):
        member = list(companies)[n]
        store.create_request(
            engine=engine,
            request=NewRequest(
                kind=("link", "introduction")[n % 2],
                contact_name=name,
                phone=name[:40],
                email=name[:80],
                consent=True,
                message=name,
                company_name=name,
                company_id=None if n % 2 == 0 else member,
                member_id=None if n % 2 == 0 else list(companies)[n + 1],
            ),
        )
    return {"companies": companies, "workshops": titles}


# --- checks --------------------------------------------------------------------------------------


def spans(text: str) -> Iterator[str]:
    """The parts of `text` that came from a corpus name: from « to » (or to the end, if the name
    was clipped), and any run of the long name's character."""
    at = 0
    while (start := text.find(OPEN, at)) >= 0:
        end = text.find(CLOSE, start + 1)
        end = len(text) if end < 0 else end
        yield text[start + 1 : end]
        at = end + 1
    yield from re.findall(r"가{20,}", text)


def markdown_problems(text: str) -> list[str]:
    """How a name in `text` (Markdown source for Streamlit) would render as more than text.

    Every ASCII punctuation character from a name must be backslash-escaped (then no emphasis,
    heading, list, table, link, image, HTML, entity, LaTeX or :directive[..] can start); after the
    escapes are resolved no shortcode or autolink may remain; no invisible or direction-changing
    character, no line break; and no more than SHOWN_LIMIT characters of it.
    """
    problems = []
    for span in spans(text):
        resolved, i = [], 0
        while i < len(span):
            ch = span[i]
            if ch == "\\" and i + 1 < len(span) and span[i + 1] in string.punctuation:
                resolved.append(span[i + 1])
                i += 2
                continue
            if ch in string.punctuation:
                problems.append(f"unescaped {ch!r} in {span[:80]!r}")
                break
            resolved.append(ch)
            i += 1
        words = "".join(resolved)
        if found := AFTER_ESCAPES.search(words.replace(":material/", ":material_")):
            problems.append(f"{found.group()!r} renders as a shortcode or link in {span[:80]!r}")
        if found := INVISIBLE.search(words.replace("\u2060", "")):
            problems.append(f"invisible {found.group()!r} in {span[:80]!r}")
        if len(words.replace("\u2060", "")) > SHOWN_LIMIT:
            problems.append(f"{len(words)} characters of a name shown")
    return problems


def plotly_problems(text: str) -> list[str]:
    """How a name in `text` (a Plotly text, hover text, template, tick or legend name) would
    render as more than text: a tag, a template field, an entity it did not write."""
    problems = []
    for span in spans(text):
        bare = ENTITY.sub("", span)
        for bad in ("<", ">", "%{", "&"):
            if bad in bare:
                problems.append(f"{bad!r} live in {span[:80]!r}")
        if found := INVISIBLE.search(span):
            problems.append(f"invisible {found.group()!r} in {span[:80]!r}")
        if len(ENTITY.sub("x", span)) > SHOWN_LIMIT:
            problems.append(f"{len(span)} characters of a name in a chart")
    return problems


def table_problems(text: str) -> list[str]:
    """A name in a table cell (shown as text): no invisible characters, clipped for display."""
    problems = []
    for span in spans(text):
        if found := INVISIBLE.search(span):
            problems.append(f"invisible {found.group()!r} in {span[:80]!r}")
        if len(span) > SHOWN_LIMIT:
            problems.append(f"{len(span)} characters of a name in a table")
    return problems


def strings_of(value: Any) -> Iterator[str]:
    """Every string in a JSON-like value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings_of(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from strings_of(v)


def figure_problems(spec: str) -> list[str]:
    """plotly_problems over every string of a figure's JSON."""
    return [p for s in strings_of(json.loads(spec)) for p in plotly_problems(s)]
