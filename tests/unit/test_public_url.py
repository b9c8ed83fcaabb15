from __future__ import annotations

import pytest

from components import session


@pytest.mark.parametrize(
    ("browser_url", "base"),
    [
        ("http://10.0.0.5:8501/join?code=ABC234", "http://10.0.0.5:8501"),
        ("https://app.example.kr/readiness/results?c=x", "https://app.example.kr/readiness"),
        ("http://localhost:8501/", "http://localhost:8501"),
        ("http://localhost:8501/staff_workshops", "http://localhost:8501"),
    ],
)
def test_links_are_built_from_the_address_the_user_came_by(
    monkeypatch: pytest.MonkeyPatch, browser_url: str, base: str
) -> None:
    monkeypatch.delenv("READINESS_PUBLIC_URL", raising=False)
    monkeypatch.setattr(session.st, "context", type("C", (), {"url": browser_url})())
    assert session.public_base_url() == base
    assert session.private_link("tok", "en") == f"{base}/assess?c=tok&lang=en"


def test_a_configured_public_url_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READINESS_PUBLIC_URL", "https://readiness.inno-biz.or.kr/")
    assert session.public_base_url() == "https://readiness.inno-biz.or.kr"
