"""The company-facing charts drawn on the server (components/svg_charts.py)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from components.charts import display_width
from components.palette import BLUE, GREEN, VERMILLION
from components.svg_charts import Chart, distribution_svg, radar_svg
from readiness.bank import default_bank
from readiness.peers import ScoreBin

NS = {"s": "http://www.w3.org/2000/svg"}
NAMES = ("우리 회사", "동종 중앙값", "동종 상위 25%")
AXES = ["수출 준비도", "제조의 서비스화", "AI·스마트공장", "Value-chain collaboration"]


def tree(chart: Chart) -> ET.Element:
    return ET.fromstring(chart.svg)  # well-formed XML, or this raises


def texts(chart: Chart) -> list[str]:
    return [el.text or "" for el in tree(chart).iter("{http://www.w3.org/2000/svg}text")]


def radar(**kw) -> Chart:
    company = kw.pop("company", [55.4, 40.0, 33.5, 70.0])
    args = {
        "names": NAMES,
        "median": [50.0, 45.0, 30.0, 60.0],
        "p75": [65.0, 60.0, 40.0, 72.0],
        "title": "네 기둥 점수",
        "key": "radar",
    }
    args.update(kw)
    return radar_svg(AXES, company, **args)


def test_radar_draws_three_series_told_apart_by_dash_and_marker_not_colour_alone() -> None:
    root = tree(radar())
    lines = root.findall(".//s:line", NS)
    dashes = {
        (el.get("stroke"), el.get("stroke-dasharray"))
        for el in lines
        if el.get("stroke") in (BLUE, VERMILLION, GREEN)
    }
    assert {d for _, d in dashes} == {None, "6 4", "2 4"}  # solid, dashed, dotted
    markers = {
        (el.tag.split("}")[1], el.get("fill"))
        for el in root.iter()
        if el.get("fill") in (BLUE, VERMILLION, GREEN) and el.tag.endswith(("circle", "polygon"))
    }
    assert ("circle", BLUE) in markers
    assert {fill for _, fill in markers} >= {BLUE, VERMILLION, GREEN}
    shown = texts(radar())
    for name in NAMES:  # the legend names every series in words
        assert name in shown


def test_radar_writes_the_company_scores_as_shown_everywhere() -> None:
    shown = texts(radar())
    assert {"55", "40", "34", "70"} <= set(shown)  # 33.5 -> 34: halves up, as the cards


def test_radar_labels_wrap_and_stay_inside_the_picture() -> None:
    chart = radar()
    root = tree(chart)
    width = float(root.get("width") or 0)
    shown = texts(chart)
    assert "Value-chain" in shown and "collaboration" in shown  # wrapped, never clipped
    for el in root.iter("{http://www.w3.org/2000/svg}text"):
        x, size = float(el.get("x") or 0), float(el.get("font-size") or 0)
        span = display_width(el.text or "") * 0.6 * size  # a generous estimate of its width
        left = {"start": x, "middle": x - span / 2, "end": x - span}[el.get("text-anchor") or ""]
        assert left >= 0 and left + span <= width, (el.text, left, left + span)


def test_a_pillar_without_a_score_is_a_gap_not_a_point_at_zero() -> None:
    root = tree(radar(company=[40.0, None, 60.0, 50.0], median=None, p75=None))
    sides = [
        el
        for el in root.findall(".//s:line", NS)
        if el.get("stroke") == BLUE and el.get("stroke-linecap") == "round"  # not the legend's
    ]
    assert len(sides) == 2  # of four sides, the two touching the missing pillar are gone
    assert not [el for el in root.findall(".//s:polygon", NS) if el.get("fill") == BLUE]
    assert "-" in radar(company=[40.0, None, 60.0, 50.0]).alt


def test_without_peer_figures_the_radar_shows_the_company_alone() -> None:
    shown = texts(radar(median=None, p75=None))
    assert NAMES[0] in shown and NAMES[1] not in shown and NAMES[2] not in shown


def test_text_is_escaped_never_markup() -> None:
    chart = radar_svg(
        ["<b>A</b>", "B & C", "D", "E"],
        [10.0, 20.0, 30.0, 40.0],
        names=("<script>x</script>", "m", "p"),
        title='"quoted" <title>',
        key="k",
    )
    root = tree(chart)
    assert not root.findall(".//s:script", NS) and not root.findall(".//s:b", NS)
    assert "<b>A</b>" in texts(chart) and "<script>x</script>" in texts(chart)


def test_the_alt_text_gives_every_figure_in_words() -> None:
    alt = radar().alt
    assert alt.startswith("네 기둥 점수.")
    assert "수출 준비도: 우리 회사 55, 동종 중앙값 50, 동종 상위 25% 65" in alt


BINS = (
    ScoreBin(0.0, 10.0, 0),
    ScoreBin(10.0, 40.0, 6),
    ScoreBin(40.0, 50.0, 12),
    ScoreBin(50.0, 60.0, 9),
    ScoreBin(60.0, 100.0, 5),
)


def distribution(value: float = 52.4) -> Chart:
    return distribution_svg(
        BINS,
        value,
        x_title="종합 점수",
        y_title="기업 수",
        company_label="우리 회사",
        title="종합 점수 분포",
        key="distribution",
    )


def test_distribution_draws_one_bar_per_range_with_its_count() -> None:
    chart = distribution()
    bars = [el for el in tree(chart).findall(".//s:rect", NS)]
    assert len(bars) == 4  # the empty range draws no bar
    shown = texts(chart)
    for count in ("6", "12", "9", "5"):
        assert count in shown
    # a merged range is as wide as its range and as tall as its count per 10 points
    widths = sorted(round(float(el.get("width") or 0)) for el in bars)
    assert widths[-1] > 3.5 * widths[0]
    assert "10-40: 6" in chart.alt and "60-100: 5" in chart.alt


def test_distribution_marks_the_company_in_words_not_only_in_blue() -> None:
    chart = distribution(52.4)
    assert "▼ 우리 회사 52" in texts(chart)
    assert any(el.get("stroke") == BLUE for el in tree(chart).findall(".//s:line", NS))


def test_distribution_holds_no_number_but_its_counts_and_axes() -> None:
    """Only the ranges' counts, the axis ticks and the company's own score are in the picture:
    no individual peer's score reaches the browser (DESIGN, Peers)."""
    shown = {s for s in texts(distribution()) if re.fullmatch(r"\d+", s)}
    ticks = {str(v) for v in range(0, 101, 20)} | {"0", "5", "10", "15", "20"}
    assert shown <= ticks | {"6", "12", "9", "5"}


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_banks_own_pillar_names_fit_a_phone(lang: str) -> None:
    """The picture is 360 wide: at a 390 px phone it is drawn at its own size, labels whole."""
    names = [p.name.get(lang) for p in default_bank().pillars]
    chart = radar_svg(names, [60.0, 40.0, 80.0, 20.0], names=NAMES, title="t", key="k")
    root = tree(chart)
    assert float(root.get("width") or 0) <= 360
    for el in root.iter("{http://www.w3.org/2000/svg}text"):
        x, size = float(el.get("x") or 0), float(el.get("font-size") or 0)
        span = display_width(el.text or "") * 0.6 * size
        left = {"start": x, "middle": x - span / 2, "end": x - span}[el.get("text-anchor") or ""]
        assert left >= 0 and left + span <= 360, (el.text, left, left + span)


def test_the_company_label_stays_clear_of_the_tallest_bars_count() -> None:
    """The tallest bar reaches the top of the axis (10 in 40-50: the axis ends at 10); the company
    over it, or beside it, has its label above every count, never on one."""
    bins = (ScoreBin(0.0, 30.0, 6), ScoreBin(30.0, 40.0, 4), ScoreBin(40.0, 50.0, 10))
    for value in (21.0, 45.0):
        chart = distribution_svg(
            bins, value, x_title="x", y_title="y", company_label="우리 회사", title="t", key="k"
        )
        texts = list(tree(chart).iter("{http://www.w3.org/2000/svg}text"))
        label_y = next(float(el.get("y") or 0) for el in texts if (el.text or "").startswith("▼"))
        axis_y = max(float(el.get("y") or 0) for el in texts if el.text == "100")  # x ticks
        counts_y = [  # the numbers over the bars: not the y ticks (anchored end), not the x ticks
            float(el.get("y") or 0)
            for el in texts
            if el.text in {"6", "4", "10"}
            and el.get("text-anchor") != "end"
            and float(el.get("y") or 0) < axis_y - 10
        ]
        assert len(counts_y) == 3
        assert label_y < min(counts_y) - 13, (label_y, counts_y)  # 13 px type: no overlap
