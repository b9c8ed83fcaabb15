"""Workshop participant: join by code, give a minimal profile, take the quick scan, see the room."""

from datetime import timedelta

import streamlit as st
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError

from components import join_cookie, ratelimit, svg_charts
from components.cache import bank, engine, members_reference, room_snapshot
from components.link_card import link_card
from components.profile_form import ksic_label
from components.session import TOKEN_PARAM, current_lang, require_router
from components.widgets import (
    chart_image,
    level_picker,
    levels_rule_caption,
    lingual,
    picked_level,
    plain,
    save_failed,
    save_failed_notice,
    submit_failed_notice,
    unscored_notice,
)
from readiness import reference, store, workshops
from readiness.bank import bank_for_version
from readiness.i18n import t
from readiness.profile import BizNoError, normalize_biz_no
from readiness.results import score_words
from readiness.scoring import score_assessment

require_router()
lang = current_lang()
qbank = bank()

st.title(t("join.title", lang))


CODE_GUESS = "code_guess"  # rate_event kind: an unknown workshop code typed
CODE_GUESSES = 60  # per client and window: a venue's phones behind one address mistype too
CODE_GUESS_WINDOW = timedelta(minutes=10)
GUESS_COUNTED = "join_guess_counted"


def refusal(kind: str) -> None:
    st.error(t(f"join.err_{kind}", lang), icon=":material/error:")


def participation(link: str | None):
    """The respondent a participant link names and its workshop scan; (None, None) if none."""
    found = store.company_by_token(engine=engine(), token=link) if link else None
    if found is None:
        return None, None
    scans = [a for a in store.assessments_of(engine=engine(), company_id=found.id) if a.workshop_id]
    return (found, scans[0]) if scans else (None, None)


# --- who is this participant? --------------------------------------------------------------------
token = st.query_params.get(TOKEN_PARAM)
company, assessment = participation(token)
if company is None and (asked := workshops.normalize_code(st.query_params.get("code", ""))):
    # One device, one participation: Back, a reload or a second scan of the QR code on a phone
    # that has joined this workshop returns to its own result, never to a second profile form.
    token = join_cookie.remembered(asked)
    company, assessment = participation(token)
    mine = assessment is not None and (
        workshops.get_workshop(engine=engine(), workshop_id=assessment.workshop_id).code == asked
    )
    if mine:
        st.query_params[TOKEN_PARAM] = token
        st.info(t("join.already", lang), icon=":material/devices:")
    else:
        company, assessment = None, None

# --- step 1: the code ----------------------------------------------------------------------------
if company is None:
    typed = st.query_params.get("code", "")
    with st.form("join_code", border=False):
        code_text = st.text_input(
            t("join.code", lang),
            value=typed,
            max_chars=40,
            placeholder="ABC234",
            help=t("join.code_help", lang),
        )
        st.form_submit_button(t("join.check_code", lang), icon=":material/login:")
    if not code_text.strip():
        st.caption(t("join.scan_qr", lang))
        st.stop()
    # Guessing codes: a client with too many unknown codes in a while is refused before any code
    # is checked (even a right one, or the refusal would tell a guesser nothing).
    if ratelimit.used(CODE_GUESS, window=CODE_GUESS_WINDOW) >= CODE_GUESSES:
        st.error(t("join.err_guesses", lang), icon=":material/hourglass_top:")
        st.stop()
    try:
        workshop = workshops.joinable_workshop(engine=engine(), code=code_text)
    except workshops.WorkshopError as exc:
        counted = st.session_state.get(GUESS_COUNTED)
        if exc.kind == "unknown" and counted != code_text.strip().upper():
            st.session_state[GUESS_COUNTED] = code_text.strip().upper()  # once per code typed
            ratelimit.allowed(CODE_GUESS, limit=CODE_GUESSES, window=CODE_GUESS_WINDOW)
        refusal(exc.kind)
        st.stop()
    st.query_params["code"] = workshop.code
    st.success(
        t("join.welcome", lang, title=plain(workshop.title, limit=workshops.MAX_TITLE)),
        icon=":material/groups:",
    )

    # --- step 2: a minimal profile ---------------------------------------------------------------
    # Not an st.form: its values would stay in the browser, and a language switch would lose them.
    with st.container(border=True):
        ksic = st.selectbox(
            t("start.ksic", lang),
            reference.ksic_codes(),
            index=None,
            format_func=lambda code: ksic_label(code, lang),
            placeholder=t("start.ksic_placeholder", lang),
            key=lingual("join_ksic"),
        )
        employees = st.number_input(
            t("start.employees", lang),
            min_value=1,
            value=None,
            step=1,
            placeholder=t("common.enter_number", lang),
            key="join_employees",
        )
        name = st.text_input(
            f"{t('start.name', lang)} ({t('common.optional', lang)})",
            max_chars=120,
            help=t("join.name_help", lang),
            key="join_name",
        )
        st.caption(t("join.member_lead", lang))
        member = st.text_input(
            f"{t('join.member', lang)} ({t('common.optional', lang)})",
            max_chars=300,
            help=t("join.member_help", lang),
            key="join_member",
        )
        consent = st.checkbox(t("join.member_consent", lang), key="join_member_consent")
        go = st.button(
            t("join.start", lang), type="primary", icon=":material/play_arrow:", key="join_start"
        )
    if not go:
        st.stop()
    if not ksic:
        st.error(t("err.ksic", lang), icon=":material/error:")
        st.stop()
    if employees is None:
        st.error(t("err.employees", lang), icon=":material/error:")
        st.stop()
    member_link = member_biz_no = None
    if member.strip():
        given = member.strip()
        if not consent:
            st.error(t("join.err_member_consent", lang), icon=":material/error:")
            st.stop()
        if f"{TOKEN_PARAM}=" in given:  # the private link itself, pasted whole
            given = given.split(f"{TOKEN_PARAM}=", 1)[1].split("&", 1)[0]
        if sum(ch.isdigit() for ch in given) == len(given.replace("-", "").replace(" ", "")):
            try:
                member_biz_no = normalize_biz_no(given)
            except BizNoError:
                st.error(t("join.err_member", lang), icon=":material/error:")
                st.stop()
        elif 20 <= len(given) <= 100:
            member_link = given
        else:
            st.error(t("join.err_member", lang), icon=":material/error:")
            st.stop()
    try:
        profile = workshops.participant_profile(
            code=workshop.code, ksic=ksic, employees=int(employees), name=name or None
        )
        joined = workshops.join(
            engine=engine(),
            code=workshop.code,
            profile=profile,
            bank=qbank,
            member_link=member_link,
            member_biz_no=member_biz_no,
        )
    except ValidationError:
        st.error(t("err.name", lang), icon=":material/error:")
        st.stop()
    except workshops.WorkshopError as exc:
        refusal(exc.kind)
        st.stop()
    # The participant link rides in the URL (a reload comes back here) and in the device's
    # cookie (Back, or the QR code scanned again, comes back here too).
    if join_cookie.remember(workshop.code, joined.token, lang):
        st.stop()  # the browser collects the cookie, then reloads /join with the link
    st.query_params[TOKEN_PARAM] = joined.token
    st.rerun()

workshop = workshops.get_workshop(engine=engine(), workshop_id=assessment.workshop_id)
st.caption(f"{plain(workshop.title, limit=workshops.MAX_TITLE)} · {workshop.code}")
qbank = bank_for_version(
    assessment.bank_version
)  # the scan is answered with the bank it began with
segment = qbank.segment_for(company.ksic, company.roles, company.products)

# --- step 3: the quick scan ----------------------------------------------------------------------
REFUSAL = "join_refusal"  # a refused tap's reason, from the picker's callback to the scan


@st.fragment(key="quick_scan")
def quick_scan() -> None:
    """The answers, their progress and the submit button: a tap reruns this alone, not the page.

    Everything it shows is read again here (the stored answers, one query); a successful submit
    reruns the whole app, which then shows step 4.
    """
    answers = store.answers_of(engine=engine(), assessment_id=assessment.id)
    kind = st.session_state.pop(REFUSAL, None)
    if kind == "closed":
        st.rerun(scope="app")  # the page itself says the workshop has ended
    scope = qbank.item_ids(quick_only=True)
    answered = sum(1 for i in scope if i in answers)
    st.progress(
        answered / len(scope), text=t("assess.progress", lang, answered=answered, total=len(scope))
    )

    def save(item_id: str) -> None:
        key = f"j_{assessment.id}_{item_id}"
        try:
            workshops.save_participant_answer(
                engine=engine(),
                bank=qbank,
                assessment_id=assessment.id,
                item_id=item_id,
                level=picked_level(key),
            )
        except workshops.WorkshopError as exc:
            st.session_state[REFUSAL] = exc.kind
        except DBAPIError:
            save_failed(key, item_id, answers)

    save_failed_notice(lang)

    for pillar in qbank.pillars:
        st.subheader(pillar.name.get(lang))
        pillar_items = qbank.items_of(pillar.id, quick_only=True)
        levels_rule_caption(qbank, pillar_items, answers, lang)
        for item in pillar_items:
            level_picker(
                qbank.item_view(item.id, segment),
                lang,
                answers=answers,
                key=f"j_{assessment.id}_{item.id}",
                on_change=save,
                examples=item.examples_for(company.ksic, segment),
            )
    if kind:
        refusal(kind)
    if answered < len(scope):
        st.caption(t("join.answer_all", lang, n=len(scope) - answered))
    scan = score_assessment(qbank, answers, mode="quick", validate=False)
    can_submit = unscored_notice(qbank, scan, lang)
    if st.button(
        t("assess.submit", lang),
        type="primary",
        icon=":material/task_alt:",
        disabled=not can_submit,
        width="stretch",
        key="join_submit",
    ):
        try:
            workshops.submit_participant(
                engine=engine(), bank=qbank, assessment_id=assessment.id, answers=answers
            )
        except workshops.WorkshopError as exc:
            refusal(exc.kind)
            return
        except store.StoreError:
            unscored_notice(qbank, scan, lang)
            return
        except DBAPIError:
            submit_failed_notice(lang)
            return
        st.rerun(scope="app")  # step 4 is the page's, outside this fragment


if assessment.status == "draft":
    if workshop.status == "closed":
        st.session_state.pop(REFUSAL, None)
        refusal("closed")
        st.stop()
    quick_scan()
    st.stop()

# --- step 4: my result, next to the room and to all members ---------------------------------------
scores = store.pillar_scores_of(engine=engine(), assessment_id=assessment.id)
stage = qbank.stage(assessment.stage) if assessment.stage else None
max_stage = qbank.stage(qbank.method.quick_max_stage).name.get(lang)
st.info(
    f"**{t('results.indicative_title', lang)}** · "
    + t("results.indicative_body", lang, max_stage=max_stage, n=len(qbank.item_ids())),
    icon=":material/info:",
)
overall = assessment.overall
c1, c2 = st.columns(2)
c1.metric(t("results.overall", lang), score_words(overall), border=True)
if stage is not None:
    with c2.container(border=True):
        st.markdown(f"**{t('results.stage', lang)}: {stage.name.get(lang)}**")
        st.caption(stage.description.get(lang))
if overall is None:
    scan = score_assessment(
        qbank,
        store.answers_of(engine=engine(), assessment_id=assessment.id),
        mode="quick",
        validate=False,
    )
    short = [
        t("results.missing_pillar", lang, pillar=qbank.pillar(pid).name.get(lang), n=n)
        for pid, p in scan.pillars.items()
        if (n := p.missing_levels) and not p.scored
    ]
    st.warning(t("results.missing_overall", lang, pillars=", ".join(short)), icon=":material/info:")

my_scores = [scores[p.id].score for p in qbank.pillars]
members = members_reference(assessment.wave)
ROOM_REFRESH_S = 10  # the room's figures move only in steps of k submissions (workshops.py)


@st.fragment(run_every=ROOM_REFRESH_S if workshop.status != "closed" else None)
def my_room() -> None:
    """Me next to the room and all members; redrawn as the room fills, without a reload."""
    room = room_snapshot(workshop.id)
    room_median = [room.scores[p.id].median for p in qbank.pillars]
    chart_image(
        svg_charts.radar_svg(
            [p.name.get(lang) for p in qbank.pillars],
            my_scores,
            names=(t("join.me", lang), t("join.room", lang), t("join.members", lang)),
            median=room_median if all(v is not None for v in room_median) else None,
            p75=[members.median.get(p.id) for p in qbank.pillars],
            title=t("join.radar_title", lang),
            key="join_radar",
        )
    )
    if room.scores["overall"].median is None:
        st.caption(t("join.room_waiting", lang, k=room.k))
    else:
        st.caption(
            t(
                "join.room_sentence",
                lang,
                n=room.shown,
                room=score_words(room.scores["overall"].median),
                members=score_words(members.median.get("overall")),
            )
        )


my_room()
link_card(
    company_name=company.name,
    token=token,
    lang=lang,
    key="join",
    title=t("join.keep_link", lang),
    lead=t("join.keep_link_body", lang, n=len(qbank.item_ids())),
)
