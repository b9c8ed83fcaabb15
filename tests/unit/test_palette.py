from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from components import palette
from readiness.paths import ROOT

COLOUR_LITERAL = re.compile(r"#[0-9a-fA-F]{6}\b|\brgba?\(")


def _theme() -> dict[str, object]:
    with open(ROOT / ".streamlit" / "config.toml", "rb") as fh:
        return tomllib.load(fh)["theme"]


@pytest.mark.parametrize(
    ("key", "colour"),
    [
        ("primaryColor", palette.PRIMARY),
        ("linkColor", palette.PRIMARY),
        ("textColor", palette.TEXT),
        ("borderColor", palette.BORDER),
        ("backgroundColor", palette.WHITE),
        ("secondaryBackgroundColor", palette.SECONDARY_BACKGROUND),
    ],
)
def test_the_theme_uses_the_palette(key: str, colour: str) -> None:
    assert str(_theme()[key]).lower() == colour.lower()


def test_the_theme_chart_colours_are_the_palette_series() -> None:
    listed = _theme()["chartCategoricalColors"]
    assert isinstance(listed, list)
    theme_colours = [str(c).lower() for c in listed]
    assert theme_colours == [c.lower() for c in palette.CATEGORICAL]


def test_the_radar_fill_is_the_company_blue() -> None:
    red, green, blue = (int(palette.BLUE[i : i + 2], 16) for i in (1, 3, 5))
    assert palette.BLUE_FILL.startswith(f"rgba({red},{green},{blue},")


@pytest.mark.parametrize(
    "path",
    [p for p in sorted((ROOT / "components").glob("*.py")) if p.name != "palette.py"]
    + [ROOT / "app.py"],
    ids=lambda p: p.name,
)
def test_colours_are_defined_only_in_the_palette(path: Path) -> None:
    assert not COLOUR_LITERAL.findall(path.read_text(encoding="utf-8")), path.name
