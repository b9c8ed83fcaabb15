"""Requests to the association: stored as sent, worked through by staff, every change audited.

Audit events hold the request's id, kind and status, never the contact details.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import col, select

from readiness.db import read_session, write_session
from readiness.models import AssociationRequest, Company, utcnow
from readiness.requests import NOTES_MAX, STATUSES, NewRequest
from readiness.store.audit import append_event
from readiness.store.errors import StoreError
from readiness.store.rows import stored_id


def create_request(*, engine: sa.Engine, request: NewRequest, actor: str = "self") -> int:
    """Store a request; returns its id. A link request that gives a business number is tied to
    the member registered under it, if any (for staff to see; the sender is told nothing)."""
    row = AssociationRequest(
        kind=request.kind,
        company_id=request.company_id,
        company_name=request.company_name,
        biz_no=request.biz_no,
        partner_type=request.partner_type,
        member_id=request.member_id,
        program_id=request.program_id,
        message=request.message,
        contact_name=request.contact_name,
        phone=request.phone,
        email=request.email,
        consent=request.consent,
    )
    if not request.consent:
        raise StoreError("a request needs consent to be contacted")
    with write_session(engine) as session:
        if row.company_id is None and request.biz_no:
            row.company_id = session.exec(
                select(Company.id).where(Company.biz_no == request.biz_no)
            ).first()
        if row.company_id is not None and not row.company_name:
            own = session.get(Company, row.company_id)
            row.company_name = own.name if own is not None else ""
        if row.member_id is not None and session.get(Company, row.member_id) is None:
            raise StoreError("no such member")
        session.add(row)
        session.flush()
        request_id = stored_id(row)
        append_event(
            session,
            actor=actor,
            action="request.create",
            entity="request",
            entity_id=request_id,
            detail={"kind": request.kind},
        )
    return request_id


def get_request(*, engine: sa.Engine, request_id: int) -> AssociationRequest | None:
    with read_session(engine) as session:
        return session.get(AssociationRequest, request_id)


def list_requests(
    *,
    engine: sa.Engine,
    statuses: Sequence[str] = (),
    kinds: Sequence[str] = (),
    limit: int = 500,
) -> list[AssociationRequest]:
    """Requests matching the filters (none: all), the open ones first, newest first."""
    query = select(AssociationRequest)
    if statuses:
        query = query.where(col(AssociationRequest.status).in_(list(statuses)))
    if kinds:
        query = query.where(col(AssociationRequest.kind).in_(list(kinds)))
    done_last = sa.case((col(AssociationRequest.status) == "done", 1), else_=0)
    query = query.order_by(done_last, col(AssociationRequest.id).desc()).limit(limit)
    with read_session(engine) as session:
        return list(session.exec(query).all())


def requests_of(*, engine: sa.Engine, company_id: int) -> list[AssociationRequest]:
    """A company's own requests, newest first (its results page shows their status)."""
    query = (
        select(AssociationRequest)
        .where(AssociationRequest.company_id == company_id)
        .order_by(col(AssociationRequest.id).desc())
    )
    with read_session(engine) as session:
        return list(session.exec(query).all())


def update_request(
    *,
    engine: sa.Engine,
    request_id: int,
    actor: str,
    status: str | None = None,
    assignee: str | None = None,
    notes: str | None = None,
) -> AssociationRequest:
    """Change a request's status, assignee or notes (None: unchanged); audited."""
    if status is not None and status not in STATUSES:
        raise StoreError(f"unknown status {status!r}")
    if notes is not None and len(notes) > NOTES_MAX:
        raise StoreError(f"notes hold at most {NOTES_MAX} characters")
    if assignee is not None and len(assignee) > 254:
        raise StoreError("an assignee is an e-mail address of at most 254 characters")
    with write_session(engine) as session:
        row = session.get(AssociationRequest, request_id)
        if row is None:
            raise StoreError("no such request")
        changed = []
        for field, value in (("status", status), ("assignee", assignee), ("notes", notes)):
            if value is not None and getattr(row, field) != value:
                setattr(row, field, value)
                changed.append(field)
        if not changed:
            return row
        row.updated_at = utcnow()
        session.add(row)
        append_event(
            session,
            actor=actor,
            action="request.update",
            entity="request",
            entity_id=request_id,
            detail={"changed": changed, "status": row.status},
        )
    return row
