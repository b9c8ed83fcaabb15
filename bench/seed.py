"""Seed the synthetic membership into a fresh database and print how long it took and what it made.

    .venv/bin/python bench/seed.py              # 19,000 companies x 5 waves, temporary SQLite
    .venv/bin/python bench/seed.py -n 2000 -k 3
    .venv/bin/python bench/seed.py --database-url postgresql+psycopg://...   # an EMPTY database

Prints wall time (schema upgrade excluded), rows per table, database size and peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from readiness import db, store, synth
from readiness.bank import load_bank
from readiness.models import Answer, Assessment, AuditEvent, Company, PillarScoreRow


def _database_bytes(engine: sa.Engine) -> int:
    if db.is_sqlite(engine):
        path = Path(engine.url.database or "")
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file())
    with engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT pg_database_size(current_database())")).scalar())


def _row_counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            model.__tablename__: int(
                conn.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()
            )
            for model in (Company, Assessment, Answer, PillarScoreRow, AuditEvent)
        }


def _peak_rss_mib() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--companies", type=int, default=19_000)
    parser.add_argument("-k", "--waves", type=int, default=5)
    parser.add_argument("--seed", type=int, default=synth.DEMO_SEED)
    parser.add_argument(
        "--database-url",
        help="seed this (empty) database instead of a fresh temporary SQLite file",
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="readiness-bench-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        engine = db.make_engine(url)
        db.upgrade(engine)
        if not store.is_empty(engine=engine):
            parser.error("the database already holds companies; give an empty one")
        bank = load_bank()
        rss_before = _peak_rss_mib()
        start = time.perf_counter()
        synth.seed_demo(
            engine=engine, bank=bank, companies=args.companies, waves=args.waves, seed=args.seed
        )
        wall = time.perf_counter() - start
        if db.is_sqlite(engine):
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        counts = _row_counts(engine)
        size = _database_bytes(engine)
        engine.dispose()

    where = "given URL" if args.database_url else "temporary file"
    print(f"database      {engine.dialect.name} ({where})")
    print(f"seeded        {args.companies:,} companies x {args.waves} waves, seed {args.seed}")
    print(f"wall time     {wall:.1f} s (schema upgrade excluded)")
    for table, n in counts.items():
        print(f"rows          {table:<14}{n:>12,}")
    rows = sum(n for t, n in counts.items() if t != "audit_event")
    print(f"throughput    {rows / wall:,.0f} rows/s")
    print(f"database size {size / 2**20:,.1f} MiB")
    print(f"peak RSS      {_peak_rss_mib():,.0f} MiB (before seeding: {rss_before:,.0f} MiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
