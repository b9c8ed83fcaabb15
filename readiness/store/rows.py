"""Typed access to stored rows: a row's id once it is stored, a model's Core table."""

from __future__ import annotations

from typing import Protocol

import sqlalchemy as sa
from sqlmodel import SQLModel


class _Identified(Protocol):
    id: int | None


def stored_id(row: _Identified) -> int:
    """The id of a row read from the database or flushed to it; SQLModel types it `int | None`
    because a row built in Python has none until it is stored."""
    if row.id is None:
        raise ValueError(f"this {type(row).__name__} has not been stored")
    return row.id


def table_of(model: type[SQLModel]) -> sa.Table:
    """The Core table of a table model, for set-based queries."""
    return model.__table__  # type: ignore[attr-defined]  # set by SQLModel's metaclass, undeclared
