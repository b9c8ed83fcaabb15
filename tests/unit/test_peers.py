"""Peer groups over hand-made norm frames, where the right answer can be read off the data."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

from readiness import peers
from readiness.bank import default_bank
from readiness.scoring import score_assessment

PILLARS = ("EXP", "SRV", "AI", "COL")


def frame_of(rows: list[tuple[str, str, float | None]], **pillar_scores: list) -> pd.DataFrame:
    """A norm frame of (ksic, size_band, overall) rows, company ids 1..n in row order.

    Pillar scores default to the overall score; pass e.g. AI=[...] to set a column.
    """
    frame = pd.DataFrame(
        {
            "assessment_id": range(101, 101 + len(rows)),
            "company_id": range(1, 1 + len(rows)),
            "ksic": [r[0] for r in rows],
            "size_band": [r[1] for r in rows],
            "region": "41",
            "mode": "full",
            "synthetic": [n % 3 == 0 for n in range(len(rows))],
            "overall": [np.nan if r[2] is None else r[2] for r in rows],
        }
    )
    for pid in PILLARS:
        frame[pid] = pillar_scores.get(pid, frame["overall"].tolist())
    return frame.astype({p: "float64" for p in ("overall", *PILLARS)})


def same_scores(value: float | None) -> dict[str, float | None]:
    return {"overall": value, **dict.fromkeys(PILLARS, value)}


def test_mid_rank_percentile_counts_ties_as_half() -> None:
    values = np.array([10.0, 20.0, 20.0, 20.0, 30.0])
    assert peers.mid_rank_percentile(values, 20.0) == pytest.approx(50.0)  # (1 + 3/2) / 5
    assert peers.mid_rank_percentile(values, 25.0) == pytest.approx(80.0)  # 4 / 5
    assert peers.mid_rank_percentile(values, 30.0) == pytest.approx(90.0)  # (4 + 1/2) / 5
    assert peers.mid_rank_percentile(values, 5.0) == 0.0
    assert peers.mid_rank_percentile(values, 99.0) == 100.0


def test_scores_that_differ_only_by_float_noise_are_ties() -> None:
    noisy = (0.1 + 0.2) * 100
    assert noisy != 30.0
    values = np.array([30.0, 50.0, 60.0, 70.0])
    assert peers.mid_rank_percentile(values, noisy) == pytest.approx(12.5)  # (0 + 1/2) / 4


def test_benchmark_gives_mid_rank_median_and_linear_p75_of_the_group() -> None:
    frame = frame_of(
        [("C29", "10-49", float(v)) for v in (10, 20, 30, 40, 50, 60, 70, 80, 90, 100)]
    )
    bench = peers.benchmark(frame, ksic="C29", size_band="10-49", scores=same_scores(70.0))
    assert bench.group == peers.PeerGroup("C29", "10-49", "division_size", 10)
    assert not bench.suppressed
    for key in ("overall", *PILLARS):
        assert bench.percentile[key] == pytest.approx(65.0)  # 6 below, 1 level: (6 + 0.5) / 10
        assert bench.median[key] == pytest.approx(55.0)
        assert bench.p75[key] == pytest.approx(77.5)  # position 6.75 between 70 and 80
        assert [(b.lo, b.hi, b.count) for b in bench.bins[key] or ()] == [
            (0.0, 10.0, 0),
            (10.0, 60.0, 5),  # 10, 20, 30, 40, 50
            (60.0, 100.0, 5),  # 60, 70, 80, 90, 100
        ]
        assert bench.scored[key] == 10


def test_benchmark_with_ties_in_the_group() -> None:
    frame = frame_of([("C25", "1-9", v) for v in (40.0, 50.0, 50.0, 50.0, 50.0, 60.0, 60.0)])
    bench = peers.benchmark(frame, ksic="C25", size_band="1-9", scores=same_scores(50.0), k=5)
    assert bench.group.fallback == "all"  # 7 < MIN_GROUP everywhere
    assert bench.percentile["overall"] == pytest.approx(100 * (1 + 0.5 * 4) / 7)
    assert bench.median["overall"] == 50.0
    assert bench.p75["overall"] == pytest.approx(55.0)  # position 4.5 between 50 and 60


def _many(ksic: str, size_band: str, n: int) -> list[tuple[str, str, float]]:
    return [(ksic, size_band, 50.0)] * n


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (_many("C29", "10-49", 10) + _many("C25", "1-9", 5), ("C29", "10-49", "division_size", 10)),
        (_many("C29", "10-49", 9) + _many("C29", "300+", 1), ("C29", None, "division", 10)),
        (
            _many("C29", "10-49", 9) + _many("C25", "10-49", 3) + _many("C25", "1-9", 9),
            (None, "10-49", "size_band", 12),
        ),
        (
            _many("C29", "10-49", 9) + _many("C29", "1-9", 5) + _many("C25", "10-49", 5),
            (None, "10-49", "size_band", 14),
        ),
        (_many("C29", "10-49", 5) + _many("C10", "1-9", 4), (None, None, "all", 9)),
        ([], (None, None, "all", 0)),
    ],
    ids=[
        "division_size",
        "division",
        "size_band",
        "size_band_before_division",
        "all_below_min",
        "empty",
    ],
)
def test_fallback_chain_reports_level_and_exact_n(
    rows: list[tuple[str, str, float]], expected: tuple[str | None, str | None, str, int]
) -> None:
    group, members = peers.select_group(frame_of(rows), ksic="C29", size_band="10-49")
    assert group == peers.PeerGroup(*expected)
    assert len(members) == group.n
    if group.ksic is not None:
        assert set(members["ksic"]) == {group.ksic}
    if group.size_band is not None:
        assert set(members["size_band"]) == {group.size_band}


def test_the_company_is_never_its_own_peer() -> None:
    rows = [("C29", "10-49", float(v)) for v in range(10, 110, 10)] + _many("C29", "1-9", 5)
    frame = frame_of(rows)
    group, members = peers.select_group(frame, ksic="C29", size_band="10-49")
    assert (group.fallback, group.n) == ("division_size", 10)
    group, members = peers.select_group(frame, ksic="C29", size_band="10-49", exclude_company_id=10)
    assert (group.fallback, group.n) == ("division", 14)  # 9 left in the cell: fall back
    assert 10 not in set(members["company_id"])
    bench = peers.benchmark(
        frame, ksic="C29", size_band="10-49", scores=same_scores(100.0), exclude_company_id=10
    )
    assert bench.rank["overall"] == 1 and bench.scored["overall"] == 14  # 100 is not its peer
    assert bench.percentile["overall"] == 100.0


def test_fewer_than_k_peers_suppresses_every_figure() -> None:
    frame = frame_of([("C29", "10-49", float(v)) for v in (20, 40, 60, 80)])
    bench = peers.benchmark(frame, ksic="C29", size_band="10-49", scores=same_scores(50.0))
    assert bench.suppressed
    assert bench.group == peers.PeerGroup(None, None, "all", 4)
    for figures in (bench.percentile, bench.median, bench.p75, bench.rank):
        assert figures == dict.fromkeys(("overall", *PILLARS))
    assert bench.bins == dict.fromkeys(("overall", *PILLARS))
    assert bench.scored["overall"] == 4


def test_exactly_k_peers_are_enough() -> None:
    frame = frame_of([("C29", "10-49", float(v)) for v in (20, 40, 60, 80, 100)])
    bench = peers.benchmark(frame, ksic="C29", size_band="10-49", scores=same_scores(50.0))
    assert not bench.suppressed
    assert bench.median["overall"] == 60.0 and bench.percentile["overall"] == 40.0


def test_a_pillar_scored_by_fewer_than_k_peers_is_suppressed_alone() -> None:
    rows = [("C29", "10-49", float(v)) for v in range(10, 110, 10)]
    ai = [30.0, 40.0, 50.0, 60.0] + [None] * 6
    bench = peers.benchmark(
        frame_of(rows, AI=ai), ksic="C29", size_band="10-49", scores=same_scores(45.0)
    )
    assert bench.suppressed
    assert bench.scored["AI"] == 4
    assert bench.percentile["AI"] is None and bench.median["AI"] is None
    assert bench.p75["AI"] is None and bench.bins["AI"] is None
    assert bench.percentile["overall"] == pytest.approx(40.0)
    assert bench.median["EXP"] == pytest.approx(55.0)


def test_peers_without_a_pillar_score_are_left_out_of_that_pillar_only() -> None:
    rows = [("C29", "10-49", float(v)) for v in range(10, 110, 10)]
    srv = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, None, None, None, None]
    bench = peers.benchmark(
        frame_of(rows, SRV=srv), ksic="C29", size_band="10-49", scores=same_scores(35.0)
    )
    assert not bench.suppressed
    assert bench.scored["SRV"] == 6 and bench.scored["overall"] == 10
    assert bench.percentile["SRV"] == pytest.approx(50.0)  # 3 of 6 below
    assert bench.median["SRV"] == pytest.approx(35.0)


def test_a_missing_own_score_gives_no_percentile_but_keeps_the_norms() -> None:
    frame = frame_of([("C29", "10-49", float(v)) for v in range(10, 110, 10)])
    scores = {**same_scores(50.0), "AI": None, "COL": float("nan")}
    bench = peers.benchmark(frame, ksic="C29", size_band="10-49", scores=scores)
    assert not bench.suppressed
    assert bench.percentile["AI"] is None and bench.percentile["COL"] is None
    assert bench.median["AI"] == pytest.approx(55.0)
    assert bench.percentile["EXP"] == pytest.approx(45.0)


def test_unknown_division_size_band_or_score_key_is_refused() -> None:
    frame = frame_of(_many("C29", "10-49", 10))
    with pytest.raises(peers.PeerError, match="'C99' is not a KSIC"):
        peers.select_group(frame, ksic="C99", size_band="10-49")
    with pytest.raises(peers.PeerError, match="unknown size band '10-50'"):
        peers.select_group(frame, ksic="C29", size_band="10-50")
    with pytest.raises(peers.PeerError, match="unknown score key"):
        peers.benchmark(frame, ksic="C29", size_band="10-49", scores={"EXPORT": 3.0})


def test_benchmark_is_frozen_and_its_dict_is_strict_json() -> None:
    rows = [("C29", "10-49", float(v)) for v in range(10, 110, 10)]
    bench = peers.benchmark(
        frame_of(rows, AI=[None] * 10), ksic="C29", size_band="10-49", scores=same_scores(50.0)
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        bench.suppressed = False  # type: ignore[misc]
    data = json.loads(json.dumps(bench.to_dict(), allow_nan=False))
    assert data["group"] == {
        "ksic": "C29",
        "size_band": "10-49",
        "fallback": "division_size",
        "n": 10,
    }
    assert data["suppressed"] is True and data["k"] == 5
    assert data["median"]["AI"] is None and data["bins"]["AI"] is None
    assert "values" not in data  # no peer's own score in the benchmark at all
    assert data["synthetic"] == 4  # rows 0, 3, 6 and 9 are synthetic demo members


def test_scores_of_a_result_are_overall_and_every_pillar() -> None:
    bank = default_bank()
    result = score_assessment(bank, {"EXP01": 3, "AI01": 1})
    scores = peers.scores_of(result)
    assert list(scores) == ["overall", *bank.pillar_ids]
    assert scores["overall"] == result.overall and scores["SRV"] is None


def test_summary_gives_n_mean_linear_median_and_p75_of_the_scores() -> None:
    # sorted 10, 20, 40, 80, 100: median the 3rd value; P75 at index 3 of 0..4 is 80.
    summary = peers.summarize([80.0, 10.0, None, 40.0, float("nan"), 100.0, 20.0], k=5)
    assert summary == peers.ScoreSummary(
        n=5, mean=50.0, median=40.0, p75=80.0, values=(10.0, 20.0, 40.0, 80.0, 100.0)
    )
    # four values: median halfway between 20 and 40; P75 at index 2.25, a quarter of 40 -> 80.
    assert peers.summarize(np.array([10.0, 20.0, 40.0, 80.0]), k=4).p75 == 50.0
    assert peers.summarize([10.0, 20.0, 40.0, 80.0], k=4).median == 30.0


def test_summary_of_fewer_than_k_scores_gives_only_their_count() -> None:
    assert peers.summarize([50.0, 60.0, None], k=3) == peers.ScoreSummary(2, None, None, None, None)
    assert peers.summarize([], k=1) == peers.ScoreSummary(0, None, None, None, None)


def test_the_place_among_peers_counts_those_strictly_above_and_shares_ties() -> None:
    frame = frame_of([("C25", "1-9", v) for v in (40.0, 50.0, 50.0, 60.0, 60.0, 70.0)])
    bench = peers.benchmark(frame, ksic="C25", size_band="1-9", scores=same_scores(60.0))
    assert bench.rank["overall"] == 2  # only the 70 is above; the two 60s share 2nd with us
    assert bench.scored["overall"] == 6  # so: 2nd of 7
    low = peers.benchmark(frame, ksic="C25", size_band="1-9", scores=same_scores(10.0))
    assert low.rank["overall"] == 7
    noisy = peers.benchmark(
        frame, ksic="C25", size_band="1-9", scores=same_scores((0.1 + 0.2) * 200)
    )
    assert noisy.rank["overall"] == 2  # 60.000000000000014 ties with 60


def test_score_bins_keep_every_shown_range_at_k_or_more_and_lose_nobody() -> None:
    values = [12.0, 55, 56, 57, 58, 59, 61, 62, 63, 64, 65, 95, 100]
    bins = peers.score_bins(values, k=5)
    assert sum(b.count for b in bins) == len(values)
    assert all(b.count == 0 or b.count >= 5 for b in bins)
    assert bins[0] == peers.ScoreBin(0.0, 10.0, 0)  # an empty range shows nobody: kept
    # the lone 12 joins the range that reaches k; the 95 and the 100 join the range below
    assert peers.ScoreBin(10.0, 60.0, 6) in bins
    assert bins[-1] == peers.ScoreBin(60.0, 100.0, 7)
    assert [b.lo for b in bins] == sorted(b.lo for b in bins)
    assert all(a.hi == b.lo for a, b in zip(bins, bins[1:], strict=False))  # no gap, no overlap


def test_score_bins_of_a_spread_out_group_are_plain_ten_point_ranges() -> None:
    values = [float(v) for v in range(0, 100)]  # ten in every range
    bins = peers.score_bins(values, k=5)
    assert [(b.lo, b.hi, b.count) for b in bins] == [
        (lo, lo + 10.0, 10) for lo in range(0, 100, 10)
    ]


def test_score_bins_show_nothing_for_fewer_than_k() -> None:
    assert peers.score_bins([40.0, 50.0, 60.0, 70.0], k=5) == ()


def test_the_benchmark_sends_bins_not_scores() -> None:
    frame = frame_of([("C29", "10-49", float(v)) for v in (21, 22, 23, 24, 25, 71, 72)])
    bench = peers.benchmark(frame, ksic="C29", size_band="10-49", scores=same_scores(50.0))
    bins = bench.bins["overall"]
    assert bins is not None
    assert [(b.lo, b.hi, b.count) for b in bins if b.count] == [(20.0, 100.0, 7)]
    assert json.loads(json.dumps(bench.to_dict()))["bins"]["overall"][-1] == [20.0, 100.0, 7]
