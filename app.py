"""Router: page config, language, role, navigation. Nothing else lives here."""

import pandas  # noqa: F401  (imported before plotly: many sessions at once can half-import it)
import plotly  # noqa: F401
import streamlit as st

from components import outage, runtime, staff_next
from components.palette import PRIMARY
from components.session import current_lang, mark_routed
from components.staff import current_staff, session_ended_now
from components.widgets import HTML_LANG, page_header
from readiness.i18n import t
from readiness.paths import DATA_DIR

st.set_page_config(
    page_title="글로벌 역량 진단 · Global Readiness",
    page_icon=str(
        DATA_DIR / "icon.png"
    ),  # served by the app: a ":material/…" icon comes from a CDN
    layout="wide",
    initial_sidebar_state="collapsed",
)

runtime.settle()  # once per process: imports, then the import-time heap leaves the collector
mark_routed()
lang = current_lang()

if st.query_params.get("k"):
    # The projector's read-only presenter link (a kiosk): the room's view and nothing else: no
    # navigation, no sign-in, no language switch or sign-out on the wall (pages/presenter.py
    # checks the link on every refresh).
    st.html(HTML_LANG[lang], unsafe_allow_javascript=True, width=1)
    st.html("<style>[data-testid='stHeader']{display:none}</style>")
    kiosk = st.Page(
        "pages/presenter.py", title=t("nav.presenter", lang), url_path="presenter", default=True
    )
    outage.run_page(st.navigation([kiosk], position="hidden"), lang, where="kiosk")
    st.stop()
try:
    staff = current_staff()
except outage.OUTAGE as exc:  # no database, no staff session: the public pages still work
    outage.record(exc, "staff session")
    staff = None
page_header(lang, staff)
# A clear focus ring for keyboard users on radios and checkboxes (a static style, no user text).
st.html(
    "<style>[data-testid='stRadioOption']:has(input:focus-visible),"
    "[data-testid='stCheckbox'] label:has(input:focus-visible)"
    f"{{outline:2px solid {PRIMARY};outline-offset:2px;border-radius:4px}}</style>"
)


def page(script: str, key: str, icon: str, **kwargs) -> st.Page:
    return st.Page(f"pages/{script}.py", title=t(key, lang), icon=icon, url_path=script, **kwargs)


has_link = bool(st.query_params.get("c") or st.session_state.get("token"))
# A team member's own link (?t=): their answers in the company's team round (pages/team.py).
has_member_link = bool(st.query_params.get("t") or st.session_state.get("member_token"))
public = [
    page("home", "nav.home", ":material/home:", default=True),
    page("start", "nav.start", ":material/play_circle:"),
    page("join", "nav.join", ":material/qr_code_scanner:"),
    # Reached through a company's private link; listed once this session holds one.
    page("assess", "nav.assess", ":material/checklist:", visibility="hidden"),
    page(
        "results",
        "nav.results",
        ":material/insights:",
        visibility="visible" if has_link else "hidden",
    ),
    page(
        "team",
        "nav.team",
        ":material/diversity_3:",
        visibility="visible" if has_link or has_member_link else "hidden",
    ),
]
# Registered (hidden) for signed-in staff too, so that the sign-in run can move on to the heatmap.
login = page(
    "staff_login",
    "nav.staff_login",
    ":material/badge:",
    visibility="hidden" if staff else "visible",
)
public.append(login)


def sign_in_first(path: str) -> st.Page:
    """A staff URL opened signed out: the sign-in page, which returns there afterwards (a shared
    or bookmarked view keeps its filters). Nothing of the staff page runs."""

    def gate() -> None:
        target = staff_next.encode(path, st.query_params.to_dict())
        st.switch_page(login, query_params={"lang": lang, staff_next.PARAM: target or path})

    return st.Page(gate, title=t("nav.staff_login", lang), url_path=path, visibility="hidden")


if staff is None:
    # Staff pages are not registered for anyone else: each staff URL leads to sign-in only.
    pages = [*public, *(sign_in_first(path) for path in staff_next.STAFF_PATHS)]
else:
    pages = {
        t("nav.section_members", lang): public,
        t("nav.section_staff", lang): [
            page("staff_overview", "nav.staff_overview", ":material/grid_on:"),
            page("staff_sector", "nav.staff_sector", ":material/factory:"),
            page("staff_compare", "nav.staff_compare", ":material/compare_arrows:"),
            page("staff_benchmarks", "nav.staff_benchmarks", ":material/public:"),
            page("staff_instrument", "instrument.nav", ":material/rule:"),
            page("staff_members", "nav.staff_members", ":material/groups:"),
            page("staff_requests", "nav.staff_requests", ":material/inbox:"),
            page("staff_data", "nav.staff_data", ":material/upload_file:"),
            page("staff_clusters", "nav.staff_clusters", ":material/hub:"),
            page("staff_workshops", "nav.staff_workshops", ":material/event:"),
            page("presenter", "nav.presenter", ":material/co_present:", visibility="hidden"),
        ],
    }
navigation = st.navigation(pages, position="top")
if session_ended_now():  # removed, locked, new password, signed out elsewhere, timed out
    back = staff_next.encode(navigation.url_path, st.query_params.to_dict())
    st.switch_page(login, query_params={"lang": lang, **({staff_next.PARAM: back} if back else {})})
outage.run_page(navigation, lang, where="page")
