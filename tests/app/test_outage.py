"""A database that cannot be reached, read or written: a clear bilingual message on every page, the
home page still up, nothing written, and the cause in the log (never Streamlit's stack trace)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from unittest.mock import patch

import pytest
import sqlalchemy as sa
import streamlit as st
from streamlit.testing.v1 import AppTest

from readiness import store
from readiness.db import make_engine
from readiness.i18n import t
from tests.app.test_journey import _fill_profile, _start

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:9/readiness?connect_timeout=2"
# The volume holding the SQLite file is gone (an unmounted disk): the OS refuses, not the database.
NO_VOLUME = "sqlite:////proc/no-such-volume/readiness.sqlite3"
DOWN = pytest.mark.parametrize("down", [UNREACHABLE, NO_VOLUME], ids=["unreachable", "no-volume"])


def _errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


@DOWN
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_an_unreachable_database_leaves_the_home_page_up(
    make_app: Callable[..., AppTest],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    lang: str,
    down: str,
) -> None:
    monkeypatch.setenv("DATABASE_URL", down)
    with caplog.at_level(logging.ERROR, logger="readiness.outage"):
        at = make_app(lang).run()
    assert not at.exception
    assert at.title[0].value == t("app.title", lang)
    assert t("outage.home_data", lang) in [i.value for i in at.info]
    assert any("database unavailable (home)" in r.getMessage() for r in caplog.records)


@DOWN
def test_an_unreachable_database_gives_a_bilingual_page_not_a_stack_trace(
    make_app: Callable[..., AppTest], monkeypatch: pytest.MonkeyPatch, down: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", down)
    at = make_app("ko")
    at.query_params["c"] = "some-private-link"
    at.run()
    at.switch_page("pages/results.py").run()
    assert not at.exception
    assert _errors(at) == [t("outage.title", "ko")]
    captions = [c.value for c in at.caption]
    assert any(t("outage.title", "en") in c for c in captions)  # the other language below it
    assert at.button(key="outage_retry")


def test_a_read_only_database_refuses_a_new_company_and_writes_nothing(
    make_app: Callable[..., AppTest], app_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _start(make_app)  # a working database with one company
    engine = make_engine(os.environ["DATABASE_URL"])
    before = store.summary(engine=engine).companies
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///file:{app_env}?mode=ro&uri=true")
    st.cache_data.clear()
    st.cache_resource.clear()
    at = make_app("en").run()
    at.switch_page("pages/start.py").run()
    _fill_profile(at, name="Readonly Precision")
    at.button(key="profile_submit").click().run()
    assert not at.exception
    assert t("outage.title", "en") in _errors(at)
    assert not at.code  # no private link was made
    after = make_engine(f"sqlite:///{app_env}")
    assert store.summary(engine=after).companies == before


def test_a_full_disk_while_saving_the_profile_says_so(
    make_app: Callable[..., AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    at = make_app("ko").run()
    at.switch_page("pages/start.py").run()
    _fill_profile(at, name="디스크정밀")
    full = sa.exc.OperationalError("INSERT", {}, Exception("database or disk is full"))
    with patch.object(store, "create_company", side_effect=full):
        at.button(key="profile_submit").click().run()
    assert not at.exception
    assert t("outage.title", "ko") in _errors(at)
