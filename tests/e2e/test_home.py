"""A visitor reads what the product is in Korean, switches to English; desktop and phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

SIZES = {"desktop": {"width": 1440, "height": 2200}, "phone": {"width": 390, "height": 2600}}


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_home_reads_in_korean_then_english(
    page: Page, app_server: str, wait_idle, shot, size: str
) -> None:
    page.set_viewport_size(SIZES[size])
    page.goto(app_server)
    expect(page.get_by_role("heading", name="글로벌 역량 진단")).to_be_visible()
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"lang=ko"))
    expect(page.get_by_text("수출 준비도").first).to_be_visible()
    expect(page.get_by_text("합성 데모 데이터")).to_be_visible()
    shot(page, f"home-ko-{size}")

    page.get_by_role("radio", name="English").click()
    expect(page.get_by_role("heading", name="Global Readiness")).to_be_visible()
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"lang=en"))
    expect(page.get_by_text("Export readiness").first).to_be_visible()
    shot(page, f"home-en-{size}")


def test_language_choice_survives_a_reload(page: Page, app_server: str, wait_idle) -> None:
    page.goto(f"{app_server}/?lang=en")
    expect(page.get_by_role("heading", name="Global Readiness")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Global Readiness")).to_be_visible()
    wait_idle(page)
