"""The downloadable import template: the member file's columns, a help sheet and the codes."""

from __future__ import annotations

from typing import Any

from readiness import reference
from readiness.bank import Bank
from readiness.exports import csv_bytes, xlsx_bytes
from readiness.i18n import LANGS, t
from readiness.member_file import (
    FIELD_BY_KEY,
    MODES,
    TEMPLATE_FIELDS,
    mode_words,
    not_applicable_word,
)


def template_header(bank: Bank, lang: str = "ko") -> list[str]:
    """The template's columns: member fields, wave and mode, then one column per item id."""
    return [f.header(lang) for f in TEMPLATE_FIELDS] + bank.item_ids()


def template_csv(bank: Bank) -> bytes:
    """The header row (Korean) as CSV in UTF-8 with BOM, for Excel."""
    return csv_bytes(template_header(bank), [])


def template_xlsx(bank: Bank) -> bytes:
    """The header row plus a help sheet (every column and item, Korean and English) and codes."""
    required = {True: "필수 / required", False: ""}
    help_rows: list[list[Any]] = [
        [f.ko, f.en, required[f.required], *(f.help(lang) for lang in LANGS), f.example]
        for f in TEMPLATE_FIELDS
    ]
    scale = f"0-5, {' / '.join(not_applicable_word(lang) for lang in LANGS)}"
    for item in bank.items:
        pillar = bank.pillar(item.pillar)
        key = "member_file.item_help_quick" if item.quick else "member_file.item_help"
        help_rows.append(
            [
                item.id,
                item.id,
                "",
                *(
                    t(key, lang, pillar=pillar.name.get(lang), text=item.text.get(lang))
                    for lang in LANGS
                ),
                scale,
            ]
        )
    code_rows: list[list[Any]] = []
    for kind, column, key in (
        ("ksic_divisions", "ksic", "code"),
        ("regions", "region", "code"),
        ("revenue_bands", "revenue_band", "id"),
    ):
        label = FIELD_BY_KEY[column].both
        code_rows.extend(
            [label, str(r[key]), r["ko"], r["en"]] for r in reference.reference()[kind]
        )
    code_rows.extend(
        [FIELD_BY_KEY["mode"].both, mode, *(mode_words(lang)[mode] for lang in LANGS)]
        for mode in MODES
    )
    return xlsx_bytes(
        template_header(bank),
        [],
        sheet="회원 · Members",
        extra_sheets=[
            (
                "설명 · Help",
                [
                    "열 / Column",
                    "English",
                    "필수 / Required",
                    "설명",
                    "Description",
                    "예 / Example",
                ],
                help_rows,
            ),
            ("코드 · Codes", ["구분 / Kind", "코드 / Code", "한국어", "English"], code_rows),
        ],
    )
