"""Five contrasting member profiles through the method: scores, stage, next steps and partners.

Usage: python bench/five_profiles.py [--lang ko|en]

Prints one Markdown table: for each profile its segment (which servitization ladder it sees),
overall score and stage, the three next steps (dimension, current level) and the top-3 market
partners and the top capability partner with their fit. The answers are designed by hand to be
typical of each kind of company; no database is read (no peer targets, so targets are 100).
"""

from __future__ import annotations

import argparse
from typing import Any

from readiness.advice import next_steps
from readiness.bank import default_bank
from readiness.partners import default_catalog, suggest
from readiness.scoring import score_assessment

BANK = default_bank()

# name, profile, pillar levels, item overrides
PROFILES: list[tuple[str, dict[str, Any], dict[str, int], dict[str, int | None]]] = [
    (
        "cosmetics OEM selling on marketplaces (C20, 40)",
        {
            "ksic": "C20",
            "employees": 40,
            "export_share": 0.35,
            "markets": ["US", "JP", "ASEAN"],
            "roles": ["final_product"],
            "products": "화장품 OEM/ODM",
        },
        {"EXP": 3, "SRV": 2, "AI": 1, "COL": 2},
        {"EXP17": 4, "EXP07": 3, "EXP02": 3, "EXP11": 2, "EXP05": 3, "AI03": 1},
    ),
    (
        "brake-parts Tier-2 supplier (C30, 60)",
        {
            "ksic": "C30",
            "employees": 60,
            "export_share": 0.0,
            "markets": [],
            "roles": ["components"],
            "products": "브레이크 부품",
        },
        {"EXP": 1, "SRV": 2, "AI": 2, "COL": 1},
        {"EXP02": 0, "EXP03": 0, "EXP04": 2, "EXP05": 0, "EXP07": 2, "AI03": 2, "EXP17": 0},
    ),
    (
        "machine builder exporting 40 % (C29, 120)",
        {
            "ksic": "C29",
            "employees": 120,
            "export_share": 0.4,
            "markets": ["CN", "VN", "US"],
            "roles": ["final_product", "after_sales"],
            "products": "포장 기계",
        },
        {"EXP": 3, "SRV": 3, "AI": 2, "COL": 2},
        {"EXP02": 4, "EXP03": 3, "EXP11": 3, "SRV06": 1, "SRV03": 2, "AI03": 3},
    ),
    (
        "domestic food maker, no exports (C10, 35)",
        {
            "ksic": "C10",
            "employees": 35,
            "export_share": 0.0,
            "markets": [],
            "roles": ["final_product"],
            "products": "김치, 반찬",
        },
        {"EXP": 0, "SRV": 2, "AI": 2, "COL": 2},
        {"EXP01": 1, "EXP07": 1, "EXP15": 1, "AI03": 2},
    ),
    (
        "electronic components, one customer (C26, 350)",
        {
            "ksic": "C26",
            "employees": 350,
            "export_share": 0.1,
            "markets": ["CN"],
            "roles": ["components"],
            "products": "PCB 모듈",
        },
        {"EXP": 2, "SRV": 2, "AI": 3, "COL": 2},
        {"EXP05": 0, "EXP04": 3, "EXP02": 2, "AI03": 3, "AI04": 3},
    ),
]


def answers_for(levels: dict[str, int], overrides: dict[str, int | None]) -> dict[str, int | None]:
    return {i.id: overrides.get(i.id, levels[i.pillar]) for i in BANK.items}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=("ko", "en"), default="en")
    lang = parser.parse_args().lang
    catalog = default_catalog()
    print(
        "| profile | segment | overall · stage | next steps (dimension, level now) "
        "| top-3 market partners (fit) | capability partner (fit) |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    for name, profile, levels, overrides in PROFILES:
        answers = answers_for(levels, overrides)
        result = score_assessment(BANK, answers)
        segment = BANK.segment_for(profile["ksic"], profile["roles"], profile["products"])
        steps = next_steps(BANK, answers)
        step_text = "; ".join(
            f"{BANK.dimension_name(s.pillar, s.dimension, lang)} ({s.pillar}, {s.level})"
            + (" ★" if s.critical else "")
            for s in steps
        )
        market = suggest(
            catalog, BANK, profile=profile, answers=answers, lang=lang, limit=3, group="market"
        )
        capability = suggest(
            catalog, BANK, profile=profile, answers=answers, lang=lang, limit=1, group="capability"
        )
        stage = BANK.stage(result.stage).name.get(lang) if result.stage else "-"
        overall = f"{result.overall:.0f}" if result.overall is not None else "-"
        print(
            f"| {name} | {segment} | {overall} · {stage} | {step_text} | "
            + "; ".join(f"{s.name} ({s.fit:.2f})" for s in market)
            + " | "
            + "; ".join(f"{s.name} ({s.fit:.2f})" for s in capability)
            + " |"
        )
    print("\n★ = a critical item below level 2 (it comes first).")


if __name__ == "__main__":
    main()
