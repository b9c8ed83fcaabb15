"""Time a workshop room: N participants join, answer and submit at once; then the presenter view.

    .venv/bin/python bench/workshop.py                         # fresh SQLite file in /tmp
    .venv/bin/python bench/workshop.py --seeded                # the 19,000 x 5 membership beside
    .venv/bin/python bench/workshop.py --database-url postgresql+psycopg://...
    .venv/bin/python bench/workshop.py --taps                  # also save each answer on its own

Every participant is one task on a pool of --workers threads and goes through the functions the
join page calls: workshops.join, then workshops.submit_participant with the quick scan's answers
(with --taps, first workshops.save_participant_answer once per item, as a participant tapping
through the scan does). Meanwhile a presenter thread takes workshops.room_snapshot every
--refresh seconds, as the presenter view's fragment does, and the bench reports how long after
the last submission the projector shows everyone. Then it times room_snapshot and
all_members_reference on their own, submits everyone a second time (nothing may change), and
checks the counts. Participants are deleted afterwards unless the database is the fresh file.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    LAST_WAVE,
    add_database_args,
    figure_line,
    machine_lines,
    ms,
    open_database,
    remove_company,
    timed,
)

from readiness import db, workshops
from readiness.bank import Bank, default_bank

FRESH_DB = Path("/tmp/readiness-bench-workshop.sqlite3")
DEADLINE_SECONDS = 10.0
SNAPSHOT_GOAL_MS = 50.0
SECTORS = ("C29", "C29", "C25", "C30", "C10", "C26", "C20", "C22")


def _answers(bank: Bank, n: int) -> dict[str, int | None]:
    return {item: (n + 2 * i) % 6 for i, item in enumerate(bank.item_ids(quick_only=True))}


def _open(args: argparse.Namespace, bank: Bank):
    """(engine, label, whether participants are removed afterwards)."""
    if args.seeded:
        database = open_database(args, bank=bank)
        return database.engine, f"{database.label} ({database.note})", True
    if args.database_url:
        engine = db.make_engine(args.database_url)
        db.upgrade(engine)
        return engine, f"{engine.dialect.name} {engine.url.render_as_string()}", True
    for suffix in ("", "-wal", "-shm"):
        Path(f"{FRESH_DB}{suffix}").unlink(missing_ok=True)
    engine = db.make_engine(f"sqlite:///{FRESH_DB}")
    db.upgrade(engine)
    return engine, f"sqlite {FRESH_DB} (fresh, empty)", False


class Presenter(threading.Thread):
    """Polls room_snapshot every `refresh` seconds until it shows `expected` submissions."""

    def __init__(self, engine, bank: Bank, workshop_id: int, expected: int, refresh: float) -> None:
        super().__init__(daemon=True)
        self.engine, self.bank, self.workshop_id = engine, bank, workshop_id
        self.expected, self.refresh = expected, refresh
        self.query_seconds: list[float] = []
        self.shown_at: float | None = None
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            start = time.perf_counter()
            snapshot = workshops.room_snapshot(
                engine=self.engine, workshop_id=self.workshop_id, bank=self.bank
            )
            end = time.perf_counter()
            self.query_seconds.append(end - start)
            if snapshot.submitted >= self.expected:
                self.shown_at = end
                return
            self.stop.wait(self.refresh)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog=textwrap.dedent(__doc__.split("\n\n", 1)[1]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_database_args(parser)
    parser.add_argument("--seeded", action="store_true", help="run beside the seeded membership")
    parser.add_argument("-p", "--participants", type=int, default=200, help="room size (200)")
    parser.add_argument("-w", "--workers", type=int, default=50, help="threads (50)")
    parser.add_argument("--taps", action="store_true", help="save each answer on its own first")
    parser.add_argument("--refresh", type=float, default=2.0, help="presenter poll, s (2.0)")
    parser.add_argument("--repeat", type=int, default=30, help="timed snapshot runs (30)")
    args = parser.parse_args(argv)

    bank = default_bank()
    engine, label, cleanup = _open(args, bank)
    room = workshops.create_workshop(engine=engine, title="bench room", actor="bench")
    code, n_people = room.code, args.participants
    joins: list[float] = []
    submits: list[float] = []
    journeys: list[float] = []
    company_ids: list[int] = []
    assessment_ids: list[int] = []
    lock = threading.Lock()

    def participant(n: int) -> None:
        begin = time.perf_counter()
        profile = workshops.participant_profile(
            code=code, ksic=SECTORS[n % len(SECTORS)], employees=5 + 7 * n
        )
        joined = workshops.join(
            engine=engine, code=code, profile=profile, bank=bank, wave=LAST_WAVE
        )
        joined_at = time.perf_counter()
        answers = _answers(bank, n)
        if args.taps:
            for item_id, level in answers.items():
                workshops.save_participant_answer(
                    engine=engine,
                    bank=bank,
                    assessment_id=joined.assessment.id,
                    item_id=item_id,
                    level=level,
                )
        submit_at = time.perf_counter()
        workshops.submit_participant(
            engine=engine, bank=bank, assessment_id=joined.assessment.id, answers=answers
        )
        end = time.perf_counter()
        with lock:
            joins.append(joined_at - begin)
            submits.append(end - submit_at)
            journeys.append(end - begin)
            company_ids.append(joined.company.id)
            assessment_ids.append(joined.assessment.id)

    presenter = Presenter(engine, bank, room.id, n_people, args.refresh)
    try:
        presenter.start()
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            for future in [pool.submit(participant, n) for n in range(n_people)]:
                future.result()
        last_done = time.perf_counter()
        wall = last_done - start
        presenter.join(timeout=args.refresh + 30)
        lag = None if presenter.shown_at is None else presenter.shown_at - last_done

        snapshot_times = timed(
            lambda: workshops.room_snapshot(engine=engine, workshop_id=room.id, bank=bank),
            args.repeat,
        )
        reference_times = timed(
            lambda: workshops.all_members_reference(engine=engine, wave=LAST_WAVE, bank=bank),
            max(3, args.repeat // 5),
        )
        before = workshops.room_snapshot(engine=engine, workshop_id=room.id, bank=bank)

        def again(assessment_id: int) -> bool:
            return workshops.submit_participant(
                engine=engine, bank=bank, assessment_id=assessment_id, answers=_answers(bank, 0)
            ).repeated

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            repeats = list(pool.map(again, assessment_ids))
        repeat_wall = time.perf_counter() - start
        after = workshops.room_snapshot(engine=engine, workshop_id=room.id, bank=bank)
        workshops.set_status(engine=engine, workshop_id=room.id, status="closed", actor="bench")
    finally:
        presenter.stop.set()
        if cleanup:
            for company_id in company_ids:
                remove_company(engine, company_id)
        engine.dispose()

    snap_median, snap_p90 = ms(snapshot_times)
    ok_counts = (after.joined, after.submitted) == (n_people, n_people) and all(repeats)
    unchanged = (before.scores, before.stages, before.sectors) == (
        after.scores,
        after.stages,
        after.sectors,
    )
    path = "join, 12 saves, submit" if args.taps else "join, submit with the answers"
    print()
    print("=== a workshop room: participants submitting at once, the presenter view ===")
    for line in machine_lines():
        print(line)
    print(f"database      {label}")
    print(f"room          {n_people} participants on {args.workers} threads: {path}")
    verdict = "meets" if wall < DEADLINE_SECONDS else "MISSES"
    print(
        f"all in        {wall:6.2f} s  ({n_people / wall:.0f} participants/s; goal under "
        f"{DEADLINE_SECONDS:g} s: {verdict})"
    )
    print(figure_line("  one participant, start to result", journeys))
    print(figure_line("  join", joins))
    print(figure_line("  submit_participant", submits))
    if lag is None:
        print(f"presenter     never showed all {n_people} (polling every {args.refresh:g} s)")
    else:
        print(
            f"presenter     showed all {n_people} {max(lag, 0.0):.2f} s after the last submission "
            f"(polling every {args.refresh:g} s; {len(presenter.query_seconds)} polls during "
            f"the burst, slowest {max(presenter.query_seconds) * 1000:.1f} ms)"
        )
    print(figure_line("room_snapshot, after", snapshot_times))
    print(figure_line("all_members_reference", reference_times))
    verdict = (
        "meets" if snap_median < SNAPSHOT_GOAL_MS and snap_p90 < SNAPSHOT_GOAL_MS else "MISSES"
    )
    print(f"goal          room_snapshot under {SNAPSHOT_GOAL_MS:g} ms: {verdict}")
    print(
        f"second wave   {n_people} repeated submissions in {repeat_wall:.2f} s: "
        f"{'all repeated' if all(repeats) else 'SOME COUNTED AGAIN'}, room "
        f"{'unchanged' if unchanged else 'CHANGED'}"
    )
    print(
        f"check         joined {after.joined}, submitted {after.submitted}: "
        f"{'ok' if ok_counts and unchanged else 'WRONG'}"
    )
    return 0 if ok_counts and unchanged else 1


if __name__ == "__main__":
    raise SystemExit(main())
