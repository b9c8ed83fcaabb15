"""Cluster proposals for staff: groups of members that split a chain's roles, scored and explained.

Members of the chain's divisions (and chosen size bands) holding one of its roles; for each role the
POOL_PER_ROLE members with the highest mean pillar score form the pool. A beam search (width BEAM)
grows clusters one member at a time; past `min_size` a member joins only if it brings a role the
cluster lacks. A cluster S of chain C scores

    coverage        = roles of C held in S / roles of C
    strength        = mean over pillars of the best score in S / 100
    complementarity = mean over pairs in adjacent roles of (score(a, b) + score(b, a)) / 2
    cluster score   = 0.5 x coverage + 0.3 x strength + 0.2 x complementarity

The best clusters are returned, each sharing at most half its members with a better one (relaxed
only when too few differ). Everything is deterministic: same frame, same proposals.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from readiness import exports, reference, store
from readiness.bank import Bank, default_bank
from readiness.clusters.chains import (
    Chain,
    ClusterError,
    adjacent,
    in_chain_order,
    resolve_chain,
    role_names,
    role_position,
    role_words,
    short_division,
)
from readiness.clusters.matching import (
    Member,
    complementarity,
    members_of,
    pillar_name,
)
from readiness.i18n import Listing, Message, check_lang, t
from readiness.models import Cluster

CLUSTER_WEIGHTS = (0.5, 0.3, 0.2)  # coverage, strength, complementarity
POOL_PER_ROLE = 8
BEAM = 32
MAX_CLUSTER = 10


# --- cluster proposals (staff) --------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalMember:
    """A member of a proposed cluster and the role it plays there (staff see names)."""

    company_id: int
    name: str
    ksic: str
    size_band: str
    region: str | None
    roles: tuple[str, ...]
    role: str
    products: str
    overall: float | None
    scores: dict[str, float]
    synthetic: bool
    consent_suggest: bool
    consent_named: bool


@dataclass(frozen=True)
class Link:
    """Two members in adjacent roles; weight = their mutual complementarity (0-1)."""

    source: int
    target: int
    weight: float


@dataclass(frozen=True)
class ClusterProposal:
    chain: str
    chain_name: str
    members: tuple[ProposalMember, ...]
    covered_roles: tuple[str, ...]
    missing_roles: tuple[str, ...]
    score: float
    coverage: float
    strength: float
    complementarity: float
    links: tuple[Link, ...]
    leaders: dict[str, int] = field(default_factory=dict)  # pillar -> company id of the best
    reasons: tuple[Message, ...] = ()

    @property
    def company_ids(self) -> tuple[int, ...]:
        return tuple(m.company_id for m in self.members)

    def member_roles(self) -> list[tuple[int, str]]:
        """(company id, role) per member, as `store.create_cluster` takes them."""
        return [(m.company_id, m.role) for m in self.members]


class _Search:
    """Pairwise complementarity and cluster scores over a pool of members."""

    def __init__(self, pool: Sequence[Member], chain: Chain, pillars: Sequence[str]) -> None:
        self.pool = list(pool)
        self.chain = chain
        self.pillars = list(pillars)
        self.chain_roles = [set(m.roles) & set(chain.roles) for m in self.pool]
        n = len(self.pool)
        self.weight: dict[tuple[int, int], float] = {}
        for i in range(n):
            for j in range(i + 1, n):
                a, b = self.pool[i], self.pool[j]
                if any(adjacent(x, y) for x in a.roles for y in b.roles):
                    mutual = (complementarity(a, b).score + complementarity(b, a).score) / 2
                    self.weight[(i, j)] = round(mutual, 9)
        self.best = np.array(
            [[m.scores.get(p, np.nan) for p in self.pillars] for m in self.pool], dtype="float64"
        ).reshape(n, len(self.pillars))

    def covered(self, members: Iterable[int]) -> set[str]:
        return set().union(*(self.chain_roles[i] for i in members))

    def parts(self, members: Sequence[int]) -> tuple[float, float, float, float]:
        """(score, coverage, strength, complementarity) of a set of pool indices."""
        coverage = len(self.covered(members)) / len(self.chain.roles)
        if self.pillars:
            tops = self.best[list(members)]
            with np.errstate(all="ignore"):
                best = np.where(np.isnan(tops).all(axis=0), 0.0, np.nanmax(tops, axis=0))
            strength = float(best.mean()) / 100.0
        else:
            strength = 0.0
        ordered = sorted(members)
        weights = [
            self.weight[(a, b)]
            for n, a in enumerate(ordered)
            for b in ordered[n + 1 :]
            if (a, b) in self.weight
        ]
        compl = sum(weights) / len(weights) if weights else 0.0
        wc, ws, wm = CLUSTER_WEIGHTS
        score = round(wc * coverage + ws * strength + wm * compl, 9)
        return score, coverage, strength, compl


def _eligible(
    members: Iterable[Member], chain: Chain, size_bands: Sequence[str] | None
) -> list[Member]:
    bands = set(size_bands or ())
    return [
        m
        for m in members
        if m.ksic in chain.divisions
        and (not bands or m.size_band in bands)
        and set(m.roles) & set(chain.roles)
        and m.scores
    ]


def _pool(eligible: Sequence[Member], chain: Chain) -> list[Member]:
    chosen: dict[int, Member] = {}
    groups = [eligible]
    if chain.anchor:
        groups.append([m for m in eligible if m.ksic == chain.anchor])
    for group in groups:
        for role in chain.roles:
            holders = sorted(
                (m for m in group if role in m.roles), key=lambda m: (-m.merit, m.company_id)
            )
            for m in holders[:POOL_PER_ROLE]:
                chosen[m.company_id] = m
    return [chosen[k] for k in sorted(chosen)]


def _assign_roles(members: Sequence[Member], chain: Chain) -> dict[int, str]:
    """The role each member plays: every chain role goes to one holder (the one with the fewest
    chain roles, then the strongest), the rest keep their first chain role (or first role)."""
    assigned: dict[int, str] = {}
    for role in chain.roles:
        holders = [m for m in members if role in m.roles and m.company_id not in assigned]
        if holders:
            pick = min(
                holders,
                key=lambda m: (len(set(m.roles) & set(chain.roles)), -m.merit, m.company_id),
            )
            assigned[pick.company_id] = role
    for m in members:
        if m.company_id not in assigned:
            mine = [r for r in chain.roles if r in m.roles] or list(m.roles) or [chain.roles[0]]
            assigned[m.company_id] = mine[0]
    return assigned


def _proposal(
    search: _Search, indices: Sequence[int], *, chain: Chain, bank: Bank, lang: str
) -> ClusterProposal:
    members = [search.pool[i] for i in indices]
    roles = _assign_roles(members, chain)
    order = sorted(
        range(len(members)),
        key=lambda k: (role_position(roles[members[k].company_id]), members[k].company_id),
    )
    score, coverage, strength, compl = search.parts(list(indices))
    covered = in_chain_order(search.covered(indices))
    missing = tuple(r for r in chain.roles if r not in covered)
    leaders: dict[str, int] = {}
    for p in search.pillars:
        scored = [m for m in members if p in m.scores]
        if scored:
            leaders[p] = min(scored, key=lambda m: (-m.scores[p], m.company_id)).company_id
    links = tuple(
        Link(search.pool[a].company_id, search.pool[b].company_id, w)
        for (a, b), w in sorted(search.weight.items())
        if a in indices and b in indices
    )
    proposal = ClusterProposal(
        chain=chain.id,
        chain_name=chain.name.get(lang),
        members=tuple(
            ProposalMember(
                company_id=m.company_id,
                name=m.name,
                ksic=m.ksic,
                size_band=m.size_band,
                region=m.region,
                roles=m.roles,
                role=roles[m.company_id],
                products=m.products,
                overall=m.overall,
                scores=dict(m.scores),
                synthetic=m.synthetic,
                consent_suggest=m.consent_suggest,
                consent_named=m.consent_named,
            )
            for m in (members[k] for k in order)
        ),
        covered_roles=covered,
        missing_roles=missing,
        score=score,
        coverage=coverage,
        strength=strength,
        complementarity=compl,
        links=links,
        leaders=leaders,
    )
    return _with_reasons(proposal, chain=chain, bank=bank)


def _with_reasons(proposal: ClusterProposal, *, chain: Chain, bank: Bank) -> ClusterProposal:
    reasons = [
        Message(
            "proposal_reason.covers",
            {
                "chain": chain.name,
                "n": len(chain.roles),
                "k": len(proposal.covered_roles),
                "covered": role_words(proposal.covered_roles),
            },
        )
    ]
    if proposal.missing_roles:
        reasons.append(
            Message("proposal_reason.missing", {"roles": role_words(proposal.missing_roles)})
        )
    names = {m.company_id: m for m in proposal.members}
    leaders = [
        Message(
            "proposal_reason.leader",
            {
                "pillar": pillar_name(bank, pillar),
                "score": names[cid].scores[pillar],
                "name": names[cid].name,
            },
        )
        for pillar, cid in proposal.leaders.items()
    ]
    if leaders:
        reasons.append(Message("proposal_reason.leaders", {"leaders": Listing(tuple(leaders))}))
    if proposal.links:
        reasons.append(
            Message(
                "proposal_reason.links",
                {"n": len(proposal.links), "mean": proposal.complementarity},
            )
        )
    return ClusterProposal(**{**proposal.__dict__, "reasons": tuple(reasons)})


def _check_sizes(min_size: int, max_size: int) -> None:
    if not 2 <= min_size <= max_size <= MAX_CLUSTER:
        raise ValueError(
            f"cluster sizes must satisfy 2 <= min_size <= max_size <= {MAX_CLUSTER}, "
            f"got {min_size} and {max_size}"
        )


def propose_clusters(
    frame: pd.DataFrame,
    *,
    chain: str | Chain,
    size_bands: Sequence[str] | None = None,
    min_size: int = 3,
    max_size: int = 6,
    count: int = 5,
    lang: str = "ko",
    bank: Bank | None = None,
) -> list[ClusterProposal]:
    """Up to `count` clusters of `min_size`-`max_size` members of `chain` (a chain id, a KSIC
    division or a Chain), best first; see the module docstring for the search and the score.

    `frame` is a `member_frame` of one wave, every division (peer medians need the whole wave).
    `size_bands` limits members to those size bands. Deterministic.
    """
    _check_sizes(min_size, max_size)
    check_lang(lang)
    bank = bank or default_bank()
    chain = chain if isinstance(chain, Chain) else resolve_chain(chain)
    pool = _pool(_eligible(members_of(frame, bank=bank), chain, size_bands), chain)
    if len(pool) < min_size:
        return []
    pillars = [p for p in bank.pillar_ids if p in frame.columns]
    search = _Search(pool, chain, pillars)
    seeds = [i for i, m in enumerate(pool) if chain.anchor is None or m.ksic == chain.anchor]

    def rank(key: frozenset[int], score: float) -> tuple[float, int, tuple[int, ...]]:
        return (-score, len(key), tuple(sorted(pool[i].company_id for i in key)))

    beam = [frozenset([i]) for i in seeds]
    beam.sort(key=lambda key: rank(key, search.parts(list(key))[0]))
    beam = beam[:BEAM]
    finished: dict[frozenset[int], float] = {}
    for size in range(2, max_size + 1):
        grown: dict[frozenset[int], float] = {}
        for members in beam:
            covered = search.covered(members)
            for j in range(len(pool)):
                if j in members:
                    continue
                if size > min_size and not (search.chain_roles[j] - covered):
                    continue
                key = members | {j}
                if key not in grown:
                    grown[key] = search.parts(list(key))[0]
        if not grown:
            break
        ordered = sorted(grown, key=lambda key: rank(key, grown[key]))
        if size >= min_size:
            finished.update(grown)
        beam = ordered[:BEAM]
    ranked = sorted(finished, key=lambda key: rank(key, finished[key]))
    chosen: list[frozenset[int]] = []
    for strict in (True, False):  # at most half shared with a better one; then any other set
        for key in ranked:
            if len(chosen) >= count:
                break
            if key in chosen:
                continue
            if not strict or all(2 * len(key & other) <= len(key) for other in chosen):
                chosen.append(key)
    chosen.sort(key=lambda key: rank(key, finished[key]))
    return [_proposal(search, sorted(key), chain=chain, bank=bank, lang=lang) for key in chosen]


def evaluate_cluster(
    frame: pd.DataFrame,
    *,
    chain: str | Chain,
    company_ids: Sequence[int],
    lang: str = "ko",
    bank: Bank | None = None,
) -> ClusterProposal:
    """A hand-made (adjusted) cluster scored like a proposal; every member must be in `frame`."""
    check_lang(lang)
    bank = bank or default_bank()
    chain = chain if isinstance(chain, Chain) else resolve_chain(chain)
    wanted = list(dict.fromkeys(int(i) for i in company_ids))
    if not wanted:
        raise ClusterError("a cluster needs at least one member")
    members = {m.company_id: m for m in members_of(frame, bank=bank)}
    missing = [i for i in wanted if i not in members]
    if missing:
        raise ClusterError(
            f"no submitted assessment in this wave for company {', '.join(map(str, missing))}"
        )
    pool = [members[i] for i in sorted(wanted)]
    pillars = [p for p in bank.pillar_ids if p in frame.columns]
    search = _Search(pool, chain, pillars)
    return _proposal(search, list(range(len(pool))), chain=chain, bank=bank, lang=lang)


def cluster_graph(
    proposal: ClusterProposal,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Nodes and edges of a proposal's network picture, as plain data.

    Nodes: id (company id), label (name), role, roles, ksic, overall, x (the role's place in chain
    order; platform_software last), y (spread around 0 among members of one role). Edges: source,
    target, weight (mutual complementarity) between members in adjacent roles.
    """
    by_role: dict[str, list[ProposalMember]] = {}
    for m in proposal.members:
        by_role.setdefault(m.role, []).append(m)
    nodes = []
    for m in proposal.members:
        same = by_role[m.role]
        k = same.index(m)
        nodes.append(
            {
                "id": m.company_id,
                "label": m.name,
                "role": m.role,
                "roles": list(m.roles),
                "ksic": m.ksic,
                "overall": m.overall,
                "x": float(role_position(m.role)),
                "y": float(k - (len(same) - 1) / 2),
            }
        )
    edges = [
        {"source": link.source, "target": link.target, "weight": link.weight}
        for link in proposal.links
    ]
    return nodes, edges


# --- table, export and save -----------------------------------------------------------------------


def proposal_table(
    proposal: ClusterProposal, *, lang: str = "ko", bank: Bank | None = None
) -> tuple[list[str], list[list[Any]]]:
    """The cluster as a table (header, rows), one row per member, scores rounded to 0.1."""
    check_lang(lang)
    bank = bank or default_bank()
    pillars = list(proposal.leaders) or bank.pillar_ids
    header = [
        t("cluster_table.company", lang),
        t("cluster_table.company_id", lang),
        t("cluster_table.ksic", lang),
        t("cluster_table.size", lang),
        t("cluster_table.region", lang),
        t("cluster_table.role", lang),
        t("cluster_table.roles", lang),
        t("cluster_table.overall", lang),
        *(bank.pillar(p).name.get(lang) for p in pillars),
        t("cluster_table.products", lang),
    ]
    rows = []
    for m in proposal.members:
        rows.append(
            [
                m.name,
                m.company_id,
                f"{m.ksic} {short_division(m.ksic, lang)}",
                reference.label("size_bands", m.size_band, lang),
                reference.label("regions", m.region, lang) if m.region else None,
                role_names([m.role], lang),
                role_names(m.roles, lang),
                None if m.overall is None else round(m.overall, 1),
                *(round(m.scores[p], 1) if p in m.scores else None for p in pillars),
                m.products,
            ]
        )
    return header, rows


def export_proposal(
    *,
    engine: sa.Engine,
    proposal: ClusterProposal,
    fmt: exports.Format,
    actor: str,
    lang: str = "ko",
    cluster_id: int | None = None,
    bank: Bank | None = None,
) -> bytes:
    """The cluster table as CSV or .xlsx (formulas neutralised); audited "cluster.export"."""
    header, rows = proposal_table(proposal, lang=lang, bank=bank)
    data = exports.table_bytes(fmt, header, rows, sheet="클러스터 · Cluster")
    store.record_cluster_export(
        engine=engine,
        actor=actor,
        detail={
            "cluster_id": cluster_id,
            "chain": proposal.chain,
            "members": list(proposal.company_ids),
            "format": fmt,
            "lang": lang,
        },
    )
    return data


def save_proposal(
    *, engine: sa.Engine, proposal: ClusterProposal, name: str, created_by: str, note: str = ""
) -> Cluster:
    """Save a (possibly adjusted) proposal as a cluster; audited "cluster.save"."""
    return store.create_cluster(
        engine=engine,
        name=name,
        chain=proposal.chain,
        members=proposal.member_roles(),
        created_by=created_by,
        note=note,
    )
