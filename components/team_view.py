"""The team round's pieces (pages/team.py): the CEO's invitations, the team's list and the close;
a member's own answers with the assessment's level pickers; the team view once the round closes.

Roles and names are the CEO's typing: every one goes through `plain` (Markdown) or a dataframe
cell's `display`, never into HTML.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy.exc import DBAPIError

from components.cache import engine
from components.link_card import link_card
from components.session import member_link
from components.widgets import (
    level_picker,
    levels_rule_caption,
    lingual,
    plain,
    save_failed_notice,
    save_tap,
)
from readiness import store
from readiness.bank import Bank, Pillar
from readiness.i18n import LANGS, t
from readiness.models import Company, TeamMember, TeamRound
from readiness.store.rows import stored_id
from readiness.team import divergence, member_label, team_items

NEW_LINK = "team_new_link"
_CLEAR_INVITE = "team_invite_clear"


def level_word(level: int | None, lang: str) -> str:
    return t("team.na", lang) if level is None else t("common.level_n", lang, n=level)


def level_number(level: int | None, lang: str) -> str:
    """A level in a table whose header says "level": the number alone, or N/A."""
    return t("team.na", lang) if level is None else str(level)


def open_round_form(company: Company, qbank: Bank, wave: int, lang: str) -> None:
    """The CEO starts a round, naming their own role in it. Not an st.form (see invite_form):
    the role reaches the server as it is typed, so an untouched default follows a language
    switch ("대표이사" / "CEO") and a typed role is kept."""
    defaults = {t("team.ceo_role_default", other) for other in LANGS}
    if st.session_state.get("team_ceo_role", "") in defaults | {""}:
        st.session_state["team_ceo_role"] = t("team.ceo_role_default", lang)
    with st.container(border=True, key="team_open"):
        st.markdown(f"**{t('team.open_title', lang)}**")
        role = st.text_input(
            t("team.ceo_role_label", lang), max_chars=store.TEAM_ROLE_MAX, key="team_ceo_role"
        )
        opened = st.button(
            t("team.open_button", lang),
            icon=":material/diversity_3:",
            type="primary",
            key="team_open_go",
        )
    if not opened:
        return
    if not role.strip():
        st.error(t("team.role_needed", lang), icon=":material/error:")
        return
    try:
        store.open_team_round(
            engine=engine(), company_id=stored_id(company), wave=wave, bank=qbank, ceo_role=role
        )
    except (store.StoreError, DBAPIError):
        st.error(t("team.round_failed", lang), icon=":material/sync_problem:")
        return
    st.rerun()


def invite_form(team_round: TeamRound, company: Company, qbank: Bank, lang: str) -> None:
    """A colleague's role, name and pillars; their private link is shown once, until dismissed.

    Not an st.form: a form holds its choices in the browser until it is sent, and a language
    switch in between dropped the pillars picked (their labels change). Here each choice reaches
    the server at once and survives a switch (`lingual`); the fields are cleared after an invite.
    """
    if st.session_state.pop(_CLEAR_INVITE, False):  # set, not deleted: the browser shows it
        st.session_state.update(team_role="", team_name="", team_pillars=list(qbank.pillar_ids))
    with st.container(border=True, key="team_invite"):
        st.markdown(f"**{t('team.invite_title', lang)}**")
        role = st.text_input(
            t("team.role_label", lang), max_chars=store.TEAM_ROLE_MAX, key="team_role"
        )
        name = st.text_input(
            t("team.name_label", lang), max_chars=store.TEAM_NAME_MAX, key="team_name"
        )
        pillars = st.multiselect(
            t("team.pillars_label", lang),
            options=qbank.pillar_ids,
            default=qbank.pillar_ids,
            format_func=lambda pid: qbank.pillar(pid).name.get(lang),
            help=t("team.pillars_help", lang),
            key=lingual("team_pillars"),
        )
        invited = st.button(
            t("team.invite_button", lang),
            icon=":material/person_add:",
            type="primary",
            key="team_invite_go",
        )
    if invited:
        if not role.strip():
            st.error(t("team.role_needed", lang), icon=":material/error:")
        elif not pillars:
            st.error(t("team.pillars_needed", lang), icon=":material/error:")
        else:
            try:
                member, token = store.invite_member(
                    engine=engine(),
                    bank=qbank,
                    round_id=stored_id(team_round),
                    role=role,
                    display_name=name,
                    pillars=pillars,
                )
            except store.TeamFull:
                st.error(
                    t("team.team_full", lang, n=store.TEAM_MEMBERS_MAX), icon=":material/group_off:"
                )
            except (store.StoreError, DBAPIError):
                st.error(t("team.round_failed", lang), icon=":material/sync_problem:")
            else:
                st.session_state[NEW_LINK] = (member.role, token)
                st.session_state[_CLEAR_INVITE] = True
                st.rerun()
    shown = st.session_state.get(NEW_LINK)
    if shown is None:
        return
    role_shown, token = shown
    link_card(
        company_name=company.name,
        token=token,
        lang=lang,
        key="team_member",
        title=t("team.member_link_title", lang, role=plain(role_shown)),
        lead=t("team.member_link_lead", lang),
        member_link=member_link(token, lang),
    )
    if st.button(t("team.link_done", lang), icon=":material/check:", key="team_link_done"):
        st.session_state.pop(NEW_LINK, None)
        st.rerun()


def pillars_of(member: TeamMember, qbank: Bank) -> list[Pillar]:
    """The bank's pillars assigned to a member (stored in the bank's order)."""
    return [qbank.pillar(p) for p in member.pillars if p in qbank.pillar_ids]


def members_table(
    members: list[TeamMember], progress: dict[int, int], qbank: Bank, lang: str
) -> None:
    """Who is in the round, their pillars, and how far each has got: sent, answering (a count of
    questions, never the answers) or not started; so the CEO knows whom to remind."""
    st.subheader(t("team.members_title", lang))

    def status(member: TeamMember) -> str:
        if member.submitted_at:
            return t("team.status_sent", lang)
        answered = progress.get(stored_id(member), 0)
        if not answered:
            return t("team.status_not_started", lang)
        total = sum(len(qbank.items_of(p.id)) for p in pillars_of(member, qbank))
        return t("team.status_answering", lang, answered=answered, total=total)

    def who(member: TeamMember) -> str:
        role = t("team.status_you", lang, role=member.role) if member.lead else member.role
        return member_label(role, member.display_name)

    # A static table that wraps to a phone's width (the status column stays in view); st.table
    # renders Markdown, so every cell (roles and names are typed by the CEO) goes through plain().
    rows = [
        [
            plain(who(m), limit=150),
            plain(status(m)),
            plain(", ".join(p.name.get(lang) for p in pillars_of(m, qbank))),
        ]
        for m in members
    ]
    columns = [t(f"team.col_{c}", lang) for c in ("role", "status", "pillars")]
    st.container(key="team_members").table(pd.DataFrame(rows, columns=columns), hide_index=True)


def answer_section(member: TeamMember, qbank: Bank, company: Company, lang: str) -> None:
    """The member's own answers to their assigned pillars, saved on every tap, and "send"."""
    member_id = stored_id(member)
    segment = qbank.segment_for(company.ksic, company.roles, company.products)
    steps = pillars_of(member, qbank)
    step_key = f"team_step_{member_id}"

    def answer_key(item_id: str) -> str:
        return f"t_{member_id}_{item_id}"

    st.subheader(t("team.your_answers_title", lang))

    @st.fragment(key="team_answers")
    def answers_step() -> None:
        answers = store.own_team_answers(engine=engine(), member_id=member_id)
        scope = [i.id for p in steps for i in qbank.items_of(p.id)]

        def save(item_id: str) -> None:
            def write(level: int | None) -> None:
                store.save_team_answer(
                    engine=engine(), bank=qbank, member_id=member_id, item_id=item_id, level=level
                )

            save_tap(answer_key(item_id), item_id, answers, write, t("team.waiting_close", lang))

        answered = sum(1 for i in scope if i in answers)
        st.progress(
            answered / len(scope) if scope else 0.0,
            text=t("team.progress", lang, answered=answered, total=len(scope)),
        )
        step = st.segmented_control(
            t("team.pillars_label", lang),
            options=list(range(len(steps))),
            format_func=lambda n: steps[n].name.get(lang),
            default=0,
            key=step_key,
            required=True,
        )
        pillar = steps[step or 0]
        items = qbank.items_of(pillar.id)
        st.caption(pillar.description.get(lang))
        levels_rule_caption(qbank, items, answers, lang)
        save_failed_notice(lang)
        for item in items:
            level_picker(
                qbank.item_view(item.id, segment),
                lang,
                answers=answers,
                key=answer_key(item.id),
                on_change=save,
                examples=item.examples_for(company.ksic, segment),
            )
        if member.submitted_at is not None:
            st.success(t("team.sent_note", lang), icon=":material/mark_email_read:")
        elif st.button(
            t("team.send_button", lang),
            icon=":material/send:",
            type="primary",
            disabled=not answers,
            key="team_send",
        ):
            try:
                store.submit_team_answers(engine=engine(), member_id=member_id)
            except (store.StoreError, DBAPIError):
                st.error(t("team.round_failed", lang), icon=":material/sync_problem:")
            else:
                st.rerun(scope="app")

    answers_step()


def close_section(team_round: TeamRound, members: list[TeamMember], qbank: Bank, lang: str) -> None:
    """The CEO closes the round: the consensus of those who sent their answers is submitted."""
    st.subheader(t("team.close_title", lang))
    st.caption(t("team.close_lead", lang))
    sent = sum(1 for m in members if m.submitted_at is not None)
    if not sent:
        st.info(t("team.close_none", lang), icon=":material/hourglass_empty:")
        return
    confirmed = st.checkbox(
        t("team.close_confirm", lang, sent=sent, total=len(members)), key="team_close_confirm"
    )
    if not st.button(
        t("team.close_button", lang),
        icon=":material/task_alt:",
        type="primary",
        disabled=not confirmed,
        key="team_close",
    ):
        return
    round_id = stored_id(team_round)
    try:
        store.close_team_round(engine=engine(), bank=qbank, round_id=round_id)
    except DBAPIError:
        st.error(t("team.round_failed", lang), icon=":material/sync_problem:")
        return
    except store.StoreError:
        now = store.get_team_round(engine=engine(), round_id=round_id)
        if now is None or now.status == "open":
            st.error(t("team.close_unscored", lang), icon=":material/info:")
            return
    st.rerun()


def team_result(team_round: TeamRound, qbank: Bank, lang: str) -> None:
    """The team view of a closed round: the divergence agenda, then the consensus per item."""
    responses = store.team_responses(engine=engine(), round_id=stored_id(team_round))
    st.caption(t("team.rule", lang))
    st.subheader(t("team.agenda_title", lang))
    st.caption(t("team.agenda_lead", lang))
    agenda = divergence(qbank, responses)
    if not agenda:
        st.success(t("team.agenda_none", lang), icon=":material/handshake:")
    for n, ti in enumerate(agenda, 1):
        item = qbank.item(ti.item_id)
        with st.container(border=True, key=f"team_agenda_{ti.item_id}"):
            st.markdown(f"**{n}. {item.id} · {item.text.get(lang)}**")
            said = " · ".join(f"{plain(label)} {level_word(lv, lang)}" for label, lv in ti.answers)
            st.caption(
                t("team.agenda_answers", lang, answers=said, team=level_word(ti.consensus, lang))
            )
    st.subheader(t("team.consensus_title", lang))
    # One static table per pillar, not a grid: it wraps to a phone's width, question and all.
    # st.table renders Markdown, so every cell (roles are typed by the CEO) goes through plain().
    by_pillar: dict[str, list[list[str]]] = {}
    for ti in team_items(qbank, responses):
        item = qbank.item(ti.item_id)
        by_pillar.setdefault(item.pillar, []).append(
            [
                plain(f"{item.id} · {item.text.get(lang)}", limit=300),
                plain(level_number(ti.consensus, lang)),
                plain(
                    " · ".join(f"{label} {level_number(lv, lang)}" for label, lv in ti.answers),
                    limit=600,
                ),
                str(ti.spread),
            ]
        )
    columns = [t(f"team.col_{c}", lang) for c in ("question", "team", "answers", "spread")]
    for pillar_id, rows in by_pillar.items():
        name = qbank.pillar(pillar_id).name.get(lang)
        with st.expander(
            t("team.consensus_pillar", lang, pillar=name, n=len(rows)),
            expanded=len(by_pillar) == 1,
            key=f"team_consensus_{pillar_id}",
        ):
            st.table(pd.DataFrame(rows, columns=columns).set_index(columns[0]))
