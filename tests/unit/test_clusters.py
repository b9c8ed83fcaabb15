"""Value-chain clusters on hand-made members whose right answer is obvious.

A bean roaster (final product, C10) is weak in export readiness (38) and AI (45). Around it: a
straw maker (components, C22) and a cup maker (packaging, C22) that cover those weaknesses, a
printing platform (C18), a raw-bean importer two steps away in the chain, another roaster, a machine
maker in an unrelated division, a weak packager, and a perfect packager that gave no consent.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from readiness import clusters, reference
from readiness.bank import default_bank
from readiness.clusters import (
    ChainError,
    ClusterError,
    adjacent,
    cluster_graph,
    evaluate_cluster,
    load_chains,
    parse_chains,
    propose_clusters,
    rank_members,
    related_divisions,
    resolve_chain,
    role_fit,
)
from readiness.i18n import Message

ROASTER, CUP, STRAW, PERFECT, IMPORTER, PLATFORM, ROASTER2, MACHINE, WEAK_PACK = range(1, 10)
DISTRIBUTOR, SUGAR = 10, 11
UNNAMED_NAME = "비밀빨대"


def member(
    company_id: int,
    name: str,
    ksic: str,
    roles: list[str],
    scores: tuple[float, float, float, float],
    *,
    markets: tuple[str, ...] = (),
    suggest: bool = True,
    named: bool = True,
    size_band: str = "10-49",
    region: str | None = "41",
    products: str = "",
) -> dict[str, Any]:
    exp, srv, ai, col = scores
    return {
        "assessment_id": 100 + company_id,
        "company_id": company_id,
        "name": name,
        "ksic": ksic,
        "size_band": size_band,
        "region": region,
        "wave": 2026,
        "synthetic": False,
        "overall": sum(scores) / 4,
        "EXP": exp,
        "SRV": srv,
        "AI": ai,
        "COL": col,
        "roles": roles,
        "markets": list(markets),
        "products": products,
        "consent_suggest": suggest,
        "consent_named": named,
        "employees": 20,
    }


def cafe_frame() -> pd.DataFrame:
    rows = [
        member(
            ROASTER,
            "한빛로스터리",
            "C10",
            ["final_product"],
            (38, 70, 45, 65),
            markets=("US", "JP"),
        ),
        member(CUP, "컵앤컵", "C22", ["packaging_design"], (80, 40, 40, 40), markets=("US",)),
        member(
            STRAW,
            UNNAMED_NAME,
            "C22",
            ["components"],
            (72, 40, 65, 40),
            named=False,
            region="48",
            products=f"{UNNAMED_NAME} 친환경 종이 빨대",
        ),
        member(
            PERFECT,
            "완벽포장",
            "C17",
            ["packaging_design"],
            (100, 50, 100, 50),
            markets=("US", "JP"),
            suggest=False,
            named=False,
        ),
        member(IMPORTER, "생두상사", "C10", ["raw_material"], (90, 40, 90, 40)),
        member(PLATFORM, "인쇄플랫폼", "C18", ["platform_software"], (70, 40, 60, 40)),
        member(ROASTER2, "두번째로스터", "C10", ["final_product"], (95, 40, 95, 40)),
        member(MACHINE, "한국기계", "C29", ["components"], (95, 40, 95, 40)),
        member(WEAK_PACK, "약한포장", "C22", ["packaging_design"], (55, 40, 50, 40)),
    ]
    return pd.DataFrame(rows)


def company_matches(frame: pd.DataFrame, **kwargs: Any) -> list[clusters.Match]:
    return rank_members(frame, company_id=ROASTER, viewer="company", limit=None, **kwargs)


def staff_matches(frame: pd.DataFrame, **kwargs: Any) -> list[clusters.Match]:
    return rank_members(frame, company_id=ROASTER, viewer="staff", limit=None, **kwargs)


# --- chains --------------------------------------------------------------------------------------


def test_shipped_chains_are_valid_bilingual_and_cover_every_division() -> None:
    catalog = load_chains()
    assert len(catalog.chains) >= 8
    covered = {code for spec in catalog.chains for code in spec.divisions}
    assert covered == set(reference.ksic_codes())
    for spec in catalog.chains:
        assert spec.name.ko.strip() and spec.name.en.strip()
        assert set(spec.roles) <= set(reference.role_ids())


def test_related_divisions_follow_the_chain_table() -> None:
    assert {"C10", "C17", "C22"} <= set(related_divisions("C10"))
    assert {"C25", "C28", "C26"} <= set(related_divisions("C29"))
    assert {"C20", "C27"} <= set(related_divisions("C21"))
    assert {"C25", "C22", "C28", "C24"} <= set(related_divisions("C30"))
    assert clusters.is_related("C29", "C25")
    assert not clusters.is_related("C10", "C29")


def test_a_chain_is_a_chain_id_or_a_sector() -> None:
    food = resolve_chain("food")
    assert food.anchor is None and "C10" in food.divisions
    assert food.roles == tuple(r for r in reference.role_ids() if r in food.roles)  # chain order
    sector = resolve_chain("C10")
    assert sector.anchor == "C10" and {"C17", "C22"} <= set(sector.divisions)
    assert sector.name.ko.startswith("C10 식료품")
    with pytest.raises(ClusterError, match="unknown chain"):
        resolve_chain("coffee")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "chains.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bad_chain_file_names_file_chain_and_field(tmp_path: Path) -> None:
    raw = yaml.safe_load(clusters.DEFAULT_CHAINS.read_text(encoding="utf-8"))
    raw["chains"][0]["divisions"].append("C99")
    with pytest.raises(ChainError, match=r"chain food, field divisions: unknown value\(s\) 'C99'"):
        parse_chains(raw, source="chains.yaml")
    raw = yaml.safe_load(clusters.DEFAULT_CHAINS.read_text(encoding="utf-8"))
    raw["chains"][1]["roles"]["components"] = ["C25", "C25"]
    with pytest.raises(ChainError, match="chain machinery, field roles.components: listed twice"):
        parse_chains(raw, source="chains.yaml")
    raw = yaml.safe_load(clusters.DEFAULT_CHAINS.read_text(encoding="utf-8"))
    raw["chains"][2]["id"] = "food"
    with pytest.raises(ChainError, match="chain food, field id: duplicate chain id"):
        parse_chains(raw, source="chains.yaml")
    raw = yaml.safe_load(clusters.DEFAULT_CHAINS.read_text(encoding="utf-8"))
    del raw["chains"][0]["name"]["en"]
    with pytest.raises(ChainError, match=r"chains.yaml: chain food, field name.en"):
        parse_chains(raw, source="chains.yaml")
    twice = "version: '1'\nversion: '2'\nchains: []\n"
    with pytest.raises(ChainError, match="not valid YAML: duplicate key 'version'"):
        load_chains(_write(tmp_path, twice))
    with pytest.raises(ChainError, match="file not found"):
        load_chains(tmp_path / "nope.yaml")


# --- roles ---------------------------------------------------------------------------------------


def test_roles_are_adjacent_in_chain_order_and_platform_is_next_to_all() -> None:
    order = [r for r in reference.role_ids() if r != "platform_software"]
    assert order == [
        "raw_material",
        "components",
        "final_product",
        "packaging_design",
        "distribution_export",
        "after_sales",
    ]
    for a, b in zip(order, order[1:], strict=False):
        assert adjacent(a, b) and adjacent(b, a)
    assert not adjacent("raw_material", "final_product")
    assert not adjacent("components", "distribution_export")
    assert not adjacent("final_product", "final_product")
    assert all(adjacent("platform_software", r) for r in order)


def test_role_fit_needs_a_new_adjacent_role() -> None:
    assert role_fit(["final_product"], ["components"]) == (1.0, ("components",), ("final_product",))
    assert role_fit(["final_product"], ["final_product"])[0] == 0  # nothing new
    assert role_fit(["final_product"], ["raw_material"])[0] == 0  # two steps away
    assert role_fit(["final_product"], ["final_product", "packaging_design"])[0] == 1.0
    assert role_fit(["final_product"], ["platform_software"])[0] == 0.75
    assert role_fit(["platform_software"], ["after_sales"])[0] == 0.75
    assert role_fit([], ["components"])[0] == 0.5


# --- complementary members -----------------------------------------------------------------------


def test_complementarity_orders_the_obvious_partners() -> None:
    matches = staff_matches(cafe_frame())
    ids = [m.company_id for m in matches]
    # Perfect packager first; then the straw maker (covers both weak pillars), the cup maker (only
    # export readiness), the platform (adjacent only through platform_software).
    assert ids == [PERFECT, STRAW, CUP, PLATFORM]
    by_id = {m.company_id: m for m in matches}
    assert by_id[PERFECT].score == pytest.approx(1.0)
    # straw: cover(72) = 0.65, cover(65) = 0.5625 -> strength 0.60625, no market in common
    assert by_id[STRAW].strength == pytest.approx(0.60625)
    assert by_id[STRAW].score == pytest.approx(0.9 * 0.60625)
    # cup: cover(80) = 0.75 and AI 40 covers nothing -> 0.375; one market in common -> 0.5
    assert by_id[CUP].score == pytest.approx(0.9 * 0.375 + 0.1 * 0.5)
    assert by_id[PLATFORM].role_fit == 0.75
    assert all(0 <= m.score <= 1 for m in matches)


def test_members_that_bring_nothing_are_left_out() -> None:
    ids = {m.company_id for m in staff_matches(cafe_frame())}
    assert ROASTER not in ids  # never its own match
    assert IMPORTER not in ids  # raw material is two steps from the final product
    assert ROASTER2 not in ids  # the same role brings nothing new
    assert MACHINE not in ids  # machinery is not in a chain with food
    assert WEAK_PACK not in ids  # adjacent, but strong nowhere the roaster is weak


def said(reasons: tuple[Message, ...], lang: str) -> list[str]:
    return [reason.render(lang) for reason in reasons]


def test_reasons_name_roles_and_scores_in_both_languages() -> None:
    straw = next(m for m in company_matches(cafe_frame(), lang="ko") if not m.named)
    ko, en = said(straw.reasons, "ko"), said(straw.reasons, "en")
    assert ko[0] == (
        "부품·모듈 역할로 우리 회사의 완제품 역할을 보완하고, "
        "수출 준비도 72점으로 우리 회사의 약점(38점)을 메웁니다."
    )
    assert ko[1] == "AI·스마트공장 65점으로 약점(45점)도 메웁니다."
    assert en[0] == (
        "Brings parts and components next to your final product role, and its export "
        "readiness score of 72 covers your weak spot (38)."
    )
    assert "AI and smart factory score of 65" in en[1]
    straw_en = next(m for m in company_matches(cafe_frame(), lang="en") if not m.named)
    assert straw_en.reasons == straw.reasons  # the viewer's language does not change the message
    cup = next(m for m in company_matches(cafe_frame(), lang="ko") if m.display_name == "컵앤컵")
    cup_ko = said(cup.reasons, "ko")
    assert "포장·디자인 역할로" in cup_ko[0] and "80점" in cup_ko[0]
    assert cup_ko[-1] == "목표 시장이 같습니다: 미국."
    assert said(cup.reasons, "en")[-1] == "Shares your target markets: United States."
    with pytest.raises(ValueError, match="lang"):
        company_matches(cafe_frame(), lang="fr")


def test_a_company_sees_the_chain_and_its_region_first_each_in_one_sentence() -> None:
    """Two members equally placed in the chain: the one in the company's own region comes first,
    ahead of a stronger one elsewhere, and its first sentence says so; staff rank by fit alone."""
    frame = cafe_frame()
    frame.loc[frame["company_id"] == STRAW, ["EXP", "AI"]] = [95.0, 95.0]  # stronger, region 48
    frame.loc[frame["company_id"] == STRAW, "consent_named"] = True
    shown = company_matches(frame)
    fits = [m.role_fit for m in shown]
    assert fits == sorted(fits, reverse=True), "value-chain relevance first"
    top_fit = [m for m in shown if m.role_fit == shown[0].role_fit]
    regions = [m.region for m in top_fit]
    assert regions == sorted(regions, key=lambda r: r != "41"), "the same region (41) next"
    cup = next(m for m in shown if m.display_name == "컵앤컵")
    straw = next(m for m in shown if m.display_name == UNNAMED_NAME)
    assert shown.index(cup) < shown.index(straw) and straw.score > cup.score
    assert said(cup.reasons, "ko")[0].startswith("같은 경기도에서 포장·디자인 역할로")
    assert said(cup.reasons, "en")[0].startswith("From your own region, Gyeonggi, brings")
    assert "경상남도" not in said(straw.reasons, "ko")[0]
    staff = staff_matches(frame)
    assert [m.score for m in staff] == sorted((m.score for m in staff), reverse=True)
    assert not said(next(m for m in staff if m.display_name == "컵앤컵").reasons, "ko")[
        0
    ].startswith("같은")


def test_a_company_without_weak_pillars_is_offered_strengths() -> None:
    frame = cafe_frame()
    frame.loc[frame["company_id"] == ROASTER, ["EXP", "AI"]] = [90.0, 90.0]
    frame.loc[frame["company_id"] != ROASTER, ["SRV", "COL"]] = 30.0
    frame.loc[frame["company_id"] != ROASTER, ["EXP", "AI"]] = 80.0
    matches = staff_matches(frame, lang="en")
    assert matches and all(not c.weak for m in matches for c in m.covers)
    assert "adds strength in" in matches[0].reasons[0].render("en")
    assert max(m.score for m in matches) <= 0.5 + 1e-9  # half strength without a gap to fill


def _strings(value: Any) -> list[str]:
    """Every string inside a value: fields of dataclasses, dict keys and values, sequences."""
    if isinstance(value, str):
        return [value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [s for f in dataclasses.fields(value) for s in _strings(getattr(value, f.name))]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list | tuple | set | frozenset):
        return [s for v in value for s in _strings(v)]
    return [str(value)]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_consent_a_company_never_sees_a_member_that_did_not_consent(lang: str) -> None:
    frame = cafe_frame()
    staff = staff_matches(frame, lang=lang)
    assert staff[0].company_id == PERFECT and staff[0].display_name == "완벽포장"
    assert staff[0].consented is False
    shown = company_matches(frame, lang=lang)
    assert shown, "the consenting members are still suggested"
    for match in shown:
        assert match.company_id is None and match.consented is None and match.scores is None
        texts = _strings(match) + _strings(match.to_dict()) + said(match.reasons, lang)
        assert not any("완벽포장" in text for text in texts)
        assert not any(UNNAMED_NAME in text for text in texts)
    assert {m.display_name for m in shown} >= {"컵앤컵", "인쇄플랫폼"}


def test_consent_an_unnamed_member_is_shown_by_a_neutral_label_only() -> None:
    shown = company_matches(cafe_frame())
    straw = next(m for m in shown if m.roles == ("components",) and m.ksic == "C22")
    assert straw.named is False
    assert straw.display_name == "C22 고무 및 플라스틱제품 · 10-49명 · 경상남도"
    assert straw.products == ""  # free text may name the member
    assert straw.ksic == "C22" and straw.roles == ("components",)
    english = next(m for m in company_matches(cafe_frame(), lang="en") if not m.named)
    assert (
        english.display_name
        == "C22 Rubber and plastic products · 10-49 employees · South Gyeongsang"
    )
    staff = next(m for m in staff_matches(cafe_frame()) if m.company_id == STRAW)
    assert staff.display_name == UNNAMED_NAME and UNNAMED_NAME in staff.products


def test_named_consent_without_suggest_consent_is_not_a_consent() -> None:
    frame = cafe_frame()
    before = company_matches(frame)
    frame.loc[frame["company_id"] == PERFECT, "consent_named"] = True  # suggest stays False
    after = company_matches(frame)
    assert after == before
    assert all("완벽포장" not in text for m in after for text in _strings(m))


def test_limit_and_a_company_missing_from_the_frame() -> None:
    assert len(rank_members(cafe_frame(), company_id=ROASTER, viewer="staff", limit=2)) == 2
    assert rank_members(cafe_frame(), company_id=999, viewer="staff") == []
    with pytest.raises(ValueError, match="viewer"):
        rank_members(cafe_frame(), company_id=ROASTER, viewer="public")  # type: ignore[arg-type]


def test_weakness_is_measured_against_the_peer_median_too() -> None:
    # Twelve C10 1-9 peers at 80 in servitization: the roaster's 70 is now below its peer median,
    # so a packager strong in servitization covers it.
    peers = [
        member(200 + n, f"peer{n}", "C10", ["final_product"], (40, 80, 40, 40), size_band="1-9")
        for n in range(12)
    ]
    frame = cafe_frame()
    frame.loc[frame["company_id"] == ROASTER, "size_band"] = "1-9"
    frame = pd.concat([frame, pd.DataFrame(peers)], ignore_index=True)
    medians = clusters.peer_medians(frame, ["SRV"])
    assert medians.loc[frame["company_id"] == ROASTER, "SRV"].iloc[0] == 80
    frame.loc[frame["company_id"] == CUP, "SRV"] = 90.0
    cup = next(m for m in staff_matches(frame) if m.company_id == CUP)
    assert "SRV" in {c.pillar for c in cup.covers}


# --- cluster proposals ---------------------------------------------------------------------------


def cafe_chain_frame() -> pd.DataFrame:
    """The cafe members plus a distributor and a sugar refiner, so the food chain can be covered."""
    frame = cafe_frame()
    extra = [
        member(DISTRIBUTOR, "글로벌유통", "C10", ["distribution_export"], (85, 60, 50, 60)),
        member(SUGAR, "설탕정제", "C10", ["raw_material", "components"], (60, 60, 60, 60)),
    ]
    return pd.concat([frame, pd.DataFrame(extra)], ignore_index=True)


def test_proposals_cover_the_chains_roles_with_three_to_six_members() -> None:
    frame = cafe_chain_frame()
    proposals = propose_clusters(frame, chain="food", count=5)
    assert proposals
    chain_roles = resolve_chain("food").roles
    for proposal in proposals:
        assert 3 <= len(proposal.members) <= 6
        assert set(proposal.covered_roles) | set(proposal.missing_roles) == set(chain_roles)
        assert not set(proposal.covered_roles) & set(proposal.missing_roles)
        assert 0 <= proposal.score <= 1
        assert MACHINE not in proposal.company_ids  # C29 is not in the food chain
    best = proposals[0]
    assert best.missing_roles == ()
    assert best.coverage == 1.0
    held = {r for m in best.members for r in m.roles}
    assert held >= set(chain_roles)
    roles = dict(best.member_roles())
    assert len(set(roles.values())) == len(roles)  # each member plays a role of its own
    assert set(roles.values()) <= set(chain_roles)
    assert roles[DISTRIBUTOR] == "distribution_export"  # the only distributor
    scores = [p.score for p in proposals]
    assert scores == sorted(scores, reverse=True)
    assert len({p.company_ids for p in proposals}) == len(proposals)


def test_proposals_are_deterministic_and_explain_themselves() -> None:
    frame = cafe_chain_frame()
    first = propose_clusters(frame, chain="food")
    again = propose_clusters(frame.sample(frac=1, random_state=3), chain="food")
    assert [p.company_ids for p in first] == [p.company_ids for p in again]
    assert [p.score for p in first] == [p.score for p in again]
    best = first[0]
    assert best.summary is not None
    assert best.summary.render("ko").startswith(
        "C10 원자재·소재 1곳, C22 부품·모듈 1곳, C10 완제품 1곳, C17 포장·디자인 1곳과 "
        "C10 유통·수출 1곳이 식품·음료 가치사슬의 역할 5개 중 5개를 맡고, "
    )
    ko = said(best.reasons, "ko")
    assert any("수출 준비도" in r and "점(" in r for r in ko)
    in_english = propose_clusters(frame, chain="food", lang="en")[0]
    assert in_english.summary is not None
    assert in_english.summary.render("en").startswith(
        "Fills 5 of the 5 roles of the Food and beverages chain with 1 raw materials member (C10)"
    )
    assert said(in_english.reasons, "en") == said(best.reasons, "en")


def test_a_sector_cluster_includes_the_sector_and_size_bands_filter() -> None:
    frame = cafe_chain_frame()
    for proposal in propose_clusters(frame, chain="C22"):
        assert any(m.ksic == "C22" for m in proposal.members)
    frame.loc[frame["company_id"] == PERFECT, "size_band"] = "300+"
    proposals = propose_clusters(frame, chain="food", size_bands=["10-49"])
    assert all(m.size_band == "10-49" for p in proposals for m in p.members)
    assert propose_clusters(frame, chain="food", size_bands=["1-9"]) == []
    with pytest.raises(ValueError, match="min_size"):
        propose_clusters(frame, chain="food", min_size=1)
    with pytest.raises(ValueError, match="min_size"):
        propose_clusters(frame, chain="food", min_size=5, max_size=4)


def test_cluster_graph_links_members_in_adjacent_roles() -> None:
    proposal = propose_clusters(cafe_chain_frame(), chain="food")[0]
    nodes, edges = cluster_graph(proposal)
    assert [n["id"] for n in nodes] == list(proposal.company_ids)
    role_of = {n["id"]: n["role"] for n in nodes}
    roles_of = {m.company_id: m.roles for m in proposal.members}
    assert edges
    for edge in edges:
        assert any(
            adjacent(a, b) for a in roles_of[edge["source"]] for b in roles_of[edge["target"]]
        )
        assert 0 <= edge["weight"] <= 1
    xs = [n["x"] for n in nodes]
    assert xs == sorted(xs)  # members come in chain order
    order = reference.role_ids()
    assert all(n["x"] == order.index(role_of[n["id"]]) for n in nodes)


def test_staff_adjust_a_cluster_and_see_what_is_missing() -> None:
    frame = cafe_chain_frame()
    best = propose_clusters(frame, chain="food")[0]
    fewer = [i for i in best.company_ids if i != DISTRIBUTOR]
    adjusted = evaluate_cluster(frame, chain="food", company_ids=fewer)
    assert "distribution_export" in adjusted.missing_roles
    assert adjusted.score < best.score
    with pytest.raises(ClusterError, match="999"):
        evaluate_cluster(frame, chain="food", company_ids=[*fewer, 999])


def test_proposal_table_has_a_row_per_member_with_pillar_scores() -> None:
    proposal = propose_clusters(cafe_chain_frame(), chain="food")[0]
    header, rows = clusters.proposal_table(proposal, lang="en")
    bank = default_bank()
    assert header[:2] == ["Company", "Company ID"]
    assert all(bank.pillar(p).name.en in header for p in bank.pillar_ids)
    assert [r[1] for r in rows] == list(proposal.company_ids)
    header_ko, _ = clusters.proposal_table(proposal, lang="ko")
    assert "수출 준비도" in header_ko


def test_no_proposal_when_the_chain_has_too_few_members() -> None:
    frame = cafe_frame().head(2)
    assert propose_clusters(frame, chain="food") == []


def test_chain_choices_list_chains_then_sectors() -> None:
    choices = clusters.chain_choices("ko")
    keys = [key for key, _ in choices]
    assert keys[: len(load_chains().chains)] == load_chains().chain_ids
    assert keys[-25:] == reference.ksic_codes()
    assert ("C25", "C25 금속가공제품") in choices
    assert all(resolve_chain(key).id == key for key in keys)
