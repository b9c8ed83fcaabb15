"""Option lists for the staff filters, labelled in the user's language."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
    sectors: bool = False,
    prefix: str = "",
    verified_only: bool = True,
    incomplete_default: bool = False,
) -> Cohort:
    """The filter row of the staff views; returns the cohort it describes."""
    import streamlit as st

    from components.widgets import lingual

    # Every filter is seeded from the URL on the page's first run and written back to it, so a
    # view can be bookmarked, reloaded and shared (parameters: FILTER_PARAMS).
    # `prefix` keeps two filter rows of one page apart in the URL (cohort comparison: "a.", "b.").
    def url(name: str) -> str:
        return prefix + name

    seed(f"{key}_size", lambda: url_list(url("size"), reference.size_band_ids()))
    seed(f"{key}_region", lambda: url_list(url("region"), reference.region_codes()))
    seed(f"{key}_mode", lambda: url_list(url("mode"), ["full", "quick"]))
    seed(f"{key}_synthetic", lambda: url_flag(url("syn")))
    seed(f"{key}_incomplete", lambda: url_flag(url("inc")))
    seed(f"{key}_respondents", lambda: url_flag(url("resp")))
    if sectors:
        seed(f"{key}_ksic", lambda: url_list(url("ksic"), reference.ksic_codes()))
    if workshops:
        seed(f"{key}_workshop", lambda: url_list(url("ws"), list(workshops)))
    # The toggles get the widest column: their labels are whole sentences.
    cols = st.columns([1.0] * (4 + bool(workshops) + sectors) + [1.6])
    if single_wave:
        asked = url_value(url("wave"), waves)
        wave_at = asked if asked is not None else default_wave
        index = waves.index(wave_at) if wave_at in waves else len(waves) - 1
        wave = cols[0].selectbox(t("filters.wave", lang), waves, index=index, key=f"{key}_wave")
        chosen_waves: list[int] = [wave] if wave is not None else []
    else:
        seed(f"{key}_waves", lambda: url_list(url("wave"), waves))
        chosen_waves = cols[0].multiselect(
            t("filters.wave", lang), waves, key=f"{key}_waves", placeholder=t("filters.all", lang)
        )
    chosen_sectors: list[str] = []
    if sectors:
        chosen_sectors = cols[-2].multiselect(
            t("filters.ksic", lang),
            **ksic_options(lang),
            key=lingual(f"{key}_ksic"),
            placeholder=t("filters.all", lang),
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
        value=incomplete_default,
        help=t("filters.incomplete_help", lang, pct=round(100 * NORM_MIN_COMPLETENESS)),
        key=f"{key}_incomplete",
    )
    include_respondents = cols[-1].toggle(
        t("filters.respondents", lang),
        value=False,
        help=t("filters.respondents_help", lang),
        key=f"{key}_respondents",
    )
    chosen: dict[str, Any] = {
        "wave": chosen_waves,
        "size": sizes,
        "region": regions,
        "mode": modes,
        "ws": workshop_ids,
        "syn": None if include_synthetic else False,
        "inc": None if include_incomplete == incomplete_default else include_incomplete,
        "resp": include_respondents or None,
    }
    if sectors:
        chosen["ksic"] = chosen_sectors
    keep_in_url({url(name): value for name, value in chosen.items()})
    url_ignored_notice(lang)
    return Cohort(
        waves=tuple(chosen_waves),
        size_bands=tuple(sizes),
        regions=tuple(regions),
        modes=tuple(modes),
        workshop_ids=tuple(workshop_ids),
        ksic=tuple(chosen_sectors),
        include_synthetic=include_synthetic,
        # As the norms, self-registered companies count once verified (exports take everyone).
        verified_only=verified_only,
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


# --- filters in the URL: shareable, bookmarkable, kept on reload ---------------------------------
# A filter's value travels as one query parameter: a list as "a,b", a flag as "1"/"0". A value a
# URL gives that the page does not offer is ignored (`url_ignored` says which), never an error.


def _from_url(param: str) -> list[str]:
    import streamlit as st

    raw = st.query_params.get(param)
    return [part for part in (raw or "").split(",") if part][:50]


def url_list(param: str, allowed: Sequence[Any]) -> list[Any] | None:
    """The allowed values a URL names for a multi-select filter (None when it names none)."""
    asked = _from_url(param)
    if not asked:
        return None
    by_text = {str(value): value for value in allowed}
    picked = [by_text[a] for a in dict.fromkeys(asked) if a in by_text]
    if len(picked) < len(asked):
        _note_ignored(param)
    return picked


def url_value(param: str, allowed: Sequence[Any]) -> Any | None:
    """The allowed value a URL names for a single-choice filter, or None."""
    picked = url_list(param, allowed)
    return picked[0] if picked else None


def url_text(param: str, max_chars: int) -> str | None:
    """A free text a URL gives (a search), clipped to what its text box takes; None without."""
    import streamlit as st

    raw = st.query_params.get(param)
    return " ".join(raw.split())[:max_chars] if raw else None


def url_flag(param: str) -> bool | None:
    asked = _from_url(param)
    if not asked:
        return None
    if asked[0] in ("1", "0"):
        return asked[0] == "1"
    _note_ignored(param)
    return None


def seed(key: str, read: Callable[[], Any]) -> None:
    """Give a filter widget the URL's value (`read()`) on the page's first run; later runs keep
    the user's choice and do not read the URL again."""
    import streamlit as st

    if key in st.session_state:
        return
    value = read()
    if value is not None:
        st.session_state[key] = value


def keep_in_url(values: dict[str, Any]) -> None:
    """Write the filters to the URL (and drop the empty ones), so the view can be shared."""
    import streamlit as st

    for param, value in values.items():
        if isinstance(value, bool):
            text = "1" if value else "0"
        elif isinstance(value, list | tuple):
            text = ",".join(str(v) for v in value)
        else:
            text = "" if value is None else str(value)
        if text and st.query_params.get(param) != text:
            st.query_params[param] = text
        elif not text and param in st.query_params:
            del st.query_params[param]


# The filters every staff view shares, as query parameters (cohort_filters).
FILTER_PARAMS = ("wave", "size", "region", "mode", "ws", "syn", "inc", "resp")


def filters_in_url() -> dict[str, str]:
    """The shared filters the URL holds now: handed on when one staff view opens another."""
    import streamlit as st

    return {p: st.query_params[p] for p in FILTER_PARAMS if p in st.query_params}


def _note_ignored(param: str) -> None:
    import streamlit as st

    st.session_state.setdefault("url_ignored", set()).add(param)


def url_ignored_notice(lang: str) -> None:
    """Say once which filters of a shared link this page could not use."""
    import streamlit as st

    ignored = st.session_state.pop("url_ignored", set())
    if ignored:
        names = ", ".join(sorted(ignored))
        st.caption(f":material/link_off: {t('filters.url_ignored', lang, params=names)}")
