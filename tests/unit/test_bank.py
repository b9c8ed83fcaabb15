from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from readiness.bank import BankError, Item, Text, bank_for_version, default_bank, load_bank


def _texts(item: Item) -> list[Text]:
    variants = [t for v in item.variants.values() for t in (v.text, v.help, *v.levels, *v.actions)]
    examples = [e.text for e in item.examples]
    return [item.text, item.help, *item.levels, *item.actions, *variants, *examples]


def test_shipped_bank_meets_the_content_rules() -> None:
    bank = default_bank()
    assert bank.version == "2.0"
    assert bank.pillar_ids == ["EXP", "SRV", "AI", "COL"]
    assert 40 <= len(bank.items) <= 50
    for pillar in bank.pillars:
        items = bank.items_of(pillar.id)
        assert 8 <= len(items) <= 19, pillar.id
        assert len(bank.items_of(pillar.id, quick_only=True)) == 3, pillar.id
        assert 2 <= sum(i.critical for i in items) <= 4, pillar.id
        assert [i.id for i in items] == sorted(i.id for i in items)
        assert {i.dimension for i in items} == {d.id for d in pillar.dimensions}, pillar.id
        assert all(1 <= d.importance <= 3 for d in pillar.dimensions), pillar.id
    for item in bank.items:
        assert len(item.levels) == 6 and len(item.actions) == 5
        for text in _texts(item):
            assert text.ko.strip() and text.en.strip()
            assert any("\uac00" <= ch <= "\ud7a3" for ch in text.ko), (item.id, text.ko)


def test_v2_wording_follows_the_house_rules() -> None:
    """수준 for an item's level, 단계 only for a company's stage; no item codes; no yes/no stems."""
    bank = default_bank()
    code = re.compile(r"\b(EXP|SRV|AI|COL)\d{2}\b")
    for item in bank.items:
        for text in _texts(item):
            assert "단계" not in text.ko, (item.id, text.ko)
            assert not code.search(text.ko) and not code.search(text.en), (item.id, text.en)
        for stem in (item.text, *(v.text for v in item.variants.values())):
            first = stem.en.split()[0]
            assert first not in {"Do", "Does", "Is", "Are", "Have", "Has", "Can"}, stem.en
    assert bank.stage("champion").name.ko == "글로벌 강소기업"


def test_items_carried_from_v1_have_the_same_question_and_levels() -> None:
    v1, v2 = bank_for_version("1.0"), default_bank()
    carried = [i for i in v2.items if i.v1]
    assert {i.id for i in carried} >= {"EXP01", "SRV01", "AI01"}
    for item in carried:
        old = v1.item(item.v1 or "")
        assert (item.text, item.levels) == (old.text, old.levels), item.id


def test_servitization_has_a_ladder_for_each_kind_of_maker() -> None:
    bank = default_bank()
    for item_id in ("SRV01", "SRV03"):
        item = bank.item(item_id)
        assert set(item.variants) == {"component", "consumer"}
        ladders = {
            seg: bank.item_view(item_id, seg).levels
            for seg in ("equipment", "component", "consumer")
        }
        assert len({tuple(t.en for t in ladder) for ladder in ladders.values()}) == 3


@pytest.mark.parametrize(
    ("ksic", "roles", "products", "segment"),
    [
        ("C25", ["components"], "프레스 부품", "component"),  # press-parts Tier-2
        ("C30", ["components"], "브레이크 부품", "component"),
        ("C10", ["final_product"], "김치", "consumer"),
        ("C20", ["final_product"], "화장품 OEM", "consumer"),
        ("C20", ["raw_material"], "접착제", "component"),
        ("C29", ["final_product", "after_sales"], "포장 기계", "equipment"),
        ("C29", [], "", "equipment"),
        ("C29", ["components"], "기어", "component"),
        ("C24", ["final_product"], "강관", "component"),
    ],
)
def test_the_profile_chooses_the_ladder(
    ksic: str, roles: list[str], products: str, segment: str
) -> None:
    assert default_bank().segment_for(ksic, roles, products) == segment


def test_the_first_bank_stays_loadable_for_stored_assessments() -> None:
    v1 = bank_for_version("1.0")
    assert v1.version == "1.0" and len(v1.items) == 36 and v1.segments == []
    assert bank_for_version("2.0") is default_bank()
    with pytest.raises(BankError, match="no shipped question bank has version '9.9'"):
        bank_for_version("9.9")


def test_sector_examples_reach_the_right_companies() -> None:
    item = default_bank().item("EXP07")
    auto = " ".join(t.en for t in item.examples_for("C30", "component"))
    assert "IATF 16949" in auto and "PPAP" in auto
    food = " ".join(t.en for t in item.examples_for("C10", "consumer"))
    assert "HACCP" in food


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
