"""Staff sign-in through AppTest: gating, wrong passwords, lock-out, sign-out, member directory."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from readiness import auth, store
from readiness.db import make_engine, upgrade, write_session
from readiness.i18n import t
from readiness.models import StaffSessionRecord

EMAIL, PASSWORD = "analyst@inno-biz.or.kr", "correct horse battery"


@pytest.fixture
def staff_engine(app_env) -> sa.Engine:
    engine = make_engine(os.environ["DATABASE_URL"])
    upgrade(engine)
    auth.add_staff(engine=engine, email=EMAIL, password=PASSWORD, display_name="분석가")
    return engine


def _sign_in(at: AppTest, email: str = EMAIL, password: str = PASSWORD) -> AppTest:
    at.switch_page("pages/staff_login.py").run()
    at.text_input(key="staff_email").input(email)
    at.text_input(key="staff_password").input(password)
    at.button(key="staff_sign_in").click().run()
    return at


def test_staff_pages_are_not_registered_for_visitors(
    make_app: Callable[..., AppTest], staff_engine: sa.Engine
) -> None:
    at = make_app("ko").run()
    with pytest.raises(Exception):  # noqa: B017  (AppTest refuses an unregistered page)
        at.switch_page("pages/staff_members.py").run()
        assert not at.dataframe  # if it ran at all, it showed nothing


def test_wrong_password_is_refused_without_saying_why(
    make_app: Callable[..., AppTest], staff_engine: sa.Engine
) -> None:
    at = _sign_in(make_app("en").run(), password="wrong password!")
    assert at.error[0].value == t("staff.wrong", "en")
    at = _sign_in(make_app("en").run(), email="nobody@example.org", password="whatever12345")
    assert at.error[0].value == t("staff.wrong", "en")


def test_five_wrong_passwords_lock_the_account(
    make_app: Callable[..., AppTest], staff_engine: sa.Engine
) -> None:
    at = make_app("ko").run()
    for _ in range(5):
        at = _sign_in(at, password="not the password")
    assert "잠겼습니다" in at.error[0].value
    at = _sign_in(at)  # the right password during the lock
    assert "잠겼습니다" in at.error[0].value
    assert auth.get_staff(engine=staff_engine, email=EMAIL).locked_until is not None


def test_signed_in_staff_see_the_directory_and_can_sign_out(
    make_app: Callable[..., AppTest], staff_engine: sa.Engine
) -> None:
    at = _sign_in(make_app("ko").run())
    assert not at.exception
    at.switch_page("pages/staff_members.py").run()
    assert not at.exception
    assert at.title[0].value == t("members.title", "ko")
    total = store.summary(engine=staff_engine).companies
    assert f"{total:,}" in at.caption[0].value
    at.button(key="staff_sign_out").click().run()
    with pytest.raises(Exception):  # noqa: B017
        at.switch_page("pages/staff_members.py").run()
        assert not at.dataframe


def test_data_page_offers_templates_and_exports(
    make_app: Callable[..., AppTest], staff_engine: sa.Engine
) -> None:
    at = _sign_in(make_app("en").run())
    at.switch_page("pages/staff_data.py").run()
    assert not at.exception
    assert at.title[0].value == t("data.title", "en")
    labels = [b.label for b in at.get("download_button")]
    assert t("data.template_xlsx", "en") in labels and t("data.download_csv", "en") in labels


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize(
    "page", ["pages/staff_overview.py", "pages/staff_sector.py", "pages/staff_compare.py"]
)
def test_analysis_pages_render_for_staff(
    make_app: Callable[..., AppTest], staff_engine: sa.Engine, page: str, lang: str
) -> None:
    at = _sign_in(make_app(lang).run())
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert at.get("plotly_chart"), "no chart drawn"


def test_heatmap_shows_every_sector_with_n_in_the_hover(
    make_app: Callable[..., AppTest], staff_engine: sa.Engine
) -> None:
    import json

    at = _sign_in(make_app("en").run())
    at.switch_page("pages/staff_overview.py").run()
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    heat = next(tr for tr in spec["data"] if tr["type"] == "heatmap")
    assert len(heat["y"]) == 25  # every KSIC division is listed, even without data
    hover = json.dumps(heat["hovertext"], ensure_ascii=False)
    assert "n = " in hover or "n=" in hover


def test_cluster_builder_proposes_and_saves_a_cluster(
    make_app: Callable[..., AppTest], staff_engine: sa.Engine
) -> None:
    at = _sign_in(make_app("ko").run())
    at.switch_page("pages/staff_clusters.py").run()
    assert not at.exception, at.exception
    if at.info:  # the small demo set may hold no group for the first chain: try a sector
        at.selectbox(key="cluster_chain").set_value("C29").run()
    assert at.get("plotly_chart"), "no network picture"
    at.text_input(key="cluster_name").input("C29 수출 클러스터")
    at.button(key="cluster_save").click().run()
    assert not at.exception
    saved = store.list_clusters(engine=staff_engine)
    assert [c["name"] for c in saved] == ["C29 수출 클러스터"] and saved[0]["members"] >= 3


@pytest.mark.parametrize("change", ["removed", "locked", "new password"])
def test_a_changed_account_is_signed_out_on_its_next_run(
    make_app: Callable[..., AppTest], staff_engine: sa.Engine, change: str
) -> None:
    """Issue #13: an open tab of a removed, locked or re-passworded account loses the staff pages
    on its next run and lands on the sign-in page, which says why."""
    at = _sign_in(make_app("ko").run())
    at.switch_page("pages/staff_members.py").run()
    assert at.title[0].value == t("members.title", "ko")
    if change == "removed":
        assert auth.remove_staff(engine=staff_engine, email=EMAIL)
    elif change == "locked":
        for _ in range(auth.LOCK_AFTER):
            auth.authenticate(engine=staff_engine, email=EMAIL, password="not the password")
    else:
        auth.set_password(engine=staff_engine, email=EMAIL, password="a brand new passphrase")
    at.run()  # the tab's next click
    assert not at.exception
    assert at.title[0].value == t("staff.login_title", "ko")
    assert [i.value for i in at.info] == [t("staff.ended", "ko")]
    assert at.query_params["next"].startswith("staff_members")  # signing in again returns there
    assert not at.dataframe
    with pytest.raises(Exception):  # noqa: B017  (the staff pages are gone from the navigation)
        at.switch_page("pages/staff_members.py").run()
        assert not at.dataframe


def test_sign_out_ends_the_session_in_the_database(
    make_app: Callable[..., AppTest], staff_engine: sa.Engine
) -> None:
    from components.staff import STAFF_KEY

    at = _sign_in(make_app("en").run())
    session_id = at.session_state[STAFF_KEY].session_id
    at.button(key="staff_sign_out").click().run()
    assert auth.check_session(engine=staff_engine, session_id=session_id) is auth.SessionEnd.REVOKED


def test_too_many_attempts_from_one_client_are_told_to_wait(
    make_app: Callable[..., AppTest], staff_engine: sa.Engine
) -> None:
    for n in range(auth.CLIENT_ATTEMPTS):  # AppTest has no client address: all are one client
        auth.authenticate(engine=staff_engine, email=f"x{n}@example.org", password="guess guess 1")
    at = _sign_in(make_app("en").run())
    assert [w.value for w in at.warning] == [t("staff.busy", "en")]
    assert at.title[0].value == t("staff.login_title", "en")  # not signed in


def test_single_sign_on_staff_dropped_from_the_allow_list_are_signed_out_on_the_next_run(
    make_app: Callable[..., AppTest], staff_engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READINESS_STAFF_EMAILS", "sso.analyst@inno-biz.or.kr")
    at = make_app("en")
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback"}
    at.user = {"is_logged_in": True, "email": "sso.analyst@inno-biz.or.kr", "name": "SSO"}
    at.run()
    at.switch_page("pages/staff_members.py").run()
    assert at.title[0].value == t("members.title", "en")
    monkeypatch.setenv("READINESS_STAFF_EMAILS", "someone.else@inno-biz.or.kr")
    at.run()
    assert at.title[0].value == t("staff.login_title", "en")
    assert [i.value for i in at.info] == [t("staff.ended", "en")]


@pytest.mark.parametrize(
    ("column", "age", "message"),
    [
        ("expires_at", timedelta(seconds=1), "staff.lifetime"),  # past its absolute lifetime
        ("last_seen_at", timedelta(minutes=31), "staff.expired"),  # idle past the limit
    ],
)
def test_a_session_past_its_lifetime_or_idle_limit_ends_with_its_reason(
    make_app: Callable[..., AppTest],
    staff_engine: sa.Engine,
    column: str,
    age: timedelta,
    message: str,
) -> None:
    from components.staff import STAFF_KEY

    at = _sign_in(make_app("en").run())
    session_id = at.session_state[STAFF_KEY].session_id
    with write_session(staff_engine) as session:
        row = session.get(StaffSessionRecord, session_id)
        setattr(row, column, datetime.now(UTC) - age)
        session.add(row)
    at.run()
    assert at.title[0].value == t("staff.login_title", "en")
    assert [i.value for i in at.info] == [t(message, "en", hours=12)]


def test_signing_in_from_a_shared_link_opens_that_view_with_its_filters(
    make_app: Callable[..., AppTest], staff_engine: sa.Engine
) -> None:
    """Issue #14: a staff link opened signed out leads to sign-in, then to the linked view."""
    at = make_app("en").run()
    at.query_params["next"] = "staff_sector?ksic=C29&wave=2026"
    at.switch_page("pages/staff_login.py").run()
    assert [i.value for i in at.info] == [t("staff.sign_in_to_continue", "en")]
    at.text_input(key="staff_email").input(EMAIL)
    at.text_input(key="staff_password").input(PASSWORD)
    at.button(key="staff_sign_in").click().run()
    assert not at.exception
    assert at.title[0].value == t("sector.title", "en")
    assert at.query_params["ksic"] == "C29" and at.query_params["wave"] == "2026"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/login", "//evil.example", "staff_login", "../staff_overview", "home"],
)
def test_a_next_that_is_not_a_staff_view_is_ignored(
    make_app: Callable[..., AppTest], staff_engine: sa.Engine, target: str
) -> None:
    at = make_app("en").run()
    at.query_params["next"] = target
    at = _sign_in(at)
    assert not at.exception
    assert at.title[0].value == t("overview.title", "en")
