"""Issue #14 in Chromium, served as scripts/app.sh serves it (asgi.py): ten phones join a workshop
as respondents, not members. Two of them press Back and reload after submitting and stay on their
own result (one device, one participation); the room counts ten; the member directory gains no
one; and the first phone's result shows the room's figures without a reload once five have
answered."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, expect

from readiness import store, workshops
from readiness.bank import default_bank
from readiness.i18n import t
from tests.e2e.test_workshop_live import _engine, _participate, _server

PHONES = 10


def test_ten_phones_are_ten_respondents_and_no_new_members(
    browser: Browser, launch_streamlit, tmp_path: Path, wait_idle, shot
) -> None:
    base, code = _server(launch_streamlit, tmp_path, "asgi.py")
    engine = _engine(tmp_path)
    room = workshops.workshop_by_code(engine=engine, code=code)
    assert room is not None
    warm = browser.new_page()
    warm.goto(base)  # the first visit seeds the demo members
    wait_idle(warm, timeout=120_000)
    warm.close()
    members_before = store.member_directory(engine=engine, limit=1)[0]
    assert members_before == 120

    contexts, phones = [], []
    for n in range(PHONES):
        context, phone = _participate(browser, base, room.code, n, "ko", wait_idle, shot)
        contexts.append(context)
        phones.append(phone)
        if n == 0:  # alone in the room: its figures wait for five answers
            expect(phone.get_by_text(t("join.room_waiting", "ko", k=5))).to_be_visible()
        if n == 4:  # the fifth answer: the first phone's picture fills in by itself
            first = phones[0]
            expect(first.get_by_text(t("join.room_waiting", "ko", k=5))).to_have_count(
                0, timeout=30_000
            )
            expect(
                first.get_by_text(re.compile("^강의장 5명 기준 종합 점수 중앙값"))
            ).to_be_visible()
            first.set_viewport_size({"width": 390, "height": 1800})
            shot(first, "respondent-room-live-ko")
        if n in (1, 2):
            # Back (to /join?code=...) and a reload: the phone's own result, never the form.
            phone.go_back()
            expect(phone.get_by_text(t("join.already", "ko"))).to_be_visible(timeout=30_000)
            wait_idle(phone)
            phone.reload()
            expect(phone.get_by_text(re.compile("종합 점수")).first).to_be_visible(timeout=30_000)
            wait_idle(phone)
            # Scanning the QR code again (the bare join URL) returns here too (the cookie).
            phone.goto(f"{base}/join?code={room.code}&lang=ko")
            expect(phone.get_by_text(t("join.already", "ko"))).to_be_visible(timeout=30_000)
            wait_idle(phone)
            expect(phone.get_by_role("button", name=t("join.start", "ko"))).to_have_count(0)
            if n == 1:
                shot(phone, "respondent-back-again-ko")

    snapshot = workshops.room_snapshot(engine=engine, workshop_id=room.id, bank=default_bank())  # type: ignore[arg-type]
    assert (snapshot.joined, snapshot.submitted) == (PHONES, PHONES)
    assert store.member_directory(engine=engine, limit=1)[0] == members_before
    assert store.summary(engine=engine).companies == members_before
    for context in contexts:
        context.close()
    engine.dispose()
