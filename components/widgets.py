"""Small Streamlit pieces used on several pages."""

from __future__ import annotations

import streamlit as st

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
