from __future__ import annotations

from components.charts import radar_figure, wrap_label

NAMES = ("Company", "Median", "P75")


def test_radar_shows_three_series_told_apart_without_colour() -> None:
    fig = radar_figure(
        ["Export readiness", "Servitization", "AI", "Value-chain collaboration"],
        [55, 40, None, 70],
        names=NAMES,
        median=[50, 45, 30, 60],
        p75=[65, 60, 40, 72],
    )
    traces = {tr.name: tr for tr in fig.data}
    assert set(traces) == set(NAMES)
    assert len({tr.line.dash for tr in fig.data}) == 3
    assert len({tr.marker.symbol for tr in fig.data}) == 3
    company = traces["Company"]
    assert list(company.r) == [55, 40, None, 70, 55]  # closed polygon; a missing score is a gap
    assert company.theta[3] == "Value-chain<br>collaboration"
    assert fig.layout.polar.radialaxis.range == (0, 100)


def test_radar_without_peer_figures_shows_only_the_company() -> None:
    fig = radar_figure(["A", "B", "C"], [1, 2, 3], names=NAMES)
    assert [tr.name for tr in fig.data] == ["Company"]


def test_wrap_label_keeps_short_labels_whole() -> None:
    assert wrap_label("수출 준비도") == "수출 준비도"
    assert wrap_label("AI and smart factory") == "AI and smart<br>factory"


def test_wrap_label_counts_a_hangul_syllable_as_two_columns() -> None:
    """Korean pillar names are as wide as English ones twice their length: at phone width the
    radar's side labels were cut off ("제조의 서비스화" at the right edge)."""
    assert wrap_label("제조의 서비스화") == "제조의<br>서비스화"
    assert wrap_label("가치사슬 협업") == "가치사슬<br>협업"
    assert wrap_label("AI·스마트공장") == "AI·스마트공장"  # one word stays whole


def test_a_pillar_without_a_score_is_a_gap_not_zero() -> None:
    fig = radar_figure(["A", "B", "C"], [40, None, 60], names=NAMES)
    [company] = fig.data
    assert list(company.r) == [40, None, 60, 40]
    assert not company.connectgaps
