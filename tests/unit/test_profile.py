from __future__ import annotations

import pytest
from pydantic import ValidationError

from readiness.profile import BizNoError, CompanyProfile, normalize_biz_no
from readiness.reference import size_band_for


@pytest.mark.parametrize("raw", ["124-81-00998", "1248100998", " 107-86-14075 "])
def test_published_business_numbers_pass_the_check_digit(raw: str) -> None:
    assert len(normalize_biz_no(raw)) == 10


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("124-81-00997", "check digit"),
        ("1248100", "10 digits"),
        ("12481009981", "10 digits"),
        ("124-81-0099A", "10 digits"),
        ("１２４８１００９９８", "10 digits"),  # full-width digits are not accepted silently
    ],
)
def test_wrong_business_numbers_say_why(raw: str, reason: str) -> None:
    with pytest.raises(BizNoError, match=reason):
        normalize_biz_no(raw)


def test_profile_cleans_text_and_derives_size_band() -> None:
    profile = CompanyProfile(
        name="  한빛\u0000정밀   <script>alert(1)</script> ",
        ksic="29",
        employees=45,
        biz_no="124-81-00998",
        markets=["US", "US", "VN"],
        roles=["components"],
    )
    assert profile.name == "한빛정밀 <script>alert(1)</script>"  # kept as text, never as HTML
    assert profile.ksic == "C29"
    assert profile.biz_no == "1248100998"
    assert profile.size_band == "10-49"
    assert profile.markets == ["US", "VN"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ksic", "C35"),
        ("ksic", "A01"),
        ("employees", 0),
        ("export_share", 1.5),
        ("region", "99"),
        ("roles", ["astronaut"]),
        ("name", "   "),
        ("name", "x" * 121),
        ("biz_no", "124-81-00997"),
    ],
)
def test_bad_profile_fields_are_refused(field: str, value: object) -> None:
    base = {"name": "가람정밀", "ksic": "C25", "employees": 12}
    with pytest.raises(ValidationError) as err:
        CompanyProfile(**{**base, field: value})
    assert field in str(err.value)


def test_being_named_requires_consent_to_be_suggested() -> None:
    profile = CompanyProfile(name="a", ksic="C10", employees=3, consent_named=True)
    assert profile.consent_named is False


@pytest.mark.parametrize(
    ("employees", "band"), [(1, "1-9"), (9, "1-9"), (10, "10-49"), (299, "50-299"), (300, "300+")]
)
def test_size_bands(employees: int, band: str) -> None:
    assert size_band_for(employees) == band


def test_unknown_profile_fields_are_refused() -> None:
    with pytest.raises(ValidationError, match="size_band"):
        CompanyProfile(name="가람정밀", ksic="C25", employees=12, size_band="300+")
