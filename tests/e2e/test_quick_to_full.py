"""One journey in a real Chromium: quick scan -> results -> start the full assessment -> the quick
answers are there, marked as carried over -> submit -> the results compare nothing with the quick
scan and say why."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from readiness.bank import default_bank
from readiness.i18n import mid_sentence, t
from readiness.waves import current_wave
from tests.e2e.test_ceo_journey import (
    PILLARS,
    SIZES,
    WORDS,
    _answer_steps,
    _go_next,
    _start,
    _submit_and_see_results,
)

BANK = default_bank()
FULL = len(BANK.item_ids())
QUICK = len(BANK.item_ids(quick_only=True))


def _progress(lang: str, answered: int) -> re.Pattern[str]:
    return re.compile("^" + re.escape(t("assess.progress", lang, answered=answered, total=FULL)))


def _answer_the_rest_of_the_step(page: Page, lang: str, answered: int, wait_idle) -> int:
    """Answer the questions of the step shown that have no answer yet; carried ones stay."""
    groups = page.get_by_role("radiogroup").filter(has_text="수준 1" if lang == "ko" else "Level 1")
    for n in range(groups.count()):
        group = groups.nth(n)
        if group.locator("input:checked").count():
            continue
        group.get_by_role("radio").nth(1 + n % 3).check(force=True)
        answered += 1
        expect(page.get_by_text(_progress(lang, answered))).to_be_visible()
        wait_idle(page)
    return answered


def _both_sizes(page: Page, shot, name: str, wait_idle, *, height: int = 0) -> None:
    """Screenshots at desktop and phone width, from the top (`height`: a viewport of that many
    pixels at desktop width, twice that on the phone, for the whole page)."""
    for size in ("desktop", "phone"):
        width = SIZES[size]["width"]
        tall = {"width": width, "height": height * (2 if size == "phone" else 1)}
        page.set_viewport_size(tall if height else SIZES[size])
        page.get_by_role("heading", level=1).scroll_into_view_if_needed()
        wait_idle(page)
        shot(page, f"{name}-{size}")


@pytest.mark.parametrize(("lang", "size"), [("ko", "phone"), ("en", "desktop")])
def test_quick_scan_then_full_assessment_starts_from_the_quick_answers(
    page: Page, app_server: str, wait_idle, shot, lang: str, size: str
) -> None:
    page.set_viewport_size(SIZES[size])
    shots = lambda name: shot(page, f"{name}-{lang}-{size}")  # noqa: E731
    name = "한빛정밀㈜ 이어서" if lang == "ko" else "한빛정밀㈜ Carry"
    _start(page, app_server, lang, name=name, quick=True, shots=lambda n: None, tag="")
    expect(page.get_by_role("heading", name=WORDS[lang]["assess"], exact=True)).to_be_visible()
    wait_idle(page)
    _answer_steps(page, lang, range(4), QUICK, 0, wait_idle, lambda n: None)
    _submit_and_see_results(page, lang, wait_idle)

    page.get_by_role("button", name=t("results.start_full", lang)).click()
    expect(page.get_by_role("heading", name=WORDS[lang]["assess"], exact=True)).to_be_visible()
    wait_idle(page)
    expect(page.get_by_text(_progress(lang, QUICK))).to_be_visible()  # pre-filled
    first_step = len(BANK.items_of(BANK.pillar_ids[0], quick_only=True))
    expect(page.get_by_text(t("journey.carried_step", lang, n=first_step))).to_be_visible()
    expect(page.get_by_text(t("journey.carried_item", lang))).to_have_count(first_step)
    _both_sizes(page, shot, f"journey-assess-carried-{lang}", wait_idle, height=2400)
    page.set_viewport_size(SIZES[size])
    wait_idle(page)

    answered = QUICK
    for step in range(len(PILLARS[lang])):
        answered = _answer_the_rest_of_the_step(page, lang, answered, wait_idle)
        if step < len(PILLARS[lang]) - 1:
            _go_next(page, lang, step, wait_idle)
    assert answered == FULL
    _submit_and_see_results(page, lang, wait_idle)

    quick = mid_sentence(t("assess.mode_quick", lang), lang)
    full = mid_sentence(t("assess.mode_full", lang), lang)
    sentence = t("journey.not_compared_mode", lang, wave=current_wave(), before=quick, now=full)
    expect(page.get_by_text(sentence)).to_be_visible()
    expect(page.get_by_test_id("stMetricDelta")).to_have_count(0)  # no change against it
    page.get_by_text(sentence).scroll_into_view_if_needed()
    shots("journey-results-not-compared")
    _both_sizes(page, shot, f"journey-results-{lang}", wait_idle, height=5200)
