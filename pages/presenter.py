"""The projector: the QR code and the code, then the room's picture, refreshed by itself.

Opened by staff from the workshops page (?code=...), or as a kiosk by the workshop's read-only
presenter link (?k=..., no sign-in: app.py then registers this page alone, without menu or
sign-out). The whole view is one fragment: the QR code fills the left third while nobody has
joined and moves to a corner once people have, and a revoked or expired link ends the kiosk at
its next refresh. Only the room's aggregates are shown, never a person's (workshops.room_snapshot).
"""

import io

import segno
import streamlit as st

from components import charts, room_charts
from components.cache import bank, engine, members_reference, room_snapshot
from components.session import current_lang, public_base_url, require_router
from components.staff import staff_page
from components.widgets import plain
from readiness import reference, workshops
from readiness.i18n import t
from readiness.waves import current_wave

REFRESH_S = 3
kiosk_key = st.query_params.get("k")
if kiosk_key:
    require_router()
    lang, qbank = current_lang(), bank()
    workshop = workshops.presenter_workshop(engine=engine(), token=kiosk_key)
    if workshop is None:
        st.error(t("presenter.link_invalid", lang), icon=":material/link_off:")
        st.stop()
else:
    staff, lang, qbank = staff_page()
    workshop = workshops.workshop_by_code(
        engine=engine(), code=workshops.normalize_code(st.query_params.get("code", ""))
    )
    if workshop is None:
        st.error(t("join.err_unknown", lang), icon=":material/error:")
        st.page_link("pages/staff_workshops.py", label=t("nav.staff_workshops", lang))
        st.stop()

# Static styles (no user text): the code and the head count read from the back of the room.
st.html(
    "<style>.st-key-presenter-code p{font-size:5.5rem;font-weight:800;letter-spacing:.4rem;"
    "margin:0;line-height:1.1}.st-key-presenter-code-small p{font-size:2.6rem;font-weight:800;"
    "letter-spacing:.25rem;margin:0;line-height:1.1}.st-key-presenter-big p{font-size:2.4rem;"
    "margin:0}.st-key-presenter-room h4{font-size:1.6rem}</style>"
)
url = workshops.join_url(workshop.code, base=public_base_url())
buffer = io.BytesIO()
segno.make(url, error="m").save(buffer, kind="png", scale=12, border=2)
qr_png = buffer.getvalue()
workshop_id = workshop.id


def join_panel(*, large: bool) -> None:
    """How to join: the QR code, the address and the code; large until people have joined."""
    st.image(qr_png, width=380 if large else 190, caption=url if large else None)
    with st.container(key="presenter-code" if large else "presenter-code-small", border=False):
        st.markdown(workshop.code)
    st.markdown(f"**{t('join.code', lang)}** · {t('presenter.go_to', lang)}")


def room_charts_grid(room: workshops.RoomSnapshot, height: int) -> None:
    members = members_reference(current_wave())
    waiting = t("presenter.waiting", lang, k=room.k)
    c1, c2 = st.columns(2)
    with c1:
        st.markdown(f"#### {t('presenter.radar', lang)}")
        medians = [room.scores[p.id].median for p in qbank.pillars]
        if any(v is None for v in medians):
            fig = room_charts.waiting_figure(waiting, height=height)
        else:
            fig = charts.radar_figure(
                [p.name.get(lang) for p in qbank.pillars],
                medians,
                names=(t("join.room", lang), t("join.members", lang), ""),
                median=[members.median.get(p.id) for p in qbank.pillars],
                height=height,
            )
            fig.update_layout(font={"size": 20})
        st.plotly_chart(fig, config={"displayModeBar": False}, key="room_radar")
    with c2:
        st.markdown(f"#### {t('presenter.stages', lang)}")
        if room.stages is None:
            fig = room_charts.waiting_figure(waiting, height=height)
        else:
            fig = room_charts.stage_histogram_figure(
                room.stages, labels={s.id: s.name.get(lang) for s in qbank.stages}, height=height
            )
        st.plotly_chart(fig, config={"displayModeBar": False}, key="room_stages")
    c3, c4 = st.columns(2)
    with c3:
        st.markdown(f"#### {t('presenter.distribution', lang)}")
        quartiles = {
            p.id: (q.q1, q.median, q.q3)
            if (q := room.scores[p.id]).q1 is not None and q.median is not None and q.q3 is not None
            else None
            for p in qbank.pillars
        }
        fig = room_charts.quartiles_figure(
            quartiles,
            labels={p.id: p.name.get(lang) for p in qbank.pillars},
            empty_text=waiting,
            height=height,
        )
        st.plotly_chart(fig, config={"displayModeBar": False}, key="room_distribution")
    with c4:
        st.markdown(f"#### {t('presenter.sectors', lang)}")
        labels = {
            code: reference.label("ksic_divisions", code, lang) for code in reference.ksic_codes()
        }
        labels[workshops.OTHER_SECTORS] = t("presenter.other", lang)
        if room.sectors:
            fig = room_charts.sectors_figure(room.sectors, labels=labels, height=height)
        else:
            fig = room_charts.waiting_figure(t("presenter.nobody", lang), height=height)
        st.plotly_chart(fig, config={"displayModeBar": False}, key="room_sectors")


@st.fragment(run_every=REFRESH_S)
def live_room() -> None:
    if kiosk_key and workshops.presenter_workshop(engine=engine(), token=kiosk_key) is None:
        st.rerun(scope="app")  # revoked, expired or the workshop closed: the page says so
    room = room_snapshot(workshop_id)
    nobody_yet = room.joined == 0
    left, right = st.columns([1, 1.7] if nobody_yet else [0.22, 1], gap="large")
    with left:
        join_panel(large=nobody_yet)
    with right, st.container(key="presenter-room", border=False):
        st.header(plain(workshop.title, limit=workshops.MAX_TITLE), anchor=False)
        status = t(f"workshops.status_{room.status}", lang)
        with st.container(key="presenter-big", border=False):
            st.markdown(
                t("presenter.count", lang, submitted=room.submitted, joined=room.joined)
                + f" · {status}"
            )
        room_charts_grid(room, height=280 if nobody_yet else 320)
        st.caption(t("presenter.privacy", lang, k=room.k, shown=room.shown))


live_room()
