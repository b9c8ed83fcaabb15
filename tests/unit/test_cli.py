from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from readiness import store
from readiness.bank import default_bank
from readiness.cli import main
from readiness.db import make_engine, upgrade
from readiness.profile import CompanyProfile
from readiness.scoring import score_assessment


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_score_prints_unrounded_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = {"EXP01": 3, "EXP02": None, "EXP03": 4, "SRV01": 1, "AI01": 2, "COL01": 5}
    (tmp_path / "a.json").write_text(json.dumps({"answers": answers}), encoding="utf-8")
    code, out, _ = run(capsys, "score", str(tmp_path / "a.json"))
    assert code == 0
    data = json.loads(out)
    expected = score_assessment(default_bank(), answers)
    assert data["overall"] == expected.overall
    assert data["stage"] == expected.stage
    assert data["bank_version"] == default_bank().version
    assert set(data["pillars"]) == {"EXP", "SRV", "AI", "COL"}
    assert data["pillars"]["EXP"] == {
        "score": expected.pillars["EXP"].score,
        "completeness": expected.pillars["EXP"].completeness,
        "weakest_level": expected.pillars["EXP"].weakest_level,
        "scored": False,
        "levels": 2,
        "min_levels": expected.pillars["EXP"].min_levels,
    }
    assert data["overall"] is None and data["stage"] is None and data["indicative"] is False


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"answers": {"EXP99": 1}}', "unknown item id 'EXP99'"),
        ('{"answers": {"EXP01": 9}}', "EXP01: level must be an integer 0..5"),
        ('{"answers": [1, 2]}', "expected an object"),
        ("{not json", "not valid JSON"),
    ],
)
def test_score_rejects_bad_files_with_a_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "score", str(path))
    assert code != 0 and out == ""
    assert message in err


def test_score_of_a_missing_file_fails(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "score", "/nonexistent/answers.json")
    assert code != 0 and "cannot read" in err


def test_bank_show_json_prints_the_whole_bank(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "bank", "show", "--json")
    assert code == 0
    data = json.loads(out)
    assert [p["id"] for p in data["pillars"]] == ["EXP", "SRV", "AI", "COL"]
    assert all("weight" in p for p in data["pillars"])
    assert [s["min"] for s in data["stages"]] == [0, 25, 50, 75]
    assert data["gate"] == {"stage": "champion", "min_pillar_score": 50}
    item = data["items"][0]
    for field in ("id", "pillar", "dimension", "weight", "quick", "critical", "text", "help"):
        assert field in item
    assert len(item["levels"]) == 6 and len(item["actions"]) == 5
    assert item["text"]["ko"] and item["text"]["en"]


def test_bank_check_names_the_broken_item(
    tiny_bank_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "bank", "check", str(tiny_bank_dir))[0] == 0
    path = tiny_bank_dir / "items_XB.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("weight: 2.0", "weight: zero"))
    code, _, err = run(capsys, "bank", "check", str(tiny_bank_dir))
    assert code == 1 and "items_XB.yaml: item XB02, field weight" in err


def _engine_with_history(url: str) -> sa.Engine:
    engine = make_engine(url)
    upgrade(engine)
    bank = default_bank()
    company, _ = store.create_company(
        engine=engine, profile=CompanyProfile(name="가람정밀", ksic="C25", employees=12)
    )
    draft = store.start_assessment(
        engine=engine, company_id=company.id, wave=2026, mode="quick", bank=bank
    )
    for item_id in ("EXP01", "EXP02"):  # two of the pillar's three quick items: a score
        store.save_answer(
            engine=engine, bank=bank, assessment_id=draft.id, item_id=item_id, level=2
        )
    store.submit_assessment(engine=engine, bank=bank, assessment_id=draft.id)
    return engine


def test_audit_verify_exit_codes(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    engine = _engine_with_history(sqlite_url)
    code, out, _ = run(capsys, "--database-url", sqlite_url, "audit", "verify")
    assert code == 0 and "2 events" in out
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE audit_event SET actor = 'mallory' WHERE id = 1")
    code, _, err = run(capsys, "--database-url", sqlite_url, "audit", "verify")
    assert code == 1 and "event 1" in err


def test_audit_checkpoint_and_verify_against_it(
    sqlite_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("READINESS_AUDIT_KEY", "c" * 40)
    engine = _engine_with_history(sqlite_url)
    kept = tmp_path / "checkpoint.json"
    code, _, err = run(
        capsys, "--database-url", sqlite_url, "audit", "checkpoint", "--out", str(kept)
    )
    assert code == 0 and "event 2" in err
    checkpoint = json.loads(kept.read_text(encoding="utf-8"))
    assert checkpoint["seq"] == 2 and checkpoint["signed"] and len(checkpoint["mac"]) == 64
    verify = ("--database-url", sqlite_url, "audit", "verify", "--checkpoint", str(kept))
    code, out, _ = run(capsys, *verify)
    assert code == 0 and "2 events, 2 signed; matches the checkpoint of event 2" in out

    with engine.begin() as conn:  # the newest event deleted
        conn.exec_driver_sql("DELETE FROM audit_event WHERE seq = 2")
    code, out, _ = run(capsys, "--database-url", sqlite_url, "audit", "verify")
    assert code == 0  # without the checkpoint, nothing tells
    code, _, err = run(capsys, *verify)
    assert code == 1 and "truncated" in err and "covers 2 events, the log holds 1" in err

    kept.write_text(json.dumps({**checkpoint, "seq": 1}), encoding="utf-8")
    code, _, err = run(capsys, *verify)
    assert code == 2 and "altered or forged" in err
    kept.write_text("{}", encoding="utf-8")
    code, _, err = run(capsys, *verify)
    assert code == 2 and "not an audit checkpoint" in err


def test_audit_checkpoint_without_a_key_is_unsigned_and_says_so(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = _engine_with_history(sqlite_url)
    code, out, err = run(capsys, "--database-url", sqlite_url, "audit", "checkpoint")
    assert code == 0 and "unsigned" in err
    assert json.loads(out)["signed"] is False and json.loads(out)["mac"] is None
    with engine.begin() as conn:  # an answer changed after it was submitted
        conn.exec_driver_sql("UPDATE answer SET level = 4 WHERE item_id = 'EXP01'")
    code, _, err = run(capsys, "--database-url", sqlite_url, "audit", "verify")
    assert code == 1 and "no longer match what was submitted: 1" in err


def test_backup_is_a_consistent_copy(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _engine_with_history(sqlite_url)
    out_path = tmp_path / "copy.sqlite3"
    code, _, _ = run(capsys, "--database-url", sqlite_url, "backup", str(out_path))
    assert code == 0
    with sqlite3.connect(out_path) as conn:
        assert conn.execute("select count(*) from company").fetchone() == (1,)
        assert conn.execute("select count(*) from audit_event").fetchone() == (2,)
    code, _, err = run(capsys, "--database-url", sqlite_url, "backup", str(out_path))
    assert code == 1 and "--force" in err


def test_backup_refuses_postgres(capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql+psycopg://u@127.0.0.1:1/db"
    code, _, err = run(capsys, "--database-url", url, "backup", "/tmp/x")
    assert code == 1 and "pg_dump" in err


def test_python_dash_m_and_console_script_work() -> None:
    for argv in ([sys.executable, "-m", "readiness", "bank", "check"], ["readiness", "--help"]):
        exe = Path(sys.executable).parent / "readiness" if argv[0] == "readiness" else None
        if exe is not None:
            argv = [str(exe), *argv[1:]]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr


def _programs_request(tmp_path: Path, **profile: object) -> Path:
    answers = dict.fromkeys(default_bank().item_ids(), 1)
    path = tmp_path / "company.json"
    request = {"profile": {"ksic": "C24", "employees": 40, **profile}, "answers": answers}
    path.write_text(json.dumps(request), encoding="utf-8")
    return path


def test_programs_prints_the_eligible_matches_with_reasons_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _programs_request(tmp_path, export_share=0.3, markets=["EU"])
    code, out, _ = run(capsys, "programs", str(path), "--lang", "en", "--date", "2026-12-01")
    assert code == 0
    rows = json.loads(out)["programs"]
    assert 1 <= len(rows) <= 5
    assert rows[0]["reason"].startswith("Closes your gap in ")
    assert rows[0]["link"].startswith("https://")
    code, out, _ = run(capsys, "programs", str(path), "--date", "2026-12-01", "--limit", "30")
    ids = [row["id"] for row in json.loads(out)["programs"]]
    assert "first_export" not in ids  # an exporter is not offered a first-export programme
    assert "cbam_support" in ids  # a basic-metals exporter with no carbon data is
    assert "격차를 줄이는 프로그램으로" in json.loads(out)["programs"][0]["reason"]


def test_programs_never_offers_an_expired_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _programs_request(tmp_path, export_share=0.3, markets=["EU"])
    code, out, err = run(capsys, "programs", str(path), "--date", "2099-01-01")
    assert code == 0
    assert json.loads(out) == {"programs": []}
    assert "no programme matched: none that this profile may apply for on 2099-01-01" in err


def test_programs_says_why_nothing_matched_a_request_with_few_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "company.json"
    request = {"profile": {"ksic": "C24", "employees": 40}, "answers": {"EXP01": 4}}
    path.write_text(json.dumps(request), encoding="utf-8")
    code, out, err = run(capsys, "programs", str(path), "--date", "2026-12-01")
    assert code == 0 and json.loads(out) == {"programs": []}
    total = len(default_bank().item_ids())
    assert f"(1 of {total} questions answered; one not answered is no gap)" in err


def test_programs_names_a_bad_request(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _programs_request(tmp_path, employees=0)
    code, _, err = run(capsys, "programs", str(path))
    assert code == 1
    assert "profile.employees" in err
    code, _, err = run(capsys, "programs", str(_programs_request(tmp_path)), "--date", "soon")
    assert code == 2
    assert "--date" in err


def test_programs_stored_matches_the_catalog_companies_see(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--stored reads the newest upload (a renamed programme shows renamed) and says so; with no
    upload it says the shipped file is used."""
    from readiness import store
    from readiness.db import make_engine, upgrade
    from readiness.programs import load_catalog, parse_text

    url = f"sqlite:///{tmp_path / 'app.db'}"
    path = _programs_request(tmp_path, export_share=0.3, markets=["EU"])
    argv = ("--database-url", url, "programs", str(path), "--date", "2026-12-01", "--limit", "30")
    code, out, err = run(capsys, *argv, "--stored")
    assert code == 0 and "none uploaded" in err
    shipped = {row["id"]: row["name"] for row in json.loads(out)["programs"]}
    assert shipped["cbam_support"] == load_catalog().program("cbam_support").name.ko  # type: ignore[union-attr]

    text = load_catalog().to_yaml().replace(shipped["cbam_support"], "CBAM 대응 지원 (2027년 공고)")
    engine = make_engine(url)
    upgrade(engine)
    store.save_program_catalog(engine=engine, catalog=parse_text(text), actor="a@inno.kr")
    engine.dispose()
    code, out, err = run(capsys, *argv, "--stored")
    assert code == 0 and "upload #1" in err and "a@inno.kr" in err
    names = {row["id"]: row["name"] for row in json.loads(out)["programs"]}
    assert names["cbam_support"] == "CBAM 대응 지원 (2027년 공고)"
    code, out, _ = run(capsys, *argv)  # without --stored: the shipped file
    assert json.loads(out)["programs"][0]["name"] in shipped.values()
    assert "CBAM 대응 지원 (2027년 공고)" not in out
