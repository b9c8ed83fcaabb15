"""Issue #14: the projector's read-only presenter link (SQLite and PostgreSQL): stored as its
digest, replaced by a new one, revocable, ended by closing the workshop or by its lifetime."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import select

from readiness import store, workshops
from readiness.db import read_session
from readiness.models import AuditEvent, Workshop, utcnow


def test_a_presenter_link_shows_its_workshop_until_revoked(engine: sa.Engine) -> None:
    room = workshops.create_workshop(engine=engine, title="천안 워크숍", actor="staff@x.kr")
    assert workshops.presenter_workshop(engine=engine, token=None) is None
    token = workshops.new_presenter_link(engine=engine, workshop_id=room.id, actor="staff@x.kr")  # type: ignore[arg-type]
    shown = workshops.presenter_workshop(engine=engine, token=token)
    assert shown is not None and shown.id == room.id
    with read_session(engine) as session:
        row = session.get(Workshop, room.id)
        assert row is not None and row.presenter_key_hash == store.hash_token(token)
        assert token not in str(row.model_dump())  # only its digest is stored
    assert workshops.presenter_url(token, base="https://r.example.kr") == (
        f"https://r.example.kr/?k={token}"
    )
    # A new link ends the old one; revoking ends the new one.
    newer = workshops.new_presenter_link(engine=engine, workshop_id=room.id, actor="staff@x.kr")  # type: ignore[arg-type]
    assert workshops.presenter_workshop(engine=engine, token=token) is None
    assert workshops.presenter_workshop(engine=engine, token=newer) is not None
    workshops.revoke_presenter_link(engine=engine, workshop_id=room.id, actor="staff@x.kr")  # type: ignore[arg-type]
    assert workshops.presenter_workshop(engine=engine, token=newer) is None
    with read_session(engine) as session:
        actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.seq))]
    assert actions[-3:] == [
        "workshop.presenter_link",
        "workshop.presenter_link",
        "workshop.presenter_revoke",
    ]


def test_a_presenter_link_ends_with_its_workshop_or_its_lifetime(engine: sa.Engine) -> None:
    room = workshops.create_workshop(engine=engine, title="워크숍", actor="staff@x.kr")
    token = workshops.new_presenter_link(engine=engine, workshop_id=room.id, actor="staff@x.kr")  # type: ignore[arg-type]
    later = utcnow() + timedelta(hours=workshops.PRESENTER_LINK_HOURS, minutes=1)
    assert workshops.presenter_workshop(engine=engine, token=token, now=later) is None
    workshops.set_status(engine=engine, workshop_id=room.id, status="paused", actor="t")  # type: ignore[arg-type]
    assert (
        workshops.presenter_workshop(engine=engine, token=token) is not None
    )  # a pause is not an end
    workshops.set_status(engine=engine, workshop_id=room.id, status="closed", actor="t")  # type: ignore[arg-type]
    assert workshops.presenter_workshop(engine=engine, token=token) is None
    assert workshops.presenter_workshop(engine=engine, token="x" * 500) is None
