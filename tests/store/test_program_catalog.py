"""The support-programme catalog staff upload (issue #15): a workbook with any problem yields no
catalog and writes nothing; a clean one is stored, audited, moves the data version and overrides
the shipped data/programs.yaml, on SQLite and PostgreSQL."""

from __future__ import annotations

import io

import sqlalchemy as sa
from openpyxl import load_workbook

from readiness import store
from readiness.bank import Bank
from readiness.models import AuditEvent, ProgramCatalogRow
from readiness.program_sheet import catalog_xlsx, read_catalog_xlsx
from readiness.programs import load_catalog


def _edited(changes: dict[tuple[int, str], object]) -> bytes:
    """The shipped catalog's workbook with cells changed: {(row, column name): value}."""
    workbook = load_workbook(io.BytesIO(catalog_xlsx(load_catalog())))
    sheet = workbook["programs"]
    header = [c.value for c in sheet[1]]
    for (row, column), value in changes.items():
        sheet.cell(row=row, column=header.index(column) + 1, value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _count(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(sa.select(sa.func.count()).select_from(ProgramCatalogRow)) or 0)


def test_a_workbook_with_one_bad_row_yields_no_catalog_and_writes_nothing(
    engine: sa.Engine, bank: Bank
) -> None:
    data = _edited({(2, "name_ko"): "새 이름", (3, "gaps"): "EXP99", (5, "valid_until"): "soon"})
    upload = read_catalog_xlsx(data, bank=bank)
    assert not upload.ok and upload.catalog is None
    assert {(p.row, p.program) for p in upload.problems} == {
        (3, load_catalog().programs[1].id),
        (5, load_catalog().programs[3].id),
    }
    assert _count(engine) == 0
    assert store.active_program_catalog(engine=engine) == load_catalog()


def test_a_clean_upload_is_stored_audited_and_overrides_the_shipped_catalog(
    engine: sa.Engine, bank: Bank
) -> None:
    before = store.data_version(engine=engine)
    upload = read_catalog_xlsx(
        _edited({(2, "name_ko"): "수출바우처 (2027)", (2, "valid_until"): "2027-12-31"}), bank=bank
    )
    assert upload.ok and upload.catalog is not None
    row_id = store.save_program_catalog(
        engine=engine, catalog=upload.catalog, actor="analyst@example.org"
    )
    active = store.active_program_catalog(engine=engine)
    assert active.programs[0].name.ko == "수출바우처 (2027)"
    assert active.programs[0].valid_until.isoformat() == "2027-12-31"
    assert active.programs[1:] == load_catalog().programs[1:]
    assert store.data_version(engine=engine) > before  # every replica's cache reads it again
    with engine.connect() as conn:
        event = conn.execute(
            sa.select(AuditEvent.action, AuditEvent.actor, AuditEvent.entity_id).where(
                AuditEvent.entity == "program_catalog"
            )
        ).one()
    assert tuple(event) == ("programs.upload", "analyst@example.org", str(row_id))
    assert store.verify_audit(engine=engine).ok
