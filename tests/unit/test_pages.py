"""Structural guarantees of the page scripts."""

from __future__ import annotations

import ast

import pytest

from readiness.paths import ROOT

PAGES = sorted((ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_every_page_first_requires_the_router(path) -> None:  # noqa: ANN001
    body = [
        node
        for node in ast.parse(path.read_text(encoding="utf-8")).body
        if not isinstance(node, ast.Import | ast.ImportFrom)
        and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
    ]
    first = body[0]
    assert isinstance(first, ast.Expr) and isinstance(first.value, ast.Call)
    assert getattr(first.value.func, "id", None) == "require_router", path.name


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_never_render_html(path) -> None:  # noqa: ANN001
    source = path.read_text(encoding="utf-8")
    assert "unsafe_allow_html" not in source
