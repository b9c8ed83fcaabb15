"""Workshops: the rows, the status check of every participant write, and the room's one read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from readiness.cohorts import Cohort
from readiness.db import read_session, write_session
from readiness.models import Assessment, Company, Workshop, utcnow
from readiness.store.audit import append_event
from readiness.store.cohorts import latest_submissions, with_pillar_scores
from readiness.store.errors import WorkshopStateError
from readiness.store.rows import table_of


def check_workshop(session: Session, workshop_id: int, *, allowed: tuple[str, ...]) -> None:
    """Refuse the write unless the workshop's status is `allowed`. On PostgreSQL the row is
    share-locked, so a concurrent close waits for this transaction and later ones see it."""
    workshop = session.get(Workshop, workshop_id, with_for_update={"read": True})
    status = None if workshop is None else workshop.status
    if status not in allowed:
        raise WorkshopStateError(status)


def add_workshop(*, engine: sa.Engine, workshop: Workshop, actor: str) -> bool:
    """Insert a new workshop, audited "workshop.create"; False (nothing written) when its join
    code is taken."""
    try:
        with write_session(engine) as session:
            session.add(workshop)
            session.flush()
            append_event(
                session,
                actor=actor,
                action="workshop.create",
                entity="workshop",
                entity_id=workshop.id or "",
                detail={
                    "code": workshop.code,
                    "title": workshop.title,
                    "held_on": str(workshop.held_on),
                },
            )
    except IntegrityError:
        return False
    return True


def get_workshop(*, engine: sa.Engine, workshop_id: int) -> Workshop | None:
    with read_session(engine) as session:
        return session.get(Workshop, workshop_id)


def workshop_with_code(*, engine: sa.Engine, code: str) -> Workshop | None:
    """The workshop whose join code is exactly `code`."""
    with read_session(engine) as session:
        return session.exec(select(Workshop).where(Workshop.code == code)).first()


def workshops_newest_first(*, engine: sa.Engine) -> list[Workshop]:
    with read_session(engine) as session:
        query = select(Workshop).order_by(
            col(Workshop.held_on).desc(),
            col(Workshop.id).desc(),
        )
        return list(session.exec(query).all())


def workshop_head_counts(*, engine: sa.Engine) -> list[tuple[Workshop, int, int]]:
    """Every workshop, newest first, with how many companies joined and how many submitted."""
    a = table_of(Assessment)
    joined = sa.func.count(sa.distinct(a.c.company_id))
    submitted = sa.func.count(
        sa.distinct(sa.case((a.c.status == "submitted", a.c.company_id), else_=None))
    )
    query = (
        select(Workshop, joined, submitted)
        .select_from(Workshop)
        .outerjoin(a, a.c.workshop_id == Workshop.id)
        .group_by(col(Workshop.id))
        .order_by(col(Workshop.held_on).desc(), col(Workshop.id).desc())
    )
    with read_session(engine) as session:
        return [(w, int(j), int(s)) for w, j, s in session.exec(query).all()]


def set_workshop_status(
    *, engine: sa.Engine, workshop_id: int, status: str, actor: str
) -> Workshop | None:
    """Change a workshop's status under a row lock, audited when it changes; None when there is
    no such workshop."""
    with write_session(engine) as session:
        workshop = session.get(Workshop, workshop_id, with_for_update=True)
        if workshop is None:
            return None
        before = workshop.status
        if before == status:
            return workshop
        workshop.status = status
        session.add(workshop)
        append_event(
            session,
            actor=actor,
            action="workshop.status",
            entity="workshop",
            entity_id=workshop_id,
            detail={"code": workshop.code, "from": before, "to": status},
        )
    return workshop


def room_rows(*, engine: sa.Engine, workshop_id: int, pillars: Sequence[str]) -> list[Any]:
    """One row per participant (its submission if any, else its draft) with the workshop's status
    in each row: workshop_status, id, status, stage, overall, submitted_at, ksic, then p0, p1...
    per pillar. A single
    row of NULLs beside the status when nobody has joined, no row for no workshop."""
    c = table_of(Company)
    w = table_of(Workshop)
    latest = latest_submissions(
        "company_id",
        "status",
        "stage",
        "overall",
        "submitted_at",
        cohort=Cohort(workshop_ids=(workshop_id,)),
        drafts=True,
    )
    joined, scores = with_pillar_scores(
        latest, latest.join(c, c.c.id == latest.c.company_id), pillars
    )
    room = (
        sa.select(
            latest.c.id,
            latest.c.status,
            latest.c.stage,
            latest.c.overall,
            latest.c.submitted_at,
            c.c.ksic,
            *(alias.c.score.label(f"p{n}") for n, alias in enumerate(scores.values())),
        )
        .select_from(joined)
        .subquery("room")
    )
    query = (
        sa.select(w.c.status.label("workshop_status"), *room.c)
        .select_from(w.outerjoin(room, sa.true()))
        .where(w.c.id == workshop_id)
    )
    with engine.connect() as conn:
        return list(conn.execute(query).all())


def set_presenter_key(
    *, engine: sa.Engine, workshop_id: int, key_hash: str | None, actor: str
) -> Workshop | None:
    """Make (a digest) or revoke (None) a workshop's presenter link, audited; None when there is
    no such workshop."""
    with write_session(engine) as session:
        workshop = session.get(Workshop, workshop_id, with_for_update=True)
        if workshop is None:
            return None
        workshop.presenter_key_hash = key_hash
        workshop.presenter_key_at = utcnow() if key_hash else None
        session.add(workshop)
        append_event(
            session,
            actor=actor,
            action="workshop.presenter_link" if key_hash else "workshop.presenter_revoke",
            entity="workshop",
            entity_id=workshop_id,
            detail={"code": workshop.code},
        )
    return workshop


def workshop_with_presenter_key(*, engine: sa.Engine, key_hash: str) -> Workshop | None:
    with read_session(engine) as session:
        return session.exec(select(Workshop).where(Workshop.presenter_key_hash == key_hash)).first()
