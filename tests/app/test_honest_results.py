"""What a CEO sees of bank v2 (issue #10): the segment's own ladder, no "not applicable" on critical
items, no item codes, a pillar short of levels named with what it needs, a quick scan labelled
indicative."""

from __future__ import annotations

import os
import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from readiness import store
from readiness.bank import default_bank
from readiness.db import make_engine
from readiness.i18n import t
from readiness.profile import CompanyProfile
from readiness.waves import current_wave

BANK = default_bank()
ITEM_CODE = re.compile(r"\b(EXP|SRV|AI|COL)\d{2}\b")


def _engine() -> sa.Engine:
    return make_engine(os.environ["DATABASE_URL"])


def _company(*, ksic: str, roles: list[str], mode: str, name: str = "한빛정밀") -> tuple[int, str]:
    """A member with an open draft of `mode` (current bank): (assessment id, private token)."""
    profile = CompanyProfile(name=name, ksic=ksic, employees=45, region="41", roles=roles)
    first = store.NewAssessment(wave=current_wave(), mode=mode, bank=BANK)
    company, token = store.create_company(engine=_engine(), profile=profile, first=first)
    draft = store.open_draft(engine=_engine(), company_id=company.id)
    assert draft is not None
    return draft.id, token


def _open(make_app: Callable[..., AppTest], page: str, token: str, lang: str) -> AppTest:
    at = make_app(lang)
    at.query_params["c"] = token
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


def _radio(at: AppTest, draft_id: int, item_id: str):
    return at.radio(key=f"a_{draft_id}_{item_id}")


def _to_srv_step(at: AppTest) -> None:
    at.button(key="assess_next").click().run()  # export readiness -> servitization
    assert not at.exception


@pytest.mark.parametrize(
    ("ksic", "roles", "segment"),
    [("C30", ["components"], "component"), ("C29", ["final_product"], "equipment")],
)
def test_each_maker_reads_its_own_servitization_ladder(
    make_app: Callable[..., AppTest], ksic: str, roles: list[str], segment: str
) -> None:
    make_app("ko").run()  # the app prepares the database
    draft_id, token = _company(ksic=ksic, roles=roles, mode="full")
    assert BANK.segment_for(ksic, roles) == segment
    at = _open(make_app, "pages/assess.py", token, "ko")
    _to_srv_step(at)
    seen = BANK.item_view("SRV01", segment)
    other = BANK.item_view("SRV01", "equipment" if segment == "component" else "component")
    radio = _radio(at, draft_id, "SRV01")
    assert radio.label == seen.text.get("ko") != other.text.get("ko")
    assert radio.options[1] == f"수준 1 · {seen.levels[1].get('ko')}"
    assert all(f"· {level.get('ko')}" in radio.options[n] for n, level in enumerate(seen.levels))
    # no item code in any question or level the CEO reads
    for r in at.radio:
        if r.key and r.key.startswith("a_"):
            assert not ITEM_CODE.search(r.label), r.label
            assert not any(ITEM_CODE.search(o) for o in r.options)


def test_critical_items_offer_no_not_applicable(make_app: Callable[..., AppTest]) -> None:
    make_app("en").run()
    draft_id, token = _company(ksic="C29", roles=["final_product"], mode="full")
    at = _open(make_app, "pages/assess.py", token, "en")
    na = t("common.not_applicable", "en")
    exp = BANK.items_of("EXP")
    assert any(i.critical for i in exp) and any(not i.critical for i in exp)
    for item in exp:
        options = _radio(at, draft_id, item.id).options
        assert (na in options) is (not item.critical), item.id
        assert len(options) == (6 if item.critical else 7)
    need = BANK.method.min_levels(len(exp))
    captions = " ".join(c.value for c in at.caption)
    assert t("assess.min_levels", "en", need=need, total=len(exp), levels=0) in captions


def _submit(draft_id: int, answers: dict[str, int | None]) -> None:
    store.submit_assessment(engine=_engine(), bank=BANK, assessment_id=draft_id, answers=answers)


def _short_of_srv() -> tuple[dict[str, int | None], int]:
    """Every item at level 3 except servitization, where only four items have a level (and the
    others are not applicable where allowed, or unanswered): (answers, levels SRV still needs)."""
    srv = BANK.items_of("SRV")
    answers: dict[str, int | None] = {i.id: 3 for i in BANK.items if i.pillar != "SRV"}
    with_level = [i for i in srv if i.critical] + [i for i in srv if not i.critical]
    for item in with_level[:4]:
        answers[item.id] = 2
    for item in with_level[4:]:
        if item.allows_na:
            answers[item.id] = None
    return answers, BANK.method.min_levels(len(srv)) - 4


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_pillar_short_of_levels_shows_no_overall_and_says_what_is_missing(
    make_app: Callable[..., AppTest], lang: str
) -> None:
    make_app(lang).run()
    draft_id, token = _company(ksic="C29", roles=["final_product"], mode="full")
    answers, missing = _short_of_srv()
    assert missing == 2
    _submit(draft_id, answers)
    at = _open(make_app, "pages/results.py", token, lang)
    metrics = {m.label: m.value for m in at.metric}
    srv = BANK.pillar("SRV").name.get(lang)
    assert metrics[t("results.overall", lang)] == "–"
    assert metrics[srv] == "–"
    assert metrics[BANK.pillar("EXP").name.get(lang)] == "60"
    texts = " ".join([m.value for m in at.markdown] + [c.value for c in at.caption])
    assert t("results.no_score", lang, n=missing) in texts
    named = t("results.missing_pillar", lang, pillar=srv, n=missing)
    assert t("results.missing_overall", lang, pillars=named) in texts
    mode = t("assess.mode_full", lang)
    assert t("results.missing_how_new", lang, mode=mode) in texts
    assert at.button(key="complete_same_mode")
    for stage in BANK.stages:  # no stage, no percentile
        assert f"{t('results.stage', lang)}: {stage.name.get(lang)}" not in texts
    assert t("results.percentile", lang, position="|").split("|")[0] not in texts
    assert not ITEM_CODE.search(texts)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_quick_scan_is_labelled_indicative_with_a_way_to_the_full_assessment(
    make_app: Callable[..., AppTest], lang: str
) -> None:
    make_app(lang).run()
    draft_id, token = _company(ksic="C30", roles=["components"], mode="quick")
    _submit(draft_id, {item_id: 5 for item_id in BANK.item_ids(quick_only=True)})
    assessment = store.get_assessment(engine=_engine(), assessment_id=draft_id)
    assert assessment.stage == "leading"  # level 5 everywhere, capped
    at = _open(make_app, "pages/results.py", token, lang)
    texts = " ".join([m.value for m in at.markdown] + [c.value for c in at.caption])
    assert t("results.indicative_title", lang) in texts
    leading = BANK.stage("leading").name.get(lang)
    body = t("results.indicative_body", lang, max_stage=leading, n=len(BANK.item_ids()))
    assert body in texts
    assert f"v{BANK.version}" not in texts and not ITEM_CODE.search(texts)  # no internal terms
    button = at.button(key="indicative_full")
    assert button.label == t("results.start_full", lang)
    button.click().run()
    draft = store.open_draft(engine=_engine(), company_id=assessment.company_id)
    assert draft is not None and draft.mode == "full" and draft.bank_version == BANK.version


def test_submit_area_names_the_pillars_that_will_have_no_score(
    make_app: Callable[..., AppTest],
) -> None:
    make_app("ko").run()
    draft_id, token = _company(ksic="C29", roles=["final_product"], mode="quick")
    # two levels in export readiness only: that pillar is scored, the other three are not
    exp = BANK.items_of("EXP", quick_only=True)
    for item in exp[:2]:
        store.save_answer(
            engine=_engine(), bank=BANK, assessment_id=draft_id, item_id=item.id, level=3
        )
    at = _open(make_app, "pages/assess.py", token, "ko")
    for _ in range(3):
        at.button(key="assess_next").click().run()
    info = " ".join(i.value for i in at.info)
    assert t("assess.short_title", "ko") in info
    for pid in ("SRV", "AI", "COL"):
        name = BANK.pillar(pid).name.ko
        assert t("assess.short_pillar", "ko", pillar=name, n=2) in info
    assert BANK.pillar("EXP").name.ko not in info
    assert at.button(key="assess_submit").disabled  # unanswered questions: confirm first
    at.checkbox(key=f"confirm_{draft_id}").check().run()
    at.button(key="assess_submit").click().run()
    assert not at.exception
    submitted = store.get_assessment(engine=_engine(), assessment_id=draft_id)
    assert submitted.status == "submitted" and submitted.overall is None and submitted.stage is None


def test_nothing_scorable_cannot_be_submitted_and_says_what_to_answer(
    make_app: Callable[..., AppTest],
) -> None:
    make_app("en").run()
    draft_id, token = _company(ksic="C29", roles=["final_product"], mode="quick")
    item = BANK.items_of("EXP", quick_only=True)[0]
    store.save_answer(engine=_engine(), bank=BANK, assessment_id=draft_id, item_id=item.id, level=3)
    at = _open(make_app, "pages/assess.py", token, "en")
    for _ in range(3):
        at.button(key="assess_next").click().run()
    errors = " ".join(e.value for e in at.error)
    assert t("assess.none_scored", "en") in errors
    exp = BANK.pillar("EXP").name.en
    assert t("assess.short_pillar", "en", pillar=exp, n=1) in errors
    assert at.button(key="assess_submit").disabled
