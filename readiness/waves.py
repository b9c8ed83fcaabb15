"""Yearly waves: an assessment belongs to the year it is taken in."""

from __future__ import annotations

from datetime import date

from readiness.config import settings


def current_wave(today: date | None = None) -> int:
    """This year's wave; READINESS_WAVE overrides it (demos, tests)."""
    override = settings().wave
    if override is not None:
        return override
    return (today or date.today()).year
