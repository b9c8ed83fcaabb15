"""The workshop room on the projector and on the phones: what reaches the browser is aggregates of
at least k people, never one person's score (DESIGN: no individual value leaves the server).

The figures are read as the browser receives them: the Plotly JSON of every chart on the presenter
page, and the SVG of the phone's radar.
"""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from readiness import auth, workshops
from readiness.bank import default_bank
from readiness.db import make_engine, upgrade
from readiness.results import score_words
from readiness.waves import current_wave
from tests.app.test_staff_access import EMAIL, PASSWORD, _sign_in

BANK = default_bank()


@pytest.fixture
def room_engine(app_env) -> sa.Engine:
    engine = make_engine(os.environ["DATABASE_URL"])
    upgrade(engine)
    auth.add_staff(engine=engine, email=EMAIL, password=PASSWORD, display_name="진행자")
    return engine


def _participant(engine: sa.Engine, code: str, answers: dict[str, int | None]) -> str:
    """Join and submit the quick scan; the participant's private link token."""
    profile = workshops.participant_profile(code=code, ksic="C29", employees=30, name=None)
    joined = workshops.join(
        engine=engine, code=code, profile=profile, bank=BANK, wave=current_wave()
    )
    workshops.submit_participant(
        engine=engine, bank=BANK, assessment_id=joined.assessment.id, answers=answers
    )
    return joined.token


def _numbers(node: Any) -> Iterator[float]:
    if isinstance(node, bool):
        return
    if isinstance(node, int | float):
        yield float(node)
    elif isinstance(node, dict):
        for value in node.values():
            yield from _numbers(value)
    elif isinstance(node, list):
        for value in node:
            yield from _numbers(value)


def _room_of_seven(engine: sa.Engine) -> tuple[workshops.Workshop, list[str]]:
    """Five ordinary answers, then two people who answer 5 everywhere (a score of 100)."""
    workshop = workshops.create_workshop(engine=engine, title="수출 전략 워크숍", actor=EMAIL)
    quick = BANK.item_ids(quick_only=True)
    tokens = [
        _participant(engine, workshop.code, {i: (n + 2 * k) % 5 for k, i in enumerate(quick)})
        for n in range(5)
    ]
    tokens += [_participant(engine, workshop.code, dict.fromkeys(quick, 5)) for _ in range(2)]
    return workshop, tokens


def test_the_projector_sends_aggregates_of_the_first_five_only(
    make_app: Callable[..., AppTest], room_engine: sa.Engine
) -> None:
    workshop, _ = _room_of_seven(room_engine)
    at = _sign_in(make_app("ko").run())
    at.query_params["code"] = workshop.code
    at.switch_page("pages/presenter.py").run()
    assert not at.exception
    _assert_aggregates_only(at, room_engine, workshop)


def _assert_aggregates_only(at: AppTest, engine: sa.Engine, workshop: workshops.Workshop) -> None:
    """Every number in the four charts' Plotly JSON is an aggregate of the first five, an axis
    value, or the all-members' medians: the two who scored 100 (sixth and seventh) show nowhere."""
    room = workshops.room_snapshot(engine=engine, workshop_id=workshop.id, bank=BANK)
    assert (room.submitted, room.shown) == (7, 5)
    allowed = {float(v) for v in range(0, 101, 25)}  # axis values the figures state
    for stats in room.scores.values():
        allowed |= {v for v in (stats.median, stats.q1, stats.q3) if v is not None}
    allowed |= {float(v) for v in (room.stages or {}).values()}
    allowed |= {float(n) for _, n in room.sectors}
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert len(charts) == 4
    members: set[float] = set()
    for chart in charts:
        for trace in chart["data"]:
            assert trace.get("boxpoints", False) is False  # no point per person
            if trace.get("type") == "scatterpolar" and trace.get("name") != "이 강의장":
                members |= set(_numbers(trace.get("r")))  # all members' medians: not the room
    for chart in charts:
        for trace in chart["data"]:
            for key in ("r", "y", "x", "q1", "median", "q3", "lowerfence", "upperfence"):
                found = set(_numbers(trace.get(key)))
                assert found <= allowed | members, (trace.get("type"), key, found - allowed)
    # The two who scored 100 came sixth and seventh: no figure moved for them yet.
    assert all(s.median is None or s.median < 100 for s in room.scores.values())


def test_the_phone_radar_shows_the_room_median_not_the_latest_submissions(
    make_app: Callable[..., AppTest], room_engine: sa.Engine
) -> None:
    workshop, tokens = _room_of_seven(room_engine)
    at = make_app("ko")
    at.query_params["code"] = workshop.code
    at.query_params["c"] = tokens[-1]
    at.run()
    at.switch_page("pages/join.py").run()
    assert not at.exception
    room = workshops.room_snapshot(engine=room_engine, workshop_id=workshop.id, bank=BANK)
    svg = next(
        base64.b64decode(i.url.split(",", 1)[1]).decode()
        for img in at.get("image")
        for i in img.proto.imgs
        if i.url.startswith("data:image/svg+xml")
    )
    desc = re.search(r"<desc>(.*)</desc>", svg, re.S)
    assert desc is not None
    for pillar in BANK.pillars:
        median = room.scores[pillar.id].median
        assert median is not None and median < 100  # the first five, not the two at 100
        assert f"{pillar.name.get('ko')}: 우리 회사" in desc.group(1)
        assert f"이 강의장 {score_words(median)}" in desc.group(1)


def test_the_kiosk_link_shows_the_room_without_sign_in_menu_or_sign_out(
    make_app: Callable[..., AppTest], room_engine: sa.Engine
) -> None:
    """Issue #14: the projector opens a read-only presenter link: no staff session, no menu, no
    language switch or sign-out on the wall, and still aggregates of the first five only."""
    from readiness.i18n import t

    workshop, _ = _room_of_seven(room_engine)
    token = workshops.new_presenter_link(engine=room_engine, workshop_id=workshop.id, actor=EMAIL)
    at = make_app("ko")
    at.query_params["k"] = token
    at.run()
    assert not at.exception and not at.error
    assert at.header[0].value == "수출 전략 워크숍"
    keys = {b.key for b in at.button} | {w.key for w in at.get("button_group")}
    assert "staff_sign_out" not in keys and "lang_switch" not in keys
    _assert_aggregates_only(at, room_engine, workshop)
    # Revoked (or a made-up link): the message alone, nothing of the room.
    workshops.revoke_presenter_link(engine=room_engine, workshop_id=workshop.id, actor=EMAIL)
    for link in (token, "made-up-link-0123456789abcdef"):
        at = make_app("en")
        at.query_params["k"] = link
        at.run()
        assert [e.value for e in at.error] == [t("presenter.link_invalid", "en")]
        assert not at.get("plotly_chart") and not at.header
