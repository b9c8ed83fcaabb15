"""`readiness staff ...`: passwords come from stdin (or a terminal prompt), never from argv."""

from __future__ import annotations

import io

import pytest
from argon2 import PasswordHasher

from readiness import auth
from readiness.cli import main
from readiness.db import make_engine

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def cheap_hasher(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def staff(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    url: str,
    *argv: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(["--database-url", url, "staff", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_add_reads_the_first_line_of_stdin(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = staff(
        capsys,
        monkeypatch,
        sqlite_url,
        "add",
        " Kim@Innobiz.KR",
        "--name",
        "김 담당",
        stdin=f"{PASSWORD}\r\nignored second line\n",
    )
    assert (code, err) == (0, "")
    assert "kim@innobiz.kr" in out and PASSWORD not in out
    engine = make_engine(sqlite_url)
    user = auth.get_staff(engine=engine, email="kim@innobiz.kr")
    assert user is not None and user.display_name == "김 담당"
    assert auth.authenticate(engine=engine, email="kim@innobiz.kr", password=PASSWORD).ok


def test_add_refuses_a_duplicate_a_short_password_and_empty_stdin(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert staff(capsys, monkeypatch, sqlite_url, "add", "kim@innobiz.kr", stdin=PASSWORD)[0] == 0
    code, out, err = staff(
        capsys, monkeypatch, sqlite_url, "add", "KIM@innobiz.kr", stdin="another long password"
    )
    assert code != 0 and out == ""
    assert "already exists" in err
    code, _, err = staff(capsys, monkeypatch, sqlite_url, "add", "lee@innobiz.kr", stdin="short\n")
    assert code != 0 and "at least 12 characters" in err
    code, _, err = staff(capsys, monkeypatch, sqlite_url, "add", "lee@innobiz.kr", stdin="")
    assert code != 0 and "no password on stdin" in err
    code, _, err = staff(capsys, monkeypatch, sqlite_url, "add", "not-an-email", stdin=PASSWORD)
    assert code != 0 and "not an email address" in err
    engine = make_engine(sqlite_url)
    assert [u.email for u in auth.list_staff(engine=engine)] == ["kim@innobiz.kr"]


def test_add_takes_no_password_argument(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SystemExit) as exc:
        staff(capsys, monkeypatch, sqlite_url, "add", "kim@innobiz.kr", PASSWORD)
    assert exc.value.code == 2


def test_at_a_terminal_the_password_is_typed_twice(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    typed = iter([PASSWORD, PASSWORD + "!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    monkeypatch.setattr("sys.stdin", Terminal())
    assert main(["--database-url", sqlite_url, "staff", "add", "kim@innobiz.kr"]) != 0
    assert "the two passwords differ" in capsys.readouterr().err

    typed = iter([PASSWORD, PASSWORD])
    assert main(["--database-url", sqlite_url, "staff", "add", "kim@innobiz.kr"]) == 0
    engine = make_engine(sqlite_url)
    assert auth.authenticate(engine=engine, email="kim@innobiz.kr", password=PASSWORD).ok


def test_list_shows_accounts_and_locks(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = staff(capsys, monkeypatch, sqlite_url, "list")
    assert code == 0 and "no staff accounts" in out
    for email in ("lee@innobiz.kr", "kim@innobiz.kr"):
        staff(capsys, monkeypatch, sqlite_url, "add", email, stdin=PASSWORD)
    engine = make_engine(sqlite_url)
    for _ in range(auth.LOCK_AFTER):
        auth.authenticate(engine=engine, email="lee@innobiz.kr", password="wrong password!")
    code, out, _ = staff(capsys, monkeypatch, sqlite_url, "list")
    assert code == 0
    header, kim, lee = out.splitlines()
    assert "locked until" in header
    assert kim.startswith("kim@innobiz.kr") and kim.endswith(" -")
    assert lee.startswith("lee@innobiz.kr") and lee.endswith(" UTC")


def test_passwd_replaces_the_password_and_lifts_the_lock(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    staff(capsys, monkeypatch, sqlite_url, "add", "kim@innobiz.kr", stdin=PASSWORD)
    engine = make_engine(sqlite_url)
    for _ in range(auth.LOCK_AFTER):
        auth.authenticate(engine=engine, email="kim@innobiz.kr", password="wrong password!")
    code, _, _ = staff(
        capsys, monkeypatch, sqlite_url, "passwd", "kim@innobiz.kr", stdin="a new passphrase\n"
    )
    assert code == 0
    assert auth.authenticate(engine=engine, email="kim@innobiz.kr", password="a new passphrase").ok
    code, _, err = staff(
        capsys, monkeypatch, sqlite_url, "passwd", "nobody@innobiz.kr", stdin=PASSWORD
    )
    assert code != 0 and "no staff account" in err


def test_remove_deletes_and_refuses_an_unknown_email(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    staff(capsys, monkeypatch, sqlite_url, "add", "kim@innobiz.kr", stdin=PASSWORD)
    code, out, _ = staff(capsys, monkeypatch, sqlite_url, "remove", "KIM@innobiz.kr")
    assert code == 0 and "removed" in out
    code, out, _ = staff(capsys, monkeypatch, sqlite_url, "list")
    assert "kim@innobiz.kr" not in out
    code, _, err = staff(capsys, monkeypatch, sqlite_url, "remove", "kim@innobiz.kr")
    assert code != 0 and "no staff account for kim@innobiz.kr" in err
    assert main(["--database-url", sqlite_url, "audit", "verify"]) == 0


@pytest.mark.parametrize("command", ["passwd", "remove"])
def test_passwd_and_remove_end_the_accounts_open_sessions(
    sqlite_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: str,
) -> None:
    """Issue #13: the command's effect reaches a tab signed in right now, and it says so."""
    staff(capsys, monkeypatch, sqlite_url, "add", "kim@innobiz.kr", stdin=PASSWORD)
    engine = make_engine(sqlite_url)
    user = auth.get_staff(engine=engine, email="kim@innobiz.kr")
    assert user is not None
    session = auth.start_session(engine=engine, user=user)
    assert isinstance(auth.check_session(engine=engine, session_id=session.id), auth.LiveSession)
    code, out, _ = staff(
        capsys, monkeypatch, sqlite_url, command, "kim@innobiz.kr", stdin="a new passphrase\n"
    )
    assert code == 0 and "signed-in sessions ended" in out
    assert auth.check_session(engine=engine, session_id=session.id) is auth.SessionEnd.REVOKED
