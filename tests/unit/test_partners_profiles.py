"""Partner suggestions for six companies designed across sectors and sizes (question bank v2):
the top three market partners each should get, reasons that cite only facts that hold for the
company, and the consultant's rules (marketplace sellers, system integrators, supply-chain entry,
joint R&D, dependence on one customer)."""

from __future__ import annotations

import copy
import json
import random
import re
from typing import Any

import pytest

from readiness import reference
from readiness.bank import BANKS_DIR, bank_for_version
from readiness.partners import GROUPS, Condition, Reason, load_catalog, suggest
from readiness.profile import CompanyProfile
from readiness.scoring import AnswerError, score_assessment

V2_READY = (BANKS_DIR / "v2" / "items_EXP.yaml").is_file()
pytestmark = pytest.mark.skipif(not V2_READY, reason="question bank v2 items are not here yet")
BANK = bank_for_version("2.0") if V2_READY else None
CATALOG = load_catalog(bank=BANK) if BANK is not None else None
ITEM_CODE = re.compile(r"\b(EXP|SRV|AI|COL)\d{2}\b")

Company = tuple[dict[str, Any], dict[str, int | None]]

_ORDER = {
    "EXP": [f"EXP{n:02d}" for n in range(1, 20)],
    "SRV": [f"SRV{n:02d}" for n in range(1, 9)],
    "AI": [f"AI{n:02d}" for n in range(1, 12)],
    "COL": [f"COL{n:02d}" for n in range(1, 9)],
}


def levels(exp: list[int], srv: list[int], ai: list[int], col: list[int]) -> dict[str, int | None]:
    """Answers from one list of levels per pillar, in item order (EXP01, EXP02, ...)."""
    answers: dict[str, int | None] = {}
    for pillar, row in (("EXP", exp), ("SRV", srv), ("AI", ai), ("COL", col)):
        assert len(row) == len(_ORDER[pillar]), pillar
        answers.update(zip(_ORDER[pillar], row, strict=True))
    return answers


# A 40-person cosmetics OEM/ODM that sells its own line mainly through cross-border marketplaces
# (online sales abroad at level 4: several marketplaces with overseas fulfilment), certified for
# its markets (CPNP/MoCRA), with a thin smart factory.
COSMETICS_MARKETPLACE = (
    {
        "ksic": "C20",
        "employees": 40,
        "export_share": 0.25,
        "markets": ["US", "JP", "ASEAN"],
        "roles": ["final_product"],
        "products": "기초 화장품 OEM·ODM, 자체 스킨케어 브랜드",
    },
    levels(
        exp=[3, 3, 3, 2, 3, 2, 3, 3, 3, 3, 2, 2, 2, 2, 2, 1, 4, 1, 2],
        srv=[2, 1, 2, 1, 1, 1, 2, 1],
        ai=[2, 2, 2, 1, 1, 1, 3, 1, 2, 1, 1],
        col=[2, 1, 3, 2, 2, 1, 1, 1],
    ),
)
# A 60-person brake-parts Tier-2 supplier (C30): IATF 16949, it knows its parts go abroad in its
# Tier-1 customer's modules (indirect export at level 3), 50-70 % of sales from that one customer,
# no direct exports, no channel, no export staff.
BRAKE_PARTS_TIER2 = (
    {
        "ksic": "C30",
        "employees": 60,
        "export_share": 0.0,
        "markets": [],
        "roles": ["components"],
        "products": "브레이크 캘리퍼 부품",
    },
    levels(
        exp=[2, 0, 0, 3, 1, 1, 3, 1, 2, 1, 0, 1, 1, 1, 1, 0, 0, 1, 2],
        srv=[1, 0, 2, 1, 1, 0, 2, 1],
        ai=[3, 3, 2, 2, 2, 2, 1, 1, 2, 2, 1],
        col=[1, 0, 1, 3, 3, 2, 0, 1],
    ),
)
# A 120-person machine builder (C29) exporting 40 % to the US, the EU and China: installed base on
# record, service abroad by engineers flown out from Korea.
MACHINE_BUILDER_40 = (
    {
        "ksic": "C29",
        "employees": 120,
        "export_share": 0.4,
        "markets": ["US", "EU", "CN"],
        "roles": ["final_product", "after_sales"],
        "products": "사출 성형기",
    },
    levels(
        exp=[4, 4, 3, 2, 3, 3, 4, 3, 3, 3, 3, 3, 3, 2, 3, 2, 1, 2, 3],
        srv=[3, 2, 3, 2, 3, 2, 3, 2],
        ai=[3, 3, 3, 2, 3, 2, 2, 2, 3, 3, 2],
        col=[2, 1, 1, 3, 2, 1, 2, 2],
    ),
)
# A 35-person food maker (C10) selling only in Korea: an export plan, HACCP but no foreign
# certification, no channel, no export staff, no online sales abroad.
DOMESTIC_FOOD = (
    {
        "ksic": "C10",
        "employees": 35,
        "export_share": 0.0,
        "markets": [],
        "roles": ["final_product"],
        "products": "김치, 반찬",
    },
    levels(
        exp=[2, 0, 0, 1, 3, 1, 1, 1, 2, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1],
        srv=[1, 0, 1, 0, 1, 0, 1, 0],
        ai=[2, 2, 1, 1, 1, 1, 1, 0, 1, 1, 1],
        col=[1, 0, 1, 1, 1, 0, 0, 0],
    ),
)
# A 350-person electronic components maker (C26) with more than 70 % of sales from one Korean group
# (spread of customers at level 0), whose overseas plants it already supplies (indirect export at
# level 4); strong smart factory, quality data exchanged with the customer.
ELECTRONICS_ONE_CUSTOMER = (
    {
        "ksic": "C26",
        "employees": 350,
        "export_share": 0.1,
        "markets": ["VN", "CN"],
        "roles": ["components"],
        "products": "적층 세라믹 콘덴서",
    },
    levels(
        exp=[3, 2, 2, 4, 0, 3, 4, 2, 3, 3, 1, 3, 3, 3, 3, 2, 0, 2, 3],
        srv=[2, 1, 3, 2, 2, 1, 3, 2],
        ai=[4, 4, 4, 3, 3, 3, 2, 3, 3, 4, 3],
        col=[2, 1, 1, 4, 3, 3, 1, 2],
    ),
)
# A 5-person textile start-up (C13) with its first online sales abroad (a few marketplace orders),
# samples sent to Japan, hand production.
TEXTILE_STARTUP = (
    {
        "ksic": "C13",
        "employees": 5,
        "export_share": 0.0,
        "markets": ["JP"],
        "roles": ["final_product"],
        "products": "친환경 면 원단 소품",
    },
    levels(
        exp=[2, 1, 1, 0, 2, 1, 1, 2, 1, 1, 0, 0, 1, 0, 1, 0, 2, 0, 2],
        srv=[1, 0, 1, 0, 1, 0, 1, 0],
        ai=[1, 0, 0, 0, 0, 0, 2, 0, 1, 0, 0],
        col=[1, 0, 1, 0, 0, 0, 0, 0],
    ),
)

PROFILES: dict[str, Company] = {
    "cosmetics_marketplace": COSMETICS_MARKETPLACE,
    "brake_parts_tier2": BRAKE_PARTS_TIER2,
    "machine_builder_40": MACHINE_BUILDER_40,
    "domestic_food": DOMESTIC_FOOD,
    "electronics_one_customer": ELECTRONICS_ONE_CUSTOMER,
    "textile_startup": TEXTILE_STARTUP,
}


def ranked(company: Company, lang: str = "en", group: str | None = None) -> list:
    profile, answers = company
    return suggest(CATALOG, BANK, profile=profile, answers=answers, lang=lang, group=group)


def by_type(suggestions: list) -> dict[str, Any]:
    return {s.type: s for s in suggestions}


def said(reasons: tuple[Reason, ...], lang: str = "en") -> list[str]:
    """Reasons (or cautions) as the reader sees them."""
    return [reason.render(lang) for reason in reasons]


def _random_answers(rng: random.Random) -> dict[str, int | None]:
    return {i: rng.randint(0, 5) for i in BANK.item_ids()}


# --- the six companies: top three market partners, reasons that hold ----------------------------

EXPECTED_MARKET_TOP3 = {
    "cosmetics_marketplace": ["cross_border_ecommerce", "distributor", "oem_odm"],
    "brake_parts_tier2": ["global_supply_chain", "export_agent", "trading_consortium"],
    "machine_builder_40": ["local_service", "distributor", "joint_venture"],
    "domestic_food": ["export_agent", "trading_consortium", "cross_border_ecommerce"],
    "electronics_one_customer": ["global_supply_chain", "distributor", "joint_venture"],
    "textile_startup": ["cross_border_ecommerce", "export_agent", "trading_consortium"],
}
EXPECTED_CAPABILITY_FIRST = {
    "cosmetics_marketplace": "ai_tech_partner",
    "brake_parts_tier2": "ai_tech_partner",
    "machine_builder_40": "system_integrator",
    "domestic_food": "compliance_consultancy",
    "electronics_one_customer": "joint_rnd",
    "textile_startup": "compliance_consultancy",
}


@pytest.mark.parametrize("name", list(EXPECTED_MARKET_TOP3))
def test_top_three_market_partners_of_each_designed_company(name: str) -> None:
    market = [s.type for s in ranked(PROFILES[name], group="market")]
    assert market[:3] == EXPECTED_MARKET_TOP3[name]
    capability = [s.type for s in ranked(PROFILES[name], group="capability")]
    assert capability[0] == EXPECTED_CAPABILITY_FIRST[name]


def _leaves(cond: Condition) -> list[Condition]:
    if "all" in cond:
        return [leaf for sub in cond["all"] for leaf in _leaves(sub)]
    assert "any" not in cond  # a rule's condition never offers alternatives
    return [cond]


def _within(value: float | None, bounds: dict[str, float]) -> bool:
    return value is not None and bounds.get("min", value) <= value <= bounds.get("max", value)


def _leaf_holds(leaf: Condition, company: Company) -> tuple[str, bool]:
    """(the fact a leaf looks at, whether it holds), computed here without readiness.partners."""
    profile, answers = company
    if "item" in leaf:
        return leaf["item"], _within(answers.get(leaf["item"]), leaf)
    if "pillar" in leaf:
        score = score_assessment(BANK, answers).pillars[leaf["pillar"]].score
        return leaf["pillar"], _within(score, leaf)
    kind, value = next(iter(leaf.items()))
    if kind == "stage":
        return "stage", score_assessment(BANK, answers).stage in value
    if kind == "segment":
        own = BANK.segment_for(profile["ksic"], profile["roles"], profile["products"])
        return "segment", own in value
    if kind in ("employees", "export_share"):
        return kind, _within(profile[kind], value)
    if kind == "markets_any":
        return "markets", bool(set(value) & set(profile["markets"]))
    if kind == "markets_count":
        return "markets", _within(len(profile["markets"]), value)
    if kind == "roles_any":
        return "roles", bool(set(value) & set(profile["roles"]))
    assert kind == "ksic_any", leaf
    return "ksic", profile["ksic"] in value


@pytest.mark.parametrize("name", list(PROFILES))
def test_every_reason_cites_exactly_facts_that_hold_for_the_company(name: str) -> None:
    company = PROFILES[name]
    rules = {(ptype.id, rule.reason.en): rule for ptype in CATALOG.types for rule in ptype.rules}
    for s in ranked(company):
        for reason in (*s.reasons, *s.cautions):
            rule = rules[(s.type, reason.template.en)]
            looked_at = dict(_leaf_holds(leaf, company) for leaf in _leaves(rule.when))
            assert set(reason.facts) == set(looked_at), (s.type, reason.template.en)
            assert all(looked_at.values()), (s.type, reason.render("en"), looked_at)


# --- reasons read as plain names and levels -----------------------------------------------------


def test_reasons_read_as_plain_names_and_levels_never_item_codes() -> None:
    rng = random.Random("plain")
    companies = list(PROFILES.values())
    for _ in range(40):
        companies.append((_random_profile(rng), _random_answers(rng)))
    for profile, answers in companies:
        for s in suggest(CATALOG, BANK, profile=profile, answers=answers):
            for reason in (*s.reasons, *s.cautions):
                ko, en = reason.render("ko"), reason.render("en")
                assert not ITEM_CODE.search(ko) and not ITEM_CODE.search(en), (ko, en)
                assert not re.search(r"\d단계", ko), ko  # 단계 is the company's stage only


def test_an_item_reads_as_its_name_and_level_with_the_korean_particle_that_fits() -> None:
    profile, answers = BRAKE_PARTS_TIER2
    supply = by_type(ranked(BRAKE_PARTS_TIER2))["global_supply_chain"]
    assert said(supply.reasons)[0].startswith("Knowledge of indirect exports at level 3:")
    ko = said(supply.reasons, "ko")
    assert ko[0].startswith("간접 수출 파악 수준 3으로 ")  # 3 reads 삼: 으로
    assert ko[1].startswith("거래처 분산 수준 1로 ")  # 1 reads 일: 로 after ㄹ
    changed = {**answers, "EXP04": 4}
    found = by_type(suggest(CATALOG, BANK, profile=profile, answers=changed))
    first = said(found["global_supply_chain"].reasons, "ko")[0]
    assert first.startswith("간접 수출 파악 수준 4로 ")


# --- segments and the consultant's rules ----------------------------------------------------------


def test_the_segment_comes_from_division_roles_and_products() -> None:
    profile, answers = COSMETICS_MARKETPLACE
    shop = by_type(ranked(COSMETICS_MARKETPLACE))["cross_border_ecommerce"]
    assert "Finished goods from consumer goods makers" in " ".join(said(shop.reasons))
    no_products = {**profile, "products": ""}  # C20 without cosmetics words: a chemicals maker
    plain = by_type(suggest(CATALOG, BANK, profile=no_products, answers=answers))
    assert not any("consumer goods" in r for r in said(plain["cross_border_ecommerce"].reasons))
    assert "oem_odm" not in plain  # OEM/ODM is for makers of finished goods


def test_marketplace_sellers_get_cross_border_ecommerce_first_up_to_the_top_level() -> None:
    profile, answers = COSMETICS_MARKETPLACE
    for level in (3, 4, 5):
        market = [s.type for s in ranked((profile, {**answers, "EXP17": level}), group="market")]
        place = market.index("cross_border_ecommerce")
        assert place == 0 if level >= 4 else place <= 1, (level, market)
    fits = [
        by_type(ranked((profile, {**answers, "EXP17": level})))["cross_border_ecommerce"].fit
        for level in (1, 3, 4, 5)
    ]
    assert fits == sorted(fits) and fits[0] < fits[-1]  # more online sales, never a weaker fit


def test_system_integrator_only_for_equipment_makers() -> None:
    rng = random.Random("si")
    for company in (BRAKE_PARTS_TIER2, ELECTRONICS_ONE_CUSTOMER, COSMETICS_MARKETPLACE):
        profile, _ = company
        for _ in range(60):
            found = by_type(suggest(CATALOG, BANK, profile=profile, answers=_random_answers(rng)))
            assert "system_integrator" not in found, profile["ksic"]
    assert "system_integrator" in by_type(ranked(MACHINE_BUILDER_40))


def test_supply_chain_entry_is_for_component_makers() -> None:
    assert ranked(BRAKE_PARTS_TIER2)[0].type == "global_supply_chain"
    for company in (COSMETICS_MARKETPLACE, MACHINE_BUILDER_40, DOMESTIC_FOOD, TEXTILE_STARTUP):
        assert "global_supply_chain" not in by_type(ranked(company))


def test_joint_rnd_is_never_justified_by_the_market_alone() -> None:
    profile = {
        "ksic": "C27",
        "employees": 80,
        "markets": ["EU", "US", "JP"],
        "roles": ["components"],
    }
    _, answers = MACHINE_BUILDER_40
    no_rnd = {**answers, "COL08": 1, "EXP19": 2, "EXP14": 4, "AI08": 4}
    assert "joint_rnd" not in by_type(suggest(CATALOG, BANK, profile=profile, answers=no_rnd))
    for rule in CATALOG.type("joint_rnd").rules:
        if "markets" in json.dumps(rule.when):
            assert "COL08" in json.dumps(rule.when), rule  # the market only ever adds to R&D


def test_dependence_on_one_customer_is_raised_where_the_answers_show_it() -> None:
    for name, (profile, answers) in PROFILES.items():
        cited = [
            reason
            for s in ranked((profile, answers))
            for reason in (*s.reasons, *s.cautions)
            if "EXP05" in reason.facts
        ]
        if answers["EXP05"] is not None and answers["EXP05"] <= 1:
            assert cited, name
            texts = " ".join(r.render("en") for r in cited)
            assert "one customer" in texts
        else:
            assert not cited, name
    odm = by_type(ranked(COSMETICS_MARKETPLACE))["oem_odm"]
    profile, answers = COSMETICS_MARKETPLACE
    dependent = by_type(suggest(CATALOG, BANK, profile=profile, answers={**answers, "EXP05": 1}))
    assert not odm.cautions
    assert any("one customer" in c for c in said(dependent["oem_odm"].cautions))
    assert dependent["oem_odm"].fit < odm.fit


# --- behaviour kept from v1 -----------------------------------------------------------------------


def test_suggestions_are_sorted_best_first_and_fit_stays_in_range() -> None:
    for company in PROFILES.values():
        fits = [s.fit for s in ranked(company)]
        assert fits == sorted(fits, reverse=True)
        assert all(0 < f <= 1 for f in fits)


def test_every_suggestion_has_reasons_in_both_languages_and_they_differ() -> None:
    for company in PROFILES.values():
        ko, en = ranked(company, "ko"), ranked(company, "en")
        assert [s.type for s in ko] == [s.type for s in en]
        for k, e in zip(ko, en, strict=True):
            assert k.reasons and e.reasons
            for rk, re_ in zip(said(k.reasons, "ko"), said(e.reasons, "en"), strict=True):
                assert rk != re_
                assert any("\uac00" <= ch <= "\ud7a3" for ch in rk)
            assert k.name != e.name and k.first_steps != e.first_steps
            for lang in ("ko", "en"):
                assert said(k.reasons, lang) == said(e.reasons, lang)
                assert said(k.cautions, lang) == said(e.cautions, lang)
            assert json.loads(json.dumps(k.to_dict()))["reasons"] == [
                json.loads(json.dumps(r.to_dict())) for r in e.reasons
            ]


def test_na_and_unanswered_items_never_trigger_item_rules() -> None:
    profile, answers = DOMESTIC_FOOD
    answers = {**answers, "EXP11": None}
    del answers["EXP13"]
    agent = by_type(suggest(CATALOG, BANK, profile=profile, answers=answers))["export_agent"]
    assert not any({"EXP11", "EXP13"} & set(r.facts) for r in agent.reasons)
    assert agent.fit == pytest.approx(0.5)  # 0.85 less the 0.35 channel-and-staff rule


def test_requires_keeps_a_type_out_whatever_its_rules_say() -> None:
    profile, answers = ELECTRONICS_ONE_CUSTOMER
    assert "licensing" in by_type(ranked(ELECTRONICS_ONE_CUSTOMER))
    without_ip = {**answers, "EXP14": 1, "COL08": 2}
    assert "licensing" not in by_type(suggest(CATALOG, BANK, profile=profile, answers=without_ip))


def test_a_company_profile_object_gives_the_same_suggestions_as_a_dict() -> None:
    profile, answers = COSMETICS_MARKETPLACE
    model = CompanyProfile(name="한빛코스메틱", **profile)
    from_model = suggest(CATALOG, BANK, profile=model, answers=answers, lang="ko")
    assert from_model == ranked(COSMETICS_MARKETPLACE, "ko")


def test_limit_and_language_are_checked() -> None:
    profile, answers = MACHINE_BUILDER_40
    assert len(suggest(CATALOG, BANK, profile=profile, answers=answers, limit=2)) == 2
    with pytest.raises(ValueError, match="lang"):
        suggest(CATALOG, BANK, profile=profile, answers=answers, lang="fr")
    with pytest.raises(AnswerError, match="EXP99"):
        suggest(CATALOG, BANK, profile=profile, answers={"EXP99": 1})


# --- every type is reachable ----------------------------------------------------------------------

EMPLOYEES = [3, 8, 15, 40, 80, 150, 400]
SHARES = [None, 0.0, 0.03, 0.1, 0.2, 0.4, 0.7]
PRODUCTS = ["", "화장품", "skincare"]


def _random_profile(rng: random.Random) -> dict[str, Any]:
    return {
        "ksic": rng.choice(reference.ksic_codes()),
        "employees": rng.choice(EMPLOYEES),
        "export_share": rng.choice(SHARES),
        "markets": rng.sample(reference.market_ids(), rng.randint(0, 3)),
        "roles": rng.sample(reference.role_ids(), rng.randint(1, 2)),
        "products": rng.choice(PRODUCTS),
    }


def _standing(type_id: str, profile: dict[str, Any], answers: dict[str, int | None]) -> tuple:
    group = CATALOG.type(type_id).group
    suggestions = suggest(CATALOG, BANK, profile=profile, answers=answers, group=group)
    fits = {s.type: s.fit for s in suggestions}
    if type_id not in fits:
        return (-len(CATALOG.types), -1.0, 0.0)  # absent: below any rank
    rank = [s.type for s in suggestions].index(type_id)
    best_other = max((f for t, f in fits.items() if t != type_id), default=0.0)
    return (-rank, fits[type_id] - best_other, fits[type_id])


@pytest.mark.parametrize("type_id", [t.id for t in CATALOG.types] if CATALOG else [])
def test_every_type_ranks_first_in_its_group_for_some_company(type_id: str) -> None:
    """A seeded hill climb over answers and profile finds a company that puts the type first."""
    rng = random.Random(f"reach-{type_id}")
    item_ids = BANK.item_ids()
    profile = _random_profile(rng)
    answers = _random_answers(rng)
    best = _standing(type_id, profile, answers)
    for _ in range(1500):
        if best[0] == 0 and best[2] >= 0.5:
            break
        new_profile, new_answers = copy.deepcopy(profile), dict(answers)
        if rng.random() < 0.7:
            new_answers[rng.choice(item_ids)] = rng.randint(0, 5)
        else:
            field = rng.choice(list(profile))
            new_profile[field] = _random_profile(rng)[field]
        standing = _standing(type_id, new_profile, new_answers)
        if standing >= best:
            best, profile, answers = standing, new_profile, new_answers
    assert best[0] == 0, f"{type_id} never ranked first; best {best} for {profile}"
    assert best[2] >= 0.5


def test_suggestions_carry_their_group_and_a_group_can_be_asked_for_alone() -> None:
    profile, answers = MACHINE_BUILDER_40
    everything = suggest(CATALOG, BANK, profile=profile, answers=answers)
    for group in GROUPS:
        alone = suggest(CATALOG, BANK, profile=profile, answers=answers, group=group)
        assert alone == [s for s in everything if s.group == group]
        assert alone and all(CATALOG.type(s.type).group == group for s in alone)
    assert everything[0].to_dict()["group"] == "market"
    with pytest.raises(ValueError, match="group"):
        suggest(CATALOG, BANK, profile=profile, answers=answers, group="other")
