"""Support programmes in the PDF report, beside the partner types: name, owner, typical amount,
season, the one-sentence reason and the owner's link, in the reader's language."""

from __future__ import annotations

import datetime as dt

from readiness.bank import default_bank
from readiness.programs import load_catalog, match_programs
from readiness.report import build_report
from readiness.report.data import program_row
from tests.unit.test_report import pages_text, sample

BANK = default_bank()
PROFILE = {"ksic": "C24", "employees": 45, "export_share": 0.3, "markets": ["EU"]}


def _rows(lang: str):  # type: ignore[no-untyped-def]
    answers = {**dict.fromkeys(BANK.item_ids(), 3), "EXP18": 0, "EXP15": 1}
    matches = match_programs(
        load_catalog(), BANK, profile=PROFILE, answers=answers, today=dt.date(2026, 12, 1)
    )
    return tuple(program_row(m, lang) for m in matches)


def test_the_report_lists_the_programmes_with_their_reasons() -> None:
    for lang, title in (("ko", "신청할 수 있는 지원 프로그램"), ("en", "Support programmes")):
        rows = _rows(lang)
        assert rows and rows[0].reason
        text = " ".join(
            " ".join(pages_text(build_report(sample(lang, programs=rows), lang))).split()
        )
        assert title in text
        for row in rows:
            assert row.name.split()[0] in text
            assert row.link in text
        cbam = next(r for r in rows if "CBAM" in r.name)
        assert " ".join(cbam.reason.split()[:4]) in text


def test_without_programmes_there_is_no_programme_section() -> None:
    for lang, title in (("ko", "신청할 수 있는 지원 프로그램"), ("en", "Support programmes")):
        text = "\n".join(pages_text(build_report(sample(lang, programs=()), lang)))
        assert title not in text
