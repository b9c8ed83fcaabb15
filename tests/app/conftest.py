"""AppTest fixtures: each test gets its own SQLite file and clean Streamlit caches."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest.mock import patch

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


def rerun_fragment(at: AppTest, key: str) -> AppTest:
    """Rerun the fragment `@st.fragment(key=key)` alone, with the widgets' values as they are set.

    This is what a server does when the browser reports a change to a widget drawn in a fragment
    (AppTest itself always reruns the whole script): the changed widgets' callbacks, then the
    fragment, and nothing else. The element tree then holds only what the fragment drew, as the
    browser receives only that. Relies on streamlit 1.67's AppTest (its fragment storage, the
    RerunData its LocalScriptRunner asks for); fails if no fragment has that key.
    """
    from streamlit.testing.v1 import local_script_runner

    fragment_ids = at._fragment_storage.resolve_target(key)
    pages = at._registered_pages  # a fragment run registers no pages: keep the app's
    full_run = local_script_runner.RerunData

    def fragment_run(**fields: Any) -> Any:
        return full_run(fragment_id_queue=list(fragment_ids), **fields)

    # The runner's two requests (its first, and this run's) both become this fragment's run.
    with patch.object(local_script_runner, "RerunData", fragment_run):
        at.run()
    at._registered_pages = pages
    return at


def tap_each_alone(
    at: AppTest, fragment: str, keys: list[str], level: int, calls: Counter[str], total: int
) -> None:
    """Tap `level` in each picker of `keys` in turn, each tap rerunning `fragment` alone: each run
    reads the stored answers once and calls nothing else counted in `calls` (count_calls), moves
    the progress on by one (of `total`, in Korean) and draws nothing outside the fragment."""
    from readiness.i18n import t

    start = calls["answers_of"]
    for n, key in enumerate(keys, 1):
        at.radio(key=key).set_value(level)
        rerun_fragment(at, fragment)
        assert not at.exception
        assert calls == {"answers_of": start + n}
        (progress,) = at.get("progress")
        assert progress.proto.text == t("assess.progress", "ko", answered=n, total=total)
        assert not at.title  # the page's title, outside the fragment, was not drawn again


@pytest.fixture
def fragment_rerun() -> Callable[[AppTest, str], AppTest]:
    """`rerun_fragment`, for a test module."""
    return rerun_fragment


@pytest.fixture
def tap_alone() -> Callable[..., None]:
    """`tap_each_alone`, for a test module."""
    return tap_each_alone


@pytest.fixture
def count_calls(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Counter[str]]:
    """count_calls((module, "name"), ...): a Counter of the calls to each, by name, from now on."""
    calls: Counter[str] = Counter()

    def watch(*targets: tuple[object, str]) -> Counter[str]:
        for owner, name in targets:
            real = getattr(owner, name)

            def counted(*args: object, _real=real, _name=name, **kwargs: object) -> object:
                calls[_name] += 1
                return _real(*args, **kwargs)

            monkeypatch.setattr(owner, name, counted)
        return calls

    return watch
