"""A member company's profile, validated before anything is written."""

from __future__ import annotations

import re
import unicodedata

from pydantic import field_validator, model_validator

from readiness import reference
from readiness.models import CompanyBase

_BIZ_NO_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


class BizNoError(ValueError):
    pass


def normalize_biz_no(raw: str) -> str:
    """A Korean business registration number as 10 digits, its check digit verified.

    Accepts 123-45-67890 or 1234567890; raises BizNoError with a plain reason otherwise.
    """
    digits = re.sub(r"[\s\-]", "", raw or "")
    if not digits.isascii() or not digits.isdigit() or len(digits) != 10:
        raise BizNoError("a business registration number has 10 digits (e.g. 123-45-67890)")
    d = [int(c) for c in digits]
    total = sum(a * b for a, b in zip(d[:9], _BIZ_NO_WEIGHTS, strict=True)) + (d[8] * 5) // 10
    if (10 - total % 10) % 10 != d[9]:
        raise BizNoError("the check digit does not match: please check the number")
    return digits


def is_valid_biz_no(raw: str) -> bool:
    try:
        normalize_biz_no(raw)
    except BizNoError:
        return False
    return True


def clean_text(value: str, *, max_length: int) -> str:
    """Strip, fold whitespace, drop control characters; refuse text longer than max_length."""
    value = unicodedata.normalize("NFC", value or "")
    value = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C" or ch in " \t")
    value = " ".join(value.split())
    if len(value) > max_length:
        raise ValueError(f"at most {max_length} characters")
    return value


class CompanyProfile(CompanyBase):
    """A company's profile as given (form, import, command line), validated and cleaned."""

    model_config = {"extra": "forbid"}

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, value: str) -> str:
        value = clean_text(str(value), max_length=120)
        if not value:
            raise ValueError("a company name is required")
        return value

    @field_validator("products", mode="before")
    @classmethod
    def _products(cls, value: str | None) -> str:
        return clean_text(str(value or ""), max_length=300)

    @field_validator("biz_no", mode="before")
    @classmethod
    def _biz_no(cls, value: str | None) -> str | None:
        if value is None or not str(value).strip():
            return None
        return normalize_biz_no(str(value))

    @field_validator("ksic")
    @classmethod
    def _ksic(cls, value: str) -> str:
        value = value.strip().upper()
        if value.isdigit():
            value = f"C{value}"
        if value not in reference.ksic_codes():
            raise ValueError(f"{value!r} is not a KSIC manufacturing division (C10-C34)")
        return value

    @field_validator("revenue_band")
    @classmethod
    def _revenue(cls, value: str | None) -> str | None:
        if value is not None and value not in reference.revenue_band_ids():
            raise ValueError(f"unknown revenue band {value!r}")
        return value

    @field_validator("region")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        if value is not None and value not in reference.region_codes():
            raise ValueError(f"unknown region code {value!r}")
        return value

    @field_validator("markets")
    @classmethod
    def _markets(cls, value: list[str]) -> list[str]:
        known = reference.market_ids()
        bad = [m for m in value if m not in known]
        if bad:
            raise ValueError(f"unknown market(s): {', '.join(bad)}")
        return list(dict.fromkeys(value))

    @field_validator("roles")
    @classmethod
    def _roles(cls, value: list[str]) -> list[str]:
        bad = [r for r in value if r not in reference.role_ids()]
        if bad:
            raise ValueError(f"unknown value-chain role(s): {', '.join(bad)}")
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _named_needs_suggest(self) -> CompanyProfile:
        if self.consent_named and not self.consent_suggest:
            self.consent_named = False
        return self

    @property
    def size_band(self) -> str:
        return reference.size_band_for(self.employees)
