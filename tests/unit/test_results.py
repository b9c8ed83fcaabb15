"""A company's results, assembled once: the previous assessment, the top-3 cuts, the weakest links,
and the CSV/JSON downloads (spreadsheet formulas neutralised, no individual peer value)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import pandas as pd
import pytest
import sqlalchemy as sa

from readiness import partners, peers, store, synth
from readiness.advice import next_steps
from readiness.bank import Bank, default_bank
from readiness.clusters import Match
from readiness.db import make_engine, upgrade
from readiness.models import Assessment, Company, PillarScoreRow
from readiness.profile import CompanyProfile
from readiness.results import (
    RESULT_COLUMNS,
    CompanyResults,
    WeakestItem,
    company_results,
    peer_dimension_frame,
    previous_assessment,
    result_csv,
    result_json,
    result_rows,
    weakest_items,
)
from readiness.scoring import dimension_scores, score_assessment

FORMULA_NAME = '=HYPERLINK("http://evil.example","click")'


def _assessment(id_: int, wave: int, month: int, **changes: object) -> Assessment:
    return Assessment(
        id=id_,
        company_id=1,
        wave=wave,
        mode="full",
        status="submitted",
        bank_version="test-1",
        submitted_at=datetime(wave, month, 1, 9, 0, tzinfo=UTC),
        **changes,
    )


def _match(name: str, score: float) -> Match:
    return Match(
        display_name=name,
        named=True,
        ksic="C29",
        size_band="10-49",
        region=None,
        roles=("components",),
        products="",
        score=score,
        role_fit=1.0,
        strength=score,
        shared_markets=(),
        covers=(),
        reasons=(),
        synthetic=False,
    )


def _suggestion(n: int) -> partners.Suggestion:
    return partners.Suggestion(
        type=f"type{n}",
        name=f"partner {n}",
        fit=1 - n / 10,
        reasons=(),
        cautions=(),
        what="",
        when="",
        prepare="",
        first_steps=(),
    )


# --- the previous assessment ----------------------------------------------------------------------


def test_previous_is_the_latest_submitted_before_the_chosen_one() -> None:
    a24, a25, a26 = _assessment(1, 2024, 3), _assessment(2, 2025, 3), _assessment(3, 2026, 3)
    newest_first = [a26, a25, a24]
    assert previous_assessment(newest_first, a26) is a25
    assert previous_assessment(newest_first, a25) is a24
    assert previous_assessment(newest_first, a24) is None
    assert previous_assessment([a24, a26, a25], a26) is a25  # whatever the order given


def test_previous_of_two_submitted_at_the_same_moment_is_the_lower_id() -> None:
    first, second = _assessment(4, 2025, 3), _assessment(9, 2025, 3)
    assert previous_assessment([second, first], second) is first
    assert previous_assessment([second, first], first) is None


# --- from the database ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[sa.Engine, Bank, Company, list]:
    """60 synthetic members over three waves, and one real company with a full assessment in each
    wave, answering higher every year (levels 1, 2, 3 and 2, 3, 4 and 3, 4, 5 in turn)."""
    bank = default_bank()
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('results') / 'db.sqlite3'}")
    upgrade(engine)
    synth.seed_demo(engine=engine, bank=bank, companies=60, waves=3, seed=7, last_wave=2026)
    profile = CompanyProfile(
        name="한빛정밀",
        ksic="C29",
        employees=45,
        region="41",
        export_share=0.2,
        markets=["US", "VN"],
        roles=["components"],
    )
    company, _ = store.create_company(engine=engine, profile=profile)
    for n, wave in enumerate((2024, 2025, 2026)):
        draft = store.start_assessment(
            engine=engine, company_id=company.id, wave=wave, mode="full", bank=bank
        )
        answers = {item.id: min(5, 1 + n + i % 3) for i, item in enumerate(bank.items)}
        store.submit_assessment(engine=engine, bank=bank, assessment_id=draft.id, answers=answers)
    history = store.assessments_of(engine=engine, company_id=company.id)
    yield engine, bank, company, history
    engine.dispose()


def _results(
    stored: tuple,
    wave: int,
    members: list[Match] | None = None,
    peer_dimensions: Callable[[str | None, str | None], pd.DataFrame] | None = None,
) -> CompanyResults:
    engine, bank, company, history = stored
    chosen = next(a for a in history if a.wave == wave)
    return company_results(
        engine=engine,
        bank=bank,
        company=company,
        assessment=chosen,
        submitted=history,
        norm_frame=store.norm_frame(engine=engine, wave=wave),
        members=members or [],
        lang="en",
        peer_dimensions=peer_dimensions,
    )


def test_results_of_a_middle_wave_compare_with_the_wave_before(stored: tuple) -> None:
    engine, bank, _, history = stored
    by_wave = {a.wave: a for a in history}
    results = _results(stored, 2025)
    assert results.assessment.id == by_wave[2025].id
    assert results.previous is not None and results.previous.id == by_wave[2024].id
    before = store.pillar_scores_of(engine=engine, assessment_id=by_wave[2024].id)
    assert results.previous_score("overall") == by_wave[2024].overall
    for pid in bank.pillar_ids:
        assert results.previous_score(pid) == before[pid].score
        assert results.score(pid) > results.previous_score(pid)  # answered higher in 2025
    assert _results(stored, 2024).previous is None
    assert _results(stored, 2024).previous_score("overall") is None


def test_results_hold_answers_scores_peers_and_advice(stored: tuple) -> None:
    engine, bank, company, history = stored
    results = _results(stored, 2026)
    latest = next(a for a in history if a.wave == 2026)
    assert results.answers == store.answers_of(engine=engine, assessment_id=latest.id)
    assert results.score("overall") == latest.overall
    assert results.bench.group.n >= 5 and not results.peers_hidden
    assert results.peer_synthetic  # the peers are the synthetic demo members
    assert 1 <= len(results.steps) <= 3
    assert results.weakest == weakest_items(bank, results.answers)
    catalog = partners.load_catalog()

    def suggest(group: str, limit: int) -> list[partners.Suggestion]:
        return partners.suggest(
            catalog,
            bank,
            profile=company,
            answers=results.answers,
            lang="en",
            limit=limit,
            group=group,
        )

    # market partners (up to five) and capability partners (up to three), kept apart
    assert list(results.market_partners) == suggest("market", 5)
    assert list(results.capability_partners) == suggest("capability", 3)
    assert results.capability_partners  # this profile gets both groups
    assert {s.group for s in results.top_partners} == {"market"}
    assert list(results.partners) == suggest("market", 5) + suggest("capability", 3)


def test_next_step_targets_are_the_peer_groups_dimension_p75_without_the_company(
    stored: tuple,
) -> None:
    """The targets come from the peers' dimension scores, the company's own never among them, also
    when a frame the whole group shares (the page's cached copy) holds the company's row."""
    engine, bank, company, history = stored
    latest = next(a for a in history if a.wave == 2026)
    frame = store.norm_frame(engine=engine, wave=2026)
    results = _results(stored, 2026)

    group = results.bench.group
    _, rows = peers.select_group(
        frame, ksic=company.ksic, size_band=company.size_band, exclude_company_id=company.id
    )
    ids = rows["assessment_id"].tolist()
    peer_answers = store.answers_of_many(engine=engine, assessment_ids=ids)
    by_dimension: dict[str, list[float]] = {}
    for answers in peer_answers.values():
        for (pid, dim), score in dimension_scores(bank, answers).items():
            if score is not None:
                by_dimension.setdefault(f"{pid}.{dim}", []).append(score)
    expected_p75 = {key: peers.summarize(v).p75 for key, v in by_dimension.items()}
    expected = next_steps(
        bank, results.answers, peer_p75={**results.bench.p75, **expected_p75}, goal=latest.goal
    )
    assert list(results.steps) == expected

    shared = peer_dimension_frame(engine, bank, frame, group.ksic, group.size_band)
    own = peers.dimension_frame(bank, {-1: company.id}, {-1: {i.id: 5 for i in bank.items}})
    with_own = pd.concat([shared, own])  # the company at the top of every dimension
    assert (with_own["company_id"] == company.id).any()
    cached = _results(stored, 2026, peer_dimensions=lambda ksic, size_band: with_own)
    assert cached.steps == results.steps


def test_a_dimension_p75_leaves_the_company_out_and_stays_k_anonymous(tiny_bank: Bank) -> None:
    levels = {1: 1, 2: 2, 3: 3, 4: 4, 5: 5}  # assessment id -> the level of every answer
    answers = {aid: {item.id: level for item in tiny_bank.items} for aid, level in levels.items()}
    companies = {aid: 100 + aid for aid in levels}
    frame = peers.dimension_frame(tiny_bank, companies, answers)
    key = f"{tiny_bank.items[0].pillar}.{tiny_bank.items[0].dimension}"
    assert peers.dimension_p75(frame)[key] == 80.0  # levels 1-5 as scores 20-100
    # five peers but the company itself: four left, fewer than k, so no figure at all
    assert set(peers.dimension_p75(frame, exclude_company_id=105).values()) == {None}
    assert set(peers.dimension_p75(frame, exclude_company_id=105, k=4).values()) == {65.0}


def test_results_keep_the_three_best_members_and_show_three_partners_in_full(
    stored: tuple,
) -> None:
    ranked = [_match(f"member {n}", 0.9 - n / 10) for n in range(5)]
    results = _results(stored, 2026, members=ranked)
    assert [m.display_name for m in results.members] == ["member 0", "member 1", "member 2"]
    five = replace(results, partners=tuple(_suggestion(n) for n in range(5)))
    assert [s.name for s in five.top_partners] == ["partner 0", "partner 1", "partner 2"]
    assert [s.name for s in five.other_partners] == ["partner 3", "partner 4"]
    two = replace(results, partners=five.partners[:2])
    assert len(two.top_partners) == 2 and two.other_partners == ()


# --- weakest links --------------------------------------------------------------------------------


def test_weakest_item_is_the_lowest_answered_critical_item(tiny_bank: Bank) -> None:
    answers = {"XA01": 4, "XA02": 1, "XA03": 0, "XB01": None}  # XA03 is not critical
    weakest = weakest_items(tiny_bank, answers)
    assert weakest == {"XA": WeakestItem(item=tiny_bank.item("XA02"), level=1), "XB": None}


# --- downloads ------------------------------------------------------------------------------------


@pytest.fixture
def tiny_results(tiny_bank: Bank) -> CompanyResults:
    """A hand-made result on the tiny bank: three answers (one N/A), XA 80, XB 40, overall 70."""
    company = Company(id=1, name=FORMULA_NAME, ksic="C29", employees=45, size_band="10-49")
    assessment = _assessment(7, 2025, 5, overall=70.0, stage="leading")
    scores = {
        "XA": PillarScoreRow(assessment_id=7, pillar="XA", score=80.0, completeness=0.5),
        "XB": PillarScoreRow(
            assessment_id=7, pillar="XB", score=40.0, completeness=0.25, weakest_level=2
        ),
    }
    bench = peers.Benchmark(
        group=peers.PeerGroup(ksic="C29", size_band="10-49", fallback="division_size", n=12),
        k=5,
        suppressed=False,
        percentile={"overall": 75.0, "XA": 90.0, "XB": 25.0},
        median={"overall": 55.0, "XA": 60.0, "XB": 50.0},
        p75={"overall": 65.0, "XA": 70.0, "XB": 60.0},
        bins={"overall": (peers.ScoreBin(40.0, 100.0, 12),)},
        scored={"overall": 12, "XA": 12, "XB": 12},
    )
    answers = {"XB01": 2, "XA02": None, "XA01": 4}
    return CompanyResults(
        company=company,
        assessment=assessment,
        bank=tiny_bank,
        segment=None,
        scoring=score_assessment(tiny_bank, answers, validate=False),
        answers=answers,
        scores=scores,
        weakest=weakest_items(tiny_bank, answers),
        bench=bench,
        previous=None,
        previous_scores={},
        steps=(),
        partners=(),
        members=(),
    )


def test_result_rows_list_answers_in_bank_order_then_scores(
    tiny_bank: Bank, tiny_results: CompanyResults
) -> None:
    lead = [FORMULA_NAME, 2025, "full"]
    assert result_rows(tiny_results, tiny_bank, "en") == [
        [*lead, "XA01", "XA", "one", "question 1", 4],
        [*lead, "XA02", "XA", "one", "question 2", "N/A"],
        [*lead, "XB01", "XB", "one", "question 1", 2],
        [*lead, "score:XA", "XA", "", "", 80.0],
        [*lead, "score:XB", "XB", "", "", 40.0],
        [*lead, "score:overall", "", "", "", 70.0],
    ]
    korean = result_rows(tiny_results, tiny_bank, "ko")
    assert korean[0][5:7] == ["one (ko)", "question 1 (ko)"]


def test_result_csv_neutralises_a_formula_in_the_company_name(
    tiny_bank: Bank, tiny_results: CompanyResults
) -> None:
    data = result_csv(tiny_results, tiny_bank, "en")
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Korean right
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0] == list(RESULT_COLUMNS)
    assert len(table) == 1 + 6
    assert {row[0] for row in table[1:]} == {"'" + FORMULA_NAME}
    assert table[2][7] == "N/A" and table[-1][3:] == ["score:overall", "", "", "", "70"]


def test_result_json_holds_scores_and_answers_and_no_individual_peer_value(
    tiny_results: CompanyResults,
) -> None:
    data = json.loads(result_json(tiny_results))
    assert data["company"] == FORMULA_NAME  # JSON is not a spreadsheet: kept as given
    assert data["submitted_at"] == "2025-05-01T09:00:00+00:00"
    assert (data["overall"], data["stage"], data["bank_version"]) == (70.0, "leading", "test-1")
    assert data["pillars"]["XB"] == {
        "score": 40.0,
        "completeness": 0.25,
        "weakest_level": 2,
        "missing_levels": 2,  # one level of four: the method asks for three
    }
    assert data["indicative"] is False and data["segment"] is None
    assert data["answers"] == {"XB01": 2, "XA02": None, "XA01": 4}
    assert data["peers"] == {
        "group": {"ksic": "C29", "size_band": "10-49", "fallback": "division_size", "n": 12},
        "percentile": {"overall": 75.0, "XA": 90.0, "XB": 25.0},
        "median": {"overall": 55.0, "XA": 60.0, "XB": 50.0},
        "p75": {"overall": 65.0, "XA": 70.0, "XB": 60.0},
    }
