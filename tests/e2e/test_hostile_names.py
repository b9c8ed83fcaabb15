"""Hostile names in a real Chromium: the member directory (a member, its deletion), the cluster
picture, the join page of a workshop with a hostile title, and a hostile company's results page
render every name as text: no link, element, style, icon, emoji, formula or invisible character
that came from a name (tests/hostile_names.py seeds the names through readiness.store).

The app runs on its own database (every member renamed), so the shared app_server is untouched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from readiness import auth, store
from readiness.bank import default_bank
from readiness.db import make_engine, upgrade
from readiness.i18n import t
from readiness.synth import seed_demo
from readiness.text import display
from readiness.waves import current_wave
from tests.e2e.conftest import (
    REPO_ROOT,
    STAFF_ACCOUNT,
    start_streamlit,
    stop_streamlit,
    wait_for_idle,
)
from tests.hostile_names import CORPUS, NAMES, seed_hostile

SLOW_MS = 60_000

# Every element a name could turn into, and what in the page came from a name: an element whose
# text is a piece of a corpus name without the name's frame (« ») is the name's own markup; a
# link or image that points at evil.example; LaTeX; an emoji or icon the app never draws itself
# (the corpus's skull); a direction-changing or zero-width character; a run of the long name
# longer than a clip.
_FIND = r"""(pieces) => {
  const found = [];
  const main = document.querySelector('[data-testid="stApp"]');
  const risky = 'a, script, img, b, strong, em, i, s, del, code, pre, h1, h2, h3, h4, h5, h6, '
    + 'table, li, blockquote, span[style], [data-testid="stIconMaterial"], tspan';
  for (const el of main.querySelectorAll(risky)) {
    const text = (el.textContent || '').trim();
    const from = text && !text.includes('«') && !text.includes('»')
      && pieces.some((p) => p.includes(text));
    const bold = el.tagName === 'tspan' && /bold|italic/.test(el.getAttribute('style') || '');
    const icon = el.getAttribute('data-testid') === 'stIconMaterial';  // the app's own: by name
    if (icon ? text === 'skull' : el.tagName === 'tspan' ? bold && from : from) {
      found.push(`<${el.tagName.toLowerCase()}> "${text.slice(0, 60)}"`);
    }
    for (const attr of ['href', 'src', 'xlink:href']) {
      if ((el.getAttribute(attr) || '').includes('evil')) {
        found.push(`<${el.tagName.toLowerCase()} ${attr}=${el.getAttribute(attr)}>`);
      }
    }
    if (el.tagName === 'IMG' && el.getAttribute('alt') === 'Streamlit logo') {
      found.push('<img> Streamlit logo from :streamlit:');
    }
  }
  if (main.querySelector('.katex, math')) found.push('LaTeX rendered');
  const words = main.innerText;
  for (const mark of ['\u{1F480}', '\u{1F608}', '\u202e', '\u200b', '\u2066', '\ufeff']) {
    if (words.includes(mark)) found.push(`character U+${mark.codePointAt(0).toString(16)}`);
  }
  if (/가{200}/.test(words)) found.push('200 characters of the long name');
  return found;
}"""

# Pieces of the names: the words inside their markup ("B", "Heading", "Session expired: ...").
PIECES = sorted(
    {w.strip() for name in CORPUS for w in re.split(r"[\[\]()*_~`#|>$<\n]|\\\(|\\\)", name)} - {""},
    key=len,
    reverse=True,
)


def problems(page: Page) -> list[str]:
    return list(page.evaluate(_FIND, PIECES))


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The app on a database whose members all carry corpus names, with a staff account, a
    hostile-titled workshop for each name and a submitted hostile company with its link."""
    work = tmp_path_factory.mktemp("hostile-app")
    url = f"sqlite:///{work / 'hostile.db'}"
    engine = make_engine(url)
    upgrade(engine)
    bank = default_bank()
    seed_demo(engine=engine, bank=bank, companies=60, waves=2, seed=13)
    seeded = seed_hostile(engine)
    auth.add_staff(
        engine=engine,
        email=STAFF_ACCOUNT.email,
        password=STAFF_ACCOUNT.password,
        display_name=NAMES[0],
        actor="e2e",
    )
    company_id = next(i for i, n in seeded["companies"].items() if n == NAMES[0])
    token = store.reissue_link(engine=engine, company_id=company_id, actor="e2e")
    draft = store.start_assessment(
        engine=engine, company_id=company_id, wave=current_wave(), mode="quick", bank=bank
    )
    store.submit_assessment(
        engine=engine,
        bank=bank,
        assessment_id=draft.id,
        answers={i: 3 for i in bank.item_ids(quick_only=True)},
    )
    engine.dispose()
    proc, base = start_streamlit(
        REPO_ROOT / "app.py",
        {"DATABASE_URL": url, "READINESS_DEMO": "0"},
        log_path=work / "streamlit.log",
    )
    try:
        yield {**seeded, "url": base, "token": token}
    finally:
        stop_streamlit(proc)


def _sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/staff_login?lang=en")
    wait_for_idle(page)
    page.get_by_role("textbox", name=t("staff.email", "en")).fill(STAFF_ACCOUNT.email)
    page.get_by_role("textbox", name=t("staff.password", "en")).fill(STAFF_ACCOUNT.password)
    page.get_by_role("button", name=t("staff.sign_in", "en"), exact=True).click()
    expect(page.get_by_role("heading", name=t("overview.title", "en"))).to_be_visible(
        timeout=SLOW_MS
    )
    wait_for_idle(page)


def _staff_page(page: Page, nav_key: str, title_key: str) -> None:
    page.get_by_test_id("stTopNavSection").filter(has_text=t("nav.section_staff", "en")).click()
    page.get_by_role("menuitem", name=t(nav_key, "en")).click()
    expect(page.get_by_role("heading", name=t(title_key, "en"), exact=True)).to_be_visible(
        timeout=SLOW_MS
    )
    wait_for_idle(page)


def test_results_page_of_a_hostile_company(  # first: the next test deletes a member
    hostile_app: dict[str, Any], page: Page, shot: Callable[..., Path]
) -> None:
    page.goto(f"{hostile_app['url']}/results?c={hostile_app['token']}&lang=en")
    expect(page.get_by_role("heading", name=t("results.title", "en"))).to_be_visible(
        timeout=SLOW_MS
    )
    wait_for_idle(page)
    expect(page.get_by_test_id("stCaptionContainer").first).to_contain_text("Session expired")
    assert problems(page) == []
    shot(page, "hostile-results")


def test_member_directory_a_member_and_its_deletion(
    hostile_app: dict[str, Any], page: Page, shot: Callable[..., Path]
) -> None:
    _sign_in(page, hostile_app["url"])
    _staff_page(page, "nav.staff_members", "members.title")
    assert problems(page) == []
    search = page.get_by_role("textbox", name=t("members.search", "en"))
    for word in ("Session expired", "script", "material", "mail@evil", "customdata", "가가가"):
        search.fill(word)
        search.press("Enter")
        wait_for_idle(page)
        page.get_by_test_id("stDataFrame").first.click(position={"x": 18, "y": 35 + 18})
        expect(page.get_by_role("button", name=t("members.delete", "en"))).to_be_visible()
        wait_for_idle(page)
        assert problems(page) == [], word
        # The heading reads as the name was written (one line, clipped), no escape showing.
        name = next(n for n in NAMES if word in n)
        heading = page.get_by_test_id("stMain").locator("h3").first
        assert heading.inner_text().replace("\u2060", "").strip() == display(name)
    shot(page, "hostile-member")
    # Delete a member named like a sign-in link: the "deleted" message shows it as text. Then
    # the 10,000-character member: its dialog asks for the first 120 characters, typed as shown.
    for word, shown in (("Session expired", "Session expired"), ("가가가", "가" * 119 + "…")):
        _delete_first(page, word)
        success = page.get_by_test_id("stAlertContentSuccess")
        expect(success).to_be_visible(timeout=SLOW_MS)
        wait_for_idle(page)
        expect(success).to_contain_text(shown)
        assert problems(page) == []
        shot(page, "hostile-deleted")


def _delete_first(page: Page, word: str) -> None:
    """Find members by `word`, pick the first, delete it by typing the name the dialog shows."""
    search = page.get_by_role("textbox", name=t("members.search", "en"))
    search.fill(word)
    search.press("Enter")
    wait_for_idle(page)
    page.get_by_test_id("stDataFrame").first.click(position={"x": 18, "y": 35 + 18})
    page.get_by_role("button", name=t("members.delete", "en")).click()
    dialog = page.get_by_role("dialog")
    name = dialog.get_by_test_id("stCode").inner_text().strip()
    assert 0 < len(name) <= 120 and "\n" not in name
    dialog.get_by_role("textbox").fill(name)
    dialog.get_by_role("textbox").press("Enter")
    wait_for_idle(page)
    dialog.get_by_role("button", name=t("members.delete_confirm", "en")).click()


def test_cluster_picture(
    hostile_app: dict[str, Any], page: Page, shot: Callable[..., Path]
) -> None:
    _sign_in(page, hostile_app["url"])
    _staff_page(page, "nav.staff_clusters", "clusters.title")
    chart = page.get_by_test_id("stPlotlyChart")
    if not chart.count():  # the small set may hold no group for the first chain: try a sector
        page.get_by_role("combobox", name=t("clusters.chain", "en")).click()
        page.get_by_role("option").filter(has_text="C29").first.click()
        wait_for_idle(page)
    expect(chart.first).to_be_visible(timeout=SLOW_MS)
    expect(chart.first.locator("g.textpoint").first).to_be_attached()
    labels = chart.first.locator("g.textpoint").all_text_contents()
    assert any("«" in label for label in labels), labels  # names are drawn, as text
    point = chart.first.locator("g.points path").first
    point.scroll_into_view_if_needed()
    box = point.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(chart.first.locator("g.hovertext").first).to_be_attached()  # the hover label, too
    assert problems(page) == []
    shot(page, "hostile-cluster")


def test_join_page_with_a_hostile_workshop_title(
    hostile_app: dict[str, Any], page: Page, shot: Callable[..., Path]
) -> None:
    for code, title in hostile_app["workshops"].items():
        page.goto(f"{hostile_app['url']}/join?code={code}&lang=ko")
        welcome = page.get_by_test_id("stAlertContentSuccess")
        expect(welcome).to_be_visible(timeout=SLOW_MS)
        wait_for_idle(page)
        assert problems(page) == [], title[:40]
        shown = welcome.inner_text().replace("\u2060", "")
        assert display(title, limit=200) in shown  # reads as written
    shot(page, "hostile-join")
