"""Results: score and stage, position among true peers, next steps, progress, report, history."""

import streamlit as st

from components import public_compare
from components import results_view as view
from components.cache import bank, engine
from components.requests import own_requests
from components.session import company_from_link, current_lang, require_router
from components.widgets import plain
from readiness import store
from readiness.i18n import t
from readiness.waves import current_wave

require_router()
lang = current_lang()
qbank = bank()
company, token = company_from_link(lang)

history = store.assessments_of(engine=engine(), company_id=company.id)
submitted = [a for a in history if a.status == "submitted"]
draft = next((a for a in history if a.status == "draft"), None)

st.title(t("results.title", lang))
st.caption(f"{plain(company.name)} · {t('results.private_link_note', lang)}")
st.page_link(
    "pages/team.py",
    label=t("team.team_link", lang),
    icon=":material/diversity_3:",
    query_params={"c": token, "lang": lang},
)

if draft is not None:
    view.draft_banner(draft, qbank, token, lang)
if not submitted:
    st.info(t("results.none_yet", lang), icon=":material/hourglass_empty:")
    st.stop()

current = view.choose_assessment(submitted, lang)
results = view.results_of(company, current, submitted, lang)

qbank = results.bank  # the bank of the assessment's own version
view.indicative_notice(results, qbank, token, lang, draft_open=draft is not None)
view.headline(results, qbank, token, lang, draft_open=draft is not None)
view.pillar_cards(results, qbank, lang)
view.peer_section(results, qbank, lang)
public_compare.section(results, lang)
view.next_steps_section(results, qbank, lang)
view.partners_section(results, lang)
view.programs_section(results, lang)
view.cluster_section(results, lang)
own_requests(company.id, lang)
view.progress_section(results, qbank, lang)
view.downloads(results, qbank, lang)
view.history_table(submitted, qbank, lang)
if draft is None:
    view.new_assessment_buttons(company.id, current_wave(), qbank, token, lang)
