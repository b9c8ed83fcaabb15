"""Reference lists (KSIC divisions, size bands, regions, value-chain roles, markets) from data/."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from readiness import strict_yaml
from readiness.paths import DATA_DIR


@lru_cache(maxsize=1)
def reference() -> dict[str, list[dict[str, Any]]]:
    with (DATA_DIR / "reference.yaml").open(encoding="utf-8") as fh:
        return strict_yaml.safe_load(fh)


def _codes(kind: str, key: str) -> list[str]:
    return [str(row[key]) for row in reference()[kind]]


def ksic_codes() -> list[str]:
    return _codes("ksic_divisions", "code")


def region_codes() -> list[str]:
    return _codes("regions", "code")


def role_ids() -> list[str]:
    return _codes("value_chain_roles", "id")


def revenue_band_ids() -> list[str]:
    return _codes("revenue_bands", "id")


def size_band_ids() -> list[str]:
    return _codes("size_bands", "id")


def label(kind: str, key: str, lang: str) -> str:
    """The name of one reference entry in `lang`; the key itself when it is unknown."""
    for row in reference()[kind]:
        if str(row.get("code", row.get("id"))) == key:
            return row["ko"] if lang == "ko" else row["en"]
    return key


def size_band_for(employees: int) -> str:
    """The size band of a head count (at least 1)."""
    if employees < 1:
        raise ValueError("employees must be at least 1")
    for band in reference()["size_bands"]:
        if band["max"] is None or employees <= band["max"]:
            return band["id"]
    raise AssertionError("size bands must end with an open band")


def market_ids() -> list[str]:
    return _codes("markets", "id")
