"""User-facing words: catalogs in data/i18n/<lang>.yaml, read through one `t()` helper.

The domain never words a sentence in one language: it returns a `Message` (a catalog key and its
parameters) that the page, the PDF or the CLI renders in the reader's language. A parameter that
reads differently per language but is no sentence of the catalog (a pillar name, a list of roles)
is a `Localized` value, given in every language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from readiness import strict_yaml
from readiness.paths import DATA_DIR

LANGS = ("ko", "en")
DEFAULT_LANG = "ko"
CATALOG_DIR = DATA_DIR / "i18n"


def normalize_lang(value: Any) -> str:
    """A supported language code; anything else falls back to Korean."""
    value = str(value or "").strip().lower()[:2]
    return value if value in LANGS else DEFAULT_LANG


def check_lang(lang: str) -> str:
    """`lang` when it is supported; a ValueError otherwise (a domain function's argument)."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    return lang


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{path}."))
        else:
            flat[path] = str(value)
    return flat


def load_catalog(path: Path) -> dict[str, str]:
    """A catalog file (strict YAML), nested keys flattened: home: {cta: ..} -> "home.cta"."""
    with path.open(encoding="utf-8") as fh:
        return _flatten(strict_yaml.safe_load(fh) or {})


@lru_cache(maxsize=len(LANGS))
def catalog(lang: str) -> dict[str, str]:
    """data/i18n/<lang>.yaml, loaded once per process."""
    return load_catalog(CATALOG_DIR / f"{lang}.yaml")


def t(key: str, lang: str, /, **values: Any) -> str:
    """The text for `key` in `lang`, with {placeholders} filled from `values`.

    A missing key shows as the key itself (a test keeps both catalogs complete).
    """
    text = catalog(normalize_lang(lang)).get(key)
    if text is None:
        return key
    return text.format(**values) if values else text


def t_count(key: str, lang: str, n: int, /, **values: Any) -> str:
    """`t` for a sentence about `n` things: "<key>_one" when n is 1 and the catalog has it
    ("1 member matches" / "2 members match"); `n` is filled in with thousands separators."""
    one = f"{key}_one"
    chosen = one if n == 1 and one in catalog(normalize_lang(lang)) else key
    return t(chosen, lang, n=f"{n:,}", **values)


def mid_sentence(name: str, lang: str) -> str:
    """A name as it reads inside a sentence: English drops the capital of a common noun
    ('Channels and partner contracts' -> 'channels and ...'); 'AI in quality' keeps it."""
    if lang == "en" and len(name) > 1 and name[1].islower():
        return name[0].lower() + name[1:]
    return name


class Wording(Protocol):
    """Anything worded in every language: `Localized`, or a bilingual Text of a data file."""

    def get(self, lang: str) -> str: ...


@dataclass(frozen=True)
class Localized:
    """A value worded in every language that is no sentence of the catalog (a name, a list)."""

    ko: str
    en: str

    @classmethod
    def of(cls, words: Callable[[str], str]) -> Localized:
        """`words(lang)` evaluated for every language."""
        return cls(**{lang: words(lang) for lang in LANGS})

    def get(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


@dataclass(frozen=True)
class Message:
    """A sentence for the reader: a catalog key and the values of its {placeholders}.

    A value may itself be a Message or a `Wording`; both are rendered in the reader's language.
    """

    key: str
    params: Mapping[str, Param] = field(default_factory=dict)

    def render(self, lang: str, *, text: Callable[[str], str] | None = None) -> str:
        """The sentence in `lang`; `text`, when given, is applied to every worded value it
        fills in (names, lists; in nested Messages too), never to the catalog's own sentence."""
        return t(
            self.key, lang, **{name: localize(v, lang, text) for name, v in self.params.items()}
        )

    def to_dict(self) -> dict[str, Any]:
        """Key and parameters as plain data (JSON)."""
        return {"key": self.key, "params": {k: as_data(v) for k, v in self.params.items()}}


@dataclass(frozen=True)
class Listing:
    """Messages read one after another ("A leads export, B leads AI"), joined by `sep`."""

    items: tuple[Message, ...]
    sep: str = ", "

    def render(self, lang: str, *, text: Callable[[str], str] | None = None) -> str:
        return self.sep.join(m.render(lang, text=text) for m in self.items)


Param = Message | Listing | Wording | str | int | float | None


def localize(
    value: Param, lang: str, text: Callable[[str], str] | None = None
) -> str | int | float | None:
    """A Message parameter as it reads in `lang`; numbers stay numbers for their format spec.
    `text` (see Message.render) is applied to worded values."""
    if isinstance(value, Message | Listing):
        return value.render(lang, text=text)
    if value is None or isinstance(value, int | float):
        return value
    words = value if isinstance(value, str) else value.get(lang)
    return text(words) if text else words


def as_data(value: Param) -> Any:
    """A Message parameter as plain data (JSON): a Message as key and parameters, a worded value
    by language."""
    if isinstance(value, Message):
        return value.to_dict()
    if isinstance(value, Listing):
        return {lang: value.render(lang) for lang in LANGS}
    if value is None or isinstance(value, str | int | float):
        return value
    return {lang: value.get(lang) for lang in LANGS}
