"""Small Streamlit pieces used on several pages."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import streamlit as st

from components.svg_charts import Chart
from readiness.bank import Bank, Item, Text
from readiness.i18n import LANGS, Message, t
from readiness.scoring import Answers, Result
from readiness.text import DISPLAY_LIMIT
from readiness.text import markdown as text_markdown

if TYPE_CHECKING:
    import pandas as pd
    from pandas.io.formats.style import Styler

_LANG_LABELS = {"ko": "한국어", "en": "English"}


_LINGUAL = "_lingual_keys"


def lingual(key: str) -> str:
    """Register `key` as a choice widget whose option labels are in the page's language; returns it.

    The browser sends a radio's or select box's choice back as its displayed label. After a
    language switch that label is no longer among the options, and Streamlit would drop the choice
    (or hand back the old label as the value). `_switch_language` re-sets every registered widget's
    value, read while the old labels still applied, so it is drawn again in the new language.
    """
    st.session_state.setdefault(_LINGUAL, set()).add(key)
    return key


def _switch_language() -> None:
    choice = st.session_state.get("lang_switch")
    if not choice:
        return
    for key in st.session_state.get(_LINGUAL, set()):
        if key in st.session_state:  # a widget still on the page: keep its value, not its label
            st.session_state[key] = st.session_state[key]
    st.session_state[_LINGUAL] = set()  # this run registers what its page still draws
    st.session_state["lang"] = choice
    st.query_params["lang"] = choice


# The page's <html lang> follows the language (screen readers, hyphenation, the browser's own
# translation offer); static scripts, one per language, whose hashes deploy/csp.txt allows.
HTML_LANG = {
    code: f'<script>(window.parent || window).document.documentElement.lang = "{code}";</script>'
    for code in LANGS
}


def page_header(lang: str, staff: object | None = None) -> None:
    """The strip above every page: the language switch, and sign-out for signed-in staff."""
    if st.session_state.get("lang_switch") != lang:
        st.session_state["lang_switch"] = lang  # follow a language that came in by URL
    _, right = st.columns([5, 2.2 if staff else 1.4])
    with right, st.container(horizontal=True, horizontal_alignment="right"):
        st.html(HTML_LANG[lang], unsafe_allow_javascript=True, width=1)  # beside it: no extra row
        st.segmented_control(
            t("app.language", lang),
            options=list(LANGS),
            format_func=_LANG_LABELS.__getitem__,
            key="lang_switch",
            label_visibility="collapsed",
            on_change=_switch_language,
            required=True,
        )
        if staff is not None:
            from components.staff import sign_out

            st.button(
                t("staff.sign_out", lang),
                icon=":material/logout:",
                on_click=sign_out,
                type="tertiary",
                key="staff_sign_out",
            )


def synthetic_badge(lang: str) -> None:
    st.badge(t("app.synthetic_badge", lang), icon=":material/science:", color="orange")


NOT_APPLICABLE = "na"
_LEVELS: list[int | str] = [*range(6), NOT_APPLICABLE]


def level_picker(
    item: Item,
    lang: str,
    *,
    answers: Mapping[str, int | None],
    key: str,
    on_change: Callable[[str], None],
    examples: Sequence[Text] = (),
) -> None:
    """An item's worded 0-5 ladder, and "not applicable" where the item allows it (never on a
    critical item), the answer so far chosen. `item` is the item as the company's segment reads it;
    `examples` (the sector's own, `Item.examples_for`) follow the help text.

    `on_change(item.id)` runs when the choice changes; `picked_level(key)` then reads it.
    """
    options = _LEVELS if item.allows_na else _LEVELS[:-1]

    def label(choice: int | str) -> str:
        if choice == NOT_APPLICABLE:
            return t("common.not_applicable", lang)
        return f"{t('common.level_n', lang, n=choice)} · {item.level_text(int(choice), lang)}"

    chosen = stored_choice(item.id, answers)
    index = options.index(chosen) if chosen is not None and chosen in options else None
    help_text = item.help.get(lang)
    if examples:
        shown = "; ".join(e.get(lang) for e in examples)
        help_text += "\n\n" + t("assess.examples", lang, examples=shown)
    with st.container(border=True):
        st.radio(
            item.text.get(lang),
            options=options,
            index=index,
            format_func=label,
            key=lingual(key),
            help=help_text,
            on_change=on_change,
            args=(item.id,),
        )


SAVE_FAILED_KEY = "save_failed"


def save_failed(key: str, item_id: str, answers: Mapping[str, int | None]) -> None:
    """In a picker's on_change: the answer could not be written (the database was busy or down).

    The picker goes back to what is stored (`answers`), so the page never shows an unsaved answer
    as given, and `save_failed_notice` says so on this run.
    """
    st.session_state[key] = stored_choice(item_id, answers)
    st.session_state[SAVE_FAILED_KEY] = True


def save_tap(
    key: str,
    item_id: str,
    answers: Mapping[str, int | None],
    write: Callable[[int | None], None],
    locked: str,
) -> None:
    """A picker's on_change: `write` the level chosen in `key`; an answer that can no longer
    change (StoreError) says `locked` in a toast; a failed write puts the picker back
    (`save_failed`)."""
    from sqlalchemy.exc import DBAPIError

    from readiness.store.errors import StoreError

    try:
        write(picked_level(key))
    except StoreError:
        st.toast(locked, icon=":material/lock:")
    except DBAPIError:
        save_failed(key, item_id, answers)


def save_failed_notice(lang: str) -> None:
    """The bilingual "not saved, nothing else lost, tap again" message after `save_failed`."""
    if st.session_state.pop(SAVE_FAILED_KEY, False):
        st.error(t("common.save_failed", lang), icon=":material/sync_problem:")


def submit_failed_notice(lang: str) -> None:
    """The bilingual "not submitted, every answer kept, try again" message."""
    st.error(t("common.submit_failed", lang), icon=":material/sync_problem:")


def stored_choice(item_id: str, answers: Mapping[str, int | None]) -> int | str | None:
    """The picker option for a stored answer: its level, NOT_APPLICABLE, or None if unanswered."""
    if item_id not in answers:
        return None
    level = answers[item_id]
    return NOT_APPLICABLE if level is None else level


def picked_level(key: str) -> int | None:
    """The level chosen in the picker `key`; None for "not applicable"."""
    choice = st.session_state[key]
    return None if choice == NOT_APPLICABLE else int(choice)


def plain(text: object, *, limit: int | None = DISPLAY_LIMIT) -> str:
    """User text made inert for anything Streamlit renders as Markdown (st.markdown, captions,
    headers, alerts, toasts, widget labels and help): see readiness.text.markdown. Clipped to
    `limit` characters with an ellipsis (None: whole)."""
    return text_markdown(text, limit=limit)


MISSING = "—"


def dashed(frame: pd.DataFrame, *, precision: int = 1) -> Styler:
    """A table for st.dataframe with a missing value shown as "—" rather than "None", decimals to
    `precision` (whole-number columns with gaps: give them the Int64 dtype)."""
    return frame.style.format(na_rep=MISSING, precision=precision)


def said(message: Message, lang: str) -> str:
    """A Message for st.markdown: the catalog's sentence with every value it fills in (names,
    lists) made inert by `plain`, each clipped to 300 characters (a list of markets is longer
    than a name)."""
    return message.render(lang, text=_plain_value)


def _plain_value(text: str) -> str:
    return plain(text, limit=300)


def invalid_link(lang: str) -> None:
    """The plain "link not valid" page: no company data, a way to start over."""
    st.error(t("common.invalid_link_title", lang), icon=":material/link_off:")
    st.write(t("common.invalid_link_body", lang))
    st.page_link(
        "pages/start.py",
        label=t("common.start_new", lang),
        icon=":material/add_circle:",
        query_params={"lang": lang},
    )
    from components.requests import link_request_form  # it draws with this module's pieces

    link_request_form(lang, key="req_invalid_link")


_SCROLL_TOP = """<script>
(() => {
  const doc = window.parent ? window.parent.document : document;
  for (const sel of ['[data-testid="stMain"]', '[data-testid="stAppViewContainer"]']) {
    const el = doc.querySelector(sel);
    if (el) el.scrollTo({top: 0});
  }
  (window.parent || window).scrollTo({top: 0});
})();
</script>"""


def scroll_to_top() -> None:
    """Bring a new step into view from its top (a static script; no user text)."""
    st.html(_SCROLL_TOP, unsafe_allow_javascript=True, width=1)


def levels_rule_caption(bank: Bank, items: Sequence[Item], answers: Answers, lang: str) -> None:
    """How many of a pillar's questions need a level before the pillar gets a score."""
    levels = sum(1 for i in items if answers.get(i.id) is not None)
    need = bank.method.min_levels(len(items))
    text = t("assess.min_levels", lang, need=need, total=len(items), levels=levels)
    st.caption(f":material/rule: {text}")


def unscored_notice(bank: Bank, result: Result, lang: str) -> bool:
    """Before submitting: which pillars will have no score yet and how many more answers with a
    level each needs. Returns False (after saying what to answer) when no pillar can be scored,
    which the store refuses."""
    short = [
        t("assess.short_pillar", lang, pillar=bank.pillar(pid).name.get(lang), n=p.missing_levels)
        for pid, p in result.pillars.items()
        if not p.scored
    ]
    if not short:
        return True
    lines = "\n".join(f"- {line}" for line in short)
    if len(short) == len(result.pillars):
        st.error(f"{t('assess.none_scored', lang)}\n\n{lines}", icon=":material/block:")
        return False
    st.info(
        f"{t('assess.short_title', lang)}\n\n{lines}\n\n{t('assess.short_note', lang)}",
        icon=":material/info:",
    )
    return True


def chart_image(chart: Chart) -> None:
    """A server-drawn chart (components/svg_charts.py) as an image, its figures as the alt text."""
    st.image(chart.svg, alt=chart.alt)
