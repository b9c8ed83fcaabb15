"""Time the peer norms: norm_frame for one wave, and benchmark() per call.

    .venv/bin/python bench/peers.py           # seeds 19,000 companies x 5 waves, temporary SQLite
    .venv/bin/python bench/peers.py --database-url postgresql+psycopg://...   # existing database

Prints the median of --repeat runs (and the slowest) for each.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from readiness import db, peers, store, synth
from readiness.bank import default_bank


def _times(run: Callable[[int], object], repeat: int) -> list[float]:
    out = []
    for i in range(repeat):
        start = time.perf_counter()
        run(i)
        out.append(time.perf_counter() - start)
    return out


def _line(label: str, seconds: list[float]) -> str:
    median, worst = statistics.median(seconds) * 1000, max(seconds) * 1000
    return f"{label:<26}median {median:8.2f} ms   max {worst:8.2f} ms   ({len(seconds)} runs)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="use this database instead of seeding a new one")
    parser.add_argument("-n", "--companies", type=int, default=19_000)
    parser.add_argument("-k", "--waves", type=int, default=5)
    parser.add_argument("--wave", type=int, help="wave to time (default: the newest)")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="readiness-peers-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        engine = db.make_engine(url)
        db.upgrade(engine)
        if args.database_url is None:
            start = time.perf_counter()
            synth.seed_demo(
                engine=engine,
                bank=default_bank(),
                companies=args.companies,
                waves=args.waves,
                seed=synth.DEMO_SEED,
            )
            seeded = (
                f"seeded {args.companies:,} x {args.waves} in {time.perf_counter() - start:.1f} s"
            )
        else:
            seeded = "existing database"
        wave = args.wave or store.latest_wave(engine=engine)
        if wave is None:
            parser.error("the database has no submitted assessments")

        store.norm_frame(engine=engine, wave=wave)  # warm the connection pool and caches
        frame_times = _times(lambda _: store.norm_frame(engine=engine, wave=wave), args.repeat)
        frame = store.norm_frame(engine=engine, wave=wave)
        keys = peers.score_keys(frame)
        sample = frame.sample(n=min(args.repeat, len(frame)), random_state=1).to_dict("records")

        def one_benchmark(i: int) -> peers.Benchmark:
            row = sample[i % len(sample)]
            return peers.benchmark(
                frame,
                ksic=row["ksic"],
                size_band=row["size_band"],
                scores={key: row[key] for key in keys},
                exclude_company_id=row["company_id"],
            )

        bench_times = _times(one_benchmark, args.repeat)
        levels = sorted({one_benchmark(i).group.fallback for i in range(len(sample))})
        engine.dispose()

    print(f"database                  {engine.dialect.name} ({seeded})")
    print(f"wave                      {wave}: {len(frame):,} norm-eligible companies")
    print(_line("norm_frame", frame_times))
    print(_line("benchmark (per call)", bench_times))
    print(f"groups used               {', '.join(levels)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
