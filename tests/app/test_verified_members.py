"""Issue #13 through AppTest: /start refuses registrations over the client's limit and writes
nothing; staff verify a self-registered member in the member directory (and take it back)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from sqlmodel import col, select
from streamlit.testing.v1 import AppTest

from components.widgets import plain
from readiness import store
from readiness.db import read_session
from readiness.i18n import t, t_count
from readiness.models import AuditEvent, Company, RateEvent
from readiness.profile import CompanyProfile
from tests.app.test_journey import _fill_profile
from tests.app.test_staff_access import EMAIL, _sign_in, staff_engine  # noqa: F401  (a fixture)


def _companies(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(Company)).scalar_one())


def _register(make_app: Callable[..., AppTest], lang: str, name: str) -> AppTest:
    at = make_app(lang).run()
    at.switch_page("pages/start.py").run()
    _fill_profile(at, name=name)
    at.button(key="profile_submit").click().run()
    assert not at.exception
    return at


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_start_refuses_a_registration_over_the_limit_and_writes_nothing(
    make_app: Callable[..., AppTest],
    staff_engine: sa.Engine,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
) -> None:
    monkeypatch.setenv("READINESS_REGISTRATIONS_PER_HOUR", "2")
    for n in range(2):
        at = _register(make_app, lang, f"가짜{n}")
        assert at.success[0].value == t("start.link_title", lang)
    before = _companies(staff_engine)
    with staff_engine.connect() as conn:
        attempts = conn.execute(sa.select(sa.func.count()).select_from(RateEvent)).scalar_one()
    at = _register(make_app, lang, "가짜2")
    assert [e.value for e in at.error] == [t("limit.too_many", lang)]
    assert not at.success and not at.code  # no link: no company
    assert _companies(staff_engine) == before
    with staff_engine.connect() as conn:  # a refused attempt is not recorded either
        assert conn.execute(sa.select(sa.func.count()).select_from(RateEvent)).scalar_one() == (
            attempts
        )


def test_bad_input_takes_no_attempt(
    make_app: Callable[..., AppTest],
    staff_engine: sa.Engine,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("READINESS_REGISTRATIONS_PER_HOUR", "1")
    at = make_app("ko").run()
    at.switch_page("pages/start.py").run()
    _fill_profile(at, name="가짜", biz_no="123")  # not a business number
    at.button(key="profile_submit").click().run()
    assert at.error and at.error[0].value != t("limit.too_many", "ko")
    at = _register(make_app, "ko", "진짜")
    assert at.success[0].value == t("start.link_title", "ko")


def _open_member(at: AppTest, name: str, table: int = 0) -> AppTest:
    search = next(w for w in at.text_input if w.label == t("members.search", "en"))
    search.input(name).run()
    at.session_state[f"member_table_{table}"] = {"selection": {"rows": [0], "columns": []}}
    return at.run()


def test_staff_verify_a_member_in_the_directory_and_it_counts(
    make_app: Callable[..., AppTest],
    staff_engine: sa.Engine,  # noqa: F811
) -> None:
    name = "새회사 **굵게**"
    profile = CompanyProfile(name=name, biz_no="124-81-00998", ksic="C29", employees=45)
    company, _ = store.create_company(engine=staff_engine, profile=profile)
    at = _sign_in(make_app("en").run())
    at.switch_page("pages/staff_members.py").run()
    at.toggle(key="member_unverified_only").set_value(True).run()  # the demo's are all verified
    assert at.caption[0].value == t_count("members.count", "en", 1)
    at = _open_member(at, "새회사")
    assert not at.exception
    assert t("members.verify_biz_no", "en", biz_no=plain("124-81-00998")) in [
        m.value for m in at.markdown
    ]
    assert at.button(key="member_verify").disabled  # until the number is checked
    at.checkbox(key=f"member_matched_{company.id}").check().run()
    at.button(key="member_verify").click().run()
    assert not at.exception
    assert at.success[0].value == t("members.verified_done", "en", name=plain(name))
    # Verified, it has left the list awaiting verification, and nothing else is selected.
    assert at.info[0].value == t("members.none", "en")  # no empty table: says none match
    assert not [b for b in at.button if b.key in ("member_verify", "member_unverify")]
    assert store.get_company(engine=staff_engine, company_id=company.id).verified  # type: ignore[union-attr]
    with read_session(staff_engine) as session:
        event = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(1)).one()
    assert (event.action, event.actor, event.entity_id) == (
        "company.verify",
        EMAIL,
        str(company.id),
    )
    at.toggle(key="member_unverified_only").set_value(False).run()
    at = _open_member(at, "새회사", table=1)
    at.button(key="member_unverify").click().run()
    assert at.success[0].value == t("members.unverified_done", "en", name=plain(name))
    assert not store.get_company(engine=staff_engine, company_id=company.id).verified  # type: ignore[union-attr]


def test_the_link_request_form_refuses_requests_over_the_limit(
    make_app: Callable[..., AppTest],
    staff_engine: sa.Engine,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.app.test_requests import FREE_NO, _ask_for_link, _invalid_link_page

    monkeypatch.setenv("READINESS_REQUESTS_PER_HOUR", "1")
    at = _ask_for_link(_invalid_link_page(make_app, "ko"), biz_no=FREE_NO)
    assert [e.value for e in at.success] == [t("req.link_sent", "ko")]
    at = _ask_for_link(_invalid_link_page(make_app, "ko"), biz_no=FREE_NO)
    assert [e.value for e in at.error][1:] == [t("limit.too_many", "ko")]  # under "link not valid"
    assert not at.success
    assert len(store.list_requests(engine=staff_engine)) == 1  # the second one wrote nothing
