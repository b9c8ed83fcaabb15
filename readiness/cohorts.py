"""Which members and submissions staff look at: one filter for analytics, lists and exports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class Cohort:
    """A staff selection; an empty tuple means "all".

    Company filters (ksic, size_bands, regions, search, include_synthetic, verified_only,
    include_respondents) pick members (the staff analytics views count verified members only,
    as norms do); waves, modes, workshop_ids and bank_versions pick which submissions count;
    stages apply to the submission shown (a member's latest). Hashable, so it can key a cache;
    `label` only names it on screen.
    """

    waves: tuple[int, ...] = ()
    size_bands: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    modes: tuple[str, ...] = ()
    workshop_ids: tuple[int, ...] = ()
    ksic: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    bank_versions: tuple[str, ...] = ()
    search: str = ""
    include_synthetic: bool = True
    verified_only: bool = False
    # Workshop respondents are not members: left out unless staff include them, or the cohort is
    # about workshops (workshop_ids), whose rooms are their respondents.
    include_respondents: bool = False
    # Results below the norms' completeness rule (readiness.peers.NORM_MIN_COMPLETENESS) are left
    # out of staff figures unless staff include them (an import may hold incomplete results).
    complete_only: bool = False
    label: str = ""

    def __post_init__(self) -> None:
        # Accept any iterable (a multiselect's list), keep tuples so the cohort stays hashable.
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Iterable) and not isinstance(value, str | tuple):
                object.__setattr__(self, f.name, tuple(value))

    def narrowed(self, *, ksic: str | None = None, wave: int | None = None) -> Cohort:
        """The same cohort restricted to one sector and/or one wave."""
        cohort = self
        if ksic is not None:
            cohort = replace(cohort, ksic=(ksic,))
        if wave is not None:
            cohort = replace(cohort, waves=(wave,))
        return cohort

    def of_bank(self, version: str) -> Cohort:
        """The cohort within one bank version, unless it names its versions already: scores and
        answers of different question sets are never pooled."""
        return self if self.bank_versions else replace(self, bank_versions=(version,))

    def to_dict(self) -> dict[str, Any]:
        """The filters in use (not the label), for the audit log."""
        return {
            f.name: list(value) if isinstance(value, tuple) else value
            for f in fields(self)
            if f.name != "label" and (value := getattr(self, f.name)) != f.default
        }
