"""Rules of the architecture that no single module's tests see.

The domain package never imports streamlit (directly, from a submodule, or by a string handed to
importlib), and the Alembic migrations build exactly the schema the SQLModel models describe.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import readiness.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from readiness.db import make_engine, upgrade

PACKAGE = Path(__file__).resolve().parents[2] / "readiness"
FORBIDDEN = "streamlit"
IMPORT_FUNCTIONS = {"import_module", "__import__"}


def _forbidden(module: str | None) -> bool:
    return module is not None and (module == FORBIDDEN or module.startswith(f"{FORBIDDEN}."))


def streamlit_imports(source: str) -> list[int]:
    """Line numbers where `source` imports streamlit or one of its submodules."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            hit = any(_forbidden(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            hit = node.level == 0 and _forbidden(node.module)
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            first = node.args[0] if node.args else None
            hit = (
                name in IMPORT_FUNCTIONS
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and _forbidden(first.value)
            )
        else:
            continue
        if hit:
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize(
    "source",
    [
        "import streamlit as st",
        "import os, streamlit.components.v1",
        "from streamlit import session_state",
        "from streamlit.runtime.scriptrunner import get_script_run_ctx",
        "def f():\n    import streamlit",
        "import importlib\nst = importlib.import_module('streamlit')",
        "from importlib import import_module\nx = import_module('streamlit.testing')",
        "st = __import__('streamlit')",
    ],
)
def test_the_scan_finds_every_way_of_importing_streamlit(source: str) -> None:
    assert streamlit_imports(source)


@pytest.mark.parametrize(
    "source",
    [
        "import streamlit_extras",
        "from . import streamlit",
        "name = 'streamlit'",
        "import importlib\nimportlib.import_module('yaml')",
    ],
)
def test_the_scan_lets_other_names_pass(source: str) -> None:
    assert streamlit_imports(source) == []


def test_the_domain_package_never_imports_streamlit() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    assert files, f"no Python files under {PACKAGE}"
    found = {
        str(path.relative_to(PACKAGE.parent)): lines
        for path in files
        if (lines := streamlit_imports(path.read_text(encoding="utf-8")))
    }
    assert found == {}, f"streamlit imported under readiness/ (file: lines): {found}"


def test_the_migrations_build_the_schema_the_models_describe(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'schema.sqlite3'}")
    try:
        upgrade(engine)
        with engine.connect() as conn:
            drift = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    finally:
        engine.dispose()
    assert drift == [], f"models and migrations differ; add a migration for: {drift}"
