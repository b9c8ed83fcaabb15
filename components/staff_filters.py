"""Option lists for the staff filters, labelled in the user's language."""

from __future__ import annotations

from typing import Any

from readiness import reference
from readiness.bank import Bank


def ksic_options(lang: str) -> dict[str, Any]:
    return {
        "options": reference.ksic_codes(),
        "format_func": lambda code: f"{code} {reference.label('ksic_divisions', code, lang)}",
    }


def region_options(lang: str) -> dict[str, Any]:
    return {
        "options": reference.region_codes(),
        "format_func": lambda code: reference.label("regions", code, lang),
    }


def size_band_options(lang: str) -> dict[str, Any]:
    return {
        "options": reference.size_band_ids(),
        "format_func": lambda band: reference.label("size_bands", band, lang),
    }


def stage_options(bank: Bank, lang: str) -> dict[str, Any]:
    return {
        "options": [s.id for s in bank.stages],
        "format_func": lambda sid: bank.stage(sid).name.get(lang),
    }
