"""Time the import of a 19,000-row member file (one wave of answers) into a fresh database.

    .venv/bin/python bench/import_members.py               # CSV, temporary SQLite
    .venv/bin/python bench/import_members.py --xlsx        # the same rows as .xlsx
    .venv/bin/python bench/import_members.py --database-url postgresql+psycopg://...  # EMPTY db

The rows come from readiness.synth (realistic Korean names, divisions, sizes and answers), written
as a CP949 CSV with Korean headers and valid business registration numbers, as Korean Excel saves
it. Prints the file size and the time of each step: read, plan (preview), apply, and a second plan
that must find nothing to do. The goal is under 30 s for read + plan + apply.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from readiness import db, exports, importer, reference, store, synth
from readiness.bank import Bank, load_bank
from readiness.member_file import mode_words, not_applicable_word
from readiness.models import Answer, Assessment, Company

BIZ_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def biz_no(n: int) -> str:
    """A valid, unique business registration number for the n-th company."""
    digits = [int(c) for c in f"{120 + n // 10_000:03d}81{n % 10_000:04d}"]
    total = sum(a * b for a, b in zip(digits, BIZ_WEIGHTS, strict=True)) + digits[8] * 5 // 10
    return "{}{}{}-{}{}-{}{}{}{}{}".format(*digits, (10 - total % 10) % 10)


def member_file(bank: Bank, companies: int, seed: int, wave: int) -> tuple[list[str], list[list]]:
    """Header and rows: one row per company, its profile and its answers in `wave`."""
    items = bank.item_ids()
    header = importer.template_header(bank)
    modes, na = mode_words("ko"), not_applicable_word("ko")
    rows: list[list[Any]] = []
    for batch in synth.generate(
        bank,
        companies=companies,
        waves=1,
        seed=seed,
        last_wave=wave,
        first_company_id=1,
        first_assessment_id=1,
    ):
        answers: dict[int, dict[str, int | None]] = {}
        for a in batch[Answer]:
            answers.setdefault(a["assessment_id"], {})[a["item_id"]] = a["level"]
        by_company = {a["company_id"]: a for a in batch[Assessment]}
        for c in batch[Company]:
            a = by_company[c["id"]]
            given = answers.get(a["id"], {})
            rows.append(
                [
                    c["name"],
                    biz_no(c["id"]),
                    c["ksic"],
                    c["employees"],
                    reference.label("regions", c["region"], "ko"),
                    exports.percent(c["export_share"]),
                    reference.label("revenue_bands", c["revenue_band"], "ko"),
                    a["wave"],
                    modes[a["mode"]],
                    *(
                        "" if i not in given else given[i] if given[i] is not None else na
                        for i in items
                    ),
                ]
            )
    return header, rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--companies", type=int, default=19_000)
    parser.add_argument("--seed", type=int, default=synth.DEMO_SEED)
    parser.add_argument("--wave", type=int, default=2025)
    parser.add_argument("--xlsx", action="store_true", help="write the file as .xlsx, not CSV")
    parser.add_argument("--database-url", help="an EMPTY database instead of a temporary SQLite")
    args = parser.parse_args(argv)
    bank = load_bank()

    start = time.perf_counter()
    header, rows = member_file(bank, args.companies, args.seed, args.wave)
    if args.xlsx:
        data, name = exports.xlsx_bytes(header, rows, sheet="회원"), "members.xlsx"
    else:
        data = exports.csv_bytes(header, rows).decode("utf-8-sig").encode("cp949")
        name = "members.csv"
    made = time.perf_counter() - start

    with tempfile.TemporaryDirectory(prefix="readiness-bench-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        engine = db.make_engine(url)
        db.upgrade(engine)
        if not store.is_empty(engine=engine):
            parser.error("the database already holds companies; give an empty one")
        times: dict[str, float] = {}
        t0 = time.perf_counter()
        table = importer.read_table(data, name)
        times["read"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        plan = importer.plan_import(table, engine=engine, bank=bank)
        times["plan"] = time.perf_counter() - t0
        if plan.errors:
            for problem in plan.errors[:10]:
                print(problem.describe("en"))
            parser.error(f"the generated file has {len(plan.errors)} error(s)")
        t0 = time.perf_counter()
        result = importer.apply_import(plan, engine=engine, actor="bench")
        times["apply"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = importer.plan_import(importer.read_table(data, name), engine=engine, bank=bank)
        times["re-plan"] = time.perf_counter() - t0
        engine.dispose()

    total = times["read"] + times["plan"] + times["apply"]
    print(f"database      {engine.dialect.name} ({'given URL' if args.database_url else 'temp'})")
    print(f"file          {name}, {len(rows):,} rows, {len(data) / 2**20:.1f} MiB ({made:.1f} s)")
    for step, seconds in times.items():
        print(f"{step:<14}{seconds:>6.1f} s")
    print(f"read+plan+apply {total:.1f} s (goal: under 30 s)")
    print(f"written       {result.rows}")
    print(f"re-import     {again.summary_message().render('en')}")
    print(f"peak RSS      {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")
    return 0 if again.nothing_to_do else 1


if __name__ == "__main__":
    raise SystemExit(main())
