"""Writing a plan: one transaction through the store's bulk load, audited once ("import")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from readiness import peers, reference, store
from readiness.bank import Bank
from readiness.i18n import Message
from readiness.importer.plan import PROFILE_FIELDS, ImportPlan, MemberChange, resolve, signature
from readiness.importer.problems import ImportRefused
from readiness.importer.rows import FileAssessment, FileMember, MemberKey
from readiness.member_file import CONTACT_KEYS
from readiness.models import Answer, Assessment, Company, CompanyContact, PillarScoreRow, utcnow

ACTION = "import"


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    assessments: int
    assessments_unchanged: int
    verified: int
    contacts: int
    rows: dict[str, int]
    audit_event_id: int


def apply_import(plan: ImportPlan, *, engine: sa.Engine, actor: str) -> ImportResult:
    """Write a plan without errors in one transaction (all or nothing), audited once.

    The plan is checked again inside the transaction; when the database changed since the
    preview so that the import would do something else, ImportRefused asks for a new preview.
    """
    if plan.errors:
        raise ImportRefused(Message("importer.has_errors", {"n": len(plan.errors)}))
    bank = plan.bank
    now = utcnow()
    with store.bulk_load(engine=engine) as load:
        members, assessments, problems = resolve(plan.parsed, load)
        if problems or signature(members, assessments) != plan.signature():
            raise ImportRefused(Message("importer.changed_since_preview"))
        next_ids = load.next_ids()
        company_id, assessment_id = next_ids["company"], next_ids["assessment"]
        ids: dict[MemberKey, int] = {}
        company_rows: list[dict[str, Any]] = []
        for m in members:
            if m.company_id is not None:
                ids[m.key] = m.company_id
                continue
            source = plan.parsed.members[m.key]
            ids[m.key] = company_id
            company_rows.append(_company_row(company_id, source, now))
            company_id += 1
        new_results = {x.row for x in assessments if x.action == "create"}
        assessment_rows: list[dict[str, Any]] = []
        answer_rows: list[dict[str, Any]] = []
        score_rows: list[dict[str, Any]] = []
        for f in plan.parsed.assessments:
            if f.row not in new_results:
                continue
            assessment_rows.append(_assessment_row(assessment_id, ids[f.member], f, bank, now))
            answer_rows.extend(store.answer_rows(assessment_id, f.answers))
            score_rows.extend(store.pillar_score_rows(assessment_id, f.result))
            assessment_id += 1
        load.insert(
            {
                Company: company_rows,
                Assessment: assessment_rows,
                Answer: answer_rows,
                PillarScoreRow: score_rows,
            }
        )
        updates = [m for m in members if m.action == "update"]
        load.update(Company, [row for m in updates if len(row := _company_changes(m)) > 1])
        contact_rows = _contact_rows(plan, members, ids, load, now)
        if contact_rows:
            ids_written = [r["company_id"] for r in contact_rows]
            load.delete_where_in(CompanyContact, "company_id", ids_written)
            load.insert({CompanyContact: contact_rows})
        # A member of the roster that registered itself (its number matched) is verified now.
        verified = load.verify([m.company_id for m in members if m.company_id is not None])
        summary = {
            "created": len(company_rows),
            "updated": len(updates),
            "unchanged": sum(1 for m in members if m.action == "unchanged"),
            "assessments": len(assessment_rows),
            "assessments_unchanged": len(assessments) - len(assessment_rows),
            "verified": verified,
            "contacts": len(contact_rows),
        }
        event = load.audit(
            actor=actor,
            action=ACTION,
            entity="file",
            entity_id=plan.sha256,
            detail={
                "file": plan.filename,
                "sha256": plan.sha256,
                "format": plan.kind,
                "rows": plan.rows,
                "bank_version": bank.version,
                **summary,
                "tables": load.counts,
            },
        )
    return ImportResult(**summary, rows=load.counts, audit_event_id=int(event.id or 0))


def _company_row(company_id: int, member: FileMember, now: Any) -> dict[str, Any]:
    p = member.profile
    return {
        "id": company_id,
        **{k: getattr(p, k) for k in PROFILE_FIELDS},
        "size_band": p.size_band,
        "markets": list(p.markets),
        "roles": list(p.roles),
        "products": p.products,
        "consent_suggest": p.consent_suggest,
        "consent_named": p.consent_named,
        "synthetic": member.synthetic,
        "verified": True,  # the association's roster
        "respondent": False,
        "member_id": None,
        "member_via": None,
        "token_hash": None,
        "created_at": now,
    }


def _assessment_row(
    assessment_id: int, company_id: int, f: FileAssessment, bank: Bank, now: Any
) -> dict[str, Any]:
    """A submitted assessment, scored as store.submit_assessment scores one."""
    return {
        "id": assessment_id,
        "company_id": company_id,
        "wave": f.wave,
        "mode": f.mode,
        "status": "submitted",
        "bank_version": bank.version,
        "workshop_id": None,
        "goal": None,
        "overall": f.result.overall,
        "stage": f.result.stage,
        "completeness": peers.overall_completeness(f.result),
        "norm_eligible": peers.is_norm_eligible(f.result, f.answers),
        "created_at": now,
        "updated_at": now,
        "submitted_at": now,
        "seal": None,  # audited once per file, not per submission
    }


def _contact_rows(
    plan: ImportPlan,
    members: list[MemberChange],
    ids: dict[MemberKey, int],
    load: store.BulkLoad,
    now: Any,
) -> list[dict[str, Any]]:
    """The contact rows to write: a new member's, or a member's whose contact the file changes
    (a blank cell keeps what is stored)."""
    changed = [
        m
        for m in members
        if plan.parsed.members[m.key].contact
        and (m.action == "create" or any(k in m.changes for k in CONTACT_KEYS))
    ]
    stored = load.contacts(company_ids=[m.company_id for m in changed if m.company_id is not None])
    rows = []
    for m in changed:
        company_id = ids[m.key]
        kept = stored.get(company_id, {})
        given = plan.parsed.members[m.key].contact
        rows.append(
            {
                "company_id": company_id,
                **{k: given.get(k, kept.get(k)) for k in CONTACT_KEYS},
                "updated_at": now,
            }
        )
    return rows


def _company_changes(member: MemberChange) -> dict[str, Any]:
    """The changed profile fields of a member by id, with the size band its head count implies."""
    values = {k: new for k, (_, new) in member.changes.items() if k not in CONTACT_KEYS}
    if "employees" in values:
        values["size_band"] = reference.size_band_for(values["employees"])
    return {"id": member.company_id, **values}
