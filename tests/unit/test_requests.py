"""Requests to the association: what the form accepts, and the problems it names."""

from __future__ import annotations

import pytest

from readiness.requests import check_request

GOOD = {
    "kind": "link",
    "company_name": " 한빛정밀 ",
    "biz_no": "124-81-00998",
    "contact_name": "김대표",
    "phone": "010-1234-5678",
    "email": "",
    "consent": True,
}


def test_a_complete_link_request_is_cleaned() -> None:
    request, problems = check_request(**GOOD)
    assert problems == []
    assert request is not None
    assert request.company_name == "한빛정밀"
    assert request.biz_no == "1248100998"
    assert request.phone == "010-1234-5678"
    assert request.email is None


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"consent": False}, "consent"),
        ({"phone": "", "email": ""}, "reach"),
        ({"phone": "12"}, "phone"),
        ({"phone": "010-abcd-5678"}, "phone"),
        ({"email": "kim@"}, "email"),
        ({"email": "kim@example"}, "email"),
        ({"contact_name": "  "}, "contact_name"),
        ({"contact_name": "가" * 81}, "contact_name_long"),
        ({"company_name": ""}, "company_name"),
        ({"biz_no": "123-45-678"}, "biz_no"),
        ({"message": "x" * 1001}, "message_long"),
    ],
)
def test_bad_input_is_named(change: dict[str, object], problem: str) -> None:
    request, problems = check_request(**{**GOOD, **change})
    assert request is None
    assert problem in problems


def test_an_email_alone_is_enough_and_is_lowercased() -> None:
    request, problems = check_request(**{**GOOD, "phone": "", "email": "Kim@Hanbit.co.kr"})
    assert problems == []
    assert request is not None and request.email == "kim@hanbit.co.kr" and request.phone is None


def test_an_introduction_needs_no_company_name_but_a_target() -> None:
    request, problems = check_request(
        kind="introduction",
        contact_name="김대표",
        phone="",
        email="kim@hanbit.co.kr",
        consent=True,
        company_id=7,
        partner_type="export_agent",
        message="미국 수출 대행사를 찾습니다",
    )
    assert problems == [] and request is not None
    assert request.partner_type == "export_agent" and request.company_id == 7
    with pytest.raises(ValueError):
        check_request(
            kind="introduction", contact_name="김", phone="", email="a@b.kr", consent=True
        )


def test_a_programme_request_carries_the_programme_and_needs_one() -> None:
    base = {"contact_name": "김대표", "phone": "010-1234-5678", "email": None, "consent": True}
    request, problems = check_request(
        kind="programme", company_id=7, program_id="export_voucher", **base
    )
    assert problems == [] and request is not None
    assert (request.kind, request.program_id, request.company_id) == (
        "programme",
        "export_voucher",
        7,
    )
    for bad in (None, "", "Export Voucher", "x" * 41):
        with pytest.raises(ValueError, match="programme's id"):
            check_request(kind="programme", company_id=7, program_id=bad, **base)
    request, _ = check_request(
        kind="introduction", company_id=7, partner_type="agent", program_id="export_voucher", **base
    )
    assert request is not None and request.program_id is None
