"""The e2e machinery itself: launcher, system Chromium, idle wait, screenshots, Korean fonts."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

HELLO_SCRIPT = """\
import streamlit as st

st.title("안녕하세요 Hello")
"""


def test_streamlit_script_renders_korean_title_on_a_phone(
    page: Page, tmp_path: Path, launch_streamlit, wait_idle, shot
) -> None:
    script = tmp_path / "hello.py"
    script.write_text(HELLO_SCRIPT, encoding="utf-8")
    url = launch_streamlit(script)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    wait_idle(page)

    title = page.get_by_role("heading", name="안녕하세요 Hello")
    expect(title).to_be_visible()
    path = shot(page, "infra-hello-390")
    assert path.stat().st_size > 0
