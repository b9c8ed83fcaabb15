"""Issue #11: a tap on an answer reruns only what it changes, seen over Streamlit's own websocket.

A phone's browser sends a change to a widget drawn inside an `st.fragment` with that fragment's id,
and the server then runs the fragment alone: not app.py (navigation, language, header), not the
page's link and workshop lookups. bench/_ws.Tab speaks the protocol as the browser does; here it
keeps every message, so each test can say what one tap made the server run and send.
"""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import sqlalchemy as sa
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from readiness import store, workshops
from readiness.bank import default_bank
from readiness.db import make_engine
from readiness.i18n import t
from readiness.paths import ROOT
from readiness.profile import CompanyProfile
from readiness.waves import current_wave

_spec = importlib.util.spec_from_file_location("_ws", ROOT / "bench" / "_ws.py")
assert _spec is not None and _spec.loader is not None
_ws = importlib.util.module_from_spec(_spec)
sys.modules["_ws"] = _ws  # its dataclasses look their module up
_spec.loader.exec_module(_ws)

BANK = default_bank()
QUICK = len(BANK.item_ids(quick_only=True))
FULL_RUN = ForwardMsg.FINISHED_SUCCESSFULLY
FRAGMENT_RUN = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
RERUN = ForwardMsg.FINISHED_EARLY_FOR_RERUN


@dataclass(frozen=True)
class Runs:
    """What the server sent for one interaction."""

    finished: list[int]  # each run's script_finished status, in order
    outside: list[str]  # elements drawn outside any fragment
    navigation: int  # navigation messages (sent by app.py's st.navigation)
    progress: list[str]  # progress bar texts
    html: int  # st.html elements (the scroll-to-top script)

    @property
    def fragment_only(self) -> bool:
        return self.finished == [FRAGMENT_RUN] and not self.outside and not self.navigation


async def _runs(tab, act: Callable[[], Awaitable[object]]) -> Runs:
    tab.messages.clear()
    await act()
    finished, outside, progress, navigation, html = [], [], [], 0, 0
    for msg in tab.messages:
        kind = msg.WhichOneof("type")
        if kind == "script_finished":
            finished.append(msg.script_finished)
        elif kind == "navigation":
            navigation += 1
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            name = element.WhichOneof("type")
            if not msg.delta.fragment_id:
                outside.append(name)
            if name == "progress":
                progress.append(element.progress.text)
            html += name == "html"
    return Runs(finished, outside, navigation, progress, html)


def _run(scenario: Coroutine[object, object, None]) -> None:
    """asyncio.run, on a thread of its own: Playwright's sync API holds this thread's loop."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario).result()


def _progress(answered: int) -> str:
    return t("assess.progress", "ko", answered=answered, total=QUICK)


def _engine(database_url: str) -> sa.Engine:
    return make_engine(database_url)


async def _joined_phone(base: str, code: str, name: str):
    tab = _ws.Tab(base, timeout=60, keep_messages=True)
    await tab.open("join", f"code={code}&lang=ko")
    ksic = next(o for o in tab.widget("join_ksic").options if o.startswith("C29"))
    await tab.submit_form(
        tab.widget("join_start"), {"join_ksic": ksic, "join_employees": 12, "join_name": name}
    )
    if tab.redirect:  # served as asgi.py: the phone collects its participation cookie first
        await tab.follow_redirect()
    return tab


def test_join_a_tap_on_the_quick_scan_reruns_only_its_answers(
    app_server: str, app_database_url: str
) -> None:
    engine = _engine(app_database_url)
    code = workshops.create_workshop(engine=engine, title="조각 실행", actor="t").code

    async def phone() -> None:
        tab = await _joined_phone(app_server, code, "fragment taps")
        try:
            pickers = tab.keys_shown("j_")
            assert len(pickers) == QUICK
            for n, key in enumerate(pickers):
                picker = tab.widget(key)
                assert picker.fragment_id, "the answers are drawn in a fragment"
                runs = await _runs(tab, lambda p=picker: tab.set_value(p, p.options[2]))
                assert runs.fragment_only, runs  # no app.py, no title, no lookups: the answers
                assert runs.progress == [_progress(n + 1)]  # the progress moves with each tap
            assert not tab.widget("join_submit").disabled
            submit = await _runs(tab, lambda: tab.click(tab.widget("join_submit")))
            # The fragment submits and reruns the whole app, which shows step 4: the result.
            assert submit.finished == [RERUN, FULL_RUN]
            assert submit.navigation and "metric" in submit.outside  # the overall score
            assert not tab.keys_shown("j_") and "join_submit" not in tab.run_keys
            assert not tab.run_alerts
        finally:
            await tab.close()

    _run(phone())
    listing = next(w for w in workshops.list_workshops(engine=engine) if w.workshop.code == code)
    assert (listing.joined, listing.submitted) == (1, 1)
    engine.dispose()


def test_join_a_tap_after_the_workshop_closed_shows_the_closed_page(
    app_server: str, app_database_url: str
) -> None:
    engine = _engine(app_database_url)
    workshop = workshops.create_workshop(engine=engine, title="닫히는 워크숍", actor="t")

    async def phone() -> None:
        tab = await _joined_phone(app_server, workshop.code, "closed mid-scan")
        try:
            first, second = tab.keys_shown("j_")[:2]
            picker = tab.widget(first)
            runs = await _runs(tab, lambda: tab.set_value(picker, picker.options[1]))
            assert runs.finished == [FRAGMENT_RUN]
            workshops.set_status(engine=engine, workshop_id=workshop.id, status="closed", actor="t")
            picker = tab.widget(second)
            runs = await _runs(tab, lambda: tab.set_value(picker, picker.options[3]))
            # The refused tap reruns the whole page, which says the workshop has ended.
            assert runs.finished == [RERUN, FULL_RUN]
            assert tab.run_alerts == [t("join.err_closed", "ko")]
            assert not tab.keys_shown("j_")
        finally:
            await tab.close()

    _run(phone())
    engine.dispose()


def test_assess_a_tap_and_a_step_rerun_only_the_step(
    app_server: str, app_database_url: str
) -> None:
    engine = _engine(app_database_url)
    profile = CompanyProfile(name="조각 실행㈜", ksic="C29", employees=45, region="41")
    _, token = store.create_company(
        engine=engine,
        profile=profile,
        first=store.NewAssessment(wave=current_wave(), mode="quick", bank=BANK),
    )

    async def ceo() -> None:
        tab = _ws.Tab(app_server, timeout=60, keep_messages=True)
        try:
            await tab.open("assess", f"c={token}&lang=ko")
            answered = 0
            for step in range(len(BANK.pillars)):
                pickers = tab.keys_shown("a_")
                pillar = BANK.pillars[step].id
                assert pickers and all(k.split("_")[-1].startswith(pillar) for k in pickers)
                for key in pickers:
                    picker = tab.widget(key)
                    runs = await _runs(tab, lambda p=picker: tab.set_value(p, p.options[3]))
                    answered += 1
                    assert runs.fragment_only, runs
                    assert runs.progress == [_progress(answered)]
                if step < len(BANK.pillars) - 1:
                    runs = await _runs(tab, lambda: tab.click(tab.widget("assess_next")))
                    assert runs.fragment_only, runs  # the next step, in the same fragment
                    assert runs.html == 1  # with the script that brings it into view
            submit = await _runs(tab, lambda: tab.click(tab.widget("assess_submit")))
            # From the fragment, the page switch runs the whole app on the results page.
            assert submit.finished == [RERUN, FULL_RUN]
            assert tab.page_name == "results" and not tab.keys_shown("a_")
            assert not tab.run_alerts
        finally:
            await tab.close()

    _run(ceo())
    company = store.company_by_token(engine=engine, token=token)
    assert company is not None
    assert store.open_draft(engine=engine, company_id=company.id) is None  # submitted
    engine.dispose()
