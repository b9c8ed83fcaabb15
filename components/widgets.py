"""Small Streamlit pieces used on several pages."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st

from readiness.bank import Item
from readiness.i18n import LANGS, t

_LANG_LABELS = {"ko": "한국어", "en": "English"}


def _switch_language() -> None:
    choice = st.session_state.get("lang_switch")
    if choice:
        st.session_state["lang"] = choice
        st.query_params["lang"] = choice


def page_header(lang: str, staff: object | None = None) -> None:
    """The strip above every page: the language switch, and sign-out for signed-in staff."""
    if st.session_state.get("lang_switch") != lang:
        st.session_state["lang_switch"] = lang  # follow a language that came in by URL
    _, right = st.columns([5, 2.2 if staff else 1.4])
    with right, st.container(horizontal=True, horizontal_alignment="right"):
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
) -> None:
    """An item's worded 0-5 ladder and "not applicable", the answer so far chosen.

    `on_change(item.id)` runs when the choice changes; `picked_level(key)` then reads it.
    """

    def label(choice: int | str) -> str:
        if choice == NOT_APPLICABLE:
            return t("common.not_applicable", lang)
        return f"{t('common.level_n', lang, n=choice)} · {item.level_text(int(choice), lang)}"

    index = None
    if item.id in answers:
        level = answers[item.id]
        index = _LEVELS.index(NOT_APPLICABLE if level is None else level)
    with st.container(border=True):
        st.radio(
            f"{item.id} · {item.text.get(lang)}",
            options=_LEVELS,
            index=index,
            format_func=label,
            key=key,
            help=item.help.get(lang),
            on_change=on_change,
            args=(item.id,),
        )


def picked_level(key: str) -> int | None:
    """The level chosen in the picker `key`; None for "not applicable"."""
    choice = st.session_state[key]
    return None if choice == NOT_APPLICABLE else int(choice)


_MD_SPECIAL = "\\`*_{}[]()#+-.!|<>~$:"


def plain(text: str) -> str:
    """User text made inert for st.markdown: every Markdown/HTML character escaped."""
    return "".join(f"\\{ch}" if ch in _MD_SPECIAL else ch for ch in str(text))


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
