"""The projector: a large QR code and the code, then the room's picture, refreshed by itself."""

import io

import segno
import streamlit as st

from components import charts, room_charts
from components.cache import engine, members_reference, room_snapshot
from components.session import public_base_url
from components.staff import staff_page
from components.widgets import plain
from readiness import reference, workshops
from readiness.i18n import t
from readiness.waves import current_wave

staff, lang, qbank = staff_page()

workshop = workshops.workshop_by_code(
    engine=engine(), code=workshops.normalize_code(st.query_params.get("code", ""))
)
if workshop is None:
    st.error(t("join.err_unknown", lang), icon=":material/error:")
    st.page_link("pages/staff_workshops.py", label=t("nav.staff_workshops", lang))
    st.stop()

st.html(
    "<style>.st-key-presenter-code p{font-size:5.5rem;font-weight:800;letter-spacing:.4rem;"
    "margin:0;line-height:1.1}.st-key-presenter-big p{font-size:2.2rem;margin:0}</style>"
)
url = workshops.join_url(workshop.code, base=public_base_url())
left, right = st.columns([1, 2.2], gap="large")
with left:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=12, border=2)
    st.image(buffer.getvalue(), width=380, caption=url)
    with st.container(key="presenter-code", border=False):
        st.markdown(workshop.code)
    st.markdown(f"**{t('join.code', lang)}** · {t('presenter.go_to', lang)}")


@st.fragment(run_every=3)
def live_room() -> None:
    room = room_snapshot(workshop.id)
    members = members_reference(current_wave())
    status = t(f"workshops.status_{room.status}", lang)
    with st.container(key="presenter-big", border=False):
        st.markdown(
            t("presenter.count", lang, submitted=room.submitted, joined=room.joined)
            + f" · {status}"
        )
    waiting = t("presenter.waiting", lang, k=room.k)
    c1, c2 = st.columns(2)
    with c1:
        st.markdown(f"#### {t('presenter.radar', lang)}")
        medians = [room.scores[p.id].median for p in qbank.pillars]
        if any(v is None for v in medians):
            fig = room_charts.waiting_figure(waiting, height=300)
        else:
            fig = charts.radar_figure(
                [p.name.get(lang) for p in qbank.pillars],
                medians,
                names=(t("join.room", lang), t("join.members", lang), ""),
                median=[members.median.get(p.id) for p in qbank.pillars],
                height=300,
            )
            fig.update_layout(font={"size": 18})
        st.plotly_chart(fig, config={"displayModeBar": False}, key="room_radar")
    with c2:
        st.markdown(f"#### {t('presenter.stages', lang)}")
        if room.stages is None:
            fig = room_charts.waiting_figure(waiting, height=300)
        else:
            fig = room_charts.stage_histogram_figure(
                room.stages, labels={s.id: s.name.get(lang) for s in qbank.stages}, height=300
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
            height=280,
        )
        st.plotly_chart(fig, config={"displayModeBar": False}, key="room_distribution")
    with c4:
        st.markdown(f"#### {t('presenter.sectors', lang)}")
        labels = {
            code: reference.label("ksic_divisions", code, lang) for code in reference.ksic_codes()
        }
        labels[workshops.OTHER_SECTORS] = t("presenter.other", lang)
        if room.sectors:
            fig = room_charts.sectors_figure(room.sectors, labels=labels, height=280)
        else:
            fig = room_charts.waiting_figure(t("presenter.nobody", lang), height=280)
        st.plotly_chart(fig, config={"displayModeBar": False}, key="room_sectors")
    st.caption(t("presenter.privacy", lang, k=room.k, shown=room.shown))


with right:
    st.header(plain(workshop.title, limit=workshops.MAX_TITLE), anchor=False)
    live_room()
