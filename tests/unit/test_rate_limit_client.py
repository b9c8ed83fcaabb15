"""Whose attempts a rate limit counts: the connection's address, or behind a trusted proxy the
address it appended last to X-Forwarded-For (entries before it are the client's to forge)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from components import ratelimit
from readiness.config import SettingsError, settings


def _context(monkeypatch: pytest.MonkeyPatch, *, ip: object, headers: dict[str, str]) -> None:
    fake = SimpleNamespace(context=SimpleNamespace(ip_address=ip, headers=headers))
    monkeypatch.setattr(ratelimit, "st", fake)


def test_without_a_trusted_proxy_the_header_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("READINESS_TRUST_FORWARDED_FOR", raising=False)
    _context(monkeypatch, ip="198.51.100.2", headers={"X-Forwarded-For": "1.2.3.4"})
    assert ratelimit.client_key() == "198.51.100.2"


def test_behind_a_trusted_proxy_the_last_forwarded_address_counts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("READINESS_TRUST_FORWARDED_FOR", "1")
    forged = {"X-Forwarded-For": "1.2.3.4, 203.0.113.7"}  # the client wrote 1.2.3.4
    _context(monkeypatch, ip="127.0.0.1", headers=forged)
    assert ratelimit.client_key() == "203.0.113.7"
    _context(monkeypatch, ip="127.0.0.1", headers={})  # no header: the connection's address
    assert ratelimit.client_key() == "127.0.0.1"


def test_an_unknown_address_is_one_shared_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("READINESS_TRUST_FORWARDED_FOR", raising=False)
    _context(monkeypatch, ip=None, headers={})
    assert ratelimit.client_key() == ratelimit.UNKNOWN_CLIENT


def test_the_limits_are_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READINESS_REGISTRATIONS_PER_HOUR", "3")
    assert settings().registrations_per_hour == 3
    assert settings().requests_per_hour == 5
    monkeypatch.setenv("READINESS_REQUESTS_PER_HOUR", "many")
    with pytest.raises(SettingsError, match="READINESS_REQUESTS_PER_HOUR"):
        settings()
