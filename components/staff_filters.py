"""Option lists for the staff filters, labelled in the user's language."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from readiness import reference
from readiness.bank import Bank
from readiness.cohorts import Cohort
from readiness.i18n import t
from readiness.peers import NORM_MIN_COMPLETENESS

if TYPE_CHECKING:
    import pandas as pd


def ksic_options(lang: str) -> dict[str, Any]:
    return {
        "options": reference.ksic_codes(),
        "format_func": lambda code: f"{code} {reference.label('ksic_divisions', code, lang)}",
    }


def region_options(lang: str) -> dict[str, Any]:
    return {
        "options": reference.region_codes(),
        "format_func": lambda code: reference.label("regions", code, lang),
    }


def size_band_options(lang: str) -> dict[str, Any]:
    return {
        "options": reference.size_band_ids(),
        "format_func": lambda band: reference.label("size_bands", band, lang),
    }


def stage_options(bank: Bank, lang: str) -> dict[str, Any]:
    return {
        "options": [s.id for s in bank.stages],
        "format_func": lambda sid: bank.stage(sid).name.get(lang),
    }


def cohort_filters(
    lang: str,
    *,
    key: str,
    waves: list[int],
    workshops: dict[int, str] | None = None,
    default_wave: int | None = None,
    single_wave: bool = True,
) -> Cohort:
    """The filter row of the staff views; returns the cohort it describes."""
    import streamlit as st

    from components.widgets import lingual

    cols = st.columns(6 if workshops else 5)
    if single_wave:
        index = waves.index(default_wave) if default_wave in waves else len(waves) - 1
        wave = cols[0].selectbox(t("filters.wave", lang), waves, index=index, key=f"{key}_wave")
        chosen_waves: list[int] = [wave] if wave is not None else []
    else:
        chosen_waves = cols[0].multiselect(
            t("filters.wave", lang), waves, key=f"{key}_waves", placeholder=t("filters.all", lang)
        )
    sizes = cols[1].multiselect(
        t("filters.size_band", lang),
        **size_band_options(lang),
        key=lingual(f"{key}_size"),
        placeholder=t("filters.all", lang),
    )
    regions = cols[2].multiselect(
        t("filters.region", lang),
        **region_options(lang),
        key=lingual(f"{key}_region"),
        placeholder=t("filters.all", lang),
    )
    modes = cols[3].multiselect(
        t("filters.mode", lang),
        options=["full", "quick"],
        format_func=lambda m: t(f"assess.mode_{m}", lang),
        key=lingual(f"{key}_mode"),
        placeholder=t("filters.all", lang),
    )
    workshop_ids: list[int] = []
    if workshops:
        workshop_ids = cols[4].multiselect(
            t("filters.workshop", lang),
            options=list(workshops),
            format_func=workshops.__getitem__,
            key=f"{key}_workshop",
            placeholder=t("filters.all", lang),
        )
    include_synthetic = cols[-1].toggle(
        t("filters.synthetic", lang), value=True, key=f"{key}_synthetic"
    )
    include_incomplete = cols[-1].toggle(
        t("filters.incomplete", lang),
        value=False,
        help=t("filters.incomplete_help", lang, pct=round(100 * NORM_MIN_COMPLETENESS)),
        key=f"{key}_incomplete",
    )
    include_respondents = cols[-1].toggle(
        t("filters.respondents", lang),
        value=False,
        help=t("filters.respondents_help", lang),
        key=f"{key}_respondents",
    )
    return Cohort(
        waves=tuple(chosen_waves),
        size_bands=tuple(sizes),
        regions=tuple(regions),
        modes=tuple(modes),
        workshop_ids=tuple(workshop_ids),
        include_synthetic=include_synthetic,
        verified_only=True,  # as the norms: self-registered companies count once verified
        include_respondents=include_respondents,
        complete_only=not include_incomplete,
    )


def verified_basis(frame: pd.DataFrame, lang: str, *, name: str = "") -> None:
    """Say how many verified companies a staff view's figures rest on."""
    import streamlit as st

    from components.widgets import plain

    n = int(frame["company_id"].nunique()) if len(frame) else 0
    note = t("filters.verified_basis", lang, n=f"{n:,}")
    st.caption(f"{plain(name)} · {note}" if name else note)


def workshop_labels(lang: str) -> dict[int, str]:
    """Workshops by id, labelled "title · code · date", newest first."""
    from components.cache import engine
    from readiness import workshops
    from readiness.store import stored_id
    from readiness.text import display

    return {
        stored_id(w): f"{display(w.title)} · {w.code} · {w.held_on}"
        for w in workshops.workshop_choices(engine=engine())
    }
