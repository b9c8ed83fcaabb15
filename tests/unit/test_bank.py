from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from readiness.bank import BankError, default_bank, load_bank


def test_shipped_bank_meets_the_content_rules() -> None:
    bank = default_bank()
    assert bank.pillar_ids == ["EXP", "SRV", "AI", "COL"]
    assert 32 <= len(bank.items) <= 40
    for pillar in bank.pillars:
        items = bank.items_of(pillar.id)
        assert 8 <= len(items) <= 10, pillar.id
        assert len(bank.items_of(pillar.id, quick_only=True)) == 3, pillar.id
        assert any(i.critical for i in items), pillar.id
        assert [i.id for i in items] == sorted(i.id for i in items)
    for item in bank.items:
        assert len(item.levels) == 6 and len(item.actions) == 5
        for text in (item.text, item.help, *item.levels, *item.actions):
            assert text.ko.strip() and text.en.strip()
            assert any("\uac00" <= ch <= "\ud7a3" for ch in text.ko), (item.id, text.ko)


def test_shipped_bank_has_thresholds_gate_and_weights() -> None:
    bank = default_bank()
    assert [(s.id, s.min) for s in bank.stages] == [
        ("beginner", 0),
        ("promising", 25),
        ("leading", 50),
        ("champion", 75),
    ]
    assert bank.gate.stage == "champion" and bank.gate.min_pillar_score == 50
    assert all(p.weight > 0 for p in bank.pillars)


def _mutate(folder: Path, name: str, change) -> None:
    path = folder / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_missing_level_names_file_item_and_field(tiny_bank_dir: Path) -> None:
    _mutate(tiny_bank_dir, "items_XA.yaml", lambda d: d["items"][1]["levels"].pop())
    with pytest.raises(BankError) as err:
        load_bank(tiny_bank_dir)
    message = str(err.value)
    assert "items_XA.yaml" in message and "item XA02" in message and "field levels" in message


def test_missing_english_text_is_named(tiny_bank_dir: Path) -> None:
    _mutate(tiny_bank_dir, "items_XB.yaml", lambda d: d["items"][3]["help"].pop("en"))
    with pytest.raises(BankError, match=r"items_XB.yaml: item XB04, field help.en"):
        load_bank(tiny_bank_dir)


def test_unknown_dimension_is_refused(tiny_bank_dir: Path) -> None:
    _mutate(tiny_bank_dir, "items_XA.yaml", lambda d: d["items"][0].update(dimension="nope"))
    with pytest.raises(BankError, match=r"item XA01, field dimension: 'nope'"):
        load_bank(tiny_bank_dir)


def test_quick_scan_needs_exactly_three_per_pillar(tiny_bank_dir: Path) -> None:
    _mutate(tiny_bank_dir, "items_XB.yaml", lambda d: d["items"][3].update(quick=True))
    with pytest.raises(BankError, match=r"items_XB.yaml: field quick: exactly 3"):
        load_bank(tiny_bank_dir)


def test_negative_weight_and_unknown_field_are_refused(tiny_bank_dir: Path) -> None:
    _mutate(tiny_bank_dir, "items_XA.yaml", lambda d: d["items"][2].update(weight=-1, colour="x"))
    with pytest.raises(BankError) as err:
        load_bank(tiny_bank_dir)
    assert "item XA03, field weight" in str(err.value)
    assert "item XA03, field colour" in str(err.value)


def test_thresholds_must_increase(tiny_bank_dir: Path) -> None:
    _mutate(tiny_bank_dir, "bank.yaml", lambda d: d["stages"][2].update(min=10))
    with pytest.raises(BankError, match=r"bank.yaml: .*thresholds must start at 0"):
        load_bank(tiny_bank_dir)


def test_broken_yaml_and_missing_file_are_named(tiny_bank_dir: Path) -> None:
    (tiny_bank_dir / "items_XA.yaml").write_text("items: [unclosed", encoding="utf-8")
    with pytest.raises(BankError, match=r"items_XA.yaml: not valid YAML"):
        load_bank(tiny_bank_dir)
    (tiny_bank_dir / "items_XA.yaml").unlink()
    with pytest.raises(BankError, match=r"items_XA.yaml: file not found"):
        load_bank(tiny_bank_dir)


def test_next_action_climbs_one_level(tiny_bank) -> None:
    item = tiny_bank.item("XA01")
    assert item.next_action(0, "en") == "from 0 to 1"
    assert item.next_action(4, "ko") == "from 4 to 5 (ko)"
    assert item.next_action(5, "en") is None


def test_a_repeated_key_is_refused(tiny_bank_dir: Path) -> None:
    path = tiny_bank_dir / "bank.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "version: again\n", encoding="utf-8")
    with pytest.raises(BankError, match=r"bank.yaml: not valid YAML: duplicate key 'version'"):
        load_bank(tiny_bank_dir)
