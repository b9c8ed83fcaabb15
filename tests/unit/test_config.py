from __future__ import annotations

import re

import pytest

from readiness import auth, config, waves, workshops
from readiness.config import Settings, SettingsError, Smtp, settings
from readiness.db import database_url, make_engine
from readiness.paths import ROOT


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in config.VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_an_empty_environment_gives_the_documented_defaults(clean_env: pytest.MonkeyPatch) -> None:
    assert settings() == Settings()
    assert settings().database_url == f"sqlite:///{ROOT / 'var' / 'readiness.sqlite3'}"
    assert (settings().demo, settings().demo_companies, settings().demo_waves) == (True, 2000, 3)
    assert settings().wave is None and settings().public_url is None
    assert settings().staff_emails == ()
    assert settings().staff_idle_minutes == auth.IDLE_MINUTES
    assert settings().staff_session_hours == auth.SESSION_HOURS


def test_every_variable_is_read_and_typed() -> None:
    parsed = Settings.from_environ(
        {
            "DATABASE_URL": "postgresql+psycopg://u:p@db/readiness",
            "READINESS_WAVE": " 2031 ",
            "READINESS_DEMO": "off",
            "READINESS_DEMO_COMPANIES": "60",
            "READINESS_DEMO_WAVES": "2",
            "READINESS_PUBLIC_URL": "https://readiness.example.kr/app/",
            "READINESS_STAFF_EMAILS": " kim@x.kr, ,@partner.kr ",
            "READINESS_STAFF_IDLE_MINUTES": "10",
            "READINESS_STAFF_SESSION_HOURS": "8",
            "READINESS_SMTP_HOST": " mail.example.kr ",
            "READINESS_SMTP_PORT": "2525",
            "READINESS_SMTP_USER": "sender",
            "READINESS_SMTP_PASSWORD": "s3cret",
            "READINESS_SMTP_FROM": "noreply@example.kr",
            "READINESS_SMTP_STARTTLS": "no",
        }
    )
    assert parsed == Settings(
        database_url="postgresql+psycopg://u:p@db/readiness",
        wave=2031,
        demo=False,
        demo_companies=60,
        demo_waves=2,
        public_url="https://readiness.example.kr/app",
        staff_emails=("kim@x.kr", "@partner.kr"),
        staff_idle_minutes=10,
        staff_session_hours=8,
        smtp=Smtp(
            host="mail.example.kr",
            sender="noreply@example.kr",
            port=2525,
            user="sender",
            password="s3cret",
            starttls=False,
        ),
    )
    assert "s3cret" not in repr(parsed)


def test_blank_values_take_the_defaults() -> None:
    assert Settings.from_environ({name: "  " for name in config.VARIABLES}) == Settings()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "not a url"),
        ("READINESS_WAVE", "next year"),
        ("READINESS_DEMO", "maybe"),
        ("READINESS_DEMO_COMPANIES", "lots"),
        ("READINESS_DEMO_WAVES", "0"),
        ("READINESS_PUBLIC_URL", "readiness.example.kr"),
        ("READINESS_STAFF_IDLE_MINUTES", "-5"),
        ("READINESS_STAFF_SESSION_HOURS", "half a day"),
        ("READINESS_SMTP_FROM", "noreply@example.kr"),  # a sender without a server
    ],
)
def test_a_malformed_value_names_its_variable(
    clean_env: pytest.MonkeyPatch, name: str, value: str
) -> None:
    clean_env.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        settings()


def test_the_mail_server_is_off_by_default_and_needs_its_sender() -> None:
    assert Settings().smtp is None
    smtp = Settings.from_environ(
        {"READINESS_SMTP_HOST": "localhost", "READINESS_SMTP_FROM": "noreply@example.kr"}
    ).smtp
    assert smtp == Smtp(host="localhost", sender="noreply@example.kr", port=587, starttls=True)
    for broken, name in [
        ({"READINESS_SMTP_HOST": "localhost"}, "READINESS_SMTP_FROM"),
        (
            {
                "READINESS_SMTP_HOST": "h",
                "READINESS_SMTP_FROM": "a@b.kr",
                "READINESS_SMTP_PORT": "x",
            },
            "READINESS_SMTP_PORT",
        ),
        (
            {
                "READINESS_SMTP_HOST": "h",
                "READINESS_SMTP_FROM": "a@b.kr",
                "READINESS_SMTP_USER": "u",
            },
            "READINESS_SMTP_PASSWORD",
        ),
    ]:
        with pytest.raises(SettingsError, match=name):
            Settings.from_environ(broken)


def test_a_malformed_database_url_is_not_echoed() -> None:
    with pytest.raises(SettingsError) as err:
        Settings.from_environ({"DATABASE_URL": "secret-password@@"})
    assert "secret-password" not in str(err.value)


def test_a_changed_environment_is_seen_at_the_next_read(clean_env: pytest.MonkeyPatch) -> None:
    assert waves.current_wave() > 2000
    clean_env.setenv("READINESS_WAVE", "2031")
    assert waves.current_wave() == 2031
    clean_env.setenv("DATABASE_URL", "sqlite:///:memory:")
    assert database_url() == "sqlite:///:memory:"
    engine = make_engine()
    assert engine.url.database == ":memory:"
    engine.dispose()
    clean_env.delenv("READINESS_WAVE")
    assert waves.current_wave() != 2031


def test_the_public_url_has_one_reader(clean_env: pytest.MonkeyPatch) -> None:
    assert workshops.public_url() == workshops.DEFAULT_PUBLIC_URL
    clean_env.setenv("READINESS_PUBLIC_URL", "https://r.example.kr/")
    assert workshops.public_url() == settings().public_url == "https://r.example.kr"


def test_readme_documents_every_variable_with_its_default() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    documented = {name for row in rows for name in re.findall(r"`([A-Z_]+)`", row.split("|")[1])}
    assert documented == set(config.VARIABLES)


def test_the_audit_key_is_read_as_bytes_and_a_short_one_is_refused_unechoed() -> None:
    key = "0123456789abcdef" * 4
    assert Settings.from_environ({config.AUDIT_KEY: f" {key} "}).audit_key == key.encode()
    assert key not in repr(Settings.from_environ({config.AUDIT_KEY: key}))
    with pytest.raises(SettingsError, match="at least 32 characters") as refused:
        Settings.from_environ({config.AUDIT_KEY: "short-secret"})
    assert "short-secret" not in str(refused.value)
