"""The peer fallback order is chosen from the data: on the synthetic population, a company whose own
division x size cell is too small is better represented by its size band than by its division."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from readiness import peers, synth
from readiness.bank import default_bank
from readiness.models import Assessment, Company


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    """One wave of 4,000 synthetic members: ksic, size band and the overall score of the full
    assessments that count in norms."""
    companies: list[dict] = []
    assessments: list[dict] = []
    for batch in synth.generate(
        default_bank(),
        companies=4000,
        waves=1,
        seed=11,
        first_company_id=1,
        first_assessment_id=1,
    ):
        companies += batch[Company]
        assessments += batch[Assessment]
    profile = pd.DataFrame(companies)[["id", "ksic", "size_band"]].rename(
        columns={"id": "company_id"}
    )
    scored = pd.DataFrame(assessments)
    scored = scored[(scored["mode"] == "full") & scored["norm_eligible"]]
    return scored[["company_id", "overall"]].dropna().merge(profile, on="company_id")


def _eta_squared(frame: pd.DataFrame, by: str) -> float:
    grand = frame["overall"].mean()
    groups = frame.groupby(by)["overall"]
    between = (groups.count() * (groups.mean() - grand) ** 2).sum()
    return float(between / ((frame["overall"] - grand) ** 2).sum())


def test_size_explains_more_of_the_score_than_division(population: pd.DataFrame) -> None:
    assert len(population) > 2000
    assert _eta_squared(population, "size_band") > 3 * _eta_squared(population, "ksic")


def test_the_size_band_is_closer_to_a_companys_own_cell_than_its_division(
    population: pd.DataFrame,
) -> None:
    """For every cell with enough members to know its median, compare the two fallbacks."""
    size_gap, division_gap = [], []
    for (ksic, size_band), cell in population.groupby(["ksic", "size_band"]):
        if len(cell) < peers.MIN_GROUP:
            continue
        truth = cell["overall"].median()
        size_gap.append(
            abs(population.loc[population["size_band"] == size_band, "overall"].median() - truth)
        )
        division_gap.append(
            abs(population.loc[population["ksic"] == ksic, "overall"].median() - truth)
        )
    assert len(size_gap) >= 30
    assert np.mean(size_gap) < np.mean(division_gap)
    assert (
        np.mean(np.less(size_gap, division_gap)) > 0.6
    )  # closer for most cells, not on average only


def test_the_published_order_puts_the_size_band_before_the_division() -> None:
    assert peers.FALLBACKS == ("division_size", "size_band", "division", "all")
