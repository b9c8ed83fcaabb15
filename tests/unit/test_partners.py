"""Partner types: shipped catalog, ranking of hand-made companies, reasons, validation, CLI."""

from __future__ import annotations

import copy
import functools
import json
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from readiness import reference
from readiness.bank import default_bank
from readiness.cli import main
from readiness.partners import (
    DEFAULT_CATALOG,
    CatalogError,
    Reason,
    load_catalog,
    parse_catalog,
    suggest,
)
from readiness.profile import CompanyProfile
from readiness.scoring import AnswerError

BANK = default_bank()
CATALOG = load_catalog()


def levels(exp: list[int], srv: list[int], ai: list[int], col: list[int]) -> dict[str, int | None]:
    """Answers from one list of levels per pillar, in item order (EXP01, EXP02, ...)."""
    answers: dict[str, int | None] = {}
    for pillar, row in (("EXP", exp), ("SRV", srv), ("AI", ai), ("COL", col)):
        ids = [i.id for i in BANK.items_of(pillar)]
        assert len(row) == len(ids), pillar
        answers.update(zip(ids, row, strict=True))
    return answers


# A 15-person plastics maker about to export for the first time: no channel, no export staff.
FIRST_TIME_EXPORTER = (
    {
        "ksic": "C22",
        "employees": 15,
        "export_share": 0.02,
        "markets": ["VN"],
        "roles": ["final_product"],
    },
    levels(
        exp=[2, 1, 1, 1, 1, 1, 1, 1, 1, 1],
        srv=[1, 1, 1, 0, 1, 0, 1, 1],
        ai=[1, 2, 1, 1, 1, 1, 1, 0, 1, 1],
        col=[1, 1, 1, 1, 1, 1, 1, 0],
    ),
)
# A 300-person machine builder exporting a third of its sales, its installed base connected (SRV03
# 4, AI05 4) but serviced abroad by engineers flown out from Korea (SRV06 1).
MACHINE_BUILDER = (
    {
        "ksic": "C29",
        "employees": 300,
        "export_share": 0.35,
        "markets": ["US", "EU", "CN"],
        "roles": ["final_product", "after_sales"],
    },
    levels(
        exp=[4, 4, 3, 4, 3, 3, 3, 3, 3, 2],
        srv=[3, 3, 4, 3, 3, 1, 3, 3],
        ai=[4, 4, 4, 3, 4, 3, 3, 3, 4, 3],
        col=[2, 2, 1, 3, 3, 2, 3, 2],
    ),
)
# A 45-person electronic components maker with an advanced smart factory and almost no exports.
STRONG_AI_WEAK_EXPORT = (
    {
        "ksic": "C26",
        "employees": 45,
        "export_share": 0.0,
        "markets": [],
        "roles": ["components"],
    },
    levels(
        exp=[2, 1, 1, 2, 1, 0, 1, 1, 1, 0],
        srv=[2, 1, 2, 2, 1, 0, 2, 2],
        ai=[5, 4, 5, 4, 4, 4, 4, 4, 4, 4],
        col=[2, 1, 1, 3, 4, 3, 1, 2],
    ),
)
# An 8-person instrument maker with patents filed abroad (EXP08 4) and joint R&D on the market
# (COL08 4), but manual production (AI02 0) and no capacity to serve markets itself.
IP_RICH_NO_CAPACITY = (
    {
        "ksic": "C27",
        "employees": 8,
        "export_share": 0.05,
        "markets": [],
        "roles": ["final_product"],
    },
    levels(
        exp=[2, 1, 2, 2, 1, 1, 1, 4, 1, 1],
        srv=[1, 1, 1, 1, 1, 0, 2, 1],
        ai=[1, 0, 1, 1, 1, 1, 2, 1, 1, 1],
        col=[2, 1, 1, 1, 2, 1, 1, 4],
    ),
)


def ranked(company: tuple[dict[str, Any], dict[str, int | None]], lang: str = "en") -> list:
    profile, answers = company
    return suggest(CATALOG, BANK, profile=profile, answers=answers, lang=lang)


def by_type(suggestions: list) -> dict[str, Any]:
    return {s.type: s for s in suggestions}


def said(reasons: tuple[Reason, ...], lang: str = "en") -> list[str]:
    """Reasons (or cautions) as the reader sees them."""
    return [reason.render(lang) for reason in reasons]


# --- the shipped catalog --------------------------------------------------------------------------


def test_shipped_catalog_covers_the_partner_types_the_design_names() -> None:
    ids = CATALOG.type_ids
    assert len(ids) >= 10
    for required in (
        "export_agent",
        "distributor",
        "trading_consortium",
        "cross_border_ecommerce",
        "oem_odm",
        "licensing",
        "joint_venture",
        "local_service",
        "system_integrator",
        "ai_tech_partner",
        "value_chain_cluster",
    ):
        assert required in ids
    for ptype in CATALOG.types:
        assert 2 <= len(ptype.first_steps) <= 4, ptype.id
        for text in (ptype.name, ptype.what, ptype.when, ptype.prepare, *ptype.first_steps):
            assert any("\uac00" <= ch <= "\ud7a3" for ch in text.ko), (ptype.id, text.ko)
            assert text.en.isascii() or "(" in text.en, (ptype.id, text.en)  # Korean only in (...)
        assert any(rule.weight > 0 for rule in ptype.rules), ptype.id


# --- hand-made companies whose right answer is clear ---------------------------------------------


def test_first_time_exporter_is_pointed_at_low_cost_entry_channels() -> None:
    suggestions = ranked(FIRST_TIME_EXPORTER)
    top3 = {s.type for s in suggestions[:3]}
    assert top3 == {"export_agent", "trading_consortium", "cross_border_ecommerce"}
    assert suggestions[0].type == "export_agent"
    assert "joint_venture" not in by_type(suggestions)  # 15 people: the caution outweighs
    agent = by_type(suggestions)["export_agent"]
    assert said(agent.reasons)[0].startswith(
        "EXP06 channels and partner contracts at level 1 and EXP07 people and languages at level 1:"
    )
    assert any("15 employees" in reason for reason in said(agent.reasons))


def test_machine_builder_with_connected_base_gets_service_distributor_and_local_plant() -> None:
    suggestions = ranked(MACHINE_BUILDER)
    assert [s.type for s in suggestions[:3]] == ["local_service", "distributor", "joint_venture"]
    service = suggestions[0]
    assert service.fit == 1.0
    first = said(service.reasons)[0]
    assert "SRV03" in first and "SRV06" in first
    assert "at level 4" in first and "at level 1" in first
    plant = by_type(suggestions)["joint_venture"]
    assert any("export share of 35%" in r for r in said(plant.reasons))
    assert any(r.startswith("United States, China: tariffs") for r in said(plant.reasons))
    assert not any(s.type == "ai_tech_partner" for s in suggestions)  # AI at 70: not needed


def test_strong_ai_weak_export_firm_sells_through_integrators_and_first_order_channels() -> None:
    suggestions = ranked(STRONG_AI_WEAK_EXPORT)
    assert {s.type for s in suggestions[:3]} == {
        "system_integrator",
        "trading_consortium",
        "export_agent",
    }
    assert "ai_tech_partner" not in by_type(suggestions)  # it requires AI at most 60
    integrator = by_type(suggestions)["system_integrator"]
    assert said(integrator.reasons)[0].startswith("AI and smart factory at 85/100:")
    assert any(r.startswith("AI03 system integration at level 5") for r in said(integrator.reasons))


def test_ip_rich_firm_without_capacity_licenses_or_designs_for_a_brand() -> None:
    suggestions = ranked(IP_RICH_NO_CAPACITY)
    assert [s.type for s in suggestions[:2]] == ["licensing", "oem_odm"]
    assert suggestions[0].fit == 1.0
    assert all(s.type != "joint_venture" for s in suggestions)
    licensing, odm = suggestions[0], suggestions[1]
    assert said(licensing.reasons)[0].startswith("EXP08 IP abroad at level 4")
    assert any("COL08 joint R&D at level 4" in r for r in said(licensing.reasons))
    assert any(
        "EXP08" in r and "AI02 automation and control at level 0" in r for r in said(odm.reasons)
    )
    # the order-driven channels carry a capacity caution for an 8-person manual shop
    agent = by_type(suggestions)["export_agent"]
    assert any("8 employees and AI02" in c for c in said(agent.cautions))


def test_suggestions_are_sorted_best_first_and_fit_stays_in_range() -> None:
    for company in (
        FIRST_TIME_EXPORTER,
        MACHINE_BUILDER,
        STRONG_AI_WEAK_EXPORT,
        IP_RICH_NO_CAPACITY,
    ):
        fits = [s.fit for s in ranked(company)]
        assert fits == sorted(fits, reverse=True)
        assert all(0 < f <= 1 for f in fits)


def test_every_suggestion_has_reasons_in_both_languages_and_they_differ() -> None:
    for company in (FIRST_TIME_EXPORTER, MACHINE_BUILDER, IP_RICH_NO_CAPACITY):
        ko, en = ranked(company, "ko"), ranked(company, "en")
        assert [s.type for s in ko] == [s.type for s in en]
        for k, e in zip(ko, en, strict=True):
            assert k.reasons and e.reasons
            assert len(k.reasons) == len(e.reasons)
            for rk, re_ in zip(said(k.reasons, "ko"), said(e.reasons, "en"), strict=True):
                assert rk != re_
                assert any("\uac00" <= ch <= "\ud7a3" for ch in rk)
            assert k.name != e.name and k.first_steps != e.first_steps


def test_korean_reasons_show_the_item_dimension_and_level() -> None:
    agent = by_type(ranked(FIRST_TIME_EXPORTER, "ko"))["export_agent"]
    assert said(agent.reasons, "ko")[0].startswith(
        "EXP06(채널·파트너 계약) 1단계, EXP07(수출 인력·외국어) 1단계로"
    )
    assert any(r.startswith("직원 15명 규모") for r in said(agent.reasons, "ko"))


def test_reasons_render_in_any_language_whatever_language_suggest_was_given() -> None:
    for company in (FIRST_TIME_EXPORTER, MACHINE_BUILDER, IP_RICH_NO_CAPACITY):
        ko, en = ranked(company, "ko"), ranked(company, "en")
        for k, e in zip(ko, en, strict=True):
            for lang in ("ko", "en"):
                assert said(k.reasons, lang) == said(e.reasons, lang)
                assert said(k.cautions, lang) == said(e.cautions, lang)
            assert json.loads(json.dumps(k.to_dict()))["reasons"] == [
                json.loads(json.dumps(r.to_dict())) for r in e.reasons
            ]


def test_na_and_unanswered_items_never_trigger_item_rules() -> None:
    profile, answers = FIRST_TIME_EXPORTER
    answers = {**answers, "EXP06": None}
    del answers["EXP07"]
    agent = by_type(suggest(CATALOG, BANK, profile=profile, answers=answers, lang="en"))
    reasons = said(agent["export_agent"].reasons)
    assert not any("EXP06" in r or "EXP07" in r for r in reasons)
    assert agent["export_agent"].fit == pytest.approx(0.75)  # raw 1.1 less the 0.35 channel rule


def test_requires_keeps_a_type_out_whatever_its_rules_say() -> None:
    profile, answers = IP_RICH_NO_CAPACITY
    assert "licensing" in by_type(ranked(IP_RICH_NO_CAPACITY))
    without_ip = {**answers, "EXP08": 1, "COL08": 2}
    kept = by_type(suggest(CATALOG, BANK, profile=profile, answers=without_ip, lang="en"))
    assert "licensing" not in kept


def test_a_company_profile_object_gives_the_same_suggestions_as_a_dict() -> None:
    profile, answers = MACHINE_BUILDER
    model = CompanyProfile(name="대한기계", **profile)
    from_model = suggest(CATALOG, BANK, profile=model, answers=answers, lang="ko")
    assert from_model == ranked(MACHINE_BUILDER, "ko")


def test_limit_and_language_are_checked() -> None:
    profile, answers = MACHINE_BUILDER
    assert len(suggest(CATALOG, BANK, profile=profile, answers=answers, limit=2)) == 2
    with pytest.raises(ValueError, match="lang"):
        suggest(CATALOG, BANK, profile=profile, answers=answers, lang="fr")
    with pytest.raises(AnswerError, match="EXP99"):
        suggest(CATALOG, BANK, profile=profile, answers={"EXP99": 1})


# --- every type is reachable ----------------------------------------------------------------------

EMPLOYEES = [3, 8, 15, 40, 80, 150, 400]
SHARES = [None, 0.0, 0.03, 0.1, 0.2, 0.4, 0.7]


def _random_profile(rng: random.Random) -> dict[str, Any]:
    return {
        "ksic": rng.choice(reference.ksic_codes()),
        "employees": rng.choice(EMPLOYEES),
        "export_share": rng.choice(SHARES),
        "markets": rng.sample(reference.market_ids(), rng.randint(0, 3)),
        "roles": rng.sample(reference.role_ids(), rng.randint(1, 2)),
    }


def _standing(type_id: str, profile: dict[str, Any], answers: dict[str, int | None]) -> tuple:
    suggestions = suggest(CATALOG, BANK, profile=profile, answers=answers, lang="en")
    fits = {s.type: s.fit for s in suggestions}
    if type_id not in fits:
        return (-1, -1.0, 0.0)
    rank = [s.type for s in suggestions].index(type_id)
    best_other = max((f for t, f in fits.items() if t != type_id), default=0.0)
    return (-rank, fits[type_id] - best_other, fits[type_id])


@pytest.mark.parametrize("type_id", [t.id for t in CATALOG.types])
def test_every_type_ranks_first_for_some_company(type_id: str) -> None:
    """A seeded hill climb over answers and profile finds a company that puts the type first."""
    rng = random.Random(f"reach-{type_id}")
    item_ids = BANK.item_ids()
    profile = _random_profile(rng)
    answers: dict[str, int | None] = {i: rng.randint(0, 5) for i in item_ids}
    best = _standing(type_id, profile, answers)
    for _ in range(1500):
        if best[0] == 0:
            break
        new_profile, new_answers = copy.deepcopy(profile), dict(answers)
        if rng.random() < 0.7:
            new_answers[rng.choice(item_ids)] = rng.randint(0, 5)
        else:
            field = rng.choice(["ksic", "employees", "export_share", "markets", "roles"])
            new_profile[field] = _random_profile(rng)[field]
        standing = _standing(type_id, new_profile, new_answers)
        if standing >= best:
            best, profile, answers = standing, new_profile, new_answers
    assert best[0] == 0, f"{type_id} never ranked first; best {best} for {profile}"
    assert best[2] >= 0.5


# --- validation of the catalog --------------------------------------------------------------------


@functools.cache
def _shipped_text() -> str:
    return DEFAULT_CATALOG.read_text(encoding="utf-8")


def _shipped() -> dict[str, Any]:
    """A fresh copy of the shipped catalog as plain data, to break in a test."""
    return yaml.load(_shipped_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "partners.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _set_when(data: dict[str, Any], type_index: int, rule_index: int, when: Any) -> None:
    data["types"][type_index]["rules"][rule_index]["when"] = when


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: _set_when(d, 0, 1, {"item": "EXP99", "max": 2}),
            "type export_agent, rule 2, field when.item: unknown item id 'EXP99'",
        ),
        (
            lambda d: _set_when(d, 0, 1, {"item": ["EXP02"], "max": 2}),
            "type export_agent, rule 2, field when.item: unknown item id ['EXP02']",
        ),
        (
            lambda d: _set_when(d, 8, 0, {"pillar": "XYZ", "min": 60}),
            "type system_integrator, rule 1, field when.pillar: unknown pillar id 'XYZ'",
        ),
        (
            lambda d: _set_when(d, 0, 1, {"item": "EXP02", "lte": 2}),
            "type export_agent, rule 2, field when.lte: unknown operator 'lte'",
        ),
        (
            lambda d: _set_when(d, 1, 3, {"markets_count": {"gt": 0}}),
            "type distributor, rule 4, field when.markets_count.gt: unknown operator 'gt'",
        ),
        (
            lambda d: _set_when(d, 0, 0, {"all": [{"item": "EXP06", "max": 9}]}),
            "type export_agent, rule 1, field when.all[0].max: must be between 0 and 5, got 9",
        ),
        (
            lambda d: _set_when(d, 0, 1, {"item": "EXP02", "min": 3, "max": 1}),
            "type export_agent, rule 2, field when: min 3 is above max 1",
        ),
        (
            lambda d: _set_when(d, 0, 1, {"item": "EXP02", "employees": {"max": 9}}),
            "type export_agent, rule 2, field when: one condition per mapping, found item and "
            "employees",
        ),
        (
            lambda d: _set_when(d, 0, 1, {"revenue": {"min": 1}}),
            "type export_agent, rule 2, field when: unknown condition 'revenue'",
        ),
        (
            lambda d: _set_when(d, 2, 5, {"stage": ["expert"]}),
            "type trading_consortium, rule 6, field when.stage: unknown value(s) 'expert'",
        ),
        (
            lambda d: _set_when(d, 0, 1, "EXP02 <= 2"),
            "type export_agent, rule 2, field when: Input should be a valid dictionary",
        ),
        (
            lambda d: d["types"][3]["rules"][0]["reason"].pop("en"),
            "type cross_border_ecommerce, rule 1, field reason.en: Field required",
        ),
        (
            lambda d: d["types"][0].pop("prepare"),
            "type export_agent, field prepare: Field required",
        ),
        (
            lambda d: d["types"][0]["rules"][0].update(weight=1.5),
            "type export_agent, rule 1, field weight: Input should be less than or equal to 1",
        ),
        (
            lambda d: d["types"][0]["rules"][0].update(weight=0),
            "type export_agent, rule 1, field weight: Value error, must not be 0",
        ),
        (
            lambda d: d["types"][0]["rules"][1]["reason"].update(en="Few export sales so far."),
            "type export_agent, rule 2, field reason.en: must name {EXP02}",
        ),
        (
            lambda d: d["types"][0]["rules"][1]["reason"].update(ko="{EXP02}와 {EXP2}"),
            "type export_agent, rule 2, field reason.ko: unknown placeholder {EXP2}",
        ),
        (
            lambda d: d["types"][5]["requires"][0].update({"any": [{"item": "EXP08"}]}),
            "type licensing, requirement 1, field requires.any[0]: give min, max or both",
        ),
        (
            lambda d: d["types"][1].update(id="export_agent"),
            "type export_agent, field id: duplicate type id",
        ),
        (
            lambda d: d["types"][9].update(rules=d["types"][9]["rules"][-1:]),
            "type ai_tech_partner, field rules: needs at least one rule with a positive weight",
        ),
    ],
)
def test_malformed_catalog_names_file_type_rule_and_field(change: Any, expected: str) -> None:
    data = _shipped()
    change(data)
    with pytest.raises(CatalogError) as err:
        parse_catalog(data, bank=BANK, source="partners.yaml")
    assert f"partners.yaml: {expected}" in str(err.value)


def test_the_shipped_catalog_round_trips_through_the_validator(tmp_path: Path) -> None:
    assert load_catalog(_write(tmp_path, _shipped())).type_ids == CATALOG.type_ids


def test_duplicate_yaml_keys_and_missing_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text('version: "1"\nversion: "2"\ntypes: []\n', encoding="utf-8")
    with pytest.raises(CatalogError, match="duplicate key 'version'"):
        load_catalog(path)
    with pytest.raises(CatalogError, match="file not found"):
        load_catalog(tmp_path / "missing.yaml")


# --- the fit formula on a tiny catalog ------------------------------------------------------------


def _tiny(rules_a: list[tuple[dict, float]], rules_b: list[tuple[dict, float]]) -> Any:
    def text(s: str) -> dict[str, str]:
        return {"ko": f"{s} 설명", "en": s}

    def ptype(tid: str, rules: list[tuple[dict, float]]) -> dict[str, Any]:
        return {
            "id": tid,
            "name": text(tid),
            "what": text("what"),
            "when": text("when"),
            "prepare": text("prepare"),
            "first_steps": [text("one"), text("two")],
            "rules": [
                {"when": when, "weight": weight, "reason": text("{EXP01} {employees}")}
                for when, weight in rules
            ],
        }

    raw = {"version": "t", "types": [ptype("alpha", rules_a), ptype("beta", rules_b)]}
    return parse_catalog(raw, bank=BANK)


EXP01_HIGH = {"all": [{"item": "EXP01", "min": 3}, {"employees": {"min": 1}}]}
EXP01_LOW = {"all": [{"item": "EXP01", "max": 2}, {"employees": {"min": 1}}]}
SMALL = {"all": [{"item": "EXP01", "min": 0}, {"employees": {"max": 49}}]}


def test_fit_is_the_capped_sum_of_the_weights_of_rules_that_hold() -> None:
    catalog = _tiny([(EXP01_HIGH, 0.6), (SMALL, 0.7), (EXP01_LOW, 0.9)], [(SMALL, 0.3)])
    profile = {"ksic": "C29", "employees": 20}
    high = by_type(suggest(catalog, BANK, profile=profile, answers={"EXP01": 4}, lang="en"))
    assert high["alpha"].fit == 1.0  # 0.6 + 0.7, capped
    assert len(high["alpha"].reasons) == 2
    assert (
        said(high["alpha"].reasons)[0] == "EXP01 commitment and export plan at level 4 20 employees"
    )
    assert high["beta"].fit == pytest.approx(0.3)
    big = by_type(
        suggest(catalog, BANK, profile={**profile, "employees": 80}, answers={"EXP01": 1})
    )
    assert big["alpha"].fit == pytest.approx(0.9) and "beta" not in big


def test_cautions_lower_the_fit_and_a_type_at_zero_is_left_out() -> None:
    catalog = _tiny([(EXP01_HIGH, 0.5), (SMALL, -0.2)], [(EXP01_HIGH, 0.2), (SMALL, -0.6)])
    found = suggest(catalog, BANK, profile={"employees": 20}, answers={"EXP01": 5}, lang="en")
    assert [s.type for s in found] == ["alpha"]
    assert found[0].fit == pytest.approx(0.3)
    assert said(found[0].cautions) == ["EXP01 commitment and export plan at level 5 20 employees"]


def test_ties_go_to_more_evidence_then_to_the_type_id() -> None:
    catalog = _tiny([(EXP01_HIGH, 0.8), (SMALL, 0.8)], [(EXP01_HIGH, 1.0)])
    found = suggest(catalog, BANK, profile={"employees": 20}, answers={"EXP01": 5})
    assert [(s.type, s.fit) for s in found] == [("alpha", 1.0), ("beta", 1.0)]  # 1.6 before 1.0
    catalog = _tiny([(EXP01_HIGH, 1.0)], [(EXP01_HIGH, 1.0)])
    found = suggest(catalog, BANK, profile={"employees": 20}, answers={"EXP01": 5})
    assert [s.type for s in found] == ["alpha", "beta"]


# --- command line ---------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _company_file(tmp_path: Path, company: tuple[dict, dict], **profile_changes: Any) -> Path:
    profile, answers = company
    path = tmp_path / "company.json"
    body = {"profile": {**profile, **profile_changes}, "answers": answers}
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def test_suggest_prints_partners_best_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _company_file(tmp_path, MACHINE_BUILDER)
    code, out, _ = run(capsys, "suggest", str(path), "--lang", "en", "--limit", "3")
    assert code == 0
    data = json.loads(out)
    assert [p["type"] for p in data["partners"]] == [
        "local_service",
        "distributor",
        "joint_venture",
    ]
    first = data["partners"][0]
    assert set(first) == {"type", "name", "fit", "reasons", "cautions"}
    assert first["name"] == "Local service and maintenance partner"
    assert first["fit"] == 1.0 and "SRV03" in first["reasons"][0]
    code, out, _ = run(capsys, "suggest", str(path))
    names = [p["name"] for p in json.loads(out)["partners"]]
    assert names[0] == "현지 서비스·유지보수 파트너" and len(names) > 3


@pytest.mark.parametrize(
    ("profile_changes", "message"),
    [
        ({"ksic": "C99"}, "profile.ksic: 'C99' is not a KSIC manufacturing division"),
        ({"employees": 0}, "profile.employees"),
        ({"export_share": 1.5}, "profile.export_share"),
        ({"markets": ["MARS"]}, "unknown market(s): MARS"),
        ({"roles": ["banker"]}, "unknown value-chain role(s): banker"),
    ],
)
def test_suggest_rejects_a_bad_profile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], profile_changes: dict, message: str
) -> None:
    path = _company_file(tmp_path, FIRST_TIME_EXPORTER, **profile_changes)
    code, out, err = run(capsys, "suggest", str(path))
    assert code == 1 and out == ""
    assert message in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"profile": {"ksic": "C22", "employees": 5}, "answers": {"EXP01": 6}}', "EXP01: level"),
        ('{"profile": {"ksic": "C22", "employees": 5}, "answers": {"X1": 1}}', "unknown item id"),
        ('{"profile": {"ksic": "C22", "employees": 5}}', "'answers' must be an object"),
        ('{"answers": {}}', "'profile' must be an object"),
        ("[1, 2]", "expected an object"),
        ("{nope", "not valid JSON"),
    ],
)
def test_suggest_rejects_bad_files_with_a_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "suggest", str(path))
    assert code == 1 and out == ""
    assert message in err


def test_suggest_rejects_a_limit_below_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _company_file(tmp_path, FIRST_TIME_EXPORTER)
    code, _, err = run(capsys, "suggest", str(path), "--limit", "0")
    assert code == 2 and "--limit" in err


def test_partners_json_prints_the_whole_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "partners", "--json")
    assert code == 0
    data = json.loads(out)
    assert [t["id"] for t in data["types"]] == CATALOG.type_ids
    licensing = next(t for t in data["types"] if t["id"] == "licensing")
    assert licensing["requires"] and licensing["rules"][0]["when"] == {"item": "EXP08", "min": 3}
    for field in ("name", "what", "when", "prepare", "first_steps", "rules"):
        assert field in licensing
    code, out, _ = run(capsys, "partners")
    assert code == 0 and out.count("\n") >= 2 * len(CATALOG.types)
    assert "licensing" in out and "기술 라이선싱" in out


def test_partners_reports_a_malformed_catalog(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _shipped()
    _set_when(data, 0, 1, {"item": "EXP99", "max": 2})
    path = _write(tmp_path, data)
    code, out, err = run(capsys, "partners", "--catalog", str(path))
    assert code == 1 and out == ""
    assert "type export_agent, rule 2, field when.item" in err
