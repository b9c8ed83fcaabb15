"""Issue #14: every staff page's filters live in the URL. A colleague's link (opened signed out:
sign-in, then the view) shows the same export, requests or workshop; changes are written back."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from readiness import workshops
from readiness.i18n import t
from tests.app.test_staff_access import _sign_in, staff_engine  # noqa: F401  (a fixture)


def _open(
    make_app: Callable[..., AppTest], page: str, settle: bool = True, **params: str
) -> AppTest:
    at = make_app("en").run()
    at.query_params["next"] = f"{page}?" + urlencode(params)
    at = _sign_in(at)
    assert not at.exception
    # AppTest reruns the page it last switched to; the sign-in switched in the script.
    return at.switch_page(f"pages/{page}.py").run() if settle else at


def test_an_export_link_opens_the_export_with_its_filters(
    make_app: Callable[..., AppTest],
    staff_engine: sa.Engine,  # noqa: F811
) -> None:
    at = _open(
        make_app, "staff_data", tab="export", kind="assessments", ksic="C29", region="44", inc="0"
    )
    assert not at.exception
    assert at.radio(key="export_kind").value == "assessments"
    assert at.multiselect(key="export_ksic").value == ["C29"]
    assert at.multiselect(key="export_region").value == ["44"]
    assert at.toggle(key="export_incomplete").value is False  # an export includes them unless told
    assert at.query_params["tab"] == "export"
    at.toggle(key="export_synthetic").set_value(False).run()
    assert at.query_params["syn"] == "0" and at.query_params["ksic"] == "C29"
    assert at.query_params["kind"] == "assessments" and at.query_params["tab"] == "export"


def test_an_export_counts_every_result_by_default(
    make_app: Callable[..., AppTest],
    staff_engine: sa.Engine,  # noqa: F811
) -> None:
    at = _open(make_app, "staff_data", tab="export")
    assert at.toggle(key="export_incomplete").value is True
    assert "inc" not in at.query_params  # the default says nothing


def test_a_requests_link_opens_the_same_selection(
    make_app: Callable[..., AppTest],
    staff_engine: sa.Engine,  # noqa: F811
) -> None:
    at = _open(make_app, "staff_requests", False, status="done,bogus", kind="introduction")
    assert not at.exception
    assert at.multiselect(key="req_filter_status").value == ["done"]
    assert at.multiselect(key="req_filter_kind").value == ["introduction"]
    assert at.query_params["status"] == "done" and at.query_params["kind"] == "introduction"
    notes = [c.value for c in at.caption if "status" in c.value]
    assert notes and t("filters.url_ignored", "en").split(":")[0] in notes[0]


def test_a_workshop_link_opens_that_workshop(
    make_app: Callable[..., AppTest],
    staff_engine: sa.Engine,  # noqa: F811
) -> None:
    first = workshops.create_workshop(engine=staff_engine, title="상반기 워크숍", actor="t@x.kr")
    workshops.create_workshop(engine=staff_engine, title="하반기 워크숍", actor="t@x.kr")
    at = _open(make_app, "staff_workshops", ws=str(first.id))
    assert not at.exception
    assert at.selectbox(key="workshop_manage").value == first.id
    assert first.code in " ".join(c.value for c in at.caption)
    assert at.query_params["ws"] == str(first.id)
