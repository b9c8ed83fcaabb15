"""The support-programme catalog on the staff data page (issue #15), through AppTest: which catalog
is in force, its expired entries flagged to staff, and which programmes members are matched to and
asked about."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import sqlalchemy as sa
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from components.widgets import plain
from readiness import store
from readiness.bank import default_bank
from readiness.exports import MIME_TYPES
from readiness.i18n import t
from readiness.profile import CompanyProfile
from readiness.program_sheet import COLUMNS, catalog_xlsx
from readiness.programs import load_catalog, parse_catalog
from readiness.requests import check_request
from tests.app.test_requests import _texts
from tests.app.test_staff_access import _sign_in, staff_engine  # noqa: F401  (a fixture)

XLSX = MIME_TYPES["xlsx"]


def _with_one_expired() -> tuple[object, str]:
    raw = load_catalog().model_dump(mode="json")
    raw["version"] = "2026.2"
    raw["programs"][1]["as_of"] = "2019-01-01"
    raw["programs"][1]["valid_until"] = "2020-01-01"
    catalog = parse_catalog(raw, bank=default_bank())
    return catalog, catalog.programs[1].name.ko


def test_staff_see_the_catalog_in_force_its_expired_entries_and_the_interest(
    make_app: Callable[..., AppTest],
    staff_engine: sa.Engine,  # noqa: F811
) -> None:
    catalog, expired_name = _with_one_expired()
    store.save_program_catalog(engine=staff_engine, catalog=catalog, actor="analyst@example.org")
    company, _ = store.create_company(
        engine=staff_engine,
        profile=CompanyProfile(name="한빛금속", ksic="C24", employees=45, region="41"),
    )
    request, _ = check_request(
        kind="programme",
        company_id=company.id,
        program_id="cbam_support",
        contact_name="김대표",
        phone="010-1234-5678",
        email=None,
        consent=True,
    )
    assert request is not None
    store.create_request(engine=staff_engine, request=request)

    at = _sign_in(make_app("ko").run())
    at.query_params["tab"] = "programs"  # the tab opens from the URL, as a shared link does
    at.switch_page("pages/staff_data.py").run()
    assert not at.exception
    shown = _texts(at) + "\n".join(w.value for w in at.warning)
    assert t("programs.tab", "ko") in [tab.label for tab in at.tabs]
    assert plain("2026.2") in shown and plain("analyst@example.org") in shown
    assert plain(expired_name) in "\n".join(w.value for w in at.warning)
    interest = at.dataframe[-1].value
    cbam = interest[
        interest[t("programs.col_name", "ko")] == load_catalog().program("cbam_support").name.ko
    ]  # type: ignore[union-attr]
    assert cbam[t("programs.asked", "ko")].sum() == 1
    assert list(cbam[t("programs.by_ksic", "ko")]) == ["C24 1차 금속 제조업"]
    assert dt.date.today() > catalog.programs[1].valid_until  # type: ignore[attr-defined]


def test_a_bad_workbook_is_explained_cell_by_cell_in_korean_and_stores_nothing(
    make_app: Callable[..., AppTest],
    staff_engine: sa.Engine,  # noqa: F811
) -> None:
    workbook = load_workbook(io.BytesIO(catalog_xlsx(load_catalog())))
    sheet = workbook["programs"]
    sheet.cell(row=3, column=COLUMNS.index("valid_until") + 1, value="내년 봄")
    sheet.cell(row=4, column=COLUMNS.index("size_bands") + 1, value="5-8")
    data = io.BytesIO()
    workbook.save(data)

    at = _sign_in(make_app("ko").run())
    at.query_params["tab"] = "programs"
    at.switch_page("pages/staff_data.py").run()
    at.file_uploader(key="program_upload_0").set_value(("programs.xlsx", data.getvalue(), XLSX))
    at.run()
    assert not at.exception
    assert t("programs.has_problems", "ko") in [e.value for e in at.error]
    problems = at.table[0].value
    assert list(problems.columns) == [
        t(f"programs.col_{c}", "ko") for c in ("row", "id", "column", "problem")
    ]
    rows = problems.to_dict("records")
    assert rows[0][t("programs.col_row", "ko")] == "3"
    assert rows[0][t("programs.col_column", "ko")] == plain("valid_until")
    assert rows[0][t("programs.col_problem", "ko")] == plain(
        "날짜가 아닙니다. 2026-12-31처럼 적으세요"
    )
    assert rows[1][t("programs.col_problem", "ko")].startswith(plain("알 수 없는 규모 구간 '5-8'"))
    assert at.button(key="program_apply").disabled
    assert store.latest_program_catalog_row(engine=staff_engine) is None
