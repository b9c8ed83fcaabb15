"""The access card: one A4 page with the company, its link, its QR code, the date, the warning."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from readiness.i18n import t
from readiness.report.access_card import access_card_filename, access_card_pdf, link_qr_png

LINK = "https://readiness.example.kr/assess?c=Zq3v9XlGk1sT0bq8mN4pW7yR2cE5hJ6uA1dF8gK0&lang={lang}"


def _text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return len(reader.pages), "\n".join(p.extract_text() for p in reader.pages)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_card_holds_the_company_the_whole_link_the_date_and_the_warning(lang: str) -> None:
    link = LINK.format(lang=lang)
    pdf = access_card_pdf(
        company_name="한빛정밀㈜ {nb}", link=link, lang=lang, issued=date(2026, 12, 6)
    )
    pages, text = _text(pdf)
    assert pages == 1
    flat = text.replace("\n", "")
    assert "한빛정밀㈜ {nb}" in text
    assert link in flat  # the link wraps by characters, and every character is printed
    assert "2026-12-06" in text
    for key in ("card_title", "card_for_title", "card_keep_title"):
        assert t(f"link.{key}", lang) in text
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages[0].images) == 1  # the QR code


def test_the_qr_code_is_a_png_drawn_here() -> None:
    png = link_qr_png(LINK.format(lang="ko"))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_the_file_name_keeps_hangul_and_drops_what_a_file_system_refuses() -> None:
    assert access_card_filename("한빛/정밀 ../㈜", "ko") == "접속카드-한빛_정밀-ko.pdf"
    assert access_card_filename("///", "en") == "access-card-card-en.pdf"
