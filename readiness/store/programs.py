"""The support-programme catalog staff upload: stored whole, newest first, every upload audited.

The newest stored catalog overrides the shipped data/programs.yaml; without one, the shipped file
is the catalog. Audit events hold the catalog's version, digest and size, not its text.
"""

from __future__ import annotations

import hashlib
import logging

import sqlalchemy as sa
from sqlmodel import col, select

from readiness.db import read_session, write_session
from readiness.models import AssociationRequest, Company, ProgramCatalogRow
from readiness.programs import ProgramCatalog, ProgramCatalogError, load_catalog, parse_text
from readiness.store.audit import append_event
from readiness.store.rows import stored_id

log = logging.getLogger(__name__)


def save_program_catalog(*, engine: sa.Engine, catalog: ProgramCatalog, actor: str) -> int:
    """Store a validated catalog as the current one; returns its row id (audited)."""
    body = catalog.to_yaml()
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    row = ProgramCatalogRow(
        version=catalog.version[:40],
        body=body,
        digest=digest,
        programs=len(catalog.programs),
        created_by=actor[:254],
    )
    with write_session(engine) as session:
        session.add(row)
        session.flush()
        row_id = stored_id(row)
        append_event(
            session,
            actor=actor,
            action="programs.upload",
            entity="program_catalog",
            entity_id=row_id,
            detail={"version": row.version, "digest": digest, "programs": row.programs},
        )
    return row_id


def latest_program_catalog_row(*, engine: sa.Engine) -> ProgramCatalogRow | None:
    query = select(ProgramCatalogRow).order_by(col(ProgramCatalogRow.id).desc()).limit(1)
    with read_session(engine) as session:
        return session.exec(query).first()


def active_program_catalog(*, engine: sa.Engine) -> ProgramCatalog:
    """The catalog companies see (`program_catalog_in_use`)."""
    return program_catalog_in_use(engine=engine)[0]


def program_catalog_in_use(*, engine: sa.Engine) -> tuple[ProgramCatalog, ProgramCatalogRow | None]:
    """The newest uploaded catalog and its row, else the shipped one and None. A stored catalog
    that no longer validates (the question bank changed since) gives way to the shipped one,
    logged."""
    row = latest_program_catalog_row(engine=engine)
    if row is None:
        return load_catalog(), None
    try:
        return parse_text(row.body, source=f"program_catalog #{row.id}"), row
    except ProgramCatalogError as exc:
        log.warning(
            "the stored programme catalog no longer validates; using the shipped one: %s", exc
        )
        return load_catalog(), None


def program_request_rows(*, engine: sa.Engine) -> list[tuple[str, int, str]]:
    """(programme id, company id, KSIC division) of every "programme" request (staff's table of
    interest)."""
    query = (
        select(AssociationRequest.program_id, Company.id, Company.ksic)
        .join(Company, col(Company.id) == col(AssociationRequest.company_id))
        .where(AssociationRequest.kind == "programme")
    )
    with read_session(engine) as session:
        rows = session.exec(query).all()
    return [(str(pid), int(cid), str(ksic)) for pid, cid, ksic in rows if pid and cid]
