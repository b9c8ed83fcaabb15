from __future__ import annotations

import pytest

from readiness import reference


@pytest.mark.parametrize(
    ("kind", "count"),
    [
        ("ksic_divisions", 25),
        ("regions", 17),
        ("size_bands", 4),
        ("revenue_bands", 6),
        ("value_chain_roles", 7),
    ],
)
def test_reference_lists_are_complete_and_bilingual(kind: str, count: int) -> None:
    rows = reference.reference()[kind]
    assert len(rows) == count
    for row in rows:
        assert set(row) >= {"ko", "en"}
        assert isinstance(row["ko"], str) and row["ko"].strip()
        assert isinstance(row["en"], str) and row["en"].strip()
        assert any("\uac00" <= ch <= "\ud7a3" for ch in row["ko"])


def test_ksic_covers_manufacturing_divisions_c10_to_c34() -> None:
    assert reference.ksic_codes() == [f"C{n}" for n in range(10, 35)]


def test_labels_fall_back_to_the_key() -> None:
    assert reference.label("regions", "41", "ko") == "경기도"
    assert reference.label("revenue_bands", "ge1500", "ko") == "1,500억 원 이상"
    assert reference.label("regions", "nope", "en") == "nope"


def test_every_division_has_exactly_code_and_both_names() -> None:
    for row in reference.reference()["ksic_divisions"]:
        assert set(row) == {"code", "ko", "en"}, row
    assert reference.label("ksic_divisions", "C26", "en").endswith("communication equipment")
