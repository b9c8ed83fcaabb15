"""Complementary members: who in adjacent roles of a related chain covers a company's weak pillars.

DESIGN.md, "Next steps and partners": members declare value-chain roles and products;
complementary members are those in adjacent roles of a related chain whose strong pillars cover the
other's weak ones. Only members who consented are suggested to companies; staff see all.

Weak and strong. A pillar is weak for a member when its score is below max(WEAK = 50, peer median);
the peer median is the pillar's median over the frame's members of the same division x size band,
falling back to the division, the size band, then everyone where fewer than peers.MIN_GROUP (10)
remain, as peers.select_group does. A pillar is strong at STRONG = 60 or more.

Complementarity of a candidate B for a company A, in 0-1 (role_fit: readiness.clusters.chains):

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
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import sqlalchemy as sa

from readiness import peers, reference, store
from readiness.analytics import assessment_frame
from readiness.bank import Bank, default_bank
from readiness.clusters.chains import (
    ChainCatalog,
    in_chain_order,
    related_divisions,
    role_fit,
    role_words,
    short_division,
)
from readiness.cohorts import Cohort
from readiness.i18n import Localized, Message, check_lang, mid_sentence, t

WEAK = 50.0
STRONG = 60.0
SHARED_FOR_FULL = 2  # markets in common that give the full market bonus
STRENGTH_WEIGHT, MARKET_WEIGHT = 0.9, 0.1
FACT_COLUMNS = ("roles", "markets", "products", "consent_suggest", "consent_named", "employees")

Viewer = Literal["company", "staff"]


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
    *,
    engine: sa.Engine,
    wave: int | None = None,
    include_synthetic: bool = True,
    ksic: Sequence[str] = (),
    verified_only: bool = False,
) -> pd.DataFrame:
    """The latest submission per company in `wave` (default: the newest wave) with what matching
    needs: analytics.assessment_frame columns plus roles, markets, products, consent_suggest,
    consent_named and employees. Only companies of the `ksic` divisions, when given, and only
    verified members with `verified_only` (what companies are shown). Empty when the wave has no
    submission."""
    if wave is None:
        wave = store.latest_wave(engine=engine)
    cohort = Cohort(
        waves=() if wave is None else (wave,),
        ksic=tuple(ksic),
        include_synthetic=include_synthetic,
        verified_only=verified_only,
    )
    frame = assessment_frame(engine=engine, cohort=cohort)
    if wave is None:
        frame = frame.iloc[0:0]
    facts = pd.DataFrame.from_records(
        store.cluster_company_facts(engine=engine, ksic=ksic), columns=["company_id", *FACT_COLUMNS]
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
                roles=in_chain_order(_text_list(roles)),
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


def pillar_name(bank: Bank, pillar: str) -> Localized:
    """A pillar's name as it reads inside a sentence, in every language."""
    return Localized.of(lambda lang: mid_sentence(bank.pillar(pillar).name.get(lang), lang))


def _market_names(markets: tuple[str, ...]) -> Localized:
    return Localized.of(
        lambda lang: t("lists.separator", lang).join(
            reference.label("markets", m, lang) for m in markets
        )
    )


def _cover_params(cover: Cover, bank: Bank) -> dict[str, Any]:
    return {"pillar": pillar_name(bank, cover.pillar), "theirs": cover.theirs, "ours": cover.ours}


def match_reasons(fit: Fit, *, bank: Bank, near: str | None = None) -> tuple[Message, ...]:
    """Why a candidate fits, naming roles and pillar scores: the headline sentence first (one
    sentence that says it all: the role, the region when `near` is the region both are in, and
    the weak spot covered); then the other pillars and the shared markets."""
    new = role_words(fit.new_roles)
    params: dict[str, Any] = {"new": new}
    if fit.next_to:
        params["mine"] = role_words(fit.next_to)
    key = "match_reason.role_next_to" if fit.next_to else "match_reason.role_new"
    if near:
        params["region"] = Localized.of(lambda lang: reference.label("regions", near, lang))
        key += "_near"
    role = Message(key, params)
    covers = list(fit.covers)
    if covers:
        headline = Message(
            "match_reason.covers_weak" if covers[0].weak else "match_reason.adds_strength",
            {"role": role, **_cover_params(covers[0], bank)},
        )
    else:
        headline = Message("match_reason.role_only", {"role": role})
    reasons = [headline]
    for cover in covers[1:]:
        reasons.append(
            Message(
                "match_reason.also_covers_weak" if cover.weak else "match_reason.also_strong",
                _cover_params(cover, bank),
            )
        )
    if fit.markets:
        reasons.append(
            Message("match_reason.shared_markets", {"markets": _market_names(fit.markets)})
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
    reasons: tuple[Message, ...]
    synthetic: bool
    company_id: int | None = None
    consented: bool | None = None
    scores: dict[str, float] | None = None
    # The member's id for an introduction request the association handles: kept on the server,
    # never rendered nor exported (to_dict leaves it out).
    introduce_id: int | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        out = self.__dict__.copy()
        out.pop("introduce_id")
        out["roles"] = list(self.roles)
        out["shared_markets"] = list(self.shared_markets)
        out["reasons"] = [reason.to_dict() for reason in self.reasons]
        out["covers"] = [c.__dict__.copy() for c in self.covers]
        return out


def _match(
    member: Member, fit: Fit, *, viewer: Viewer, bank: Bank, lang: str, near: str | None = None
) -> Match:
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
        reasons=match_reasons(fit, bank=bank, near=near),
        synthetic=member.synthetic,
        company_id=member.company_id if staff else None,
        consented=member.consent_suggest if staff else None,
        scores=dict(member.scores) if staff else None,
        introduce_id=member.company_id,
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
    check_lang(lang)
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
    company_view = viewer == "company"
    ranked: list[tuple[tuple[float, ...], Member, Fit]] = []
    for member in members:
        if member.company_id == company_id:
            continue
        if company_view and not member.consent_suggest:  # filtered above; kept explicit
            continue
        fit = complementarity(own, member)
        if fit.score > 0 and fit.strength > 0:
            order: tuple[float, ...] = (-fit.score, -fit.strength, member.company_id)
            if company_view:  # the chain first, then a neighbour, then complementarity
                order = (-round(fit.role_fit, 2), 0 if _near(own, member) else 1, *order)
            ranked.append((order, member, fit))
    ranked.sort(key=lambda row: row[0])
    chosen = ranked if limit is None else ranked[:limit]
    return [
        _match(
            m,
            fit,
            viewer=viewer,
            bank=bank,
            lang=lang,
            near=own.region if company_view and _near(own, m) else None,
        )
        for _, m, fit in chosen
    ]


def _near(own: Member, member: Member) -> bool:
    """Whether two members are in the same region (a neighbour is easier to go abroad with)."""
    return own.region is not None and own.region == member.region


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
