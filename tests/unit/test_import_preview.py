"""The import preview: English headers capitalised, every problem's message whole and inert."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from readiness.bank import default_bank
from readiness.db import make_engine, upgrade
from readiness.importer import ImportPlan, plan_import, read_table


def _plan(data: bytes, tmp_path: Path) -> ImportPlan:
    engine = make_engine(f"sqlite:///{tmp_path / 'preview.db'}")
    upgrade(engine)
    try:
        return plan_import(read_table(data, "members.csv"), engine=engine, bank=default_bank())
    finally:
        engine.dispose()


def test_the_english_problem_table_has_capitalised_headers(tmp_path: Path) -> None:
    plan = _plan("회사명,업종코드,종업원수,지역\r\n한빛,C29,4,화성".encode(), tmp_path)
    assert list(plan.problems_frame("en").columns) == ["Row", "Column", "Severity", "Message"]
    assert list(plan.members_frame("en").columns) == ["Row", "Name", "Action", "Changes"]
    assert list(plan.problems_frame("ko").columns) == ["행", "열", "구분", "내용"]


def _problems_script() -> None:
    import pandas as pd

    from components.import_preview import problems_table
    from readiness.bank import default_bank
    from readiness.importer import parse_table, read_table

    region = "어딘가 " * 80 + "*별표* <b>굵게</b>"
    data = f"회사명,업종코드,종업원수,지역\r\n한빛,C29,4,{region}".encode()
    parsed = parse_table(read_table(data, "members.csv"), bank=default_bank())
    frame = pd.DataFrame({"Message": [p.message.render("en") for p in parsed.problems], "Row": [2]})
    problems_table(frame, "en")


def test_a_long_problem_message_is_shown_whole_in_a_wrapping_table() -> None:
    at = AppTest.from_function(_problems_script).run()
    assert not at.exception
    [shown] = at.table[0].value["Message"]
    assert isinstance(at.table[0].value, pd.DataFrame) and not at.dataframe
    assert len(shown) > 400 and shown.count("어딘가") == 80  # whole, not cut
    assert "\\*별표\\*" in shown and "<b>" not in shown  # user text inert
