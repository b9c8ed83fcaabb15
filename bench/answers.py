"""Time the two writes of a CEO's session: saving one answer, and submitting (the store part).

    .venv/bin/python bench/answers.py                      # 19,000 x 5 in /tmp (seeded once)
    .venv/bin/python bench/answers.py --saves 400 --submits 100
    .venv/bin/python bench/answers.py --database-url postgresql+psycopg://...

save_answer: --saves calls on one full draft, cycling through the bank's items (the first pass
inserts each answer, later passes update it), a level or N/A each time.
submit_assessment: --submits fresh full drafts, every item answered beforehand (untimed), then the
call that scores the draft, stores the scores beside the answers and appends the audit event. The
goal is a submission under 50 ms. A real company is added for the run and deleted afterwards.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    LAST_WAVE,
    add_database_args,
    answer_all,
    bench_profile,
    figure_line,
    machine_lines,
    ms,
    open_database,
    remove_company,
    timed,
)

from readiness import store
from readiness.bank import default_bank
from readiness.scoring import score_assessment

SUBMIT_GOAL_MS = 50.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog=textwrap.dedent(__doc__.split("\n\n", 1)[1]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_database_args(parser)
    parser.add_argument("--saves", type=int, default=200, help="timed save_answer calls (200)")
    parser.add_argument("--submits", type=int, default=50, help="timed submissions (50)")
    args = parser.parse_args(argv)

    bank = default_bank()
    items = [item.id for item in bank.items]
    database = open_database(args, bank=bank)
    engine = database.engine
    company, _token = store.create_company(
        engine=engine,
        profile=bench_profile("벤치마크정밀 answers (bench)"),
        actor="bench",
        first=store.NewAssessment(LAST_WAVE, "full", bank),
    )
    try:
        draft = store.open_draft(engine=engine, company_id=company.id)
        assert draft is not None

        # One warm-up save and submit cycle, so pool, statements and caches are ready.
        answer_all(engine, bank, draft.id, base=2)
        store.submit_assessment(engine=engine, bank=bank, assessment_id=draft.id, actor="bench")
        draft = store.start_assessment(
            engine=engine, company_id=company.id, wave=LAST_WAVE, mode="full", bank=bank
        )

        calls = iter(range(args.saves))

        def save_one() -> None:
            n = next(calls)
            level = None if n % 17 == 16 else (n * 7 + n // len(items)) % 6
            store.save_answer(
                engine=engine,
                bank=bank,
                assessment_id=draft.id,
                item_id=items[n % len(items)],
                level=level,
            )

        saves = timed(save_one, args.saves)
        inserts, updates = saves[: len(items)], saves[len(items) :]

        submits: list[float] = []
        for n in range(args.submits):
            if n:  # the draft from the save loop is the first one
                draft = store.start_assessment(
                    engine=engine, company_id=company.id, wave=LAST_WAVE, mode="full", bank=bank
                )
            answer_all(engine, bank, draft.id, base=1 + n % 4)
            start = time.perf_counter()
            store.submit_assessment(engine=engine, bank=bank, assessment_id=draft.id, actor="bench")
            submits.append(time.perf_counter() - start)

        answers = store.answers_of(engine=engine, assessment_id=draft.id)
        scoring = timed(lambda: score_assessment(bank, answers, mode="full"), args.submits)
    finally:
        remove_company(engine, company.id)
        engine.dispose()

    median, p90 = ms(submits)
    verdict = "meets" if median < SUBMIT_GOAL_MS and p90 < SUBMIT_GOAL_MS else "MISSES"
    print()
    print("=== saving one answer, submitting an assessment (readiness.store) ===")
    for line in machine_lines():
        print(line)
    print(f"database      {database.label} ({database.note})")
    print(f"bank          {bank.version}: {len(items)} items")
    print(figure_line("save_answer, all", saves))
    if updates:
        print(figure_line("  first answer of an item (insert)", inserts))
        print(figure_line("  changed answer (update)", updates))
    print(figure_line("submit_assessment (store part)", submits))
    print(figure_line("  of which scoring alone (pure)", scoring))
    print(
        f"goal          submit under {SUBMIT_GOAL_MS:g} ms: {verdict} "
        f"(median {median:.1f} ms, p90 {p90:.1f} ms)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
