from __future__ import annotations

import csv
import io

import pytest

from readiness.exports import csv_bytes, neutralise


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
)
def test_formula_cells_are_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["한빛정밀", "a=b", 3, -2.5, None, ""])
def test_other_values_pass_unchanged(value: object) -> None:
    assert neutralise(value) == value


def test_csv_has_bom_and_keeps_korean() -> None:
    data = csv_bytes(["회사명", "점수"], [["=cmd|' /C calc'!A0", 42.5], ["한빛정밀", None]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["회사명", "점수"], ["'=cmd|' /C calc'!A0", "42.5"], ["한빛정밀", ""]]
