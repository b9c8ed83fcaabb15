"""Staff analytics on hand-made frames whose answers can be worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from readiness import analytics
from readiness.cohorts import Cohort

NAN = float("nan")


def frame(rows: list[tuple]) -> pd.DataFrame:
    """(ksic, wave, overall, EXP, stage[, region]) per assessment, as assessment_frame shapes it."""
    records = []
    for n, row in enumerate(rows, start=1):
        ksic, wave, overall, exp, stage, *rest = row
        records.append(
            {
                "assessment_id": n,
                "company_id": n,
                "ksic": ksic,
                "region": rest[0] if rest else "41",
                "wave": wave,
                "overall": overall,
                "EXP": exp,
                "stage": stage,
            }
        )
    return pd.DataFrame.from_records(records)


# Sector C29: 6 companies; C10: 3 (fewer than 5); C20: 5, one without an EXP score.
WAVE_2026 = [
    ("C29", 2026, 60.0, 50.0, "leading"),
    ("C29", 2026, 70.0, 80.0, "leading"),
    ("C29", 2026, 40.0, 20.0, "promising"),
    ("C29", 2026, 80.0, 90.0, "champion"),
    ("C29", 2026, 50.0, 40.0, "leading"),
    ("C29", 2026, 20.0, 10.0, "beginner"),
    ("C10", 2026, 30.0, 30.0, "promising"),
    ("C10", 2026, 90.0, 60.0, "leading"),
    ("C10", 2026, 30.0, 90.0, "promising"),
    ("C20", 2026, 50.0, NAN, "leading"),
    ("C20", 2026, 50.0, 10.0, "leading"),
    ("C20", 2026, 50.0, 20.0, "leading"),
    ("C20", 2026, 50.0, 30.0, "leading"),
    ("C20", 2026, 50.0, 40.0, "leading"),
]


def test_heatmap_means_medians_and_n_per_cell() -> None:
    data = analytics.heatmap(frame(WAVE_2026), value_columns=["overall", "EXP"])
    at = {row: i for i, row in enumerate(data.rows)}
    c29, c10, c20 = at["C29"], at["C10"], at["C20"]
    assert data.values[c29].tolist() == pytest.approx([320 / 6, 290 / 6])
    assert data.values[c10].tolist() == pytest.approx([50.0, 60.0])
    assert data.values[c20].tolist() == pytest.approx([50.0, 25.0])  # the NaN is left out
    assert data.n[c29].tolist() == [6, 6]
    assert data.n[c20].tolist() == [5, 4]  # n per cell: the missing EXP score does not count
    median = analytics.heatmap(frame(WAVE_2026), value_columns=["overall", "EXP"], stat="median")
    assert median.values[c29].tolist() == pytest.approx([55.0, 45.0])
    assert median.values[c10].tolist() == pytest.approx([30.0, 60.0])
    assert median.stat == "median" and data.stat == "mean"


def test_heatmap_marks_cells_under_five_but_keeps_their_values() -> None:
    data = analytics.heatmap(frame(WAVE_2026), value_columns=["overall", "EXP"])
    low = dict(zip(data.rows, data.low_n.tolist(), strict=True))
    assert low == {"C29": [False, False], "C10": [True, True], "C20": [False, True]}
    assert not np.isnan(data.values).any()  # marked, never dropped
    assert data.rows == ("C29", "C10", "C20") and data.row_n == (6, 3, 5)
    assert data.total == 14 and data.synthetic == 0  # the frame has no synthetic column


def test_heatmap_counts_synthetic_assessments_for_the_demo_label() -> None:
    rows = frame(WAVE_2026).assign(synthetic=[True] * 4 + [False] * 10)
    assert analytics.heatmap(rows, value_columns=["overall"]).synthetic == 4


def test_heatmap_rows_go_by_mean_overall_then_by_code() -> None:
    # C29 53.3, then C10 and C20 tie at 50.0 and go by code; the order stays for medians.
    for stat in analytics.STATS:
        data = analytics.heatmap(frame(WAVE_2026), value_columns=["EXP"], stat=stat)
        assert data.rows == ("C29", "C10", "C20")
        assert data.row_key == pytest.approx((320 / 6, 50.0, 50.0))


def test_heatmap_lists_rows_without_assessments_last_with_n_zero() -> None:
    data = analytics.heatmap(
        frame(WAVE_2026), value_columns=["overall"], all_rows=["C12", "C29", "C11"]
    )
    assert data.rows == ("C29", "C10", "C20", "C11", "C12")
    assert data.n[-2:].tolist() == [[0], [0]] and data.low_n[-2:].all()
    assert np.isnan(data.values[-2:]).all() and data.row_n[-2:] == (0, 0)


def test_heatmap_groups_missing_row_ids_as_unknown() -> None:
    rows = [("C29", 2026, 10.0, 10.0, "beginner", None), ("C29", 2026, 20.0, 20.0, "beginner", "")]
    rows.append(("C29", 2026, 30.0, 30.0, "promising", "41"))
    data = analytics.heatmap(frame(rows), value_columns=["overall"], row="region")
    assert data.rows == ("41", analytics.UNKNOWN_ROW)
    assert data.values[:, 0].tolist() == [30.0, 15.0] and data.n[:, 0].tolist() == [1, 2]


def test_heatmap_refuses_an_unknown_statistic_or_column() -> None:
    with pytest.raises(ValueError, match="statistic"):
        analytics.heatmap(frame(WAVE_2026), value_columns=["EXP"], stat="mode")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="AI"):
        analytics.heatmap(frame(WAVE_2026), value_columns=["AI"])


def test_heatmap_of_an_empty_frame_is_empty() -> None:
    data = analytics.heatmap(frame(WAVE_2026).iloc[:0], value_columns=["overall", "EXP"])
    assert data.empty and data.rows == () and data.values.shape == (0, 2)


def test_stage_funnel_counts_each_stage_and_those_at_or_beyond_it() -> None:
    funnel = analytics.stage_funnel(
        ["beginner", "promising", "leading", "champion"], frame(WAVE_2026[:6])
    )
    assert funnel["count"].tolist() == [1, 1, 3, 1]
    assert funnel["reached"].tolist() == [6, 5, 4, 1]
    assert funnel["share"].tolist() == pytest.approx([1 / 6, 1 / 6, 0.5, 1 / 6])
    assert funnel["reached_share"].tolist() == pytest.approx([1.0, 5 / 6, 4 / 6, 1 / 6])
    empty = analytics.stage_funnel(["beginner", "promising"], frame(WAVE_2026).iloc[:0])
    assert empty["count"].tolist() == [0, 0] and empty["share"].isna().all()


def test_trend_gives_mean_median_and_n_per_wave() -> None:
    rows = [
        ("C29", 2025, 40.0, 30.0, "promising"),
        ("C29", 2025, 50.0, NAN, "leading"),
        ("C29", 2026, 60.0, 70.0, "leading"),
        ("C29", 2026, 70.0, 80.0, "leading"),
        ("C29", 2026, 95.0, 90.0, "champion"),
    ]
    out = analytics.trend(frame(rows), ["overall", "EXP"])
    assert out[["wave", "key"]].values.tolist() == [
        [2025, "overall"],
        [2026, "overall"],
        [2025, "EXP"],
        [2026, "EXP"],
    ]
    assert out["mean"].tolist() == pytest.approx([45.0, 75.0, 30.0, 80.0])
    assert out["median"].tolist() == pytest.approx([45.0, 70.0, 30.0, 80.0])
    assert out["n"].tolist() == [2, 3, 1, 3]


def test_quadrant_places_every_sector_by_mean_and_standard_deviation() -> None:
    quad = analytics.quadrant(frame(WAVE_2026), chosen="C10").set_index("ksic")
    assert list(quad.index) == ["C10", "C20", "C29"]
    assert quad.at["C29", "maturity"] == pytest.approx(320 / 6)
    assert quad.at["C29", "spread"] == pytest.approx(np.std([60, 70, 40, 80, 50, 20], ddof=1))
    assert quad.at["C20", "spread"] == 0.0
    assert quad.at["C10", "n"] == 3 and quad["chosen"].tolist() == [True, False, False]
    lone = analytics.quadrant(frame([("C11", 2026, 50.0, 50.0, "leading")]))
    assert math.isnan(lone.at[0, "spread"])  # one company has no spread


def items_frame() -> pd.DataFrame:
    rows = [
        ("EXP01", 2.0, 10),
        ("EXP02", 4.5, 10),
        ("EXP03", 1.0, 10),
        ("SRV01", 4.5, 8),
        ("SRV02", 3.0, 10),
        ("AI01", 1.5, 10),
        ("AI02", 0.5, 10),
        ("COL01", math.nan, 0),
        ("COL02", 4.0, 10),
    ]
    return pd.DataFrame(
        {
            "item_id": [r[0] for r in rows],
            "pillar": [r[0].rstrip("0123456789") for r in rows],
            "dimension": ["d"] * len(rows),
            "mean": [r[1] for r in rows],
            "n": [r[2] for r in rows],
            "na": [0] * len(rows),
        }
    )


def test_sector_profile_of_one_sector_in_one_wave() -> None:
    rows = [*WAVE_2026, ("C29", 2025, 30.0, 20.0, "promising"), ("C10", 2025, 10.0, 10.0, "x")]
    profile = analytics.sector_profile(frame(rows), ksic="C29", wave=2026, items=items_frame())
    assert profile.n == 6 and not profile.low_n
    assert sorted(profile.distributions["overall"]) == [20.0, 40.0, 50.0, 60.0, 70.0, 80.0]
    assert profile.keys == ("overall", "EXP")
    assert profile.funnel["count"].tolist() == [1, 1, 3, 1]
    assert profile.trend[profile.trend["key"] == "overall"]["n"].tolist() == [1, 6]
    # Ties by item id: EXP02 before SRV01; COL01 (n = 0) is in neither list.
    assert profile.strongest["item_id"].tolist() == ["EXP02", "SRV01", "COL02"]
    assert profile.weakest["item_id"].tolist() == ["AI02", "EXP03", "AI01"]
    quad = profile.quadrant.set_index("ksic")
    assert quad["chosen"].to_dict() == {"C10": False, "C20": False, "C29": True}
    assert quad.at["C10", "n"] == 3  # only the chosen wave
    assert profile.medians[0] == pytest.approx(50.0)  # median of 50, 50, 53.3
    assert profile.medians[1] == pytest.approx(float(quad["spread"].median()))


def test_sector_profile_of_a_sector_with_few_answers_is_marked_not_hidden() -> None:
    profile = analytics.sector_profile(frame(WAVE_2026), ksic="C10", wave=2026)
    assert profile.n == 3 and profile.low_n
    assert profile.strongest.empty and profile.weakest.empty  # no item frame given
    assert len(profile.distributions["EXP"]) == 3


def test_sector_profile_never_lists_an_item_as_both_strongest_and_weakest() -> None:
    few = items_frame().iloc[:4]
    profile = analytics.sector_profile(frame(WAVE_2026), ksic="C29", wave=2026, items=few)
    assert profile.strongest["item_id"].tolist() == ["EXP02", "SRV01", "EXP01"]
    assert profile.weakest["item_id"].tolist() == ["EXP03"]


def test_compare_reports_both_sides_and_the_difference() -> None:
    a = frame([("C29", 2026, v, v + 10, "leading") for v in (50.0, 60.0, 70.0)])
    b = frame([("C29", 2025, v, NAN, "leading") for v in (40.0, 50.0)])
    out = analytics.compare(a, b, keys=["overall", "EXP"])
    assert out.index.tolist() == ["overall", "EXP"]
    row = out.loc["overall"]
    assert (row["n_a"], row["n_b"]) == (3, 2)
    assert (row["mean_a"], row["mean_b"], row["difference"]) == pytest.approx((60.0, 45.0, 15.0))
    assert (row["median_a"], row["median_b"]) == pytest.approx((60.0, 45.0))
    assert row["sd_a"] == pytest.approx(10.0)
    # Welch: t = 15 / sqrt(100/3 + 50/2), df = 58.33^2 / ((33.3^2)/2 + 25^2) = 4.9
    assert row["t"] == pytest.approx(15 / math.sqrt(100 / 3 + 25), rel=1e-9)
    assert row["df"] == pytest.approx((100 / 3 + 25) ** 2 / ((100 / 3) ** 2 / 2 + 25**2))
    exp = out.loc["EXP"]
    assert exp["n_b"] == 0 and math.isnan(exp["mean_b"]) and math.isnan(exp["p_value"])
    assert not exp["notable"]


def test_compare_flags_a_clear_difference_and_not_noise() -> None:
    rng = np.random.default_rng(1)
    high = frame([("C29", 2026, float(v), 0.0, "x") for v in rng.normal(60, 10, 200)])
    low = frame([("C29", 2025, float(v), 0.0, "x") for v in rng.normal(50, 10, 200)])
    same = frame([("C29", 2025, float(v), 0.0, "x") for v in rng.normal(60, 10, 200)])
    assert analytics.compare(high, low, keys=["overall"]).at["overall", "notable"]
    assert not analytics.compare(high, same, keys=["overall"]).at["overall", "notable"]
    constant = frame([("C29", 2026, 50.0, 0.0, "x")] * 3)
    assert analytics.compare(constant, constant, keys=["EXP"]).at["EXP", "p_value"] == 1.0


@pytest.mark.parametrize(
    ("t", "df", "p"),
    [(2.0, 10, 0.07338803), (2.228138852, 10, 0.05), (1.959963985, 1e7, 0.05), (0.0, 3, 1.0)],
)
def test_t_test_p_values_match_published_tables(t: float, df: float, p: float) -> None:
    assert analytics.t_two_sided_p(t, df) == pytest.approx(p, abs=1e-6)
    assert analytics.t_two_sided_p(-t, df) == pytest.approx(p, abs=1e-6)


def test_t_quantile_inverts_the_distribution() -> None:
    assert analytics.t_quantile(0.975, 10) == pytest.approx(2.228138852, abs=1e-6)
    assert analytics.t_quantile(0.975, 1) == pytest.approx(12.70620474, abs=1e-5)


def test_cohort_takes_lists_and_stays_hashable() -> None:
    cohort = Cohort(waves=[2026], regions=["41", "26"], label="Gyeonggi and Busan")
    assert cohort.waves == (2026,) and cohort.regions == ("41", "26")
    assert hash(cohort) == hash(Cohort(waves=(2026,), regions=("41", "26"), label=cohort.label))
    narrowed = cohort.narrowed(ksic="C29", wave=2025)
    assert (narrowed.ksic, narrowed.waves, narrowed.regions) == (("C29",), (2025,), ("41", "26"))


def test_dimension_keys_follow_the_bank(tiny_bank) -> None:
    assert analytics.dimension_keys(tiny_bank) == ["XA.one", "XA.two", "XB.one", "XB.two"]
    assert analytics.split_dimension_key("XA.two") == ("XA", "two")
    assert analytics.score_columns(tiny_bank) == ["overall", "XA", "XB"]
