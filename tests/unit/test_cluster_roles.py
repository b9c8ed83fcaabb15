"""Issue #14, clusters that make sense: a member's role comes from its profile (declared roles and
KSIC division), roles covered are counted honestly, the anchor role (the finished product) is in
every proposal, a company is in one proposal of a run, and each proposal says in one sentence who
plays what. Hand-made members for every chain of data/chains.yaml, with impostors: strong members
that declare a role their division may not play in the chain (the old builder cast them in it).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from readiness import reference
from readiness.clusters import (
    ALL_CHAINS,
    DEFAULT_CHAINS,
    Chain,
    ChainError,
    ClusterError,
    ClusterProposal,
    evaluate_cluster,
    load_chains,
    parse_chains,
    propose_clusters,
    resolve_chain,
    resolve_chains,
)
from readiness.text import DISPLAY_LIMIT
from tests.unit.test_clusters import member

CHAIN_IDS = load_chains().chain_ids
LEGIT_SCORES = [(70, 45, 60, 50), (45, 70, 50, 60), (60, 50, 70, 45), (50, 60, 45, 70)]
TOP = (100, 100, 100, 100)


def chain_frame(chain: Chain) -> tuple[pd.DataFrame, set[int]]:
    """For each role of the chain, two members of each division listed for it (declaring that
    role); then an impostor per (role, division the role does not list): the strongest of all,
    declaring the role. Returns the frame and the impostors' ids."""
    rows, impostors = [], set()
    cid = 1
    for role in chain.roles:
        for division in chain.divisions_for(role):
            for copy in range(2):
                scores = LEGIT_SCORES[(cid + copy) % len(LEGIT_SCORES)]
                rows.append(member(cid, f"{division} {role} {copy}", division, [role], scores))
                cid += 1
    for role in chain.roles:
        for division in chain.divisions:
            if division not in chain.divisions_for(role):
                rows.append(member(cid, f"impostor {division} {role}", division, [role], TOP))
                impostors.add(cid)
                cid += 1
    return pd.DataFrame(rows), impostors


def sentence(proposal: ClusterProposal, lang: str) -> str:
    assert proposal.summary is not None
    return proposal.summary.render(lang)


def roles_fit_profiles(proposal: ClusterProposal, chain: Chain) -> None:
    for m in proposal.members:
        assert m.ksic in chain.divisions_for(m.role), (m.name, m.role)
        assert m.role in m.roles, (m.name, m.role)  # it declared roles: the role is one of them


def counted_honestly(proposal: ClusterProposal) -> None:
    assert set(proposal.covered_roles) == {m.role for m in proposal.members}
    assert len(proposal.covered_roles) <= len(proposal.members)
    assert not set(proposal.covered_roles) & set(proposal.missing_roles)


@pytest.mark.parametrize("chain_id", CHAIN_IDS)
def test_every_chain_casts_members_by_division_and_declared_role(chain_id: str) -> None:
    chain = resolve_chain(chain_id)
    frame, impostors = chain_frame(chain)
    proposals = propose_clusters(frame, chain=chain_id, allow_repeat=True)
    assert proposals, chain_id
    anchor = chain.anchor_role
    assert anchor is not None
    for proposal in proposals:
        roles_fit_profiles(proposal, chain)
        counted_honestly(proposal)
        assert anchor in proposal.covered_roles
        assert not set(proposal.company_ids) & impostors
        ko, en = sentence(proposal, "ko"), sentence(proposal, "en")
        assert chain.name.ko in ko and chain.name.en in en
        for role in {m.role for m in proposal.members}:
            assert reference.label("value_chain_roles", role, "ko") in ko
            assert reference.label("value_chain_roles", role, "en").lower() in en.lower()
        assert f"역할 {len(chain.roles)}개 중 {len(proposal.covered_roles)}개" in ko
        assert f"{len(proposal.covered_roles)} of the {len(chain.roles)} roles" in en


def machinery_frame() -> pd.DataFrame:
    """The analyst's findings: a strong C29 maker that declared raw materials and parts, a strong
    switchboard maker (C28) that declared final product, a strong PCB maker (C26) that declared
    after-sales service; and the members who do fit."""
    return pd.DataFrame(
        [
            member(1, "대한기계(원자재라 적음)", "C29", ["raw_material", "components"], TOP),
            member(2, "한빛배전반", "C28", ["final_product", "components"], TOP),
            member(3, "세진PCB", "C26", ["components", "after_sales"], TOP),
            member(4, "포스철강", "C24", ["raw_material"], (60, 45, 50, 55)),
            member(5, "정밀가공", "C25", ["components"], (50, 60, 45, 55)),
            member(6, "동양기계", "C29", ["final_product"], (55, 50, 60, 45)),
            member(7, "기계정비", "C34", ["after_sales"], (45, 65, 50, 60)),
            member(8, "스마트솔루션", "C26", ["platform_software"], (50, 45, 65, 55)),
            member(
                9, "기계수출", "C29", ["final_product", "distribution_export"], (65, 50, 45, 60)
            ),
        ]
    )


def cast(proposals: list[ClusterProposal]) -> dict[int, set[str]]:
    roles: dict[int, set[str]] = {}
    for proposal in proposals:
        for cid, role in proposal.member_roles():
            roles.setdefault(cid, set()).add(role)
    return roles


def test_in_machinery_a_c29_maker_is_never_raw_material_nor_c28_the_final_product() -> None:
    frame = machinery_frame()
    proposals = propose_clusters(frame, chain="machinery", allow_repeat=True)
    assert proposals
    roles = cast(proposals)
    assert 1 not in roles  # C29 may play neither raw materials nor parts in machinery
    assert roles.get(2, {"components"}) == {"components"}  # the switchboard maker supplies parts
    for proposal in proposals:
        final = [m for m in proposal.members if m.role == "final_product"]
        assert final and all(m.ksic == "C29" for m in final)
        assert all(m.ksic == "C24" for m in proposal.members if m.role == "raw_material")


def test_a_pcb_maker_is_a_component_supplier_never_after_sales_in_any_chain() -> None:
    frame = machinery_frame()
    for proposal in propose_clusters(
        frame, chain=resolve_chains(ALL_CHAINS), allow_repeat=True, min_size=2
    ):
        for m in proposal.members:
            if m.ksic == "C26":
                assert m.role != "after_sales"
    for chain_id in CHAIN_IDS:
        assert "C26" not in resolve_chain(chain_id).divisions_for("after_sales")
    assert resolve_chain("machinery").playable("C26", ["components", "after_sales"]) == (
        "components",
    )


def vehicles_frame() -> pd.DataFrame:
    """A strong shipbuilder (C31) and a strong electrical maker (C28) that both declared final
    product, one modest C30 carmaker, parts makers (some C30), raw materials."""
    return pd.DataFrame(
        [
            member(1, "대양조선", "C31", ["final_product"], TOP),
            member(2, "한국전기", "C28", ["final_product", "components"], TOP),
            member(3, "미래자동차", "C30", ["final_product"], (55, 45, 50, 60)),
            member(4, "오토파츠", "C30", ["components"], (60, 50, 55, 45)),
            member(5, "금속부품", "C25", ["components"], (45, 60, 50, 55)),
            member(6, "고려철강", "C24", ["raw_material"], (50, 55, 60, 45)),
            member(7, "고무소재", "C22", ["raw_material"], (65, 45, 45, 50)),
            member(8, "차량수출", "C30", ["components", "distribution_export"], (50, 50, 65, 55)),
        ]
    )


def test_the_automotive_proposal_holds_a_c30_company_as_its_final_product() -> None:
    frame = vehicles_frame()
    proposals = propose_clusters(frame, chain="vehicles", allow_repeat=True)
    assert proposals
    for proposal in proposals:
        final = [m for m in proposal.members if m.role == "final_product"]
        assert [m.company_id for m in final] == [3]  # the only C30 carmaker, however modest
        assert 1 not in proposal.company_ids  # the shipbuilder makes no car
    without_carmaker = frame[frame["company_id"] != 3]
    assert propose_clusters(without_carmaker, chain="vehicles", allow_repeat=True) == []


def test_three_members_never_cover_five_roles() -> None:
    """Three food makers that each declared several roles: together they declare all five."""
    frame = pd.DataFrame(
        [
            member(1, "종합식품", "C10", ["raw_material", "final_product"], (70, 50, 60, 40)),
            member(2, "포장식품", "C22", ["components", "packaging_design"], (50, 70, 40, 60)),
            member(
                3, "수출식품", "C10", ["final_product", "distribution_export"], (60, 40, 70, 50)
            ),
        ]
    )
    (proposal,) = propose_clusters(frame, chain="food")
    assert len(proposal.members) == 3
    assert len(proposal.covered_roles) == 3
    assert proposal.coverage == pytest.approx(3 / 5)
    assert len(proposal.missing_roles) == 2
    counted_honestly(proposal)
    ko = sentence(proposal, "ko")
    assert "식품·음료 가치사슬의 역할 5개 중 3개를 맡고" in ko
    assert "Fills 3 of the 5 roles of the Food and beverages chain" in sentence(proposal, "en")


def star_frame() -> pd.DataFrame:
    """Plastic parts (C22) fit five chains: a star parts maker among modest members of food and
    consumer goods, enough for two proposals in each."""
    rows = [member(1, "스타플라스틱", "C22", ["components"], TOP)]
    cid = 2
    for ksic, role, n in (
        ("C10", "raw_material", 2),
        ("C22", "components", 2),
        ("C10", "final_product", 3),
        ("C17", "packaging_design", 2),
        ("C33", "final_product", 3),
        ("C25", "components", 2),
        ("C18", "packaging_design", 2),
    ):
        for _ in range(n):
            scores = LEGIT_SCORES[cid % len(LEGIT_SCORES)]
            rows.append(member(cid, f"{ksic} {role} {cid}", ksic, [role], scores))
            cid += 1
    return pd.DataFrame(rows)


def test_a_company_is_in_one_proposal_of_a_run_unless_staff_allow_it() -> None:
    frame = star_frame()
    for chain in ("food", resolve_chains(ALL_CHAINS)):
        proposals = propose_clusters(frame, chain=chain)
        assert len(proposals) >= 2
        taken = [cid for proposal in proposals for cid in proposal.company_ids]
        assert len(taken) == len(set(taken)), chain
    run = propose_clusters(frame, chain=resolve_chains(ALL_CHAINS))
    assert {p.chain for p in run} >= {"food", "consumer_goods"}
    assert sum(1 in p.company_ids for p in run) == 1  # the star tops one chain only
    allowed = propose_clusters(frame, chain=resolve_chains(ALL_CHAINS), allow_repeat=True)
    assert sum(1 in p.company_ids for p in allowed) >= 2
    assert propose_clusters(frame, chain="food") == propose_clusters(frame, chain="food")


def test_the_region_filter_limits_the_members_considered() -> None:
    frame = star_frame()
    frame["region"] = ["11" if cid % 2 else "41" for cid in frame["company_id"]]
    seoul = propose_clusters(frame, chain="food", regions=["11"], allow_repeat=True, min_size=2)
    assert seoul and all(m.region == "11" for p in seoul for m in p.members)
    assert propose_clusters(frame, chain="food", regions=["50"]) == []


def test_the_sentence_names_who_plays_which_role_and_who_backs_up_whom() -> None:
    proposal = propose_clusters(vehicles_frame(), chain="vehicles")[0]
    ko = sentence(proposal, "ko")
    assert "C30 완제품 1곳" in ko and "자동차·운송장비 가치사슬의 역할 5개 중" in ko
    assert "역량이 가장 약한 회원(" in ko and "가장 강한 회원(" in ko and ko.endswith("보완합니다.")
    en = sentence(proposal, "en")
    assert "1 final product member (C30)" in en
    assert "of the Vehicles and transport equipment chain" in en and "backs up the weakest" in en
    assert proposal.summary is not None
    assert proposal.summary.to_dict()["key"] == "proposal_summary.text"


def test_staff_cannot_add_a_member_that_plays_no_role_of_the_chain() -> None:
    frame = machinery_frame()
    with pytest.raises(ClusterError, match="may play no role of chain machinery"):
        evaluate_cluster(frame, chain="machinery", company_ids=[1, 4, 6])
    adjusted = evaluate_cluster(frame, chain="machinery", company_ids=[2, 4, 5])
    assert "final_product" in adjusted.missing_roles  # no anchor: said, not hidden
    assert {m.company_id: m.role for m in adjusted.members}[2] == "components"
    counted_honestly(adjusted)


def _raw() -> dict:
    return yaml.safe_load(DEFAULT_CHAINS.read_text(encoding="utf-8"))


def test_the_chain_file_says_who_may_play_each_role_and_is_checked(tmp_path: Path) -> None:
    raw = _raw()
    raw["chains"][1]["roles"]["final_product"].append("C30")
    with pytest.raises(ChainError, match=r"chain machinery, field roles.final_product: not among"):
        parse_chains(raw, source="chains.yaml")
    raw = _raw()
    raw["chains"][2]["anchor_role"] = "packaging_design"
    with pytest.raises(ChainError, match="chain vehicles, field anchor_role"):
        parse_chains(raw, source="chains.yaml")
    raw = _raw()
    raw["chains"][0]["roles"]["chef"] = ["C10"]
    with pytest.raises(ChainError, match=r"chain food, field roles: unknown value\(s\) 'chef'"):
        parse_chains(raw, source="chains.yaml")
    raw = _raw()
    raw["chains"][0]["roles"]["components"] = []
    with pytest.raises(ChainError, match="chain food, field roles.components"):
        parse_chains(raw, source="chains.yaml")
    raw = _raw()
    del raw["chains"][0]["anchor_role"]
    with pytest.raises(ChainError, match="chain food, field anchor_role"):
        parse_chains(raw, source="chains.yaml")


def test_the_shipped_chains_cast_the_divisions_the_issue_names() -> None:
    vehicles, machinery = resolve_chain("vehicles"), resolve_chain("machinery")
    assert vehicles.divisions_for("final_product") == ("C30",)
    assert machinery.divisions_for("final_product") == ("C29",)
    assert "C28" in machinery.divisions_for("components")
    assert "C26" in machinery.divisions_for("components")
    assert "C29" not in machinery.divisions_for("raw_material")
    for chain_id in CHAIN_IDS:
        chain = resolve_chain(chain_id)
        assert chain.anchor_role == "final_product"
        assert all(set(chain.divisions_for(r)) <= set(chain.divisions) for r in chain.roles)
    sector = resolve_chain("C28")  # a sector chain: what any chain lists for its roles
    assert "C28" in sector.divisions_for("final_product")  # electronics: appliances
    assert sector.anchor == "C28" and sector.anchor_role == "final_product"


def test_a_sector_cluster_holds_the_sector_and_a_final_product() -> None:
    """Around metal parts (C25): the one C25 member, and a maker of a finished product that a
    chain of C25 lists (the electrical maker may: electronics; the shipbuilder may not)."""
    proposals = propose_clusters(vehicles_frame(), chain="C25", allow_repeat=True)
    assert proposals
    for proposal in proposals:
        assert 5 in proposal.company_ids
        final = [m for m in proposal.members if m.role == "final_product"]
        assert final and 1 not in {m.company_id for m in final}
        counted_honestly(proposal)


def test_a_leader_named_at_length_is_clipped_in_the_reasons() -> None:
    """A 10,000-character name (an import sets it) reads in a reason as in a heading: one line of
    at most DISPLAY_LIMIT characters; the proposal keeps the stored name."""
    frame = vehicles_frame()
    long_name = "가" * 10_000
    frame.loc[frame["company_id"] == 2, "name"] = long_name  # the electrical maker leads all
    proposal = propose_clusters(frame, chain="vehicles")[0]
    assert any(m.name == long_name for m in proposal.members)
    reasons = " ".join(r.render("ko") for r in proposal.reasons)
    assert "가" * 10 in reasons  # it is named
    assert "가" * DISPLAY_LIMIT not in reasons and "가" * (DISPLAY_LIMIT - 1) + "…" in reasons
