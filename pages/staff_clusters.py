"""Cluster builder: proposals of 3-6 members covering a value chain, adjusted and saved by staff."""

import pandas as pd
import streamlit as st

from components.cache import cluster_proposals, engine, member_frame, summary
from components.cluster_charts import cluster_graph_figure
from components.staff import staff_page
from components.staff_filters import (
    keep_in_url,
    region_options,
    seed,
    size_band_options,
    url_flag,
    url_ignored_notice,
    url_list,
    url_value,
)
from components.widgets import dashed, lingual, plain, said
from readiness import clusters, exports, reference, store
from readiness.i18n import t
from readiness.text import display, display_cells

staff, lang, qbank = staff_page()

st.title(t("clusters.title", lang))
st.caption(t("clusters.lead", lang))
waves = summary().waves
if not waves:
    st.info(t("home.data_empty", lang))
    st.stop()

# Filters come from the URL on the first run and go back to it (a view staff can share).
chain_ids = clusters.load_chains().chain_ids
chain_list = clusters.chain_choices(lang)
choices = dict(chain_list[: len(chain_ids)])
choices[clusters.ALL_CHAINS] = t("clusters.all_chains", lang)
choices.update(chain_list[len(chain_ids) :])
seed("cluster_sizes", lambda: url_list("size", reference.size_band_ids()))
seed("cluster_regions", lambda: url_list("region", reference.region_codes()))
seed("cluster_repeat", lambda: url_flag("repeat"))
asked_chain = url_value("chain", list(choices))
asked_wave = url_value("wave", waves)
c1, c2, c3, c4 = st.columns([3, 2, 2, 1])
chain_key = c1.selectbox(
    t("clusters.chain", lang),
    list(choices),
    index=list(choices).index(asked_chain) if asked_chain else 0,
    format_func=choices.__getitem__,
    key=lingual("cluster_chain"),
)
sizes = c2.multiselect(
    t("filters.size_band", lang),
    **size_band_options(lang),
    placeholder=t("filters.all", lang),
    key=lingual("cluster_sizes"),
)
regions = c3.multiselect(
    t("filters.region", lang),
    **region_options(lang),
    placeholder=t("filters.all", lang),
    key=lingual("cluster_regions"),
)
wave = c4.selectbox(
    t("filters.wave", lang),
    waves,
    index=waves.index(asked_wave) if asked_wave is not None else len(waves) - 1,
    key="cluster_wave",
)
allow_repeat = st.checkbox(
    t("clusters.allow_repeat", lang),
    value=False,
    help=t("clusters.allow_repeat_help", lang),
    key="cluster_repeat",
)
keep_in_url(
    {
        "chain": chain_key,
        "wave": wave,
        "size": sizes,
        "region": regions,
        "repeat": allow_repeat or None,
    }
)
url_ignored_notice(lang)

frame = member_frame(wave)
with st.spinner(t("clusters.searching", lang)):
    proposals = cluster_proposals(wave, chain_key, tuple(sizes), tuple(regions), allow_repeat, lang)
if not proposals:
    st.info(t("clusters.none", lang), icon=":material/hub:")
    st.stop()

role_labels = {r: reference.label("value_chain_roles", r, lang) for r in reference.role_ids()}
pick = st.radio(
    t("clusters.proposals", lang),
    options=list(range(len(proposals))),
    format_func=lambda n: t(
        "clusters.proposal_label",
        lang,
        n=n + 1,
        chain=proposals[n].chain_name,
        members=len(proposals[n].members),
        score=round(100 * proposals[n].score),
        covered=len(proposals[n].covered_roles),
        roles=len(proposals[n].covered_roles) + len(proposals[n].missing_roles),
    ),
    captions=[said(p.summary, lang) if p.summary else "" for p in proposals],
    key=lingual(f"cluster_pick_{chain_key}"),
)
proposal = proposals[pick]
chain_of_pick = proposal.chain

# Staff may adjust the members (any member who may play a role of the chain); the adjusted
# cluster is scored the same way.
pool = frame[
    frame["company_id"].isin(proposal.company_ids) | clusters.chain_fit(frame, chain_of_pick)
]
names = {int(r.company_id): f"{display(r.name, limit=60)} · {r.ksic}" for r in pool.itertuples()}
chosen = st.multiselect(
    t("clusters.adjust", lang),
    options=list(names),
    default=list(proposal.company_ids),
    format_func=names.__getitem__,
    max_selections=6,
    placeholder=t("common.choose_many", lang),
    key=f"adjust_{chain_key}_{pick}",
)
if set(chosen) != set(proposal.company_ids) and chosen:
    try:
        proposal = clusters.evaluate_cluster(
            frame, chain=chain_of_pick, company_ids=chosen, lang=lang, bank=qbank
        )
    except clusters.ClusterError as exc:
        st.error(str(exc), icon=":material/error:")
        st.stop()

if proposal.summary:
    st.markdown(f"**{said(proposal.summary, lang)}**")
m1, m2, m3 = st.columns(3)
m1.metric(t("clusters.score", lang), f"{100 * proposal.score:.0f}")
m2.metric(
    t("clusters.covered", lang),
    f"{len(proposal.covered_roles)} / {len(proposal.covered_roles) + len(proposal.missing_roles)}",
)
m3.metric(t("clusters.members", lang), len(proposal.members))
if proposal.missing_roles:
    st.caption(
        t("clusters.missing", lang, roles=", ".join(role_labels[r] for r in proposal.missing_roles))
    )
for reason in proposal.reasons:
    st.markdown(f"- {said(reason, lang)}")

nodes, edges = clusters.cluster_graph(proposal)
st.plotly_chart(
    cluster_graph_figure(nodes, edges, role_labels=role_labels, role_order=reference.role_ids()),
    config={"displayModeBar": False},
    key="cluster_graph",
)
header, rows = clusters.proposal_table(proposal, lang=lang, bank=qbank)
st.dataframe(dashed(pd.DataFrame(display_cells(rows), columns=header)), hide_index=True)

with st.form("save_cluster"):
    name = st.text_input(t("clusters.name", lang), max_chars=120, key="cluster_name")
    note = st.text_area(t("clusters.note", lang), max_chars=500, height=80, key="cluster_note")
    if st.form_submit_button(
        t("clusters.save", lang), type="primary", icon=":material/save:", key="cluster_save"
    ):
        if not name.strip():
            st.error(t("clusters.name_needed", lang), icon=":material/error:")
        else:
            saved = clusters.save_proposal(
                engine=engine(), proposal=proposal, name=name, created_by=staff.email, note=note
            )
            st.success(t("clusters.saved", lang, name=plain(saved.name)), icon=":material/check:")
e1, e2 = st.columns(2)
for col, fmt in ((e1, "csv"), (e2, "xlsx")):
    col.download_button(
        t(f"data.download_{fmt}", lang),
        data=lambda fmt=fmt: clusters.export_proposal(
            engine=engine(), proposal=proposal, fmt=fmt, actor=staff.email, lang=lang, bank=qbank
        ),
        file_name=f"cluster-{proposal.chain}.{fmt}",
        mime=exports.MIME_TYPES[fmt],
        on_click="ignore",
        width="stretch",
    )

saved = store.list_clusters(engine=engine())
if saved:
    st.subheader(t("clusters.saved_title", lang))
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("clusters.name", lang): display(c["name"]),
                    t("clusters.chain", lang): choices.get(c["chain"], c["chain"]),
                    t("clusters.members", lang): c["members"],
                    t("clusters.by", lang): c["created_by"],
                    t("clusters.when", lang): str(c["created_at"])[:16],
                }
                for c in saved
            ]
        ),
        hide_index=True,
    )
