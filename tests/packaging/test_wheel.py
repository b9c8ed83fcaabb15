"""The wheel installs and runs without the source tree.

Builds the wheel, installs it with the pinned constraints into a fresh venv under /tmp, and runs
the `readiness` command from a directory outside the repository: the question bank, the partner
catalog, the reference lists, i18n, fonts and the Alembic migrations come from the installed
package.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from readiness.bank import default_bank
from readiness.db import MIGRATIONS_DIR
from readiness.scoring import score_assessment

ROOT = Path(__file__).resolve().parents[2]
INSTALL_TIMEOUT_S = 900


@dataclass(frozen=True)
class Installed:
    venv: Path
    workdir: Path

    def run(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "DATABASE_URL"}}
        done = subprocess.run(
            argv, cwd=self.workdir, env=env, capture_output=True, text=True, timeout=120
        )
        if check:
            assert done.returncode == 0, f"{argv} failed:\n{done.stdout}\n{done.stderr}"
        return done

    def readiness(self, *argv: str) -> subprocess.CompletedProcess[str]:
        return self.run(str(self.venv / "bin" / "readiness"), *argv)

    def python(self, code: str) -> subprocess.CompletedProcess[str]:
        return self.run(str(self.venv / "bin" / "python"), "-c", code)


def _pip(python: Path | str, *argv: str, cwd: Path) -> None:
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("PYTHONPATH", None)
    done = subprocess.run(
        [str(python), "-m", "pip", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT_S,
    )
    assert done.returncode == 0, f"pip {' '.join(argv)} failed:\n{done.stderr[-4000:]}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("wheel")
    dist = base / "dist"
    _pip(
        sys.executable,
        *("wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q", "-w", str(dist)),
        cwd=base,
    )
    (wheel,) = dist.glob("global_readiness-*.whl")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    constraints = ROOT / "constraints.txt"
    _pip(venv / "bin" / "python", "install", "-q", "-c", str(constraints), str(wheel), cwd=base)
    workdir = base / "elsewhere"
    workdir.mkdir()
    return Installed(venv=venv, workdir=workdir)


def test_the_package_and_its_data_come_from_the_venv(installed: Installed) -> None:
    done = installed.python(
        "import json, readiness, readiness.paths as p; "
        "files = sorted(str(f.relative_to(p.DATA_DIR)) for f in p.DATA_DIR.rglob('*') "
        "if f.is_file()); "
        "print(json.dumps({'package': readiness.__file__, 'data': str(p.DATA_DIR), "
        "'files': files}))"
    )
    found = json.loads(done.stdout)
    site = str(installed.venv.resolve())
    assert found["package"].startswith(site) and found["data"].startswith(site)
    shipped = sorted(str(f.relative_to(ROOT / "data")) for f in (ROOT / "data").rglob("*"))
    shipped = [f for f in shipped if (ROOT / "data" / f).is_file()]
    assert found["files"] == shipped


def test_bank_check_reads_the_shipped_bank(installed: Installed) -> None:
    bank = default_bank()
    out = installed.readiness("bank", "check").stdout
    assert out.startswith(f"ok: bank {bank.version}: {len(bank.pillars)} pillars")


def test_score_prints_the_same_result_as_the_source(installed: Installed) -> None:
    bank = default_bank()
    # Every export item answered (EXP is scored), one item elsewhere (those pillars are not).
    answers: dict[str, int | None] = {
        item.id: 1 + i % 5 for i, item in enumerate(bank.items_of("EXP"))
    }
    answers.update({"SRV01": 1, "AI01": 2, "COL01": 5})
    (installed.workdir / "answers.json").write_text(
        json.dumps({"answers": answers}), encoding="utf-8"
    )
    data = json.loads(installed.readiness("score", "answers.json").stdout)
    expected = score_assessment(bank, answers).to_dict()
    assert data["pillars"]["EXP"]["scored"] and not data["pillars"]["SRV"]["scored"]
    assert {key: data[key] for key in expected} == expected


def test_suggest_reads_the_shipped_catalogs(installed: Installed) -> None:
    request = {
        "profile": {"ksic": "C29", "employees": 45, "export_share": 0.2, "markets": ["US"]},
        "answers": {"EXP01": 4, "EXP02": 4, "SRV01": 1},
    }
    (installed.workdir / "request.json").write_text(json.dumps(request), encoding="utf-8")
    data = json.loads(installed.readiness("suggest", "request.json", "--lang", "en").stdout)
    assert data["partners"] and all(p["type"] and p["reasons"] for p in data["partners"])


def test_the_published_figures_ship_in_the_wheel(installed: Installed) -> None:
    out = installed.readiness("benchmarks").stdout
    assert "eu_ai_use" in out and "Eurostat" in out and "kr_smart_factory" in out


def test_programs_reads_the_shipped_programme_catalog(installed: Installed) -> None:
    """data/programs.yaml ships in the wheel: a basic-metals exporter without carbon data is
    offered CBAM support, with its reason; --stored reads a fresh database (none uploaded)."""
    answers = {**dict.fromkeys(default_bank().item_ids(), 3), "EXP18": 0}
    request = {"profile": {"ksic": "C24", "employees": 45, "export_share": 0.3}, "answers": answers}
    (installed.workdir / "programs.json").write_text(json.dumps(request), encoding="utf-8")
    args = ("programs", "programs.json", "--date", "2026-12-01", "--limit", "30")
    rows = json.loads(installed.readiness(*args).stdout)["programs"]
    assert "cbam_support" in [r["id"] for r in rows] and all(r["reason"] for r in rows)
    url = f"sqlite:///{installed.workdir / 'programs.sqlite3'}"
    stored = installed.readiness("--database-url", url, *args, "--stored")
    assert json.loads(stored.stdout)["programs"] == rows and "none uploaded" in stored.stderr


def test_db_upgrade_migrates_a_fresh_sqlite_file_to_head(installed: Installed) -> None:
    path = installed.workdir / "fresh.sqlite3"
    out = installed.readiness("--database-url", f"sqlite:///{path}", "db", "upgrade").stdout
    assert out.startswith("ok:")
    with sqlite3.connect(path) as conn:
        (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert revision == ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
