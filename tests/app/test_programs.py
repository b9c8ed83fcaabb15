"""Support programmes on the results page (issue #15), through AppTest: the eligible programmes with
their one-sentence reasons in Korean and English, none for which the company is not eligible, and
"ask the association about this programme" storing a request that staff see by the programme's
name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from components.widgets import plain, said
from readiness import store
from readiness.bank import default_bank
from readiness.i18n import t
from readiness.profile import CompanyProfile
from readiness.programs import load_catalog, match_programs
from readiness.waves import current_wave
from tests.app.test_requests import _results, _texts
from tests.app.test_staff_access import _sign_in, staff_engine  # noqa: F401  (a fixture)

BANK = default_bank()
PROFILE = {"ksic": "C24", "employees": 45, "export_share": 0.3, "markets": ["EU"]}


@pytest.fixture
def eng(request: pytest.FixtureRequest) -> sa.Engine:
    return request.getfixturevalue("staff_engine")


def _answers() -> dict[str, int | None]:
    return {**dict.fromkeys(BANK.item_ids(), 3), "EXP18": 0, "EXP15": 1, "AI03": 1}


def _submitted(eng: sa.Engine) -> tuple[int, str]:
    profile = CompanyProfile(name="한빛금속", region="41", **PROFILE)  # type: ignore[arg-type]
    first = store.NewAssessment(wave=current_wave(), mode="full", bank=BANK)
    company, token = store.create_company(engine=eng, profile=profile, first=first)
    draft = store.open_draft(engine=eng, company_id=company.id)
    assert draft is not None and company.id is not None
    store.submit_assessment(engine=eng, bank=BANK, assessment_id=draft.id, answers=_answers())
    return company.id, token


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_results_page_shows_the_programmes_the_company_may_apply_for(
    make_app: Callable[..., AppTest], eng: sa.Engine, lang: str
) -> None:
    _, token = _submitted(eng)
    at = _results(make_app, token, lang)
    assert t("results.programs_title", lang) in [h.value for h in at.subheader]
    shown = _texts(at)
    expected = match_programs(
        load_catalog(), BANK, profile=PROFILE, answers=_answers(), today=dt.date.today()
    )
    assert 3 <= len(expected) <= 5
    for match in expected:
        assert plain(match.program.name.get(lang)) in shown
        assert said(match.reason, lang) in shown
        # the catalog's descriptions are shown whole (154 characters at most), not as names are
        pays = match.program.pays_for.get(lang)
        assert plain(pays, limit=None) in shown, pays
    # a basic-metals exporter without carbon data is offered CBAM support; never a first export
    catalog = load_catalog()
    assert plain(catalog.program("cbam_support").name.get(lang)) in shown  # type: ignore[union-attr]
    assert plain(catalog.program("first_export").name.get(lang)) not in shown  # type: ignore[union-attr]


def test_asking_about_a_programme_creates_a_request_staff_see_by_its_name(
    make_app: Callable[..., AppTest], eng: sa.Engine
) -> None:
    company_id, token = _submitted(eng)
    at = _results(make_app, token, "ko")
    program_id = "cbam_support"
    key = f"req_program_{program_id}"
    at.button(key=key).click().run()
    # The form asks about the programme, not for a partner ("looking for an export agent").
    assert at.text_area(key=f"{key}_form_message").placeholder == t("req.program_placeholder", "ko")
    at.text_input(key=f"{key}_form_contact").input("김대표")
    at.text_input(key=f"{key}_form_phone").input("010-1234-5678")
    at.checkbox(key=f"{key}_form_consent").check()
    at.button(key=f"FormSubmitter:{key}_form-{t('req.program_send', 'ko')}").click().run()
    assert not at.exception
    rows = store.list_requests(engine=eng)
    assert [(r.kind, r.program_id, r.company_id) for r in rows] == [
        ("programme", program_id, company_id)
    ]
    name = load_catalog().program(program_id).name  # type: ignore[union-attr]
    assert t("req.program_sent", "ko") in _texts(at)
    assert plain(name.ko) in _texts(at)  # under "your requests to the association"

    staff = _sign_in(make_app("ko").run())
    staff.switch_page("pages/staff_requests.py").run()
    assert not staff.exception
    table = staff.dataframe[0].value
    assert list(table[t("staff_requests.kind", "ko")]) == [t("req.kind_programme", "ko")]
    assert list(table[t("staff_requests.col_what", "ko")]) == [name.ko]
