"""Shared set-up of the bench scripts: a seeded database, a company with a private link, figures.

The database is the synthetic membership (19,000 companies x 5 waves by default) in a SQLite file
under /tmp that later runs reuse when it holds exactly that many synthetic members and waves, or any
SQLAlchemy URL given with --database-url (seeded when empty, refused when it holds another size).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import func, select  # noqa: E402

from readiness import db, store, synth  # noqa: E402
from readiness.bank import Bank, default_bank  # noqa: E402
from readiness.models import Assessment, Company  # noqa: E402
from readiness.profile import CompanyProfile  # noqa: E402

DEFAULT_COMPANIES = 19_000
DEFAULT_WAVES = 5
LAST_WAVE = 2026  # synth.seed_demo's default: the demo waves end this year
BENCH_NAME = "벤치마크정밀 (bench)"


def default_db_path(companies: int, waves: int) -> Path:
    return Path(f"/tmp/readiness-bench-{companies}x{waves}.sqlite3")


def add_database_args(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("database")
    group.add_argument(
        "--db",
        type=Path,
        help="SQLite file to seed once and reuse (/tmp/readiness-bench-<N>x<K>.sqlite3)",
    )
    group.add_argument(
        "--database-url",
        help="use this SQLAlchemy URL instead (e.g. postgresql+psycopg://...); "
        "seeded when empty, reused when it holds N x K synthetic members",
    )
    group.add_argument(
        "-n",
        "--companies",
        type=int,
        default=DEFAULT_COMPANIES,
        help=f"synthetic members ({DEFAULT_COMPANIES})",
    )
    group.add_argument(
        "-k", "--waves", type=int, default=DEFAULT_WAVES, help=f"yearly waves ({DEFAULT_WAVES})"
    )


@dataclass(frozen=True)
class Database:
    engine: sa.Engine
    url: str
    note: str  # how it was obtained: seeded in x s, or reused

    @property
    def label(self) -> str:
        where = self.engine.url.database if db.is_sqlite(self.engine) else self.safe_url
        return f"{self.engine.dialect.name} {where}"

    @property
    def safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)


def _synthetic_size(engine: sa.Engine) -> tuple[int, int]:
    """(synthetic companies, distinct waves of their submissions)."""
    with db.read_session(engine) as session:
        companies = session.exec(
            select(func.count()).select_from(Company).where(Company.synthetic)  # type: ignore[arg-type]
        ).one()
        waves = session.exec(
            select(func.count(func.distinct(Assessment.wave)))
            .select_from(Assessment)
            .join(Company, Company.id == Assessment.company_id)  # type: ignore[arg-type]
            .where(Company.synthetic, Assessment.status == "submitted")  # type: ignore[arg-type]
        ).one()
    return int(companies), int(waves)


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def open_database(args: argparse.Namespace, *, bank: Bank | None = None) -> Database:
    """The seeded database the arguments name: reused when it has the right size, else seeded."""
    bank = bank or default_bank()
    n, k = args.companies, args.waves
    if args.database_url:
        url = args.database_url
    else:
        path = args.db or default_db_path(n, k)
        url = f"sqlite:///{path}"
    engine = db.make_engine(url)
    db.upgrade(engine)
    if not store.is_empty(engine=engine):
        have = _synthetic_size(engine)
        if have == (n, k):
            return Database(engine, url, f"reused ({n:,} x {k} synthetic members already there)")
        if args.database_url:
            engine.dispose()
            raise SystemExit(
                f"{engine.url.render_as_string(hide_password=True)} holds {have[0]:,} synthetic "
                f"companies x {have[1]} waves, not {n:,} x {k}; give an empty database"
            )
        engine.dispose()
        if not path.name.startswith("readiness-bench-"):
            raise SystemExit(
                f"{path} holds {have[0]:,} synthetic companies x {have[1]} waves, not {n:,} x {k}; "
                "give an empty or new file (only readiness-bench-* files are recreated)"
            )
        print(f"{path} holds {have[0]:,} x {have[1]}, not {n:,} x {k}: seeding it afresh")
        _remove_sqlite(path)
        engine = db.make_engine(url)
        db.upgrade(engine)
    start = time.perf_counter()
    synth.seed_demo(
        engine=engine, bank=bank, companies=n, waves=k, seed=synth.DEMO_SEED, last_wave=LAST_WAVE
    )
    seconds = time.perf_counter() - start
    if db.is_sqlite(engine):
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.exec_driver_sql("ANALYZE")
    return Database(engine, url, f"seeded {n:,} x {k} in {seconds:.1f} s")


# --- a real company reached by its private link ---------------------------------------------------


@dataclass(frozen=True)
class BenchCompany:
    id: int
    token: str
    assessments: tuple[int, ...]


def bench_profile(name: str = BENCH_NAME) -> CompanyProfile:
    """A machinery maker with 45 staff (C29 x 10-49, the largest peer group), exporting a little."""
    return CompanyProfile(
        name=name,
        ksic="C29",
        employees=45,
        revenue_band=None,
        region="41",
        export_share=0.2,
        markets=["US", "VN"],
        roles=["final_product"],
        products="포장 기계",
        consent_suggest=False,
    )


def answer_all(engine: sa.Engine, bank: Bank, assessment_id: int, *, base: int) -> None:
    """Answer every item of the bank, one save_answer each, levels varying around `base`."""
    for n, item in enumerate(bank.items):
        level = min(5, max(0, base + (n % 3) - 1))
        store.save_answer(
            engine=engine, bank=bank, assessment_id=assessment_id, item_id=item.id, level=level
        )


def create_bench_company(
    engine: sa.Engine,
    bank: Bank,
    *,
    waves: tuple[int, ...] = (LAST_WAVE - 1, LAST_WAVE),
    name: str = BENCH_NAME,
) -> BenchCompany:
    """A real (not synthetic) company with a private link and a full, submitted assessment per wave.

    Each wave answers a little higher than the one before, so the results page shows progress.
    """
    company, token = store.create_company(
        engine=engine,
        profile=bench_profile(name),
        actor="bench",
        first=store.NewAssessment(waves[0], "full", bank, goal=70.0),
    )
    ids = []
    for n, wave in enumerate(waves):
        if n == 0:
            draft = store.open_draft(engine=engine, company_id=company.id)
            assert draft is not None
        else:
            draft = store.start_assessment(
                engine=engine, company_id=company.id, wave=wave, mode="full", bank=bank, goal=70.0
            )
        answer_all(engine, bank, draft.id, base=2 + n)
        store.submit_assessment(engine=engine, bank=bank, assessment_id=draft.id, actor="bench")
        ids.append(draft.id)
    return BenchCompany(id=company.id, token=token, assessments=tuple(ids))  # type: ignore[arg-type]


def remove_company(engine: sa.Engine, company_id: int) -> None:
    """Delete a bench company and all it answered, so the database keeps its size between runs."""
    store.delete_company(engine=engine, company_id=company_id, actor="bench")


# --- figures -------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation between closest ranks."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def ms(seconds: list[float]) -> tuple[float, float]:
    """(median, p90) in milliseconds."""
    return statistics.median(seconds) * 1000, percentile(seconds, 90) * 1000


def figure_line(label: str, seconds: list[float], width: int = 38) -> str:
    median, p90 = ms(seconds)
    return (
        f"{label:<{width}}median {median:8.2f} ms   p90 {p90:8.2f} ms   "
        f"min {min(seconds) * 1000:8.2f} ms   ({len(seconds)} runs)"
    )


def machine_lines() -> list[str]:
    import importlib.metadata as md

    versions = ", ".join(
        f"{name} {md.version(name)}" for name in ("streamlit", "plotly", "sqlalchemy", "pandas")
    )
    return [
        f"machine       {os.cpu_count()} cores, {platform.machine()}, "
        f"{platform.system()} {platform.release()}",
        f"python        {platform.python_version()} ({versions})",
        "load average  {:.2f} {:.2f} {:.2f} (1, 5, 15 min; other work on the machine)".format(
            *os.getloadavg()
        ),
    ]


def timed(run, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        out.append(time.perf_counter() - start)
    return out
