"""Requests to the association through AppTest: "send my link again" from the "link not valid" page
and after registering at /start (the same answer whether or not the number is a member's), and the
staff side: the requests page and a reissued private link."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from components.widgets import plain
from readiness import store
from readiness.i18n import t
from readiness.profile import CompanyProfile
from tests.app.test_staff_access import EMAIL, _sign_in, staff_engine  # noqa: F401  (a fixture)

MEMBER_NO, FREE_NO = "124-81-00998", "220-81-62517"
FORM = "req_invalid_link"


@pytest.fixture
def eng(request: pytest.FixtureRequest) -> sa.Engine:
    """The app's database, migrated, with a staff account (EMAIL) to sign in with."""
    return request.getfixturevalue("staff_engine")


def _member(eng: sa.Engine, name: str = "한빛정밀") -> tuple[int, str]:
    profile = CompanyProfile(name=name, biz_no=MEMBER_NO, ksic="C29", employees=45)
    company, token = store.create_company(engine=eng, profile=profile)
    assert company.id is not None
    return company.id, token


def _invalid_link_page(make_app: Callable[..., AppTest], lang: str) -> AppTest:
    at = make_app(lang)
    at.query_params["c"] = "not-a-real-token"
    at.run()
    at.switch_page("pages/results.py").run()
    assert at.error[0].value == t("common.invalid_link_title", lang)
    return at


def _ask_for_link(
    at: AppTest, *, biz_no: str, phone: str = "010-1234-5678", consent=True, lang: str = "ko"
):
    at.text_input(key=f"{FORM}_company").input("한빛정밀")
    at.text_input(key=f"{FORM}_biz_no").input(biz_no)
    at.text_input(key=f"{FORM}_contact").input("김대표")
    at.text_input(key=f"{FORM}_phone").input(phone)
    at.checkbox(key=f"{FORM}_consent").check() if consent else None
    at.button(key=f"FormSubmitter:{FORM}-{t('req.link_send', lang)}").click().run()
    assert not at.exception
    return at


def _texts(at: AppTest) -> str:
    shown = [*at.success, *at.error, *at.info, *at.markdown, *at.caption]
    return "\n".join(e.value for e in shown)


def test_bad_input_on_the_link_form_is_named_and_writes_nothing(
    make_app: Callable[..., AppTest], eng: sa.Engine
) -> None:
    at = _ask_for_link(
        _invalid_link_page(make_app, "ko"), biz_no=MEMBER_NO, phone="12", consent=False
    )
    errors = "\n".join(e.value for e in at.error)
    assert t("req.err.phone", "ko") in errors and t("req.err.consent", "ko") in errors
    assert store.list_requests(engine=eng) == []


def test_the_answer_is_the_same_for_a_member_number_and_any_other(
    make_app: Callable[..., AppTest], eng: sa.Engine
) -> None:
    company_id, _ = _member(eng)
    seen = []
    for number in (MEMBER_NO, FREE_NO):
        at = _ask_for_link(_invalid_link_page(make_app, "ko"), biz_no=number)
        seen.append([e.value for e in at.success])
    assert seen[0] == seen[1] == [t("req.link_sent", "ko")]
    rows = store.list_requests(engine=eng)
    assert [(r.kind, r.company_id) for r in reversed(rows)] == [
        ("link", company_id),
        ("link", None),
    ]


def test_registering_with_a_member_number_reads_like_any_registration(
    make_app: Callable[..., AppTest], eng: sa.Engine
) -> None:
    from tests.app.test_journey import _fill_profile

    _member(eng)
    screens = []
    for name, number in (("다시온정밀", MEMBER_NO), ("새솔정밀", FREE_NO)):
        at = make_app("ko").run()
        at.switch_page("pages/start.py").run()
        _fill_profile(at, name=name, biz_no=number)
        at.button(key="profile_submit").click().run()
        assert not at.exception and not at.error
        screens.append(
            ([s.value for s in at.success], [e.label for e in at.expander], len(at.code))
        )
        token = re.search(r"[?&]c=([^&]+)", at.code[0].value).group(1)
        company = store.company_by_token(engine=eng, token=token)
        assert company is not None and company.name == name
    assert screens[0] == screens[1]
    assert t("req.registered_before_title", "ko") in screens[0][1]
    # The member keeps its number; the newcomer registered apart, without it.
    assert store.member_directory(engine=eng, search="다시온")[0] == 1


def test_staff_reissue_a_link_from_a_request_and_close_it(
    make_app: Callable[..., AppTest], eng: sa.Engine
) -> None:
    company_id, old_token = _member(eng)
    _ask_for_link(_invalid_link_page(make_app, "ko"), biz_no=MEMBER_NO)
    at = _sign_in(make_app("ko").run())
    at.switch_page("pages/staff_requests.py").run()
    assert not at.exception
    assert at.title[0].value == t("staff_requests.title", "ko")
    table = at.dataframe[0].value
    assert list(table[t("req.contact_name", "ko")]) == ["김대표"]
    assert list(table[t("staff_requests.status", "ko")]) == [t("req.status_new", "ko")]
    # Pick the request (AppTest cannot click a dataframe row: set its selection state).
    at.session_state["req_table_0"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert t("staff_requests.member_found", "ko", name="한빛정밀") in _texts(at)
    facts = at.table[0].value  # label and value, no blank header row
    assert "124-81-00998" in list(facts["value"]) and "김대표" in list(facts["value"])
    reissue = f"req_reissue_{store.list_requests(engine=eng)[0].id}"
    at.button(key=reissue).click().run()
    assert store.company_by_token(engine=eng, token=old_token) is not None  # not before confirming
    at.button(key=f"{reissue}_ok").click().run()
    assert not at.exception
    link = at.code[0].value
    new_token = re.search(r"[?&]c=([^&]+)", link).group(1)
    assert store.company_by_token(engine=eng, token=old_token) is None
    found = store.company_by_token(engine=eng, token=new_token)
    assert found is not None and found.id == company_id
    close = next(b for b in at.button if b.key and b.key.endswith("_close"))
    close.click().run()
    (row,) = store.list_requests(engine=eng)
    assert (row.status, row.assignee) == ("done", EMAIL)


def test_staff_change_status_assignee_and_notes(
    make_app: Callable[..., AppTest], eng: sa.Engine
) -> None:
    _ask_for_link(_invalid_link_page(make_app, "en"), biz_no=FREE_NO, lang="en")
    at = _sign_in(make_app("en").run())
    at.switch_page("pages/staff_requests.py").run()
    at.session_state["req_table_0"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert t("staff_requests.no_member", "en") in _texts(at)
    rid = store.list_requests(engine=eng)[0].id
    at.selectbox(key=f"req_status_{rid}").set_value("in_progress")
    at.text_area(key=f"req_notes_{rid}").input("<b>called</b> *twice*")
    at.run()
    # A colleague switches to Korean before saving: nothing typed is lost, nothing saved yet.
    at.segmented_control(key="lang_switch").set_value("ko").run()
    assert not at.exception
    assert at.selectbox(key=f"req_status_{rid}").value == "in_progress"
    assert at.text_area(key=f"req_notes_{rid}").value == "<b>called</b> *twice*"
    assert store.get_request(engine=eng, request_id=rid).status == "new"  # type: ignore[union-attr]
    at.segmented_control(key="lang_switch").set_value("en").run()
    at.button(key=f"req_save_{rid}").click().run()
    assert not at.exception
    row = store.get_request(engine=eng, request_id=rid)
    assert row is not None
    assert (row.status, row.assignee, row.notes) == ("in_progress", EMAIL, "<b>called</b> *twice*")
    assert at.success[0].value == t("staff_requests.saved", "en")


def _submitted_member(
    eng: sa.Engine,
    level: int = 1,
    *,
    name: str = "새솔정밀",
    roles=("components",),
    verified: bool = False,
    **kw,
) -> tuple[int, str]:
    from readiness.bank import default_bank
    from readiness.waves import current_wave

    bank = default_bank()
    profile = CompanyProfile(
        name=name, ksic="C29", employees=45, region="41", roles=list(roles), **kw
    )
    first = store.NewAssessment(wave=current_wave(), mode="quick", bank=bank)
    company, token = store.create_company(
        engine=eng, profile=profile, first=first, verified=verified
    )
    draft = store.open_draft(engine=eng, company_id=company.id)
    assert draft is not None and company.id is not None
    answers: dict[str, int | None] = dict.fromkeys(bank.item_ids(quick_only=True), level)
    store.submit_assessment(engine=eng, bank=bank, assessment_id=draft.id, answers=answers)
    return company.id, token


def _results(make_app: Callable[..., AppTest], token: str, lang: str = "ko") -> AppTest:
    at = make_app(lang)
    at.query_params["c"] = token
    at.run()
    at.switch_page("pages/results.py").run()
    assert not at.exception
    return at


def test_an_introduction_request_from_results_shows_its_status(
    make_app: Callable[..., AppTest], eng: sa.Engine
) -> None:
    make_app("ko").run()  # seeds the demo membership
    company_id, token = _submitted_member(eng)
    at = _results(make_app, token)
    asks = [b for b in at.button if (b.key or "").startswith("req_intro_")]
    assert asks, "every suggested partner type and member offers an introduction"
    assert all(b.label == t("req.intro_button", "ko") for b in asks)
    partner = next(b for b in asks if not b.key.startswith("req_intro_member_"))
    key = partner.key
    partner.click().run()
    form = f"{key}_form"
    at.text_input(key=f"{form}_contact").input("김대표")
    at.text_input(key=f"{form}_email").input("kim@hanbit")
    at.text_area(key=f"{form}_message").input("**미국** <b>대리점</b>")
    at.button(key=f"FormSubmitter:{form}-{t('req.intro_send', 'ko')}").click().run()
    errors = "\n".join(e.value for e in at.error)
    assert t("req.err.email", "ko") in errors and t("req.err.consent", "ko") in errors
    assert store.requests_of(engine=eng, company_id=company_id) == []
    at.text_input(key=f"{form}_email").input("kim@hanbit.co.kr")
    at.checkbox(key=f"{form}_consent").check()
    at.button(key=f"FormSubmitter:{form}-{t('req.intro_send', 'ko')}").click().run()
    assert not at.exception
    (row,) = store.requests_of(engine=eng, company_id=company_id)
    assert (row.kind, row.partner_type, row.message) == (
        "introduction",
        key.removeprefix("req_intro_"),
        "**미국** <b>대리점</b>",
    )
    assert t("req.own_title", "ko") in [h.value for h in at.subheader]
    texts = _texts(at)
    assert t("req.intro_sent", "ko") in texts
    assert t("req.status_new", "ko") in texts
    store.update_request(engine=eng, request_id=row.id, actor=EMAIL, status="done")
    at = _results(make_app, token)
    texts = _texts(at)
    assert t("req.status_done", "ko") in texts and t("req.status_new", "ko") not in texts


def test_a_member_introduction_stores_the_member_but_never_shows_its_id(
    make_app: Callable[..., AppTest], eng: sa.Engine
) -> None:
    make_app("ko").run()
    partner_id, _ = _submitted_member(  # a member from the roster: verified
        eng,
        5,
        name="가온완성",
        roles=("final_product",),
        verified=True,
        consent_suggest=True,
        consent_named=True,
    )
    company_id, token = _submitted_member(eng)
    at = _results(make_app, token, "en")
    assert str(partner_id) not in "".join(b.key or "" for b in at.button)
    members = [b for b in at.button if (b.key or "").startswith("req_intro_member_")]
    assert members, "the demo membership has consenting members to go abroad with"
    members[0].click().run()
    form = f"{members[0].key}_form"
    at.text_input(key=f"{form}_contact").input("Kim")
    at.text_input(key=f"{form}_phone").input("+82 10 1234 5678")
    at.checkbox(key=f"{form}_consent").check()
    at.button(key=f"FormSubmitter:{form}-{t('req.intro_send', 'en')}").click().run()
    (row,) = store.requests_of(engine=eng, company_id=company_id)
    assert row.member_id is not None
    member = store.get_company(engine=eng, company_id=row.member_id)
    assert member is not None and member.consent_suggest
    assert row.partner_type is None
    assert t("req.what_member", "en") in _texts(at)


def test_staff_reissue_a_link_from_the_member_directory(
    make_app: Callable[..., AppTest], eng: sa.Engine
) -> None:
    name = "한빛정밀 **굵게** [링크](http://evil.example)"
    company_id, old_token = _member(eng, name)
    at = _sign_in(make_app("en").run())
    at.switch_page("pages/staff_members.py").run()
    search = next(w for w in at.text_input if w.label == t("members.search", "en"))
    search.input("한빛정밀").run()
    at.session_state["member_table_0"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert at.subheader[0].value == plain(name)
    at.button(key="member_reissue").click().run()
    at.button(key="member_reissue_cancel").click().run()
    assert store.company_by_token(engine=eng, token=old_token) is not None  # cancelled
    at.button(key="member_reissue").click().run()
    at.button(key="member_reissue_ok").click().run()
    assert not at.exception
    # The member's name is shown as typed, never as Markdown.
    assert at.success[0].value == t("req.reissued", "en", name=plain(name))
    new_token = re.search(r"[?&]c=([^&]+)", at.code[-1].value).group(1)
    assert store.company_by_token(engine=eng, token=old_token) is None
    assert store.company_by_token(engine=eng, token=new_token).id == company_id
    at.button(key="member_reissue_hide").click().run()
    assert not any(new_token in c.value for c in at.code)  # shown once
