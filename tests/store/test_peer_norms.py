"""Peer norms read from a real database (SQLite and PostgreSQL); the `readiness peers` command."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa

from readiness import peers, store, synth
from readiness.bank import Bank, default_bank
from readiness.cli import main
from readiness.models import Assessment, Company, PillarScoreRow
from readiness.profile import CompanyProfile
from readiness.scoring import score_assessment

PILLARS = ("EXP", "SRV", "AI", "COL")
T0 = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


@dataclass
class Row:
    """One assessment of a hand-made population."""

    company: int
    overall: float
    ksic: str = "C29"
    size_band: str = "10-49"
    wave: int = 2026
    status: str = "submitted"
    eligible: bool = True
    day: int = 0  # submitted T0 + day days
    ai: float | None = -1.0  # -1: same as overall


def populate(engine: sa.Engine, rows: list[Row]) -> list[int]:
    """Write companies, assessments and pillar scores as given; returns the assessment ids."""
    employees = {"1-9": 5, "10-49": 20, "50-299": 100, "300+": 500}
    companies: dict[int, dict[str, Any]] = {}
    assessments, scores = [], []
    for n, row in enumerate(rows, start=1):
        companies.setdefault(
            row.company,
            Company(
                id=row.company,
                name=f"company {row.company}",
                ksic=row.ksic,
                employees=employees[row.size_band],
                size_band=row.size_band,
                region="41",
                synthetic=row.company % 2 == 0,
                verified=True,
            ).model_dump(),
        )
        submitted = T0 + timedelta(days=row.day) if row.status == "submitted" else None
        assessments.append(
            Assessment(
                id=n,
                company_id=row.company,
                wave=row.wave,
                mode="full",
                status=row.status,
                bank_version=default_bank().version,
                overall=row.overall,
                completeness=1.0,
                norm_eligible=row.eligible,
                created_at=T0,
                updated_at=T0,
                submitted_at=submitted,
            ).model_dump()
        )
        for pid in PILLARS:
            score = row.overall if pid != "AI" or row.ai == -1.0 else row.ai
            scores.append(
                PillarScoreRow(
                    assessment_id=n, pillar=pid, score=score, completeness=1.0
                ).model_dump()
            )
    store.bulk_insert(
        engine=engine,
        rows={
            Company: list(companies.values()),
            Assessment: assessments,
            PillarScoreRow: scores,
        },
        actor="test",
        action="test.load",
    )
    return [a["id"] for a in assessments]


def test_norm_frame_keeps_the_latest_eligible_submission_per_company(engine: sa.Engine) -> None:
    populate(
        engine,
        [
            Row(company=1, overall=10.0),  # 1: counts
            Row(company=2, overall=20.0, day=0),  # 2: superseded by 3
            Row(company=2, overall=25.0, day=5),  # 3: counts
            Row(company=3, overall=30.0, eligible=False),  # 4: incomplete or straight-lined
            Row(company=4, overall=40.0, status="draft"),  # 5: not submitted
            Row(company=5, overall=50.0, wave=2025),  # 6: another wave
            Row(company=6, overall=60.0, day=0),  # 7: eligible but superseded by 8
            Row(company=6, overall=65.0, day=1, eligible=False),  # 8: latest, ineligible
            Row(company=7, overall=70.0, day=9),  # 9: later in time than 10
            Row(company=7, overall=75.0, day=2),  # 10: higher id, submitted earlier
            Row(company=8, overall=80.0, ai=None),  # 11: counts, no AI score
            Row(company=8, overall=85.0, status="draft", day=3),  # 12: a newer draft
        ],
    )
    frame = store.norm_frame(engine=engine, wave=2026)
    assert list(frame.columns) == [*store.NORM_COLUMNS, *PILLARS]
    assert frame["assessment_id"].tolist() == [1, 3, 9, 11]
    assert frame["company_id"].tolist() == [1, 2, 7, 8]
    assert frame["overall"].tolist() == [10.0, 25.0, 70.0, 80.0]
    assert frame["EXP"].tolist() == [10.0, 25.0, 70.0, 80.0]
    assert np.isnan(frame.loc[3, "AI"]) and frame["AI"].notna().sum() == 3
    assert frame["synthetic"].tolist() == [False, True, False, True]
    assert set(frame["ksic"]) == {"C29"} and set(frame["size_band"]) == {"10-49"}
    assert frame["mode"].tolist() == ["full"] * 4
    assert store.norm_frame(engine=engine, wave=2025)["company_id"].tolist() == [5]
    assert store.norm_frame(engine=engine, wave=2024).empty


def test_latest_wave_is_the_newest_with_a_submission(engine: sa.Engine) -> None:
    assert store.latest_wave(engine=engine) is None
    populate(
        engine,
        [
            Row(company=1, overall=1.0, wave=2025),
            Row(company=2, overall=2.0, wave=2027, status="draft"),
        ],
    )
    assert store.latest_wave(engine=engine) == 2025


def _submit(engine: sa.Engine, bank: Bank, company_id: int, answers: dict[str, int | None]) -> int:
    draft = store.start_assessment(
        engine=engine, company_id=company_id, wave=2026, mode="full", bank=bank
    )
    for item_id, level in answers.items():
        store.save_answer(
            engine=engine, bank=bank, assessment_id=draft.id, item_id=item_id, level=level
        )
    store.submit_assessment(engine=engine, bank=bank, assessment_id=draft.id)
    assert draft.id is not None
    return draft.id


def test_incomplete_straight_lined_and_draft_assessments_stay_out_of_the_norms(
    engine: sa.Engine, bank: Bank, profile: CompanyProfile
) -> None:
    ids = bank.item_ids()
    varied = {item: n % 6 for n, item in enumerate(ids)}
    made = []
    for n in range(4):
        company, _ = store.create_company(
            engine=engine,
            profile=profile.model_copy(update={"biz_no": None, "name": f"c{n}"}),
            verified=True,
        )
        made.append(company.id)
    complete = _submit(engine, bank, made[0], varied)
    _submit(engine, bank, made[1], dict.fromkeys(ids, 3))  # straight-lined
    _submit(engine, bank, made[2], dict(list(varied.items())[: len(ids) // 2]))  # 50 % answered
    store.start_assessment(engine=engine, company_id=made[3], wave=2026, mode="full", bank=bank)
    frame = store.norm_frame(engine=engine, wave=2026)
    assert frame["assessment_id"].tolist() == [complete]
    expected = score_assessment(bank, varied)
    assert frame.loc[0, "overall"] == pytest.approx(expected.overall)
    for pid in PILLARS:
        assert frame.loc[0, pid] == pytest.approx(expected.pillars[pid].score)


def test_benchmark_over_the_database_excludes_the_company_and_suppresses_small_groups(
    engine: sa.Engine,
) -> None:
    rows = [Row(company=c, overall=10.0 * c) for c in range(1, 11)]  # C29 x 10-49: 10..100
    rows += [Row(company=c, overall=50.0, size_band="1-9") for c in range(11, 14)]
    rows += [Row(company=20, overall=99.0, ksic="C10", size_band="300+")]
    populate(engine, rows)
    frame = store.norm_frame(engine=engine, wave=2026)
    scores = {"overall": 70.0, "EXP": 70.0, "SRV": 70.0, "AI": 70.0, "COL": 70.0}

    own = peers.benchmark(frame, ksic="C29", size_band="10-49", scores=scores)
    assert own.group == peers.PeerGroup("C29", "10-49", "division_size", 10)
    assert own.percentile["overall"] == pytest.approx(65.0)
    assert own.synthetic == 5  # companies 2, 4, 6, 8 and 10

    without_7 = peers.benchmark(
        frame, ksic="C29", size_band="10-49", scores=scores, exclude_company_id=7
    )
    assert without_7.group == peers.PeerGroup("C29", None, "division", 12)
    assert without_7.scored["overall"] == 12  # company 7 (the 70) is not its own peer
    assert without_7.percentile["overall"] == pytest.approx(100 * 9 / 12)  # 6 + three 50s

    lonely = peers.benchmark(frame.iloc[:4], ksic="C29", size_band="10-49", scores=scores)
    assert lonely.group == peers.PeerGroup(None, None, "all", 4)
    assert lonely.suppressed and set(lonely.percentile.values()) == {None}
    assert set(lonely.median.values()) == {None} and set(lonely.p75.values()) == {None}


# --- agreement with a direct computation over synthetic members ----------------------------------


def _direct_norms(engine: sa.Engine, wave: int) -> dict[int, dict[str, Any]]:
    """Per company: ksic, size band and scores of its latest full assessment if eligible, by plain
    SQL (quick scans have norms of their own)."""
    with engine.connect() as conn:
        subs = conn.execute(
            sa.text(
                "SELECT a.id, a.company_id, a.submitted_at, a.norm_eligible, a.overall, "
                "c.ksic, c.size_band FROM assessment a JOIN company c ON c.id = a.company_id "
                "WHERE a.wave = :wave AND a.status = 'submitted' AND a.mode = 'full'"
            ),
            {"wave": wave},
        ).all()
        pillar_rows = conn.execute(
            sa.text("SELECT assessment_id, pillar, score FROM pillar_score")
        ).all()
    by_assessment: dict[int, dict[str, float | None]] = {}
    for assessment_id, pillar, score in pillar_rows:
        by_assessment.setdefault(assessment_id, {})[pillar] = score
    latest: dict[int, Any] = {}
    for sub in subs:
        best = latest.get(sub.company_id)
        if best is None or (sub.submitted_at, sub.id) > (best.submitted_at, best.id):
            latest[sub.company_id] = sub
    return {
        cid: {
            "ksic": sub.ksic,
            "size_band": sub.size_band,
            "overall": sub.overall,
            **by_assessment[sub.id],
        }
        for cid, sub in latest.items()
        if sub.norm_eligible
    }


def _direct_group(norms: dict[int, dict[str, Any]], company_id: int) -> tuple[str, list[dict]]:
    me = norms[company_id]
    others = [row for cid, row in norms.items() if cid != company_id]
    for level, keep in (
        ("division_size", lambda r: (r["ksic"], r["size_band"]) == (me["ksic"], me["size_band"])),
        ("size_band", lambda r: r["size_band"] == me["size_band"]),
        ("division", lambda r: r["ksic"] == me["ksic"]),
    ):
        group = [r for r in others if keep(r)]
        if len(group) >= 10:
            return level, group
    return "all", others


def test_benchmark_agrees_with_a_direct_computation_on_synthetic_members(
    engine: sa.Engine, bank: Bank
) -> None:
    synth.seed_demo(engine=engine, bank=bank, companies=300, waves=2, seed=7)
    wave = store.latest_wave(engine=engine)
    assert wave == 2026
    norms = _direct_norms(engine, wave)
    frame = store.norm_frame(engine=engine, wave=wave)
    assert sorted(frame["company_id"]) == sorted(norms)
    levels_seen = set()
    for company_id, me in norms.items():
        scores = {key: me[key] for key in ("overall", *PILLARS)}
        bench = peers.benchmark(
            frame,
            ksic=me["ksic"],
            size_band=me["size_band"],
            scores=scores,
            exclude_company_id=company_id,
        )
        level, group = _direct_group(norms, company_id)
        levels_seen.add(level)
        assert (bench.group.fallback, bench.group.n) == (level, len(group))
        assert bench.synthetic == bench.group.n  # every seeded member is labelled synthetic
        for key in ("overall", *PILLARS):
            values = np.array([r[key] for r in group if r[key] is not None], dtype=float)
            if len(values) < 5:
                assert bench.median[key] is None and bench.percentile[key] is None
                continue
            assert bench.median[key] == pytest.approx(np.median(values), abs=1e-9)
            assert bench.p75[key] == pytest.approx(np.percentile(values, 75), abs=1e-9)
            assert bench.bins[key] == peers.score_bins(values.tolist())
            own = scores[key]
            if own is None:
                assert bench.percentile[key] is None
                continue
            below = sum(1 for v in values if v < own - 1e-9)
            level_with = sum(1 for v in values if abs(v - own) <= 1e-9)
            expected = 100 * (below + level_with / 2) / len(values)
            assert bench.percentile[key] == pytest.approx(expected, abs=1e-9)
    assert {"division_size", "division", "size_band"} <= levels_seen


# --- the command line -----------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_peers_command_prints_group_percentiles_and_norms(
    engine: sa.Engine, db_url: str, bank: Bank, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [Row(company=c, overall=9.0 * c) for c in range(1, 12)]  # C29 x 10-49: 9..99
    rows += [Row(company=c, overall=5.0, ksic="C10", wave=2025) for c in range(20, 40)]
    populate(engine, rows)
    answers = dict.fromkeys(bank.item_ids(), 3)  # every pillar and overall: 60
    path = tmp_path / "me.json"
    path.write_text(
        json.dumps({"profile": {"ksic": "C29", "employees": 45}, "answers": answers}),
        encoding="utf-8",
    )
    code, out, err = run(capsys, "--database-url", db_url, "peers", str(path))
    assert code == 0, err
    data = json.loads(out)
    assert list(data) == ["group", "percentile", "median", "p75"]
    assert data["group"] == {
        "ksic": "C29",
        "size_band": "10-49",
        "fallback": "division_size",
        "n": 11,
    }
    keys = ["overall", *PILLARS]
    assert list(data["percentile"]) == keys
    values = 9.0 * np.arange(1, 12)
    for key in keys:
        assert data["percentile"][key] == pytest.approx(100 * 6 / 11)  # 9..54 below 60
        assert data["median"][key] == pytest.approx(np.median(values))
        assert data["p75"][key] == pytest.approx(np.percentile(values, 75))

    path.write_text(
        json.dumps({"profile": {"ksic": "C29", "employees": 45}, "answers": answers, "wave": 2025}),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "--database-url", db_url, "peers", str(path))
    data = json.loads(out)
    assert code == 0 and data["group"] == {
        "ksic": None,
        "size_band": "10-49",
        "fallback": "size_band",
        "n": 20,
    }
    assert data["percentile"]["overall"] == 100.0 and data["median"]["overall"] == 5.0

    path.write_text(
        json.dumps(
            {"profile": {"ksic": "C29", "employees": 45}, "answers": answers, "company_id": 11}
        ),
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "--database-url", db_url, "peers", str(path))
    data = json.loads(out)
    assert code == 0 and data["group"]["n"] == 10  # company 11 is not its own peer
    assert data["percentile"]["overall"] == pytest.approx(100 * 6 / 10)


def test_peers_command_prints_null_where_suppressed(
    engine: sa.Engine, db_url: str, bank: Bank, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    populate(engine, [Row(company=c, overall=10.0 * c) for c in range(1, 5)])
    path = tmp_path / "me.json"
    path.write_text(
        json.dumps(
            {
                "profile": {"ksic": "C10", "employees": 3},
                "answers": {item.id: 2 for item in bank.items_of("EXP")},
            }
        ),
        encoding="utf-8",
    )
    code, out, err = run(capsys, "--database-url", db_url, "peers", str(path))
    assert code == 0, err
    data = json.loads(out)
    assert data["group"] == {"ksic": None, "size_band": None, "fallback": "all", "n": 4}
    for figure in ("percentile", "median", "p75"):
        assert data[figure] == dict.fromkeys(["overall", *PILLARS])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"profile": {"employees": 45}, "answers": {"EXP01": 3}}', "profile.ksic: Field required"),
        (
            '{"profile": {"ksic": "C99", "employees": 45}, "answers": {"EXP01": 3}}',
            "'C99' is not a KSIC manufacturing division",
        ),
        (
            '{"profile": {"ksic": "C29", "employees": 0}, "answers": {"EXP01": 3}}',
            "profile.employees",
        ),
        ('{"profile": {"ksic": "C29", "employees": 45}, "answers": {"EXP01": 7}}', "EXP01: level"),
        ('{"profile": {"ksic": "C29", "employees": 45}, "answers": {"NOPE1": 1}}', "'NOPE1'"),
        ('{"profile": {"ksic": "C29", "employees": 45}, "answers": {}}', "no pillar has enough"),
        (
            '{"profile": {"ksic": "C29", "employees": 45}, "answers": {"EXP01": 5}}',
            "no pillar has enough questions answered with a level (with a level / needed: EXP 1/",
        ),
        ('{"profile": {"ksic": "C29", "employees": 45}}', "'answers' must be an object"),
        (
            '{"profile": {"ksic": "C29", "employees": 45}, "answers": {"EXP01": 3}, "wave": "x"}',
            "wave must be a whole number",
        ),
        (
            '{"profile": {"ksic": "C29", "employees": 45}, "answers": {"EXP01": 3}, "mode": "q"}',
            "mode must be",
        ),
        (
            '{"profile": {"ksic": "C29", "employees": 45}, "mode": "quick", '
            '"answers": {"EXP01": 3, "EXP02": 3}, "wave": 1999}',
            "no norm-eligible assessments in wave 1999",
        ),
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected an object"),
    ],
)
def test_peers_command_rejects_bad_input_with_a_reason(
    engine: sa.Engine,
    db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str,
    message: str,
) -> None:
    populate(engine, [Row(company=c, overall=10.0 * c) for c in range(1, 12)])
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "--database-url", db_url, "peers", str(path))
    assert code != 0 and out == ""
    assert message in err


def test_peers_command_on_an_empty_database_says_so(
    engine: sa.Engine, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "me.json"
    path.write_text(
        '{"profile": {"ksic": "C29", "employees": 45}, "mode": "quick", '
        '"answers": {"EXP01": 3, "EXP02": 3}}',
        encoding="utf-8",
    )
    code, out, err = run(capsys, "--database-url", db_url, "peers", str(path))
    assert code != 0 and out == "" and "no submitted assessments" in err
