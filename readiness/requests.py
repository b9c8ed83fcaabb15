"""Requests to the association: a CEO's contact details and message, validated before storing.

Three kinds: "link" (send my private link again; from the start page or the "link not valid"
page), "introduction" (to a suggested partner type or a suggested member; from the results page)
and "programme" (ask the association about a suggested support programme; from the results page).
`check_request` returns the cleaned request or the problems, as codes the pages translate
(`req.err.<code>`), so that bad input writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from readiness.profile import BizNoError, clean_text, normalize_biz_no

KINDS = ("link", "introduction", "programme")
STATUSES = ("new", "in_progress", "done")
COMPANY_NAME_MAX = 120
CONTACT_NAME_MAX = 80
MESSAGE_MAX = 1000
NOTES_MAX = 2000
EMAIL_MAX = 254
PHONE_MAX = 20

_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 \-()]*$")
_PROGRAM_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class NewRequest:
    """A request as the CEO sent it, cleaned; `company_id` is the sender's company when known."""

    kind: str
    contact_name: str
    phone: str | None
    email: str | None
    consent: bool
    message: str = ""
    company_id: int | None = None
    company_name: str = ""
    biz_no: str | None = None
    partner_type: str | None = None
    member_id: int | None = None
    program_id: str | None = None


def _text(value: str | None, max_length: int, problems: list[str], code: str) -> str:
    try:
        return clean_text(value or "", max_length=max_length)
    except ValueError:
        problems.append(code)
        return ""


def check_request(
    *,
    kind: str,
    contact_name: str | None,
    phone: str | None,
    email: str | None,
    consent: bool,
    message: str | None = "",
    company_id: int | None = None,
    company_name: str | None = "",
    biz_no: str | None = None,
    partner_type: str | None = None,
    member_id: int | None = None,
    program_id: str | None = None,
) -> tuple[NewRequest | None, list[str]]:
    """The cleaned request, or None and the problems' codes (in the form's order)."""
    if kind not in KINDS:
        raise ValueError(f"unknown request kind {kind!r}")
    problems: list[str] = []
    name = _text(company_name, COMPANY_NAME_MAX, problems, "company_name_long")
    number: str | None = None
    if kind == "link":
        if not name and "company_name_long" not in problems:
            problems.append("company_name")
        if (biz_no or "").strip():
            try:
                number = normalize_biz_no(biz_no or "")
            except BizNoError:
                problems.append("biz_no")
    elif kind == "programme":
        if not program_id or not _PROGRAM_ID.match(program_id):
            raise ValueError("a programme request needs the programme's id")
    elif partner_type is None and member_id is None:
        raise ValueError("an introduction needs a partner type or a member")
    contact = _text(contact_name, CONTACT_NAME_MAX, problems, "contact_name_long")
    if not contact and "contact_name_long" not in problems:
        problems.append("contact_name")
    phone_clean = (phone or "").strip()
    email_clean = (email or "").strip()
    if not phone_clean and not email_clean:
        problems.append("reach")
    digits = sum(ch.isdigit() for ch in phone_clean)
    if phone_clean and (
        len(phone_clean) > PHONE_MAX or not _PHONE.match(phone_clean) or not 8 <= digits <= 15
    ):
        problems.append("phone")
    if email_clean and (len(email_clean) > EMAIL_MAX or not _EMAIL.match(email_clean)):
        problems.append("email")
    text = _text(message, MESSAGE_MAX, problems, "message_long")
    if not consent:
        problems.append("consent")
    if problems:
        return None, problems
    return (
        NewRequest(
            kind=kind,
            contact_name=contact,
            phone=phone_clean or None,
            email=email_clean.lower() or None,
            consent=True,
            message=text,
            company_id=company_id,
            company_name=name,
            biz_no=number,
            partner_type=partner_type,
            member_id=member_id,
            program_id=program_id if kind == "programme" else None,
        ),
        [],
    )
