"""A tiny question bank with round weights, so expected scores can be computed by hand."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from readiness.bank import Bank, load_bank


def _text(s: str) -> dict[str, str]:
    return {"ko": f"{s} (ko)", "en": s}


def write_tiny_bank(folder: Path, *, pillar_weights: tuple[float, float] = (3, 1)) -> Path:
    """Pillars XA (weight 3) and XB (weight 1), four items each weighted 1, 2, 1, 1.

    Items 01 and 02 are critical; 01-03 are in the quick scan.
    """
    folder.mkdir(parents=True, exist_ok=True)
    stages = [
        {"id": sid, "min": low, "name": _text(sid), "description": _text(f"{sid} stage")}
        for sid, low in (("beginner", 0), ("promising", 25), ("leading", 50), ("champion", 75))
    ]
    pillars = [
        {
            "id": pid,
            "weight": w,
            "name": _text(f"pillar {pid}"),
            "description": _text(f"about {pid}"),
            "dimensions": [
                {"id": "one", "name": _text("one")},
                {"id": "two", "name": _text("two")},
            ],
        }
        for pid, w in zip(("XA", "XB"), pillar_weights, strict=True)
    ]
    meta = {
        "version": "test-1",
        "title": _text("tiny bank"),
        "stages": stages,
        "gate": {"stage": "champion", "min_pillar_score": 50},
        "pillars": pillars,
    }
    (folder / "bank.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
    for pid in ("XA", "XB"):
        items = [
            {
                "id": f"{pid}0{n}",
                "dimension": "one" if n <= 2 else "two",
                "weight": weight,
                "quick": n <= 3,
                "critical": n <= 2,
                "text": _text(f"question {n}"),
                "help": _text(f"help {n}"),
                "levels": [_text(f"level {lv}") for lv in range(6)],
                "actions": [_text(f"from {lv} to {lv + 1}") for lv in range(5)],
            }
            for n, weight in zip((1, 2, 3, 4), (1.0, 2.0, 1.0, 1.0), strict=True)
        ]
        (folder / f"items_{pid}.yaml").write_text(
            yaml.safe_dump({"pillar": pid, "items": items}, allow_unicode=True), encoding="utf-8"
        )
    return folder


@pytest.fixture
def tiny_bank_dir(tmp_path: Path) -> Path:
    return write_tiny_bank(tmp_path / "bank")


@pytest.fixture
def tiny_bank(tiny_bank_dir: Path) -> Bank:
    return load_bank(tiny_bank_dir)
