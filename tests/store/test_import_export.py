"""Importing member files and exporting members and results, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from sqlmodel import select

from readiness import exports, store, synth
from readiness.bank import Bank
from readiness.cli import main
from readiness.cohorts import Cohort
from readiness.db import read_session
from readiness.exports import csv_bytes, export_assessments, export_members
from readiness.importer import (
    ImportPlan,
    ImportRefused,
    apply_import,
    plan_import,
    read_table,
)
from readiness.models import Answer, Assessment, AuditEvent, Company, PillarScoreRow
from readiness.profile import CompanyProfile

HEADER = ["회사명", "사업자등록번호", "업종코드", "종업원수", "지역", "수출비중", "매출규모"]
HEADER += ["연도", "유형"]
FORMULA_NAME = '=HYPERLINK("http://evil.example","클릭")'


def member_file(bank: Bank, rows: list[dict[str, Any]]) -> bytes:
    """A CSV with the columns above plus every item id; rows give values by header or item id."""
    header = HEADER + bank.item_ids()
    return csv_bytes(header, [[row.get(h, "") for h in header] for row in rows])


def answers_for(bank: Bank, offset: int = 0) -> dict[str, Any]:
    """Every item answered, varied, the first one that may be N/A not applicable."""
    out: dict[str, Any] = {}
    first_na = next(i.id for i in bank.items if i.allows_na)
    for n, item_id in enumerate(bank.item_ids()):
        out[item_id] = "N/A" if item_id == first_na else (n + offset) % 6
    return out


def sample_rows(bank: Bank) -> list[dict[str, Any]]:
    quick = {i: 3 for i in bank.item_ids(quick_only=True)}
    return [
        {
            "회사명": "한빛정밀",
            "사업자등록번호": "124-81-00998",
            "업종코드": "C29",
            "종업원수": 45,
            "지역": "경기도",
            "수출비중": "35%",
            "매출규모": "10억-50억 원",
            "연도": 2025,
            "유형": "정밀",
            **answers_for(bank),
        },
        {
            "회사명": FORMULA_NAME,
            "업종코드": "C26",
            "종업원수": 8,
            "지역": "Seoul",
            "연도": 2025,
            "유형": "간편",
            **quick,
        },
        {"회사명": "대성식품", "업종코드": "C10", "종업원수": 120},
    ]


def plan(engine: sa.Engine, bank: Bank, data: bytes, name: str = "members.csv") -> ImportPlan:
    return plan_import(read_table(data, name), engine=engine, bank=bank)


def counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            m.__tablename__: conn.execute(sa.select(sa.func.count()).select_from(m)).scalar_one()
            for m in (Company, Assessment, Answer, PillarScoreRow, AuditEvent)
        }


def events(engine: sa.Engine) -> list[AuditEvent]:
    with read_session(engine) as session:
        return list(session.exec(select(AuditEvent).order_by(AuditEvent.id)).all())  # type: ignore[arg-type]


def chain_ok(engine: sa.Engine) -> bool:
    return store.verify_audit(engine=engine).ok


def company_named(engine: sa.Engine, name: str) -> Company:
    with read_session(engine) as session:
        return session.exec(select(Company).where(Company.name == name)).one()


# --- import --------------------------------------------------------------------------------------


def test_import_creates_members_and_results_scored_as_a_submission_is(
    engine: sa.Engine, bank: Bank
) -> None:
    result = apply_import(
        plan(engine, bank, member_file(bank, sample_rows(bank))), engine=engine, actor="staff@x"
    )
    assert (result.created, result.updated, result.assessments) == (3, 0, 2)

    imported = company_named(engine, "한빛정밀")
    assert (imported.biz_no, imported.region, imported.size_band) == ("1248100998", "41", "10-49")
    assert imported.export_share == pytest.approx(0.35)
    assert imported.revenue_band == "10to50"
    assert imported.synthetic is False and imported.token_hash is None
    [assessment] = store.assessments_of(engine=engine, company_id=imported.id)
    answers = store.answers_of(engine=engine, assessment_id=assessment.id)

    other, _ = store.create_company(
        engine=engine,
        profile=CompanyProfile(name="비교", ksic="C29", employees=45),
        first=store.NewAssessment(2025, "full", bank),
    )
    draft = store.open_draft(engine=engine, company_id=other.id)
    for item_id, level in answers.items():
        store.save_answer(
            engine=engine, bank=bank, assessment_id=draft.id, item_id=item_id, level=level
        )
    store.submit_assessment(engine=engine, bank=bank, assessment_id=draft.id)
    submitted = store.get_assessment(engine=engine, assessment_id=draft.id)

    first_na = next(i.id for i in bank.items if i.allows_na)
    assert answers[first_na] is None and len(answers) == len(bank.items)
    for attr in ("status", "wave", "mode", "bank_version", "overall", "stage", "completeness"):
        assert getattr(assessment, attr) == getattr(submitted, attr), attr
    assert assessment.norm_eligible == submitted.norm_eligible is True
    mine = store.pillar_scores_of(engine=engine, assessment_id=assessment.id)
    theirs = store.pillar_scores_of(engine=engine, assessment_id=draft.id)
    assert {p: (r.score, r.completeness, r.weakest_level) for p, r in mine.items()} == {
        p: (r.score, r.completeness, r.weakest_level) for p, r in theirs.items()
    }
    formula = company_named(engine, FORMULA_NAME)  # stored as given, text only
    [quick] = store.assessments_of(engine=engine, company_id=formula.id)
    assert quick.mode == "quick" and quick.completeness == 1.0


def test_reimporting_the_same_file_changes_nothing(engine: sa.Engine, bank: Bank) -> None:
    data = member_file(bank, sample_rows(bank))
    apply_import(plan(engine, bank, data), engine=engine, actor="staff@x")
    before = counts(engine)

    again = plan(engine, bank, data)
    assert again.nothing_to_do
    assert again.summary() | {"rows": 0} == {
        "rows": 0,
        "create": 0,
        "update": 0,
        "unchanged": 3,
        "assessments": 0,
        "assessments_unchanged": 2,
        "errors": 0,
        "warnings": 0,
    }
    result = apply_import(again, engine=engine, actor="staff@x")
    assert (result.created, result.updated, result.assessments) == (0, 0, 0)
    after = counts(engine)
    assert after | {"audit_event": 0} == before | {"audit_event": 0}
    assert after["audit_event"] == before["audit_event"] + 1  # the import itself is recorded
    assert chain_ok(engine)


def test_a_file_with_errors_writes_nothing(engine: sa.Engine, bank: Bank) -> None:
    rows = sample_rows(bank)
    rows[2]["업종코드"] = "C99"
    checked = plan(engine, bank, member_file(bank, rows))
    assert [(p.row, p.column) for p in checked.errors] == [(4, "업종코드")]
    before = counts(engine)
    with pytest.raises(ImportRefused) as caught:
        apply_import(checked, engine=engine, actor="staff@x")
    assert "1 error" in caught.value.message.render("en")
    assert counts(engine) == before


def test_a_failure_while_writing_rolls_everything_back(
    engine: sa.Engine, bank: Bank, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked = plan(engine, bank, member_file(bank, sample_rows(bank)))
    before = counts(engine)

    def broken(load: store.BulkLoad, model: object, rows: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(store.BulkLoad, "update", broken)  # after the inserts
    with pytest.raises(RuntimeError):
        apply_import(checked, engine=engine, actor="staff@x")
    assert counts(engine) == before


def test_members_are_updated_only_where_the_file_gives_a_value(
    engine: sa.Engine, bank: Bank, profile: CompanyProfile
) -> None:
    company, _ = store.create_company(engine=engine, profile=profile)
    data = member_file(
        bank,
        [
            {
                "회사명": "한빛정밀(주)",
                "사업자등록번호": "1248100998",
                "업종코드": "29",
                "종업원수": 60,
            }
        ],
    )
    checked = plan(engine, bank, data)
    [change] = checked.members
    assert (change.action, change.company_id) == ("update", company.id)
    assert change.changes == {"name": ("한빛정밀", "한빛정밀(주)"), "employees": (45, 60)}
    apply_import(checked, engine=engine, actor="staff@x")
    updated = store.get_company(engine=engine, company_id=company.id)
    assert (updated.name, updated.employees, updated.size_band) == ("한빛정밀(주)", 60, "50-299")
    assert (updated.region, updated.export_share, updated.markets) == ("41", 0.2, ["US", "VN"])
    assert plan(engine, bank, data).nothing_to_do


def test_without_a_business_number_members_match_by_exact_name_and_division(
    engine: sa.Engine, bank: Bank
) -> None:
    store.create_company(
        engine=engine, profile=CompanyProfile(name="세진테크", ksic="C26", employees=12)
    )
    rows = [
        {"회사명": " 세진테크 ", "업종코드": "C26", "종업원수": 12},
        {"회사명": "세진테크", "업종코드": "C25", "종업원수": 12},
        {"회사명": "세진 테크", "업종코드": "C26", "종업원수": 12},
    ]
    checked = plan(engine, bank, member_file(bank, rows))
    assert [(m.row, m.action) for m in checked.members] == [
        (2, "unchanged"),
        (3, "create"),
        (4, "create"),
    ]


def test_a_name_shared_by_two_members_needs_the_business_number(
    engine: sa.Engine, bank: Bank
) -> None:
    for _ in range(2):
        store.create_company(
            engine=engine, profile=CompanyProfile(name="대성산업", ksic="C25", employees=30)
        )
    checked = plan(
        engine, bank, member_file(bank, [{"회사명": "대성산업", "업종코드": "C25", "종업원수": 31}])
    )
    [problem] = checked.errors
    assert (problem.row, problem.column) == (2, "회사명")
    assert "2 members have this name" in problem.message.render("en")


def test_synthetic_demo_members_are_never_matched_by_real_rows(
    engine: sa.Engine, bank: Bank
) -> None:
    synth.seed_demo(engine=engine, bank=bank, companies=3, waves=1, seed=7)
    with read_session(engine) as session:
        demo = session.exec(select(Company).order_by(Company.id)).first()
    data = member_file(bank, [{"회사명": demo.name, "업종코드": demo.ksic, "종업원수": 5}])
    [change] = plan(engine, bank, data).members
    assert change.action == "create"


def test_a_preview_made_stale_by_another_import_is_refused(engine: sa.Engine, bank: Bank) -> None:
    data = member_file(bank, sample_rows(bank))
    first, second = plan(engine, bank, data), plan(engine, bank, data)
    apply_import(second, engine=engine, actor="a")
    before = counts(engine)
    with pytest.raises(ImportRefused) as caught:
        apply_import(first, engine=engine, actor="b")
    assert "preview the file again" in caught.value.message.render("en")
    assert counts(engine) == before


def test_changed_answers_add_a_result_that_supersedes_the_earlier_one(
    engine: sa.Engine, bank: Bank
) -> None:
    rows = sample_rows(bank)[:1]
    apply_import(plan(engine, bank, member_file(bank, rows)), engine=engine, actor="a")
    rows[0]["EXP02"] = 5 if rows[0]["EXP02"] != 5 else 4
    checked = plan(engine, bank, member_file(bank, rows))
    [result] = checked.assessments
    assert (result.action, result.supersedes) == ("create", True)
    apply_import(checked, engine=engine, actor="a")
    company = company_named(engine, "한빛정밀")
    assert len(store.assessments_of(engine=engine, company_id=company.id)) == 2
    _, exported = exports.assessment_table(engine=engine, bank=bank)
    [row] = exported  # the latest result per member, wave and mode
    assert row[-len(bank.items) + 1] == rows[0]["EXP02"]


def test_an_import_is_audited_once_with_its_counts_and_the_files_sha256(
    engine: sa.Engine, bank: Bank
) -> None:
    data = member_file(bank, sample_rows(bank))
    checked = plan(engine, bank, data, "회원 명단.csv")
    result = apply_import(checked, engine=engine, actor="staff@example.org")
    [event] = events(engine)
    assert (event.id, event.action, event.actor) == (
        result.audit_event_id,
        "import",
        "staff@example.org",
    )
    detail = json.loads(event.detail)
    assert detail["sha256"] == checked.sha256 == event.entity_id
    assert (detail["file"], detail["rows"], detail["created"], detail["assessments"]) == (
        "회원 명단.csv",
        3,
        3,
        2,
    )
    assert detail["tables"] == {
        "company": 3,
        "assessment": 2,
        "answer": len(bank.items) + len(bank.item_ids(quick_only=True)),
        "pillar_score": 2 * len(bank.pillars),
    }
    assert chain_ok(engine)


# --- export --------------------------------------------------------------------------------------


def read_back(data: bytes, fmt: str) -> list[list[Any]]:
    if fmt == "csv":
        assert data.startswith(b"\xef\xbb\xbf")
        return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)  # text, never formulas
    return [list(r) for r in ws.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_neutralise_formulas_keep_korean_headers_and_are_audited(
    engine: sa.Engine, bank: Bank, fmt: str
) -> None:
    apply_import(plan(engine, bank, member_file(bank, sample_rows(bank))), engine=engine, actor="a")
    members = read_back(export_members(engine=engine, fmt=fmt, actor="staff@x"), fmt)
    results = read_back(export_assessments(engine=engine, fmt=fmt, actor="staff@x", lang="en"), fmt)
    assert members[0][:4] == ["회사명", "사업자등록번호", "업종코드", "업종명"]
    assert results[0][:3] == ["name", "biz_no", "ksic"]
    # CSV: an apostrophe stops the formula; .xlsx: a string cell, which no spreadsheet runs
    written = "'" + FORMULA_NAME if fmt == "csv" else FORMULA_NAME
    assert written in [r[0] for r in members[1:]]
    assert written in [r[0] for r in results[1:]]
    assert [r[0] for r in members[1:]].count("한빛정밀") == 1
    assert len(members) == 4 and len(results) == 3
    export_events = [e for e in events(engine) if e.action == "export"]
    assert [
        (json.loads(e.detail)["kind"], json.loads(e.detail)["rows"]) for e in export_events
    ] == [
        ("members", 3),
        ("assessments", 2),
    ]
    assert {json.loads(e.detail)["format"] for e in export_events} == {fmt}
    assert chain_ok(engine)


def test_the_member_directory_shows_the_latest_result_and_honours_filters(
    engine: sa.Engine, bank: Bank
) -> None:
    rows = sample_rows(bank)
    earlier = dict(rows[0], 연도=2024, **answers_for(bank, offset=1))
    apply_import(plan(engine, bank, member_file(bank, [*rows, earlier])), engine=engine, actor="a")
    synth.seed_demo(engine=engine, bank=bank, companies=4, waves=1, seed=3, last_wave=2025)

    def names(**filters: Any) -> dict[str, list[Any]]:
        header, body = exports.member_table(engine=engine, filters=Cohort(**filters))
        wave = header.index("최근 연도")
        return {r[0]: [r[wave], r[-1]] for r in body}

    everyone = names()
    assert len(everyone) == 7
    assert everyone["한빛정밀"] == [2025, "아니오"]
    assert everyone["대성식품"] == [None, "아니오"]
    assert sum(v == [2025, "예"] for v in everyone.values()) == 4
    assert names(ksic=["C29"], include_synthetic=False) == {"한빛정밀": [2025, "아니오"]}
    assert names(waves=(2024,)) == {"한빛정밀": [2024, "아니오"]}
    assert names(search="빛정", regions=("41",)) == {"한빛정밀": [2025, "아니오"]}
    assert names(modes=("quick",), include_synthetic=False) == {FORMULA_NAME: [2025, "아니오"]}
    history = store.assessments_of(engine=engine, company_id=company_named(engine, "한빛정밀").id)
    latest = next(a for a in history if a.wave == 2025)
    same_stage = names(stages=(latest.stage,), include_synthetic=False)
    assert "한빛정밀" in same_stage and "대성식품" not in same_stage
    cohort = replace(Cohort(waves=(2024,), label="2024 only"), include_synthetic=False)
    assert cohort.to_dict() == {
        "waves": [2024],
        "include_synthetic": False,
    }


@pytest.mark.parametrize(("fmt", "lang"), [("csv", "ko"), ("csv", "en"), ("xlsx", "ko")])
def test_exported_results_import_into_an_empty_database_as_the_same_members_and_scores(
    engine: sa.Engine, bank: Bank, fmt: str, lang: str
) -> None:
    apply_import(plan(engine, bank, member_file(bank, sample_rows(bank))), engine=engine, actor="a")
    synth.seed_demo(engine=engine, bank=bank, companies=30, waves=2, seed=11)
    before = snapshot(engine)
    data = export_assessments(engine=engine, fmt=fmt, actor="a", lang=lang)
    with engine.begin() as conn:
        conn.execute(sa.delete(Company.__table__))  # cascades to results, answers and scores
    assert counts(engine)["assessment"] == 0

    checked = plan(engine, bank, data, f"export.{fmt}")
    # Members whose answers are too few for a pillar score are warned about, not refused.
    assert {p.message.key for p in checked.problems} <= {
        "importer.nothing_scored",
        "importer.pillars_unscored",
    }
    assert all(p.severity == "warning" for p in checked.problems)
    apply_import(checked, engine=engine, actor="a")
    after = snapshot(engine)
    with_results = {k: v for k, v in before["companies"].items() if k != ("대성식품", "C10")}
    assert after["companies"] == with_results  # a member without results is not in this export
    assert after["results"] == before["results"]
    assert len(after["results"]) > 30
    assert plan(engine, bank, data, f"export.{fmt}").nothing_to_do
    assert chain_ok(engine)


def snapshot(engine: sa.Engine) -> dict[str, dict[Any, Any]]:
    """Members and their results, keyed by what the files carry (ids differ between databases)."""
    c, a = Company.__table__, Assessment.__table__
    ps, ans = PillarScoreRow.__table__, Answer.__table__
    with engine.connect() as conn:
        companies = {
            (r.name, r.ksic): (
                r.biz_no,
                r.employees,
                r.size_band,
                r.region,
                r.export_share,
                r.revenue_band,
                r.synthetic,
            )
            for r in conn.execute(sa.select(c))
        }
        keys = {r.id: (r.name, r.ksic) for r in conn.execute(sa.select(c.c.id, c.c.name, c.c.ksic))}
        scores: dict[int, dict[str, Any]] = {}
        for r in conn.execute(sa.select(ps)):
            scores.setdefault(r.assessment_id, {})[r.pillar] = (
                r.score,
                r.completeness,
                r.weakest_level,
            )
        answers: dict[int, dict[str, Any]] = {}
        for r in conn.execute(sa.select(ans)):
            answers.setdefault(r.assessment_id, {})[r.item_id] = r.level
        results = {
            (keys[r.company_id], r.wave, r.mode): (
                r.status,
                r.bank_version,
                r.overall,
                r.stage,
                r.completeness,
                r.norm_eligible,
                scores[r.id],
                answers[r.id],
            )
            for r in conn.execute(sa.select(a))
        }
    return {"companies": companies, "results": results}


# --- command line --------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_import_lists_row_errors_and_exits_non_zero(
    engine: sa.Engine, db_url: str, bank: Bank, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = sample_rows(bank)
    rows[1]["종업원수"] = "많음"
    rows[2]["사업자등록번호"] = "123-45-67890"
    path = tmp_path / "members.csv"
    path.write_bytes(member_file(bank, rows).decode("utf-8-sig").encode("cp949"))
    code, out, err = run(capsys, "--database-url", db_url, "import", str(path))
    assert code == 1
    assert "2 error(s)" in out
    assert "error: row 3, column 종업원수: employees must be a whole number" in err
    assert "error: row 4, column 사업자등록번호: bad business registration number" in err
    code, _, err = run(capsys, "--database-url", db_url, "import", str(path), "--lang", "ko")
    assert code == 1 and "3행, 종업원수 열: 종업원수는 1 이상의 정수여야 합니다" in err
    assert counts(engine)["company"] == 0


def test_cli_dry_run_writes_nothing_and_import_then_applies(
    engine: sa.Engine, db_url: str, bank: Bank, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "members.csv"
    path.write_bytes(member_file(bank, sample_rows(bank)))
    code, out, _ = run(capsys, "--database-url", db_url, "import", str(path), "--dry-run")
    assert code == 0 and "3 to create" in out and "nothing written" in out
    assert counts(engine)["company"] == 0
    code, out, _ = run(capsys, "--database-url", db_url, "import", str(path))
    assert code == 0 and "ok: 3 created, 0 updated, 2 results recorded" in out
    code, out, _ = run(capsys, "--database-url", db_url, "import", str(path))
    assert code == 0 and "0 to create, 0 to update, 3 unchanged" in out
    assert run(capsys, "--database-url", db_url, "audit", "verify")[0] == 0


def test_cli_refuses_an_unreadable_file_with_a_plain_message(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "members.xlsx"
    path.write_bytes(b"not a workbook at all")
    code, out, err = run(capsys, "--database-url", db_url, "import", str(path))
    assert code == 1 and out == ""
    assert err.strip() == (
        f"error: {path}: This is not a readable .xlsx file: "
        "open it in Excel and save it again as .xlsx."
    )


@pytest.mark.parametrize("kind", ["members", "assessments"])
def test_cli_export_writes_the_format_of_the_file_name(
    engine: sa.Engine,
    db_url: str,
    bank: Bank,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    kind: str,
) -> None:
    apply_import(plan(engine, bank, member_file(bank, sample_rows(bank))), engine=engine, actor="a")
    for name in ("out.csv", "out.xlsx"):
        out_path = tmp_path / name
        code, out, _ = run(
            capsys, "--database-url", db_url, "export", "--out", str(out_path), "--kind", kind
        )
        assert code == 0 and f"ok: {kind} written to {out_path}" in out
        rows = read_back(out_path.read_bytes(), out_path.suffix[1:])
        assert rows[0][0] == "회사명"
        assert len(rows) == (4 if kind == "members" else 3)
    code, _, err = run(capsys, "--database-url", db_url, "export", "--out", str(tmp_path / "x.pdf"))
    assert code == 2 and ".csv or .xlsx" in err


def test_imports_seeding_and_deletions_move_the_data_version_and_single_writes_do_not(
    engine: sa.Engine, bank: Bank
) -> None:
    """store.data_version keys every replica's cached aggregates (components/cache.py): the bulk
    changes must move it, or another replica shows the old figures until their TTL."""
    versions = [store.data_version(engine=engine)]
    apply_import(plan(engine, bank, member_file(bank, sample_rows(bank))), engine=engine, actor="s")
    versions.append(store.data_version(engine=engine))
    synth.seed_demo(engine=engine, bank=bank, companies=5, waves=1, seed=3)
    versions.append(store.data_version(engine=engine))
    store.delete_company(engine=engine, company_id=company_named(engine, "한빛정밀").id, actor="s")
    versions.append(store.data_version(engine=engine))
    assert versions == sorted(set(versions)) and len(versions) == 4  # each one moved it

    store.create_company(
        engine=engine,
        profile=CompanyProfile(name="단건", ksic="C29", employees=45),
        first=store.NewAssessment(2026, "quick", bank),
    )
    store.record_event(engine=engine, actor="ceo", action="assessment.submit", entity="assessment")
    assert store.data_version(engine=engine) == versions[-1]
