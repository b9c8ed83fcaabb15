"""Whose attempts a rate limit counts: the connection's address, or for a connection from loopback
(the proxy) the address it appended last to X-Forwarded-For (entries before it are the client's to
forge); the same client the staff sign-in throttle counts."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from components import ratelimit, staff
from readiness.config import SettingsError, settings


def _context(monkeypatch: pytest.MonkeyPatch, *, ip: object, headers: dict[str, str]) -> None:
    fake = SimpleNamespace(context=SimpleNamespace(ip_address=ip, headers=headers))
    monkeypatch.setattr(staff, "st", fake)


def test_a_direct_connection_counts_its_own_address(monkeypatch: pytest.MonkeyPatch) -> None:
    _context(monkeypatch, ip="198.51.100.2", headers={"X-Forwarded-For": "1.2.3.4"})
    assert ratelimit.client_key() == "198.51.100.2"  # the header is the client's: ignored


def test_behind_the_proxy_the_last_forwarded_address_counts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Streamlit gives no address for a loopback connection: the proxy's.
    _context(monkeypatch, ip=None, headers={"X-Forwarded-For": "1.2.3.4, 203.0.113.7"})
    assert ratelimit.client_key() == "203.0.113.7"  # 1.2.3.4 was written by the client


def test_an_unknown_address_is_one_shared_client(monkeypatch: pytest.MonkeyPatch) -> None:
    _context(monkeypatch, ip=None, headers={})
    assert ratelimit.client_key() == ratelimit.UNKNOWN_CLIENT


def test_the_limits_are_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READINESS_REGISTRATIONS_PER_HOUR", "3")
    assert settings().registrations_per_hour == 3
    assert settings().requests_per_hour == 5
    monkeypatch.setenv("READINESS_REQUESTS_PER_HOUR", "many")
    with pytest.raises(SettingsError, match="READINESS_REQUESTS_PER_HOUR"):
        settings()
