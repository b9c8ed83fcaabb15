"""Yearly waves: an assessment belongs to the year it is taken in."""

from __future__ import annotations

import os
from datetime import date


def current_wave(today: date | None = None) -> int:
    """This year's wave; READINESS_WAVE overrides it (demos, tests)."""
    override = os.environ.get("READINESS_WAVE", "").strip()
    if override.isdigit():
        return int(override)
    return (today or date.today()).year
