"""What the heatmap says about itself: a title naming its filters, n and the synthetic flag (so
its PNG stands alone), and its matrix (value and n per cell) as CSV and xlsx."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from readiness import exports, reference
from readiness.analytics import HeatmapData
from readiness.cohorts import Cohort
from readiness.i18n import t


def filters_text(cohort: Cohort, lang: str) -> str:
    """The filters in words: "2026 · 10-49명 · 충남", or "all" in the page's language."""
    parts = [", ".join(str(w) for w in cohort.waves)] if cohort.waves else []
    parts += [", ".join(reference.label("size_bands", b, lang) for b in cohort.size_bands)]
    parts += [", ".join(reference.label("regions", r, lang) for r in cohort.regions)]
    parts += [", ".join(t(f"assess.mode_{m}", lang) for m in cohort.modes)]
    if cohort.workshop_ids:
        parts.append(t("filters.workshop", lang) + f" {len(cohort.workshop_ids)}")
    if cohort.include_respondents:
        parts.append(t("filters.respondents", lang))
    if not cohort.complete_only:
        parts.append(t("filters.incomplete", lang))
    shown = [p for p in parts if p]
    return " · ".join(shown) if shown else t("filters.all", lang)


def heatmap_title(
    cohort: Cohort,
    data: HeatmapData,
    lang: str,
    *,
    view: str,
    stat: str,
    change: tuple[int, int | None] | None = None,
) -> str:
    """The figure's title (and so its PNG's): view, statistic, filters, n, synthetic flag; for a
    change grid (`change` = (wave, previous wave)) the two years compared."""
    synthetic = f" · {t('app.synthetic_badge', lang)}" if data.synthetic else ""
    wave, before = change or (0, None)
    compared = f" · {t('overview.change_title', lang, wave=wave, before=before)}" if before else ""
    return (
        t(
            "overview.png_title_regions" if view == "regions" else "overview.png_title",
            lang,
            view=t(f"overview.view_{'pillars' if view == 'regions' else view}", lang),
            stat=t(f"filters.{stat}", lang),
            filters=filters_text(cohort, lang),
            n=f"{data.total:,}",
        )
        + compared
        + synthetic
    )


def matrix_downloads(
    data: HeatmapData,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    lang: str,
    *,
    name: str,
    row_header: str = "",
    base_label: str = "",
) -> None:
    """Two buttons: the matrix shown, one row per sector (or region), a value and an n column per
    column (a change grid: the change, n and the earlier wave's n, named by `base_label`);
    each file is written when its button is pressed, not on every rerun."""
    if data.empty:
        return
    header = [row_header or t("filters.ksic", lang)]
    for label in column_labels:
        if data.base_n is not None:  # a change grid: the change, and both waves' n
            header += [f"{label} Δ", f"{label} n", f"{label} n {base_label}".rstrip()]
        else:
            header += [label, f"{label} n"]
    rows = []
    for i, label in enumerate(row_labels):
        line: list[object] = [label]
        for j in range(len(column_labels)):
            value = float(data.values[i, j])
            line += [None if value != value else round(value, 1), int(data.n[i, j])]
            if data.base_n is not None:
                line.append(int(data.base_n[i, j]))
        rows.append(line)
    st.markdown(f"**{t('overview.matrix', lang)}**")
    c1, c2 = st.columns(2)
    formats: tuple[tuple[DeltaGenerator, exports.Format], ...] = ((c1, "csv"), (c2, "xlsx"))
    for col, fmt in formats:
        col.download_button(
            t(f"data.download_{fmt}", lang),
            data=partial(exports.table_bytes, fmt, header, rows, sheet="heatmap"),
            file_name=f"{name}.{fmt}",
            mime=exports.MIME_TYPES[fmt],
            on_click="ignore",
            width="stretch",
            key=f"matrix_{fmt}",
        )
