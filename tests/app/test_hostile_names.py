"""Hostile names (tests/hostile_names.py) through every page that shows names: no Markdown, HTML,
LaTeX, Streamlit directive, shortcode or autolink from a name, no Plotly tag or template field,
no invisible or direction-changing character, and no 10,000-character name on screen.

Every member of the demo set is renamed to a corpus name and a workshop is titled with each, so
each page shows them where it shows names. The oracle reads every string an element sends to the
browser (AppTest's protos): Markdown strings with tests.hostile_names.markdown_problems, figure
JSON with figure_problems, table cells with table_problems.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
import streamlit as st
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from readiness import store
from readiness.bank import default_bank
from readiness.i18n import t
from readiness.text import DISPLAY_LIMIT, ELLIPSIS, display
from readiness.waves import current_wave
from tests.app.test_staff_access import _sign_in, staff_engine  # noqa: F401  (a fixture)
from tests.hostile_names import (
    CLOSE,
    LONG_NAME,
    NAMES,
    figure_problems,
    markdown_problems,
    seed_hostile,
    table_problems,
)

# Elements whose strings Streamlit shows as plain text, not Markdown.
PLAIN_TEXT = {"code", "text", "json"}
# Fields of an element shown as plain text: option lists of select boxes (not radios).
PLAIN_FIELDS = {"selectbox": {"options", "default", "rawValue"}, "multiselect": {"options"}}


@pytest.fixture
def hostile(make_app: Callable[..., AppTest], staff_engine: sa.Engine) -> dict[str, Any]:  # noqa: F811
    """The demo set seeded (one app run), then every member renamed to a corpus name."""
    make_app("en").run()
    seeded = seed_hostile(staff_engine)
    st.cache_data.clear()
    return {**seeded, "engine": staff_engine}


def _elements(node: Any) -> Iterator[Any]:
    children = getattr(node, "children", None)
    if children is not None:
        proto = getattr(node, "proto", None)
        if proto is not None and getattr(node, "type", "") != "root":
            yield node  # a block (expander label, tab label, dialog title...)
        for child in children.values():
            yield from _elements(child)
    else:
        yield node


def _strings(value: Any, skip: set[str] = frozenset(), field: str = "") -> Iterator[str]:
    if field in skip:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, skip, k)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, skip, field)


def page_problems(at: AppTest) -> list[str]:
    """Every way a name on the page renders as more than text."""
    problems: list[str] = []
    for node in _elements(at._tree):
        kind = getattr(node, "type", "")
        proto = getattr(node, "proto", None)
        if proto is None or kind in PLAIN_TEXT:
            continue
        if kind == "plotly_chart":
            problems += [f"chart: {p}" for p in figure_problems(proto.spec)]
            continue
        if kind in ("dataframe", "table"):  # st.table renders its cells as Markdown
            frame = node.value
            cells = [str(v) for v in frame.astype(str).to_numpy().ravel()] + list(frame.columns)
            check = markdown_problems if kind == "table" else table_problems
            problems += [f"{kind}: {p}" for c in cells for p in check(c)]
            continue
        data = MessageToDict(proto, preserving_proto_field_name=False)
        for text in _strings(data, PLAIN_FIELDS.get(kind, set())):
            problems += [f"{kind}: {p}" for p in markdown_problems(text)]
    return problems


def _names_shown(at: AppTest) -> int:
    """How many elements carry a corpus name (the test must see names to prove anything)."""
    shown = 0
    for node in _elements(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        if getattr(node, "type", "") in ("dataframe", "table"):
            text = node.value.astype(str).to_string()
        else:
            text = str(MessageToDict(proto))
        shown += "«" in text or "가가가가" in text
    return shown


def _check(at: AppTest) -> None:
    assert not at.exception, at.exception
    assert _names_shown(at), "the page showed no name: nothing was tested"
    assert page_problems(at) == []


def test_the_oracle_catches_names_rendered_as_markdown() -> None:
    """The checks themselves: a raw name, the old escaper's output, a Plotly tag all fail."""
    old_plain = "".join(f"\\{ch}" if ch in "\\`*_{}[]()#+-.!|<>~$:" else ch for ch in NAMES[8])
    assert markdown_problems(f"Deleted {NAMES[0]}")
    assert markdown_problems(old_plain)  # :skull: is an emoji after escapes are resolved
    assert markdown_problems(NAMES[10].replace("\u202e", "\\u"))  # zero-width characters
    assert figure_problems('{"data": [{"text": ["«<b>x</b>»"]}]}')


def test_member_directory_and_each_member(hostile: dict[str, Any], make_app) -> None:
    at = _sign_in(make_app("en").run())
    at.switch_page("pages/staff_members.py").run()
    _check(at)
    for n in range(len(NAMES)):  # the directory lists members by name: one of each
        at.session_state["member_table_0"] = {"selection": {"rows": [n], "columns": []}}
        at.run()
        _check(at)


def test_the_deleted_message(hostile: dict[str, Any], make_app) -> None:
    at = _sign_in(make_app("ko").run())
    for name in NAMES:
        at.session_state["member_deleted"] = name
        at.switch_page("pages/staff_members.py").run()
        _check(at)


def test_cluster_builder_picture_reasons_and_saved(hostile: dict[str, Any], make_app) -> None:
    at = _sign_in(make_app("en").run())
    at.switch_page("pages/staff_clusters.py").run()
    if at.info:  # the small demo set may hold no group for the first chain: try a sector
        at.selectbox(key="cluster_chain").set_value("C29").run()
    assert at.get("plotly_chart"), "no network picture"
    _check(at)
    for name in (NAMES[0], NAMES[8], NAMES[11]):
        at.text_input(key="cluster_name").input(name.replace("\n", " ")[:120])
        at.button(key="cluster_save").click().run()
        _check(at)
    assert store.list_clusters(engine=hostile["engine"])


def test_requests_inbox_and_each_request(hostile: dict[str, Any], make_app) -> None:
    at = _sign_in(make_app("en").run())
    at.switch_page("pages/staff_requests.py").run()
    _check(at)
    for n in range(len(NAMES)):
        at.session_state["req_table_0"] = {"selection": {"rows": [n], "columns": []}}
        at.run()
        assert at.table, "the request's facts were not shown"
        _check(at)


@pytest.mark.parametrize(
    "page",
    [
        "pages/staff_workshops.py",
        "pages/staff_overview.py",
        "pages/staff_sector.py",
        "pages/staff_compare.py",
    ],
)
def test_staff_pages_that_list_names(hostile: dict[str, Any], make_app, page: str) -> None:
    at = _sign_in(make_app("en").run())
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert page_problems(at) == []


def test_join_and_presenter_with_hostile_workshop_titles(hostile: dict[str, Any], make_app) -> None:
    for code in hostile["workshops"]:
        at = make_app("ko")
        at.query_params["code"] = code
        at.run()
        at.switch_page("pages/join.py").run()
        assert at.success, "the code was not taken"
        _check(at)
    at = _sign_in(make_app("en").run())
    for code in hostile["workshops"]:
        at.query_params["code"] = code
        at.switch_page("pages/presenter.py").run()
        _check(at)


def test_results_assess_and_start_pages_of_a_hostile_company(
    hostile: dict[str, Any], make_app
) -> None:
    bank, eng = default_bank(), hostile["engine"]
    ids = list(hostile["companies"])
    for company_id in ids[: len(NAMES)]:
        token = store.reissue_link(engine=eng, company_id=company_id, actor="t")
        company = store.get_company(engine=eng, company_id=company_id)
        assert company is not None
        draft = store.open_draft(engine=eng, company_id=company_id)
        if draft is None:
            draft = store.start_assessment(
                engine=eng,
                company_id=company_id,
                wave=current_wave(),
                mode="quick",
                bank=bank,
            )
        at = make_app("ko")
        at.query_params["c"] = token
        at.run()
        at.switch_page("pages/assess.py").run()
        _check(at)
        at.switch_page("pages/start.py").run()  # the link card of a new company
        assert not at.exception and page_problems(at) == []
        store.submit_assessment(
            engine=eng,
            bank=bank,
            assessment_id=draft.id,
            answers={i: 3 for i in bank.item_ids(quick_only=draft.mode == "quick")},
        )
        st.cache_data.clear()
        at = make_app("en")
        at.query_params["c"] = token
        at.run()
        at.switch_page("pages/results.py").run()
        _check(at)


def test_a_long_name_is_stored_whole_and_shown_clipped(hostile: dict[str, Any], make_app) -> None:
    long_id = next(i for i, n in hostile["companies"].items() if n == LONG_NAME)
    company = store.get_company(engine=hostile["engine"], company_id=long_id)
    assert company is not None and company.name == LONG_NAME  # stored whole
    at = _sign_in(make_app("en").run())
    at.switch_page("pages/staff_members.py").run()
    at.selectbox(key="member_page_size").set_value(200).run()  # every hostile name on one page
    shown = list(at.dataframe[0].value[t("members.col_name", "en")])
    assert "가" * (DISPLAY_LIMIT - 1) + ELLIPSIS in shown  # clipped for the table
    assert all(len(name) <= DISPLAY_LIMIT for name in shown)


@pytest.mark.parametrize("which", [LONG_NAME, NAMES[5]])  # 10,000 characters; four lines
def test_the_delete_dialog_asks_for_a_name_that_can_be_typed(
    hostile: dict[str, Any], make_app, which: str
) -> None:
    at = _sign_in(make_app("en").run())
    at.switch_page("pages/staff_members.py").run()
    at.selectbox(key="member_page_size").set_value(200).run()  # every hostile name on one page
    rows = list(at.dataframe[0].value[t("members.col_name", "en")])
    at.session_state["member_table_0"] = {
        "selection": {"rows": [rows.index(display(which))], "columns": []}
    }
    at.run()
    next(b for b in at.button if b.label == t("members.delete", "en")).click().run()
    shown = at.code[-1].value  # what the dialog asks to type (a real browser types it: e2e)
    assert shown == display(which, limit=None)[:DISPLAY_LIMIT] and "\n" not in shown
    assert page_problems(at) == []


def test_cohort_names_typed_by_staff_in_the_comparison_chart(
    hostile: dict[str, Any], make_app
) -> None:
    at = _sign_in(make_app("en").run())
    at.switch_page("pages/staff_compare.py").run()
    at.text_input(key="compare_a_name").input("«<b>A</b>%{y}»")
    at.text_input(key="compare_b_name").input("«<a href='x'>B</a>»").run()
    _check(at)
    assert at.get("plotly_chart")


def test_team_round_roles_and_names_typed_by_the_ceo(hostile: dict[str, Any], make_app) -> None:
    """Issue #15: the CEO types each colleague's role and name; the team page shows them in the
    members table, the agenda, the consensus tables (st.table renders Markdown) and a colleague's
    own caption, open and closed."""
    bank, eng = default_bank(), hostile["engine"]
    company_id = next(iter(hostile["companies"]))
    token = store.reissue_link(engine=eng, company_id=company_id, actor="t")

    def fit(name: str, limit: int) -> str:
        """The name within `limit`, its closing mark kept (the oracle reads a name between
        its marks); role and name together stay within a label's 120 characters."""
        return name if len(name) <= limit else name[: limit - len(CLOSE)] + CLOSE

    team_round = store.open_team_round(
        engine=eng,
        company_id=company_id,
        wave=current_wave(),
        bank=bank,
        ceo_role=fit(NAMES[0], 60),
    )
    items = [i.id for i in bank.items_of("COL")]
    members = [store.lead_member(engine=eng, round_id=team_round.id)]
    tokens = []
    for n, name in enumerate(NAMES[1:]):
        member, member_token = store.invite_member(
            engine=eng,
            bank=bank,
            round_id=team_round.id,
            role=fit(name, 60),
            display_name=fit(NAMES[-2 - n], 55),
            pillars=["COL"],
        )
        members.append(member)
        tokens.append(member_token)
    for n, member in enumerate(members):
        for item_id in items:  # far apart: every question is on the agenda
            level = 0 if n % 2 else 5
            store.save_team_answer(
                engine=eng, bank=bank, member_id=member.id, item_id=item_id, level=level
            )
        store.submit_team_answers(engine=eng, member_id=member.id)

    def team_page(param: str, value: str) -> AppTest:
        at = make_app("ko")
        at.query_params[param] = value
        at.run()
        return at.switch_page("pages/team.py").run()

    _check(team_page("c", token))  # the open round: the members table
    _check(team_page("t", tokens[0]))  # a colleague's own page, with its caption
    store.close_team_round(engine=eng, bank=bank, round_id=team_round.id)
    st.cache_data.clear()
    closed = team_page("c", token)
    _check(closed)
    assert len(closed.table) == 1 and closed.get("flex_container")  # consensus and agenda shown
    _check(team_page("t", tokens[-1]))
