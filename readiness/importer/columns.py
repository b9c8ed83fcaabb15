"""Which column of a file holds what: headers in Korean or English matched to fields and items."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from readiness.bank import Bank
from readiness.i18n import Message
from readiness.importer.problems import Problem
from readiness.member_file import FIELDS, computed_headers

ITEM_LIKE = re.compile(r"[A-Z]{2,4}\d{2}")
_BRACKETED_TAIL = re.compile(r"\s*[\(\[（][^\)\]）]*[\)\]）]\s*$")
_HEADER_NOISE = re.compile(r"[\s_\-\.·/]+")


def header_key(header: str) -> str:
    """A header folded for matching: case, spaces, _ - . and a trailing "(...)" do not count."""
    text = unicodedata.normalize("NFC", header).strip()
    text = _BRACKETED_TAIL.sub("", text) or text
    return _HEADER_NOISE.sub("", text.casefold())


@lru_cache(maxsize=1)
def _field_aliases() -> dict[str, str]:
    out: dict[str, str] = {}
    for f in FIELDS:
        for name in (f.key, f.ko, f.en, *f.aliases):
            out[header_key(name)] = f.key
    return out


def names_a_column(cell: str) -> bool:
    """True when a cell reads as the header of a field or an item: it marks the header row."""
    key = header_key(cell)
    return key in _field_aliases() or bool(ITEM_LIKE.fullmatch(key.upper()))


@dataclass(frozen=True)
class ColumnMap:
    """Which column of the file holds which field and which item, and what was left out."""

    fields: dict[str, int]
    items: dict[str, int]
    ignored: list[str]
    problems: list[Problem]


def map_columns(header: Sequence[str], *, bank: Bank, header_row: int = 1) -> ColumnMap:
    """Match headers (Korean or English) to fields and item ids; report what does not fit."""
    aliases = _field_aliases()
    computed = {header_key(h) for h in computed_headers(bank)}
    known_items = bank.known_item_ids
    fields: dict[str, int] = {}
    items: dict[str, int] = {}
    ignored: list[str] = []
    problems: list[Problem] = []
    for index, raw in enumerate(header):
        key = header_key(raw)
        if not key:
            continue
        name = key.upper()
        target = items
        if key in aliases:
            target, name = fields, aliases[key]
        elif name in known_items:
            pass
        elif ITEM_LIKE.fullmatch(name):
            problems.append(
                Problem(header_row, raw, Message("importer.unknown_item", {"item": name}))
            )
            continue
        elif key in computed:
            ignored.append(raw)
            continue
        else:
            problems.append(Problem(header_row, raw, Message("importer.unknown_column"), "warning"))
            continue
        if name in target:
            first = header[target[name]]
            problems.append(
                Problem(header_row, raw, Message("importer.duplicate_column", {"first": first}))
            )
            continue
        target[name] = index
    for f in FIELDS:
        if f.required and f.key not in fields:
            problems.append(Problem(header_row, f.both, Message("importer.required_column")))
    return ColumnMap(fields=fields, items=items, ignored=ignored, problems=problems)
