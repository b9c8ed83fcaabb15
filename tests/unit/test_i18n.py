"""Catalogs: every catalog complete in every language, every key the code uses present, Messages."""

from __future__ import annotations

import ast
import json
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from readiness.bank import Text
from readiness.i18n import (
    CATALOG_DIR,
    LANGS,
    Localized,
    Message,
    catalog,
    load_catalog,
    localize,
    mid_sentence,
    normalize_lang,
    t,
)
from readiness.paths import ROOT

SOURCE_DIRS = ("pages", "components", "readiness")
LOOKUPS = {"t", "Message"}  # t(key, lang, **values) and Message(key, params)


def _catalogs() -> dict[str, dict[str, dict[str, str]]]:
    """Every catalog file of data/i18n by catalog ("" for <lang>.yaml, "report" for
    report_<lang>.yaml) and language."""
    found: dict[str, dict[str, dict[str, str]]] = {}
    for path in sorted(CATALOG_DIR.glob("*.yaml")):
        name, _, lang = path.stem.rpartition("_")
        assert lang in LANGS, f"{path.name}: name a catalog <lang>.yaml or <name>_<lang>.yaml"
        found.setdefault(name, {})[lang] = load_catalog(path)
    return found


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def _source_files() -> list[Path]:
    return [ROOT / "app.py"] + [p for d in SOURCE_DIRS for p in sorted((ROOT / d).rglob("*.py"))]


def _lookups() -> Iterator[tuple[str, str, ast.Call]]:
    """Every call of t(...) or Message(...) imported from readiness.i18n: "file:line", which of
    the two, the call."""
    for path in _source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        local = {name: name for name in LOOKUPS} if path.name == "i18n.py" else {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "readiness.i18n":
                local.update({a.asname or a.name: a.name for a in node.names if a.name in LOOKUPS})
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in local
                and (node.args or node.keywords)
            ):
                yield f"{path.relative_to(ROOT)}:{node.lineno}", local[node.func.id], node


def _key_node(call: ast.Call) -> ast.expr:
    if call.args:
        return call.args[0]
    return next(k.value for k in call.keywords if k.arg == "key")


def _literal_keys(node: ast.expr) -> list[str]:
    """The keys a key argument can take: a literal, or either branch of `"a" if c else "b"`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literal_keys(node.body) + _literal_keys(node.orelse)
    return []


def _given(kind: str, call: ast.Call) -> set[str] | None:
    """The parameter names a call passes, or None when they cannot be read (** or a variable)."""
    if kind == "t":
        names = [k.arg for k in call.keywords]
        return None if None in names else {n for n in names if n}
    params = call.args[1] if len(call.args) > 1 else None
    params = params or next((k.value for k in call.keywords if k.arg == "params"), None)
    if params is None:
        return set()
    if not isinstance(params, ast.Dict) or None in params.keys:
        return None
    keys = [k.value for k in params.keys if isinstance(k, ast.Constant)]
    return set(keys) if len(keys) == len(params.keys) else None


def test_every_catalog_has_the_same_keys_in_every_language() -> None:
    catalogs = _catalogs()
    assert "" in catalogs, "data/i18n/<lang>.yaml is missing"
    for name, by_lang in catalogs.items():
        assert set(by_lang) == set(LANGS), f"catalog {name!r} has only {sorted(by_lang)}"
        ko, en = set(by_lang["ko"]), set(by_lang["en"])
        assert ko - en == set(), f"{name!r} missing in en: {sorted(ko - en)}"
        assert en - ko == set(), f"{name!r} missing in ko: {sorted(en - ko)}"


def test_placeholders_match_across_languages() -> None:
    for name, by_lang in _catalogs().items():
        for key, ko_text in by_lang["ko"].items():
            assert _fields(ko_text) == _fields(by_lang["en"][key]), f"{name!r}: {key}"


def test_every_key_used_in_the_code_exists_in_every_language() -> None:
    used = {key: where for where, _, call in _lookups() for key in _literal_keys(_key_node(call))}
    assert any(key.startswith("match_reason.") for key in used), "the scan missed Message keys"
    for lang in LANGS:
        missing = sorted(
            f"{key} ({where})" for key, where in used.items() if key not in catalog(lang)
        )
        assert not missing, f"{lang} lacks {missing}"


def test_every_computed_key_has_a_catalog_entry_with_its_prefix() -> None:
    """t(f"assess.mode_{mode}", ...): some key starts with "assess.mode_"."""
    prefixes = []
    for where, _, call in _lookups():
        node = _key_node(call)
        if isinstance(node, ast.JoinedStr) and isinstance(node.values[0], ast.Constant):
            prefixes.append((str(node.values[0].value), where))
    assert prefixes, "the scan found no computed keys"
    for lang in LANGS:
        keys = catalog(lang)
        missing = [
            f"{p}… ({where})" for p, where in prefixes if not any(k.startswith(p) for k in keys)
        ]
        assert not missing, f"{lang} has no key for {missing}"


def test_every_literal_call_fills_every_placeholder_of_its_text() -> None:
    gaps = []
    for where, kind, call in _lookups():
        given = _given(kind, call)
        if given is None:
            continue
        for key in _literal_keys(_key_node(call)):
            for lang in LANGS:
                needed = _fields(catalog(lang).get(key, ""))
                if needed - given:
                    gaps.append(f"{where} {key} ({lang}): no value for {sorted(needed - given)}")
    assert not gaps, gaps


def test_t_fills_values_and_defaults_to_korean() -> None:
    assert t("home.stage_range", "en", low=75) == "75 and above"
    assert t("app.title", "xx") == catalog("ko")["app.title"]
    assert normalize_lang("EN") == "en" and normalize_lang(None) == "ko"
    assert t("no.such.key", "en") == "no.such.key"


def test_a_message_renders_in_the_language_it_is_asked_for() -> None:
    pillar = Localized.of(
        lambda lang: mid_sentence(("AI·스마트공장", "AI and smart factory")[lang == "en"], lang)
    )
    role = Message("match_reason.role_new", {"new": Localized(ko="포장·디자인", en="packaging")})
    message = Message(
        "match_reason.covers_weak", {"role": role, "pillar": pillar, "theirs": 80.4, "ours": 38}
    )
    assert message.render("ko") == (
        "포장·디자인 역할을 더하고, AI·스마트공장 80점으로 우리 회사의 약점(38점)을 메웁니다."
    )
    assert message.render("en") == (
        "Brings the packaging role, and its AI and smart factory score of 80 covers your weak "
        "spot (38)."
    )
    chain = Text(ko="식품·음료", en="Food and beverages")
    assert localize(chain, "en") == "Food and beverages" and localize(3, "ko") == 3


def test_a_message_is_plain_data_for_json() -> None:
    message = Message(
        "proposal_reason.missing",
        {"roles": Localized(ko="원자재", en="raw material"), "chain": Text(ko="가", en="a")},
    )
    data = json.loads(json.dumps(message.to_dict(), ensure_ascii=False))
    assert data == {
        "key": "proposal_reason.missing",
        "params": {
            "roles": {"ko": "원자재", "en": "raw material"},
            "chain": {"ko": "가", "en": "a"},
        },
    }


@pytest.mark.parametrize(
    ("name", "lang", "expected"),
    [
        ("Channels and partner contracts", "en", "channels and partner contracts"),
        ("AI in quality", "en", "AI in quality"),
        ("채널·파트너 계약", "ko", "채널·파트너 계약"),
    ],
)
def test_names_lose_their_capital_only_inside_an_english_sentence(
    name: str, lang: str, expected: str
) -> None:
    assert mid_sentence(name, lang) == expected
