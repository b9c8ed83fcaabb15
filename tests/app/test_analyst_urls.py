"""Issue #14: views an analyst keeps. The heatmap's filters live in the URL (a shared or reloaded
link opens the same view), junk in a URL is left out with a note, and the sector profile opened
from the heatmap keeps its filters."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from readiness.i18n import t
from tests.app.test_staff_access import _sign_in, staff_engine  # noqa: F401  (a fixture)


def _overview(make_app: Callable[..., AppTest], settle: bool = True, **params: str) -> AppTest:
    """A colleague's link to the heatmap, opened signed out: sign-in, then the view."""
    at = make_app("en").run()
    at.query_params["next"] = "staff_overview?" + urlencode(params)
    at = _sign_in(at)
    assert not at.exception
    assert at.title[0].value == t("overview.title", "en")
    # AppTest reruns the page it last switched to; the sign-in switched in the script.
    return at.switch_page("pages/staff_overview.py").run() if settle else at


def test_the_heatmap_opens_with_the_filters_of_its_link(
    make_app: Callable[..., AppTest],
    staff_engine: sa.Engine,  # noqa: F811
) -> None:
    at = _overview(make_app, size="10-49,50-299", region="44", stat="median", view="dimensions")
    assert at.multiselect(key="overview_size").value == ["10-49", "50-299"]
    assert at.multiselect(key="overview_region").value == ["44"]
    assert at.query_params["stat"] == "median" and at.query_params["view"] == "dimensions"
    # Changing a filter writes it back: the address bar is the view to share (the multi-selects
    # are changed in Chromium: tests/e2e/test_analyst_views.py).
    at.toggle(key="overview_synthetic").set_value(False).run()
    assert at.query_params["syn"] == "0" and at.query_params["region"] == "44"


def test_junk_in_a_link_is_left_out_with_a_note(
    make_app: Callable[..., AppTest],
    staff_engine: sa.Engine,  # noqa: F811
) -> None:
    at = _overview(
        make_app, settle=False, size="10-49,<script>", region="99", stat="nonsense", syn="maybe"
    )
    assert at.multiselect(key="overview_size").value == ["10-49"]
    assert at.multiselect(key="overview_region").value == []
    notes = [c.value for c in at.caption if t("filters.url_ignored", "en").split(":")[0] in c.value]
    assert notes and "region" in notes[0] and "size" in notes[0] and "syn" in notes[0]


def test_the_sector_profile_keeps_the_heatmaps_filters(
    make_app: Callable[..., AppTest],
    staff_engine: sa.Engine,  # noqa: F811
) -> None:
    at = _overview(make_app, size="10-49", region="44", inc="1")
    sector = at.selectbox(key="overview_sector").options[0].split()[0]
    at.selectbox(key="overview_sector").set_value(sector).run()
    assert not at.exception
    assert at.title[0].value == t("sector.title", "en")
    assert at.query_params["ksic"] == sector
    assert at.multiselect(key="sector_size").value == ["10-49"]
    assert at.multiselect(key="sector_region").value == ["44"]
    assert any(t("filters.incomplete", "en") in c.value for c in at.caption)


def _heatmap(at: AppTest) -> dict:
    import json

    (chart,) = at.get("plotly_chart")
    return json.loads(chart.proto.spec)


def test_the_region_view_change_mode_and_their_link(
    make_app: Callable[..., AppTest],
    staff_engine: sa.Engine,  # noqa: F811
) -> None:
    from readiness import reference

    at = _overview(make_app, view="regions", change="1")
    assert not at.exception
    assert at.toggle(key="overview_change").value is True
    figure = _heatmap(at)
    rows = figure["layout"]["yaxis"]["ticktext"]
    regions = {reference.label("regions", code, "en") for code in reference.region_codes()}
    assert rows and set(rows) <= regions | {"–"}  # 시도 rows, not sectors
    main = figure["data"][0]
    assert main["zmin"] == -main["zmax"]  # a diverging scale centred on no change
    texts = [x for line in main["text"] for x in line if x]
    assert texts and all(x[0] in "+-" or x in ("0", "–") for x in texts)  # signed changes
    title = figure["layout"]["title"]["text"]
    assert "by region" in title and "→" in title
    # A region view still opens any sector profile, with its filters.
    assert len(at.selectbox(key="overview_sector").options) == len(reference.ksic_codes())
    # Turning change off goes back to the plain grid, and the link says so.
    at.toggle(key="overview_change").set_value(False).run()
    assert at.query_params["change"] == "0" and at.query_params["view"] == "regions"
    assert _heatmap(at)["data"][0]["zmin"] >= 0


def test_change_in_the_first_year_says_there_is_nothing_before_it(
    make_app: Callable[..., AppTest],
    staff_engine: sa.Engine,  # noqa: F811
) -> None:
    at = _overview(make_app)
    waves = sorted(int(w) for w in at.selectbox(key="overview_wave").options)
    at = _overview(make_app, wave=str(waves[0]), change="1")
    assert not at.exception
    assert any(str(waves[0]) in i.value for i in at.info)
    assert _heatmap(at)["data"][0]["zmin"] >= 0  # the year itself, not a change


def test_cohort_comparison_takes_a_sector_and_its_own_filters_per_side(
    make_app: Callable[..., AppTest],
    staff_engine: sa.Engine,  # noqa: F811
) -> None:
    """C29 against C30 in the same year, from a link: each side keeps its own filters."""
    from readiness import analytics
    from readiness.cohorts import Cohort

    at = make_app("en").run()
    at.query_params["next"] = "staff_compare?" + urlencode(
        {"a_ksic": "C29", "b_ksic": "C30", "a_name": "Machinery", "b_region": "44"}
    )
    at = _sign_in(at)
    at = at.switch_page("pages/staff_compare.py").run()
    assert not at.exception
    assert at.multiselect(key="compare_a_ksic").value == ["C29"]
    assert at.multiselect(key="compare_b_ksic").value == ["C30"]
    assert at.multiselect(key="compare_a_region").value == []  # b's region is b's alone
    assert at.multiselect(key="compare_b_region").value == ["44"]
    assert at.text_input(key="compare_a_name").value == "Machinery"
    wave_a = int(at.selectbox(key="compare_a_wave").value)
    wave_b = int(at.selectbox(key="compare_b_wave").value)
    expected = []
    for ksic, wave, regions in (("C29", wave_a, ()), ("C30", wave_b, ("44",))):
        cohort = Cohort(waves=(wave,), ksic=(ksic,), regions=regions, verified_only=True)
        expected.append(len(analytics.assessment_frame(engine=staff_engine, cohort=cohort)))
    assert expected[0] > 0  # the demo has machinery makers in that year
    (table,) = at.dataframe
    shown = table.value
    assert shown["n · Machinery"].iloc[0] == expected[0]
    assert shown[f"n · {t('compare.default_b', 'en')}"].iloc[0] == expected[1]
    # A change on one side is written under its prefix only.
    at.toggle(key="compare_b_synthetic").set_value(False).run()
    assert at.query_params["b_syn"] == "0" and "a_syn" not in at.query_params
    assert at.query_params["a_ksic"] == "C29" and "ksic" not in at.query_params
