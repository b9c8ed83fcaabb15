"""Published figures beside a company and the membership: the rule, the bands, the sources."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from readiness import public_benchmarks as pb
from readiness import strict_yaml
from readiness.bank import default_bank
from readiness.reference import size_band_ids

NONE_OF_AI = {"AI03": 1, "AI04": 1, "AI05": 1, "AI06": 1, "AI07": 0, "AI08": 1}


def _raw() -> dict[str, Any]:
    with pb.DEFAULT_FILE.open(encoding="utf-8") as fh:
        return strict_yaml.safe_load(fh)


def _parse(raw: object) -> pb.Catalog:
    return pb.parse_catalog(raw, bank=default_bank(), source="test.yaml")


def _entry(entry_id: str) -> pb.Benchmark:
    return next(b for b in pb.default_catalog().benchmarks if b.id == entry_id)


def test_the_shipped_file_holds_korean_and_eu_figures_each_with_its_source() -> None:
    catalog = pb.default_catalog()
    assert len(catalog.benchmarks) >= 4
    assert {b.region for b in catalog.benchmarks} == {"KR", "EU"}
    for entry in catalog.benchmarks:
        assert entry.source.url.startswith("https://")
        assert entry.source.publisher.ko and entry.source.publisher.en
        assert entry.source.title.en and entry.source.table.en
        assert entry.as_of.ko and entry.as_of.en and 2000 <= entry.year <= 2100
        assert entry.population.en and entry.band_mapping.en and entry.rule.description.en
        assert set(entry.figures) <= set(size_band_ids())


def test_the_eu_ai_figures_are_eurostats_2024_by_size_class() -> None:
    eu = _entry("eu_ai_use")
    assert eu.year == 2024 and "isoc_eb_ai" in eu.source.table.en
    assert eu.figures == {"10-49": 11.2, "50-299": 21.0, "300+": 41.2}
    assert eu.all_sizes == 13.5
    assert eu.figure_for("1-9") is None  # Eurostat covers 10 or more persons employed


def test_smart_factory_counts_from_the_basic_level_only() -> None:
    rule = _entry("kr_smart_factory").rule
    assert pb.adopted(rule, {"AI03": 2}) is True
    assert pb.adopted(rule, {"AI03": 5}) is True
    assert pb.adopted(rule, {"AI03": 1}) is False  # ERP only
    assert pb.adopted(rule, {"AI03": 0}) is False


def test_any_listed_answer_is_enough_to_count_as_adopted() -> None:
    rule = _entry("eu_ai_use").rule
    assert pb.adopted(rule, {"AI07": 2}) is True  # other AI items unanswered: still known
    assert pb.adopted(rule, {**NONE_OF_AI, "AI05": 4}) is True
    assert pb.adopted(rule, NONE_OF_AI) is False


def test_not_adopted_needs_every_listed_item_answered() -> None:
    rule = _entry("eu_ai_use").rule
    partial = {k: v for k, v in NONE_OF_AI.items() if k != "AI08"}
    assert pb.adopted(rule, partial) is None  # AI08 might have counted: not known
    assert pb.adopted(rule, {}) is None


def test_not_applicable_answers_alone_decide_nothing() -> None:
    rule = _entry("kr_smart_factory").rule
    assert pb.adopted(rule, {"AI03": None}) is None
    ai = _entry("eu_ai_use").rule
    assert pb.adopted(ai, {**NONE_OF_AI, "AI04": None}) is False  # other items have levels


def test_a_company_gets_the_figure_of_its_own_size_band() -> None:
    rows = pb.company_comparisons({"AI03": 3}, "50-299", bank_version="2.0")
    assert [(c.benchmark.id, c.adopted, c.percent, c.band_figure) for c in rows] == [
        ("kr_smart_factory", True, 54.2, True)
    ]


def test_items_not_answered_are_skipped() -> None:
    assert pb.company_comparisons({"EXP01": 3}, "10-49", bank_version="2.0") == []
    ids = [c.benchmark.id for c in pb.company_comparisons(NONE_OF_AI, "10-49", bank_version="2.0")]
    assert ids == ["kr_smart_factory", "kr_manufacturing_ai", "kr_ai_use", "eu_ai_use"]


def test_a_band_outside_the_source_gets_no_figure_but_an_all_sizes_source_applies() -> None:
    rows = pb.company_comparisons(NONE_OF_AI, "1-9", bank_version="2.0")
    by_id = {c.benchmark.id: c for c in rows}
    assert "eu_ai_use" not in by_id and "kr_ai_use" not in by_id  # both surveys cover 10+
    assert by_id["kr_smart_factory"].percent == 8.7
    only_total = by_id["kr_manufacturing_ai"]
    assert (only_total.percent, only_total.band_figure) == (0.1, False)


def test_answers_of_another_bank_version_are_not_compared() -> None:
    assert pb.company_comparisons({"AI03": 3}, "10-49", bank_version="1.0") == []


def test_every_comparison_carries_its_source() -> None:
    rows = pb.company_comparisons(NONE_OF_AI, "300+", bank_version="2.0")
    assert rows and all(c.benchmark.source.url and c.benchmark.as_of for c in rows)
    assert [b.id for b in pb.sources(rows)] == [c.benchmark.id for c in rows]


def test_membership_share_per_band_with_n_and_no_share_below_five() -> None:
    members: list[tuple[str, pb.Answers]] = [
        *[("10-49", {"AI03": 3})] * 3,
        *[("10-49", {"AI03": 1})] * 3,
        *[("50-299", {"AI03": 4})] * 4,
        ("50-299", {"EXP01": 2}),  # did not answer the item: not counted
        ("1-9", {"AI03": None}),
    ]
    rows = [r for r in pb.membership_shares(members) if r.benchmark.id == "kr_smart_factory"]
    assert [r.size_band for r in rows] == size_band_ids()
    small = next(r for r in rows if r.size_band == "10-49")
    assert (small.n, small.adopted, small.percent, small.published) == (6, 3, 50.0, 28.5)
    medium = next(r for r in rows if r.size_band == "50-299")
    assert (medium.n, medium.shown, medium.percent, medium.published) == (4, False, None, 54.2)
    assert next(r for r in rows if r.size_band == "1-9").n == 0


def test_a_member_counts_only_with_every_item_of_the_rule_answered() -> None:
    """A quick scan asks one AI item of five: counted when it says yes and left out when it says
    no, it would inflate the members' share."""
    full_no = {**NONE_OF_AI}
    quick_yes = {"AI03": 2, "AI07": 3}
    members: list[tuple[str, pb.Answers]] = [("10-49", full_no)] * 5 + [("10-49", quick_yes)] * 5
    rows = {r.benchmark.id: r for r in pb.membership_shares(members) if r.size_band == "10-49"}
    assert (rows["eu_ai_use"].n, rows["eu_ai_use"].adopted) == (5, 0)
    assert (rows["kr_smart_factory"].n, rows["kr_smart_factory"].adopted) == (10, 5)


def test_an_unknown_item_in_a_rule_is_refused_naming_the_entry() -> None:
    raw = _raw()
    raw["benchmarks"][0]["rule"]["any_of"][0]["item"] = "AI99"
    with pytest.raises(pb.BenchmarkError, match=r"benchmark kr_smart_factory.*AI99"):
        _parse(raw)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e["figures"].update({"10-99": 3.0}), "unknown size band"),
        (lambda e: e["figures"].update({"10-49": 130}), "figures.10-49"),
        (lambda e: e.pop("source"), "source"),
        (lambda e: e["source"].update(url="http://example.org"), "source.url"),
        (lambda e: e.pop("year"), "year"),
        (lambda e: e.update(region="US"), "region"),
        (lambda e: e["rule"]["any_of"][0].update(levels=[2, 6]), "levels"),
        (lambda e: e["rule"]["any_of"][0].update(levels=[]), "levels"),
        (lambda e: e.update(figures={}, all_sizes=None), "figures"),
        (lambda e: e.update(colour="red"), "colour"),
        (lambda e: e["label"].update(en=" "), "label.en"),
    ],
)
def test_a_malformed_entry_is_refused_naming_its_field(change: Any, message: str) -> None:
    raw = copy.deepcopy(_raw())
    change(raw["benchmarks"][0])
    with pytest.raises(pb.BenchmarkError, match=message):
        _parse(raw)


def test_a_duplicate_id_and_a_wrong_bank_are_refused() -> None:
    raw = _raw()
    raw["benchmarks"][1]["id"] = raw["benchmarks"][0]["id"]
    with pytest.raises(pb.BenchmarkError, match="duplicate id"):
        _parse(raw)
    raw = _raw()
    raw["bank"] = "1.0"
    with pytest.raises(pb.BenchmarkError, match="field bank"):
        _parse(raw)


def test_the_cli_prints_each_figure_with_its_source(capsys: pytest.CaptureFixture[str]) -> None:
    from readiness.cli import main

    assert main(["benchmarks"]) == 0
    out = capsys.readouterr().out
    assert "eu_ai_use" in out and "[EU 2024]" in out and "10-49 11.2%" in out and "Eurostat" in out
    assert "kr_manufacturing_ai" in out and "all sizes 0.1%" in out
    assert main(["benchmarks", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [b["id"] for b in data["benchmarks"]] == [b.id for b in pb.default_catalog().benchmarks]


def test_the_cli_names_what_is_wrong_in_a_malformed_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from readiness.cli import main

    raw = _raw()
    raw["benchmarks"][2]["figures"]["10-99"] = 5.0
    path = tmp_path / "figures.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    assert main(["benchmarks", "--file", str(path)]) == 1
    err = capsys.readouterr().err
    assert "benchmark kr_ai_use, field figures.10-99: unknown size band" in err
