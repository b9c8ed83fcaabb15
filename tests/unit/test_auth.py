"""The pure parts of staff access: session expiry, the OIDC allow-list, email shape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from readiness import auth
from readiness.auth import IDLE_MINUTES, AuthError, AuthResult, Outcome

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_session_expires_after_the_idle_limit() -> None:
    assert IDLE_MINUTES == 30
    assert not auth.session_expired(NOW - timedelta(minutes=29, seconds=59), NOW)
    assert auth.session_expired(NOW - timedelta(minutes=30), NOW)
    assert not auth.session_expired(NOW - timedelta(minutes=9), NOW, idle_minutes=10)
    assert auth.session_expired(NOW - timedelta(minutes=11), NOW, idle_minutes=10)


def test_allow_list_reads_the_environment_first_then_secrets() -> None:
    env = " Kim@Innobiz.kr, @Partner.KR ,,kim@innobiz.kr "
    assert auth.allow_list_from(env, ["other@x.kr"]) == ["kim@innobiz.kr", "@partner.kr"]
    assert auth.allow_list_from(None, ["Lee@X.kr", " @y.kr "]) == ["lee@x.kr", "@y.kr"]
    assert auth.allow_list_from("  ", "a@x.kr,b@x.kr") == ["a@x.kr", "b@x.kr"]
    assert auth.allow_list_from(None, None) == []


@pytest.mark.parametrize(
    ("email", "allowed"),
    [
        ("kim@innobiz.kr", True),
        ("  KIM@Innobiz.KR ", True),
        ("lee@innobiz.kr", False),
        ("anyone@partner.kr", True),
        ("anyone@evilpartner.kr", False),
        ("anyone@sub.partner.kr", False),
        ("kim@innobiz.kr.evil.com", False),
        ("partner.kr", False),
        ("", False),
    ],
)
def test_staff_email_allowed_by_exact_email_or_domain(email: str, allowed: bool) -> None:
    assert auth.staff_email_allowed(email, ["kim@innobiz.kr", "@partner.kr"]) is allowed


def test_an_empty_allow_list_allows_nobody() -> None:
    assert not auth.staff_email_allowed("kim@innobiz.kr", [])


def test_normalize_email_trims_lowers_and_refuses_what_is_not_an_address() -> None:
    assert auth.normalize_email("  Kim@InnoBiz.KR\n") == "kim@innobiz.kr"
    for bad in ("", "kim", "kim@", "@innobiz.kr", "kim@innobiz", "k m@innobiz.kr", "a@b@c.kr"):
        with pytest.raises(AuthError, match="not an email address"):
            auth.normalize_email(bad)


def test_unknown_shows_the_user_the_same_outcome_as_wrong() -> None:
    assert AuthResult(Outcome.UNKNOWN).public_outcome is Outcome.WRONG
    assert AuthResult(Outcome.WRONG).public_outcome is Outcome.WRONG
    assert AuthResult(Outcome.LOCKED, locked_until=NOW).public_outcome is Outcome.LOCKED
    assert not AuthResult(Outcome.UNKNOWN).ok
