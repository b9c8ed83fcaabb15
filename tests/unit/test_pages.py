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


@pytest.mark.parametrize("path", [p for p in PAGES if p.stem != "presenter"], ids=lambda p: p.name)
def test_every_page_first_requires_the_router(path: Path) -> None:
    # staff_page() calls require_router() before anything else (test_staff_page_guards_first).
    assert _first_call(path) in {"require_router", "staff_page"}, path.name


@pytest.mark.parametrize(
    "path",
    [p for p in STAFF_PAGES if p.stem not in ("staff_login", "presenter")],
    ids=lambda p: p.name,
)
def test_every_staff_page_opens_with_the_staff_preamble(path: Path) -> None:
    assert _first_call(path) == "staff_page", path.name


def test_the_presenter_is_a_staff_page_unless_opened_by_a_presenter_link() -> None:
    """pages/presenter.py also serves the projector's kiosk (?k=...): its first branch checks the
    link and stops on anything else; every other way in goes through staff_page()."""
    tree = ast.parse((Path(__file__).parents[2] / "pages" / "presenter.py").read_text("utf-8"))
    branch = next(n for n in tree.body if isinstance(n, ast.If))
    kiosk = ast.unparse(branch.body)
    assert kiosk.startswith("require_router()")  # each branch checks the router once
    assert "presenter_workshop(" in kiosk and "st.stop()" in kiosk
    assert ast.unparse(branch.orelse).startswith("staff, lang, qbank = staff_page()")


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
