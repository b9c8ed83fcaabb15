"""Issue #14: the member directory. Search by business number, pages instead of a cut at 500, a
completeness filter, the view in the URL, and each member's contact (staff only), pillar scores
per wave and report."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from readiness import store
from readiness.bank import default_bank
from readiness.exports import csv_bytes
from readiness.i18n import t, t_count
from readiness.importer import apply_import, plan_import, read_table
from readiness.profile import CompanyProfile
from tests.app.test_staff_access import _sign_in, staff_engine  # noqa: F401  (a fixture)

BIZ_NO = "220-81-62517"


def _directory(make_app: Callable[..., AppTest], settle: bool = True, **params: str) -> AppTest:
    """The directory opened from a link (signed out: sign-in first, then the view)."""
    at = make_app("en").run()
    if params:
        at.query_params["next"] = "staff_members?" + urlencode(params)
    at = _sign_in(at)
    assert not at.exception
    # AppTest reruns the page it last switched to; the sign-in switched in the script.
    return at.switch_page("pages/staff_members.py").run() if settle or not params else at


def _count(at: AppTest) -> str:
    return next(c.value for c in at.caption if c.value.endswith(("match", "matches")))


def _names(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value[t("members.col_name", "en")])


def _range(at: AppTest) -> str:
    return next(c.value for c in at.caption if "(page " in c.value)


def test_a_business_number_with_or_without_dashes_finds_the_member(
    make_app: Callable[..., AppTest],
    staff_engine: sa.Engine,  # noqa: F811
) -> None:
    profile = CompanyProfile(name="검색회사", biz_no=BIZ_NO, ksic="C29", employees=45)
    store.create_company(engine=staff_engine, profile=profile, verified=True)
    at = _directory(make_app)
    for text in (BIZ_NO, BIZ_NO.replace("-", "")):
        at.text_input(key="member_search").input(text).run()
        assert not at.exception
        assert _count(at) == t_count("members.count", "en", 1) == "1 member matches"
        assert _names(at) == ["검색회사"]
        assert at.query_params["q"] == text
    assert list(at.dataframe[0].value[t("members.col_biz_no", "en")]) == [BIZ_NO]


def test_the_directory_pages_through_every_member(
    make_app: Callable[..., AppTest],
    staff_engine: sa.Engine,  # noqa: F811
) -> None:
    at = _directory(make_app)  # the first run loads the demo set
    total, _ = store.member_directory(engine=staff_engine)
    assert 50 < total < 100  # two pages of 50
    assert _count(at) == t_count("members.count", "en", total) == f"{total} members match"
    assert _range(at).startswith(f"1–50 of {total}")
    assert len(_names(at)) == 50
    assert at.button(key="member_prev").disabled and not at.button(key="member_next").disabled
    first_page = _names(at)
    at.button(key="member_next").click().run()
    assert _range(at).startswith(f"51–{total} of {total}")
    assert at.query_params["page"] == "2"
    assert len(_names(at)) == total - 50 and not set(_names(at)) & set(first_page)
    assert at.button(key="member_next").disabled
    at.selectbox(key="member_page_size").set_value(100).run()  # another view: back to page 1
    assert _range(at).startswith(f"1–{total} of {total}")
    assert "page" not in at.query_params and at.query_params["per"] == "100"


def test_the_directory_opens_with_the_view_of_its_link(
    make_app: Callable[..., AppTest],
    staff_engine: sa.Engine,  # noqa: F811
) -> None:
    at = _directory(
        make_app, settle=False, comp="complete", region="44,nowhere", size="10-49", page="2"
    )
    assert at.title[0].value == t("members.title", "en")
    total, _ = store.member_directory(engine=staff_engine, completeness="complete")
    assert at.segmented_control(key="member_completeness").value == "complete"
    assert at.multiselect(key="member_region").value == ["44"]  # the junk is left out
    assert at.multiselect(key="member_size").value == ["10-49"]
    expected, rows = store.member_directory(
        engine=staff_engine, regions=["44"], size_bands=["10-49"], completeness="complete"
    )
    assert _count(at) == t_count("members.count", "en", expected)
    assert _names(at) == [r["name"] for r in rows][: len(_names(at))]  # one page: page 2 clamped
    assert any("region" in c.value for c in at.caption)  # says what the link asked in vain
    at.switch_page("pages/staff_members.py").run()
    at.segmented_control(key="member_completeness").set_value("none").run()
    assert at.query_params["comp"] == "none" and at.query_params["region"] == "44"
    assert total > 0


def test_staff_see_a_members_contact_pillar_scores_per_wave_and_report(
    make_app: Callable[..., AppTest],
    staff_engine: sa.Engine,  # noqa: F811
) -> None:
    at = _directory(make_app)  # the demo set first: it loads into an empty database only
    header = ["회사명", "사업자등록번호", "업종코드", "종업원수", "대표자", "연락처", "이메일"]
    row = ["연락회사", BIZ_NO, "C29", "45", "김*대표*", "031-123-4567", "ceo@hanbit.example"]
    table = read_table(csv_bytes(header, [row]), "roster.csv")
    apply_import(
        plan_import(table, engine=staff_engine, bank=default_bank()),
        engine=staff_engine,
        actor="staff:test",
    )
    at.text_input(key="member_search").input("연락회사").run()
    at.session_state["member_table_0"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    assert not at.exception
    shown = " ".join(str(v) for tbl in at.table for v in tbl.value.to_numpy().ravel())
    assert "031" in shown and "4567" in shown and "hanbit" in shown
    assert "김\\*대표\\*" in shown  # Markdown made inert, not rendered as emphasis

    _, [demo] = store.member_directory(engine=staff_engine, completeness="complete", limit=1)
    at.text_input(key="member_search").input(demo["name"]).run()
    at.session_state["member_table_0"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    history = at.dataframe[1].value
    pillars = [p.name.get("en") for p in default_bank().pillars]
    assert set(pillars) <= set(history.columns)
    assert history[pillars].notna().all(axis=None)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [t("members.report", "en", wave=history.iloc[0, 0])], labels
