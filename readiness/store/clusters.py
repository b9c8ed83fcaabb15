"""Value-chain clusters that staff saved: the clusters, their members, and their exports."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, delete, select

from readiness import reference
from readiness.db import read_session, write_session
from readiness.models import Cluster, ClusterMember, Company
from readiness.profile import clean_text
from readiness.store.audit import append_event, record_event
from readiness.store.errors import StoreError
from readiness.store.rows import stored_id, table_of

CLUSTER_NOTE_MAX = 500


def cluster_company_facts(*, engine: sa.Engine, ksic: Sequence[str] = ()) -> list[dict[str, Any]]:
    """What value-chain matching needs of each company beyond a cohort row.

    One dict per company (of the given KSIC divisions; all when empty): company_id, employees,
    roles, markets, products, consent_suggest, consent_named. Lists come back decoded.
    """
    c = table_of(Company)
    query = sa.select(
        c.c.id.label("company_id"),
        c.c.employees,
        c.c.roles,
        c.c.markets,
        c.c.products,
        c.c.consent_suggest,
        c.c.consent_named,
    ).order_by(c.c.id)
    if ksic:
        query = query.where(c.c.ksic.in_(list(ksic)))
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def create_cluster(
    *,
    engine: sa.Engine,
    name: str,
    chain: str,
    members: Sequence[tuple[int, str]],
    created_by: str,
    note: str = "",
) -> Cluster:
    """Save a cluster with its members, each as (company id, value-chain role); audited
    "cluster.save". Refuses (StoreError, nothing written) a blank name, no members, a company
    listed twice, an unknown role or a company that does not exist."""
    try:
        name = clean_text(name, max_length=120)
        note = clean_text(note, max_length=CLUSTER_NOTE_MAX)
    except ValueError as exc:
        raise StoreError(f"cluster name or note: {exc}") from None
    chain = (chain or "").strip()
    if not name:
        raise StoreError("a cluster needs a name")
    if not chain or len(chain) > 32:
        raise StoreError("a cluster needs a chain (a chain id or a KSIC division)")
    if not members:
        raise StoreError("a cluster needs at least one member")
    ids = [int(company_id) for company_id, _ in members]
    if len(set(ids)) != len(ids):
        raise StoreError("a company is listed twice in the cluster")
    bad = sorted({role for _, role in members if role not in reference.role_ids()})
    if bad:
        raise StoreError(f"unknown value-chain role(s): {', '.join(bad)}")
    cluster = Cluster(name=name, chain=chain, created_by=created_by, note=note)
    with write_session(engine) as session:
        found = set(session.exec(select(Company.id).where(col(Company.id).in_(ids))).all())
        missing = [i for i in ids if i not in found]
        if missing:
            raise StoreError(f"no such company: {', '.join(map(str, missing))}")
        session.add(cluster)
        session.flush()
        cluster_id = stored_id(cluster)
        session.add_all(
            ClusterMember(cluster_id=cluster_id, company_id=int(company_id), role=role)
            for company_id, role in members
        )
        append_event(
            session,
            actor=created_by,
            action="cluster.save",
            entity="cluster",
            entity_id=cluster_id,
            detail={
                "name": name,
                "chain": chain,
                "members": [[int(company_id), role] for company_id, role in members],
            },
        )
    return cluster


def list_clusters(*, engine: sa.Engine, company_id: int | None = None) -> list[dict[str, Any]]:
    """Saved clusters, newest first: id, name, chain, created_by, created_at, note, members
    (how many). With `company_id`, only the clusters that company belongs to."""
    cl = table_of(Cluster)
    cm = table_of(ClusterMember)
    count = (
        sa.select(sa.func.count())
        .where(cm.c.cluster_id == cl.c.id)
        .scalar_subquery()
        .label("members")
    )
    query = sa.select(
        cl.c.id, cl.c.name, cl.c.chain, cl.c.created_by, cl.c.created_at, cl.c.note, count
    ).order_by(cl.c.created_at.desc(), cl.c.id.desc())
    if company_id is not None:
        query = query.where(
            cl.c.id.in_(sa.select(cm.c.cluster_id).where(cm.c.company_id == company_id))
        )
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def get_cluster(*, engine: sa.Engine, cluster_id: int) -> Cluster | None:
    with read_session(engine) as session:
        return session.get(Cluster, cluster_id)


def cluster_members(*, engine: sa.Engine, cluster_id: int) -> list[dict[str, Any]]:
    """A saved cluster's members in the order saved: company_id, role, name, ksic, size_band,
    region, roles, products, synthetic. Empty for an unknown cluster."""
    c = table_of(Company)
    cm = table_of(ClusterMember)
    query = (
        sa.select(
            cm.c.company_id,
            cm.c.role,
            c.c.name,
            c.c.ksic,
            c.c.size_band,
            c.c.region,
            c.c.roles,
            c.c.products,
            c.c.synthetic,
        )
        .select_from(cm.join(c, c.c.id == cm.c.company_id))
        .where(cm.c.cluster_id == cluster_id)
        .order_by(cm.c.company_id)
    )
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def delete_cluster(*, engine: sa.Engine, cluster_id: int, actor: str) -> bool:
    """Delete a saved cluster (its members go with it); audited "cluster.delete"."""
    with write_session(engine) as session:
        cluster = session.get(Cluster, cluster_id)
        if cluster is None:
            return False
        members = session.exec(
            select(ClusterMember.company_id).where(ClusterMember.cluster_id == cluster_id)
        ).all()
        session.exec(delete(ClusterMember).where(col(ClusterMember.cluster_id) == cluster_id))
        session.delete(cluster)
        append_event(
            session,
            actor=actor,
            action="cluster.delete",
            entity="cluster",
            entity_id=cluster_id,
            detail={"name": cluster.name, "chain": cluster.chain, "members": sorted(members)},
        )
    return True


def record_cluster_export(*, engine: sa.Engine, actor: str, detail: dict[str, Any]) -> None:
    """Record in the audit log that a cluster (proposed or saved) was exported."""
    record_event(
        engine=engine,
        actor=actor,
        action="cluster.export",
        entity="cluster",
        entity_id=str(detail.get("cluster_id") or ""),
        detail=detail,
    )
