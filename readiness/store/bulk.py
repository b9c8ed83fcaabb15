"""Bulk loads (synthetic members, imports): many rows of several tables in one transaction.

A load is all or nothing, audited once, and serialised with other loads (SQLite: BEGIN IMMEDIATE;
PostgreSQL: an advisory lock taken first), so ids read inside it are still free when written.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import REGCLASS
from sqlmodel import Session, SQLModel

from readiness.db import write_session
from readiness.models import Answer, Assessment, AuditEvent, Company, CompanyContact
from readiness.store.audit import append_event
from readiness.store.rows import table_of

RowBatch = Mapping[type[SQLModel], Sequence[dict[str, Any]]]
RowSource = RowBatch | Iterable[RowBatch] | Callable[[dict[str, int]], Iterable[RowBatch]]
BULK_LOCK_KEY = 724202  # pg_advisory_xact_lock key that serialises bulk loads on PostgreSQL
QUERY_CHUNK = 5_000  # ids or names per IN list
INSERT_CHUNK = 20_000


def _chunks(values: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


ID_TABLES: tuple[type[SQLModel], ...] = (Company, Assessment)  # a loader reads their next ids


def _next_id(conn: sa.Connection, table: sa.Table, *, take: bool = True) -> int:
    """The next id of `table` that was never handed out, deleted rows' ids included.

    SQLite: past both sqlite_sequence (AUTOINCREMENT) and max(id). PostgreSQL: the serial
    sequence's next value, taken with the table locked against other inserts
    (SHARE ROW EXCLUSIVE, until the load commits) so no one else takes the ids after it;
    `_advance_sequences` moves the sequence past the ids the load wrote. With take=False, a
    preview: nothing locked or taken.
    """
    if take and conn.dialect.name == "postgresql":
        quoted = conn.dialect.identifier_preparer.format_table(table)
        conn.exec_driver_sql(f"LOCK TABLE {quoted} IN SHARE ROW EXCLUSIVE MODE")
    top = conn.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0
    if conn.dialect.name == "sqlite":
        counter = conn.exec_driver_sql(
            "SELECT seq FROM sqlite_sequence WHERE name = ?", (table.name,)
        ).scalar()
        return max(int(top), int(counter or 0)) + 1
    if conn.dialect.name != "postgresql":
        return int(top) + 1
    sequence = sa.func.pg_get_serial_sequence(table.fullname, "id")
    if not take:
        last = sa.func.pg_sequence_last_value(sa.cast(sequence, REGCLASS))
        return max(int(top), int(conn.execute(sa.select(last)).scalar() or 0)) + 1
    return max(int(top) + 1, int(conn.execute(sa.select(sa.func.nextval(sequence))).scalar_one()))


def _next_ids(conn: sa.Connection, *, take: bool = True) -> dict[str, int]:
    return {t.name: _next_id(conn, t, take=take) for t in map(table_of, ID_TABLES)}


def next_ids(*, engine: sa.Engine) -> dict[str, int]:
    """The next free primary key of company and assessment, for loaders that assign ids.

    Read outside any write transaction, so a concurrent writer may take them first; a loader that
    must not clash reads them inside its load (`BulkLoad.next_ids`, or a callable passed to
    `bulk_insert`).
    """
    with engine.connect() as conn:
        return _next_ids(conn, take=False)


def _row_writer(conn: sa.Connection, table: sa.Table) -> Callable[[Sequence[dict[str, Any]]], None]:
    """A function that inserts a chunk of row dicts into `table` by the fastest path available.

    SQLite: the driver's executemany on tuples; PostgreSQL (psycopg): COPY. Values pass through
    each column type's bind processor first, exactly as SQLAlchemy would. Other dialects: Core.
    """
    dialect = conn.dialect
    columns = list(table.columns)
    names = [c.name for c in columns]
    driver = conn.connection.driver_connection
    if dialect.name not in ("sqlite", "postgresql") or dialect.driver not in (
        "pysqlite",
        "psycopg",
    ):

        def write_core(part: Sequence[dict[str, Any]]) -> None:
            conn.execute(table.insert(), list(part))

        return write_core
    assert driver is not None  # a connection in use always holds its driver's connection
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    pick = operator.itemgetter(*names)

    def as_tuples(part: Sequence[dict[str, Any]]) -> Iterable[tuple[Any, ...]]:
        if len(names) == 1:
            return [(row[names[0]],) for row in part]
        tuples = [pick(row) for row in part]
        if not any(processors):
            return tuples
        columns = [
            values if f is None else list(map(f, values))
            for f, values in zip(processors, zip(*tuples, strict=True), strict=True)
        ]
        return zip(*columns, strict=True)

    if dialect.name == "sqlite":
        sql = str(table.insert().compile(dialect=dialect))

        def write_sqlite(part: Sequence[dict[str, Any]]) -> None:
            cursor = driver.cursor()
            try:
                cursor.executemany(sql, as_tuples(part))
            finally:
                cursor.close()

        return write_sqlite
    quote = dialect.identifier_preparer
    copy_sql = (
        f"COPY {quote.format_table(table)} ({', '.join(quote.quote(n) for n in names)}) FROM STDIN"
    )

    def write_copy(part: Sequence[dict[str, Any]]) -> None:
        with driver.cursor() as cursor, cursor.copy(copy_sql) as copy:
            for values in as_tuples(part):
                copy.write_row(values)

    return write_copy


def _advance_sequences(conn: sa.Connection, tables: Iterable[sa.Table]) -> None:
    """On PostgreSQL, move serial sequences past ids that were inserted explicitly; never back
    (a deleted row's id stays taken). SQLite's AUTOINCREMENT counter moves by itself."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        column = table.autoincrement_column
        if column is None:
            continue
        sequence = sa.func.pg_get_serial_sequence(table.fullname, column.name)
        last = sa.func.coalesce(sa.func.pg_sequence_last_value(sa.cast(sequence, REGCLASS)), 0)
        conn.execute(
            sa.select(
                sa.func.setval(
                    sequence,
                    sa.func.greatest(sa.select(sa.func.max(column)).scalar_subquery(), last),
                )
            )
        )


class LoadReads:
    """What a loader matches its rows against, read on one connection: a plain read for a preview,
    or the load's own transaction."""

    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn

    def companies(self, *, biz_nos: Sequence[str] = (), names: Sequence[str] = ()) -> list[Any]:
        """Every company row whose business number is in `biz_nos` or whose name is in `names`."""
        c = table_of(Company)
        found: list[Any] = []
        for column, values in ((c.c.biz_no, biz_nos), (c.c.name, names)):
            for chunk in _chunks(list(values), QUERY_CHUNK):
                found += self._conn.execute(sa.select(c).where(column.in_(chunk))).all()
        return found

    def submitted(self, *, company_ids: Sequence[int]) -> list[Any]:
        """(id, company_id, wave, mode) of the companies' submitted assessments."""
        a = table_of(Assessment)
        found: list[Any] = []
        for chunk in _chunks(list(company_ids), QUERY_CHUNK):
            query = sa.select(a.c.id, a.c.company_id, a.c.wave, a.c.mode).where(
                a.c.company_id.in_(chunk), a.c.status == "submitted"
            )
            found += self._conn.execute(query).all()
        return found

    def answers(self, *, assessment_ids: Sequence[int]) -> dict[int, dict[str, int | None]]:
        """The answers of the assessments, by assessment id."""
        ans = table_of(Answer)
        found: dict[int, dict[str, int | None]] = {}
        for chunk in _chunks(list(assessment_ids), QUERY_CHUNK):
            query = sa.select(ans.c.assessment_id, ans.c.item_id, ans.c.level).where(
                ans.c.assessment_id.in_(chunk)
            )
            for aid, item_id, level in self._conn.execute(query):
                found.setdefault(int(aid), {})[item_id] = level
        return found

    def contacts(self, *, company_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The stored contacts of the companies (representative, phone, email), by company id."""
        cc = table_of(CompanyContact)
        found: dict[int, dict[str, Any]] = {}
        for chunk in _chunks(list(company_ids), QUERY_CHUNK):
            query = sa.select(cc).where(cc.c.company_id.in_(chunk))
            for row in self._conn.execute(query).mappings():
                found[int(row["company_id"])] = dict(row)
        return found


@contextmanager
def load_reads(*, engine: sa.Engine) -> Iterator[LoadReads]:
    """LoadReads on a plain read connection (for a preview that writes nothing)."""
    with engine.connect() as conn:
        yield LoadReads(conn)


class BulkLoad(LoadReads):
    """One load's write transaction: reads, next ids, fast inserts, updates by id, one audit."""

    def __init__(self, session: Session) -> None:
        super().__init__(session.connection())
        self._session = session
        self._writers: dict[sa.Table, Callable[[Sequence[dict[str, Any]]], None]] = {}
        self.counts: dict[str, int] = {}

    def next_ids(self) -> dict[str, int]:
        """The next free company and assessment ids, read inside this load."""
        return _next_ids(self._conn)

    def insert(self, batch: RowBatch, *, chunk: int = INSERT_CHUNK) -> None:
        """Write a batch, tables in the order given (parents first); rows are plain dicts with
        every column set, ids included. Adds to `counts` (rows per table name)."""
        for model, table_rows in batch.items():
            table = table_of(model)
            self.counts[table.name] = self.counts.get(table.name, 0) + len(table_rows)
            if table not in self._writers:
                self._writers[table] = _row_writer(self._conn, table)
            for part in _chunks(table_rows, chunk):
                self._writers[table](part)

    def update(self, model: type[SQLModel], rows: Sequence[dict[str, Any]]) -> None:
        """Set the given columns of rows by id ({"id": ..., column: value}), one executemany per
        set of columns."""
        table = table_of(model)
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for row in rows:
            columns = tuple(sorted(k for k in row if k != "id"))
            groups.setdefault(columns, []).append({f"b_{k}": v for k, v in row.items()})
        for columns, params in groups.items():
            statement = (
                sa.update(table)
                .where(table.c.id == sa.bindparam("b_id"))
                .values({k: sa.bindparam(f"b_{k}") for k in columns})
            )
            self._conn.execute(statement, params)

    def delete_where_in(self, model: type[SQLModel], column: str, values: Sequence[Any]) -> None:
        """Delete the rows whose `column` is one of `values` (rows a load then writes anew)."""
        table = table_of(model)
        for chunk in _chunks(list(values), QUERY_CHUNK):
            self._conn.execute(sa.delete(table).where(table.c[column].in_(chunk)))

    def verify(self, company_ids: Sequence[int]) -> int:
        """Mark these companies verified (they count in norms); returns how many were not yet."""
        c = table_of(Company)
        changed = 0
        for chunk in _chunks(list(company_ids), QUERY_CHUNK):
            result = self._conn.execute(
                sa.update(c).where(c.c.id.in_(chunk), sa.not_(c.c.verified)).values(verified=True)
            )
            changed += result.rowcount
        return changed

    def audit(
        self,
        *,
        actor: str,
        action: str,
        entity: str,
        entity_id: str | int = "",
        detail: dict[str, Any] | None = None,
    ) -> AuditEvent:
        return append_event(
            self._session,
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail=detail,
        )

    def _finish(self) -> None:
        _advance_sequences(self._conn, [t for t in self._writers if self.counts.get(t.name)])


@contextmanager
def bulk_load(*, engine: sa.Engine) -> Iterator[BulkLoad]:
    """A load's write transaction: committed when the block ends, rolled back if it raises."""
    with write_session(engine) as session:
        conn = session.connection()
        if conn.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(BULK_LOCK_KEY)))
        load = BulkLoad(session)
        yield load
        load._finish()


def bulk_insert(
    *,
    engine: sa.Engine,
    rows: RowSource,
    actor: str,
    action: str,
    detail: dict[str, Any] | None = None,
    chunk: int = INSERT_CHUNK,
) -> dict[str, int]:
    """Insert many rows of several tables in one transaction (all or nothing), audited once.

    `rows` is one batch (a mapping model -> row dicts), an iterable of such batches (streamed, so a
    large load need not sit in memory at once), or a callable that receives the next free ids (as
    `next_ids`, but read inside this transaction) and returns the batches. Within a batch, tables
    are written in the order given, so parents come before children. Rows are plain dicts with
    every column set, ids included. Returns the number of rows written per table name.

    Concurrent bulk loads are serialised, so a callable sees every earlier load; it may raise to
    abort and roll back.
    """
    with bulk_load(engine=engine) as load:
        if callable(rows):
            rows = rows(load.next_ids())
        batches: Iterable[RowBatch] = [rows] if isinstance(rows, Mapping) else rows
        for batch in batches:
            load.insert(batch, chunk=chunk)
        load.audit(
            actor=actor, action=action, entity="bulk", detail={**(detail or {}), **load.counts}
        )
    return load.counts
