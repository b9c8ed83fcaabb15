"""Partner catalogs: the shipped ones per bank version, groups, validation (reasons cite exactly
what their condition looks at), Korean particles, the fit formula and the command line. Rankings
of designed companies are in test_partners_profiles.py."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from readiness.bank import BANKS_DIR, Text, bank_for_version
from readiness.cli import main
from readiness.i18n import Localized
from readiness.partners import (
    DEFAULT_CATALOG,
    GROUPS,
    CatalogError,
    Reason,
    load_catalog,
    parse_catalog,
    suggest,
)

V2_READY = (BANKS_DIR / "v2" / "items_EXP.yaml").is_file()
pytestmark = pytest.mark.skipif(not V2_READY, reason="question bank v2 items are not here yet")
BANK = bank_for_version("2.0") if V2_READY else None
CATALOG = load_catalog(bank=BANK) if BANK is not None else None
ITEM_CODE = re.compile(r"\b(EXP|SRV|AI|COL)\d{2}\b")
CAPABILITY = {"system_integrator", "ai_tech_partner", "compliance_consultancy", "joint_rnd"}


def by_type(suggestions: list) -> dict[str, Any]:
    return {s.type: s for s in suggestions}


def said(reasons: tuple[Reason, ...], lang: str = "en") -> list[str]:
    return [reason.render(lang) for reason in reasons]


# --- the shipped catalogs -------------------------------------------------------------------------


def test_shipped_catalog_covers_the_partner_types_in_two_groups() -> None:
    ids = CATALOG.type_ids
    assert CATALOG.bank == BANK.version == "2.0"
    for required in (
        "export_agent",
        "distributor",
        "trading_consortium",
        "cross_border_ecommerce",
        "oem_odm",
        "licensing",
        "joint_venture",
        "local_service",
        "global_supply_chain",
        "value_chain_cluster",
        *CAPABILITY,
    ):
        assert required in ids
    assert {t.id for t in CATALOG.types if t.group == "capability"} == CAPABILITY
    assert {t.group for t in CATALOG.types} == set(GROUPS)
    for ptype in CATALOG.types:
        assert 2 <= len(ptype.first_steps) <= 4, ptype.id
        for text in (ptype.name, ptype.what, ptype.when, ptype.prepare, *ptype.first_steps):
            assert any("\uac00" <= ch <= "\ud7a3" for ch in text.ko), (ptype.id, text.ko)
            assert text.en.isascii() or "(" in text.en, (ptype.id, text.en)  # Korean only in (...)
        assert any(rule.weight > 0 for rule in ptype.rules), ptype.id


def test_each_bank_version_gets_the_catalog_written_for_it() -> None:
    v1 = bank_for_version("1.0")
    old = load_catalog(bank=v1)
    assert old.bank == "1.0" and CATALOG.bank == "2.0"
    assert load_catalog(bank=v1) is old  # the shipped banks' catalogs are loaded once
    answers = {item: 1 for item in v1.item_ids()}
    found = suggest(old, v1, profile={"ksic": "C22", "employees": 15}, answers=answers)
    assert found and all(s.group in GROUPS for s in found)
    for s in found:
        for text in said(s.reasons, "ko") + said(s.reasons, "en"):
            assert not ITEM_CODE.search(text), text
    with pytest.raises(CatalogError, match="written for bank '2.0', checked against bank '1.0'"):
        load_catalog(DEFAULT_CATALOG, bank=v1)


# --- reasons: Korean particles, and only what triggered them ---------------------------------


@pytest.mark.parametrize(
    ("phrase", "template", "expected"),
    [
        ("수준 3", "{x}로 오른다", "수준 3으로 오른다"),
        ("수준 2", "{x}으로 오른다", "수준 2로 오른다"),
        ("수준 1", "{x}으로 오른다", "수준 1로 오른다"),
        ("수준 0", "{x}는 낮다", "수준 0은 낮다"),
        ("수출 비중", "{x}를 본다", "수출 비중을 본다"),
        ("서비스 제공 수준 2", "{x}이라 좋다", "서비스 제공 수준 2라 좋다"),
        ("수준 3", "{x}이고 좋다", "수준 3이고 좋다"),
        ("기계·장비 제조", "{x}으로서 {y}입니다", "기계·장비 제조로서 수준 5입니다"),
    ],
)
def test_korean_particles_follow_the_phrase(phrase: str, template: str, expected: str) -> None:
    reason = Reason(
        Text(ko=template, en="x"),
        {"x": Localized.of(lambda _: phrase), "y": Localized.of(lambda _: "수준 5")},
    )
    assert reason.render("ko") == expected


def test_a_reason_may_not_cite_a_fact_its_condition_does_not_look_at() -> None:
    data = _shipped()
    rule = data["types"][0]["rules"][1]  # export_agent: {item: EXP02, max: 2}
    rule["reason"] = {"ko": "{EXP02}, {employees}입니다.", "en": "{EXP02} and {employees}."}
    with pytest.raises(CatalogError) as err:
        parse_catalog(data, bank=BANK, source="partners.yaml")
    assert (
        "type export_agent, rule 2, field reason.ko: names {employees}, which the condition does "
        "not look at" in str(err.value)
    )


def test_any_is_refused_in_a_rule_but_allowed_in_requires() -> None:
    data = _shipped()
    _set_when(data, 0, 1, {"any": [{"item": "EXP02", "max": 2}, {"employees": {"max": 9}}]})
    both = "{EXP02} {employees}"
    data["types"][0]["rules"][1]["reason"] = {"ko": both, "en": both}
    with pytest.raises(CatalogError, match="rule 2, field when.any: a rule's reason would cite"):
        parse_catalog(data, bank=BANK, source="partners.yaml")
    licensing = CATALOG.type("licensing")
    assert "any" in licensing.requires[0]


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
            lambda d: _set_when(d, 11, 0, {"pillar": "XYZ", "max": 40}),
            "type ai_tech_partner, rule 1, field when.pillar: unknown pillar id 'XYZ'",
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
            lambda d: d["types"][0].update(group="sales"),
            "type export_agent, field group: Input should be 'market' or 'capability'",
        ),
        (
            lambda d: d["types"][0].pop("group"),
            "type export_agent, field group: Field required",
        ),
        (
            lambda d: d["types"][10]["requires"][0].update(segment=["machines"]),
            "type system_integrator, requirement 1, field requires.segment: unknown value(s) "
            "'machines'",
        ),
        (
            lambda d: d["items"].update(EXP77={"ko": "없음", "en": "none"}),
            "field items.EXP77: unknown item id in bank 2.0",
        ),
        (
            lambda d: d.pop("bank"),
            "field bank: Field required",
        ),
        (
            lambda d: d["types"][11].update(rules=d["types"][11]["rules"][-1:]),
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
            "group": "market",
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

    raw = {
        "version": "t",
        "bank": BANK.version,
        "types": [ptype("alpha", rules_a), ptype("beta", rules_b)],
    }
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
    assert said(high["alpha"].reasons)[0] == "Commitment and export plan at level 4 20 employees"
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
    assert said(found[0].cautions) == ["Commitment and export plan at level 5 20 employees"]


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


# A 300-person machine builder exporting a third of its sales, every item at level 3.
MACHINE = (
    {
        "ksic": "C29",
        "employees": 300,
        "export_share": 0.35,
        "markets": ["US", "EU"],
        "roles": ["final_product", "after_sales"],
        "products": "공작기계",
    },
    {item: 3 for item in BANK.item_ids()} if BANK is not None else {},
)
V2 = str(BANKS_DIR / "v2")


def _company_file(tmp_path: Path, **profile_changes: Any) -> Path:
    profile, answers = MACHINE
    path = tmp_path / "company.json"
    body = {"profile": {**profile, **profile_changes}, "answers": answers}
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def test_suggest_prints_partners_best_first_with_their_group(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _company_file(tmp_path)
    code, out, _ = run(capsys, "suggest", str(path), "--lang", "en", "--bank", V2)
    assert code == 0
    printed = json.loads(out)["partners"]
    profile, answers = MACHINE
    expected = suggest(CATALOG, BANK, profile=profile, answers=answers, lang="en")
    assert [(p["type"], p["group"], p["fit"]) for p in printed] == [
        (s.type, s.group, round(s.fit, 3)) for s in expected
    ]
    assert [p["reasons"] for p in printed] == [said(s.reasons) for s in expected]
    assert set(printed[0]) == {"type", "group", "name", "fit", "reasons", "cautions"}
    assert {p["group"] for p in printed} == set(GROUPS)
    assert printed[0]["type"] == "distributor"
    assert printed[0]["name"] == "Overseas distributor or importer"
    assert not any(ITEM_CODE.search(r) for p in printed for r in p["reasons"] + p["cautions"])
    code, out, _ = run(capsys, "suggest", str(path), "--bank", V2, "--limit", "3")
    names = [p["name"] for p in json.loads(out)["partners"]]
    assert names[0] == "해외 유통사·수입상" and len(names) == 3


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
    path = _company_file(tmp_path, **profile_changes)
    code, out, err = run(capsys, "suggest", str(path), "--bank", V2)
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
    path = _company_file(tmp_path)
    code, _, err = run(capsys, "suggest", str(path), "--limit", "0")
    assert code == 2 and "--limit" in err


def test_partners_json_prints_the_whole_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "partners", "--json", "--catalog", str(DEFAULT_CATALOG))
    assert code == 0
    data = json.loads(out)
    assert data["bank"] == "2.0" and data["items"]["EXP05"]["en"] == "spread of customers"
    assert [t["id"] for t in data["types"]] == CATALOG.type_ids
    licensing = next(t for t in data["types"] if t["id"] == "licensing")
    assert licensing["group"] == "market"
    assert licensing["requires"] and licensing["rules"][0]["when"] == {"item": "EXP14", "min": 3}
    for field in ("name", "what", "when", "prepare", "first_steps", "rules"):
        assert field in licensing
    code, out, _ = run(capsys, "partners", "--catalog", str(DEFAULT_CATALOG))
    assert code == 0 and out.count("\n") >= 2 * len(CATALOG.types)
    assert "licensing" in out and "기술 라이선싱" in out
    assert "[capability] AI·스마트공장 기술 파트너" in out


def test_partners_reports_a_malformed_catalog(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _shipped()
    _set_when(data, 0, 1, {"item": "EXP99", "max": 2})
    path = _write(tmp_path, data)
    code, out, err = run(capsys, "partners", "--catalog", str(path))
    assert code == 1 and out == ""
    assert "type export_agent, rule 2, field when.item" in err
