"""The synthetic members match published marginals and answer consistently with their profile."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from readiness import synth
from readiness.bank import Bank, default_bank

COMPANIES, SEED = 4000, 20260

# EXP02's ladder, written out here independently of the generator: direct export share of sales,
# 0 none, 1 under 1 %, 2 1 to under 10 %, 3 10 to under 30 %, 4 30 to under 50 %, 5 50 % or more.
EXPORT_LADDER_LOWER_EDGES = (0.01, 0.10, 0.30, 0.50)


def _ladder_level(share: float) -> int:
    if share == 0:
        return 0
    return 1 + sum(share >= lower for lower in EXPORT_LADDER_LOWER_EDGES)


@pytest.fixture(scope="module")
def bank() -> Bank:
    bank = default_bank()
    if not synth.default_calibration().applies_to(bank):
        pytest.skip(f"the calibration is made for bank v2; the default bank is {bank.version}")
    return bank


@pytest.fixture(scope="module")
def data(bank: Bank) -> dict[str, pd.DataFrame]:
    return synth.frames(
        synth.generate(
            bank,
            companies=COMPANIES,
            waves=1,
            seed=SEED,
            first_company_id=1,
            first_assessment_id=1,
        )
    )


@pytest.fixture(scope="module")
def answers(data: dict[str, pd.DataFrame]) -> pd.DataFrame:
    companies = data["company"].rename(columns={"id": "company_id"})
    return (
        data["answer"]
        .merge(data["assessment"][["id", "company_id"]], left_on="assessment_id", right_on="id")
        .merge(companies[["company_id", "export_share"]], on="company_id")
    )


def test_every_marginal_is_within_its_stated_tolerance(data: dict[str, pd.DataFrame]) -> None:
    checks = synth.measure(synth.default_calibration(), data)
    assert len(checks) == len(synth.default_calibration().targets)
    missed = [
        f"{c.target.id} {c.target.size_band or c.target.reweight or ''}: "
        f"{c.synthetic} vs {c.target.value} +/- {c.target.tolerance} (n={c.n})"
        for c in checks
        if not c.ok
    ]
    assert not missed, "\n".join(missed)
    assert all(c.n > 0 for c in checks)


def test_export_share_item_follows_the_profile_for_every_company(answers: pd.DataFrame) -> None:
    exp02 = answers[answers["item_id"] == "EXP02"]
    assert exp02["level"].notna().all()  # a fact, never "not applicable"
    expected = exp02["export_share"].map(_ladder_level)
    assert (exp02["level"] == expected).all()
    assert set(exp02["level"]) == set(range(6))


def test_non_exporters_never_report_repeat_orders_from_a_country(answers: pd.DataFrame) -> None:
    exp03 = answers[answers["item_id"] == "EXP03"]
    none = exp03[exp03["export_share"] == 0]
    assert len(none) > 500
    assert (none["level"] <= 1).all()
    assert (exp03.loc[exp03["export_share"] >= 0.5, "level"] >= 3).all()


def test_no_critical_item_is_ever_not_applicable(answers: pd.DataFrame, bank: Bank) -> None:
    critical = {i.id for i in bank.items if i.critical}
    na = answers[answers["level"].isna()]
    assert len(na) > 0
    assert not set(na["item_id"]) & critical


def _eta_squared(frame: pd.DataFrame, group: str, value: str) -> float:
    frame = frame.dropna(subset=[value])
    mean = frame[value].mean()
    between = frame.groupby(group)[value].apply(lambda s: len(s) * (s.mean() - mean) ** 2).sum()
    return float(between / ((frame[value] - mean) ** 2).sum())


def test_size_explains_far_more_of_the_score_than_division(data: dict[str, pd.DataFrame]) -> None:
    companies = data["company"].rename(columns={"id": "company_id"})
    full = data["assessment"].merge(companies, on="company_id")
    full = full[(full["mode"] == "full") & full["norm_eligible"]]
    size, division = (
        _eta_squared(full, "size_band", "overall"),
        _eta_squared(full, "ksic", "overall"),
    )
    assert size > 5 * division
    assert size > 0.1


def test_suppliers_depend_more_on_their_largest_customer(
    answers: pd.DataFrame, data: dict[str, pd.DataFrame], bank: Bank
) -> None:
    companies = data["company"].set_index("id")
    segment = {
        cid: bank.segment_for(row["ksic"], row["roles"], row["products"])
        for cid, row in companies.iterrows()
    }
    exp05 = answers[answers["item_id"] == "EXP05"].dropna(subset=["level"])
    kind = exp05["company_id"].map(segment)
    assert (
        exp05.loc[kind == "component", "level"].mean()
        < exp05.loc[kind != "component", "level"].mean()
    )


def test_the_calibration_file_is_strict(tmp_path: Path) -> None:
    text = synth.CALIBRATION_PATH.read_text(encoding="utf-8")
    path = tmp_path / "calibration.yaml"
    path.write_text(text.replace("as_of: 2025", "as_of: 2025\nunknown_field: 1"), "utf-8")
    with pytest.raises(synth.CalibrationError, match="unknown_field"):
        synth.load_calibration(path)
    path.write_text(text.replace("source: smart_factory_2024", "source: nowhere", 1), "utf-8")
    with pytest.raises(synth.CalibrationError, match="unknown source 'nowhere'"):
        synth.load_calibration(path)
    path.write_text(text.replace('size_band: "300+"', 'size_band: "500+"', 1), "utf-8")
    with pytest.raises(synth.CalibrationError, match="unknown size band"):
        synth.load_calibration(path)


def test_every_target_names_a_published_source() -> None:
    calibration = synth.load_calibration()
    assert calibration.as_of >= 2024
    assert "rounded" in calibration.note
    for target in calibration.targets:
        source = calibration.sources[target.source]
        assert source.publisher and source.title and source.year
        assert 0 < target.tolerance < 0.2
