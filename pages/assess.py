"""Assessment: one step per pillar, every answer saved as it is given."""

import streamlit as st
from sqlalchemy.exc import DBAPIError

from components.cache import engine
from components.session import TOKEN_PARAM, company_from_link, current_lang, require_router
from components.widgets import (
    level_picker,
    levels_rule_caption,
    plain,
    save_failed_notice,
    save_tap,
    scroll_to_top,
    submit_failed_notice,
    unscored_notice,
)
from readiness import store
from readiness.bank import bank_for_version
from readiness.i18n import t
from readiness.scoring import score_assessment

require_router()
lang = current_lang()
company, token = company_from_link(lang)

draft = store.open_draft(engine=engine(), company_id=company.id)
if draft is None:
    st.switch_page("pages/results.py", query_params={TOKEN_PARAM: token, "lang": lang})

qbank = bank_for_version(draft.bank_version)  # a draft is answered with the bank it began with
segment = qbank.segment_for(company.ksic, company.roles, company.products)
quick_only = draft.mode == "quick"
steps = [(p, qbank.items_of(p.id, quick_only=quick_only)) for p in qbank.pillars]
scope = [item.id for _, items in steps for item in items]
step_key = f"step_{draft.id}"
carried = store.carried_answers(engine=engine(), draft=draft)  # from a quick scan, once a run


def answer_key(item_id: str) -> str:
    return f"a_{draft.id}_{item_id}"


def go_to(step: int) -> None:
    st.session_state[step_key] = step
    st.session_state["scroll_top"] = True


def pick_step(stepper: str) -> None:
    """The stepper's on_change: go to the step chosen in it."""
    chosen = st.session_state.get(stepper)
    if chosen is not None:
        go_to(chosen)


st.title(t("assess.title", lang))
st.caption(f"{plain(company.name)} · {t(f'assess.mode_{draft.mode}', lang)} · {draft.wave}")


@st.fragment(key="assessment_step")
def assessment_step() -> None:
    """Progress, stepper, the step's questions and its buttons: a tap or a step change reruns this
    alone, not the page.

    Everything it shows is read again here (the stored answers, one query); a successful submit
    switches to the results page, which reruns the whole app.
    """
    answers = store.answers_of(engine=engine(), assessment_id=draft.id)
    if step_key not in st.session_state:
        unfinished = [
            n for n, (_, items) in enumerate(steps) if any(i.id not in answers for i in items)
        ]
        st.session_state[step_key] = unfinished[0] if unfinished else len(steps) - 1
        if carried and answers.keys() <= carried.keys():  # a full draft fresh from a quick scan
            st.toast(t("journey.carried_toast", lang, n=len(carried)), icon=":material/history:")
        elif answers:
            st.toast(t("assess.resume_note", lang), icon=":material/history:")

    def save(item_id: str) -> None:
        def write(level: int | None) -> None:
            store.save_answer(
                engine=engine(), bank=qbank, assessment_id=draft.id, item_id=item_id, level=level
            )

        save_tap(answer_key(item_id), item_id, answers, write, t("assess.already_submitted", lang))

    answered = sum(1 for item_id in scope if item_id in answers)
    st.progress(
        answered / len(scope), text=t("assess.progress", lang, answered=answered, total=len(scope))
    )

    step = st.session_state[step_key]

    def step_label(n: int) -> str:
        pillar, items = steps[n]
        done = all(i.id in answers for i in items)
        return f"{n + 1}. {pillar.name.get(lang)}{' ✓' if done else ''}"

    stepper = f"stepper_{draft.id}_{step}"
    st.segmented_control(
        t("assess.step", lang, n=step + 1, total=len(steps), pillar=steps[step][0].name.get(lang)),
        options=list(range(len(steps))),
        format_func=step_label,
        default=step,
        key=stepper,
        required=True,
        on_change=pick_step,
        args=(stepper,),
    )

    scroll_slot = st.empty()  # always present: the elements after it keep their places (and focus)
    if st.session_state.pop("scroll_top", False):
        with scroll_slot:
            scroll_to_top()

    pillar, items = steps[step]
    st.subheader(pillar.name.get(lang))
    st.caption(pillar.description.get(lang))
    levels_rule_caption(qbank, items, answers, lang)
    save_failed_notice(lang)
    kept = {i.id for i in items if i.id in carried and answers.get(i.id, -1) == carried[i.id]}
    if kept:
        st.caption(f":material/history: {t('journey.carried_step', lang, n=len(kept))}")
    for item in items:
        if item.id in kept:
            st.caption(f":material/history: {t('journey.carried_item', lang)}")
        level_picker(
            qbank.item_view(item.id, segment),
            lang,
            answers=answers,
            key=answer_key(item.id),
            on_change=save,
            examples=item.examples_for(company.ksic, segment),
        )

    if all(i.id in answers for i in items):
        st.caption(f":material/check_circle: {t('assess.pillar_done', lang)}")

    last = step == len(steps) - 1
    missing = len(scope) - answered
    confirmed = True
    if last:
        result = score_assessment(qbank, answers, mode=draft.mode, validate=False)
        confirmed = unscored_notice(qbank, result, lang)
    if last and missing and confirmed:
        st.warning(t("assess.unanswered_warning", lang, n=missing), icon=":material/info:")
        confirmed = st.checkbox(t("assess.confirm_partial", lang), key=f"confirm_{draft.id}")

    left, right = st.columns(2)
    if step > 0:
        left.button(
            t("common.previous", lang),
            icon=":material/arrow_back:",
            on_click=go_to,
            args=(step - 1,),
            width="stretch",
        )
    if not last:
        right.button(
            t("common.next", lang),
            icon=":material/arrow_forward:",
            type="primary",
            on_click=go_to,
            args=(step + 1,),
            width="stretch",
            key="assess_next",
        )
    elif right.button(
        t("assess.submit", lang),
        icon=":material/task_alt:",
        type="primary",
        disabled=not confirmed,
        width="stretch",
        key="assess_submit",
    ):
        try:
            store.submit_assessment(engine=engine(), bank=qbank, assessment_id=draft.id)
        except DBAPIError:
            submit_failed_notice(lang)
        except store.StoreError:
            stored = store.answers_of(engine=engine(), assessment_id=draft.id)
            result = score_assessment(qbank, stored, mode=draft.mode, validate=False)
            if any(p.scored for p in result.pillars.values()):
                st.error(t("assess.already_submitted", lang), icon=":material/lock:")
            else:
                unscored_notice(qbank, result, lang)
        else:
            # A page switch reruns the whole app (on the results page), from a fragment too.
            st.switch_page("pages/results.py", query_params={TOKEN_PARAM: token, "lang": lang})


assessment_step()
