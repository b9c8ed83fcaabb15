"""Workshop pages through AppTest: joining by code, the quick scan, refusals, the staff page."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from readiness import store, workshops
from readiness.db import make_engine, upgrade
from readiness.i18n import t
from tests.app.test_link_card import qr_codes


@pytest.fixture
def ws_engine(app_env) -> sa.Engine:
    engine = make_engine(os.environ["DATABASE_URL"])
    upgrade(engine)
    return engine


@pytest.fixture
def workshop(ws_engine: sa.Engine):
    return workshops.create_workshop(engine=ws_engine, title="수출 전략 워크숍", actor="t@x.kr")


def _join(make_app: Callable[..., AppTest], code: str, lang: str = "ko") -> AppTest:
    at = make_app(lang)
    at.query_params["code"] = code
    at.run()
    at.switch_page("pages/join.py").run()
    return at


@pytest.mark.parametrize(("code", "kind"), [("ABC", "malformed"), ("ZZZZZZ", "unknown")])
def test_a_wrong_code_gets_a_clear_message(
    make_app: Callable[..., AppTest], workshop, code: str, kind: str
) -> None:
    at = _join(make_app, code)
    assert not at.exception
    assert at.error[0].value == t(f"join.err_{kind}", "ko")


def test_a_closed_workshop_refuses_newcomers(
    make_app: Callable[..., AppTest], ws_engine: sa.Engine, workshop
) -> None:
    workshops.set_status(engine=ws_engine, workshop_id=workshop.id, status="closed", actor="t")
    at = _join(make_app, workshop.code, "en")
    assert at.error[0].value == t("join.err_closed", "en")


def test_participant_joins_answers_and_sees_the_result(
    make_app: Callable[..., AppTest], ws_engine: sa.Engine, workshop
) -> None:
    at = _join(make_app, workshop.code)
    assert at.success[0].value == t("join.welcome", "ko", title="수출 전략 워크숍")
    at.selectbox(key="join_ksic").set_value("C29")
    at.number_input(key="join_employees").set_value(30)
    at.button(key="join_start").click().run()
    assert not at.exception
    keys = [r.key for r in at.radio if r.key and r.key.startswith("j_")]
    assert len(keys) == 12
    for key in keys:
        at.radio(key=key).set_value(3).run()
    listing = workshops.list_workshops(engine=ws_engine)[0]
    assert (listing.joined, listing.submitted) == (1, 0)
    at.button(key="join_submit").click().run()
    assert not at.exception
    assert {m.label for m in at.metric} >= {t("results.overall", "ko")}
    # the radar is a picture drawn on the server: no Plotly bundle on a room of phones
    assert not at.get("plotly_chart")
    alts = [i.alt for img in at.get("image") for i in img.proto.imgs]
    assert any(alt.startswith(t("join.radar_title", "ko")) for alt in alts), alts
    listing = workshops.list_workshops(engine=ws_engine)[0]
    assert (listing.joined, listing.submitted) == (1, 1)
    # The private link in the result brings the participant to their own results later.
    assert "/assess?c=" in at.code[0].value
    # ... in the same link card as after the start form: its QR code and its access card.
    assert qr_codes(at) == 1
    assert [d.proto.label for d in at.get("download_button")] == [t("link.card_download", "ko")]


def test_staff_create_a_workshop_and_see_it_listed(
    make_app: Callable[..., AppTest], ws_engine: sa.Engine
) -> None:
    from readiness import auth

    auth.add_staff(engine=ws_engine, email="f@inno-biz.or.kr", password="facilitator pass 1")
    at = make_app("ko").run()
    at.switch_page("pages/staff_login.py").run()
    at.text_input(key="staff_email").input("f@inno-biz.or.kr")
    at.text_input(key="staff_password").input("facilitator pass 1")
    at.button(key="staff_sign_in").click().run()
    at.switch_page("pages/staff_workshops.py").run()
    assert not at.exception
    at.text_input(key="workshop_title").input("하반기 글로벌 워크숍")
    at.button(key="workshop_create").click().run()
    assert not at.exception
    created = workshops.list_workshops(engine=ws_engine)[0].workshop
    assert created.title == "하반기 글로벌 워크숍" and created.status == "open"
    assert t("workshops.created", "ko", code=created.code) == at.success[0].value


@pytest.mark.parametrize("scope", ["app", "fragment"])
def test_a_failed_write_says_so_in_both_languages_and_shows_no_unsaved_answer(
    make_app: Callable[..., AppTest],
    ws_engine: sa.Engine,
    workshop,
    monkeypatch,
    fragment_rerun,
    scope: str,
) -> None:
    at = _join(make_app, workshop.code)
    at.selectbox(key="join_ksic").set_value("C29")
    at.number_input(key="join_employees").set_value(20)
    at.button(key="join_start").click().run()
    first, second = [r.key for r in at.radio if r.key and r.key.startswith("j_")][:2]
    at.radio(key=first).set_value(2).run()

    def tap(key: str, level: int) -> None:  # the whole app reruns, or the scan (as a server does)
        at.radio(key=key).set_value(level)
        if scope == "fragment":
            fragment_rerun(at, "quick_scan")
        else:
            at.run()

    def locked(**_: object) -> None:
        raise sa.exc.OperationalError("UPDATE answer", {}, Exception("database is locked"))

    with monkeypatch.context() as patch:
        patch.setattr(workshops, "save_participant_answer", locked)
        tap(second, 4)
    assert not at.exception
    assert at.error[0].value == t("common.save_failed", "ko")
    assert at.radio(key=second).value is None  # the picker shows what is stored: nothing
    assert at.radio(key=first).value == 2

    tap(second, 4)
    assert t("common.save_failed", "ko") not in [e.value for e in at.error]
    assert at.radio(key=second).value == 4
    listing = workshops.list_workshops(engine=ws_engine)[0]
    assert listing.joined == 1


def test_a_tap_after_the_workshop_closed_says_it_has_ended(
    make_app: Callable[..., AppTest], ws_engine: sa.Engine, workshop
) -> None:
    at = _join(make_app, workshop.code, "en")
    at.selectbox(key="join_ksic").set_value("C29")
    at.number_input(key="join_employees").set_value(20)
    at.button(key="join_start").click().run()
    first, second = [r.key for r in at.radio if r.key and r.key.startswith("j_")][:2]
    at.radio(key=first).set_value(2).run()
    workshops.set_status(engine=ws_engine, workshop_id=workshop.id, status="closed", actor="t")
    at.radio(key=second).set_value(4).run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("join.err_closed", "en")]
    assert not [r for r in at.radio if r.key and r.key.startswith("j_")]


def test_a_tap_reruns_the_quick_scan_alone(
    make_app: Callable[..., AppTest],
    ws_engine: sa.Engine,
    workshop,
    fragment_rerun,
    count_calls,
    tap_alone,
) -> None:
    """Issue #11: a tap reruns the scan's fragment: no app.py, no link or workshop lookup, one
    read of the answers; the progress moves with each tap; submitting shows step 4."""
    from components import staff

    at = _join(make_app, workshop.code)
    at.selectbox(key="join_ksic").set_value("C29")
    at.number_input(key="join_employees").set_value(20)
    at.button(key="join_start").click().run()
    keys = [r.key for r in at.radio if r.key and r.key.startswith("j_")]
    calls = count_calls(
        (staff, "current_staff"),
        (store, "company_by_token"),
        (store, "assessments_of"),
        (workshops, "get_workshop"),
        (store, "answers_of"),
    )
    tap_alone(at, "quick_scan", keys, 3, calls, total=len(keys))
    at.button(key="join_submit").click()
    fragment_rerun(at, "quick_scan")  # the fragment submits, then reruns the whole app
    assert not at.exception
    assert calls["get_workshop"] == 1 and calls["current_staff"] == 1
    assert {m.label for m in at.metric} >= {t("results.overall", "ko")}
    assert not [r for r in at.radio if r.key and r.key.startswith("j_")]
    listing = workshops.list_workshops(engine=ws_engine)[0]
    assert (listing.joined, listing.submitted) == (1, 1)


def _code_guesses(engine: sa.Engine) -> int:
    from components.ratelimit import UNKNOWN_CLIENT  # AppTest has no client address

    return store.attempts(
        engine=engine, kind="code_guess", client=UNKNOWN_CLIENT, window=timedelta(minutes=10)
    )


def test_each_wrong_code_counts_once_per_client(
    make_app: Callable[..., AppTest], ws_engine: sa.Engine, workshop
) -> None:
    at = make_app("ko").run()
    at.switch_page("pages/join.py").run()
    check = f"FormSubmitter:join_code-{t('join.check_code', 'ko')}"
    for n, guess in enumerate(["ABCDEF", "BCDEFG", "CDEFGH"], start=1):
        at.text_input[0].input(guess)
        at.button(key=check).click().run()
        at.run()  # a rerun (a tap, a language switch) does not count the same code again
        assert _code_guesses(ws_engine) == n
        assert at.error[0].value == t("join.err_unknown", "ko")
    at.text_input[0].input("abc")
    at.button(key=check).click().run()  # malformed: a typo, not a guess
    assert _code_guesses(ws_engine) == 3


def test_past_the_limit_even_the_right_code_is_refused(
    make_app: Callable[..., AppTest], ws_engine: sa.Engine, workshop
) -> None:
    from components.ratelimit import UNKNOWN_CLIENT

    for _ in range(60):
        store.take_slot(
            engine=ws_engine,
            kind="code_guess",
            client=UNKNOWN_CLIENT,
            limit=60,
            window=timedelta(minutes=10),
        )
    at = _join(make_app, workshop.code)
    assert not at.exception
    assert [e.value for e in at.error] == [t("join.err_guesses", "ko")]
    assert not at.success  # the right code told the guesser nothing
    other = store.take_slot(
        engine=ws_engine,
        kind="code_guess",
        client="198.51.100.9",
        limit=60,
        window=timedelta(minutes=10),
    )
    assert other  # another client is not affected


def _join_and_submit(at: AppTest) -> AppTest:
    at.selectbox(key="join_ksic").set_value("C29")
    at.number_input(key="join_employees").set_value(30)
    at.button(key="join_start").click().run()
    for key in [r.key for r in at.radio if r.key and r.key.startswith("j_")]:
        at.radio(key=key).set_value(3).run()
    at.button(key="join_submit").click().run()
    assert not at.exception
    return at


def test_a_participant_is_a_respondent_not_a_member(
    make_app: Callable[..., AppTest], ws_engine: sa.Engine, workshop
) -> None:
    """Issue #14: a 150-person workshop added 150 members. A join adds none."""
    at = _join(make_app, workshop.code)  # the first run seeds the demo members
    before = store.member_directory(engine=ws_engine, limit=1)[0]
    _join_and_submit(at)
    assert store.member_directory(engine=ws_engine, limit=1)[0] == before
    assert workshops.list_workshops(engine=ws_engine)[0].submitted == 1


def test_back_after_submitting_returns_to_the_result_not_a_second_participation(
    make_app: Callable[..., AppTest], ws_engine: sa.Engine, workshop
) -> None:
    """Issue #14: Back returned the phone to the profile form, and Start made a second
    participant ("제출 9명 / 참여 10명"). Back (the URL without the link) now shows the result."""
    at = _join_and_submit(_join(make_app, workshop.code))
    del at.query_params["c"]  # the browser's Back: /join?code=... in the same tab
    at.run()
    assert not at.exception
    assert [i.value for i in at.info if i.value == t("join.already", "ko")]
    assert not [b for b in at.button if b.key == "join_start"]  # no profile form
    assert {m.label for m in at.metric} >= {t("results.overall", "ko")}
    assert at.query_params["c"]  # the link is back in the URL: a reload stays here
    listing = workshops.list_workshops(engine=ws_engine)[0]
    assert (listing.joined, listing.submitted) == (1, 1)


def test_a_member_link_needs_consent_and_a_bad_one_is_refused(
    make_app: Callable[..., AppTest], ws_engine: sa.Engine, workshop
) -> None:
    at = _join(make_app, workshop.code, "en")
    at.selectbox(key="join_ksic").set_value("C29")
    at.number_input(key="join_employees").set_value(30)
    at.text_input(key="join_member").input("124-81-00998")
    at.button(key="join_start").click().run()
    assert [e.value for e in at.error] == [t("join.err_member_consent", "en")]
    at.text_input(key="join_member").input("12345")
    at.checkbox(key="join_member_consent").check()
    at.button(key="join_start").click().run()
    assert [e.value for e in at.error] == [t("join.err_member", "en")]
    assert workshops.list_workshops(engine=ws_engine)[0].joined == 0  # nothing written
    at.text_input(key="join_member").input("124-81-00998")
    at.button(key="join_start").click().run()
    assert not at.exception
    refusals = {t(k, "en") for k in ("join.err_member", "join.err_member_consent")}
    assert not {e.value for e in at.error} & refusals
    assert workshops.list_workshops(engine=ws_engine)[0].joined == 1
