"""One cell of a member file to its value: names, codes, numbers, yes/no, modes and levels.

Each parser takes the cell's text and returns the value, or raises `BadCell` with the message
that tells the person what to write instead.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping

from readiness import reference
from readiness.i18n import Message
from readiness.profile import BizNoError, clean_text, normalize_biz_no
from readiness.scoring import MAX_LEVEL

NAME_MAX = 120
WAVES = range(2000, 2101)
NA_WORDS = {"na", "n/a", "해당없음", "해당사항없음", "notapplicable"}
TRUE_WORDS = {"예", "yes", "y", "true", "1", "o"}
FALSE_WORDS = {"아니오", "아니요", "no", "n", "false", "0", "x"}
MODE_WORDS = {"full": {"full", "정밀", "정밀진단"}, "quick": {"quick", "간편", "간편진단"}}
LEVELS = {str(n): n for n in range(MAX_LEVEL + 1)}


class BadCell(Exception):
    """A cell that does not hold what its column asks for."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.key)
        self.message = message


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text).casefold())


def reference_names(kind: str, key: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """A reference list's values by value, Korean and English name (folded), plus `extra`."""
    table: dict[str, str] = {}
    for row in reference.reference()[kind]:
        value = str(row[key])
        for name in (value, row["ko"], row["en"]):
            table[_fold(str(name))] = value
    table.update(extra or {})
    return table


def region_names() -> dict[str, str]:
    """Region codes by code, Korean and English name, and the usual short Korean forms."""
    short: dict[str, list[str]] = {}
    for row in reference.reference()["regions"]:
        ko = row["ko"]
        forms = {ko[:2]}
        if len(ko) >= 4 and ko[2] in "남북":
            forms.add(ko[0] + ko[2])  # 충청북도 -> 충북
        for form in forms:
            short.setdefault(form, []).append(str(row["code"]))
    unique = {form: codes[0] for form, codes in short.items() if len(codes) == 1}
    return reference_names("regions", "code", unique)


def _number(text: str) -> float | None:
    """A number written with or without thousands separators, or None."""
    try:
        value = float(text.replace(",", "").replace(" ", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _plain_text(text: str, max_length: int) -> str:
    if any(unicodedata.category(ch)[0] == "C" and ch != "\t" for ch in text):
        raise BadCell(Message("importer.control_characters"))
    cleaned = clean_text(text, max_length=10_000)
    if len(cleaned) > max_length:
        raise BadCell(Message("importer.name_too_long", {"max": max_length, "n": len(cleaned)}))
    return cleaned


def parse_name(text: str) -> str:
    return _plain_text(text, NAME_MAX)


CONTACT_NAME_MAX = 60
_PHONE_CHARS = re.compile(r"\+?[\d\s\-\.\(\)]+")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
EMAIL_MAX = 254


def parse_representative(text: str) -> str:
    return _plain_text(text, CONTACT_NAME_MAX)


def parse_phone(text: str) -> str:
    """A phone number as written ("031-123-4567", "+82 10 1234 5678"): 8 to 15 digits."""
    phone = " ".join(text.split())
    digits = sum(ch.isdigit() for ch in phone)
    if not _PHONE_CHARS.fullmatch(phone) or not 8 <= digits <= 15:
        raise BadCell(Message("importer.bad_phone", {"text": text}))
    return phone


def parse_email(text: str) -> str:
    """An e-mail address, checked for its shape only (one @, a dot in the domain)."""
    email = text.strip()
    if len(email) > EMAIL_MAX or not _EMAIL.fullmatch(email):
        raise BadCell(Message("importer.bad_email", {"text": text}))
    return email


def parse_biz_no(text: str) -> str:
    try:
        return normalize_biz_no(text.replace(".", ""))
    except BizNoError as exc:
        check_digit = "check digit" in str(exc)
        raise BadCell(
            Message("importer.biz_no_check_digit" if check_digit else "importer.biz_no_digits")
        ) from None


def parse_ksic(text: str, known: set[str]) -> str:
    code = text.strip().upper().replace(" ", "")
    if code.isdigit():
        code = f"C{code}"
    if code not in known:
        raise BadCell(Message("importer.unknown_ksic", {"text": text}))
    return code


_REGION_SUFFIXES = ("특별자치시", "특별자치도", "특별시", "광역시", "도", "시")
_OLD_REGION_NAMES = {"강원도": "강원", "전라북도": "전북", "제주도": "제주"}


def _region_of_word(word: str, regions: Mapping[str, str]) -> str | None:
    """The region a word names: "충청남도", "서울시", "경기", and the older "강원도", "전라북도"."""
    word = _OLD_REGION_NAMES.get(word, word)
    code = regions.get(_fold(word))
    if code is not None:
        return code
    for suffix in _REGION_SUFFIXES:
        stem = word.removesuffix(suffix)
        if stem != word and len(stem) >= 2 and (code := regions.get(_fold(stem))):
            return code
    return None


def parse_region(text: str, regions: Mapping[str, str]) -> str:
    """A region code from a code, a name ("경기도", "Gyeonggi", "경기") or a full address.

    An address ("충청남도 천안시 서북구 ...", "서울특별시 강남구") gives the 시도 its first word
    names; an address whose first word names no 시도 is refused.
    """
    code = regions.get(_fold(text))
    if code is None:
        first = unicodedata.normalize("NFC", text).split()[0] if text.split() else text
        code = _region_of_word(first, regions)
    if code is None:
        raise BadCell(Message("importer.unknown_region", {"text": text}))
    return code


def parse_revenue_band(text: str, bands: Mapping[str, str]) -> str:
    band = bands.get(_fold(text))
    if band is None:
        raise BadCell(Message("importer.unknown_revenue_band", {"text": text}))
    return band


_HEAD_COUNT_UNIT = re.compile(r"\s*(명|인)$")


def parse_employees(text: str) -> int:
    """A head count: "45", "1,200", and with the unit as Korean files write it, "45명", "45 명"."""
    value = _number(_HEAD_COUNT_UNIT.sub("", text.strip()))
    if value is None or not value.is_integer() or not 1 <= value <= 1_000_000:
        raise BadCell(Message("importer.bad_employees", {"text": text}))
    return int(value)


def parse_export_share(text: str) -> float:
    """A percentage ("35", "35%", "35.5 %") as a share 0-1."""
    value = _number(text.removesuffix("%"))
    if value is None or not 0 <= value <= 100:
        raise BadCell(Message("importer.bad_export_share", {"text": text}))
    return value / 100


def parse_wave(text: str) -> int:
    value = _number(text)
    if value is None or not value.is_integer() or int(value) not in WAVES:
        raise BadCell(
            Message(
                "importer.bad_wave", {"first": WAVES.start, "last": WAVES.stop - 1, "text": text}
            )
        )
    return int(value)


def parse_mode(text: str) -> str:
    folded = _fold(text)
    for mode, words in MODE_WORDS.items():
        if folded in words:
            return mode
    raise BadCell(Message("importer.bad_mode", {"text": text}))


def parse_flag(text: str) -> bool:
    folded = _fold(text)
    if folded in TRUE_WORDS:
        return True
    if folded in FALSE_WORDS:
        return False
    raise BadCell(Message("importer.bad_flag", {"text": text}))


def parse_level(text: str) -> int | None:
    """A level 0-5, or None for "not applicable"."""
    if text in LEVELS:
        return LEVELS[text]
    if _fold(text) in NA_WORDS:
        return None
    value = _number(text)
    if value is None:
        raise BadCell(Message("importer.bad_level", {"text": text}))
    if not value.is_integer():
        raise BadCell(Message("importer.level_not_whole", {"text": text}))
    if not 0 <= value <= MAX_LEVEL:
        raise BadCell(Message("importer.level_out_of_range", {"text": text}))
    return int(value)
