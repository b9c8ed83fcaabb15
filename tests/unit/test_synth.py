"""The synthetic membership: deterministic, realistic in shape, scored by the one method."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlmodel import select

from readiness import peers, reference, store, synth
from readiness.bank import Bank, default_bank
from readiness.db import make_engine, read_session, upgrade
from readiness.models import Answer, Assessment, AuditEvent, Company, PillarScoreRow
from readiness.scoring import score_assessment

COMPANIES, WAVES, SEED = 400, 3, 11


@pytest.fixture(scope="module")
def bank() -> Bank:
    return default_bank()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, bank: Bank) -> Iterator[sa.Engine]:
    """One SQLite file with 400 companies x 3 waves, shared by the read-only tests below."""
    path = tmp_path_factory.mktemp("synth") / "readiness.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    synth.seed_demo(engine=engine, bank=bank, companies=COMPANIES, waves=WAVES, seed=SEED)
    yield engine
    engine.dispose()


def _frame(engine: sa.Engine, table: str) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(sa.text(f"SELECT * FROM {table}"), conn)


@pytest.fixture(scope="module")
def assessments(seeded: sa.Engine) -> pd.DataFrame:
    companies = _frame(seeded, "company").rename(columns={"id": "company_id"})
    return _frame(seeded, "assessment").merge(companies, on="company_id", suffixes=("", "_c"))


def _rows(bank: Bank, **kwargs: int) -> dict[str, list[dict]]:
    """Every generated row, per table, whatever the batching."""
    out: dict[str, list[dict]] = {}
    for batch in synth.generate(bank, first_company_id=1, first_assessment_id=1, **kwargs):
        for model, rows in batch.items():
            out.setdefault(model.__tablename__, []).extend(rows)
    return out


def test_same_seed_gives_identical_rows_and_another_seed_does_not(bank: Bank) -> None:
    first = _rows(bank, companies=120, waves=3, seed=5)
    assert _rows(bank, companies=120, waves=3, seed=5) == first
    assert _rows(bank, companies=120, waves=3, seed=5, batch_companies=17) == first
    other = _rows(bank, companies=120, waves=3, seed=6)
    assert other["company"] != first["company"]
    assert other["answer"] != first["answer"]


def test_seeding_the_same_seed_twice_stores_the_same_data(
    tmp_path: Path, seeded: sa.Engine, bank: Bank
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'again.db'}")
    upgrade(engine)
    synth.seed_demo(engine=engine, bank=bank, companies=COMPANIES, waves=WAVES, seed=SEED)
    for table in ("company", "assessment", "answer", "pillar_score"):
        pd.testing.assert_frame_equal(_frame(engine, table), _frame(seeded, table))
    engine.dispose()


def test_every_row_is_flagged_synthetic_and_has_no_private_link(seeded: sa.Engine) -> None:
    companies = _frame(seeded, "company")
    assert len(companies) == COMPANIES
    assert companies["synthetic"].astype(bool).all()
    assert companies["token_hash"].isna().all()
    assert companies["name"].is_unique
    assert store.summary(engine=seeded).synthetic_companies == COMPANIES


def test_profiles_are_valid_and_consistent(seeded: sa.Engine) -> None:
    companies = _frame(seeded, "company")
    assert set(companies["ksic"]) <= set(reference.ksic_codes())
    assert set(companies["region"]) <= set(reference.region_codes())
    assert (companies["size_band"] == companies["employees"].map(reference.size_band_for)).all()
    assert companies["export_share"].between(0, 1).all()
    roles = companies["roles"].map(json.loads)
    assert roles.map(len).between(1, 2).all()
    assert set(roles.explode()) <= set(reference.role_ids())
    markets = companies["markets"].map(json.loads)
    assert set(markets.explode().dropna()) <= set(reference.market_ids())
    assert (markets.map(len) > 0).eq(companies["export_share"] > 0).all()
    assert not (companies["consent_named"] & ~companies["consent_suggest"]).any()
    assert 0.5 < companies["consent_suggest"].mean() < 0.7
    assert 0.3 < companies["consent_named"].mean() < 0.5
    assert (companies["products"].str.len() > 0).all()
    # revenue bands are listed smallest first; bigger firms sit in higher bands
    rank = {band: i for i, band in enumerate(reference.revenue_band_ids())}
    by_size = companies.assign(r=companies["revenue_band"].map(rank)).groupby("size_band")["r"]
    assert by_size.mean()["1-9"] < by_size.mean()["10-49"] < by_size.mean()["50-299"]


def test_size_bands_are_heavy_tailed(seeded: sa.Engine) -> None:
    share = _frame(seeded, "company")["size_band"].value_counts(normalize=True)
    assert share["10-49"] == share.max()
    assert share["300+"] < 0.08


def test_every_division_and_region_appears_at_2000_companies(bank: Bank) -> None:
    companies = _rows(bank, companies=2000, waves=1, seed=3)["company"]
    assert {c["ksic"] for c in companies} == set(reference.ksic_codes())
    regions = pd.Series([c["region"] for c in companies]).value_counts()
    assert set(regions.index) == set(reference.region_codes())
    assert regions.idxmax() == "41"  # Gyeonggi


def test_stored_scores_equal_score_assessment_on_stored_answers(
    seeded: sa.Engine, bank: Bank
) -> None:
    with read_session(seeded) as session:
        answers: dict[int, dict[str, int | None]] = {}
        for row in session.exec(select(Answer)):
            answers.setdefault(row.assessment_id, {})[row.item_id] = row.level
        pillars: dict[int, dict[str, PillarScoreRow]] = {}
        for row in session.exec(select(PillarScoreRow)):
            pillars.setdefault(row.assessment_id, {})[row.pillar] = row
        stored = session.exec(select(Assessment)).all()
    assert stored
    for a in stored:
        result = score_assessment(bank, answers[a.id], mode=a.mode)
        assert a.status == "submitted"
        assert a.bank_version == bank.version
        assert a.overall == pytest.approx(result.overall)
        assert a.stage == result.stage
        assert a.completeness == pytest.approx(peers.overall_completeness(result))
        assert a.norm_eligible == peers.is_norm_eligible(result, answers[a.id])
        assert set(pillars[a.id]) == set(result.pillars)
        for pid, p in result.pillars.items():
            row = pillars[a.id][pid]
            assert row.score == pytest.approx(p.score)
            assert row.completeness == pytest.approx(p.completeness)
            assert row.weakest_level == p.weakest_level


def test_assessments_mix_quick_incomplete_and_straight_lined(
    assessments: pd.DataFrame, bank: Bank
) -> None:
    quick = assessments["mode"] == "quick"
    assert 0.08 < quick.mean() < 0.25
    incomplete = assessments["completeness"] < peers.NORM_MIN_COMPLETENESS
    assert incomplete.any()
    assert not assessments.loc[incomplete, "norm_eligible"].any()
    assert (assessments.loc[incomplete, "mode"] == "full").all()
    # complete yet left out of norms: straight-lined
    assert (~incomplete & ~assessments["norm_eligible"].astype(bool)).any()
    assert assessments["norm_eligible"].mean() > 0.85


def test_some_answers_are_not_applicable(seeded: sa.Engine) -> None:
    answers = _frame(seeded, "answer")
    assert 0.01 < answers["level"].isna().mean() < 0.06


def test_larger_firms_score_higher_on_average(assessments: pd.DataFrame) -> None:
    by_band = assessments.groupby("size_band")["overall"].mean()
    assert by_band["1-9"] < by_band["10-49"] < by_band["50-299"]


def test_export_active_firms_score_higher_on_average(
    assessments: pd.DataFrame, seeded: sa.Engine
) -> None:
    exporter = assessments["export_share"] > 0
    assert (
        assessments.loc[exporter, "overall"].mean() > assessments.loc[~exporter, "overall"].mean()
    )
    scores = _frame(seeded, "pillar_score").merge(
        assessments[["id", "export_share"]], left_on="assessment_id", right_on="id"
    )
    exp = scores[scores["pillar"] == "EXP"]
    assert (
        exp.loc[exp["export_share"] > 0, "score"].mean()
        > exp.loc[exp["export_share"] == 0, "score"].mean() + 10
    )


def test_ai_and_servitization_are_the_lowest_pillars_on_average(seeded: sa.Engine) -> None:
    means = _frame(seeded, "pillar_score").groupby("pillar")["score"].mean()
    assert set(means.index) == {"EXP", "SRV", "AI", "COL"}
    for low in ("AI", "SRV"):  # few smart factories beyond the basic level; paid services rare
        for pillar in ("EXP", "COL"):
            assert means[low] < means[pillar]
        assert means[low] < 45  # levels are typically 1-2 of 5


def test_machinery_makers_are_further_in_servitization(
    assessments: pd.DataFrame, seeded: sa.Engine
) -> None:
    scores = _frame(seeded, "pillar_score").merge(
        assessments[["id", "ksic"]], left_on="assessment_id", right_on="id"
    )
    srv = scores[scores["pillar"] == "SRV"]
    machinery = srv["ksic"].isin(["C27", "C28", "C29"])
    assert srv.loc[machinery, "score"].mean() > srv.loc[~machinery, "score"].mean()


def test_returning_members_improve_across_waves(assessments: pd.DataFrame) -> None:
    waves = sorted(assessments["wave"].unique())
    assert waves == list(range(2026 - WAVES + 1, 2027))
    wide = assessments.pivot_table(index="company_id", columns="wave", values="overall")
    both = wide[[waves[0], waves[-1]]].dropna()
    assert len(both) > 50
    gain = (both[waves[-1]] - both[waves[0]]).mean()
    assert 0 < gain < 20


def test_not_every_member_takes_every_wave(assessments: pd.DataFrame) -> None:
    per_company = assessments.groupby("company_id")["wave"].nunique()
    assert per_company.min() >= 1
    assert (per_company < WAVES).any()
    assert 0.6 < len(assessments) / (COMPANIES * WAVES) < 0.9
    assert not assessments.duplicated(["company_id", "wave"]).any()


def test_seeding_is_audited_once_and_the_chain_stays_intact(seeded: sa.Engine) -> None:
    with read_session(seeded) as session:
        assert store.verify_audit(engine=seeded).ok
        events = session.exec(select(AuditEvent)).all()
    assert [e.action for e in events] == ["demo.seed"]
    detail = json.loads(events[0].detail)
    assert detail["company"] == COMPANIES
    assert detail["synthetic"] is True
    assert detail["seed"] == SEED


def test_ensure_demo_seeds_an_empty_database_once(sqlite_url: str, bank: Bank) -> None:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    assert synth.ensure_demo(engine=engine, bank=bank, companies=60, waves=2) is True
    assert synth.ensure_demo(engine=engine, bank=bank, companies=60, waves=2) is False
    facts = store.summary(engine=engine)
    assert facts.companies == facts.synthetic_companies == 60
    with read_session(engine) as session:
        assert [e.action for e in session.exec(select(AuditEvent)).all()] == ["demo.seed"]
    engine.dispose()


def test_ensure_demo_leaves_a_database_with_members_alone(sqlite_url: str, bank: Bank) -> None:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    with read_session(engine) as session:
        assert session.exec(select(Company)).first() is None
    synth.seed_demo(engine=engine, bank=bank, companies=5, waves=1, seed=1)
    assert synth.ensure_demo(engine=engine, bank=bank, companies=60, waves=2) is False
    assert store.summary(engine=engine).companies == 5
    engine.dispose()


def test_seed_only_if_empty_rechecks_inside_the_transaction(sqlite_url: str, bank: Bank) -> None:
    """What protects a racing second seeder: the check made after the write lock is taken."""
    engine = make_engine(sqlite_url)
    upgrade(engine)
    synth.seed_demo(engine=engine, bank=bank, companies=5, waves=1, seed=1)
    with pytest.raises(synth.DemoAlreadySeeded):
        synth.seed_demo(engine=engine, bank=bank, companies=5, waves=1, seed=2, only_if_empty=True)
    assert store.summary(engine=engine).companies == 5
    engine.dispose()


def test_ensure_demo_reads_sizes_from_the_environment(
    sqlite_url: str, bank: Bank, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READINESS_DEMO_COMPANIES", "25")
    monkeypatch.setenv("READINESS_DEMO_WAVES", "2")
    engine = make_engine(sqlite_url)
    upgrade(engine)
    assert synth.ensure_demo(engine=engine, bank=bank) is True
    facts = store.summary(engine=engine)
    assert facts.companies == 25
    assert facts.waves[-1] == 2026 and len(facts.waves) <= 2
    engine.dispose()


def test_readiness_demo_0_turns_the_demo_off(
    sqlite_url: str, bank: Bank, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READINESS_DEMO", "0")
    engine = make_engine(sqlite_url)
    upgrade(engine)
    assert synth.ensure_demo(engine=engine, bank=bank, companies=10, waves=1) is False
    assert store.is_empty(engine=engine)
    engine.dispose()


def test_a_malformed_demo_size_names_the_variable(
    sqlite_url: str, bank: Bank, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READINESS_DEMO_COMPANIES", "lots")
    engine = make_engine(sqlite_url)
    with pytest.raises(ValueError, match="READINESS_DEMO_COMPANIES"):
        synth.ensure_demo(engine=engine, bank=bank)
    engine.dispose()
