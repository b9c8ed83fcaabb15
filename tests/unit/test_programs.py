"""Support programmes (readiness/programs.py): the catalog is validated strictly, a programme a
company cannot apply for (or an expired one) is never suggested, the rest are ranked by the
company's largest gaps, and each comes with one sentence naming the gap and the rule."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import random
from typing import Any

import pytest

from readiness import programs, reference, strict_yaml
from readiness.bank import default_bank
from readiness.programs import (
    DEFAULT_CATALOG,
    ProgramCatalogError,
    facts_of,
    is_eligible,
    load_catalog,
    match_programs,
    parse_catalog,
)
from readiness.scoring import score_assessment

BANK = default_bank()
CATALOG = load_catalog()
TODAY = dt.date(2026, 12, 1)


def raw_catalog() -> dict[str, Any]:
    with DEFAULT_CATALOG.open(encoding="utf-8") as fh:
        return copy.deepcopy(strict_yaml.safe_load(fh))


def all_at(level: int, **overrides: int | None) -> dict[str, int | None]:
    answers: dict[str, int | None] = dict.fromkeys(BANK.item_ids(), level)
    answers.update(overrides)
    return answers


# --- the catalog ----------------------------------------------------------------------------------


def test_the_shipped_catalog_covers_the_programmes_an_sme_uses_to_go_global() -> None:
    ids = {p.id for p in CATALOG.programs}
    assert len(ids) >= 20
    for needed in (
        "export_voucher",
        "kotra_branch_service",
        "export_consortium",
        "short_term_export_insurance",
        "overseas_certification",
        "smart_factory_basic",
        "smart_factory_upgrade",
        "ai_voucher",
        "data_voucher",
        "cbam_support",
        "global_champion_1000",
    ):
        assert needed in ids
    for program in CATALOG.programs:
        assert program.link.startswith("https://")
        assert program.as_of <= program.valid_until
        for text in (program.name, program.owner, program.pays_for, program.amount):
            assert text.ko and text.en


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda p: p.update(gaps=["EXP99"]), "programme export_voucher, field gaps: 'EXP99'"),
        (lambda p: p["eligible"].update(size_bands=["5-8"]), "unknown size band '5-8'"),
        (lambda p: p["eligible"].update(ksic=["C99"]), "unknown KSIC division 'C99'"),
        (lambda p: p["eligible"].update(export="sometimes"), "field eligible.export"),
        (lambda p: p["eligible"].update(stage={"min": "expert"}), "unknown stage 'expert'"),
        (
            lambda p: p["eligible"].update(stage={"min": "leading", "max": "beginner"}),
            "min is above max",
        ),
        (lambda p: p["eligible"].update(levels={"AI03": {"min": 7}}), "eligible.levels.AI03.min"),
        (lambda p: p["eligible"].update(certifications=["iso"]), "'iso' is not listed"),
        (lambda p: p.update(link="http://example.org"), "field link"),
        (lambda p: p.update(valid_until=dt.date(2020, 1, 1)), "valid_until: is before as_of"),
        (lambda p: p["name"].pop("en"), "field name.en"),
        (lambda p: p.update(colour="red"), "field colour"),
    ],
)
def test_a_malformed_programme_is_refused_naming_programme_and_field(
    change: Any, expected: str
) -> None:
    raw = raw_catalog()
    change(raw["programs"][0])
    with pytest.raises(ProgramCatalogError) as err:
        parse_catalog(raw, bank=BANK, source="programs.yaml")
    assert expected in str(err.value)
    assert "programs.yaml" in str(err.value)


def test_a_duplicate_programme_id_is_refused() -> None:
    raw = raw_catalog()
    raw["programs"].append(copy.deepcopy(raw["programs"][0]))
    with pytest.raises(ProgramCatalogError, match="duplicate programme id"):
        parse_catalog(raw, bank=BANK)


def test_a_catalog_round_trips_through_its_yaml_text() -> None:
    again = programs.parse_text(CATALOG.to_yaml())
    assert again == CATALOG


# --- eligibility ----------------------------------------------------------------------------------

KSICS = reference.ksic_codes()
SHARES: list[float | None] = [None, 0.0, 0.05, 0.6]
MARKETS: list[list[str]] = [[], ["US"], ["EU", "CN"]]
EMPLOYEES = [3, 25, 120, 450]


def _profiles() -> list[dict[str, Any]]:
    rng = random.Random(15)
    combos = list(itertools.product(EMPLOYEES, SHARES, MARKETS))
    return [
        {
            "ksic": rng.choice(KSICS),
            "employees": employees,
            "export_share": share,
            "markets": markets,
        }
        for employees, share, markets in combos
        for _ in range(3)
    ]


def _eligible_by_hand(
    program: programs.Program, profile: dict[str, Any], answers: dict[str, int | None], stage: str
) -> bool:
    """The eligibility rules written out again, plainly, to check the matcher against."""
    rules = program.eligible
    band = reference.size_band_for(profile["employees"])
    exports = bool(profile["markets"]) or (profile["export_share"] or 0) > 0
    known = bool(profile["markets"]) or profile["export_share"] is not None
    stages = [s.id for s in BANK.stages]
    checks = [
        program.valid_until >= TODAY,
        rules.size_bands is None or band in rules.size_bands,
        rules.ksic == "all" or profile["ksic"] in rules.ksic,
        rules.export == "any"
        or (rules.export == "exporter" and exports)
        or (rules.export == "non_exporter" and known and not exports),
        rules.stage is None
        or (
            stage in stages
            and (rules.stage.min is None or stages.index(stage) >= stages.index(rules.stage.min))
            and (rules.stage.max is None or stages.index(stage) <= stages.index(rules.stage.max))
        ),
        all(
            answers.get(i) is not None
            and (b.min is None or answers[i] >= b.min)  # type: ignore[operator]
            and (b.max is None or answers[i] <= b.max)  # type: ignore[operator]
            for i, b in rules.levels.items()
        ),
        not rules.certifications,
    ]
    return all(checks)


@pytest.mark.parametrize("level", [0, 1, 2, 3])
def test_no_profile_is_ever_suggested_a_programme_it_cannot_apply_for(level: int) -> None:
    rng = random.Random(level)
    for profile in _profiles():
        answers: dict[str, int | None] = {
            i: min(5, max(0, level + rng.choice([-1, 0, 0, 1]))) for i in BANK.item_ids()
        }
        ai03 = rng.choice([0, 1, 2, 3, 4, None])
        if ai03 is None:
            del answers["AI03"]  # unanswered: no level opens a programme by level
        else:
            answers["AI03"] = ai03
        result = score_assessment(BANK, answers)
        matches = match_programs(
            CATALOG, BANK, profile=profile, answers=answers, today=TODAY, limit=None
        )
        for match in matches:
            assert _eligible_by_hand(match.program, profile, answers, result.stage or ""), (
                match.id,
                profile,
            )
        # and every eligible programme with a real gap is there: eligibility is not too strict
        shown = {m.id for m in matches}
        for program in CATALOG.programs:
            if _eligible_by_hand(program, profile, answers, result.stage or "") and any(
                (g := programs.gap_of(ref, BANK, answers, result)) is not None
                and g.score < programs.GAP_BELOW
                for ref in program.gaps
            ):
                assert program.id in shown, (program.id, profile)


def test_an_expired_programme_is_never_suggested_and_is_flagged() -> None:
    raw = raw_catalog()
    for p in raw["programs"]:
        p["valid_until"] = dt.date(2026, 11, 30)
    raw["programs"][0]["valid_until"] = dt.date(2027, 1, 31)
    catalog = parse_catalog(raw, bank=BANK)
    profile = {"ksic": "C29", "employees": 40, "export_share": 0.2, "markets": ["US"]}
    matches = match_programs(
        catalog, BANK, profile=profile, answers=all_at(1), today=TODAY, limit=None
    )
    assert [m.id for m in matches] == [raw["programs"][0]["id"]]
    assert len(catalog.expired(TODAY)) == len(raw["programs"]) - 1


def test_an_unknown_export_share_never_opens_a_programme_for_exporters_or_for_first_exports() -> (
    None
):
    profile = {"ksic": "C24", "employees": 40, "export_share": None, "markets": []}
    ids = {
        m.id
        for m in match_programs(
            CATALOG, BANK, profile=profile, answers=all_at(1), today=TODAY, limit=None
        )
    }
    assert "short_term_export_insurance" not in ids
    assert "cbam_support" not in ids
    assert "first_export" not in ids
    assert "export_voucher" in ids


def test_smart_factory_support_follows_the_factorys_level() -> None:
    profile = {"ksic": "C29", "employees": 40, "export_share": 0.0, "markets": []}

    def shown(ai03: int) -> set[str]:
        answers = all_at(1, AI03=ai03)
        found = match_programs(
            CATALOG, BANK, profile=profile, answers=answers, today=TODAY, limit=None
        )
        return {m.id for m in found}

    assert "smart_factory_basic" in shown(1)
    assert "smart_factory_upgrade" not in shown(1)
    assert "smart_factory_upgrade" in shown(2)
    assert "smart_factory_basic" not in shown(2)


def test_a_required_certification_must_be_held() -> None:
    raw = raw_catalog()
    raw["programs"][0]["eligible"]["certifications"] = ["innobiz"]
    catalog = parse_catalog(raw, bank=BANK)
    program = catalog.programs[0]
    answers = all_at(1)
    result = score_assessment(BANK, answers)
    profile = {"ksic": "C29", "employees": 40, "export_share": 0.1, "markets": []}
    assert not is_eligible(program, facts_of(profile, answers, result), BANK, TODAY)
    held = facts_of(profile, answers, result, certifications=["innobiz"])
    assert is_eligible(program, held, BANK, TODAY)


# --- ranking and the sentence ---------------------------------------------------------------------


def test_programmes_are_ranked_by_the_companys_largest_gaps() -> None:
    profile = {"ksic": "C29", "employees": 40, "export_share": 0.2, "markets": ["US"]}
    strong = all_at(4)
    weak_finance = {**strong, "EXP15": 0, "EXP16": 0}
    top = match_programs(CATALOG, BANK, profile=profile, answers=weak_finance, today=TODAY)
    assert top[0].gap.ref in ("EXP15", "EXP16", "EXP.finance_risk")
    assert top[0].id in ("short_term_export_insurance", "fx_risk_insurance", "sme_plus_insurance")
    weak_carbon = {**strong, "EXP18": 0}
    top = match_programs(CATALOG, BANK, profile=profile, answers=weak_carbon, today=TODAY)
    assert top[0].id == "carbon_neutral_sme"
    # a company strong everywhere has no gap a programme needs to close
    assert match_programs(CATALOG, BANK, profile=profile, answers=strong, today=TODAY) == []


def test_the_top_programmes_cover_several_gaps_before_repeating_one() -> None:
    profile = {"ksic": "C29", "employees": 40, "export_share": 0.2, "markets": ["US"]}
    top = match_programs(CATALOG, BANK, profile=profile, answers=all_at(1), today=TODAY)
    areas = [m.gap.area for m in top]
    assert len(set(areas)) == len(areas)


def test_the_reason_names_the_gap_and_the_rule_in_one_sentence() -> None:
    profile = {"ksic": "C24", "employees": 40, "export_share": 0.3, "markets": ["EU"]}
    answers = {**all_at(4), "EXP18": 1}
    matches = match_programs(CATALOG, BANK, profile=profile, answers=answers, today=TODAY)
    cbam = next(m for m in matches if m.id == "cbam_support")
    en = cbam.reason.render("en")
    ko = cbam.reason.render("ko")
    assert en == (
        "Closes your gap in carbon and environmental data (level 1 of 5); open to companies in "
        + ", ".join(
            f"{c} {reference.label('ksic_divisions', c, 'en')}"
            for c in ("C20", "C23", "C24", "C25")
        )
        + ", that already export."
    )
    assert ko.startswith("탄소·환경 데이터(수준 1/5) 격차를 줄이는 프로그램으로, ")
    assert ko.endswith("수출 실적이 있는 기업이 신청할 수 있습니다.")
    assert en.count(".") == 1 and ko.count(".") == 1
    assert "EXP18" not in en and "EXP18" not in ko


def test_the_reason_words_size_and_stage_rules() -> None:
    profile = {"ksic": "C29", "employees": 120, "export_share": 0.4, "markets": ["US"]}
    answers = {**all_at(3), "EXP19": 1}
    matches = match_programs(
        CATALOG, BANK, profile=profile, answers=answers, today=TODAY, limit=None
    )
    champion = next(m for m in matches if m.id == "global_champion_1000")
    assert champion.reason.render("en").endswith(
        "open to companies with 10-299 employees, that already export, "
        "at the Promising stage or above."
    )
    assert "종업원 10-299명, 수출 실적이 있는, 유망 단계 이상 기업이" in champion.reason.render(
        "ko"
    )


def test_matches_as_json_carry_what_a_ceo_needs() -> None:
    profile = {"ksic": "C29", "employees": 40, "export_share": 0.2, "markets": ["US"]}
    matches = match_programs(CATALOG, BANK, profile=profile, answers=all_at(1), today=TODAY)
    row = matches[0].to_dict("en")
    assert set(row) >= {"id", "name", "owner", "pays_for", "amount", "season", "link", "reason"}
    assert row["as_of"] and row["valid_until"]
