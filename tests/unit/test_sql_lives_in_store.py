"""Every query lives in readiness/store/: no other domain module builds or runs SQL."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "readiness"
# Where SQL belongs; db.py makes the engine and sets the connection pragmas.
ALLOWED = ("store/", "migrations/", "db.py")
SQL_MODULES = {"sqlalchemy", "sqlmodel"}
BUILDERS = {"select", "insert", "update", "delete", "text"}
RUNNERS = {"execute", "exec", "exec_driver_sql", "scalars", "scalar"}


def sql_uses(source: str) -> list[str]:
    """Each place in `source` that builds or runs SQL, as "line: what"."""
    found = []
    aliases = set(SQL_MODULES)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            aliases |= {a.asname or a.name for a in node.names if a.name in SQL_MODULES}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in SQL_MODULES:
            found += [f"{node.lineno}: imports {a.name}" for a in node.names if a.name in BUILDERS]
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name, owner = node.func.attr, node.func.value
        if name in RUNNERS:
            found.append(f"{node.lineno}: .{name}(...)")
        elif name in BUILDERS and isinstance(owner, ast.Name) and owner.id in aliases:
            found.append(f"{node.lineno}: {owner.id}.{name}(...)")
    return found


def modules_outside_the_store() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if not path.relative_to(PACKAGE).as_posix().startswith(ALLOWED)
    ]


@pytest.mark.parametrize(
    "source",
    [
        "from sqlmodel import select\n",
        "import sqlalchemy as sa\nq = sa.select(1)\n",
        "import sqlalchemy\nsqlalchemy.text('SELECT 1')\n",
        "conn.execute(query)\n",
        "session.exec(query)\n",
        "import sqlalchemy as sa\nsa.update(table)\n",
    ],
)
def test_the_check_finds_sql(source: str) -> None:
    assert sql_uses(source)


def test_the_check_leaves_plain_python_alone() -> None:
    assert sql_uses("import sqlalchemy as sa\nsettings.update(x)\ne: sa.Engine\n") == []


def test_no_module_outside_the_store_builds_or_runs_sql() -> None:
    offenders = {
        path.relative_to(PACKAGE).as_posix(): uses
        for path in modules_outside_the_store()
        if (uses := sql_uses(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}
