"""The CEO's journey through AppTest: profile, answers saved as they go, submission, results."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from readiness import store
from readiness.bank import default_bank
from readiness.db import make_engine
from readiness.i18n import t

BANK = default_bank()


def _engine() -> sa.Engine:
    import os

    return make_engine(os.environ["DATABASE_URL"])


def _fill_profile(at: AppTest, *, name: str = "한빛정밀", biz_no: str = "", mode: str = "quick"):
    at.radio(key="start_mode").set_value(mode)
    at.text_input(key="profile_name").input(name)
    at.selectbox(key="profile_ksic").set_value("C29")
    at.number_input(key="profile_employees").set_value(45)
    at.selectbox(key="profile_region").set_value("41")
    if biz_no:
        at.text_input(key="profile_biz_no").input(biz_no)
    return at


def _start(make_app: Callable[..., AppTest], lang: str = "ko", **kw) -> tuple[AppTest, str]:
    at = make_app(lang).run()
    at.switch_page("pages/start.py").run()
    _fill_profile(at, **kw)
    at.button(key="profile_submit").click().run()
    assert not at.exception
    link = at.code[0].value
    token = re.search(r"[?&]c=([^&]+)", link).group(1)
    return at, token


def _begin(at: AppTest) -> AppTest:
    """Confirm the link is kept, then begin: the button stays disabled until then."""
    at.checkbox(key="start_saved").check().run()
    return at.button(key="start_begin").click().run()


def test_new_company_gets_a_private_link_and_a_draft(make_app: Callable[..., AppTest]) -> None:
    at, token = _start(make_app)
    assert at.success[0].value == t("start.link_title", "ko")
    company = store.company_by_token(engine=_engine(), token=token)
    assert company is not None and company.name == "한빛정밀" and company.size_band == "10-49"
    draft = store.open_draft(engine=_engine(), company_id=company.id)
    assert draft is not None and draft.mode == "quick"
    assert company.token_hash != token


def test_wrong_business_number_is_explained_and_nothing_is_written(
    make_app: Callable[..., AppTest],
) -> None:
    at = make_app("en").run()
    at.switch_page("pages/start.py").run()
    _fill_profile(at, biz_no="124-81-00997")
    before = store.summary(engine=_engine()).companies
    at.button(key="profile_submit").click().run()
    assert not at.code
    errors = "\n".join(e.value for e in at.error)
    assert t("err.biz_no_check", "en") in errors
    assert store.summary(engine=_engine()).companies == before


def test_missing_sector_and_name_are_named(make_app: Callable[..., AppTest]) -> None:
    at = make_app("ko").run()
    at.switch_page("pages/start.py").run()
    at.button(key="profile_submit").click().run()
    errors = "\n".join(e.value for e in at.error)
    assert t("err.name", "ko") in errors and t("err.ksic", "ko") in errors


def _answer_step(at: AppTest, level: int) -> None:
    keys = [r.key for r in at.radio if r.key and r.key.startswith("a_")]
    for key in keys:
        at.radio(key=key).set_value(level).run()


def test_quick_scan_saves_each_answer_and_submits(make_app: Callable[..., AppTest]) -> None:
    at, token = _start(make_app)
    _begin(at)  # the script switches to the assess page
    at.switch_page("pages/assess.py").run()  # AppTest reruns its own page: follow the switch
    assert not at.exception
    company = store.company_by_token(engine=_engine(), token=token)
    draft = store.open_draft(engine=_engine(), company_id=company.id)
    for step in range(4):
        _answer_step(at, 2 + step % 3)
        saved = store.answers_of(engine=_engine(), assessment_id=draft.id)
        assert len(saved) == 3 * (step + 1)  # written as the user goes
        if step < 3:
            at.button(key="assess_next").click().run()
    at.button(key="assess_submit").click().run()
    assert not at.exception
    at.switch_page("pages/results.py").run()
    assert not at.exception
    assessment = store.get_assessment(engine=_engine(), assessment_id=draft.id)
    assert assessment.status == "submitted" and assessment.overall is not None
    assert at.title[0].value == t("results.title", "ko")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("results.overall", "ko")] == f"{assessment.overall:.0f}"
    subheaders = [h.value for h in at.subheader]
    assert t("results.next_title", "ko") in subheaders
    assert t("results.partners_title", "ko") in subheaders


def test_a_new_session_with_the_link_resumes_where_it_stopped(
    make_app: Callable[..., AppTest],
) -> None:
    at, token = _start(make_app, mode="full")
    _begin(at)
    at.switch_page("pages/assess.py").run()
    _answer_step(at, 3)  # all of step 1 (export readiness)
    company = store.company_by_token(engine=_engine(), token=token)
    draft = store.open_draft(engine=_engine(), company_id=company.id)
    first_pillar = BANK.items_of("EXP")
    assert set(store.answers_of(engine=_engine(), assessment_id=draft.id)) == {
        i.id for i in first_pillar
    }

    fresh = make_app("ko")  # the browser was closed: a new session, only the link
    fresh.query_params["c"] = token
    fresh.run()
    fresh.switch_page("pages/assess.py").run()
    assert not fresh.exception
    shown = [r.key for r in fresh.radio if r.key and r.key.startswith("a_")]
    assert shown and all(k.split("_")[-1].startswith("SRV") for k in shown)


@pytest.mark.parametrize("page", ["pages/assess.py", "pages/results.py"])
def test_tampered_link_shows_not_valid_and_no_data(
    make_app: Callable[..., AppTest], page: str
) -> None:
    _, token = _start(make_app)
    at = make_app("ko")
    at.query_params["c"] = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    assert at.error[0].value == t("common.invalid_link_title", "ko")
    assert not at.metric and not at.radio


def test_the_stepper_goes_straight_to_a_step_and_back(make_app: Callable[..., AppTest]) -> None:
    at, token = _start(make_app)
    _begin(at)
    at.switch_page("pages/assess.py").run()
    company = store.company_by_token(engine=_engine(), token=token)
    draft = store.open_draft(engine=_engine(), company_id=company.id)
    at_step = 0
    for step, pillar in ((2, "AI"), (0, "EXP")):
        at.segmented_control(key=f"stepper_{draft.id}_{at_step}").set_value(step).run()
        assert not at.exception
        keys = [r.key for r in at.radio if r.key and r.key.startswith("a_")]
        assert keys and all(k.split("_")[-1].startswith(pillar) for k in keys)
        assert BANK.pillar(pillar).name.ko in [h.value for h in at.subheader]
        assert at.segmented_control(key=f"stepper_{draft.id}_{step}").value == step
        at_step = step


def test_a_tap_or_a_step_reruns_the_assessment_step_alone(
    make_app: Callable[..., AppTest], fragment_rerun, count_calls, tap_alone
) -> None:
    """Issue #11: a tap, Next or the stepper reruns the step's fragment: no app.py, no link or
    draft lookup, one read of the answers; the progress moves with each tap."""
    from components import staff

    at, token = _start(make_app)
    _begin(at)
    at.switch_page("pages/assess.py").run()
    calls = count_calls(
        (staff, "current_staff"),
        (store, "company_by_token"),
        (store, "open_draft"),
        (store, "answers_of"),
    )
    keys = [r.key for r in at.radio if r.key and r.key.startswith("a_")]
    tap_alone(at, "assessment_step", keys, 2, calls, total=12)

    at.button(key="assess_next").click()
    fragment_rerun(at, "assessment_step")
    assert calls == {"answers_of": len(keys) + 1}
    assert BANK.pillar("SRV").name.ko in [h.value for h in at.subheader]
    assert at.get("html")  # the script that brings the new step into view

    draft_id = keys[0].split("_")[1]
    at.segmented_control(key=f"stepper_{draft_id}_1").set_value(3)
    fragment_rerun(at, "assessment_step")
    assert calls == {"answers_of": len(keys) + 2}
    shown = [r.key for r in at.radio if r.key and r.key.startswith("a_")]
    assert shown and all(k.split("_")[-1].startswith("COL") for k in shown)
    assert at.button(key="assess_submit")


def test_a_profile_without_a_head_count_is_refused_and_writes_nothing(
    make_app: Callable[..., AppTest],
) -> None:
    """No default head count (issue #12): a guessed 20 put companies in the wrong size band."""
    at = make_app("ko").run()
    at.switch_page("pages/start.py").run()
    _fill_profile(at, name="인원미입력")
    at.number_input(key="profile_employees").set_value(None)
    at.button(key="profile_submit").click().run()
    assert not at.exception
    assert t("err.employees", "ko") in at.error[0].value
    assert not at.code  # no private link: nothing was created
    total, _ = store.member_directory(engine=_engine(), search="인원미입력")
    assert total == 0
