"""The company-profile form, and its validation errors in the user's language."""

from __future__ import annotations

from typing import Any

import streamlit as st
from pydantic import ValidationError

from components.widgets import lingual
from readiness import reference
from readiness.i18n import catalog, t

FIELD_LABELS = {
    "name": "start.name",
    "biz_no": "start.biz_no",
    "ksic": "start.ksic",
    "employees": "start.employees",
    "revenue_band": "start.revenue",
    "region": "start.region",
    "export_share": "start.export_share",
    "markets": "start.markets",
    "roles": "start.roles",
    "products": "start.products",
}


def _options(kind: str, key: str) -> list[str]:
    return [str(row[key]) for row in reference.reference()[kind]]


def ksic_label(code: str, lang: str) -> str:
    return f"{code} · {reference.label('ksic_divisions', code, lang)}"


def profile_form(lang: str, *, key: str = "profile") -> dict[str, Any] | None:
    """Render the profile fields; returns the raw values once the button is pressed.

    Not an st.form: a form's values stay in the browser until it is sent, where a language switch
    would lose a choice made in the other language. Each field's value reaches the server as it is
    given, and the choice fields are `lingual`, so a half-filled profile survives the switch.
    """
    with st.container(border=True):
        st.subheader(t("start.profile_title", lang))
        name = st.text_input(
            t("start.name", lang),
            max_chars=120,
            help=t("start.name_help", lang),
            key=f"{key}_name",
        )
        c1, c2 = st.columns(2)
        ksic = c1.selectbox(
            t("start.ksic", lang),
            options=reference.ksic_codes(),
            index=None,
            format_func=lambda code: ksic_label(code, lang),
            help=t("start.ksic_help", lang),
            placeholder=t("start.ksic_placeholder", lang),
            key=lingual(f"{key}_ksic"),
        )
        employees = c2.number_input(
            t("start.employees", lang),
            min_value=1,
            max_value=1_000_000,
            value=None,  # no default: a guessed head count would put the company in a size band
            step=1,
            placeholder=t("common.enter_number", lang),
            help=t("start.employees_help", lang),
            key=f"{key}_employees",
        )
        c3, c4 = st.columns(2)
        region = c3.selectbox(
            t("start.region", lang),
            options=reference.region_codes(),
            index=None,
            format_func=lambda code: reference.label("regions", code, lang),
            help=t("start.region_help", lang),
            placeholder=t("common.choose", lang),
            key=lingual(f"{key}_region"),
        )
        revenue = c4.selectbox(
            t("start.revenue", lang),
            options=reference.revenue_band_ids(),
            index=None,
            format_func=lambda band: reference.label("revenue_bands", band, lang),
            help=t("start.revenue_help", lang),
            placeholder=t("common.choose", lang),
            key=lingual(f"{key}_revenue"),
        )
        export_pct = st.slider(
            t("start.export_share", lang),
            min_value=0,
            max_value=100,
            value=0,
            step=5,
            help=t("start.export_share_help", lang),
            key=f"{key}_export_share",
        )
        markets = st.multiselect(
            t("start.markets", lang),
            options=reference.market_ids(),
            format_func=lambda m: reference.label("markets", m, lang),
            help=t("start.markets_help", lang),
            placeholder=t("common.choose_many", lang),
            key=lingual(f"{key}_markets"),
        )
        roles = st.multiselect(
            t("start.roles", lang),
            options=reference.role_ids(),
            format_func=lambda r: reference.label("value_chain_roles", r, lang),
            help=t("start.roles_help", lang),
            placeholder=t("common.choose_many", lang),
            key=lingual(f"{key}_roles"),
        )
        products = st.text_input(
            t("start.products", lang),
            max_chars=300,
            help=t("start.products_help", lang),
            key=f"{key}_products",
        )
        biz_no = st.text_input(
            f"{t('start.biz_no', lang)} ({t('common.optional', lang)})",
            max_chars=14,
            help=t("start.biz_no_help", lang),
            key=f"{key}_biz_no",
        )
        goal = st.number_input(
            f"{t('start.goal', lang)} ({t('common.optional', lang)})",
            min_value=0,
            max_value=100,
            value=None,
            step=5,
            placeholder=t("common.enter_number", lang),
            help=t("start.goal_help", lang),
            key=f"{key}_goal",
        )
        consent_suggest = st.checkbox(
            t("start.consent_suggest", lang),
            help=t("start.consent_suggest_help", lang),
            key=f"{key}_consent_suggest",
        )
        consent_named = st.checkbox(
            t("start.consent_named", lang),
            help=t("start.consent_named_help", lang),
            key=f"{key}_consent_named",
        )
        submitted = st.button(
            t("start.submit", lang),
            type="primary",
            icon=":material/arrow_forward:",
            key=f"{key}_submit",
        )
    if not submitted:
        return None
    return {
        "name": name,
        "biz_no": biz_no or None,
        "ksic": ksic or "",
        "employees": employees,  # None when not given: the profile refuses it (err.employees)
        "revenue_band": revenue,
        "region": region,
        "export_share": export_pct / 100,
        "markets": markets,
        "roles": roles,
        "products": products,
        "consent_suggest": consent_suggest,
        "consent_named": consent_named,
        "goal": float(goal) if goal is not None else None,
    }


def profile_problems(exc: ValidationError, lang: str) -> list[str]:
    """One sentence per invalid field, in the user's language."""
    problems: list[str] = []
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else ""
        if field == "biz_no":
            key = "err.biz_no_check" if "check digit" in err["msg"] else "err.biz_no_format"
            problems.append(t(key, lang))
        elif f"err.{field}" in catalog(lang):
            problems.append(t(f"err.{field}", lang))
        else:
            label = t(FIELD_LABELS.get(field, "start.profile_title"), lang)
            problems.append(t("err.generic", lang, field=label))
    return list(dict.fromkeys(problems))
