"""Structural guarantees of the page scripts."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from readiness.paths import ROOT

PAGES = sorted((ROOT / "pages").glob("*.py"))
STAFF_PAGES = [p for p in PAGES if p.stem.startswith("staff_") or p.stem == "presenter"]


def _first_call(path: Path) -> str | None:
    """The name of the function the page's first statement calls (after imports and docstring)."""
    body = [
        node
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if not isinstance(node, ast.Import | ast.ImportFrom)
        and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
    ]
    first = body[0]
    if not isinstance(first, ast.Expr | ast.Assign) or not isinstance(first.value, ast.Call):
        return None
    return getattr(first.value.func, "id", None)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_every_page_first_requires_the_router(path: Path) -> None:
    # staff_page() calls require_router() before anything else (test_staff_page_guards_first).
    assert _first_call(path) in {"require_router", "staff_page"}, path.name


@pytest.mark.parametrize(
    "path", [p for p in STAFF_PAGES if p.stem != "staff_login"], ids=lambda p: p.name
)
def test_every_staff_page_opens_with_the_staff_preamble(path: Path) -> None:
    assert _first_call(path) == "staff_page", path.name


def test_staff_page_guards_first(monkeypatch: pytest.MonkeyPatch) -> None:
    from components import staff

    calls: list[str] = []
    monkeypatch.setattr(staff, "require_router", lambda: calls.append("router"))
    monkeypatch.setattr(staff, "require_staff", lambda: calls.append("staff") or "kim")
    monkeypatch.setattr(staff, "current_lang", lambda: calls.append("lang") or "en")
    page = staff.staff_page()
    assert calls == ["router", "staff", "lang"]
    assert (page.staff, page.lang) == ("kim", "en")


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_never_render_html(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert "unsafe_allow_html" not in source
