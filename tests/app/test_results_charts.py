"""The results page's charts are pictures drawn on the server, holding only what they show: no
Plotly figure (4.7 MB of browser code, and the peers' scores in its data), no data grid."""

from __future__ import annotations

import base64
import os
import re
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from readiness import store
from readiness.bank import default_bank
from readiness.db import make_engine
from readiness.i18n import t
from readiness.profile import CompanyProfile
from readiness.waves import current_wave
from tests.app.test_honest_results import _open

BANK = default_bank()
SVG = "{http://www.w3.org/2000/svg}"
RANK = {
    "ko": re.compile(r"(\d+)개사 중 (\d+)위"),
    "en": re.compile(r"(\d+)(?:st|nd|rd|th) of (\d+)"),
}


def _submitted_company() -> str:
    engine = make_engine(os.environ["DATABASE_URL"])
    profile = CompanyProfile(name="한빛정밀", ksic="C29", employees=45, region="41", roles=[])
    first = store.NewAssessment(wave=current_wave(), mode="full", bank=BANK, goal=70.0)
    company, token = store.create_company(engine=engine, profile=profile, first=first)
    draft = store.open_draft(engine=engine, company_id=company.id)
    assert draft is not None
    answers: dict[str, int | None] = {i: 2 + n % 3 for n, i in enumerate(BANK.item_ids())}
    store.submit_assessment(engine=engine, bank=BANK, assessment_id=draft.id, answers=answers)
    return token


def _svg(url: str) -> str:
    head, _, data = url.partition(",")
    assert head.startswith("data:image/svg+xml"), head
    return base64.b64decode(data).decode() if ";base64" in head else urllib.parse.unquote(data)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_results_draw_two_pictures_with_words_and_no_plotly(
    make_app: Callable[..., AppTest], lang: str
) -> None:
    make_app(lang).run()  # the app seeds the demo members
    at = _open(make_app, "pages/results.py", _submitted_company(), lang)
    assert not at.get("plotly_chart") and not at.dataframe
    images = at.get("image")
    assert len(images) == 2
    radar, distribution = (_svg(img.proto.imgs[0].url) for img in images)
    assert 'data-chart="radar"' in radar and 'data-chart="distribution"' in distribution
    for pillar in BANK.pillars:
        assert pillar.name.get(lang) in radar
    assert t("results.radar_company", lang) in radar
    alts = [img.proto.imgs[0].alt for img in images]
    assert alts[0].startswith(t("results.radar_title", lang))
    assert alts[1].startswith(t("results.dist_title", lang))


def test_the_distribution_picture_holds_counts_not_scores(
    make_app: Callable[..., AppTest],
) -> None:
    """DESIGN: no individual value leaves the server; distributions go as binned counts."""
    make_app("ko").run()
    at = _open(make_app, "pages/results.py", _submitted_company(), "ko")
    distribution = _svg(at.get("image")[1].proto.imgs[0].url)
    counts = [int(c) for c in re.findall(r"\d+-\d+: (\d+)", distribution)]  # in its <desc>
    assert sum(counts) >= 5 and all(c == 0 or c >= 5 for c in counts)
    root = ET.fromstring(distribution)
    numbers = [
        (el.get("text-anchor"), el.text or "")
        for el in root.iter(f"{SVG}text")
        if re.fullmatch(r"\d+", el.text or "")
    ]
    y_ticks = [int(v) for anchor, v in numbers if anchor == "end"]
    assert y_ticks == list(range(0, y_ticks[-1] + 1, y_ticks[1]))  # an even scale from 0
    rest = sorted(int(v) for anchor, v in numbers if anchor != "end")
    x_ticks = list(range(0, 101, 20))
    for tick in x_ticks:
        rest.remove(tick)
    assert rest == sorted(c for c in counts if c)  # beyond the axes: the counts, nothing else
    assert not re.search(r">\d+\.\d+<", distribution)  # no fractional score anywhere


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_place_among_up_to_100_companies_reads_as_a_place(
    make_app: Callable[..., AppTest], lang: str
) -> None:
    make_app(lang).run()
    at = _open(make_app, "pages/results.py", _submitted_company(), lang)
    lead = t("results.percentile", lang, position="")
    lines = [m.value for m in at.markdown] + [c.value for c in at.caption]
    positions = [line.split(lead, 1)[1] for line in lines if lead in line]
    positions += [c.value for c in at.caption if t("results.dist_title", lang) in c.value]
    dist = t("results.dist_sentence", lang, score="§", position="¶", median="§").split("¶")[0]
    positions += [c.value for c in at.caption if dist.split("§")[0] in c.value]
    assert len(positions) >= 1 + len(BANK.pillars) + 1  # overall, each pillar, the distribution
    for words in positions:
        found = RANK[lang].search(words)
        assert found, words
        a, b = (int(g) for g in found.groups())
        of, place = (a, b) if lang == "ko" else (b, a)
        assert 1 <= place <= of <= 100


def test_fake_companies_change_nothing_a_fake_can_see(make_app: Callable[..., AppTest]) -> None:
    """The Sybil attack of issue #13: register fakes with known scores next to real members, then
    read the figures a fake's results page sends. Self-registered companies are nobody's peer
    until staff verify them, so eight more fakes (all at 100) change no byte of those figures:
    there is nothing to subtract."""
    make_app("ko").run()  # the demo's verified members
    token = _submitted_company()

    def figures() -> tuple[list[str], list[str]]:
        st.cache_data.clear()  # no cached norm frame may hide a change
        at = _open(make_app, "pages/results.py", token, "ko")
        pictures = [_svg(img.proto.imgs[0].url) for img in at.get("image")]
        words = [c.value for c in at.caption] + [m.value for m in at.markdown]
        return pictures, [w for w in words if "개사" in w]

    before = figures()
    for _ in range(8):
        engine = make_engine(os.environ["DATABASE_URL"])
        profile = CompanyProfile(name="가짜정밀", ksic="C29", employees=45, region="41", roles=[])
        first = store.NewAssessment(wave=current_wave(), mode="full", bank=BANK)
        company, _ = store.create_company(engine=engine, profile=profile, first=first)
        draft = store.open_draft(engine=engine, company_id=company.id)
        assert draft is not None
        store.submit_assessment(
            engine=engine,
            bank=BANK,
            assessment_id=draft.id,
            answers=dict.fromkeys(BANK.item_ids(), 5),
        )
    after = figures()
    assert before[1], "the page names its peer group and the company's place"
    assert after == before


def test_a_self_registered_company_is_nobodys_suggested_partner_until_verified(
    make_app: Callable[..., AppTest],
) -> None:
    """A fake that consents to be suggested, in the adjacent role with every pillar at 100, is
    suggested to no member (and moves no cluster median) until staff verify it."""
    from components.cache import complementary_members, member_frame

    make_app("ko").run()
    engine = make_engine(os.environ["DATABASE_URL"])
    wave = current_wave()

    def member(name: str, roles: list[str], level: int, *, verified: bool) -> int:
        profile = CompanyProfile(
            name=name, ksic="C29", employees=45, region="41", roles=roles, consent_suggest=True
        )
        first = store.NewAssessment(wave=wave, mode="full", bank=BANK)
        company, _ = store.create_company(
            engine=engine, profile=profile, first=first, verified=verified
        )
        draft = store.open_draft(engine=engine, company_id=company.id)
        assert draft is not None and company.id is not None
        answers: dict[str, int | None] = dict.fromkeys(BANK.item_ids(), level)
        store.submit_assessment(engine=engine, bank=BANK, assessment_id=draft.id, answers=answers)
        return company.id

    viewer = member("약한정밀", ["final_product"], 1, verified=True)
    fake = member("가짜부품", ["components"], 5, verified=False)
    shown = complementary_members(viewer, "C29", wave, "ko")
    assert fake not in {m.introduce_id for m in shown}
    assert fake not in set(member_frame(wave, verified_only=True)["company_id"])
    store.set_verified(engine=engine, company_id=fake, verified=True, actor="staff@x.kr")
    st.cache_data.clear()
    assert fake in set(member_frame(wave, verified_only=True)["company_id"])


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_an_unverified_company_is_told_it_joins_the_norms_once_confirmed(
    make_app: Callable[..., AppTest], lang: str
) -> None:
    make_app(lang).run()
    token = _submitted_company()  # self-registered: not verified
    note = t("results.not_verified", lang)
    at = _open(make_app, "pages/results.py", token, lang)
    assert any(note in c.value for c in at.caption)
    engine = make_engine(os.environ["DATABASE_URL"])
    company = store.company_by_token(engine=engine, token=token)
    assert company is not None and company.id is not None
    store.set_verified(engine=engine, company_id=company.id, verified=True, actor="staff@x.kr")
    at = _open(make_app, "pages/results.py", token, lang)
    assert not any(note in c.value for c in at.caption)
