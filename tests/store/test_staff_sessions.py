"""Staff sessions and sign-in throttling on SQLite and PostgreSQL (issue #13).

Sessions: created with a one-time grant, redeemed once for a token stored only as a digest, held
by id or token, ended by sign-out, idleness, the absolute lifetime, a new password, a lock-out and
the account's removal. Throttling: bounded argon2 concurrency, per-address limits that answer the
same for unknown addresses, per-client limits, all counted in the database.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlmodel import select

from readiness import auth
from readiness.auth import LOCK_AFTER, LOCK_MINUTES, LiveSession, Outcome, SessionEnd
from readiness.db import read_session
from readiness.models import SignInAttempt, StaffSessionRecord, StaffUser
from readiness.paths import ROOT

EMAIL = "lee.staff@innobiz.kr"
PASSWORD = "correct horse battery"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def cheap_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def staff(engine: sa.Engine) -> StaffUser:
    return auth.add_staff(engine=engine, email=EMAIL, password=PASSWORD, display_name="이 담당")


def _begin(engine: sa.Engine, user: StaffUser, now: datetime = T0) -> tuple[int, str]:
    """A session as a sign-in makes it, with the cookie token its grant turns into."""
    new = auth.start_session(engine=engine, user=user, lifetime_hours=12, now=now)
    token = auth.redeem_grant(engine=engine, grant=new.grant, now=now + timedelta(seconds=2))
    assert token is not None
    return new.id, token


def _check(engine: sa.Engine, now: datetime, **by: object) -> LiveSession | SessionEnd | None:
    return auth.check_session(engine=engine, idle_minutes=30, now=now, **by)  # type: ignore[arg-type]


def _rows(engine: sa.Engine) -> list[StaffSessionRecord]:
    with read_session(engine) as session:
        return list(session.exec(select(StaffSessionRecord)).all())


def test_a_session_holds_by_id_and_by_token_stored_only_as_a_digest(
    engine: sa.Engine, staff: StaffUser
) -> None:
    session_id, token = _begin(engine, staff)
    held = _check(engine, T0 + timedelta(minutes=5), token=token)
    assert held == LiveSession(session_id, EMAIL, "이 담당")
    assert _check(engine, T0 + timedelta(minutes=6), session_id=session_id) == held
    (row,) = _rows(engine)
    assert row.token_hash is not None and token not in row.token_hash and len(row.token_hash) == 64
    assert row.grant_hash is None  # used up
    assert row.expires_at == T0 + timedelta(hours=12)
    assert _check(engine, T0, token=token + "x") is None  # a guess opens nothing


def test_a_grant_works_once_and_only_briefly(engine: sa.Engine, staff: StaffUser) -> None:
    new = auth.start_session(engine=engine, user=staff, now=T0)
    late = T0 + timedelta(seconds=auth.GRANT_SECONDS + 1)
    assert auth.redeem_grant(engine=engine, grant=new.grant, now=late) is None
    new = auth.start_session(engine=engine, user=staff, now=T0)
    assert auth.redeem_grant(engine=engine, grant=new.grant, now=T0) is not None
    assert auth.redeem_grant(engine=engine, grant=new.grant, now=T0) is None  # replayed
    assert auth.redeem_grant(engine=engine, grant="", now=T0) is None


def test_idle_and_absolute_lifetimes_end_a_session(engine: sa.Engine, staff: StaffUser) -> None:
    session_id, token = _begin(engine, staff)
    assert _check(engine, T0 + timedelta(minutes=31), token=token) is SessionEnd.IDLE
    assert _check(engine, T0 + timedelta(minutes=32), token=token) is SessionEnd.REVOKED

    session_id, token = _begin(engine, staff)
    now = T0
    while now < T0 + timedelta(hours=12) - timedelta(minutes=20):  # busy all day, never idle
        now += timedelta(minutes=20)
        assert isinstance(_check(engine, now, token=token), LiveSession), now
    assert _check(engine, T0 + timedelta(hours=12), token=token) is SessionEnd.EXPIRED


def test_sign_out_revokes_the_session_on_every_replica(
    engine: sa.Engine, staff: StaffUser, db_url: str
) -> None:
    session_id, token = _begin(engine, staff)
    auth.end_session(engine=engine, session_id=session_id, now=T0 + timedelta(minutes=1))
    other_replica = sa.create_engine(db_url)  # another process's engine on the same database
    try:
        seen = auth.check_session(engine=other_replica, token=token, now=T0 + timedelta(minutes=2))
    finally:
        other_replica.dispose()
    assert seen is SessionEnd.REVOKED


@pytest.mark.parametrize("change", ["password", "lock-out", "removal"])
def test_account_changes_end_all_its_sessions(
    engine: sa.Engine, staff: StaffUser, change: str
) -> None:
    other = auth.add_staff(engine=engine, email="park@innobiz.kr", password=PASSWORD)
    now = datetime.now(UTC)  # the account change stamps the real time
    sessions = [_begin(engine, staff, now), _begin(engine, staff, now)]
    bystander, _ = _begin(engine, other, now)
    if change == "password":
        auth.set_password(engine=engine, email=EMAIL, password="a brand new passphrase")
    elif change == "lock-out":
        for _ in range(LOCK_AFTER):
            auth.authenticate(engine=engine, email=EMAIL, password="wrong password!", now=now)
    else:
        assert auth.remove_staff(engine=engine, email=EMAIL)
    later = now + timedelta(seconds=1)
    for session_id, token in sessions:
        assert not isinstance(_check(engine, later, token=token), LiveSession)
        assert _check(engine, later, session_id=session_id) is SessionEnd.REVOKED
    if change != "removal":  # revoked for good: still ended once a lock has run out
        after_lock = now + timedelta(minutes=LOCK_MINUTES + 1)
        assert _check(engine, after_lock, session_id=sessions[0][0]) is SessionEnd.REVOKED
    assert isinstance(_check(engine, later, session_id=bystander), LiveSession)


# --- throttling ----------------------------------------------------------------------------------


def _attempt(engine: sa.Engine, email: str, password: str, *, client: str = "203.0.113.7", **kw):  # type: ignore[no-untyped-def]
    return auth.authenticate(
        engine=engine, email=email, password=password, client=client, now=T0, **kw
    )


def test_unknown_addresses_lock_like_known_ones(engine: sa.Engine, staff: StaffUser) -> None:
    """No oracle: a known and an unknown address answer alike, attempt by attempt."""
    known = [_attempt(engine, EMAIL, f"wrong {n} password").public_outcome for n in range(7)]
    unknown = [
        _attempt(engine, "ghost@innobiz.kr", f"wrong {n} password").public_outcome for n in range(7)
    ]
    expected = [Outcome.WRONG] * (LOCK_AFTER - 1) + [Outcome.LOCKED] * (7 - LOCK_AFTER + 1)
    assert known == expected and unknown == expected
    locked = _attempt(engine, "ghost@innobiz.kr", PASSWORD)
    assert locked.locked_until == T0 + timedelta(minutes=LOCK_MINUTES)


def test_a_client_that_fails_too_often_is_told_to_wait(engine: sa.Engine, staff: StaffUser) -> None:
    for n in range(auth.CLIENT_ATTEMPTS):
        result = _attempt(engine, f"user{n}@innobiz.kr", "wrong password!")
        assert result.public_outcome is Outcome.WRONG
    assert _attempt(engine, EMAIL, PASSWORD).outcome is Outcome.BUSY  # even the right one
    assert _attempt(engine, EMAIL, PASSWORD, client="198.51.100.9").ok  # another client
    with read_session(engine) as session:
        keys = {a.client_key for a in session.exec(select(SignInAttempt)).all()}
    assert all(len(k) == 64 and "203.0.113.7" not in k for k in keys)  # digests only


def test_success_clears_the_address_failures(engine: sa.Engine, staff: StaffUser) -> None:
    for _ in range(LOCK_AFTER - 1):
        assert not _attempt(engine, EMAIL, "wrong password!").ok
    assert _attempt(engine, EMAIL, PASSWORD).ok
    assert _attempt(engine, EMAIL, "wrong password!").outcome is Outcome.WRONG


class SlowHasher(PasswordHasher):
    """Cheap parameters, a fixed delay, and the most verifications ever running at once."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.running = 0
        self.peak = 0
        self._lock = threading.Lock()

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        with self._lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
        try:
            time.sleep(0.05)
            return super().verify(hash, password)
        finally:
            with self._lock:
                self.running -= 1


def test_parallel_sign_ins_verify_at_most_two_at_once_and_the_rest_wait_or_are_told_to(
    engine: sa.Engine, staff: StaffUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = SlowHasher()
    monkeypatch.setattr(auth, "HASHER", slow)
    auth._dummy.clear()
    start = threading.Barrier(30)

    def attempt(n: int) -> Outcome:
        start.wait()
        return auth.authenticate(
            engine=engine,
            email=f"nobody{n}@innobiz.kr",
            password="whatever12345",
            client=f"client-{n}",
            wait=0.3,
        ).public_outcome

    with ThreadPoolExecutor(max_workers=30) as pool:
        outcomes = list(pool.map(attempt, range(30)))
    auth._dummy.clear()
    assert slow.peak <= auth.SIGN_IN_CONCURRENCY
    assert set(outcomes) <= {Outcome.WRONG, Outcome.BUSY}
    assert Outcome.BUSY in outcomes and Outcome.WRONG in outcomes


def test_thirty_parallel_unknown_sign_ins_stay_under_the_memory_bound() -> None:
    """bench/sign_in_memory.py, production argon2 (64 MiB): 30 parallel sign-ins with unknown
    e-mails peak at most (slots + 1) x 64 MiB above the process's baseline (1.9 GB before)."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "sign_in_memory.py"), "--skip-unbounded"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    print(done.stdout)
    bounded = next(line for line in done.stdout.splitlines() if line.startswith("bounded"))
    above_mb = float(bounded.split()[5])
    assert above_mb <= (auth.SIGN_IN_CONCURRENCY + 1) * 64, bounded
    assert "'wrong'" in bounded  # checked (a busy machine may tell some to try again)


def test_concurrent_attempts_on_an_unknown_address_lock_exactly_at_the_threshold(
    engine: sa.Engine,
) -> None:
    """Counted across replicas exactly: many processes' attempts at once (here threads with a
    slot each) leave LOCK_AFTER - 1 wrong answers, and every other one is locked."""
    attempts = 4 * LOCK_AFTER
    auth.set_sign_in_concurrency(attempts)
    start = threading.Barrier(attempts)

    def attempt(n: int) -> Outcome:
        start.wait()
        return _attempt(engine, "ghost@innobiz.kr", "wrong password!", client=f"c{n}")

    try:
        with ThreadPoolExecutor(max_workers=attempts) as pool:
            outcomes = [r.public_outcome for r in pool.map(attempt, range(attempts))]
    finally:
        auth.set_sign_in_concurrency(auth.SIGN_IN_CONCURRENCY)
    assert outcomes.count(Outcome.WRONG) == LOCK_AFTER - 1
    assert outcomes.count(Outcome.LOCKED) == attempts - (LOCK_AFTER - 1)


def test_a_locked_account_costs_what_an_unknown_address_costs(
    engine: sa.Engine, staff: StaffUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Five failures a minute apart: the account stays locked 15 minutes from the last, after the
    first has left any 15-minute count. Probing then, a known and an unknown address answer
    alike and cost alike (no oracle in the answer nor in the time)."""
    counted: list[str] = []
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)

    class Counting(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:
            counted.append("verify")
            return cheap.verify(hash, password)

    monkeypatch.setattr(auth, "HASHER", Counting(time_cost=1, memory_cost=8, parallelism=1))
    auth._dummy.clear()
    for email in (EMAIL, "ghost@innobiz.kr"):
        for minute in range(LOCK_AFTER):
            auth.authenticate(
                engine=engine,
                email=email,
                password="wrong password!",
                now=T0 + timedelta(minutes=minute),
            )
    probe = T0 + timedelta(minutes=LOCK_MINUTES + 1)
    costs = {}
    for email in (EMAIL, "ghost@innobiz.kr"):
        counted.clear()
        result = auth.authenticate(engine=engine, email=email, password="guess", now=probe)
        assert result.public_outcome is Outcome.LOCKED, email
        costs[email] = len(counted)
    auth._dummy.clear()
    assert costs[EMAIL] == costs["ghost@innobiz.kr"]
