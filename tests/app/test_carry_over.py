"""One journey from the quick scan to the full assessment: the quick answers are carried over and
marked, and the full assessment's results are not compared with the quick scan, in words."""

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
from readiness.i18n import mid_sentence, t
from readiness.profile import CompanyProfile
from readiness.results import shown_score
from readiness.waves import current_wave
from tests.app.test_honest_results import _open

BANK = default_bank()
ITEM_CODE = re.compile(r"\b(EXP|SRV|AI|COL)\d{2}\b")


def _engine() -> sa.Engine:
    return make_engine(os.environ["DATABASE_URL"])


def _texts(at: AppTest) -> str:
    return " ".join(
        [m.value for m in at.markdown]
        + [c.value for c in at.caption]
        + [i.value for i in at.info]
        + [str(m.value) for m in at.metric]
    )


def _after_quick_scan(goal: float | None = 65.0) -> tuple[int, str, dict[str, int | None]]:
    """A member who submitted a quick scan: (company id, token, the quick answers)."""
    profile = CompanyProfile(name="한빛정밀", ksic="C29", employees=45, region="41", roles=[])
    first = store.NewAssessment(wave=current_wave(), mode="quick", bank=BANK, goal=goal)
    company, token = store.create_company(engine=_engine(), profile=profile, first=first)
    draft = store.open_draft(engine=_engine(), company_id=company.id)
    assert draft is not None
    answers: dict[str, int | None] = {i: 4 for i in BANK.item_ids(quick_only=True)}
    store.submit_assessment(engine=_engine(), bank=BANK, assessment_id=draft.id, answers=answers)
    return company.id, token, answers


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_full_assessment_started_from_quick_results_shows_the_carried_answers(
    make_app: Callable[..., AppTest], lang: str
) -> None:
    make_app(lang).run()
    company_id, token, quick = _after_quick_scan()
    at = _open(make_app, "pages/results.py", token, lang)
    at.button(key="indicative_full").click().run()
    draft = store.open_draft(engine=_engine(), company_id=company_id)
    assert draft is not None and draft.mode == "full" and draft.goal == 65.0
    assert store.answers_of(engine=_engine(), assessment_id=draft.id) == quick

    at = _open(make_app, "pages/assess.py", token, lang)
    exp_quick = [i.id for i in BANK.items_of("EXP", quick_only=True)]
    for item_id in exp_quick:
        assert at.radio(key=f"a_{draft.id}_{item_id}").value == 4
    toasts = [x.value for x in at.toast]
    assert t("journey.carried_toast", lang, n=len(quick)) in toasts  # not "resumed where you left"
    captions = [c.value for c in at.caption]
    assert any(t("journey.carried_step", lang, n=len(exp_quick)) in c for c in captions)
    assert sum(t("journey.carried_item", lang) in c for c in captions) == len(exp_quick)
    assert not ITEM_CODE.search(" ".join(captions))

    # a carried answer changed is the company's own answer now, no longer marked as carried
    at.radio(key=f"a_{draft.id}_{exp_quick[0]}").set_value(2).run()
    assert not at.exception
    at = _open(make_app, "pages/assess.py", token, lang)
    captions = [c.value for c in at.caption]
    assert sum(t("journey.carried_item", lang) in c for c in captions) == len(exp_quick) - 1


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_full_results_after_a_quick_scan_show_no_change_and_say_why(
    make_app: Callable[..., AppTest], lang: str
) -> None:
    make_app(lang).run()
    company_id, token, _ = _after_quick_scan()
    full = store.start_assessment(
        engine=_engine(), company_id=company_id, wave=current_wave(), mode="full", bank=BANK
    )
    rest = {i: 2 for i in BANK.item_ids() if i not in BANK.item_ids(quick_only=True)}
    store.submit_assessment(engine=_engine(), bank=BANK, assessment_id=full.id, answers=rest)
    at = _open(make_app, "pages/results.py", token, lang)
    texts = _texts(at)
    quick = mid_sentence(t("assess.mode_quick", lang), lang)
    now = mid_sentence(t("assess.mode_full", lang), lang)
    sentence = t("journey.not_compared_mode", lang, wave=current_wave(), before=quick, now=now)
    assert sentence in texts
    assert not any(m.delta for m in at.metric)  # no change shown against the quick scan
    assert not ITEM_CODE.search(texts) and f"v{BANK.version}" not in texts
    # the history shows the overall score as the cards do: a whole number
    overall = store.get_assessment(engine=_engine(), assessment_id=full.id)
    assert overall is not None and overall.overall is not None
    head = t("results.history_overall", lang)
    table = next(m.value for m in at.markdown if m.value.startswith("|") and head in m.value)
    rows = [
        [c.strip().replace("\\", "") for c in line.strip("|").split("|")]
        for line in table.splitlines()
    ]
    column = [c.replace("\\", "") for c in rows[0]].index(head)
    shown = [row[column] for row in rows[2:]]
    assert str(shown_score(overall.overall)) in shown
    assert all(v.isdigit() for v in shown)  # whole numbers, as the cards show them
