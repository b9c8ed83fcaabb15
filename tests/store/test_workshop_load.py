"""A full room: 200 participants join, answer the quick scan and submit at once, each counted once.

Each participant is a task on a pool of 50 threads and goes through the functions the join page
calls: workshops.join (company and quick-scan draft in one transaction), then
workshops.submit_participant with the 12 answers (saved and submitted in one transaction), on a
SQLite file and on PostgreSQL. The answers a participant saves one by one while tapping through
the scan are spread over minutes in a real room. How fast this goes (goal: all in under 10 s, the
room snapshot under 50 ms) is bench/workshop.py's job; it times the --taps variant too.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import sqlalchemy as sa
from sqlmodel import func, select

from readiness import store, workshops
from readiness.bank import Bank
from readiness.db import read_session
from readiness.models import Answer, Assessment, AuditEvent, Company

PARTICIPANTS = 200
WORKERS = 50
WAVE = 2026
SECTORS = ("C29", "C29", "C25", "C30", "C10", "C26", "C20", "C22")


def _answers(bank: Bank, n: int) -> dict[str, int | None]:
    items = bank.item_ids(quick_only=True)
    return {item: (n + 2 * i) % 6 for i, item in enumerate(items)}


def _participant(engine: sa.Engine, bank: Bank, code: str, n: int) -> int:
    profile = workshops.participant_profile(
        code=code,
        ksic=SECTORS[n % len(SECTORS)],
        employees=5 + 7 * n,
        name=f"참가 기업 {n}" if n % 3 else None,
    )
    joined = workshops.join(engine=engine, code=code, profile=profile, bank=bank, wave=WAVE)
    done = workshops.submit_participant(
        engine=engine, bank=bank, assessment_id=joined.assessment.id, answers=_answers(bank, n)
    )
    assert not done.repeated
    return done.assessment_id


def _counts(engine: sa.Engine, workshop_id: int) -> tuple[int, int, int, int]:
    """(submitted assessments of the workshop, companies, answers, audit events)."""
    with read_session(engine) as session:
        submitted = session.exec(
            select(func.count())
            .select_from(Assessment)
            .where(Assessment.workshop_id == workshop_id, Assessment.status == "submitted")
        ).one()
        companies = session.exec(select(func.count()).select_from(Company)).one()
        answers = session.exec(select(func.count()).select_from(Answer)).one()
        events = session.exec(select(func.count()).select_from(AuditEvent)).one()
    return int(submitted), int(companies), int(answers), int(events)


def test_two_hundred_participants_at_once_land_exactly_once(engine: sa.Engine, bank: Bank) -> None:
    room = workshops.create_workshop(engine=engine, title="부하 시험", actor="test")
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = [
            pool.submit(_participant, engine, bank, room.code, n) for n in range(PARTICIPANTS)
        ]
        ids = [f.result() for f in futures]  # re-raises any participant's error

    assert len(set(ids)) == PARTICIPANTS
    items = len(bank.item_ids(quick_only=True))
    expected = (PARTICIPANTS, PARTICIPANTS, items * PARTICIPANTS, 1 + 2 * PARTICIPANTS)
    assert _counts(engine, room.id) == expected
    snapshot = workshops.room_snapshot(engine=engine, workshop_id=room.id, bank=bank)
    assert (snapshot.joined, snapshot.submitted) == (PARTICIPANTS, PARTICIPANTS)
    assert sum(snapshot.stages.values()) == PARTICIPANTS  # type: ignore[union-attr]
    assert sum(n for _, n in snapshot.sectors) == PARTICIPANTS
    report = store.verify_audit(engine=engine)
    assert report.ok and report.checked == 1 + 2 * PARTICIPANTS

    # Everyone taps "submit" again, all at once, with other answers: nothing changes.
    def again(assessment_id: int) -> bool:
        return workshops.submit_participant(
            engine=engine, bank=bank, assessment_id=assessment_id, answers=_answers(bank, 0)
        ).repeated

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        assert all(pool.map(again, ids))
    assert _counts(engine, room.id) == expected
    after = workshops.room_snapshot(engine=engine, workshop_id=room.id, bank=bank)
    assert replace(after, taken_at=snapshot.taken_at) == snapshot
