"""Value-chain clusters: complementary members for a company, cluster proposals for staff.

DESIGN.md, "Next steps and partners": members declare value-chain roles and products;
complementary members are those in adjacent roles of a related chain whose strong pillars cover the
other's weak ones. Only members who consented are suggested to companies; staff see all.

Chains. data/chains.yaml lists value chains: related KSIC divisions and the roles a cluster in the
chain should cover. Two members are in a related chain when they share a division or one chain lists
both divisions. Staff may also build around one sector (a KSIC division): its chain is the division
with every division related to it, the roles of those chains, and at least one member of the sector.

Roles. Chain order is value_chain_roles in data/reference.yaml: raw_material -> components ->
final_product -> packaging_design -> distribution_export -> after_sales. Two roles are adjacent when
they are next to each other in that order; platform_software is adjacent to every role.

Weak and strong. A pillar is weak for a member when its score is below max(WEAK = 50, peer median);
the peer median is the pillar's median over the frame's members of the same division x size band,
falling back to the division, the size band, then everyone where fewer than peers.MIN_GROUP (10)
remain, as peers.select_group does. A pillar is strong at STRONG = 60 or more.

Complementarity of a candidate B for a company A, in 0-1:

    new      = B's roles that A lacks
    role_fit = 1     when a role in `new` is next to one of A's roles in chain order
               0.75  when only through platform_software (adjacent to every role)
               0.5   when A has declared no role
               0     otherwise: B is no candidate
    cover(p) = 0 when B's score on p is below 60 (or missing), else 0.5 + 0.5 x (B(p) - 60) / 40
    strength = mean of cover(p) over A's weak pillars; when A has none,
               0.5 x mean of cover(p) over the pillars A has a score for
    shared   = min(1, target markets in common / 2)
    score    = role_fit x (0.9 x strength + 0.1 x shared)

A candidate is suggested when its score and its strength are above 0: it brings an adjacent role and
is strong where A is weak. Ties: higher strength, then lower company id. Reasons name the roles and
the pillar scores, in Korean or English.

Consent. For viewer "company" only members with consent_suggest are candidates; a member is named
only when it also gave consent_named, otherwise it is shown by a neutral label (division, size band,
region) without its products (free text that may name it), and no company id is given. Staff see
every member, named, with its id and consent. A company is never its own match.

Cluster proposals (staff). Members of the chain's divisions (and chosen size bands) holding one of
its roles; for each role the POOL_PER_ROLE members with the highest mean pillar score form the pool.
A beam search (width BEAM) grows clusters one member at a time; past `min_size` a member joins only
if it brings a role the cluster lacks. A cluster S of chain C scores

    coverage        = roles of C held in S / roles of C
    strength        = mean over pillars of the best score in S / 100
    complementarity = mean over pairs in adjacent roles of (score(a, b) + score(b, a)) / 2
    cluster score   = 0.5 x coverage + 0.3 x strength + 0.2 x complementarity

The best clusters are returned, each sharing at most half its members with a better one (relaxed
only when too few differ). Everything is deterministic: same frame, same proposals.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
import sqlalchemy as sa
import yaml
from pydantic import Field, ValidationError

from readiness import exports, peers, reference, store, strict_yaml
from readiness.analytics import assessment_frame
from readiness.bank import Bank, Strict, Text, default_bank
from readiness.cohorts import Cohort
from readiness.models import Cluster
from readiness.paths import DATA_DIR

DEFAULT_CHAINS = DATA_DIR / "chains.yaml"
LANGS = ("ko", "en")
PLATFORM = "platform_software"
WEAK = 50.0
STRONG = 60.0
SHARED_FOR_FULL = 2  # markets in common that give the full market bonus
STRENGTH_WEIGHT, MARKET_WEIGHT = 0.9, 0.1
ROLE_DIRECT, ROLE_PLATFORM, ROLE_UNKNOWN = 1.0, 0.75, 0.5
CLUSTER_WEIGHTS = (0.5, 0.3, 0.2)  # coverage, strength, complementarity
POOL_PER_ROLE = 8
BEAM = 32
MAX_CLUSTER = 10
FACT_COLUMNS = ("roles", "markets", "products", "consent_suggest", "consent_named", "employees")

Viewer = Literal["company", "staff"]


class ChainError(ValueError):
    """A malformed chain file; the message names file, chain and field."""


class ClusterError(ValueError):
    """A cluster request that cannot be met (unknown chain, member not in the frame...)."""


# --- chains ---------------------------------------------------------------------------------------


class ChainSpec(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=32)]
    name: Text
    divisions: Annotated[list[str], Field(min_length=2)]
    roles: Annotated[list[str], Field(min_length=2)]


class ChainCatalog(Strict):
    version: Annotated[str, Field(min_length=1)]
    chains: Annotated[list[ChainSpec], Field(min_length=1)]

    @property
    def chain_ids(self) -> list[str]:
        return [c.id for c in self.chains]


@dataclass(frozen=True)
class Chain:
    """What a cluster is built in: divisions it draws on, roles it should cover (chain order).

    `anchor` is set for a sector chain (a KSIC division): a proposal includes one of its members.
    """

    id: str
    name: Text
    divisions: tuple[str, ...]
    roles: tuple[str, ...]
    anchor: str | None = None


def _chain_problems(spec: ChainSpec, where: str) -> list[str]:
    problems = []
    for kind, values, known in (
        ("divisions", spec.divisions, reference.ksic_codes()),
        ("roles", spec.roles, reference.role_ids()),
    ):
        unknown = [v for v in values if v not in known]
        if unknown:
            problems.append(
                f"{where}, field {kind}: unknown value(s) {', '.join(map(repr, unknown))}"
            )
        twice = sorted({v for v in values if values.count(v) > 1})
        if twice:
            problems.append(f"{where}, field {kind}: listed twice: {', '.join(twice)}")
    return problems


def parse_chains(raw: object, *, source: str = "<chains>") -> ChainCatalog:
    """Validate chains read from YAML; raises ChainError naming file, chain and field."""
    try:
        catalog = ChainCatalog.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = list(err["loc"])
            where = ""
            if len(loc) >= 2 and loc[0] == "chains" and isinstance(loc[1], int):
                try:
                    chain_id = raw["chains"][loc[1]].get("id") or f"#{loc[1] + 1}"  # type: ignore[index]
                except (KeyError, IndexError, TypeError, AttributeError):
                    chain_id = f"#{loc[1] + 1}"
                where, loc = f"chain {chain_id}, ", loc[2:]
            field_name = ".".join(str(part) for part in loc) or "(file)"
            lines.append(f"{source}: {where}field {field_name}: {err['msg']}")
        raise ChainError("\n".join(lines)) from None
    problems: list[str] = []
    seen: set[str] = set()
    for spec in catalog.chains:
        where = f"{source}: chain {spec.id}"
        if spec.id in seen:
            problems.append(f"{where}, field id: duplicate chain id")
        seen.add(spec.id)
        problems.extend(_chain_problems(spec, where))
    if problems:
        raise ChainError("\n".join(problems))
    return catalog


def _load_chains(path: Path) -> ChainCatalog:
    try:
        with path.open(encoding="utf-8") as fh:
            raw = strict_yaml.safe_load(fh)
    except FileNotFoundError:
        raise ChainError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise ChainError(f"{path}: not valid YAML: {exc}") from None
    return parse_chains(raw, source=str(path))


@lru_cache(maxsize=1)
def default_chains() -> ChainCatalog:
    """data/chains.yaml, validated, loaded once per process."""
    return _load_chains(DEFAULT_CHAINS)


def load_chains(path: Path | str | None = None) -> ChainCatalog:
    """Load and validate a chain file (default: data/chains.yaml, cached); raises ChainError."""
    return default_chains() if path is None else _load_chains(Path(path))


@lru_cache(maxsize=1)
def _role_order() -> dict[str, int]:
    return {role: n for n, role in enumerate(reference.role_ids())}


def _in_chain_order(roles: Iterable[str]) -> tuple[str, ...]:
    """Known roles, each once, in chain order."""
    order = _role_order()
    return tuple(sorted({r for r in roles if r in order}, key=order.__getitem__))


def related_divisions(ksic: str, catalog: ChainCatalog | None = None) -> tuple[str, ...]:
    """The division itself and every division a chain lists beside it, in KSIC order."""
    catalog = catalog or default_chains()
    related = {ksic}
    for spec in catalog.chains:
        if ksic in spec.divisions:
            related.update(spec.divisions)
    return tuple(code for code in reference.ksic_codes() if code in related)


def is_related(ksic_a: str, ksic_b: str, catalog: ChainCatalog | None = None) -> bool:
    """Whether two divisions are in a related chain (the same division counts)."""
    return ksic_b in related_divisions(ksic_a, catalog)


def resolve_chain(key: str, catalog: ChainCatalog | None = None) -> Chain:
    """A chain by id, or the sector chain of a KSIC division (see the module docstring)."""
    catalog = catalog or default_chains()
    for spec in catalog.chains:
        if spec.id == key:
            return Chain(spec.id, spec.name, tuple(spec.divisions), _in_chain_order(spec.roles))
    code = key.strip().upper()
    if code not in reference.ksic_codes():
        known = ", ".join(catalog.chain_ids)
        raise ClusterError(f"unknown chain {key!r}: give a chain id ({known}) or a KSIC division")
    roles = [r for spec in catalog.chains if code in spec.divisions for r in spec.roles]
    if not roles:
        roles = [r for r in reference.role_ids() if r != PLATFORM]
    name = Text(
        ko=f"{code} {short_division(code, 'ko')}", en=f"{code} {short_division(code, 'en')}"
    )
    return Chain(code, name, related_divisions(code, catalog), _in_chain_order(roles), code)


def chain_choices(lang: str, catalog: ChainCatalog | None = None) -> list[tuple[str, str]]:
    """(key, label) for a chain picker: every chain of the file, then every KSIC division."""
    catalog = catalog or default_chains()
    chains = [(spec.id, spec.name.get(lang)) for spec in catalog.chains]
    sectors = [(code, f"{code} {short_division(code, lang)}") for code in reference.ksic_codes()]
    return chains + sectors


def short_division(code: str, lang: str) -> str:
    """A KSIC division's name without its parenthesis and "제조업": "C25 금속가공제품"."""
    text = re.sub(r"\s*\([^)]*\)", "", reference.label("ksic_divisions", code, lang))
    return re.sub(r"\s*제조업$", "", text).strip()


# --- roles ----------------------------------------------------------------------------------------


def _position(role: str) -> int:
    return _role_order()[role]


def chain_adjacent(a: str, b: str) -> bool:
    """Next to each other in chain order (platform_software excluded)."""
    if PLATFORM in (a, b) or a == b:
        return False
    return abs(_position(a) - _position(b)) == 1


def adjacent(a: str, b: str) -> bool:
    """Adjacent roles: next to each other in chain order, or one of them is platform_software."""
    return a != b and (PLATFORM in (a, b) or chain_adjacent(a, b))


def role_fit(
    own: Sequence[str], theirs: Sequence[str]
) -> tuple[float, tuple[str, ...], tuple[str, ...]]:
    """(fit, the candidate's new roles that count, the own roles they sit next to).

    See the module docstring: 1 next to an own role in chain order, 0.75 only through
    platform_software, 0.5 when `own` is empty, 0 when the candidate brings no adjacent new role.
    """
    new = [r for r in _in_chain_order(theirs) if r not in own]
    if not new:
        return 0.0, (), ()
    if not own:
        return ROLE_UNKNOWN, tuple(new), ()
    for fit, test in ((ROLE_DIRECT, chain_adjacent), (ROLE_PLATFORM, adjacent)):
        pairs = [(r, o) for r in new for o in own if test(r, o)]
        if pairs:
            return (
                fit,
                _in_chain_order(r for r, _ in pairs),
                _in_chain_order(o for _, o in pairs),
            )
    return 0.0, (), ()


# --- members --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """One member with its latest submitted scores in the wave and its weak-pillar thresholds."""

    company_id: int
    name: str
    ksic: str
    size_band: str
    region: str | None
    roles: tuple[str, ...]
    markets: tuple[str, ...]
    products: str
    consent_suggest: bool
    consent_named: bool
    synthetic: bool
    overall: float | None
    scores: Mapping[str, float]  # pillar -> score; pillars without a score left out
    weak_below: Mapping[str, float]  # pillar -> max(WEAK, peer median)

    @property
    def weak(self) -> tuple[str, ...]:
        return tuple(p for p, s in self.scores.items() if s < self.weak_below.get(p, WEAK))

    @property
    def merit(self) -> float:
        """Mean pillar score: how strong the member is overall (0 without scores)."""
        return sum(self.scores.values()) / len(self.scores) if self.scores else 0.0


def member_frame(
    *, engine: sa.Engine, wave: int | None = None, include_synthetic: bool = True
) -> pd.DataFrame:
    """The latest submission per company in `wave` (default: the newest wave) with what matching
    needs: analytics.assessment_frame columns plus roles, markets, products, consent_suggest,
    consent_named and employees. Empty when the wave has no submission."""
    if wave is None:
        wave = store.latest_wave(engine=engine)
    cohort = Cohort(waves=() if wave is None else (wave,), include_synthetic=include_synthetic)
    frame = assessment_frame(engine=engine, cohort=cohort)
    if wave is None:
        frame = frame.iloc[0:0]
    facts = pd.DataFrame.from_records(
        store.cluster_company_facts(engine=engine), columns=["company_id", *FACT_COLUMNS]
    )
    facts = facts.astype({"company_id": "int64"})
    return frame.merge(facts, on="company_id", how="inner", validate="one_to_one")


def peer_medians(
    frame: pd.DataFrame, pillars: Sequence[str], *, min_n: int = peers.MIN_GROUP
) -> pd.DataFrame:
    """Per row of `frame`, the median of each pillar over its peer group in the frame: division x
    size band, else division, else size band, else everyone (groups under `min_n` rows skipped)."""
    out = pd.DataFrame(np.nan, index=frame.index, columns=list(pillars), dtype="float64")
    if frame.empty:
        return out
    chosen = np.zeros(len(frame), dtype=bool)
    for keys in (["ksic", "size_band"], ["ksic"], ["size_band"], None):
        if keys is None:
            take = ~chosen
            if take.any():
                out.loc[take, :] = frame[list(pillars)].median().to_numpy(dtype="float64")
            break
        grouped = frame.groupby(keys, sort=False, dropna=False)
        n = grouped["company_id"].transform("size").to_numpy()
        take = ~chosen & (n >= min_n)
        if take.any():
            medians = grouped[list(pillars)].transform("median")
            out.loc[take, :] = medians.loc[take].to_numpy(dtype="float64")
            chosen |= take
    return out


def _text_list(value: Any) -> tuple[str, ...]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ()
    return tuple(str(v) for v in value)


def _optional_text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return None
    return str(value)


def members_of(
    frame: pd.DataFrame, *, bank: Bank | None = None, keep: np.ndarray | None = None
) -> list[Member]:
    """The frame's rows as Members, with weak-pillar thresholds from `peer_medians` over the
    whole frame; `keep` (a boolean mask) limits which rows become Members."""
    pillars = [p for p in (bank or default_bank()).pillar_ids if p in frame.columns]
    medians = peer_medians(frame, pillars).to_numpy(dtype="float64")
    below_all = np.where(np.isnan(medians), WEAK, np.maximum(WEAK, medians)).tolist()
    scores = frame[pillars].to_numpy(dtype="float64").tolist()
    overall = frame["overall"].to_numpy(dtype="float64").tolist()
    synthetic = frame["synthetic"].tolist() if "synthetic" in frame else [False] * len(frame)
    columns = (
        "company_id",
        "name",
        "ksic",
        "size_band",
        "region",
        "roles",
        "markets",
        "products",
        "consent_suggest",
        "consent_named",
    )
    rows = zip(*(frame[c].tolist() for c in columns), strict=True)
    wanted = [True] * len(frame) if keep is None else np.asarray(keep, dtype=bool).tolist()
    members = []
    for i, (cid, name, ksic, band, region, roles, markets, products, suggest, named) in enumerate(
        rows
    ):
        if not wanted[i]:
            continue
        suggest = bool(suggest)
        members.append(
            Member(
                company_id=int(cid),
                name=str(name),
                ksic=str(ksic),
                size_band=str(band),
                region=_optional_text(region),
                roles=_in_chain_order(_text_list(roles)),
                markets=_text_list(markets),
                products=str(products or ""),
                consent_suggest=suggest,
                consent_named=suggest and bool(named),
                synthetic=bool(synthetic[i]),
                overall=None if math.isnan(overall[i]) else float(overall[i]),
                scores={p: v for p, v in zip(pillars, scores[i], strict=True) if not math.isnan(v)},
                weak_below=dict(zip(pillars, below_all[i], strict=True)),
            )
        )
    return members


# --- complementarity ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cover:
    """A weak pillar of the company that the candidate is strong in (or, when the company has no
    weak pillar, a strong pillar of the candidate)."""

    pillar: str
    theirs: float
    ours: float
    weak: bool = True


@dataclass(frozen=True)
class Fit:
    """How a candidate complements a company; see the module docstring for the formula."""

    score: float
    role_fit: float
    strength: float
    shared: float
    new_roles: tuple[str, ...]
    next_to: tuple[str, ...]
    covers: tuple[Cover, ...]
    markets: tuple[str, ...]


def _cover(score: float | None) -> float:
    if score is None or score < STRONG:
        return 0.0
    return 0.5 + 0.5 * min(1.0, (score - STRONG) / (100.0 - STRONG))


def complementarity(own: Member, other: Member) -> Fit:
    """How well `other` complements `own` (0-1); score 0 when it is no candidate."""
    fit, new, next_to = role_fit(own.roles, other.roles)
    weak = own.weak
    pillars = weak or tuple(own.scores)
    covers = [
        Cover(p, other.scores[p], own.scores[p], weak=bool(weak))
        for p in pillars
        if _cover(other.scores.get(p)) > 0
    ]
    values = [_cover(other.scores.get(p)) for p in pillars]
    strength = sum(values) / len(values) if values else 0.0
    if not weak:
        strength *= 0.5
    markets = tuple(m for m in own.markets if m in other.markets)
    shared = min(1.0, len(markets) / SHARED_FOR_FULL)
    score = fit * (STRENGTH_WEIGHT * strength + MARKET_WEIGHT * shared)
    covers.sort(key=lambda c: (-(c.theirs - c.ours), c.pillar))
    return Fit(
        score=round(score, 9),
        role_fit=fit,
        strength=round(strength, 9),
        shared=shared,
        new_roles=new,
        next_to=next_to,
        covers=tuple(covers),
        markets=markets,
    )


# --- words ----------------------------------------------------------------------------------------


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    return lang


def _lower_first(text: str, lang: str) -> str:
    if lang == "en" and len(text) > 1 and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def role_names(roles: Iterable[str], lang: str) -> str:
    """Role names joined: "부품·모듈, 완제품" / "parts and components, final product"."""
    names = [_lower_first(reference.label("value_chain_roles", r, lang), lang) for r in roles]
    return ", ".join(names)


def _pillar_name(bank: Bank, pillar: str, lang: str) -> str:
    return _lower_first(bank.pillar(pillar).name.get(lang), lang)


def _market_names(markets: Iterable[str], lang: str) -> str:
    return ("·" if lang == "ko" else ", ").join(
        reference.label("markets", m, lang) for m in markets
    )


def match_reasons(fit: Fit, *, bank: Bank, lang: str) -> tuple[str, ...]:
    """Why a candidate fits, naming roles and pillar scores: the headline sentence first."""
    ko = lang == "ko"
    new, mine = role_names(fit.new_roles, lang), role_names(fit.next_to, lang)
    if fit.next_to:
        role = (
            f"{new} 역할로 우리 회사의 {mine} 역할을 보완하고"
            if ko
            else f"Brings {new} next to your {mine} role"
        )
    else:
        role = f"{new} 역할을 더하고" if ko else f"Brings the {new} role"
    covers = list(fit.covers)
    if covers and covers[0].weak:
        first = covers[0]
        name = _pillar_name(bank, first.pillar, lang)
        headline = (
            f"{role}, {name} {first.theirs:.0f}점으로 우리 회사의 약점({first.ours:.0f}점)을 "
            "메웁니다."
            if ko
            else f"{role}, and its {name} score of {first.theirs:.0f} covers your weak spot "
            f"({first.ours:.0f})."
        )
    elif covers:
        first = covers[0]
        name = _pillar_name(bank, first.pillar, lang)
        headline = (
            f"{role}, {name} {first.theirs:.0f}점의 강점을 더합니다."
            if ko
            else f"{role}, and adds strength in {name} ({first.theirs:.0f})."
        )
    else:
        headline = f"{role}." if ko else f"{role}."
    reasons = [headline]
    for cover in covers[1:]:
        name = _pillar_name(bank, cover.pillar, lang)
        if cover.weak:
            reasons.append(
                f"{name} {cover.theirs:.0f}점으로 약점({cover.ours:.0f}점)도 메웁니다."
                if ko
                else f"Its {name} score of {cover.theirs:.0f} also covers your weak spot "
                f"({cover.ours:.0f})."
            )
        else:
            reasons.append(
                f"{name} {cover.theirs:.0f}점의 강점도 있습니다."
                if ko
                else f"Also strong in {name} ({cover.theirs:.0f})."
            )
    if fit.markets:
        markets = _market_names(fit.markets, lang)
        reasons.append(
            f"목표 시장이 같습니다: {markets}." if ko else f"Shares your target markets: {markets}."
        )
    return tuple(reasons)


def neutral_label(member: Member, lang: str) -> str:
    """A member described without its name: "C25 금속가공제품 · 10-49명 · 경기도"."""
    parts = [
        f"{member.ksic} {short_division(member.ksic, lang)}",
        reference.label("size_bands", member.size_band, lang),
    ]
    if member.region:
        parts.append(reference.label("regions", member.region, lang))
    return " · ".join(parts)


# --- matches for one company ----------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """A complementary member as a viewer may see it.

    For viewer "company", `display_name` is the member's name only when it consented to be named
    (`named`), otherwise `neutral_label`; `products` is then empty, and `company_id`, `consented`
    and `scores` are None. Staff get the name, id, consent and every pillar score.
    """

    display_name: str
    named: bool
    ksic: str
    size_band: str
    region: str | None
    roles: tuple[str, ...]
    products: str
    score: float
    role_fit: float
    strength: float
    shared_markets: tuple[str, ...]
    covers: tuple[Cover, ...]
    reasons: tuple[str, ...]
    synthetic: bool
    company_id: int | None = None
    consented: bool | None = None
    scores: dict[str, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        out = self.__dict__.copy()
        out["roles"] = list(self.roles)
        out["shared_markets"] = list(self.shared_markets)
        out["reasons"] = list(self.reasons)
        out["covers"] = [c.__dict__.copy() for c in self.covers]
        return out


def _match(member: Member, fit: Fit, *, viewer: Viewer, bank: Bank, lang: str) -> Match:
    staff = viewer == "staff"
    named = staff or member.consent_named
    return Match(
        display_name=member.name if named else neutral_label(member, lang),
        named=named,
        ksic=member.ksic,
        size_band=member.size_band,
        region=member.region,
        roles=member.roles,
        products=member.products if named else "",
        score=fit.score,
        role_fit=fit.role_fit,
        strength=fit.strength,
        shared_markets=fit.markets,
        covers=fit.covers,
        reasons=match_reasons(fit, bank=bank, lang=lang),
        synthetic=member.synthetic,
        company_id=member.company_id if staff else None,
        consented=member.consent_suggest if staff else None,
        scores=dict(member.scores) if staff else None,
    )


def rank_members(
    frame: pd.DataFrame,
    *,
    company_id: int,
    viewer: Viewer,
    limit: int | None = 10,
    lang: str = "ko",
    bank: Bank | None = None,
    catalog: ChainCatalog | None = None,
) -> list[Match]:
    """The members of `frame` (see `member_frame`) that complement the company, best first.

    Empty when the company has no row in the frame. See the module docstring for score and consent.
    """
    if viewer not in ("company", "staff"):
        raise ValueError(f"viewer must be 'company' or 'staff', got {viewer!r}")
    _check_lang(lang)
    bank = bank or default_bank()
    is_own = frame["company_id"].to_numpy() == company_id
    if not is_own.any():
        return []
    own_ksic = str(frame.loc[is_own, "ksic"].iloc[0])
    keep = frame["ksic"].isin(related_divisions(own_ksic, catalog)).to_numpy()
    if viewer == "company":
        keep = keep & frame["consent_suggest"].astype(bool).to_numpy()
    members = members_of(frame, bank=bank, keep=keep | is_own)
    own = next(m for m in members if m.company_id == company_id)
    ranked: list[tuple[float, float, int, Member, Fit]] = []
    for member in members:
        if member.company_id == company_id:
            continue
        if viewer == "company" and not member.consent_suggest:  # filtered above; kept explicit
            continue
        fit = complementarity(own, member)
        if fit.score > 0 and fit.strength > 0:
            ranked.append((-fit.score, -fit.strength, member.company_id, member, fit))
    ranked.sort(key=lambda row: row[:3])
    chosen = ranked if limit is None else ranked[:limit]
    return [_match(m, fit, viewer=viewer, bank=bank, lang=lang) for *_, m, fit in chosen]


def complementary_members(
    *,
    engine: sa.Engine,
    company_id: int,
    wave: int | None = None,
    viewer: Viewer,
    limit: int = 10,
    lang: str = "ko",
    bank: Bank | None = None,
) -> list[Match]:
    """Members in adjacent roles of a related chain whose strong pillars cover the company's weak
    ones, best first, as `viewer` may see them (module docstring: formula and consent).

    Scores are each company's latest submission in `wave`; by default the wave of the company's own
    latest submission. Empty when the company has no submitted assessment there.
    """
    if wave is None:
        waves = [
            a.wave
            for a in store.assessments_of(engine=engine, company_id=company_id)
            if a.status == "submitted"
        ]
        if not waves:
            return []
        wave = max(waves)
    frame = member_frame(engine=engine, wave=wave)
    return rank_members(
        frame, company_id=company_id, viewer=viewer, limit=limit, lang=lang, bank=bank
    )


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
    reasons: tuple[str, ...] = ()

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
        key=lambda k: (_position(roles[members[k].company_id]), members[k].company_id),
    )
    score, coverage, strength, compl = search.parts(list(indices))
    covered = _in_chain_order(search.covered(indices))
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
    return _with_reasons(proposal, chain=chain, bank=bank, lang=lang)


def _with_reasons(
    proposal: ClusterProposal, *, chain: Chain, bank: Bank, lang: str
) -> ClusterProposal:
    ko = lang == "ko"
    n, k = len(chain.roles), len(proposal.covered_roles)
    covered = role_names(proposal.covered_roles, lang)
    reasons = [
        f"{proposal.chain_name} 가치사슬의 역할 {n}개 중 {k}개를 채웁니다: {covered}."
        if ko
        else f"Covers {k} of the {n} roles of the {proposal.chain_name} chain: {covered}."
    ]
    if proposal.missing_roles:
        missing = role_names(proposal.missing_roles, lang)
        reasons.append(f"빠진 역할: {missing}." if ko else f"Missing roles: {missing}.")
    names = {m.company_id: m for m in proposal.members}
    strengths = []
    for pillar, cid in proposal.leaders.items():
        leader = names[cid]
        score = leader.scores[pillar]
        pname = _pillar_name(bank, pillar, lang)
        strengths.append(
            f"{pname} {score:.0f}점({leader.name})"
            if ko
            else f"{pname} {score:.0f} ({leader.name})"
        )
    if strengths:
        joined = ", ".join(strengths)
        reasons.append(
            f"분야별 최고 점수: {joined}." if ko else f"Best score per pillar: {joined}."
        )
    if proposal.links:
        reasons.append(
            f"인접 역할 {len(proposal.links)}쌍의 평균 보완도 {proposal.complementarity:.2f}."
            if ko
            else f"{len(proposal.links)} pairs in adjacent roles complement each other "
            f"(mean {proposal.complementarity:.2f})."
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
    _check_lang(lang)
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
    _check_lang(lang)
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
                "x": float(_position(m.role)),
                "y": float(k - (len(same) - 1) / 2),
            }
        )
    edges = [
        {"source": link.source, "target": link.target, "weight": link.weight}
        for link in proposal.links
    ]
    return nodes, edges


# --- table, export and save -----------------------------------------------------------------------

_TABLE_HEADERS = {
    "ko": ("회사", "회사 ID", "업종", "규모", "지역", "클러스터 역할", "가치사슬 역할", "종합"),
    "en": (
        "Company",
        "Company ID",
        "KSIC",
        "Size",
        "Region",
        "Role in cluster",
        "Roles",
        "Overall",
    ),
}
_PRODUCTS = {"ko": "제품", "en": "Products"}


def proposal_table(
    proposal: ClusterProposal, *, lang: str = "ko", bank: Bank | None = None
) -> tuple[list[str], list[list[Any]]]:
    """The cluster as a table (header, rows), one row per member, scores rounded to 0.1."""
    _check_lang(lang)
    bank = bank or default_bank()
    pillars = list(proposal.leaders) or bank.pillar_ids
    header = [
        *_TABLE_HEADERS[lang],
        *(bank.pillar(p).name.get(lang) for p in pillars),
        _PRODUCTS[lang],
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
