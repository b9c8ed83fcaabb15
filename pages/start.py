"""Start: the company profile and the choice of quick scan or full assessment."""

import streamlit as st
from pydantic import ValidationError

from components.cache import bank, engine
from components.link_card import link_card
from components.profile_form import profile_form, profile_problems
from components.ratelimit import allowed, refuse
from components.requests import registered_before, remember_registration
from components.session import TOKEN_PARAM, current_lang, require_router
from components.widgets import lingual
from readiness import store
from readiness.config import settings
from readiness.i18n import t
from readiness.profile import CompanyProfile
from readiness.waves import current_wave

require_router()
lang = current_lang()
qbank = bank()

st.title(t("start.title", lang))

# The private link, once created, rides in the URL (?c=): the token is stored only as a hash, so
# the card below is the only place it is shown, and a reload (a phone reloads a tab left for a
# messenger) must not lose it. The URL holds nothing its reader does not already have.
created = st.query_params.get(TOKEN_PARAM)
company = store.company_by_token(engine=engine(), token=created) if created else None
if created and company is None:
    del st.query_params[TOKEN_PARAM]  # a stale or mistyped link: the page starts afresh
if created and company is not None:
    st.success(t("start.link_title", lang), icon=":material/key:")
    st.write(t("start.link_body", lang))
    link_card(company_name=company.name, token=created, lang=lang, key="start")
    registered_before(lang)
    st.caption(t("link.reload_note", lang))
    saved = st.checkbox(t("link.saved", lang), help=t("link.saved_help", lang), key="start_saved")
    if st.button(
        t("start.begin", lang),
        type="primary",
        icon=":material/play_arrow:",
        key="start_begin",
        disabled=not saved,
    ):
        st.session_state["token"] = created
        st.switch_page("pages/assess.py", query_params={TOKEN_PARAM: created, "lang": lang})
    st.stop()

st.write(t("start.lead", lang))
n_quick, n_full = len(qbank.item_ids(quick_only=True)), len(qbank.item_ids())
mode = st.radio(
    t("start.mode_label", lang),
    options=["quick", "full"],
    format_func=lambda m: t(f"start.mode_{m}", lang, n=n_quick if m == "quick" else n_full),
    help=t("start.mode_help", lang),
    key=lingual("start_mode"),
)

values = profile_form(lang)
if values is not None:
    goal = values.pop("goal")
    try:
        profile = CompanyProfile(**values)
    except ValidationError as exc:
        st.error(
            t("start.errors_title", lang)
            + "\n\n"
            + "\n".join(f"- {p}" for p in profile_problems(exc, lang)),
            icon=":material/error:",
        )
    else:
        # One client may create only so many companies an hour (fake peers, issue #13); over the
        # limit nothing is written. Bad input above takes no attempt.
        if not allowed("register", limit=settings().registrations_per_hour):
            refuse(lang)
            st.stop()
        first = store.NewAssessment(wave=current_wave(), mode=mode, bank=qbank, goal=goal)
        # A number that is already a member's is left out, and the page reads the same either way.
        _, token = store.create_company(
            engine=engine(), profile=profile, first=first, if_biz_no_taken="leave_out"
        )
        remember_registration(profile)
        st.query_params[TOKEN_PARAM] = token
        st.rerun()
