"""Staff analytics read from a real database (SQLite and PostgreSQL): cohorts and their filters,
dimension scores computed in SQL, item means."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import pandas as pd
import pytest
import sqlalchemy as sa

from readiness import analytics, store, synth, workshops
from readiness.bank import Bank
from readiness.cohorts import Cohort
from readiness.db import read_session
from readiness.models import Answer, Assessment
from readiness.profile import CompanyProfile
from readiness.scoring import dimension_scores

WAVE = 2026


@dataclass(frozen=True)
class Membership:
    """300 synthetic members x 2 waves, plus hand-made real members (ids of what they hold)."""

    workshop_id: int
    resubmitted: int  # company with two full submissions in WAVE
    first_of_two: int  # its superseded submission
    second_of_two: int  # its latest submission
    draft: int  # a draft of the same company, never counted
    quick_in_workshop: int  # a quick scan taken in the workshop
    straight_lined: int  # a submission that norms leave out; staff still see it
    quick_then_full: tuple[int, int]  # one company's quick scan, then its full assessment
    real_companies: tuple[int, ...]


def _member(engine: sa.Engine, name: str, *, ksic: str, employees: int, region: str) -> int:
    profile = CompanyProfile(name=name, ksic=ksic, employees=employees, region=region)
    company, _ = store.create_company(engine=engine, profile=profile, actor="test")
    assert company.id is not None
    return company.id


def _submitted(
    engine: sa.Engine,
    bank: Bank,
    company_id: int,
    answers: dict[str, int | None],
    *,
    wave: int = WAVE,
    mode: str = "full",
    workshop_id: int | None = None,
) -> int:
    draft = store.start_assessment(
        engine=engine,
        company_id=company_id,
        wave=wave,
        mode=mode,
        bank=bank,
        workshop_id=workshop_id,
    )
    assert draft.id is not None
    store.submit_assessment(engine=engine, bank=bank, assessment_id=draft.id, answers=answers)
    return draft.id


def _varied(bank: Bank, *, base: int, quick: bool = False) -> dict[str, int | None]:
    items = [i for i in bank.items if i.quick or not quick]
    answers: dict[str, int | None] = {i.id: (base + n) % 6 for n, i in enumerate(items)}
    answers[items[1].id] = None  # one N/A
    return answers


@pytest.fixture
def membership(engine: sa.Engine, bank: Bank) -> Membership:
    synth.seed_demo(engine=engine, bank=bank, companies=300, waves=2, seed=7, last_wave=WAVE)
    room = workshops.create_workshop(engine=engine, title="Busan export day", actor="test")
    assert room.id is not None
    a = _member(engine, "한빛정밀", ksic="C29", employees=45, region="41")
    first = _submitted(engine, bank, a, _varied(bank, base=1))
    second = _submitted(engine, bank, a, _varied(bank, base=3))
    _submitted(engine, bank, a, _varied(bank, base=2), wave=WAVE - 1)
    draft = store.start_assessment(engine=engine, company_id=a, wave=WAVE, mode="full", bank=bank)
    b = _member(engine, "부산식품", ksic="C10", employees=5, region="26")
    quick = _submitted(
        engine, bank, b, _varied(bank, base=2, quick=True), mode="quick", workshop_id=room.id
    )
    c = _member(engine, "대성금속", ksic="C24", employees=400, region="11")
    flat = _submitted(engine, bank, c, {i.id: 3 for i in bank.items})
    d = _member(engine, "세진테크", ksic="C26", employees=120, region="41")
    d_quick = _submitted(engine, bank, d, _varied(bank, base=4, quick=True), mode="quick")
    d_full = _submitted(engine, bank, d, _varied(bank, base=0))
    assert draft.id is not None
    return Membership(
        workshop_id=room.id,
        resubmitted=a,
        first_of_two=first,
        second_of_two=second,
        draft=draft.id,
        quick_in_workshop=quick,
        straight_lined=flat,
        quick_then_full=(d_quick, d_full),
        real_companies=(a, b, c, d),
    )


def _expected_latest(engine: sa.Engine) -> set[int]:
    """The latest submission per company and wave, worked out in Python from every row."""
    with read_session(engine) as session:
        rows = session.exec(sa.select(Assessment).where(Assessment.status == "submitted")).all()
    latest: dict[tuple[int, int], Assessment] = {}
    for (row,) in rows:
        key = (row.company_id, row.wave)
        if key not in latest or (row.submitted_at, row.id) > (
            latest[key].submitted_at,
            latest[key].id,
        ):
            latest[key] = row
    return {int(a.id) for a in latest.values()}  # type: ignore[arg-type]


def test_cohort_holds_every_latest_submission_once(
    engine: sa.Engine, membership: Membership
) -> None:
    frame = analytics.assessment_frame(engine=engine, cohort=Cohort())
    assert list(frame.columns) == [*store.ANALYTICS_COLUMNS, "EXP", "SRV", "AI", "COL"]
    assert set(frame["assessment_id"]) == _expected_latest(engine)
    assert not frame.duplicated(["company_id", "wave"]).any()
    ids = set(frame["assessment_id"])
    assert membership.second_of_two in ids and membership.first_of_two not in ids
    assert membership.draft not in ids
    assert membership.straight_lined in ids  # staff see what the norms leave out
    assert frame["wave"].is_monotonic_increasing
    # Overall exists exactly where every pillar is scored; incomplete ones lack some.
    unscored = frame[["EXP", "SRV", "AI", "COL"]].isna().any(axis=1)
    assert (frame["overall"].isna() == unscored).all()
    assert frame["overall"].notna().mean() > 0.9


def test_cohort_scores_are_the_stored_ones(engine: sa.Engine, membership: Membership) -> None:
    frame = analytics.assessment_frame(engine=engine, cohort=Cohort(waves=(WAVE,)))
    row = frame.set_index("assessment_id").loc[membership.second_of_two]
    stored = store.get_assessment(engine=engine, assessment_id=membership.second_of_two)
    scores = store.pillar_scores_of(engine=engine, assessment_id=membership.second_of_two)
    assert stored is not None
    assert row["overall"] == pytest.approx(stored.overall)
    assert row["stage"] == stored.stage and row["completeness"] == pytest.approx(1.0)
    for pid, score in scores.items():
        assert row[pid] == pytest.approx(score.score)
    assert row["name"] == "한빛정밀" and row["ksic"] == "C29" and row["size_band"] == "10-49"
    assert not row["synthetic"] and pd.isna(row["workshop_id"])


@pytest.mark.parametrize(
    ("cohort", "keep"),
    [
        (Cohort(waves=(WAVE,)), lambda f: f["wave"] == WAVE),
        (Cohort(size_bands=("300+", "1-9")), lambda f: f["size_band"].isin(["300+", "1-9"])),
        (Cohort(regions=("26",)), lambda f: f["region"] == "26"),
        (Cohort(ksic=("C10", "C29")), lambda f: f["ksic"].isin(["C10", "C29"])),
        (Cohort(include_synthetic=False), lambda f: ~f["synthetic"]),
        (
            Cohort(waves=(WAVE,), regions=("41",), include_synthetic=False),
            lambda f: (f["wave"] == WAVE) & (f["region"] == "41") & ~f["synthetic"],
        ),
    ],
    ids=["wave", "size-band", "region", "ksic", "no-synthetic", "combined"],
)
def test_company_and_wave_filters_select_what_filtering_the_whole_frame_does(
    engine: sa.Engine, membership: Membership, cohort: Cohort, keep
) -> None:
    everyone = analytics.assessment_frame(engine=engine, cohort=Cohort())
    expected = everyone[keep(everyone)]
    frame = analytics.assessment_frame(engine=engine, cohort=cohort)
    assert not expected.empty
    assert frame["assessment_id"].tolist() == expected["assessment_id"].tolist()


def test_synthetic_off_leaves_only_real_members(engine: sa.Engine, membership: Membership) -> None:
    frame = analytics.assessment_frame(engine=engine, cohort=Cohort(include_synthetic=False))
    assert set(frame["company_id"]) == set(membership.real_companies)
    assert not frame["synthetic"].any()


def test_mode_and_workshop_filters_pick_the_latest_matching_submission(
    engine: sa.Engine, membership: Membership
) -> None:
    quick_scan, full = membership.quick_then_full
    everyone = set(analytics.assessment_frame(engine=engine, cohort=Cohort())["assessment_id"])
    assert full in everyone and quick_scan not in everyone
    quick = analytics.assessment_frame(engine=engine, cohort=Cohort(modes=("quick",)))
    assert set(quick["mode"]) == {"quick"}
    assert {quick_scan, membership.quick_in_workshop} <= set(quick["assessment_id"])
    room = analytics.assessment_frame(
        engine=engine, cohort=Cohort(workshop_ids=(membership.workshop_id,))
    )
    assert room["assessment_id"].tolist() == [membership.quick_in_workshop]
    assert room["workshop_id"].tolist() == [membership.workshop_id]


def _answers(engine: sa.Engine, ids: list[int]) -> dict[int, dict[str, int | None]]:
    with read_session(engine) as session:
        rows = session.exec(sa.select(Answer).where(Answer.assessment_id.in_(ids))).all()  # type: ignore[attr-defined]
    out: dict[int, dict[str, int | None]] = {i: {} for i in ids}
    for (row,) in rows:
        out[row.assessment_id][row.item_id] = row.level
    return out


def test_dimension_scores_in_sql_equal_the_published_formula_in_python(
    engine: sa.Engine, bank: Bank, membership: Membership
) -> None:
    frame = analytics.dimension_frame(engine=engine, bank=bank, cohort=Cohort(waves=(WAVE,)))
    keys = analytics.dimension_keys(bank)
    assert list(frame.columns[-len(keys) :]) == keys
    sample = random.Random(3).sample(frame["assessment_id"].tolist(), 25)
    sample += [membership.second_of_two, membership.quick_in_workshop, membership.straight_lined]
    answers = _answers(engine, sample)
    by_id = frame.set_index("assessment_id")
    for assessment_id in sample:
        expected = dimension_scores(bank, answers[assessment_id])
        for key in keys:
            got = by_id.at[assessment_id, key]
            want = expected[analytics.split_dimension_key(key)]
            if want is None:
                assert math.isnan(got), (assessment_id, key)
            else:
                assert got == pytest.approx(want), (assessment_id, key)
    # A quick scan answers only quick items: its other dimensions have no score.
    quick_row = by_id.loc[membership.quick_in_workshop, keys]
    assert quick_row.notna().sum() < len(keys) // 2


def test_item_means_count_levels_and_not_applicable_apart(
    engine: sa.Engine, bank: Bank, membership: Membership
) -> None:
    cohort = Cohort(waves=(WAVE,), ksic=("C29",))
    ids = analytics.assessment_frame(engine=engine, cohort=cohort)["assessment_id"].tolist()
    answers = _answers(engine, ids)
    items = analytics.item_frame(engine=engine, bank=bank, cohort=cohort).set_index("item_id")
    assert list(items.index) == [i.id for i in bank.items]
    for item in bank.items:
        given = [a[item.id] for a in answers.values() if item.id in a]
        levels = [v for v in given if v is not None]
        assert items.at[item.id, "n"] == len(levels)
        assert items.at[item.id, "na"] == len(given) - len(levels)
        assert items.at[item.id, "mean"] == pytest.approx(sum(levels) / len(levels))
        assert items.at[item.id, "pillar"] == item.pillar


def test_an_empty_cohort_gives_empty_frames_with_every_column(
    engine: sa.Engine, bank: Bank, membership: Membership
) -> None:
    nobody = Cohort(waves=(1999,))
    frame = analytics.assessment_frame(engine=engine, cohort=nobody)
    assert frame.empty and list(frame.columns)[:3] == ["assessment_id", "company_id", "name"]
    dims = analytics.dimension_frame(engine=engine, bank=bank, cohort=nobody)
    assert dims.empty and list(dims.columns[-2:]) == analytics.dimension_keys(bank)[-2:]
    items = analytics.item_frame(engine=engine, bank=bank, cohort=nobody)
    assert len(items) == len(bank.items) and (items["n"] == 0).all()
    assert analytics.heatmap(frame, value_columns=["overall"]).empty
