"""Where sign-in returns to: only a staff page's own path, its parameters re-encoded."""

from __future__ import annotations

import pytest

from components import staff_next


def test_a_staff_view_round_trips_with_its_filters() -> None:
    text = staff_next.encode("staff_sector", {"ksic": "C29", "size": "small", "lang": "en"})
    assert text == "staff_sector?ksic=C29&size=small"  # the language comes from the sign-in page
    assert staff_next.parse(text) == ("staff_sector", {"ksic": "C29", "size": "small"})
    assert (
        staff_next.url(("staff_sector", {"ksic": "C29"}), "ko") == "staff_sector?ksic=C29&lang=ko"
    )


def test_a_view_without_filters_is_just_its_path() -> None:
    assert staff_next.encode("staff_members", {}) == "staff_members"
    assert staff_next.parse("staff_members") == ("staff_members", {})


@pytest.mark.parametrize(
    "text",
    [
        "https://evil.example/staff_overview",
        "//evil.example/staff_overview",
        "/staff_overview",
        "staff_overview/../home",
        "staff_login",
        "home?c=token",
        "",
        None,
        "staff_overview?" + "a=b&" * 2000,
    ],
)
def test_anything_else_is_refused(text: str | None) -> None:
    assert staff_next.parse(text) is None


def test_odd_parameters_are_dropped_not_passed_on() -> None:
    text = "staff_overview?ksic=C29&next=staff_data&Bad-Key=1&long=" + "x" * 400 + "&region=44"
    assert staff_next.parse(text) == ("staff_overview", {"ksic": "C29", "region": "44"})
    assert staff_next.encode("home", {"ksic": "C29"}) is None
    many = {f"k{n}": "v" for n in range(100)}
    assert len(staff_next.encode("staff_overview", many).split("&")) == 30  # type: ignore[union-attr]
