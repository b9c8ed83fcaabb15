"""Team round: the CEO invites the management team and closes the round; each colleague answers
through their own link; once closed, everyone in it sees the consensus and the meeting's agenda."""

import streamlit as st

from components import team_view as view
from components.cache import bank, engine
from components.session import (
    MEMBER_PARAM,
    TOKEN_PARAM,
    company_from_link,
    current_lang,
    current_member_token,
    require_router,
)
from components.widgets import invalid_link, plain
from readiness import store
from readiness.bank import bank_for_version
from readiness.i18n import t
from readiness.waves import current_wave

require_router()
lang = current_lang()
st.title(t("team.title", lang))

as_member = bool(st.query_params.get(MEMBER_PARAM)) or (
    not st.query_params.get(TOKEN_PARAM) and bool(st.session_state.get("member_token"))
)
if as_member:
    # A colleague's own link: their answers, then the team view; never the company's link.
    token = current_member_token()
    member = store.member_by_token(engine=engine(), token=token) if token else None
    team_round = store.get_team_round(engine=engine(), round_id=member.round_id) if member else None
    company = (
        store.get_company(engine=engine(), company_id=team_round.company_id) if team_round else None
    )
    if member is None or team_round is None or company is None:
        invalid_link(lang)
        st.stop()
    qbank = bank_for_version(team_round.bank_version)
    st.caption(
        t("team.respondent_caption", lang, company=plain(company.name), role=plain(member.role))
    )
    if team_round.status == "open":
        st.write(t("team.member_lead", lang))
        view.answer_section(member, qbank, company, lang)
        st.caption(t("team.waiting_close", lang))
    else:
        st.success(t("team.closed_note", lang), icon=":material/task_alt:")
        view.team_result(team_round, qbank, lang)
    st.stop()

company, token = company_from_link(lang)
st.caption(plain(company.name))
st.write(t("team.lead", lang))
team_round = store.latest_team_round(engine=engine(), company_id=company.id)
if team_round is None or team_round.status == "closed":
    if team_round is not None:
        st.success(t("team.closed_note", lang), icon=":material/task_alt:")
        st.page_link(
            "pages/results.py",
            label=t("team.results_link", lang),
            icon=":material/insights:",
            query_params={TOKEN_PARAM: token, "lang": lang},
        )
        view.team_result(team_round, bank_for_version(team_round.bank_version), lang)
    view.open_round_form(company, bank(), current_wave(), lang)
    st.stop()

qbank = bank_for_version(team_round.bank_version)
members = store.team_members(engine=engine(), round_id=team_round.id)
view.invite_form(team_round, company, qbank, lang)
view.members_table(
    members, store.team_progress(engine=engine(), round_id=team_round.id), qbank, lang
)
view.answer_section(next(m for m in members if m.lead), qbank, company, lang)
view.close_section(team_round, members, qbank, lang)
