"""A company, and the membership, beside published national and international figures.

The figures are public (data/public_benchmarks.yaml), so they may reach the browser; of a company
only its own answers ("yes" or "no" under each rule) are shown, and staff see the membership as
counts per size band, with no share below readiness.public_benchmarks.MIN_N. Every table comes
with its sources under it: publisher, title, table, year and population, and how the rule and
the size bands were read. Catalogue text goes through `plain` like any text Streamlit renders as
Markdown.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import sqlalchemy as sa
import streamlit as st

from components.cache import shared
from components.charts import FONT
from components.palette import BLUE, GRID, INK, TRANSPARENT, VERMILLION, WHITE
from components.widgets import plain
from readiness import public_benchmarks as pb
from readiness import reference
from readiness.cohorts import Cohort
from readiness.i18n import t
from readiness.results import CompanyResults


def sources(entries: Sequence[pb.Benchmark], lang: str) -> None:
    """The sources under a table: one line each, the rules and band mappings in an expander."""
    st.markdown(f"**{t('benchmarks.sources', lang)}**")
    for entry in entries:
        line = t(
            "benchmarks.source_line",
            lang,
            region=pb.region_words(entry, lang),
            label=entry.label.get(lang),
            publisher=entry.source.publisher.get(lang),
            title=entry.source.title.get(lang),
            table=entry.source.table.get(lang),
            as_of=entry.as_of.get(lang),
            population=entry.population.get(lang),
        )
        # Body text, not a caption: a link in a caption's grey misses the 4.5:1 contrast (axe).
        st.markdown(f"{plain(line, limit=None)} [{t('benchmarks.link', lang)}]({entry.source.url})")
    with st.expander(t("benchmarks.how", lang)):
        for entry in entries:
            st.markdown(f"**{plain(pb.measure_words(entry, lang))}**")
            details = [
                t("benchmarks.rule", lang, rule=entry.rule.description.get(lang)),
                t("benchmarks.bands", lang, mapping=entry.band_mapping.get(lang)),
            ]
            if entry.note is not None:
                details.append(t("benchmarks.note", lang, note=entry.note.get(lang)))
            for detail in details:
                st.caption(plain(detail, limit=None))


def company_table(comparisons: Sequence[pb.Comparison], size_band: str, lang: str) -> pd.DataFrame:
    """Three columns, so a phone shows the whole row: the measure, the company's yes or no, and
    the published share with whom it counts and its year ("28.5% (한국 · 10-49명, 2024)")."""
    return pd.DataFrame(
        [
            {
                t("benchmarks.col_measure", lang): c.benchmark.label.get(lang),
                t("benchmarks.col_you", lang): t(
                    "benchmarks.yes" if c.adopted else "benchmarks.no", lang
                ),
                t("benchmarks.col_published_of", lang): pb.published_words(c, size_band, lang),
            }
            for c in comparisons
        ]
    )


def section(results: CompanyResults, lang: str) -> None:
    """The results page's "you and firms of your size in Korea / in the EU"; nothing at all when
    no published figure maps to the company's answers."""
    size_band = results.company.size_band
    comparisons = pb.company_comparisons(
        results.answers, size_band, bank_version=results.assessment.bank_version
    )
    if not comparisons:
        return
    st.subheader(t("benchmarks.title", lang))
    band = reference.label("size_bands", size_band, lang)
    st.caption(t("benchmarks.intro", lang, band=band))
    # A static table, not a data grid: the results page ships none (test_results_charts).
    table = company_table(comparisons, size_band, lang)
    st.table(table.set_index(t("benchmarks.col_measure", lang)))
    sources(pb.sources(comparisons), lang)


# --- staff ----------------------------------------------------------------------------------------


@shared(ttl=120, max_entries=16)
def membership(engine: sa.Engine, cohort: Cohort) -> list[pb.BandShare]:
    """The membership against the published figures, shared across staff sessions."""
    return pb.membership_against_published(engine=engine, cohort=cohort)


def membership_table(rows: Sequence[pb.BandShare], lang: str) -> pd.DataFrame:
    """One row per benchmark and size band: n, the members' adopted share (none below MIN_N)
    and the published figure."""
    low = t("benchmarks.low_n", lang, n=pb.MIN_N)
    none = t("benchmarks.none_published", lang)
    return pd.DataFrame(
        [
            {
                t("benchmarks.col_measure", lang): pb.measure_words(r.benchmark, lang),
                t("benchmarks.col_band", lang): reference.label("size_bands", r.size_band, lang),
                t("benchmarks.col_n", lang): str(r.n) if r.shown else low,
                t("benchmarks.col_members", lang): (
                    pb.share_words(r.percent) if r.percent is not None else "—"
                ),
                t("benchmarks.col_published", lang): (
                    none
                    if r.published is None
                    else pb.share_words(r.published)
                    if r.band_figure
                    else f"{pb.share_words(r.published)} ({t('benchmarks.all_sizes', lang)})"
                ),
                t("benchmarks.col_year", lang): str(r.benchmark.year),
            }
            for r in rows
        ]
    )


def membership_figure(rows: Sequence[pb.BandShare], lang: str) -> go.Figure:
    """One benchmark's bands: the members' adopted share (blue) beside the published figure
    (hatched vermillion bars; one dashed line when the source gives a figure for all sizes only);
    a band below MIN_N gets no bar but its "n < 5" under the axis."""
    entry = rows[0].benchmark
    low = t("benchmarks.low_n", lang, n=pb.MIN_N)
    ticks = [
        f"{reference.label('size_bands', r.size_band, lang)}<br>"
        + (f"n = {r.n}" if r.shown else low)
        for r in rows
    ]
    members = [r.percent for r in rows]
    published = [r.published if r.band_figure else None for r in rows]
    overall = next((r.published for r in rows if not r.band_figure and r.published), None)
    name = t(
        "benchmarks.published_series", lang, region=pb.region_words(entry, lang), year=entry.year
    )
    traces: list[go.Bar | go.Scatter] = [
        go.Bar(
            x=ticks,
            y=members,
            name=t("benchmarks.col_members", lang),
            marker={"color": BLUE},
            text=[pb.share_words(v) if v is not None else "" for v in members],
            textposition="outside",
            cliponaxis=False,
        ),
    ]
    if any(v is not None for v in published):
        traces.append(
            go.Bar(
                x=ticks,
                y=published,
                name=name,
                marker={
                    "color": VERMILLION,
                    "pattern": {"shape": "/", "fgcolor": WHITE, "fillmode": "overlay"},
                },
                text=[pb.share_words(v) if v is not None else "" for v in published],
                textposition="outside",
                cliponaxis=False,
            )
        )
    if overall is not None:
        # A figure for all sizes is one line across the bands, not a bar per band it never gave.
        traces.append(
            go.Scatter(
                x=ticks,
                y=[overall] * len(ticks),
                name=f"{name}, {t('benchmarks.all_sizes', lang)}: {pb.share_words(overall)}",
                mode="lines",
                line={"color": VERMILLION, "dash": "dash", "width": 2},
                hovertemplate=f"{pb.share_words(overall)}<extra></extra>",
            )
        )
    title = pb.measure_words(entry, lang)
    return go.Figure(
        data=traces,
        layout={
            "title": {"text": title, "font": {"size": 15}},
            "height": 320,
            "margin": {"l": 40, "r": 20, "t": 50, "b": 40},
            "font": {"family": FONT, "size": 13, "color": INK},
            "paper_bgcolor": TRANSPARENT,
            "plot_bgcolor": TRANSPARENT,
            "barmode": "group",
            "bargap": 0.25,
            "yaxis": {"range": [0, 110], "gridcolor": GRID, "ticksuffix": "%"},
            "legend": {"orientation": "h", "y": -0.25, "x": 0.5, "xanchor": "center"},
        },
    )


def staff_section(rows: Sequence[pb.BandShare], lang: str) -> None:
    by_entry: dict[str, list[pb.BandShare]] = {}
    for row in rows:
        by_entry.setdefault(row.benchmark.id, []).append(row)
    columns = st.columns(2)
    for n, entry_rows in enumerate(by_entry.values()):
        columns[n % 2].plotly_chart(
            membership_figure(entry_rows, lang), key=f"bench_{entry_rows[0].benchmark.id}"
        )
    st.dataframe(membership_table(rows, lang), hide_index=True)
    sources(list({r.benchmark.id: r.benchmark for r in rows}.values()), lang)
