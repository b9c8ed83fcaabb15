"""Cluster proposals for staff: groups of members that split a chain's roles, scored and explained.

Who may play which role comes from the profile (`Chain.playable`: the member's division is listed
for the role in data/chains.yaml and, when it declared roles, the role is one of them); scores only
choose among those who may. Members of the chain's divisions (and chosen size bands and regions)
that may play one of its roles; for each role the POOL_PER_ROLE of them with the highest mean pillar
score form the pool. A beam search (width BEAM) grows clusters one member at a time from members
who may play the anchor role; past `min_size` a member joins only if it fills a role the cluster
lacks. Roles are filled by a maximum matching of members to roles (each role by one member, the
anchor role first, so it is filled whenever a member may play it); a member left over plays its
first playable role beside another. A cluster S of chain C scores

    coverage        = distinct roles of C filled in S / roles of C   (never more than |S| / roles)
    strength        = mean over pillars of the best score in S / 100
    complementarity = mean over pairs in adjacent roles of (score(a, b) + score(b, a)) / 2
    cluster score   = 0.5 x coverage + 0.3 x strength + 0.2 x complementarity

A proposal fills the chain's anchor role (the finished product), or it is not made. In one run
(one call of `propose_clusters`, over one chain or several) a company is in at most one proposal:
the best cluster of any chain is taken first, then the best of what is left. Staff may allow a
company in several proposals (`allow_repeat`): then each chain's proposals share at most half their
members with a better one (relaxed only when too few differ). Every proposal says in one sentence
who plays which roles and who backs up whom (`ClusterProposal.summary`). Deterministic: same
frame, same proposals.
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
    ChainCatalog,
    ClusterError,
    adjacent,
    default_chains,
    in_chain_order,
    resolve_chain,
    role_names,
    role_position,
    role_words,
    short_division,
)
from readiness.clusters.matching import (
    Member,
    _text_list,
    complementarity,
    members_of,
    pillar_name,
)
from readiness.i18n import Listing, Localized, Message, check_lang, t
from readiness.models import Cluster
from readiness.text import display

CLUSTER_WEIGHTS = (0.5, 0.3, 0.2)  # coverage, strength, complementarity
POOL_PER_ROLE = 8
BEAM = 32
MAX_CLUSTER = 10
ALL_CHAINS = "all"  # resolve_chains: every chain of the file in one run


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
    summary: Message | None = None  # the proposal in one sentence (proposal_summary)

    @property
    def company_ids(self) -> tuple[int, ...]:
        return tuple(m.company_id for m in self.members)

    def member_roles(self) -> list[tuple[int, str]]:
        """(company id, role) per member, as `store.create_cluster` takes them."""
        return [(m.company_id, m.role) for m in self.members]


def _fill(playable: Sequence[tuple[str, ...]], order: Sequence[str]) -> dict[int, str]:
    """A maximum matching of members (by index, in order of preference) to roles: each role by
    one member. Roles are tried in `order` and a role once filled stays filled (Kuhn's
    augmenting paths), so the first role is filled whenever some member may play it."""
    held: dict[int, str] = {}

    def place(role: str, seen: set[int]) -> bool:
        for i, roles in enumerate(playable):
            if role not in roles or i in seen:
                continue
            seen.add(i)
            if i not in held or place(held[i], seen):
                held[i] = role
                return True
        return False

    for role in order:
        place(role, set())
    return held


class _Search:
    """Who may play which role, pairwise complementarity and cluster scores over a pool."""

    def __init__(self, pool: Sequence[Member], chain: Chain, pillars: Sequence[str]) -> None:
        self.pool = list(pool)
        self.chain = chain
        self.pillars = list(pillars)
        self.chain_roles = [chain.playable(m.ksic, m.roles) for m in self.pool]
        anchor = [chain.anchor_role] if chain.anchor_role else []
        self.order = [*anchor, *(r for r in chain.roles if r not in anchor)]
        # preference when a role has several players: the fewest playable roles, the strongest
        self.preference = sorted(
            range(len(self.pool)),
            key=lambda i: (len(self.chain_roles[i]), -self.pool[i].merit, self.pool[i].company_id),
        )
        self._filled: dict[frozenset[int], dict[int, str]] = {}
        n = len(self.pool)
        self.weight: dict[tuple[int, int], float] = {}
        for i in range(n):
            for j in range(i + 1, n):
                a, b = self.pool[i], self.pool[j]
                if any(adjacent(x, y) for x in self.chain_roles[i] for y in self.chain_roles[j]):
                    mutual = (complementarity(a, b).score + complementarity(b, a).score) / 2
                    self.weight[(i, j)] = round(mutual, 9)
        self.best = np.array(
            [[m.scores.get(p, np.nan) for p in self.pillars] for m in self.pool], dtype="float64"
        ).reshape(n, len(self.pillars))

    def filled(self, members: Iterable[int]) -> dict[int, str]:
        """Pool index -> the role it fills, for the members that fill one (a maximum matching)."""
        key = frozenset(members)
        if key not in self._filled:
            ranked = [i for i in self.preference if i in key]
            held = _fill([self.chain_roles[i] for i in ranked], self.order)
            self._filled[key] = {ranked[k]: role for k, role in held.items()}
        return self._filled[key]

    def covered(self, members: Iterable[int]) -> set[str]:
        return set(self.filled(members).values())

    def roles_of(self, members: Sequence[int]) -> dict[int, str]:
        """The role each member plays: the one it fills, else its first playable role."""
        filled = self.filled(members)
        return {i: filled.get(i) or self.chain_roles[i][0] for i in members}

    def parts(self, members: Sequence[int]) -> tuple[float, float, float, float]:
        """(score, coverage, strength, complementarity) of a set of pool indices."""
        coverage = len(self.covered(members)) / len(self.chain.roles)
        if self.pillars:
            tops = self.best[list(members)]
            unscored = np.isnan(tops)
            tops = np.where(unscored, -np.inf, tops).max(axis=0)
            best = np.where(unscored.all(axis=0), 0.0, tops)
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

    def anchored(self, members: Iterable[int]) -> bool:
        """Whether the anchor role is filled and, for a sector chain, its division is in."""
        members = list(members)
        role = self.chain.anchor_role is None or self.chain.anchor_role in self.covered(members)
        sector = self.chain.anchor is None or any(
            self.pool[i].ksic == self.chain.anchor for i in members
        )
        return role and sector

    def ranked(self, min_size: int, max_size: int) -> list[tuple[frozenset[int], float]]:
        """Clusters of min_size-max_size pool members that fill the anchor, best first. They
        grow from the sector's members (a sector chain), else from who may play the anchor role."""
        anchor_role, anchor = self.chain.anchor_role, self.chain.anchor
        if anchor:
            seeds = [i for i, m in enumerate(self.pool) if m.ksic == anchor]
        else:
            seeds = [
                i
                for i, roles in enumerate(self.chain_roles)
                if anchor_role is None or anchor_role in roles
            ]
        beam = sorted((frozenset([i]) for i in seeds), key=lambda k: self.rank(k, self.score(k)))
        beam = beam[:BEAM]
        finished: dict[frozenset[int], float] = {}
        for size in range(2, max_size + 1):
            grown: dict[frozenset[int], float] = {}
            for members in beam:
                count = len(self.covered(members))
                for j in range(len(self.pool)):
                    if j in members:
                        continue
                    key = members | {j}
                    if key in grown or (size > min_size and len(self.covered(key)) == count):
                        continue
                    grown[key] = self.score(key)
            if not grown:
                break
            ordered = sorted(grown, key=lambda key: self.rank(key, grown[key]))
            if size >= min_size:
                finished.update((k, v) for k, v in grown.items() if self.anchored(k))
            beam = ordered[:BEAM]
        return sorted(finished.items(), key=lambda kv: self.rank(*kv))

    def score(self, key: frozenset[int]) -> float:
        return self.parts(list(key))[0]

    def rank(self, key: frozenset[int], score: float) -> tuple[float, int, tuple[int, ...]]:
        return (-score, len(key), self.ids(key))

    def ids(self, key: Iterable[int]) -> tuple[int, ...]:
        return tuple(sorted(self.pool[i].company_id for i in key))


def _eligible(
    members: Iterable[Member],
    chain: Chain,
    size_bands: Sequence[str] | None,
    regions: Sequence[str] | None = None,
) -> list[Member]:
    bands, places = set(size_bands or ()), set(regions or ())
    return [
        m
        for m in members
        if m.ksic in chain.divisions
        and (not bands or m.size_band in bands)
        and (not places or m.region in places)
        and chain.playable(m.ksic, m.roles)
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
                (m for m in group if role in chain.playable(m.ksic, m.roles)),
                key=lambda m: (-m.merit, m.company_id),
            )
            for m in holders[:POOL_PER_ROLE]:
                chosen[m.company_id] = m
    return [chosen[k] for k in sorted(chosen)]


def _proposal(
    search: _Search, indices: Sequence[int], *, chain: Chain, bank: Bank, lang: str
) -> ClusterProposal:
    indices = list(indices)
    plays = search.roles_of(indices)
    order = sorted(indices, key=lambda i: (role_position(plays[i]), search.pool[i].company_id))
    score, coverage, strength, compl = search.parts(indices)
    covered = in_chain_order(search.covered(indices))
    missing = tuple(r for r in chain.roles if r not in covered)
    members = [search.pool[i] for i in indices]
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
                role=plays[i],
                products=m.products,
                overall=m.overall,
                scores=dict(m.scores),
                synthetic=m.synthetic,
                consent_suggest=m.consent_suggest,
                consent_named=m.consent_named,
            )
            for i, m in ((i, search.pool[i]) for i in order)
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
    reasons = []
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
                # a sentence names a company as a heading does: one line, clipped
                "name": display(names[cid].name),
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
    summary = proposal_summary(proposal, chain=chain, bank=bank)
    return ClusterProposal(**{**proposal.__dict__, "reasons": tuple(reasons), "summary": summary})


def _role_groups(members: Sequence[ProposalMember]) -> Localized:
    """Who plays which role, in chain order: "C30 완제품 1곳, C25·C28 부품·모듈 2곳" /
    "1 final product member (C30), 2 parts and components members (C25, C28)"."""
    groups: dict[str, list[ProposalMember]] = {}
    for m in sorted(members, key=lambda m: role_position(m.role)):
        groups.setdefault(m.role, []).append(m)

    def words(lang: str) -> str:
        parts = []
        for role, players in groups.items():
            codes = [c for c in reference.ksic_codes() if any(m.ksic == c for m in players)]
            parts.append(
                t(
                    "proposal_summary.group_one" if len(players) == 1 else "proposal_summary.group",
                    lang,
                    divisions=t("lists.separator", lang).join(codes),
                    role=role_names([role], lang),
                    n=len(players),
                )
            )
        if len(parts) < 2:
            return "".join(parts)
        return t("proposal_summary.and", lang).join([", ".join(parts[:-1]), parts[-1]])

    return Localized.of(words)


def _widest_gap(members: Sequence[ProposalMember], bank: Bank) -> tuple[str, float, float] | None:
    """(pillar, lowest, highest) for the pillar whose scores differ most among the members."""
    best: tuple[str, float, float] | None = None
    for pillar in bank.pillar_ids:
        scores = [m.scores[pillar] for m in members if pillar in m.scores]
        if len(scores) < 2 or max(scores) == min(scores):
            continue
        if best is None or max(scores) - min(scores) > best[2] - best[1]:
            best = (pillar, min(scores), max(scores))
    return best


def proposal_summary(proposal: ClusterProposal, *, chain: Chain, bank: Bank) -> Message:
    """The proposal in one sentence: who plays which of the chain's roles (roles filled out of the
    chain's), and, on the pillar where members differ most, that the strongest backs up the
    weakest."""
    params: dict[str, Any] = {
        "groups": _role_groups(proposal.members),
        "chain": chain.name,
        "n": len(chain.roles),
        "k": len(proposal.covered_roles),
    }
    gap = _widest_gap(proposal.members, bank)
    if gap is None:
        return Message("proposal_summary.text_alone", params)
    pillar, low, high = gap
    return Message(
        "proposal_summary.text",
        {**params, "pillar": pillar_name(bank, pillar), "low": low, "high": high},
    )


def _check_sizes(min_size: int, max_size: int) -> None:
    if not 2 <= min_size <= max_size <= MAX_CLUSTER:
        raise ValueError(
            f"cluster sizes must satisfy 2 <= min_size <= max_size <= {MAX_CLUSTER}, "
            f"got {min_size} and {max_size}"
        )


def resolve_chains(key: str, catalog: ChainCatalog | None = None) -> list[Chain]:
    """ALL_CHAINS: every chain of the file, in its order; else the chain `resolve_chain` gives."""
    catalog = catalog or default_chains()
    if key == ALL_CHAINS:
        return [resolve_chain(chain_id, catalog) for chain_id in catalog.chain_ids]
    return [resolve_chain(key, catalog)]


class _ChainRun:
    """One chain's search in a run, done again without the companies taken when its clusters
    all hold one."""

    def __init__(
        self, chain: Chain, eligible: list[Member], pillars: list[str], sizes: tuple[int, int]
    ) -> None:
        self.chain, self.eligible, self.pillars, self.sizes = chain, eligible, pillars, sizes
        self.taken = 0
        self.search: _Search | None = None
        self.ranked: list[tuple[frozenset[int], float]] = []
        self.without: set[int] | None = None

    def best(self, used: set[int]) -> tuple[frozenset[int], float] | None:
        """The best cluster with none of `used`, searching again when the last search's
        clusters all hold a used company."""
        for again in (False, True):
            if again and self.without == used:
                return None
            if again or self.search is None:
                self._search(used)
            search = self.search
            assert search is not None
            for key, score in self.ranked:
                if not used & set(search.ids(key)):
                    return key, score
        return None

    def _search(self, used: set[int]) -> None:
        self.without = set(used)
        pool = _pool([m for m in self.eligible if m.company_id not in used], self.chain)
        self.search = _Search(pool, self.chain, self.pillars)
        min_size, max_size = self.sizes
        self.ranked = self.search.ranked(min_size, max_size) if len(pool) >= min_size else []


def _diverse(
    ranked: list[tuple[frozenset[int], float]], count: int
) -> list[tuple[frozenset[int], float]]:
    """Up to `count` clusters, each sharing at most half its members with a better one (then any
    other, when too few differ), best first."""
    chosen: list[tuple[frozenset[int], float]] = []
    for strict in (True, False):
        for key, score in ranked:
            if len(chosen) >= count:
                break
            if any(key == other for other, _ in chosen):
                continue
            if not strict or all(2 * len(key & other) <= len(key) for other, _ in chosen):
                chosen.append((key, score))
    return sorted(chosen, key=lambda kv: (-kv[1], len(kv[0])))


def propose_clusters(
    frame: pd.DataFrame,
    *,
    chain: str | Chain | Sequence[str | Chain],
    size_bands: Sequence[str] | None = None,
    regions: Sequence[str] | None = None,
    min_size: int = 3,
    max_size: int = 6,
    count: int = 5,
    allow_repeat: bool = False,
    lang: str = "ko",
    bank: Bank | None = None,
) -> list[ClusterProposal]:
    """Up to `count` clusters per chain of `min_size`-`max_size` members of `chain` (a chain id,
    a KSIC division, a Chain, or several of them: one run), best first; see the module
    docstring for the roles, the search and the score.

    `frame` is a `member_frame` of one wave, every division (peer medians need the whole wave).
    `size_bands` and `regions` limit the members considered. A company is in one proposal of the
    run at most, unless `allow_repeat`. Deterministic.
    """
    _check_sizes(min_size, max_size)
    check_lang(lang)
    bank = bank or default_bank()
    asked = [chain] if isinstance(chain, str | Chain) else list(chain)
    chains = [c if isinstance(c, Chain) else resolve_chain(c) for c in asked]
    members = members_of(frame, bank=bank)
    pillars = [p for p in bank.pillar_ids if p in frame.columns]
    runs = [
        _ChainRun(c, _eligible(members, c, size_bands, regions), pillars, (min_size, max_size))
        for c in chains
    ]
    if allow_repeat:
        out = []
        for run in runs:
            run.best(set())
            assert run.search is not None
            search = run.search
            for key, _ in _diverse(run.ranked, count):
                out.append(_proposal(search, sorted(key), chain=run.chain, bank=bank, lang=lang))
        return out
    used: set[int] = set()
    proposals: list[ClusterProposal] = []
    while True:
        picks = []
        for n, run in enumerate(runs):
            found = run.best(used) if run.taken < count else None
            if found is not None:
                assert run.search is not None
                key, score = found
                picks.append(((-score, len(key), n, run.search.ids(key)), run, key))
        if not picks:
            return sorted(proposals, key=lambda proposal: -proposal.score)
        _, run, key = min(picks, key=lambda pick: pick[0])
        assert run.search is not None
        proposals.append(_proposal(run.search, sorted(key), chain=run.chain, bank=bank, lang=lang))
        used |= set(run.search.ids(key))
        run.taken += 1


def chain_fit(frame: pd.DataFrame, chain: str | Chain) -> pd.Series:
    """Per row of a `member_frame`, whether the company may play a role of `chain`."""
    chain = chain if isinstance(chain, Chain) else resolve_chain(chain)
    fits = [
        bool(chain.playable(str(ksic), in_chain_order(_text_list(roles))))
        for ksic, roles in zip(frame["ksic"].tolist(), frame["roles"].tolist(), strict=True)
    ]
    return pd.Series(fits, index=frame.index, dtype=bool)


def evaluate_cluster(
    frame: pd.DataFrame,
    *,
    chain: str | Chain,
    company_ids: Sequence[int],
    lang: str = "ko",
    bank: Bank | None = None,
) -> ClusterProposal:
    """A hand-made (adjusted) cluster scored like a proposal; every member must be in `frame`
    and able to play a role of the chain (its anchor role may be left open: it is then missing)."""
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
    unfit = [i for i in wanted if not chain.playable(members[i].ksic, members[i].roles)]
    if unfit:
        raise ClusterError(
            f"company {', '.join(map(str, unfit))} may play no role of chain {chain.id} "
            "(by its KSIC division and declared roles)"
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
    if proposal.summary is not None:  # the sentence that explains the proposal, on every row
        header = [*header, t("cluster_table.summary", lang)]
        rows = [[*row, proposal.summary.render(lang)] for row in rows]
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
