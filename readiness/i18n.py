"""User-facing words: catalogs in data/i18n/<lang>.yaml, read through one `t()` helper."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from readiness import strict_yaml
from readiness.paths import DATA_DIR

LANGS = ("ko", "en")
DEFAULT_LANG = "ko"


def normalize_lang(value: Any) -> str:
    """A supported language code; anything else falls back to Korean."""
    value = str(value or "").strip().lower()[:2]
    return value if value in LANGS else DEFAULT_LANG


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{path}."))
        else:
            flat[path] = str(value)
    return flat


@lru_cache(maxsize=len(LANGS))
def catalog(lang: str) -> dict[str, str]:
    with (DATA_DIR / "i18n" / f"{lang}.yaml").open(encoding="utf-8") as fh:
        return _flatten(strict_yaml.safe_load(fh) or {})


def t(key: str, lang: str, /, **values: Any) -> str:
    """The text for `key` in `lang`, with {placeholders} filled from `values`.

    A missing key shows as the key itself (a test keeps both catalogs complete).
    """
    text = catalog(normalize_lang(lang)).get(key)
    if text is None:
        return key
    return text.format(**values) if values else text
