"""Members' contacts (representative, phone, e-mail) from the roster: read by staff pages only."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import col, select

from readiness.db import read_session
from readiness.models import CompanyContact

CONTACT_FIELDS = ("representative", "phone", "email")


def contact_of(*, engine: sa.Engine, company_id: int) -> CompanyContact | None:
    """A member's contact, or None when the roster gave none."""
    with read_session(engine) as session:
        return session.get(CompanyContact, company_id)


def contacts_of(*, engine: sa.Engine, company_ids: Sequence[int]) -> dict[int, CompanyContact]:
    """The contacts of these members, by company id (members without one are left out)."""
    if not company_ids:
        return {}
    with read_session(engine) as session:
        query = select(CompanyContact).where(col(CompanyContact.company_id).in_(company_ids))
        return {c.company_id: c for c in session.exec(query)}
