"""Published figures in the PDF report (issue #15): the company's yes or no beside the share of
firms of its size in Korea and the EU, each row with its source, in the reader's language; no
section when no figure maps to the answers."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from readiness import public_benchmarks as pb
from readiness.bank import default_bank
from readiness.report import build_report
from readiness.report.data import published_rows
from tests.unit.test_report import pages_text, sample

BANK = default_bank()


def _results(answers: dict[str, int | None]) -> Any:
    """What published_rows reads of a company's results: its size band, answers, bank version."""
    return SimpleNamespace(
        company=SimpleNamespace(size_band="10-49"),
        answers=answers,
        assessment=SimpleNamespace(bank_version=BANK.version),
    )


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(pages_text(pdf)).split())


def test_the_report_sets_the_company_beside_the_published_figures_with_sources() -> None:
    answers: dict[str, int | None] = {**dict.fromkeys(BANK.item_ids(), 1), "AI03": 3}
    comparisons = pb.company_comparisons(answers, "10-49", bank_version=BANK.version)
    for lang, title, yes, no in (
        ("ko", "나와 같은 규모의 한국/EU 기업", "예", "아니오"),
        ("en", "You and firms of your size in Korea / in the EU", "Yes", "No"),
    ):
        rows = published_rows(_results(answers), lang)
        assert len(rows) == len(comparisons) == 4
        smart = next(
            r for r in rows if r.measure.endswith(comparisons[0].benchmark.label.get(lang))
        )
        assert smart.you == yes and "28.5%" in smart.share and "2024" in smart.share
        assert {r.you for r in rows} == {yes, no}
        text = _text(build_report(sample(lang, published=rows), lang))
        assert title in text
        for entry in pb.sources(comparisons):
            assert entry.source.publisher.get(lang).split()[0] in text
            assert entry.source.url in text.replace(" ", "")  # a long address wraps
        assert "11.2%" in text  # the EU figure for 10-49 employees


def test_without_a_mapped_answer_there_is_no_published_section() -> None:
    assert published_rows(_results({}), "ko") == ()
    text = _text(build_report(sample("ko", published=()), "ko"))
    assert "나와 같은 규모의 한국/EU 기업" not in text
