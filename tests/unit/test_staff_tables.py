"""Staff tables and sentences: missing values read "—", counts agree with their number, and the
members' contacts are read by staff pages only."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from components.widgets import MISSING, dashed
from readiness.i18n import t_count

ROOT = Path(__file__).resolve().parents[2]


def test_missing_values_in_a_staff_table_read_as_a_dash_not_none() -> None:
    frame = pd.DataFrame(
        {
            "wave": pd.array([2025, None], dtype="Int64"),
            "overall": [45.25, None],
            "region": ["경기도", None],
        }
    )
    text = dashed(frame).to_string()
    assert "None" not in text and "nan" not in text.lower() and "<NA>" not in text
    assert text.split("\n")[2].split()[1:] == [MISSING, MISSING, MISSING]
    assert "2025 45.2 경기도" in text  # whole years stay whole; scores to one decimal


@pytest.mark.parametrize(
    ("lang", "n", "sentence"),
    [
        ("en", 1, "1 member matches"),
        ("en", 2, "2 members match"),
        ("en", 0, "0 members match"),
        ("en", 19000, "19,000 members match"),
        ("ko", 1, "1개 회원사가 조건에 맞습니다"),
        ("ko", 1200, "1,200개 회원사가 조건에 맞습니다"),
    ],
)
def test_the_member_count_agrees_with_its_number(lang: str, n: int, sentence: str) -> None:
    assert t_count("members.count", lang, n) == sentence


def test_contacts_are_read_by_staff_pages_only() -> None:
    readers = {
        path.relative_to(ROOT).as_posix()
        for folder in ("pages", "components", "readiness")
        for path in (ROOT / folder).rglob("*.py")
        if re.search(r"\b(contact_of|contacts_of|CompanyContact)\b", path.read_text("utf-8"))
    }
    pages = {r for r in readers if r.startswith(("pages/", "components/"))}
    assert pages == {"pages/staff_members.py"}
    assert {r for r in readers if r.startswith("readiness/")} <= {
        "readiness/models.py",
        "readiness/store/__init__.py",
        "readiness/store/contacts.py",
        "readiness/store/bulk.py",
        "readiness/store/companies.py",  # the staff member export, when asked for contacts
        "readiness/importer/apply.py",
    }
