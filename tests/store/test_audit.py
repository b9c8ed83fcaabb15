from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import select

from readiness import audit, store
from readiness.db import read_session, write_session
from readiness.models import AuditEvent

ROOT = Path(__file__).resolve().parents[2]


def _append(engine: sa.Engine, n: int, actor: str = "tester") -> None:
    for i in range(n):
        with write_session(engine) as session:
            store.append_event(
                session,
                actor=actor,
                action="test.event",
                entity="thing",
                entity_id=i,
                detail={"n": i, "name": "한빛"},
            )


def _verify(engine: sa.Engine) -> audit.ChainReport:
    return store.verify_audit(engine=engine)


def test_intact_chain_verifies(engine: sa.Engine) -> None:
    _append(engine, 5)
    report = _verify(engine)
    assert report.ok and report.checked == 5


def test_an_altered_row_is_named(engine: sa.Engine) -> None:
    _append(engine, 5)
    with engine.begin() as conn:
        conn.execute(
            sa.update(AuditEvent.__table__)
            .where(AuditEvent.__table__.c.id == 3)
            .values(actor="mallory")
        )
    report = _verify(engine)
    assert not report.ok and report.first_bad_id == 3 and report.checked == 2
    assert "content" in report.reason


def test_a_rehashed_row_still_breaks_the_link_to_the_next(engine: sa.Engine) -> None:
    _append(engine, 4)
    with read_session(engine) as session:
        row = session.exec(select(AuditEvent).where(AuditEvent.id == 2)).one()
        row.detail = '{"n": 99}'
        new_hash = audit.content_hash(row, row.prev_hash)
    with engine.begin() as conn:
        table = AuditEvent.__table__
        conn.execute(
            sa.update(table).where(table.c.id == 2).values(detail='{"n": 99}', hash=new_hash)
        )
    report = _verify(engine)
    assert not report.ok and report.first_bad_id == 3 and "link" in report.reason


def test_a_deleted_row_is_named(engine: sa.Engine) -> None:
    _append(engine, 4)
    with engine.begin() as conn:
        conn.execute(sa.delete(AuditEvent.__table__).where(AuditEvent.__table__.c.id == 2))
    report = _verify(engine)
    assert not report.ok and report.first_bad_id == 3 and "missing" in report.reason


def test_concurrent_appends_keep_one_chain(engine: sa.Engine) -> None:
    threads = [threading.Thread(target=_append, args=(engine, 10, f"w{i}")) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    report = _verify(engine)
    assert report.ok and report.checked == 40


def test_replicas_appending_at_once_keep_one_chain(engine: sa.Engine) -> None:
    """Replicas are processes with engines of their own: their appends still form one chain
    (PostgreSQL: an advisory lock per append; SQLite: BEGIN IMMEDIATE)."""
    url = engine.url.render_as_string(hide_password=False)
    code = (
        "import sys; from tests.store.test_audit import _append; "
        "from readiness.db import make_engine; _append(make_engine(sys.argv[1]), 25, sys.argv[2])"
    )
    replicas = [
        subprocess.Popen(
            [sys.executable, "-c", code, url, f"r{k}"], cwd=ROOT, stderr=subprocess.PIPE, text=True
        )
        for k in range(4)
    ]
    errors = [replica.communicate(timeout=120)[1] for replica in replicas]
    assert [replica.returncode for replica in replicas] == [0] * 4, errors
    report = _verify(engine)
    assert report.ok and report.checked == 100
    with read_session(engine) as session:
        links = session.exec(select(AuditEvent.prev_hash)).all()
    assert len(set(links)) == len(links)  # no two events follow the same one: no fork
