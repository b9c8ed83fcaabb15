"""Value-chain clusters against a real database (SQLite and PostgreSQL): consent end to end, saved
clusters audited, the 0002 migration, and proposals on synthetic members."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from alembic import command
from sqlmodel import select

from readiness import clusters, store, synth
from readiness.bank import Bank
from readiness.db import alembic_config, make_engine, read_session, upgrade
from readiness.models import AuditEvent, ClusterMember
from readiness.profile import CompanyProfile

WAVE = 2026


def _company(
    engine: sa.Engine,
    bank: Bank,
    *,
    name: str,
    ksic: str,
    roles: list[str],
    levels: dict[str, int],
    suggest: bool = True,
    named: bool = True,
    markets: tuple[str, ...] = (),
    products: str = "",
) -> int:
    """A member with one submitted assessment: every item of a pillar at that pillar's level."""
    profile = CompanyProfile(
        name=name,
        ksic=ksic,
        employees=20,
        region="41",
        roles=roles,
        markets=list(markets),
        products=products,
        consent_suggest=suggest,
        consent_named=named,
    )
    company, _ = store.create_company(engine=engine, profile=profile)
    draft = store.start_assessment(
        engine=engine, company_id=company.id, wave=WAVE, mode="full", bank=bank
    )
    answers = {item.id: levels[item.pillar] for item in bank.items}
    store.submit_assessment(engine=engine, bank=bank, assessment_id=draft.id, answers=answers)
    return int(company.id)  # type: ignore[arg-type]


def _cafe(engine: sa.Engine, bank: Bank) -> dict[str, int]:
    """A roaster weak in export readiness and AI (40), and the members around it."""
    weak = {"EXP": 2, "SRV": 4, "AI": 2, "COL": 4}
    return {
        "roaster": _company(
            engine, bank, name="한빛로스터리", ksic="C10", roles=["final_product"], levels=weak
        ),
        "perfect": _company(
            engine,
            bank,
            name="완벽포장",
            ksic="C17",
            roles=["packaging_design"],
            levels={"EXP": 5, "SRV": 2, "AI": 5, "COL": 2},
            suggest=False,
            named=False,
        ),
        "straw": _company(
            engine,
            bank,
            name="비밀빨대",
            ksic="C22",
            roles=["components"],
            levels={"EXP": 4, "SRV": 2, "AI": 4, "COL": 2},
            named=False,
            products="비밀빨대 종이 빨대",
        ),
        "cup": _company(
            engine,
            bank,
            name="컵앤컵",
            ksic="C22",
            roles=["packaging_design"],
            levels={"EXP": 4, "SRV": 2, "AI": 2, "COL": 2},
        ),
        "distributor": _company(
            engine,
            bank,
            name="글로벌유통",
            ksic="C10",
            roles=["distribution_export"],
            levels={"EXP": 4, "SRV": 3, "AI": 3, "COL": 3},
        ),
    }


def _strings(match: clusters.Match) -> list[str]:
    out: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(k)
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)
        else:
            out.append(str(value))

    walk(match.to_dict())
    return out


def test_consent_a_non_consenting_member_is_never_shown_to_a_company(
    engine: sa.Engine, bank: Bank
) -> None:
    ids = _cafe(engine, bank)
    staff = clusters.complementary_members(engine=engine, company_id=ids["roaster"], viewer="staff")
    assert staff[0].company_id == ids["perfect"]  # the perfect fit, for staff
    assert staff[0].display_name == "완벽포장"
    for lang in ("ko", "en"):
        shown = clusters.complementary_members(
            engine=engine, company_id=ids["roaster"], viewer="company", lang=lang
        )
        assert len(shown) == len(staff) - 1
        for match in shown:
            texts = _strings(match)
            assert not any("완벽포장" in t or "비밀빨대" in t for t in texts), texts
            assert str(ids["perfect"]) not in texts and match.company_id is None
        names = [m.display_name for m in shown]
        assert "컵앤컵" in names
        straw = next(m for m in shown if not m.named)
        assert straw.display_name.startswith("C22 ")


def test_matches_use_the_wave_and_skip_a_company_without_a_submission(
    engine: sa.Engine, bank: Bank, profile: CompanyProfile
) -> None:
    ids = _cafe(engine, bank)
    assert (
        clusters.complementary_members(
            engine=engine, company_id=ids["roaster"], wave=WAVE - 1, viewer="staff"
        )
        == []
    )
    newcomer, _ = store.create_company(engine=engine, profile=profile)
    assert (
        clusters.complementary_members(engine=engine, company_id=newcomer.id, viewer="company")
        == []
    )


def test_saved_clusters_are_listed_and_deleted_with_an_intact_audit_chain(
    engine: sa.Engine, bank: Bank
) -> None:
    ids = _cafe(engine, bank)
    frame = clusters.member_frame(engine=engine, wave=WAVE)
    proposal = clusters.evaluate_cluster(
        frame,
        chain="food",
        company_ids=[ids["roaster"], ids["straw"], ids["cup"], ids["distributor"]],
    )
    saved = clusters.save_proposal(
        engine=engine, proposal=proposal, name=" 커피 수출  클러스터 ", created_by="staff@x.kr"
    )
    assert saved.name == "커피 수출 클러스터" and saved.chain == "food"
    listed = store.list_clusters(engine=engine)
    assert [(c["id"], c["name"], c["members"]) for c in listed] == [
        (saved.id, "커피 수출 클러스터", 4)
    ]
    assert [c["id"] for c in store.list_clusters(engine=engine, company_id=ids["cup"])] == [
        saved.id
    ]
    assert store.list_clusters(engine=engine, company_id=ids["perfect"]) == []
    members = store.cluster_members(engine=engine, cluster_id=saved.id)
    assert {m["company_id"]: m["role"] for m in members} == dict(proposal.member_roles())
    assert {m["name"] for m in members} >= {"한빛로스터리", "비밀빨대"}

    assert store.delete_cluster(engine=engine, cluster_id=saved.id, actor="staff@x.kr")
    assert store.list_clusters(engine=engine) == []
    assert store.cluster_members(engine=engine, cluster_id=saved.id) == []
    assert not store.delete_cluster(engine=engine, cluster_id=saved.id, actor="staff@x.kr")
    with read_session(engine) as session:
        actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]
        assert actions[-2:] == ["cluster.save", "cluster.delete"]
        assert store.verify_audit(engine=engine).ok


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ([], "at least one member"),
        ([("same", "components"), ("same", "final_product")], "listed twice"),
        ([("one", "dancing")], "unknown value-chain role"),
        ([(987654, "components")], "no such company: 987654"),
    ],
)
def test_a_bad_cluster_writes_nothing(
    engine: sa.Engine, bank: Bank, members: list[tuple[object, str]], message: str
) -> None:
    ids = _cafe(engine, bank)
    resolved = [(ids["cup"] if c in ("same", "one") else c, r) for c, r in members]
    with read_session(engine) as session:
        before = len(session.exec(select(AuditEvent)).all())
    with pytest.raises(store.StoreError, match=message):
        store.create_cluster(
            engine=engine, name="x", chain="food", members=resolved, created_by="staff"
        )
    with pytest.raises(store.StoreError, match="name"):
        store.create_cluster(
            engine=engine,
            name="  ",
            chain="food",
            members=[(ids["cup"], "packaging_design")],
            created_by="staff",
        )
    assert store.list_clusters(engine=engine) == []
    with read_session(engine) as session:
        assert len(session.exec(select(AuditEvent)).all()) == before


def test_deleting_a_company_removes_it_from_saved_clusters(engine: sa.Engine, bank: Bank) -> None:
    ids = _cafe(engine, bank)
    cluster = store.create_cluster(
        engine=engine,
        name="c",
        chain="C10",
        members=[(ids["roaster"], "final_product"), (ids["cup"], "packaging_design")],
        created_by="staff",
    )
    assert store.delete_company(engine=engine, company_id=ids["cup"], actor="staff")
    members = store.cluster_members(engine=engine, cluster_id=cluster.id)
    assert [m["company_id"] for m in members] == [ids["roaster"]]
    with read_session(engine) as session:
        assert len(session.exec(select(ClusterMember)).all()) == 1


def test_export_is_audited_and_neutralised(engine: sa.Engine, bank: Bank) -> None:
    ids = _cafe(engine, bank)
    frame = clusters.member_frame(engine=engine, wave=WAVE)
    proposal = clusters.evaluate_cluster(
        frame, chain="food", company_ids=[ids["roaster"], ids["cup"], ids["straw"]], lang="en"
    )
    data = clusters.export_proposal(
        engine=engine, proposal=proposal, fmt="csv", actor="staff@x.kr", lang="en"
    )
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Company,Company ID,KSIC")
    assert "비밀빨대" in text and "'=" not in text
    # The proposal's sentence travels with it, in the export's language.
    header, *rows = csv.reader(io.StringIO(text))
    assert header[-1] == "Why this proposal" and proposal.summary is not None
    assert [row[-1] for row in rows] == [proposal.summary.render("en")] * 3
    assert "of the Food and beverages chain" in rows[0][-1]
    xlsx = clusters.export_proposal(engine=engine, proposal=proposal, fmt="xlsx", actor="s")
    assert xlsx[:2] == b"PK"
    with read_session(engine) as session:
        last = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()  # type: ignore[union-attr]
        assert last is not None and last.action == "cluster.export"
        assert store.verify_audit(engine=engine).ok


def test_synthetic_members_give_proposals_for_a_common_chain(engine: sa.Engine, bank: Bank) -> None:
    synth.seed_demo(engine=engine, bank=bank, companies=300, waves=2, seed=11)
    frame = clusters.member_frame(engine=engine)
    assert set(frame["wave"]) == {WAVE}
    for chain in ("machinery", "C29"):
        proposals = clusters.propose_clusters(frame, chain=chain)
        assert proposals, chain
        for proposal in proposals:
            assert 3 <= len(proposal.members) <= 6
            # roles covered are the roles its members fill, each counted once
            assert set(proposal.covered_roles) == {m.role for m in proposal.members}
            assert all(m.synthetic for m in proposal.members)
        assert len(proposals[0].covered_roles) >= 4
        taken = [i for proposal in proposals for i in proposal.company_ids]
        assert len(taken) == len(set(taken))  # a company in one proposal of the run
        if chain == "machinery":
            assert all("final_product" in p.covered_roles for p in proposals)
        if chain == "C29":
            assert all(any(m.ksic == "C29" for m in p.members) for p in proposals)
    saved = clusters.save_proposal(
        engine=engine, proposal=proposals[0], name="demo", created_by="staff"
    )
    assert len(store.cluster_members(engine=engine, cluster_id=saved.id)) == len(
        proposals[0].members
    )
    # Calibrated members are rarely strong (few pillars at 60+): take the first member that has
    # consenting complementary members to show.
    for some in (int(c) for c in frame["company_id"]):
        shown = clusters.complementary_members(engine=engine, company_id=some, viewer="company")
        if shown:
            break
    staff = clusters.complementary_members(
        engine=engine, company_id=some, viewer="staff", limit=10_000
    )
    assert shown and len(staff) > len(shown)
    # The company sees the consenting members, the value chain first, then its own region.
    own_region = frame.loc[frame["company_id"] == some, "region"].iloc[0]
    consenting = sorted(
        (m for m in staff if m.consented),
        key=lambda m: (-round(m.role_fit, 2), m.region != own_region, -m.score, -m.strength),
    )[: len(shown)]
    assert [m.score for m in shown] == [m.score for m in consenting]
    named = dict(zip(frame["company_id"], frame["consent_named"].astype(bool), strict=True))
    for seen, full in zip(shown, consenting, strict=True):
        assert seen.named == named[full.company_id]
        if seen.named:
            assert seen.display_name == full.display_name
        else:
            assert not any(full.display_name in text for text in _strings(seen))


def test_upgrading_a_0001_database_keeps_its_data(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        cfg = alembic_config(engine)
        command.upgrade(cfg, "0001")
        assert "cluster" not in sa.inspect(engine).get_table_names()
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO company (id, name, ksic, employees, size_band, markets, roles,"
                    " products, consent_suggest, consent_named, synthetic, created_at)"
                    " VALUES (1, '옛회사', 'C10', 5, '1-9', '[]', '[\"final_product\"]', '',"
                    " false, false, false, CURRENT_TIMESTAMP)"
                )
            )
        upgrade(engine)
        inspector = sa.inspect(engine)
        assert {"cluster", "cluster_member"} <= set(inspector.get_table_names())
        assert "ix_cluster_member_company_id" in {
            i["name"] for i in inspector.get_indexes("cluster_member")
        }
        company = store.get_company(engine=engine, company_id=1)
        assert company is not None and company.name == "옛회사"
        assert company.roles == ["final_product"]
        command.downgrade(cfg, "0001")
        assert "cluster" not in sa.inspect(engine).get_table_names()
        with engine.connect() as conn:  # the models are the newest schema's: read it plainly
            name = conn.execute(sa.text("SELECT name FROM company WHERE id = 1")).scalar()
        assert name == "옛회사"
        upgrade(engine)
        assert "cluster_member" in sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_the_migrated_cluster_tables_match_the_models(engine: sa.Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)

    def mine(diff: object) -> bool:
        text = repr(diff)
        return "'cluster'" in text or "cluster_member" in text

    flat = [d for group in diffs for d in (group if isinstance(group, list) else [group])]
    assert [d for d in flat if mine(d)] == []
