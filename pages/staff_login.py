"""Staff sign-in: email and password, or the organisation's single sign-on where configured."""

import streamlit as st

from components import staff_next
from components.cache import engine
from components.session import current_lang, require_router
from components.staff import ENDED_KEY, client_address, current_staff, oidc_configured, sign_in
from readiness import auth
from readiness.config import settings
from readiness.i18n import t

require_router()
lang = current_lang()

# A staff link opened signed out, or a session that ended mid-work: back there after sign-in.
next_ = st.query_params.get(staff_next.PARAM)
target = staff_next.parse(next_)

st.title(t("staff.login_title", lang))
if current_staff() is not None:
    path, params = target or ("staff_overview", {})
    st.switch_page(f"pages/{path}.py", query_params={**params, "lang": lang})
ended = st.session_state.pop(ENDED_KEY, None)
if st.session_state.pop("staff_expired", False) or ended == auth.SessionEnd.IDLE:
    st.info(t("staff.expired", lang), icon=":material/timer_off:")
elif ended == auth.SessionEnd.EXPIRED:
    hours = settings().staff_session_hours
    st.info(t("staff.lifetime", lang, hours=hours), icon=":material/timer_off:")
elif ended is not None:
    st.info(t("staff.ended", lang), icon=":material/logout:")
elif target is not None:
    st.info(t("staff.sign_in_to_continue", lang), icon=":material/lock:")
st.caption(t("staff.login_lead", lang))

with st.form("staff_login"):
    email = st.text_input(
        t("staff.email", lang), max_chars=254, autocomplete="username", key="staff_email"
    )
    password = st.text_input(
        t("staff.password", lang),
        type="password",
        max_chars=200,
        autocomplete="current-password",
        key="staff_password",
    )
    submitted = st.form_submit_button(
        t("staff.sign_in", lang), type="primary", icon=":material/login:", key="staff_sign_in"
    )
if submitted:
    result = auth.authenticate(
        engine=engine(), email=email, password=password, client=client_address()
    )
    if result.ok and result.user is not None:
        if sign_in(result.user, lang, next_ if target else None):
            st.stop()  # the browser goes to collect its session cookie, then to the heatmap
        st.rerun()
    elif result.outcome is auth.Outcome.BUSY:
        st.warning(t("staff.busy", lang), icon=":material/hourglass_top:")
    elif result.locked_until is not None:
        until = result.locked_until.astimezone().strftime("%H:%M")
        st.error(t("staff.locked", lang, until=until), icon=":material/lock_clock:")
    else:
        st.error(t("staff.wrong", lang), icon=":material/error:")

if oidc_configured():
    st.divider()
    if st.button(t("staff.sso", lang), icon=":material/key:"):
        st.login()
