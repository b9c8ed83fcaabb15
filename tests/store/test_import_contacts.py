"""Members' contacts (대표자, 연락처, e-mail) from the roster: imported, kept for staff only."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from alembic import command
from sqlmodel import select

from readiness import store
from readiness.bank import Bank
from readiness.db import alembic_config, make_engine, read_session
from readiness.exports import csv_bytes, export_members
from readiness.importer import ImportPlan, apply_import, plan_import, read_table
from readiness.models import AuditEvent

HEADER = ["회사명", "사업자등록번호", "업종코드", "종업원수", "대표자", "연락처", "이메일"]
HANBIT = ["한빛정밀", "124-81-00998", "C29", "45", "김한빛", "031-123-4567", "ceo@hanbit.example"]


def plan(engine: sa.Engine, bank: Bank, header: list[str], *rows: list[str]) -> ImportPlan:
    table = read_table(csv_bytes(header, list(rows)), "roster.csv")
    return plan_import(table, engine=engine, bank=bank)


def imported(engine: sa.Engine, bank: Bank, header: list[str], *rows: list[str]) -> int:
    result = plan(engine, bank, header, *rows)
    assert result.errors == [], [p.describe() for p in result.errors]
    apply_import(result, engine=engine, actor="staff:kim")
    _, [company] = store.member_directory(engine=engine)
    return int(company["company_id"])


def stored_contact(engine: sa.Engine, company_id: int) -> tuple[str | None, ...] | None:
    contact = store.contact_of(engine=engine, company_id=company_id)
    return None if contact is None else (contact.representative, contact.phone, contact.email)


def test_contacts_are_imported_into_the_staff_only_table(engine: sa.Engine, bank: Bank) -> None:
    company_id = imported(engine, bank, HEADER, HANBIT)
    assert stored_contact(engine, company_id) == tuple(HANBIT[4:])
    company = store.get_company(engine=engine, company_id=company_id)
    assert company is not None and "김한빛" not in company.model_dump_json()


@pytest.mark.parametrize(
    "header",
    [
        ["name", "biz_no", "ksic", "employees", "Representative", "Phone", "E-mail"],
        ["기업명", "사업자번호", "업종", "직원수", "대표자명", "전화번호", "이메일 주소"],
        ["company", "brn", "industry", "headcount", "CEO", "Tel", "Email"],
    ],
)
def test_contact_headers_are_recognised_in_korean_and_english(
    engine: sa.Engine, bank: Bank, header: list[str]
) -> None:
    result = plan(engine, bank, header, HANBIT)
    assert result.problems == []
    assert result.parsed.members[("biz_no", "1248100998")].contact == {
        "representative": "김한빛",
        "phone": "031-123-4567",
        "email": "ceo@hanbit.example",
    }


def test_a_later_file_updates_a_contact_and_a_blank_cell_keeps_it(
    engine: sa.Engine, bank: Bank
) -> None:
    company_id = imported(engine, bank, HEADER, HANBIT)
    again = [*HANBIT[:4], "", "", "new@hanbit.example"]
    result = plan(engine, bank, HEADER, again)
    [member] = result.members
    assert member.action == "update"
    assert member.changes == {"email": ("ceo@hanbit.example", "new@hanbit.example")}
    apply_import(result, engine=engine, actor="staff:kim")
    assert stored_contact(engine, company_id) == ("김한빛", "031-123-4567", "new@hanbit.example")
    [same] = plan(engine, bank, HEADER, again).members
    assert same.action == "unchanged"


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("연락처", "123", "8 to 15 digits"),
        ("연락처", "031-CALL-NOW", "8 to 15 digits"),
        ("이메일", "ceo@hanbit", "not an e-mail address"),
        ("이메일", "ceo hanbit.example", "not an e-mail address"),
        ("대표자", "김" * 61, "at most 60 characters"),
    ],
)
def test_a_bad_contact_is_an_error_at_its_cell_and_nothing_is_written(
    engine: sa.Engine, bank: Bank, column: str, value: str, message: str
) -> None:
    row = list(HANBIT)
    row[HEADER.index(column)] = value
    result = plan(engine, bank, HEADER, row)
    [problem] = result.errors
    assert (problem.row, problem.column) == (2, column)
    assert message in problem.message.render("en")


def test_contacts_stay_out_of_the_member_export_and_the_audit_log(
    engine: sa.Engine, bank: Bank
) -> None:
    imported(engine, bank, HEADER, HANBIT)
    exported = export_members(engine=engine, fmt="csv", actor="staff:kim").decode("utf-8-sig")
    assert "한빛정밀" in exported
    assert not any(text in exported for text in HANBIT[4:])
    with read_session(engine) as session:
        details = [
            json.dumps(e.detail, ensure_ascii=False) for e in session.exec(select(AuditEvent))
        ]
    assert not any(text in d for d in details for text in HANBIT[4:])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_staff_export_that_asks_for_contacts_has_them_and_imports_them_back(
    engine: sa.Engine, bank: Bank, fmt: str
) -> None:
    formula = '=HYPERLINK("http://evil.example","x")'
    company_id = imported(engine, bank, HEADER, [*HANBIT[:4], formula, *HANBIT[5:]])
    data = export_members(engine=engine, fmt=fmt, actor="staff:kim", with_contacts=True)
    if fmt == "csv":
        text = data.decode("utf-8-sig")
        assert "'" + formula.replace('"', '""') in text and HANBIT[5] in text  # neutralised
    with read_session(engine) as session:
        event = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()  # type: ignore[union-attr]
    assert event is not None and json.loads(event.detail)["contacts"] is True
    store.delete_company(engine=engine, company_id=company_id, actor="staff:kim")
    again = plan_import(read_table(data, f"members.{fmt}"), engine=engine, bank=bank)
    assert again.errors == [], [p.describe() for p in again.errors]
    apply_import(again, engine=engine, actor="staff:kim")
    _, [company] = store.member_directory(engine=engine)
    assert stored_contact(engine, company["company_id"]) == (formula, *HANBIT[5:])


def test_deleting_a_member_deletes_its_contact(engine: sa.Engine, bank: Bank) -> None:
    company_id = imported(engine, bank, HEADER, HANBIT)
    assert store.delete_company(engine=engine, company_id=company_id, actor="staff:kim")
    assert store.contact_of(engine=engine, company_id=company_id) is None
    assert store.contacts_of(engine=engine, company_ids=[company_id]) == {}


def test_migration_0009_adds_the_contact_table_and_takes_it_away_again(
    db_url: str, bank: Bank
) -> None:
    engine = make_engine(db_url)
    try:
        config = alembic_config(engine)
        command.upgrade(config, "0008")
        assert "company_contact" not in sa.inspect(engine).get_table_names()
        command.upgrade(config, "head")
        columns = {c["name"] for c in sa.inspect(engine).get_columns("company_contact")}
        assert columns == {"company_id", "representative", "phone", "email", "updated_at"}
        company_id = imported(engine, bank, HEADER, HANBIT)
        command.downgrade(config, "0008")
        assert "company_contact" not in sa.inspect(engine).get_table_names()
        with engine.connect() as conn:
            query = sa.text("SELECT name FROM company WHERE id = :id")
            assert conn.execute(query, {"id": company_id}).scalar() == "한빛정밀"
        command.upgrade(config, "head")
        assert store.contact_of(engine=engine, company_id=company_id) is None
    finally:
        engine.dispose()
