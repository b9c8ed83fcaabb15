"""The results page and the staff view beside published figures: sources shown, no empty box."""

from __future__ import annotations

import json
import os
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from readiness import public_benchmarks as pb
from readiness import store
from readiness.bank import default_bank
from readiness.db import make_engine
from readiness.i18n import t
from readiness.profile import CompanyProfile
from readiness.waves import current_wave
from tests.app.test_honest_results import _open
from tests.app.test_staff_access import _sign_in, staff_engine  # noqa: F401  (fixture)

BANK = default_bank()
AI_ITEMS = frozenset({"AI03", "AI04", "AI05", "AI06", "AI07", "AI08"})


def _company(*, skip: frozenset[str] = frozenset()) -> str:
    """A company of 45 employees (10-49) with a submitted full assessment; AI03 at level 3 (an
    MES with machine data), generative AI at level 1; items in `skip` left unanswered."""
    engine = make_engine(os.environ["DATABASE_URL"])
    profile = CompanyProfile(name="한빛정밀", ksic="C29", employees=45, region="41", roles=[])
    first = store.NewAssessment(wave=current_wave(), mode="full", bank=BANK)
    company, token = store.create_company(engine=engine, profile=profile, first=first)
    draft = store.open_draft(engine=engine, company_id=company.id)
    assert draft is not None
    answers: dict[str, int | None] = {i: 2 for i in BANK.item_ids() if i not in skip}
    for item, level in (("AI03", 3), ("AI07", 1), ("AI04", 2), ("AI05", 2), ("AI08", 2)):
        if item not in skip:
            answers[item] = level
    store.submit_assessment(engine=engine, bank=BANK, assessment_id=draft.id, answers=answers)
    return token


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_results_show_the_company_beside_published_figures_with_sources(
    make_app: Callable[..., AppTest], lang: str
) -> None:
    make_app(lang).run()
    at = _open(make_app, "pages/results.py", _company(), lang)
    assert t("benchmarks.title", lang) in [h.value for h in at.subheader]
    tables = at.get("table")
    assert len(tables) == 1
    captions = "\n".join(c.value for c in [*at.caption, *at.markdown])  # sources: body text
    catalog = pb.default_catalog()
    for entry in catalog.benchmarks:
        if entry.region == "EU" or entry.id == "kr_smart_factory":
            # the company's answers decide these: each has its source line under the table
            assert entry.source.publisher.get(lang).split(" ")[0] in captions
            assert entry.source.url in captions
    assert "2024" in captions and "Eurostat" in captions
    assert not at.dataframe  # still no data grid on the results page


def test_results_table_holds_the_companys_answer_and_its_bands_figures(
    make_app: Callable[..., AppTest],
) -> None:
    make_app("en").run()
    at = _open(make_app, "pages/results.py", _company(), "en")
    frame = at.get("table")[0].value
    text = frame.to_string()
    assert "28.5%" in text  # Korean smart factories, 10-49
    assert "11.2%" in text  # EU small enterprises using AI
    assert "Smart factory in place" in text and "AI in use" in text
    assert "Yes" in text and "No" in text  # AI03 at level 3: yes; no AI in use: no


def test_a_company_without_the_mapped_items_sees_no_section(
    make_app: Callable[..., AppTest],
) -> None:
    make_app("ko").run()
    at = _open(make_app, "pages/results.py", _company(skip=AI_ITEMS), "ko")
    assert t("benchmarks.title", "ko") not in [h.value for h in at.subheader]
    assert not at.get("table")
    assert not any(t("benchmarks.sources", "ko") in m.value for m in at.markdown)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_staff_see_members_per_band_with_n_beside_the_published_figures(
    make_app: Callable[..., AppTest],
    staff_engine: sa.Engine,  # noqa: F811
    lang: str,
) -> None:
    at = _sign_in(make_app(lang))
    at.switch_page("pages/staff_benchmarks.py").run()
    assert not at.exception
    assert at.title[0].value == t("benchmarks.staff_title", lang)
    frame = at.dataframe[0].value
    n_col, published = t("benchmarks.col_n", lang), t("benchmarks.col_published", lang)
    assert {n_col, published, t("benchmarks.col_members", lang)} <= set(frame.columns)
    assert "28.5%" in set(frame[published]) and "11.2%" in set(frame[published])
    low = t("benchmarks.low_n", lang, n=pb.MIN_N)
    for n, share in zip(frame[n_col], frame[t("benchmarks.col_members", lang)], strict=True):
        assert (n == low and share == "—") or (int(n) >= pb.MIN_N and share.endswith("%"))
    assert any(n != low for n in frame[n_col])  # the demo membership fills some band
    captions = "\n".join(c.value for c in [*at.caption, *at.markdown])  # sources: body text
    assert "Eurostat" in captions and "isoc" in captions


def test_staff_view_draws_a_chart_per_figure_and_keeps_its_year_in_the_url(
    make_app: Callable[..., AppTest],
    staff_engine: sa.Engine,  # noqa: F811
) -> None:
    at = _sign_in(make_app("en"))
    at.switch_page("pages/staff_benchmarks.py").run()
    charts = at.get("plotly_chart")
    assert len(charts) == len(pb.default_catalog().benchmarks)
    # A figure given for all sizes only (manufacturing AI, 0.1 %) is one dashed line across the
    # bands, never a bar under each band as if each band had it; a banded one is bars.
    figures = {
        json.loads(c.proto.spec)["layout"]["title"]["text"]: json.loads(c.proto.spec)["data"]
        for c in charts
    }
    overall = figures["Korea · AI in production"]
    assert [tr["type"] for tr in overall] == ["bar", "scatter"]
    assert set(overall[1]["y"]) == {0.1} and overall[1]["line"]["dash"] == "dash"
    banded = figures["Korea · Smart factory in place"]
    assert [tr["type"] for tr in banded] == ["bar", "bar"] and 28.5 in banded[1]["y"]
    waves = store.summary(engine=staff_engine).waves
    assert at.query_params["wave"] == str(waves[-1])
    earlier = make_app("en")
    _sign_in(earlier)
    earlier.query_params["wave"] = str(waves[0])
    earlier.switch_page("pages/staff_benchmarks.py").run()
    assert earlier.selectbox[0].value == waves[0]
    assert str(waves[0]) in earlier.caption[0].value
