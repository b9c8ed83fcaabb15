"""AppTest fixtures: each test gets its own SQLite file and clean Streamlit caches."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from readiness.paths import ROOT

APP = str(ROOT / "app.py")


class _RouterModePages:
    """Stands in for PagesManager where the script runner asks which mode it is in."""

    uses_pages_directory = False


@pytest.fixture(autouse=True)
def _router_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every AppTest run through app.py, as a server does once app.py has run.

    AppTest resets Streamlit's old "pages/ folder" mode before each run, so every run would start
    a page script directly; a real server leaves that mode for good at its first st.navigation
    call (and components.session.require_router makes sure of it).
    """
    from streamlit.runtime.scriptrunner import script_runner

    monkeypatch.setattr(script_runner, "PagesManager", _RouterModePages)


@pytest.fixture(autouse=True)
def _clean_caches() -> Iterator[None]:
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """DATABASE_URL on a fresh file and a small demo set (60 companies x 2 waves)."""
    db = tmp_path / "app.sqlite3"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("READINESS_DEMO_COMPANIES", "60")
    monkeypatch.setenv("READINESS_DEMO_WAVES", "2")
    return db


@pytest.fixture
def make_app(app_env: Path) -> Callable[..., AppTest]:
    def _make(lang: str | None = None) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        if lang:
            at.query_params["lang"] = lang
        return at

    return _make
