from __future__ import annotations

import ast

from readiness.i18n import LANGS, catalog, normalize_lang, t
from readiness.paths import ROOT

SOURCE_DIRS = ("pages", "components", "readiness")


def _literal_keys() -> set[str]:
    """Every t("literal.key", ...) call in the app's source."""
    keys: set[str] = set()
    files = [ROOT / "app.py"] + [p for d in SOURCE_DIRS for p in (ROOT / d).rglob("*.py")]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "t"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                keys.add(node.args[0].value)
    return keys


def test_both_catalogs_have_the_same_keys() -> None:
    ko, en = set(catalog("ko")), set(catalog("en"))
    assert ko - en == set(), f"missing in en: {sorted(ko - en)}"
    assert en - ko == set(), f"missing in ko: {sorted(en - ko)}"


def test_every_key_used_in_the_code_exists_in_every_language() -> None:
    used = _literal_keys()
    assert used, "the scan found no t() calls"
    for lang in LANGS:
        missing = sorted(used - set(catalog(lang)))
        assert not missing, f"{lang} lacks {missing}"


def test_placeholders_match_across_languages() -> None:
    import string

    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    for key, ko_text in catalog("ko").items():
        assert fields(ko_text) == fields(catalog("en")[key]), key


def test_t_fills_values_and_defaults_to_korean() -> None:
    assert t("home.stage_range", "en", low=75) == "75 and above"
    assert t("app.title", "xx") == catalog("ko")["app.title"]
    assert normalize_lang("EN") == "en" and normalize_lang(None) == "ko"
    assert t("no.such.key", "en") == "no.such.key"
