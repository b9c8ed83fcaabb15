"""The support-programme catalog on the staff data page (issue #15): which catalog is in force and
what in it has expired, download it as a workbook, upload an edited one (a preview of every
problem per row; nothing is stored unless there is none), and which programmes members are
matched to and ask about, by sector and by stage."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from components.cache import engine, program_interest
from components.staff import StaffSession
from components.widgets import lingual, plain
from readiness import exports, program_sheet, reference, store
from readiness.bank import Bank
from readiness.i18n import t
from readiness.program_stats import NO_STAGE
from readiness.programs import ProgramCatalog
from readiness.text import display

_VERSION = "program_upload_version"
_DONE = "program_upload_done"
_READ = "program_upload_read"  # (file id, what the workbook holds)
PROBLEMS_SHOWN = 100  # a workbook with more problems is better started again from the download


def _catalog_frame(catalog: ProgramCatalog, lang: str, today: dt.date) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                t("programs.col_id", lang): p.id,
                t("programs.col_name", lang): display(p.name.get(lang)),
                t("programs.col_owner", lang): display(p.owner.get(lang)),
                t("programs.col_valid_until", lang): p.valid_until.isoformat(),
                t("programs.col_expired", lang): p.expired(today),
            }
            for p in catalog.programs
        ]
    )


def _in_force(catalog: ProgramCatalog, lang: str, today: dt.date) -> None:
    row = store.latest_program_catalog_row(engine=engine())
    if row is None:
        st.caption(t("programs.source_shipped", lang, version=catalog.version))
    else:
        st.caption(
            t(
                "programs.source_uploaded",
                lang,
                version=plain(row.version),
                n=row.programs,
                by=plain(row.created_by),
                at=row.created_at.strftime("%Y-%m-%d %H:%M"),
            )
        )
    expired = catalog.expired(today)
    if expired:
        names = ", ".join(f"{p.name.get(lang)} ({p.valid_until.isoformat()})" for p in expired)
        st.warning(
            t("programs.expired", lang, n=len(expired), names=plain(names, limit=2000)),
            icon=":material/event_busy:",
        )
    else:
        st.caption(t("programs.none_expired", lang))


def _upload(staff: StaffSession, bank: Bank, current: ProgramCatalog, lang: str) -> None:
    upload = st.file_uploader(
        t("programs.upload", lang),
        type=["xlsx"],
        help=t("programs.upload_help", lang),
        key=f"program_upload_{st.session_state.get(_VERSION, 0)}",
    )
    done = st.session_state.pop(_DONE, None)
    if done:
        st.success(t("programs.applied", lang, n=done), icon=":material/task_alt:")
    if upload is None:
        st.session_state.pop(_READ, None)
        return
    # Read once per uploaded file, not on every rerun of the page (up to 0.7 s for a long sheet).
    held = st.session_state.get(_READ)
    if held is None or held[0] != upload.file_id:
        held = (upload.file_id, program_sheet.read_catalog_xlsx(upload.getvalue(), bank=bank))
        st.session_state[_READ] = held
    read = held[1]
    m1, m2 = st.columns(2)
    m1.metric(t("programs.rows", lang), f"{read.rows:,}")
    m2.metric(t("programs.problems_n", lang), f"{len(read.problems):,}")
    if read.problems:
        st.error(t("programs.has_problems", lang), icon=":material/error:")
        # A wrapping table (on a phone too, the problem is read whole); every cell is plain text.
        rows = program_sheet.problem_rows(read, lang)
        shown = rows[:PROBLEMS_SHOWN]
        # Long ids break where they must, so that on a phone the table fits and the problem reads.
        st.html("<style>.st-key-program_problems td p{overflow-wrap:anywhere !important}</style>")
        st.container(key="program_problems").table(
            pd.DataFrame(
                [[str(r), plain(p), plain(c), plain(x, limit=400)] for r, p, c, x in shown],
                columns=[t(f"programs.col_{c}", lang) for c in ("row", "id", "column", "problem")],
            ),
            hide_index=True,
        )
        if len(rows) > len(shown):
            st.caption(t("programs.problems_first", lang, shown=len(shown), n=f"{len(rows):,}"))
    elif read.catalog is not None:
        new, old = {p.id: p for p in read.catalog.programs}, {p.id: p for p in current.programs}
        st.info(
            t(
                "programs.changes",
                lang,
                added=len(new.keys() - old.keys()),
                removed=len(old.keys() - new.keys()),
                changed=sum(1 for k in new.keys() & old.keys() if new[k] != old[k]),
            ),
            icon=":material/difference:",
        )
        with st.expander(t("programs.preview", lang), expanded=True):
            st.dataframe(_catalog_frame(read.catalog, lang, dt.date.today()), hide_index=True)
    if st.button(
        t("programs.apply", lang),
        type="primary",
        icon=":material/upload:",
        disabled=not read.ok,
        key="program_apply",
    ):
        assert read.catalog is not None  # the button is enabled only for a clean workbook
        store.save_program_catalog(engine=engine(), catalog=read.catalog, actor=staff.email)
        st.session_state[_DONE] = len(read.catalog.programs)
        st.session_state[_VERSION] = st.session_state.get(_VERSION, 0) + 1
        st.cache_data.clear()  # this replica at once; others within DATA_VERSION_TTL
        st.rerun()


def _interest(bank: Bank, lang: str) -> None:
    st.subheader(t("programs.interest_title", lang), anchor=False)
    st.caption(t("programs.interest_lead", lang))
    frame = program_interest()
    if frame.empty:
        st.caption(t("programs.interest_none", lang))
        return
    by = st.radio(
        t("programs.by", lang),
        options=["ksic", "stage"],
        format_func=lambda k: t(f"programs.by_{k}", lang),
        horizontal=True,
        key=lingual("program_interest_by"),
    )
    catalog = store.active_program_catalog(engine=engine())
    names = {p.id: display(p.name.get(lang)) for p in catalog.programs}

    def group_name(key: str) -> str:
        if by == "ksic":
            return f"{key} {reference.label('ksic_divisions', key, lang)}"
        if key == NO_STAGE:
            return t("programs.no_stage", lang)
        return bank.stage(key).name.get(lang)

    frame = frame.assign(
        program=frame["program"].map(lambda p: names.get(p, p)),
        group=frame[by].map(group_name),
    )
    matched = t("programs.matched", lang)
    asked = t("programs.asked", lang)
    table = (
        frame.groupby(["program", "group"], as_index=False)[["matched", "asked"]]
        .sum()
        .rename(
            columns={
                "program": t("programs.col_name", lang),
                "group": t(f"programs.by_{by}", lang),
                "matched": matched,
                "asked": asked,
            }
        )
        .sort_values([asked, matched], ascending=False)
    )
    st.dataframe(table, hide_index=True)


def program_catalog_section(staff: StaffSession, bank: Bank, lang: str) -> None:
    """The whole section (one tab of the staff data page)."""
    st.write(t("programs.lead", lang))
    catalog = store.active_program_catalog(engine=engine())
    today = dt.date.today()
    _in_force(catalog, lang, today)
    st.download_button(
        t("programs.download", lang),
        data=lambda: program_sheet.catalog_xlsx(catalog),
        file_name="readiness-programs.xlsx",
        mime=exports.MIME_TYPES["xlsx"],
        icon=":material/table_view:",
        on_click="ignore",
    )
    _upload(staff, bank, catalog, lang)
    _interest(bank, lang)
