"""Verified members and the rate limiter: the k-anonymity bypass of issue #13 (fake companies in a
cell with two real members) and how creating companies is throttled. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from readiness import peers, results, store
from readiness.bank import Bank
from readiness.db import read_session
from readiness.models import AuditEvent, Company, RateEvent
from readiness.profile import CompanyProfile

WAVE = 2026
CELL = {"ksic": "C29", "employees": 20}  # C29 x 10-49
ELSEWHERE = {"ksic": "C10", "employees": 500}  # C10 x 300+


def _member(
    engine: sa.Engine, bank: Bank, name: str, offset: int, *, verified: bool, **profile: object
) -> int:
    """A company with one submitted, norm-eligible full assessment (answers vary by `offset`)."""
    first = store.NewAssessment(wave=WAVE, mode="full", bank=bank)
    company, _ = store.create_company(
        engine=engine,
        profile=CompanyProfile(name=name, **profile),  # type: ignore[arg-type]
        first=first,
        verified=verified,
    )
    draft = store.open_draft(engine=engine, company_id=company.id)
    assert draft is not None and draft.id is not None
    answers = {item.id: (offset + n) % 6 for n, item in enumerate(bank.items)}
    store.submit_assessment(engine=engine, bank=bank, assessment_id=draft.id, answers=answers)
    return store.stored_id(company)


def _results_of(engine: sa.Engine, bank: Bank, company_id: int) -> results.CompanyResults:
    """What the company's results page shows, from the norms as the page reads them."""
    company = store.get_company(engine=engine, company_id=company_id)
    assert company is not None
    submitted = store.assessments_of(engine=engine, company_id=company_id)
    return results.company_results(
        engine=engine,
        bank=bank,
        company=company,
        assessment=submitted[-1],
        submitted=submitted,
        norm_frame=store.norm_frame(engine=engine, wave=WAVE),
        members=[],
        lang="ko",
    )


@pytest.fixture
def sybil(engine: sa.Engine, bank: Bank) -> dict[str, list[int]]:
    """Two real members in a cell, six more members elsewhere, nine self-registered fakes in the
    cell (all with submitted, norm-eligible assessments)."""
    real = [_member(engine, bank, f"진짜{n}", n, verified=True, **CELL) for n in range(2)]
    others = [_member(engine, bank, f"다른{n}", n, verified=True, **ELSEWHERE) for n in range(6)]
    fakes = [_member(engine, bank, f"가짜{n}", 3, verified=False, **CELL) for n in range(9)]
    return {"real": real, "others": others, "fakes": fakes}


def test_self_registered_fakes_never_count_in_a_norm(
    engine: sa.Engine, bank: Bank, sybil: dict[str, list[int]]
) -> None:
    frame = store.norm_frame(engine=engine, wave=WAVE)
    verified = set(sybil["real"] + sybil["others"])
    assert set(frame["company_id"]) == verified  # no fake is anybody's peer
    fake = _results_of(engine, bank, sybil["fakes"][0])
    assert fake.assessment.overall is not None  # a fake sees its own results at once...
    group = fake.bench.group
    # ...compared with verified members only: the cell holds two, so the group falls back to
    # everyone verified, and its n counts no fake.
    assert (group.fallback, group.n) == ("all", len(verified))
    assert fake.bench.scored[peers.OVERALL] == len(verified)
    # Subtraction recovers nothing: the figures are exactly those of the verified members alone,
    # whatever the fakes answered.
    alone = peers.benchmark(
        frame[frame["company_id"].isin(verified)],
        ksic="C29",
        size_band="10-49",
        scores={
            peers.OVERALL: fake.assessment.overall,
            **{pid: row.score for pid, row in fake.scores.items()},
        },
    )
    assert fake.bench.median == alone.median and fake.bench.p75 == alone.p75
    assert fake.bench.bins == alone.bins and fake.bench.rank == alone.rank


def test_an_unverified_company_is_compared_with_verified_peers(
    engine: sa.Engine, bank: Bank, sybil: dict[str, list[int]]
) -> None:
    real = _results_of(engine, bank, sybil["real"][0])
    assert real.bench.group.n == len(sybil["real"]) + len(sybil["others"]) - 1  # not itself
    assert not real.bench.suppressed and real.bench.median[peers.OVERALL] is not None


def test_a_company_staff_verify_counts_and_the_data_version_moves(
    engine: sa.Engine, bank: Bank, sybil: dict[str, list[int]]
) -> None:
    fake = sybil["fakes"][0]
    before = store.data_version(engine=engine)
    assert store.set_verified(engine=engine, company_id=fake, verified=True, actor="kim@kbiz.kr")
    assert fake in set(store.norm_frame(engine=engine, wave=WAVE)["company_id"])
    moved = store.data_version(engine=engine)
    assert moved > before  # every replica's cached norms are read again
    assert not store.set_verified(engine=engine, company_id=fake, verified=True, actor="x")
    assert store.data_version(engine=engine) == moved  # nothing changed, nothing audited
    assert store.set_verified(engine=engine, company_id=fake, verified=False, actor="lee@kbiz.kr")
    assert fake not in set(store.norm_frame(engine=engine, wave=WAVE)["company_id"])
    assert store.data_version(engine=engine) > moved
    with read_session(engine) as session:
        events = session.exec(
            select(AuditEvent).where(col(AuditEvent.entity_id) == str(fake)).order_by(AuditEvent.id)  # type: ignore[arg-type]
        ).all()
    assert [(e.action, e.actor) for e in events][-2:] == [
        ("company.verify", "kim@kbiz.kr"),
        ("company.unverify", "lee@kbiz.kr"),
    ]
    assert store.verify_audit(engine=engine).ok
    with pytest.raises(store.StoreError):
        store.set_verified(engine=engine, company_id=10_000, verified=True, actor="x")


def test_staff_cohorts_and_the_summary_count_verified_members_only(
    engine: sa.Engine, bank: Bank, sybil: dict[str, list[int]]
) -> None:
    from readiness import analytics
    from readiness.cohorts import Cohort

    everyone = analytics.assessment_frame(engine=engine, cohort=Cohort())
    verified = analytics.assessment_frame(engine=engine, cohort=Cohort(verified_only=True))
    assert len(everyone) == 17
    assert set(verified["company_id"]) == set(sybil["real"] + sybil["others"])
    assert store.summary(engine=engine).verified_companies == 8
    total, rows = store.member_directory(engine=engine)
    assert total == 17  # the directory lists everyone, with the state to act on
    assert sum(bool(r["verified"]) for r in rows) == 8
    waiting, rows = store.member_directory(engine=engine, unverified_only=True)
    assert waiting == 9 and {r["company_id"] for r in rows} == set(sybil["fakes"])


# --- the rate limiter ----------------------------------------------------------------------------

T0 = datetime(2026, 12, 6, 6, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _take(engine: sa.Engine, client: str, at: datetime, kind: str = "register") -> bool:
    return store.take_slot(engine=engine, kind=kind, client=client, limit=3, window=HOUR, now=at)


def test_the_limiter_refuses_the_attempt_over_the_limit_from_one_client_only(
    engine: sa.Engine,
) -> None:
    assert [_take(engine, "203.0.113.7", T0 + timedelta(minutes=m)) for m in range(4)] == [
        True,
        True,
        True,
        False,
    ]
    assert _take(engine, "198.51.100.2", T0 + timedelta(minutes=5))  # another client
    assert _take(engine, "203.0.113.7", T0 + timedelta(minutes=5), kind="request")  # another kind
    assert not _take(engine, "203.0.113.7", T0 + timedelta(minutes=59))
    # A refused attempt records nothing: once the first attempt is an hour old, a slot is free.
    assert _take(engine, "203.0.113.7", T0 + HOUR + timedelta(seconds=1))
    window = dict(kind="register", client="203.0.113.7", window=HOUR)
    assert store.attempts(engine=engine, now=T0 + HOUR + timedelta(seconds=1), **window) == 3
    store.clear_slots(engine=engine, kind="register", client="203.0.113.7")
    assert store.attempts(engine=engine, now=T0 + HOUR, **window) == 0


def test_the_limiter_keeps_digests_and_prunes_old_attempts(engine: sa.Engine) -> None:
    assert _take(engine, "203.0.113.7", T0)
    assert _take(engine, "198.51.100.2", T0 + 2 * HOUR)  # prunes the first, an hour past
    with engine.connect() as conn:
        rows = pd.read_sql(sa.select(RateEvent.kind, RateEvent.client), conn)  # type: ignore[call-overload]
    assert rows["client"].tolist() == [store.client_digest("198.51.100.2")]
    assert "203.0.113.7" not in rows.to_string()


def test_import_verifies_a_self_registered_roster_member(
    engine: sa.Engine, bank: Bank, profile: CompanyProfile
) -> None:
    from readiness.exports import csv_bytes
    from readiness.importer import apply_import, plan_import, read_table

    company, _ = store.create_company(engine=engine, profile=profile)
    assert not company.verified
    header = ["회사명", "사업자등록번호", "업종코드", "종업원수"]
    data = csv_bytes(header, [[profile.name, profile.biz_no, profile.ksic, profile.employees]])
    plan = plan_import(read_table(data, "roster.csv"), engine=engine, bank=bank)
    assert not plan.errors, plan.errors
    result = apply_import(plan, engine=engine, actor="kim@kbiz.kr")
    assert result.verified == 1
    with read_session(engine) as session:
        assert session.get(Company, company.id).verified  # type: ignore[union-attr]


def test_the_norms_command_says_how_many_verified_companies_the_norms_rest_on(
    engine: sa.Engine,
    db_url: str,
    sybil: dict[str, list[int]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    from readiness.cli import main

    assert main(["--database-url", db_url, "norms", "--wave", str(WAVE)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["norm_companies"] == report["verified_companies"] == 8
    assert report["unverified_companies"] == 9
    assert report["by_size_band"] == {"10-49": 2, "300+": 6}
    assert report["by_division"] == {"C10": 6, "C29": 2}


def test_the_norms_command_on_an_empty_database_says_so(
    engine: sa.Engine, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from readiness.cli import main

    assert main(["--database-url", db_url, "norms"]) != 0
    out, err = capsys.readouterr()
    assert out == "" and "no submitted assessments" in err


def test_upgrading_keeps_self_registered_companies_unverified(db_url: str) -> None:
    """Migration 0004: imported and synthetic members (bulk loads) become verified; a company the
    audit log shows created one at a time (/start, a workshop) stays unverified."""
    from alembic import command

    from readiness.db import alembic_config, make_engine, upgrade

    engine = make_engine(db_url)
    try:
        command.upgrade(alembic_config(engine), "0003")
        with engine.begin() as conn:
            for company_id, synthetic in ((1, False), (2, True), (3, False)):
                conn.execute(
                    sa.text(
                        "INSERT INTO company (id, name, ksic, employees, size_band, markets, roles,"
                        " products, consent_suggest, consent_named, synthetic, created_at)"
                        " VALUES (:id, :name, 'C10', 5, '1-9', '[]', '[]', '', false, false,"
                        " :synthetic, CURRENT_TIMESTAMP)"
                    ),
                    {"id": company_id, "name": f"회사{company_id}", "synthetic": synthetic},
                )
            conn.execute(
                sa.text(
                    "INSERT INTO audit_event (at, actor, action, entity, entity_id, detail,"
                    " prev_hash, hash) VALUES (CURRENT_TIMESTAMP, 'self', 'company.create',"
                    " 'company', '3', '{}', :zero, :one)"
                ),
                {"zero": "0" * 64, "one": "1" * 64},
            )
        upgrade(engine)
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT id, verified FROM company ORDER BY id")).all()
        assert [(i, bool(v)) for i, v in rows] == [(1, True), (2, True), (3, False)]
    finally:
        engine.dispose()
