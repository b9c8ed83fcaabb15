"""The pieces of the results page; data comes from readiness/, charts from components.svg_charts."""

from __future__ import annotations

import streamlit as st

from components import svg_charts
from components.cache import bank as current_bank
from components.cache import engine
from components.requests import introduction_button
from components.session import TOKEN_PARAM
from components.widgets import chart_image, lingual, plain, said
from readiness import reference, store
from readiness.bank import Bank, BankError, bank_for_version
from readiness.i18n import t
from readiness.models import Assessment, Company
from readiness.partners import Suggestion
from readiness.report import report_pdf
from readiness.results import (
    CompanyResults,
    company_results,
    not_compared_sentence,
    peer_group_label,
    result_csv,
    result_json,
    score_change,
    score_words,
    standing,
)
from readiness.store import stored_id
from readiness.waves import current_wave

CATALOG_TEXT = 400
"""Characters of a programme's description shown (staff's catalog text: no name, no clip at
120; a paragraph-long entry still ends with an ellipsis)."""

_fmt = score_words  # one rounding on every CEO-facing view


def _submitted_on(a: Assessment) -> str:
    return a.submitted_at.date().isoformat() if a.submitted_at else ""


def _stage_name(a: Assessment, lang: str) -> str:
    """The stage of a stored assessment, named by the bank of its own version."""
    if not a.stage:
        return ""
    try:
        return bank_for_version(a.bank_version).stage(a.stage).name.get(lang)
    except (BankError, StopIteration):
        return a.stage


def choose_assessment(submitted: list[Assessment], lang: str) -> Assessment:
    if len(submitted) == 1:
        return submitted[0]
    labels = {
        a.id: f"{a.wave} · {t(f'assess.mode_{a.mode}', lang)} · {_submitted_on(a)} · "
        f"{_fmt(a.overall)}"
        for a in submitted
    }
    chosen = st.selectbox(
        t("results.history_title", lang),
        options=[a.id for a in submitted],
        format_func=labels.__getitem__,
        key=lingual("results_history"),
    )
    return next(a for a in submitted if a.id == chosen)


def results_of(
    company: Company, assessment: Assessment, submitted: list[Assessment], lang: str
) -> CompanyResults:
    """Everything the results page, its report and its downloads show for one submission."""
    from components.cache import (
        complementary_members,
        norm_frame,
        peer_dimension_frame,
        program_catalog,
    )

    wave, mode, version = assessment.wave, assessment.mode, assessment.bank_version
    return company_results(
        engine=engine(),
        bank=current_bank(),
        company=company,
        assessment=assessment,
        submitted=submitted,
        norm_frame=norm_frame(wave, mode, version),
        members=complementary_members(stored_id(company), company.ksic, wave, lang),
        lang=lang,
        peer_dimensions=lambda ksic, size_band: peer_dimension_frame(
            wave, mode, version, ksic, size_band
        ),
        program_catalog=program_catalog(),
    )


def staff_report_download(company: Company, submitted: list[Assessment], lang: str) -> None:
    """For staff: the member's own report (the PDF its results page offers) of a submission."""
    if not submitted:
        return
    chosen = choose_assessment(submitted, lang)

    def pdf() -> bytes:
        results = results_of(company, chosen, submitted, lang)
        return report_pdf(results, results.bank, lang)

    st.download_button(
        t("members.report", lang, wave=chosen.wave),
        data=pdf,
        file_name=f"readiness-{stored_id(company)}-{chosen.wave}-{stored_id(chosen)}-{lang}.pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        on_click="ignore",
        key="member_report",
    )


# --- sections ------------------------------------------------------------------------------------


def draft_banner(draft: Assessment, bank: Bank, token: str, lang: str) -> None:
    if bank.version != draft.bank_version:
        bank = bank_for_version(draft.bank_version)
    scope = bank.item_ids(quick_only=draft.mode == "quick")
    answered = len(
        set(store.answers_of(engine=engine(), assessment_id=store.stored_id(draft))) & set(scope)
    )
    with st.container(border=True):
        st.write(
            t(
                "results.draft_open",
                lang,
                mode=t(f"assess.mode_{draft.mode}", lang),
                answered=answered,
                total=len(scope),
            )
        )
        st.page_link(
            "pages/assess.py",
            label=t("results.continue_draft", lang),
            icon=":material/edit_note:",
            query_params={TOKEN_PARAM: token, "lang": lang},
        )


def _start_button(company_id: int, mode: str, token: str, lang: str, *, key: str) -> None:
    """Starts a new assessment of `mode` with the current bank and opens it."""
    if st.button(t(f"results.start_{mode}", lang), icon=":material/play_arrow:", key=key):
        store.start_assessment(
            engine=engine(),
            company_id=company_id,
            wave=current_wave(),
            mode=mode,
            bank=current_bank(),
        )
        st.switch_page("pages/assess.py", query_params={TOKEN_PARAM: token, "lang": lang})


def missing_sentence(results: CompanyResults, bank: Bank, lang: str) -> str:
    """What keeps the overall score, stage and percentile away: each pillar without a score and
    how many more questions it needs answered with a level."""
    parts = [
        t("results.missing_pillar", lang, pillar=bank.pillar(pid).name.get(lang), n=n)
        for pid, n in results.missing.items()
    ]
    return t("results.missing_overall", lang, pillars=", ".join(parts))


def indicative_notice(
    results: CompanyResults, bank: Bank, token: str, lang: str, *, draft_open: bool
) -> None:
    """A quick scan's result is indicative: fewer questions, a capped stage, its own norms."""
    if not results.indicative:
        return
    max_stage = bank.stage(bank.method.quick_max_stage).name.get(lang)
    with st.container(border=True):
        st.markdown(f":material/info: **{t('results.indicative_title', lang)}**")
        st.write(t("results.indicative_body", lang, max_stage=max_stage, n=len(bank.item_ids())))
        if not draft_open:
            _start_button(
                store.stored_id(results.company), "full", token, lang, key="indicative_full"
            )


def _missing_notice(
    results: CompanyResults, bank: Bank, token: str, lang: str, *, draft_open: bool
) -> None:
    """Without an overall score: what is missing, and how to complete it (continue the open draft,
    or a new assessment of the same mode)."""
    a = results.assessment
    how = "results.missing_how_draft" if draft_open else "results.missing_how_new"
    mode = t(f"assess.mode_{a.mode}", lang)
    st.markdown(f"**{t('results.stage', lang)}: {t('results.stage_none', lang)}**")
    st.write(f"{missing_sentence(results, bank, lang)} {t(how, lang, mode=mode)}")
    if draft_open:
        st.page_link(
            "pages/assess.py",
            label=t("results.continue_draft", lang),
            icon=":material/edit_note:",
            query_params={TOKEN_PARAM: token, "lang": lang},
        )
    else:
        _start_button(
            store.stored_id(results.company), a.mode, token, lang, key="complete_same_mode"
        )


def headline(
    results: CompanyResults, bank: Bank, token: str, lang: str, *, draft_open: bool
) -> None:
    a = results.assessment
    stage = bank.stage(a.stage) if a.stage else None
    st.caption(f"{a.wave} · {t(f'assess.mode_{a.mode}', lang)} · {_submitted_on(a)}")
    left, right = st.columns([1, 2])
    with left:
        st.metric(t("results.overall", lang), _fmt(a.overall), border=True)
    with right, st.container(border=True):
        if stage is not None:
            st.markdown(f"**{t('results.stage', lang)}: {stage.name.get(lang)}**")
            st.caption(stage.description.get(lang))
        elif a.overall is None:
            _missing_notice(results, bank, token, lang, draft_open=draft_open)
        gate_stage = bank.stage(bank.gate.stage)
        if a.overall is not None and a.overall >= gate_stage.min and a.stage != gate_stage.id:
            st.caption(
                t(
                    "results.stage_gate_note",
                    lang,
                    stage=gate_stage.name.get(lang),
                    min=f"{bank.gate.min_pillar_score:g}",
                )
            )
        overall_percentile = results.bench.percentile.get("overall")
        if overall_percentile is not None and a.overall is not None:
            position = standing(results, "overall", lang)
            st.markdown(
                f":material/leaderboard: {t('results.percentile', lang, position=position)}",
                help=t("results.percentile_help", lang),
            )
            if results.peer_synthetic:
                st.caption(f":material/science: {t('results.peer_synthetic', lang)}")


def pillar_cards(results: CompanyResults, bank: Bank, lang: str) -> None:
    cols = st.columns(len(bank.pillars))
    for col, pillar in zip(cols, bank.pillars, strict=True):
        row = results.scores[pillar.id]
        with col, st.container(border=True):
            st.metric(pillar.name.get(lang), _fmt(row.score))
            if row.score is None:
                n = results.missing.get(pillar.id, 0)
                st.caption(
                    t("results.no_score", lang, n=n) if n else t("results.no_score_na", lang)
                )
            percentile = results.bench.percentile.get(pillar.id)
            if percentile is not None and results.assessment.overall is not None:
                st.caption(
                    t("results.percentile", lang, position=standing(results, pillar.id, lang))
                )
            weakest = results.weakest[pillar.id]
            if weakest is None:
                st.caption(t("results.weakest_none", lang))
            else:
                dimension = bank.dimension_name(pillar.id, weakest.item.dimension, lang)
                st.caption(t("results.weakest", lang, item=dimension, level=weakest.level))
            st.caption(t("results.completeness", lang, pct=round(100 * row.completeness)))


def peer_section(results: CompanyResults, bank: Bank, lang: str) -> None:
    bench = results.bench
    st.subheader(t("results.peer_title", lang))
    group = t(
        "results.peer_group",
        lang,
        group=peer_group_label(bench.group, lang),
        wave=results.assessment.wave,
        n=bench.group.n,
    )
    st.markdown(f":material/groups: {group}")
    st.caption(t(f"results.peer_fallback_{bench.group.fallback}", lang))
    if not results.company.verified:  # compared with the verified peers, but nobody's peer yet
        st.caption(f":material/pending: {t('results.not_verified', lang)}")
    if results.peer_synthetic:
        st.badge(t("results.peer_synthetic", lang), icon=":material/science:", color="orange")
    if results.peers_hidden:
        st.info(t("results.peer_suppressed", lang), icon=":material/lock:")
        return
    pillars = bank.pillars
    names = (
        t("results.radar_company", lang),
        t("results.radar_median", lang),
        t("results.radar_p75", lang),
    )
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('results.radar_title', lang)}**")
        chart_image(
            svg_charts.radar_svg(
                [p.name.get(lang) for p in pillars],
                [results.scores[p.id].score for p in pillars],
                names=names,
                median=[bench.median.get(p.id) for p in pillars],
                p75=[bench.p75.get(p.id) for p in pillars],
                title=t("results.radar_title", lang),
                key="radar",
            )
        )
        st.caption(_radar_sentence(results, bank, lang))
    with right:
        bins = bench.bins.get("overall")
        overall = results.assessment.overall
        percentile = bench.percentile.get("overall")
        if bins and overall is not None and percentile is not None:
            st.markdown(f"**{t('results.dist_title', lang)}**")
            chart_image(
                svg_charts.distribution_svg(
                    bins,
                    overall,
                    x_title=t("results.dist_x", lang),
                    y_title=t("results.dist_y", lang),
                    company_label=names[0],
                    title=t("results.dist_title", lang),
                    key="distribution",
                )
            )
            st.caption(
                t(
                    "results.dist_sentence",
                    lang,
                    score=_fmt(overall),
                    position=standing(results, "overall", lang),
                    median=_fmt(bench.median["overall"]),
                )
            )


def _radar_sentence(results: CompanyResults, bank: Bank, lang: str) -> str:
    above: list[str] = []
    below: list[str] = []
    for p in bank.pillars:
        score, median = results.scores[p.id].score, results.bench.median.get(p.id)
        if score is None or median is None:
            continue
        (above if score >= median else below).append(p.name.get(lang))
    if not below:
        return t("results.radar_sentence_all_above", lang)
    if not above:
        return t("results.radar_sentence_all_below", lang)
    return " ".join(
        (
            t("results.radar_sentence_above", lang, pillars=", ".join(above)),
            t("results.radar_sentence_below", lang, pillars=", ".join(below)),
        )
    )


def next_steps_section(results: CompanyResults, bank: Bank, lang: str) -> None:
    st.subheader(t("results.next_title", lang))
    if not results.steps:
        st.success(t("results.next_none", lang), icon=":material/emoji_events:")
        return
    st.caption(t("results.next_lead", lang))
    for n, step in enumerate(results.steps, start=1):
        item = results.item(step.item_id)  # the segment's wording
        pillar = bank.pillar(step.pillar)
        with st.container(border=True):
            title = t(
                "results.next_item",
                lang,
                pillar=pillar.name.get(lang),
                dimension=bank.dimension_name(step.pillar, step.dimension, lang),
            )
            st.markdown(f"**{n}. {title}**")
            st.caption(
                t("results.next_gap", lang, score=_fmt(step.score), target=_fmt(step.target))
            )
            st.markdown(item.text.get(lang))
            st.caption(
                t(
                    "results.next_now",
                    lang,
                    level=step.level,
                    text=item.level_text(step.level, lang),
                )
            )
            st.markdown(
                ":material/arrow_upward: "
                + t(
                    "results.next_action",
                    lang,
                    level=step.action_level,
                    action=item.next_action(step.level, lang),
                )
            )


def _partner_card(n: int, suggestion: Suggestion, lang: str, company_id: int) -> None:
    with st.container(border=True):
        st.markdown(f"**{n}. {suggestion.name}**")
        st.progress(
            suggestion.fit,
            text=t("results.partners_fit", lang, pct=round(100 * suggestion.fit)),
        )
        for reason in suggestion.reasons:
            st.markdown(f"- {reason.render(lang)}")
        for caution in suggestion.cautions:
            st.caption(f":material/warning: {caution.render(lang)}")
        with st.expander(t("results.partners_more", lang)):
            st.markdown(f"**{t('results.partners_what', lang)}** {suggestion.what}")
            st.markdown(f"**{t('results.partners_prepare', lang)}** {suggestion.prepare}")
            st.markdown(f"**{t('results.partners_first_steps', lang)}**")
            for step in suggestion.first_steps:
                st.markdown(f"1. {step}")
        introduction_button(
            company_id,
            lang,
            target=suggestion.name,
            key=f"req_intro_{suggestion.type}",
            partner_type=suggestion.type,
        )


def partners_section(results: CompanyResults, lang: str) -> None:
    """Global market partners and capability partners (technology, consultancy), apart."""
    st.subheader(t("results.partners_title", lang))
    if not results.partners:
        st.info(t("results.partners_none", lang), icon=":material/handshake:")
        return
    st.caption(t("results.partners_lead", lang))
    st.markdown(f"##### :material/public: {t('results.partners_market_title', lang)}")
    if results.top_partners:
        st.caption(t("results.partners_market_lead", lang))
        for n, suggestion in enumerate(results.top_partners, start=1):
            _partner_card(n, suggestion, lang, stored_id(results.company))
    else:
        st.caption(t("results.partners_market_none", lang))
    others = results.other_partners
    if others:
        names = ", ".join(f"{s.name} ({round(100 * s.fit)}%)" for s in others)
        st.caption(t("results.partners_others", lang, names=names))
    if results.capability_partners:
        st.markdown(f"##### :material/construction: {t('results.partners_capability_title', lang)}")
        st.caption(t("results.partners_capability_lead", lang))
        for n, suggestion in enumerate(results.capability_partners, start=1):
            _partner_card(n, suggestion, lang, stored_id(results.company))


def programs_section(results: CompanyResults, lang: str) -> None:
    """Support programmes the company may apply for, each with the one sentence that says why
    (the gap it closes and the rule the company meets). Catalog texts are staff's: shown plain."""
    st.subheader(t("results.programs_title", lang))
    if not results.programs:
        st.caption(t("results.programs_none", lang))
        return
    st.caption(t("results.programs_lead", lang))
    for n, match in enumerate(results.programs, start=1):
        p = match.program
        with st.container(border=True):
            st.markdown(f"**{n}. {plain(p.name.get(lang))}**")
            st.markdown(said(match.reason, lang))
            facts = (
                ("results.programs_owner", p.owner),
                ("results.programs_pays", p.pays_for),
                ("results.programs_amount", p.amount),
                ("results.programs_season", p.season),
            )
            st.markdown(
                "  \n".join(
                    f"**{t(key, lang)}** {plain(text.get(lang), limit=CATALOG_TEXT)}"
                    for key, text in facts
                )
            )
            st.link_button(t("results.programs_link", lang), p.link, icon=":material/open_in_new:")
            st.caption(
                t(
                    "results.programs_source",
                    lang,
                    source=plain(p.source.get(lang), limit=CATALOG_TEXT),
                    as_of=p.as_of.isoformat(),
                )
            )
            introduction_button(
                stored_id(results.company),
                lang,
                target=p.name.get(lang),
                key=f"req_program_{p.id}",
                program_id=p.id,
            )


def cluster_section(results: CompanyResults, lang: str) -> None:
    st.subheader(t("results.peers_cluster_title", lang))
    if not results.members:
        st.caption(t("results.peers_cluster_none", lang))
        return
    st.caption(t("results.peers_cluster_lead", lang))
    for n, match in enumerate(results.members):
        with st.container(border=True):
            roles = ", ".join(reference.label("value_chain_roles", r, lang) for r in match.roles)
            st.markdown(f"**{plain(match.display_name)}** · {roles}")
            st.progress(
                match.score, text=t("results.peers_cluster_fit", lang, pct=round(100 * match.score))
            )
            if match.reasons:  # one sentence: the role, a shared region, the weak spot covered
                st.markdown(said(match.reasons[0], lang))
            if match.introduce_id is not None:
                introduction_button(
                    stored_id(results.company),
                    lang,
                    target=match.display_name,
                    key=f"req_intro_member_{n}",  # a widget key reaches the browser: no id
                    member_id=match.introduce_id,
                )


def progress_section(results: CompanyResults, bank: Bank, lang: str) -> None:
    sentence = not_compared_sentence(results, lang)
    if sentence is not None:
        st.subheader(t("results.progress_title", lang))
        st.info(sentence, icon=":material/compare_arrows:")
        return
    if results.previous is None:
        return
    st.subheader(t("results.progress_title", lang))
    st.caption(t("results.progress_sentence", lang, wave=results.previous.wave))
    cols = st.columns(len(bank.pillars) + 1)
    labels = [("overall", t("results.overall", lang))]
    labels += [(p.id, p.name.get(lang)) for p in bank.pillars]
    for col, (key, label) in zip(cols, labels, strict=True):
        now, before = results.score(key), results.previous_score(key)
        delta = score_change(before, now)
        col.metric(label, _fmt(now), delta=None if delta is None else f"{delta:+d}")


def downloads(results: CompanyResults, bank: Bank, lang: str) -> None:
    st.subheader(t("results.downloads_title", lang))
    stem = f"readiness-{results.assessment.wave}-{results.assessment.id}"
    c1, c2, c3 = st.columns(3)
    c1.download_button(
        t("results.download_pdf", lang),
        data=lambda: report_pdf(results, bank, lang),
        file_name=f"{stem}-{lang}.pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        type="primary",
        on_click="ignore",
        width="stretch",
    )
    c2.download_button(
        t("results.download_csv", lang),
        data=result_csv(results, bank, lang),
        file_name=f"{stem}.csv",
        mime="text/csv",
        icon=":material/table:",
        on_click="ignore",
        width="stretch",
    )
    c3.download_button(
        t("results.download_json", lang),
        data=result_json(results),
        file_name=f"{stem}.json",
        mime="application/json",
        icon=":material/data_object:",
        on_click="ignore",
        width="stretch",
    )


def history_table(submitted: list[Assessment], bank: Bank, lang: str) -> None:
    if len(submitted) < 2:
        return
    st.subheader(t("results.history_title", lang))
    # A Markdown table, not st.dataframe or st.table: five short rows need no grid, and the
    # grid's and Arrow's browser code (1.2 MB) cost the page ~0.6 s to settle
    # (bench/browser_settle.py).
    header = [
        t(f"results.history_{key}", lang)
        for key in ("wave", "mode", "overall", "stage", "submitted")
    ]
    rows = [
        [
            str(a.wave),
            t(f"assess.mode_{a.mode}", lang),
            score_words(a.overall),
            _stage_name(a, lang),
            _submitted_on(a),
        ]
        for a in submitted
    ]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    table = [line([plain(c) for c in header]), line(["---"] * len(header))]
    table += [line([plain(c) for c in row]) for row in rows]
    st.markdown("\n".join(table))


def new_assessment_buttons(company_id: int, wave: int, bank: Bank, token: str, lang: str) -> None:
    """New assessments always take the current bank, whatever the version of the one shown."""
    st.subheader(t("results.new_assessment", lang, wave=wave))
    c1, c2 = st.columns(2)
    for col, mode in ((c1, "quick"), (c2, "full")):
        if col.button(t(f"results.new_{mode}", lang), key=f"new_{mode}", width="stretch"):
            store.start_assessment(
                engine=engine(), company_id=company_id, wave=wave, mode=mode, bank=current_bank()
            )
            st.switch_page("pages/assess.py", query_params={TOKEN_PARAM: token, "lang": lang})
