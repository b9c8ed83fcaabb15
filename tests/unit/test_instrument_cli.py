"""`readiness bank stats`: instrument health over the stored assessments, checked against an
independent recomputation from the raw tables."""

from __future__ import annotations

import json
import sqlite3

import numpy as np
import pytest

from readiness import synth
from readiness.bank import default_bank
from readiness.cli import main
from readiness.db import make_engine, upgrade


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def seeded(sqlite_url: str) -> str:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    synth.seed_demo(engine=engine, bank=default_bank(), companies=150, waves=1, seed=3)
    engine.dispose()
    return sqlite_url


def _independent_alpha(url: str, pillar: str, wave: int) -> tuple[float, int]:
    """Alpha straight from SQLite: latest norm-eligible full submission per company, listwise."""
    bank = default_bank()
    item_ids = [i.id for i in bank.items_of(pillar)]
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        chosen = conn.execute(
            "select id, company_id, norm_eligible from assessment where status = 'submitted' "
            "and mode = 'full' and wave = ? and bank_version = ? "
            "order by company_id, submitted_at desc, id desc",
            (wave, bank.version),
        ).fetchall()
        latest: dict[int, tuple[int, int]] = {}
        for aid, company, eligible in chosen:
            latest.setdefault(company, (aid, eligible))
        ids = [aid for aid, eligible in latest.values() if eligible]
        levels = {
            (aid, item): level
            for aid, item, level in conn.execute("select assessment_id, item_id, level from answer")
        }
    rows = [[levels.get((aid, item)) for item in item_ids] for aid in ids]
    complete = np.array([r for r in rows if None not in r], dtype=float)
    k = complete.shape[1]
    alpha = k / (k - 1) * (1 - complete.var(axis=0, ddof=1).sum() / complete.sum(1).var(ddof=1))
    return float(alpha), len(complete)


def test_bank_stats_json_agrees_with_an_independent_recomputation(
    seeded: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--database-url", seeded, "bank", "stats", "--json")
    assert code == 0, err
    data = json.loads(out)
    bank = default_bank()
    assert data["bank_version"] == bank.version and data["mode"] == "full"
    assert data["wave"] == 2026 and data["k"] == 5 and data["alpha_method"] == "listwise"
    assert [a["pillar"] for a in data["alphas"]] == bank.pillar_ids
    for entry in data["alphas"]:
        alpha, n = _independent_alpha(seeded, entry["pillar"], 2026)
        assert entry["n"] == n
        assert entry["alpha"] == pytest.approx(alpha)
    assert [i["item_id"] for i in data["items"]] == bank.item_ids()
    for item in data["items"]:
        total = sum(item["counts"].values()) + item["na"] + item["missing"]
        assert total == data["assessments"]
    assert set(data["correlations"]) == set(bank.pillar_ids)
    assert data["correlations"]["EXP"]["EXP"]["r"] == pytest.approx(1.0)


def test_bank_stats_prints_readable_tables(seeded: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--database-url", seeded, "bank", "stats", "--mode", "quick")
    assert code == 0
    assert "Cronbach's alpha per pillar (listwise" in out
    assert "Inter-pillar correlations" in out
    quick_items = default_bank().item_ids(quick_only=True)
    item_lines = [line.split()[0] for line in out.splitlines() if line[:6].strip() in quick_items]
    assert item_lines == quick_items  # a quick scan's figures cover only the quick-scan items


def test_all_submitted_counts_at_least_the_norm_eligible(
    seeded: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, norm, _ = run(capsys, "--database-url", seeded, "bank", "stats", "--json")
    _, every, _ = run(
        capsys, "--database-url", seeded, "bank", "stats", "--json", "--all-submitted"
    )
    assert json.loads(every)["assessments"] >= json.loads(norm)["assessments"] > 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("--bank-version", "9.9"), "no shipped question bank has version '9.9'"),
        ((), "no submitted full assessments of bank"),
    ],
)
def test_bank_stats_fails_with_a_reason(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    code, out, err = run(capsys, "--database-url", sqlite_url, "bank", "stats", *argv)
    assert code == 1 and out == ""
    assert message in err
