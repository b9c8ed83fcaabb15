"""The staff page "instrument health": hidden from visitors, and for staff the same figures as
readiness.instrument, with n shown, in both languages."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from readiness import auth, instrument, store
from readiness.bank import default_bank
from readiness.db import make_engine, upgrade
from readiness.i18n import t

EMAIL, PASSWORD = "methods@inno-biz.or.kr", "correct horse battery"
PAGE = "pages/staff_instrument.py"


@pytest.fixture
def staff_engine(app_env) -> sa.Engine:
    engine = make_engine(os.environ["DATABASE_URL"])
    upgrade(engine)
    auth.add_staff(engine=engine, email=EMAIL, password=PASSWORD, display_name="방법론")
    return engine


def _signed_in(make_app: Callable[..., AppTest], lang: str) -> AppTest:
    at = make_app(lang).run()
    at.switch_page("pages/staff_login.py").run()
    at.text_input(key="staff_email").input(EMAIL)
    at.text_input(key="staff_password").input(PASSWORD)
    at.button(key="staff_sign_in").click().run()
    return at


def test_visitors_cannot_open_it(make_app: Callable[..., AppTest], staff_engine: sa.Engine) -> None:
    at = make_app("ko").run()
    with pytest.raises(Exception):  # noqa: B017  (AppTest refuses an unregistered page)
        at.switch_page(PAGE).run()
        assert not at.dataframe


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_staff_see_alpha_correlations_and_items_with_n(
    make_app: Callable[..., AppTest], staff_engine: sa.Engine, lang: str
) -> None:
    at = _signed_in(make_app, lang)
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.title[0].value == t("instrument.title", lang)
    bank = default_bank()
    wave = store.latest_wave(engine=staff_engine)
    expected = instrument.stored_report(engine=staff_engine, bank=bank, wave=wave)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("instrument.assessments", lang)] == f"{expected.assessments:,}"
    assert metrics[t("instrument.k", lang)] == "5"
    alphas = at.dataframe[0].value
    assert list(alphas[t("instrument.n_complete", lang)]) == [a.n for a in expected.alphas]
    assert list(alphas[t("instrument.pillar", lang)]) == [p.name.get(lang) for p in bank.pillars]
    # one item table per pillar, one row per item, counts that add up to the assessments
    tables = at.dataframe[1:]
    assert len(tables) == len(bank.pillars)
    first = tables[0].value
    assert list(first.index) == [i.id for i in bank.items_of(bank.pillars[0].id)]
    level_columns = [t("instrument.level", lang, level=lv) for lv in instrument.LEVELS]
    na, missing = t("instrument.na", lang), t("instrument.missing", lang)
    totals = first[level_columns].sum(axis=1) + first[na] + first[missing]
    assert set(totals) == {expected.assessments}
    assert len(at.get("plotly_chart")) == 1


def test_quick_scans_show_only_quick_items(
    make_app: Callable[..., AppTest], staff_engine: sa.Engine
) -> None:
    at = _signed_in(make_app, "en")
    at.switch_page(PAGE).run()
    at.radio(key="instrument_mode").set_value("quick").run()
    assert not at.exception
    bank = default_bank()
    first = at.dataframe[1].value
    assert list(first.index) == [i.id for i in bank.scope(bank.pillars[0].id, True)]
