"""The association analyst's journey in a real Chromium (desktop, 1600 x 1000).

- Signed out, every staff URL shows the sign-in page (which returns there afterwards), and no staff
  data at all.
- Korean: sign in, read the heatmap (median, dimensions), open a sector profile, compare two waves,
  import a CP949 CSV with errors (each listed by row and column, nothing written), fix and import
  it, export the members to Excel (formulas neutralised), find the new members, sign out.
- English: sign in and read the heatmap.

Screenshots: screenshots/staff-*.png.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from playwright.sync_api import Locator, Page, expect

from readiness import analytics, reference, store
from readiness.bank import default_bank
from readiness.i18n import t, t_count
from readiness.paths import ROOT

DESKTOP = {"width": 1600, "height": 1000}
SLOW_MS = 30_000

# Every page registered only for signed-in staff (app.py), with a plausible query string.
STAFF_URLS = {
    "staff_overview": "/staff_overview",
    "staff_sector": "/staff_sector?ksic=C29&wave=2026",
    "staff_compare": "/staff_compare",
    "staff_members": "/staff_members",
    "staff_requests": "/staff_requests",
    "staff_data": "/staff_data",
    "staff_clusters": "/staff_clusters",
    "staff_workshops": "/staff_workshops",
    "staff_instrument": "/staff_instrument",
    "staff_benchmarks": "/staff_benchmarks",
    "presenter": "/presenter?code=ABCD",
}
STAFF_TITLES = [
    t(key, lang)
    for key in (
        "overview.title",
        "sector.title",
        "compare.title",
        "members.title",
        "staff_requests.title",
        "data.title",
        "clusters.title",
        "workshops.title",
        "instrument.title",
        "benchmarks.staff_title",
    )
    for lang in ("ko", "en")
]
HOME_TITLE = {"ko": "글로벌 역량 진단", "en": "Global Readiness"}

# Names of the imported members: a marker no other test uses, so a search finds exactly these.
MARK = "스태프검증"
FORMULA_NAME = '=HYPERLINK("http://evil.example","클릭")'
QUICK_ITEMS = default_bank().item_ids(quick_only=True)
IMPORTED = [f"한빛정밀 {MARK}", f"가온포장 {MARK}", f"다온식품 {MARK}", FORMULA_NAME]


# --- helpers -------------------------------------------------------------------------------------


def _biz_no(first9: str, *, valid: bool = True) -> str:
    """A business registration number with its check digit (or a wrong one), as 123-45-67890."""
    weights = (1, 3, 7, 1, 3, 7, 1, 3, 5)
    d = [int(c) for c in first9]
    total = sum(a * b for a, b in zip(d, weights, strict=True)) + (d[8] * 5) // 10
    check = (10 - total % 10) % 10
    if not valid:
        check = (check + 1) % 10
    return f"{first9[:3]}-{first9[3:5]}-{first9[5:]}{check}"


def _member_csv(*, with_errors: bool) -> bytes:
    """A member file as Korean Excel saves it: CP949, Korean headers, a few item columns.

    With errors: row 3 has a wrong check digit, row 4 an unknown KSIC code (C99), row 5 a level 7.
    """
    header = ["회사명", "사업자등록번호", "업종코드", "종업원수", "지역", "수출비중", "연도"]
    header += ["유형", *QUICK_ITEMS]  # quick scans: every pillar has a score
    rows = [
        [IMPORTED[0], _biz_no("711812345"), "C29", "45", "경기도", "20", "2026", "간편"]
        + list("324123212332"),
        [IMPORTED[1], _biz_no("722823456", valid=not with_errors), "C22", "120", "부산광역시"]
        + ["35", "2026", "간편", *"223311223312"],
        [IMPORTED[2], _biz_no("733834567"), "C99" if with_errors else "C10", "12", "충청남도"]
        + ["5", "2026", "간편", *"112001101201"],
        [IMPORTED[3], _biz_no("744845678"), "C25", "30", "인천광역시", "10", "2026", "간편"]
        + ["7" if with_errors else "4", *"33222232323"],
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("cp949")


def _sign_in(page: Page, base: str, lang: str, staff_account, wait_idle) -> None:
    page.goto(f"{base}/staff_login?lang={lang}")
    expect(page.get_by_role("heading", name=t("staff.login_title", lang))).to_be_visible()
    wait_idle(page)
    page.get_by_role("textbox", name=t("staff.email", lang)).fill(staff_account.email)
    page.get_by_role("textbox", name=t("staff.password", lang)).fill(staff_account.password)
    page.get_by_role("button", name=t("staff.sign_in", lang), exact=True).click()
    # The login page switches to the heatmap once signed in.
    expect(page.get_by_role("heading", name=t("overview.title", lang))).to_be_visible(
        timeout=SLOW_MS
    )
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"/staff_overview\?"))
    expect(page.get_by_role("button", name=t("staff.sign_out", lang))).to_be_visible()


def _open_staff_page(page: Page, lang: str, nav_key: str, title_key: str, wait_idle) -> None:
    """Through the top navigation: the staff section's dropdown, then the page's menu item."""
    page.get_by_test_id("stTopNavSection").filter(has_text=t("nav.section_staff", lang)).click()
    page.get_by_role("menuitem", name=t(nav_key, lang)).click()
    expect(page.get_by_role("heading", name=t(title_key, lang), exact=True)).to_be_visible(
        timeout=SLOW_MS
    )
    wait_idle(page)


def _choose(page: Page, combobox: Locator, option: str) -> None:
    combobox.click()
    page.get_by_role("option", name=option, exact=True).click()


# A resize is a reflow, not a rerun: the app is idle at once while the charts still have their old
# width (a window made as tall as the page loses its scroll bar, so the page gets wider).
_CHARTS_FIT = """() => {
    const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
    const width = (el) => el.getBoundingClientRect().width;
    return charts.every((c) => {
        const svg = c.querySelector("svg.main-svg");
        return svg !== null && Math.abs(width(svg) - width(c)) < 1;
    });
}"""


def _full_shot(page: Page, shot: Callable[..., Path], name: str, wait_idle) -> None:
    """The whole page: Streamlit scrolls inside its own container, so the window is made as tall
    as the content for the picture (the pointer moved aside, so no chart shows its tool bar)."""
    page.mouse.move(1, 1)
    height = page.get_by_test_id("stMain").evaluate("el => el.scrollHeight")
    page.set_viewport_size({"width": DESKTOP["width"], "height": min(int(height) + 20, 8_000)})
    wait_idle(page)
    page.wait_for_function(_CHARTS_FIT, timeout=SLOW_MS)
    shot(page, name)
    page.set_viewport_size(DESKTOP)


def _heatmap(page: Page) -> Locator:
    chart = page.get_by_test_id("stPlotlyChart")
    expect(chart).to_have_count(1)
    return chart


def _wrapped(label: str) -> re.Pattern[str]:
    """A chart label that may be wrapped onto several lines (SVG text loses the spaces)."""
    return re.compile("^" + r"\s*".join(re.escape(word) for word in label.split()) + "$")


def _check_heatmap(chart: Locator, lang: str) -> None:
    """Every KSIC division a row, labelled code and name; the overall score and four pillars."""
    qbank = default_bank()
    ticks = chart.locator("g.ytick")
    expect(ticks).to_have_count(len(reference.ksic_codes()))
    expect(ticks.first).to_have_text(re.compile(r"^C\d\d \S"))
    c29 = f"C29 {reference.label('ksic_divisions', 'C29', lang)}"
    expect(ticks.filter(has_text=c29)).to_have_count(1)
    columns = [t("results.overall", lang)] + [p.name.get(lang) for p in qbank.pillars]
    expect(chart.locator("g.xtick")).to_have_text([_wrapped(c) for c in columns])
    expect(chart.locator(".heatmaplayer")).to_have_count(1)
    expect(chart.locator(".cbtitle")).to_have_text(
        [t("overview.scale", lang, stat=t("filters.mean", lang))]
    )


def _no_staff_data(page: Page, member_name: str) -> None:
    for title in STAFF_TITLES:
        expect(page.get_by_role("heading", name=title)).to_have_count(0)
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(0)  # no heatmap, no chart at all
    expect(page.get_by_test_id("stDataFrame")).to_have_count(0)  # no member table
    expect(page.get_by_test_id("stFileUploader")).to_have_count(0)  # no upload widget
    expect(page.get_by_test_id("stDownloadButton")).to_have_count(0)  # no export
    expect(page.get_by_text(member_name)).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("로그아웃|Sign out"))).to_have_count(0)
    nav = page.get_by_test_id("stTopNavSection")
    expect(nav.filter(has_text=re.compile("협회 직원|Association staff"))).to_have_count(0)


# Runs in the page before Streamlit does: records every staff element, heading, member name or
# sign-out button that is ever added to the document, however briefly it stays.
_WATCH_FOR_STAFF_DATA = """(watch) => {
    window.__staffSeen = [];
    const ids = watch.testids.map((id) => `[data-testid="${id}"]`).join(",");
    const seen = (what) => window.__staffSeen.push(what);
    const check = (node) => {
        const text = node.textContent || "";
        watch.texts.filter((word) => text.includes(word)).forEach(seen);
        const el = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
        if (!el) return;
        if (el.matches(ids) || el.querySelector(ids)) seen(el.outerHTML.slice(0, 200));
        for (const tag of ["h1,h2,h3,h4,h5,h6", "button"]) {
            const words = tag === "button" ? watch.buttons : watch.headings;
            for (const found of [el, ...el.querySelectorAll(tag)].filter((e) => e.matches(tag))) {
                words.filter((word) => found.textContent.includes(word)).forEach(seen);
            }
        }
    };
    new MutationObserver((records) => records.forEach((record) => {
        if (record.type === "characterData") check(record.target);
        record.addedNodes.forEach(check);
    })).observe(document, {childList: true, subtree: true, characterData: true});
}"""


def _watch_for_staff_data(page: Page, member_name: str) -> None:
    watch = {
        "testids": ["stPlotlyChart", "stDataFrame", "stFileUploader", "stDownloadButton"],
        "texts": [member_name],
        "headings": STAFF_TITLES,
        "buttons": [t("staff.sign_out", lang) for lang in ("ko", "en")],
    }
    page.add_init_script(f"({_WATCH_FOR_STAFF_DATA})({json.dumps(watch, ensure_ascii=False)})")


# --- signed out ----------------------------------------------------------------------------------


def test_every_staff_page_is_in_the_signed_out_check() -> None:
    pages = {p.stem for p in (ROOT / "pages").glob("staff_*.py")} - {"staff_login"}
    assert pages <= set(STAFF_URLS), f"add {sorted(pages - set(STAFF_URLS))} to STAFF_URLS"
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    staff_section = app[app.index('t("nav.section_staff", lang)') :]
    registered = set(re.findall(r'page\(\s*"(\w+)"', staff_section)) - {"staff_login"}
    assert registered <= set(STAFF_URLS), f"add {sorted(registered - set(STAFF_URLS))}"


@pytest.mark.parametrize("slug", list(STAFF_URLS))
def test_staff_urls_lead_to_sign_in_when_signed_out(
    page: Page, app_server: str, app_engine: sa.Engine, staff_account, wait_idle, shot, slug: str
) -> None:
    """A fresh browser (no session) asks for a staff URL: the sign-in page, which keeps where it
    was going (issue #14: a shared view opens after sign-in); nothing of the staff views reaches
    the browser, not even for a moment."""
    page.set_viewport_size(DESKTOP)
    _, members = store.member_directory(engine=app_engine, limit=1)
    member_name = members[0]["name"]
    _watch_for_staff_data(page, member_name)
    page.goto(f"{app_server}{STAFF_URLS[slug]}")
    expect(
        page.get_by_role("heading", name=t("staff.login_title", "ko"), exact=True)
    ).to_be_visible()
    expect(page).to_have_url(re.compile(f"/staff_login\\?.*next={slug}"))
    expect(page.get_by_text(t("staff.sign_in_to_continue", "ko"))).to_be_visible()
    wait_idle(page)
    _no_staff_data(page, member_name)
    if slug == "staff_overview":
        shot(page, "staff-signed-out-ko")
    wait_idle(page)
    assert page.evaluate("() => window.__staffSeen") == []
    _no_staff_data(page, member_name)


# --- the analyst, in Korean ----------------------------------------------------------------------


def test_analyst_journey_ko(
    page: Page,
    app_server: str,
    app_engine: sa.Engine,
    staff_account,
    wait_idle,
    shot,
    tmp_path: Path,
) -> None:
    lang = "ko"
    page.set_viewport_size(DESKTOP)
    # Streamlit saves a table's CSV through the File System Access API where the browser has one;
    # without it (as in Firefox and Safari) it is an ordinary download that Playwright can catch.
    page.add_init_script("delete window.showSaveFilePicker;")
    qbank = default_bank()

    # Sign in: the login page hands over to the heatmap.
    _sign_in(page, app_server, lang, staff_account, wait_idle)

    # The heatmap: 25 sectors x overall + four pillars, mean by default.
    chart = _heatmap(page)
    _check_heatmap(chart, lang)
    expect(page.get_by_text(re.compile(r"^진단 [\d,]+건 · \d{4}"))).to_be_visible()
    _full_shot(page, shot, "staff-overview-ko", wait_idle)

    # Median, then the dimensions view.
    stat = page.get_by_role("radiogroup", name=t("filters.stat", lang))
    stat.get_by_role("radio", name=t("filters.median", lang)).click()
    expect(chart.locator(".cbtitle")).to_have_text(
        [t("overview.scale", lang, stat=t("filters.median", lang))]
    )
    wait_idle(page)
    view = page.get_by_role("radiogroup", name=t("overview.view", lang))
    view.get_by_role("radio", name=t("overview.view_dimensions", lang)).click()
    # Dimensions run down the page, sectors across by code (readable at 1440 px).
    dimensions = analytics.dimension_keys(qbank)
    expect(chart.locator("g.ytick")).to_have_count(len(dimensions))
    wait_idle(page)
    expect(chart.locator("g.xtick")).to_have_count(len(reference.ksic_codes()))
    expect(chart.locator(".cbtitle")).to_have_text(
        [t("overview.scale", lang, stat=t("filters.median", lang))]
    )
    first_dimension = qbank.dimension_name(*analytics.split_dimension_key(dimensions[0]), lang)
    expect(chart.locator("g.ytick").first).to_have_text(first_dimension)
    expect(chart.locator("g.xtick").first).to_have_text(re.compile(r"^C\d\d$"))
    expect(page.get_by_text(t("overview.dimension_median", lang))).to_be_visible()
    _full_shot(page, shot, "staff-overview-dimensions-ko", wait_idle)

    # A sector profile, opened from the heatmap page.
    opener = page.get_by_role("combobox", name=t("overview.open_sector", lang))
    opener.click()
    page.keyboard.type("C29")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=t("sector.title", lang), exact=True)).to_be_visible(
        timeout=SLOW_MS
    )
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"/staff_sector\?.*ksic=C29"))
    c29 = f"C29 {reference.label('ksic_divisions', 'C29', lang)}"
    expect(page.get_by_text(c29, exact=True)).to_be_visible()
    for key in ("sector.distributions", "sector.funnel", "sector.trend", "sector.quadrant"):
        expect(page.get_by_role("heading", name=t(key, lang), exact=True)).to_be_visible()
    charts = page.get_by_test_id("stPlotlyChart")
    expect(charts).to_have_count(4)
    expect(charts.nth(0).locator("g.trace.boxes")).to_have_count(5)  # overall + four pillars
    expect(charts.nth(1).locator("g.trace")).not_to_have_count(0)  # the stage funnel
    expect(charts.nth(2).locator("g.scatterlayer g.trace")).to_have_count(5)  # one line each
    expect(charts.nth(3).locator("g.scatterlayer .point")).not_to_have_count(0)
    for key in ("sector.strongest", "sector.weakest"):
        expect(page.get_by_role("heading", name=t(key, lang), exact=True)).to_be_visible()
    expect(page.get_by_test_id("stDataFrame")).not_to_have_count(0)
    _full_shot(page, shot, "staff-sector-ko", wait_idle)

    # Two waves compared: the newest against the one before.
    waves = store.summary(engine=app_engine).waves
    assert len(waves) >= 2, waves
    newest, previous = str(waves[-1]), str(waves[-2])
    _open_staff_page(page, lang, "nav.staff_compare", "compare.title", wait_idle)
    wave_boxes = page.get_by_role("combobox", name=t("filters.wave", lang))
    expect(wave_boxes).to_have_count(2)
    _choose(page, wave_boxes.nth(0), newest)
    expect(wave_boxes.nth(0)).to_have_value(newest)
    wait_idle(page)
    _choose(page, wave_boxes.nth(1), previous)
    expect(wave_boxes.nth(1)).to_have_value(previous)
    wait_idle(page)
    names = page.get_by_role("textbox", name=t("compare.name", lang))
    for box, name in ((names.nth(0), f"{newest}년 회원사"), (names.nth(1), f"{previous}년 회원사")):
        box.fill(name)
        box.press("Enter")
        legend = page.get_by_test_id("stPlotlyChart").locator("g.legend")
        expect(legend.filter(has_text=name)).to_be_visible()
        wait_idle(page)
        expect(legend).to_have_count(1)
    comparison = page.get_by_test_id("stPlotlyChart")
    expect(comparison).to_have_count(1)
    expect(comparison.locator("g.trace.bars")).to_have_count(2)
    expect(comparison.locator("g.trace.bars").first.locator("g.point")).to_have_count(5)
    expect(comparison.locator("g.xtick").first).to_contain_text(t("results.overall", lang))
    expect(page.get_by_test_id("stDataFrame")).to_have_count(1)
    _full_shot(page, shot, "staff-compare-ko", wait_idle)

    # Import: a Korean Excel CSV with three errors is checked and nothing is written.
    _open_staff_page(page, lang, "nav.staff_data", "data.title", wait_idle)
    before = store.summary(engine=app_engine).companies
    bad = tmp_path / "회원사_가져오기.csv"
    bad.write_bytes(_member_csv(with_errors=True))
    page.locator("input[type=file]").set_input_files(bad)
    expect(page.get_by_text(t("data.has_errors", lang, n="3"))).to_be_visible(timeout=SLOW_MS)
    wait_idle(page)
    apply = page.get_by_role("button", name=t("data.apply", lang), exact=True)
    expect(apply).to_be_disabled()
    expect(page.get_by_text(t("data.problems", lang))).to_be_visible()
    # The problems are a wrapping table (long messages are never cut): read it as shown.
    problems = page.get_by_test_id("stTable").first
    header = [h.strip() for h in problems.locator("thead th").all_inner_texts()]
    listed = []
    for row in problems.locator("tbody tr").all():
        cells = [c.strip() for c in row.locator("th, td").all_inner_texts()]
        listed.append(dict(zip(header[-len(cells) :], cells, strict=True)))
    found = {(int(r["행"]), r["열"]): r for r in listed}
    assert set(found) == {(3, "사업자등록번호"), (4, "업종코드"), (5, "EXP01")}, listed
    assert all(r["구분"] == "오류" for r in listed), listed
    assert "검증 번호" in found[(3, "사업자등록번호")]["내용"]
    assert "C99" in found[(4, "업종코드")]["내용"]
    assert "0-5" in found[(5, "EXP01")]["내용"]
    assert store.summary(engine=app_engine).companies == before
    for name in IMPORTED:
        assert store.member_directory(engine=app_engine, search=name)[0] == 0, name
    _full_shot(page, shot, "staff-data-errors-ko", wait_idle)

    # The corrected file: four new members with their results, imported in one click.
    fixed = tmp_path / "회원사_가져오기_수정.csv"
    fixed.write_bytes(_member_csv(with_errors=False))
    page.locator("input[type=file]").set_input_files(fixed)
    new_members = page.get_by_test_id("stMetric").filter(has_text=t("data.create", lang))
    expect(new_members).to_contain_text("4", timeout=SLOW_MS)
    wait_idle(page)
    expect(page.get_by_text(re.compile("문제 .*건이 있어"))).to_have_count(0)
    expect(apply).to_be_enabled()
    _full_shot(page, shot, "staff-data-preview-ko", wait_idle)
    apply.click()
    done = t("data.imported", lang, created="4", updated="0", results="4")
    expect(page.get_by_text(done)).to_be_visible(timeout=SLOW_MS)
    wait_idle(page)
    assert store.summary(engine=app_engine).companies == before + 4
    for name in IMPORTED:
        total, rows = store.member_directory(engine=app_engine, search=name)
        assert total == 1 and rows[0]["name"] == name and rows[0]["latest_wave"] == 2026, rows
        assert not rows[0]["synthetic"]
    _full_shot(page, shot, "staff-data-imported-ko", wait_idle)

    # Export: the member directory as Excel, Korean headers, the formula neutralised.
    page.get_by_role("tab", name=t("data.export_tab", lang)).click()
    kind = page.get_by_role("radiogroup", name=t("data.export_kind", lang))
    expect(kind.get_by_role("radio", name=t("data.kind_members", lang))).to_be_checked()
    wait_idle(page)
    _full_shot(page, shot, "staff-data-export-ko", wait_idle)
    with page.expect_download(timeout=SLOW_MS) as download_info:
        page.get_by_role("button", name=t("data.download_xlsx", lang)).click()
    download = download_info.value
    assert download.suggested_filename == "readiness-members.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    sheet = workbook.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = rows[0]
    for column in ("회사명", "사업자등록번호", "업종코드", "종업원수", "지역"):
        assert column in header, header
    names = [r[header.index("회사명")] for r in rows[1:]]
    assert len(names) == before + 4
    for name in IMPORTED[:3]:
        assert name in names
    # A string cell, as typed: shown as text, never run as a formula (no formula cell below).
    assert FORMULA_NAME in names and "'" + FORMULA_NAME not in names
    assert not [c.coordinate for r in sheet.iter_rows() for c in r if c.data_type == "f"], (
        "the export holds formulas"
    )
    cells = [c for r in sheet.iter_rows() for c in r if c.value == FORMULA_NAME]
    assert cells and all(c.data_type == "s" for c in cells)

    # The new members in the directory.
    _open_staff_page(page, lang, "nav.staff_members", "members.title", wait_idle)
    page.get_by_role("textbox", name=t("members.search", lang)).fill(MARK)
    page.keyboard.press("Enter")
    expect(page.get_by_text(t_count("members.count", lang, 3))).to_be_visible()
    wait_idle(page)
    _full_shot(page, shot, "staff-members-ko", wait_idle)

    # The cluster builder and the workshops, for the record of every staff page.
    _open_staff_page(page, lang, "nav.staff_clusters", "clusters.title", wait_idle)
    _full_shot(page, shot, "staff-clusters-ko", wait_idle)
    _open_staff_page(page, lang, "nav.staff_workshops", "workshops.title", wait_idle)
    _full_shot(page, shot, "staff-workshops-ko", wait_idle)

    # Sign out: the staff section and its pages are gone.
    page.get_by_role("button", name=t("staff.sign_out", lang)).click()
    expect(page.get_by_role("link", name=t("nav.staff_login", lang))).to_be_visible(timeout=SLOW_MS)
    wait_idle(page)
    expect(page.get_by_role("heading", name=t("members.title", lang))).to_have_count(0)
    _no_staff_data(page, IMPORTED[0])


# --- the heatmap, in English ---------------------------------------------------------------------


def test_sign_in_and_heatmap_en(
    page: Page, app_server: str, staff_account, wait_idle, shot
) -> None:
    lang = "en"
    page.set_viewport_size(DESKTOP)
    _sign_in(page, app_server, lang, staff_account, wait_idle)
    _check_heatmap(_heatmap(page), lang)
    expect(page.get_by_text(re.compile(r"^[\d,]+ assessments · \d{4}"))).to_be_visible()
    _full_shot(page, shot, "staff-overview-en", wait_idle)
    page.get_by_role("button", name=t("staff.sign_out", lang)).click()
    expect(page.get_by_role("link", name=t("nav.staff_login", lang))).to_be_visible(timeout=SLOW_MS)
    wait_idle(page)
    expect(page.get_by_test_id("stTopNavSection")).to_have_count(0)


# --- instrument health, in both languages, desktop and phone -------------------------------------


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_instrument_health_shows_alpha_per_pillar(
    page: Page, app_server: str, staff_account, wait_idle, shot, lang: str
) -> None:
    page.set_viewport_size(DESKTOP)
    _sign_in(page, app_server, lang, staff_account, wait_idle)
    _open_staff_page(page, lang, "instrument.nav", "instrument.title", wait_idle)
    expect(page.get_by_text(t("instrument.alpha_title", lang), exact=True)).to_be_visible()
    expect(page.get_by_text(t("instrument.corr_title", lang), exact=True)).to_be_visible()
    _full_shot(page, shot, f"i10-staff-instrument-{lang}", wait_idle)
    page.set_viewport_size({"width": 390, "height": 2400})
    wait_idle(page)
    shot(page, f"i10-staff-instrument-{lang}-phone")
    page.set_viewport_size(DESKTOP)
