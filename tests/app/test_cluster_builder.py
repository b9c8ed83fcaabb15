"""Issue #14: the cluster builder gets a region filter, keeps its filters in the URL (chain, size,
region, allow-repeat, wave), and shows each proposal's one-sentence explanation in Korean and
English."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from components.widgets import said
from readiness import clusters, reference
from readiness.i18n import t
from tests.app.test_staff_access import _sign_in, staff_engine  # noqa: F401  (a fixture)


def _clusters(make_app: Callable[..., AppTest], lang: str, **params: str) -> AppTest:
    """A link to the cluster builder, opened signed out: sign-in, then the view."""
    at = make_app(lang).run()
    at.query_params["next"] = "staff_clusters?" + urlencode(params)
    at = _sign_in(at)
    assert not at.exception
    return at.switch_page("pages/staff_clusters.py").run()


def _busiest_region(engine: sa.Engine) -> tuple[str, list[clusters.ClusterProposal]]:
    """The region whose members alone give the most proposals over all chains, and those."""
    frame = clusters.member_frame(engine=engine)
    every_chain = clusters.resolve_chains(clusters.ALL_CHAINS)
    runs = {
        code: clusters.propose_clusters(frame, chain=every_chain, regions=[code], count=1)
        for code in reference.region_codes()
    }
    code = max(runs, key=lambda c: (len(runs[c]), c))
    assert runs[code], "the demo set gives no proposal in any one region"
    return code, runs[code]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_region_filter_comes_from_the_link_and_limits_the_members(
    make_app: Callable[..., AppTest],
    staff_engine: sa.Engine,  # noqa: F811
    lang: str,
) -> None:
    make_app(lang).run()  # the first run seeds the demo members
    region, expected = _busiest_region(staff_engine)
    at = _clusters(make_app, lang, chain=clusters.ALL_CHAINS, region=region, size="junk")
    assert not at.exception, at.exception
    assert at.selectbox(key="cluster_chain").value == clusters.ALL_CHAINS
    assert at.multiselect(key="cluster_regions").value == [region]
    assert at.multiselect(key="cluster_sizes").value == []  # a junk size is left out
    # Every member of the shown cluster is in the region.
    table = at.dataframe[0].value
    place = reference.label("regions", region, lang)
    assert len(table) and set(table[t("cluster_table.region", lang)]) == {place}
    # Each proposal's sentence under it, and the chosen one's above its members, in `lang`.
    radio = at.radio(key=f"cluster_pick_{clusters.ALL_CHAINS}")
    sentences = [said(p.summary, lang) for p in expected if p.summary]
    assert list(radio.proto.captions) == sentences
    assert f"**{sentences[0]}**" in [m.value for m in at.markdown]
    chain = clusters.resolve_chain(expected[0].chain)
    assert chain.name.get(lang) in sentences[0]
    assert ("가치사슬의 역할" if lang == "ko" else "roles of the") in sentences[0]


def test_changing_the_filters_writes_them_to_the_url(
    make_app: Callable[..., AppTest],
    staff_engine: sa.Engine,  # noqa: F811
) -> None:
    at = _clusters(make_app, "ko")
    assert not at.exception, at.exception
    at.multiselect(key="cluster_regions").set_value(["41", "11"]).run()
    assert at.query_params["region"] == "41,11"
    at.checkbox(key="cluster_repeat").check().run()
    assert at.query_params["repeat"] == "1"
    assert at.checkbox(key="cluster_repeat").label == "한 회사를 여러 제안에 허용"
    at.selectbox(key="cluster_chain").set_value(clusters.ALL_CHAINS).run()
    assert at.query_params["chain"] == clusters.ALL_CHAINS
    at.checkbox(key="cluster_repeat").uncheck().run()
    assert "repeat" not in at.query_params
    assert not at.exception


def test_a_run_over_every_chain_shows_each_company_once(
    make_app: Callable[..., AppTest],
    staff_engine: sa.Engine,  # noqa: F811
) -> None:
    at = _clusters(make_app, "en", chain=clusters.ALL_CHAINS)
    assert not at.exception, at.exception
    frame = clusters.member_frame(engine=staff_engine)
    shown = clusters.propose_clusters(
        frame, chain=clusters.resolve_chains(clusters.ALL_CHAINS), count=1, lang="en"
    )
    radio = at.radio(key=f"cluster_pick_{clusters.ALL_CHAINS}")
    assert len(radio.options) == len(shown) >= 2
    taken = [cid for p in shown for cid in p.company_ids]
    assert len(taken) == len(set(taken))
    assert at.checkbox(key="cluster_repeat").label == "Allow a company in several proposals"


def test_switching_language_keeps_the_filters_and_words_the_sentence_anew(
    make_app: Callable[..., AppTest],
    staff_engine: sa.Engine,  # noqa: F811
) -> None:
    make_app("ko").run()
    region, expected = _busiest_region(staff_engine)
    at = _clusters(make_app, "ko", chain=clusters.ALL_CHAINS, region=region)
    sentence = expected[0].summary
    assert sentence is not None
    assert f"**{said(sentence, 'ko')}**" in [m.value for m in at.markdown]
    at.segmented_control(key="lang_switch").set_value("en").run()
    assert not at.exception, at.exception
    assert at.multiselect(key="cluster_regions").value == [region]
    assert at.selectbox(key="cluster_chain").value == clusters.ALL_CHAINS
    shown = [m.value for m in at.markdown]
    assert f"**{said(sentence, 'en')}**" in shown
    assert f"**{said(sentence, 'ko')}**" not in shown
    radio = at.radio(key=f"cluster_pick_{clusters.ALL_CHAINS}")
    assert list(radio.proto.captions) == [said(p.summary, "en") for p in expected if p.summary]
