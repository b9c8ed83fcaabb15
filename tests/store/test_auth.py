"""Staff accounts on SQLite and PostgreSQL: hashing, lock-out, refusals, concurrency, audit."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.profiles import RFC_9106_LOW_MEMORY
from sqlmodel import func, select

from readiness import auth, store
from readiness.auth import LOCK_AFTER, LOCK_MINUTES, AuthError, Outcome
from readiness.db import read_session
from readiness.models import AuditEvent, StaffUser

EMAIL = "kim.staff@innobiz.kr"
PASSWORD = "correct horse battery"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class CountingHasher(PasswordHasher):
    """Cheap parameters (tests only), and a count of verifications."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.verified = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified += 1
        return super().verify(hash, password)


@pytest.fixture(autouse=True)
def hasher(monkeypatch: pytest.MonkeyPatch) -> CountingHasher:
    """Production parameters cost ~0.5 s a hash; the logic under test does not depend on them."""
    cheap = CountingHasher()
    monkeypatch.setattr(auth, "HASHER", cheap)
    return cheap


def _staff(engine: sa.Engine) -> StaffUser:
    user = auth.get_staff(engine=engine, email=EMAIL)
    assert user is not None
    return user


def _events(engine: sa.Engine, action: str) -> list[AuditEvent]:
    with read_session(engine) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def _count(engine: sa.Engine, model: type) -> int:
    with read_session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def _login(engine: sa.Engine, password: str, now: datetime = T0) -> auth.AuthResult:
    return auth.authenticate(engine=engine, email=EMAIL, password=password, now=now)


def _login_as(engine: sa.Engine, email: str) -> auth.AuthResult:
    return auth.authenticate(engine=engine, email=email, password=PASSWORD, now=T0)


def _all_events(engine: sa.Engine) -> list[AuditEvent]:
    with read_session(engine) as session:
        return list(session.exec(select(AuditEvent).order_by(AuditEvent.id)).all())  # type: ignore[arg-type]


@pytest.fixture
def staff(engine: sa.Engine) -> StaffUser:
    return auth.add_staff(engine=engine, email=EMAIL, password=PASSWORD, display_name="김 담당")


def test_production_hash_is_argon2id_and_not_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "HASHER", PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY))
    hashed = auth.hash_password(PASSWORD)
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert PASSWORD not in hashed
    assert auth.verify(hashed, PASSWORD) == (True, None)
    assert auth.verify(hashed, PASSWORD + "x") == (False, None)


def test_add_staff_stores_a_hash_and_audits_without_the_password(
    engine: sa.Engine, staff: StaffUser
) -> None:
    stored = _staff(engine)
    assert stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash
    assert stored.display_name == "김 담당" and stored.failed_attempts == 0
    [event] = _events(engine, "staff.add")
    assert event.actor == "cli" and event.entity_id == str(stored.id)
    assert EMAIL in event.detail and PASSWORD not in event.detail


def test_email_is_normalised(engine: sa.Engine) -> None:
    user = auth.add_staff(engine=engine, email="  Lee@Innobiz.KR ", password=PASSWORD)
    assert user.email == "lee@innobiz.kr"
    assert _login_as(engine, "LEE@innobiz.kr ").ok


def test_right_password_signs_in_and_records_the_time(engine: sa.Engine, staff: StaffUser) -> None:
    result = _login(engine, PASSWORD)
    assert result.outcome is Outcome.OK and result.ok
    assert result.user is not None and result.user.email == EMAIL
    assert _staff(engine).last_login_at == T0
    [event] = _events(engine, "staff.login")
    assert event.actor == EMAIL and PASSWORD not in event.detail


def test_wrong_password_is_refused_and_counted(engine: sa.Engine, staff: StaffUser) -> None:
    result = _login(engine, "wrong password!")
    assert result.outcome is Outcome.WRONG and not result.ok
    assert result.user is None and result.locked_until is None
    assert _staff(engine).failed_attempts == 1
    assert _staff(engine).last_login_at is None


def test_five_wrong_passwords_lock_for_fifteen_minutes(engine: sa.Engine, staff: StaffUser) -> None:
    outcomes = [_login(engine, f"wrong {n} password").outcome for n in range(LOCK_AFTER)]
    assert outcomes == [Outcome.WRONG] * (LOCK_AFTER - 1) + [Outcome.LOCKED]
    until = T0 + timedelta(minutes=LOCK_MINUTES)
    assert _staff(engine).locked_until == until
    assert len(_events(engine, "staff.locked")) == 1

    almost = until - timedelta(seconds=1)
    refused = _login(engine, PASSWORD, now=almost)
    assert refused.outcome is Outcome.LOCKED and refused.locked_until == until
    assert refused.user is None and _staff(engine).last_login_at is None

    after = _login(engine, PASSWORD, now=until)
    assert after.ok
    stored = _staff(engine)
    assert stored.locked_until is None and stored.failed_attempts == 0
    assert stored.last_login_at == until


def test_after_a_lock_expires_five_fresh_attempts_are_allowed(
    engine: sa.Engine, staff: StaffUser
) -> None:
    for _ in range(LOCK_AFTER):
        _login(engine, "wrong password!")
    later = T0 + timedelta(minutes=LOCK_MINUTES)
    outcomes = [_login(engine, "wrong password!", now=later).outcome for _ in range(LOCK_AFTER)]
    assert outcomes == [Outcome.WRONG] * (LOCK_AFTER - 1) + [Outcome.LOCKED]


def test_attempts_during_a_lock_neither_count_nor_extend_it(
    engine: sa.Engine, staff: StaffUser
) -> None:
    for _ in range(LOCK_AFTER):
        _login(engine, "wrong password!")
    until = _staff(engine).locked_until
    for minute in range(1, 10):
        assert _login(engine, "wrong password!", now=T0 + timedelta(minutes=minute)).locked_until
    assert _staff(engine).locked_until == until
    assert len(_events(engine, "staff.locked")) == 1


def test_success_resets_the_counter(engine: sa.Engine, staff: StaffUser) -> None:
    for _ in range(LOCK_AFTER - 1):
        assert _login(engine, "wrong password!").outcome is Outcome.WRONG
    assert _login(engine, PASSWORD).ok
    assert _staff(engine).failed_attempts == 0
    for _ in range(LOCK_AFTER - 1):
        assert _login(engine, "wrong password!").outcome is Outcome.WRONG
    assert _staff(engine).locked_until is None


def test_unknown_email_looks_like_a_wrong_password_and_writes_nothing(
    engine: sa.Engine, staff: StaffUser, hasher: CountingHasher
) -> None:
    before = _count(engine, AuditEvent)
    hasher.verified = 0
    unknown = auth.authenticate(engine=engine, email="nobody@innobiz.kr", password=PASSWORD)
    assert unknown.outcome is Outcome.UNKNOWN
    assert hasher.verified == 1  # a dummy verification, so it takes as long as a real one
    wrong = _login(engine, "wrong password!")
    assert unknown.public_outcome is wrong.public_outcome is Outcome.WRONG
    assert (unknown.user, unknown.locked_until) == (wrong.user, wrong.locked_until) == (None, None)
    assert _count(engine, AuditEvent) == before
    malformed = auth.authenticate(engine=engine, email="not an email", password=PASSWORD)
    assert malformed.public_outcome is Outcome.WRONG and hasher.verified == 3


def test_outdated_hash_is_replaced_on_sign_in(
    engine: sa.Engine, staff: StaffUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_hash = _staff(engine).password_hash
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=2, memory_cost=16, parallelism=1))
    assert not _login(engine, "wrong password!").ok
    assert _staff(engine).password_hash == old_hash  # a wrong password never rehashes
    assert _login(engine, PASSWORD).ok
    new_hash = _staff(engine).password_hash
    assert new_hash != old_hash and "$m=16,t=2,p=1$" in new_hash
    assert _login(engine, PASSWORD).ok
    assert _staff(engine).password_hash == new_hash


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        (EMAIL, "short pass", "at least 12 characters"),
        ("no-at-sign.kr", PASSWORD, "is not an email address"),
        ("two@at@innobiz.kr", PASSWORD, "is not an email address"),
        ("kim@localhost", PASSWORD, "is not an email address"),
    ],
)
def test_bad_accounts_are_refused_and_nothing_is_written(
    engine: sa.Engine, email: str, password: str, message: str
) -> None:
    with pytest.raises(AuthError, match=message):
        auth.add_staff(engine=engine, email=email, password=password)
    assert _count(engine, StaffUser) == 0
    assert _count(engine, AuditEvent) == 0


def test_duplicate_email_is_refused_and_nothing_is_written(
    engine: sa.Engine, staff: StaffUser
) -> None:
    events = _count(engine, AuditEvent)
    with pytest.raises(AuthError, match="already exists"):
        auth.add_staff(engine=engine, email=EMAIL.upper(), password="another long password")
    assert _count(engine, StaffUser) == 1
    assert _count(engine, AuditEvent) == events
    assert _login(engine, PASSWORD).ok  # the first account's password is untouched


def test_set_password_replaces_it_and_lifts_a_lock(engine: sa.Engine, staff: StaffUser) -> None:
    for _ in range(LOCK_AFTER):
        _login(engine, "wrong password!")
    with pytest.raises(AuthError, match="at least 12"):
        auth.set_password(engine=engine, email=EMAIL, password="short")
    auth.set_password(engine=engine, email=EMAIL, password="a brand new passphrase", actor="admin")
    assert _login(engine, "a brand new passphrase").ok
    assert _login(engine, PASSWORD).outcome is Outcome.WRONG
    [event] = _events(engine, "staff.password")
    assert event.actor == "admin" and "passphrase" not in event.detail
    with pytest.raises(AuthError, match="no staff account"):
        auth.set_password(engine=engine, email="nobody@innobiz.kr", password=PASSWORD)


def test_remove_staff_deletes_the_account_and_audits_it(
    engine: sa.Engine, staff: StaffUser
) -> None:
    assert auth.remove_staff(engine=engine, email=EMAIL, actor="admin")
    assert auth.get_staff(engine=engine, email=EMAIL) is None
    assert _login(engine, PASSWORD).outcome is Outcome.UNKNOWN
    assert not auth.remove_staff(engine=engine, email=EMAIL)
    [event] = _events(engine, "staff.remove")
    assert event.actor == "admin" and event.entity_id == str(staff.id)


def test_concurrent_wrong_attempts_lock_exactly_at_the_threshold(
    engine: sa.Engine, staff: StaffUser
) -> None:
    threads_n = 3 * LOCK_AFTER
    start = threading.Barrier(threads_n)
    outcomes: list[Outcome] = []
    errors: list[BaseException] = []

    def attempt() -> None:
        try:
            start.wait()
            outcomes.append(_login(engine, "wrong password!").outcome)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=attempt) for _ in range(threads_n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    counts = Counter(outcomes)
    assert counts[Outcome.WRONG] == LOCK_AFTER - 1
    assert counts[Outcome.LOCKED] == threads_n - (LOCK_AFTER - 1)
    assert _staff(engine).locked_until == T0 + timedelta(minutes=LOCK_MINUTES)
    assert len(_events(engine, "staff.locked")) == 1


def test_audit_chain_verifies_after_staff_events(engine: sa.Engine, staff: StaffUser) -> None:
    assert _login(engine, PASSWORD).ok
    for _ in range(LOCK_AFTER):
        _login(engine, "wrong password!")
    auth.set_password(engine=engine, email=EMAIL, password="a brand new passphrase")
    auth.add_staff(engine=engine, email="park@innobiz.kr", password=PASSWORD)
    auth.remove_staff(engine=engine, email="park@innobiz.kr")
    report = store.verify_audit(engine=engine)
    actions = [e.action for e in _all_events(engine)]
    assert actions == [
        "staff.add",
        "staff.login",
        "staff.locked",
        "staff.password",
        "staff.add",
        "staff.remove",
    ]
    assert report.ok and report.checked == len(actions)
