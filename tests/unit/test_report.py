"""The CEO's PDF report: parses, speaks the reader's language, embeds its Hangul font, hides small
peer groups, survives long text and labels synthetic data."""

from __future__ import annotations

import ast
import io
import re
import string
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pypdf
import pytest
import sqlalchemy as sa

from readiness import report, store
from readiness.advice import next_steps
from readiness.bank import Bank, default_bank
from readiness.clusters import Cover, Match
from readiness.db import make_engine, upgrade
from readiness.i18n import Message, catalog
from readiness.paths import DATA_DIR
from readiness.profile import CompanyProfile
from readiness.report import build_report
from readiness.report.canvas import FONT_DIR, FONT_FILES
from readiness.report.data import (
    FALLBACKS,
    AgendaRow,
    MemberRow,
    NextStepRow,
    PartnerRow,
    PeerBlock,
    PeerFigures,
    PillarResult,
    ProgressRow,
    ReportData,
    StageBand,
    WeakLink,
    member_row,
    next_step_row,
    report_data,
    weak_link,
)
from readiness.results import CompanyResults, company_results, weakest_items

COMPANY = "한빛정밀㈜ 테스트"
PILLAR_NAMES = {
    "ko": ("수출 준비도", "제조의 서비스화", "AI·스마트공장", "가치사슬 협업"),
    "en": (
        "Export readiness",
        "Servitization",
        "AI and smart factory",
        "Value-chain collaboration",
    ),
}
PILLAR_IDS = ("EXP", "SRV", "AI", "COL")
MEMBERS = {
    "ko": (
        MemberRow(
            name="대성부품㈜",
            roles="부품·모듈, 유통·수출",
            fit=0.82,
            reasons=(
                "부품·모듈 역할로 우리 회사의 완제품 역할을 보완하고, AI·스마트공장 78점으로 "
                "우리 회사의 약점(23점)을 메웁니다.",
                "가치사슬 협업 71점으로 약점(37점)도 메웁니다.",
            ),
        ),
        MemberRow(
            name="C25 금속가공제품 · 10-49명 · 경기도",
            roles="사후 서비스",
            fit=0.64,
            reasons=("사후 서비스 역할을 더하고, 제조의 서비스화 66점의 강점을 더합니다.",),
        ),
    ),
    "en": (
        MemberRow(
            name="Daesung Parts Co.",
            roles="Parts and components, Distribution and export",
            fit=0.82,
            reasons=(
                "Brings Parts and components next to your Final product role, and its AI and "
                "smart factory score of 78 covers your weak spot (23).",
                "Its Value-chain collaboration score of 71 also covers your weak spot (37).",
            ),
        ),
        MemberRow(
            name="C25 Fabricated metal products · 10-49 employees · Gyeonggi-do",
            roles="After-sales service",
            fit=0.64,
            reasons=(
                "Brings the After-sales service role, and adds strength in Servitization (66).",
            ),
        ),
    ),
}


def sample(lang: str = "ko", **changes: object) -> ReportData:
    """A full report: peers shown, three next steps, progress, partners and members."""
    names = PILLAR_NAMES[lang]
    ko = lang == "ko"
    pillars = tuple(
        PillarResult(
            id=pid,
            name=name,
            score=score,
            completeness=1.0,
            weakest=WeakLink(text=f"{name} 핵심 문항" if ko else f"{name} key question", level=1),
        )
        for pid, name, score in zip(PILLAR_IDS, names, (58.0, 41.0, 23.0, 37.0), strict=True)
    )
    peers = PeerBlock(
        group="C29 기타 기계 및 장비 × 50-299명 · 2025" if ko else "C29 Machinery × 50-299 · 2025",
        n=37,
        fallback="division_size",
        overall_percentile=64.0,
        pillars={
            pid: PeerFigures(percentile=pct, median=med, p75=p75)
            for pid, pct, med, p75 in zip(
                PILLAR_IDS, (71, 52, 38, 47), (49, 39, 27, 35), (66, 52, 41, 49), strict=True
            )
        },
    )
    steps = tuple(
        NextStepRow(
            pillar=names[2],
            dimension=f"영역 {n}" if ko else f"area {n}",
            score=20.0,
            target=41.0,
            item_text="ERP·MES 등 정보시스템은 어떻게 연결돼 있습니까?" if ko else "How connected?",
            level=1,
            level_text="엑셀과 종이로 관리한다." if ko else "Excel and paper.",
            action="클라우드 ERP를 도입한다." if ko else "Adopt a cloud ERP.",
        )
        for n in (1, 2, 3)
    )
    data = ReportData(
        company=COMPANY,
        division="C29 기타 기계 및 장비 제조업" if ko else "C29 Other machinery and equipment",
        size_band="50-299명" if ko else "50-299 employees",
        region="경기" if ko else "Gyeonggi",
        wave=2025,
        mode="full",
        submitted=date(2025, 5, 12),
        synthetic=False,
        bank_version="1.0",
        overall=39.75,
        stage_id="promising",
        stage_name="유망" if ko else "Promising",
        stage_description="기본 체계는 있습니다." if ko else "The basics exist.",
        pillars=pillars,
        peers=peers,
        next_steps=steps,
        progress=tuple(
            ProgressRow(pillar=name, previous=prev, current=p.score, previous_wave=2024)
            for name, prev, p in zip(names, (50.0, 41.0, 30.0, 37.0), pillars, strict=True)
        ),
        partners=(
            PartnerRow(name="수출대행사" if ko else "Export agent", fit=0.8, reasons=("a",)),
        ),
        members=MEMBERS[lang],
        stages=tuple(
            StageBand(id=sid, name=sid, min=low)
            for sid, low in (("beginner", 0), ("promising", 25), ("leading", 50), ("champion", 75))
        ),
    )
    return replace(data, **changes)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def ko_pdf() -> bytes:
    return build_report(sample("ko"), "ko")


@pytest.fixture(scope="module")
def en_pdf() -> bytes:
    return build_report(sample("en"), "en")


def pages_text(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [page.extract_text() for page in reader.pages]


def test_korean_report_parses_with_the_company_name_and_korean_labels(ko_pdf: bytes) -> None:
    pages = pages_text(ko_pdf)
    text = "\n".join(pages)
    assert 1 <= len(pages) <= 4
    assert COMPANY in pages[0]
    for label in (
        "종합 점수",
        "기둥별 점수",
        "동종 기업 비교",
        "다음에 할 일",
        "지난 진단 대비 변화",
    ):
        assert label in text
    assert "Overall score" not in text and "Next steps" not in text


def test_english_report_uses_english_labels(en_pdf: bytes) -> None:
    pages = pages_text(en_pdf)
    text = "\n".join(pages)
    assert 1 <= len(pages) <= 4
    assert COMPANY in pages[0]
    for label in ("Overall score", "Scores by pillar", "Peer comparison", "Next steps", "top 29%"):
        assert label in text
    assert "종합 점수" not in text and "다음에 할 일" not in text


def test_every_page_is_numbered_out_of_the_total(en_pdf: bytes) -> None:
    pages = pages_text(en_pdf)
    for number, text in enumerate(pages, start=1):
        assert f"{number} / {len(pages)}" in text
        assert "Scores computed with the published method" in text


def test_nanum_gothic_from_data_fonts_is_embedded(ko_pdf: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(ko_pdf))
    embedded: set[str] = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            if "/FontFile2" in descendant["/FontDescriptor"].get_object():
                embedded.add(str(font["/BaseFont"]))
    assert any(name.endswith("+NanumGothic") for name in embedded), embedded
    assert any("NanumGothicBold" in name for name in embedded), embedded
    assert FONT_DIR == DATA_DIR / "fonts"
    for filename in (*FONT_FILES.values(), "OFL.txt", "README.md"):
        assert (FONT_DIR / filename).is_file(), filename


def test_suppressed_peer_group_prints_not_shown_instead_of_figures() -> None:
    text = "\n".join(pages_text(build_report(sample("ko", peers=None), "ko")))
    assert "n < 5, 표시하지 않음" in text
    assert "비교 그룹:" not in text
    assert "상위 29%" not in text


def test_a_suppressed_figure_prints_not_shown_in_its_cells() -> None:
    peers = sample("en").peers
    assert peers is not None
    figures = dict(peers.pillars) | {"AI": PeerFigures()}  # n < 5 for this pillar
    data = sample("en", peers=replace(peers, pillars=figures, fallback="division"))
    text = "\n".join(pages_text(build_report(data, "en")))
    # bar value, radar legend (x2), bar legend (none: other pillars still show), table cells (x3)
    assert text.count("n < 5, not shown") >= 5
    assert "Peer group: C29 Machinery" in text
    assert "compared with the whole industry" in text


def test_very_long_company_name_and_item_texts_still_make_a_valid_pdf() -> None:
    long_name = "한빛정밀㈜ 글로벌초정밀가공시스템솔루션 " * 12
    base = sample("ko")
    steps = tuple(
        replace(s, item_text=s.item_text * 6, action=s.action * 8, level_text=s.level_text * 5)
        for s in base.next_steps
    )
    pillars = tuple(
        replace(p, name=p.name * 3, weakest=WeakLink(text="아주 긴 핵심 문항 " * 20, level=0))
        for p in base.pillars
    )
    data = replace(base, company=long_name, next_steps=steps, pillars=pillars, region="경기 " * 40)
    pages = pages_text(build_report(data, "ko"))
    assert 1 <= len(pages) <= 5  # the members section may move to a page of its own
    assert "한빛정밀㈜ 글로벌초정밀가공시스템솔루션" in pages[0]
    assert "…" in pages[0]  # the title is cut to two lines


def test_synthetic_report_is_labelled_on_every_page() -> None:
    pages = pages_text(build_report(sample("ko", synthetic=True), "ko"))
    assert len(pages) >= 2
    assert all("합성 데모 데이터" in text for text in pages)
    en_pages = pages_text(build_report(sample("en", synthetic=True), "en"))
    assert all("Synthetic demo data" in text for text in en_pages)
    real = "\n".join(pages_text(build_report(sample("ko", synthetic=False), "ko")))
    assert "합성 데모 데이터" not in real


def test_company_name_is_printed_as_plain_text() -> None:
    name = "{nb} **굵게** <b>x</b> __y__"
    text = "\n".join(pages_text(build_report(sample("ko", company=name), "ko")))
    assert name in text


def test_progress_shows_direction_in_signs_not_only_colour(en_pdf: bytes) -> None:
    text = "\n".join(pages_text(en_pdf))
    assert "+8 ▲" in text  # EXP: 50 -> 58
    assert "-7 ▼" in text  # AI: 30 -> 23
    assert "0 =" in text  # SRV: 41 -> 41


def test_quick_scan_and_empty_sections_still_render() -> None:
    data = sample(
        "en", mode="quick", next_steps=(), progress=(), partners=(), members=(), stages=()
    )
    text = "\n".join(pages_text(build_report(data, "en")))
    assert "Quick scan" in text
    assert "No next step to suggest" in text
    assert "Progress since the last assessment" not in text


def test_members_print_their_names_roles_and_reasons(ko_pdf: bytes, en_pdf: bytes) -> None:
    text = "\n".join(pages_text(ko_pdf))
    assert "함께 나갈 수 있는 회원사" in text
    assert "추천에 동의한 회원사만 보이며" in text
    assert "대성부품㈜" in text and "C25 금속가공제품" in text
    assert "우리 회사의 약점(23점)을 메웁니다." in text  # the first reason, the page's sentence
    assert "약점(37점)도 메웁니다." not in text
    assert "82%" in text and "부품·모듈, 유통·수출" in text
    en = "\n".join(pages_text(en_pdf))
    assert "Members to go abroad with" in en and "Daesung Parts Co." in en


def test_without_members_there_is_no_members_section() -> None:
    for lang, title in (("ko", "함께 나갈 수 있는 회원사"), ("en", "Members to go abroad with")):
        text = "\n".join(pages_text(build_report(sample(lang, members=()), lang)))
        assert title not in text
        assert "Daesung" not in text and "대성부품" not in text


def test_one_sentence_per_member_as_on_the_page_and_long_text_wraps() -> None:
    member = MemberRow(
        name="한빛초정밀글로벌솔루션부품가공㈜ " * 6,
        roles="부품·모듈, 유통·수출, 사후 서비스, 플랫폼·소프트웨어",
        fit=1.4,  # clamped
        reasons=tuple(f"이유 {n}: " + "아주 긴 추천 이유 문장입니다 " * 12 for n in range(1, 6)),
    )
    data = sample("ko", members=(member,) * 3)
    pages = pages_text(build_report(data, "ko"))
    text = "\n".join(pages)
    assert 1 <= len(pages) <= 5
    assert "이유 1:" in text and "이유 2:" not in text  # the page's one sentence, no list
    assert "100%" in text and "140%" not in text
    assert all(f"{n} / {len(pages)}" in page for n, page in enumerate(pages, start=1))


def test_a_member_is_named_only_by_its_display_name() -> None:
    """Consent: a member that did not agree to be named reaches the report by its neutral label."""
    real_name = "세진금속공업㈜"
    label = "C25 금속가공제품 · 10-49명 · 경기도"
    match = Match(
        display_name=label,
        named=False,
        ksic="C25",
        size_band="10-49",
        region="41",
        roles=("components", "distribution_export"),
        products=f"{real_name} 정밀 프레스 부품",  # not public: a company viewer never gets it
        score=0.71,
        role_fit=1.0,
        strength=0.78,
        shared_markets=("VN",),
        covers=(Cover(pillar="AI", theirs=78, ours=23),),
        reasons=(
            Message(
                "match_reason.also_covers_weak",
                {"pillar": "AI·스마트공장", "theirs": 78, "ours": 23},
            ),
        ),
        synthetic=False,
    )
    row = member_row(match, "ko")
    assert row == MemberRow(
        name=label,
        roles="부품·모듈, 유통·수출",
        fit=0.71,
        reasons=("AI·스마트공장 78점으로 약점(23점)도 메웁니다.",),
    )
    pdf = build_report(sample("ko", members=(row,)), "ko")
    text = " ".join(" ".join(pages_text(pdf)).split())  # the label may wrap in its cell
    assert label in text
    assert real_name not in text and "프레스" not in text


def test_report_data_rejects_what_the_report_cannot_print() -> None:
    with pytest.raises(ValueError, match="mode"):
        sample("ko", mode="slow")
    with pytest.raises(ValueError, match="next steps"):
        sample("ko", next_steps=sample("ko").next_steps * 2)
    with pytest.raises(ValueError, match="fallback"):
        PeerBlock(group="g", n=5, fallback="nearby")  # type: ignore[arg-type]


def _keys_used_in_report() -> set[str]:
    """Literal keys passed to the report's w_() and headings(), plus the fallback keys, as keys
    of the i18n catalogs ("report.<key>")."""
    keys = {f"fallback_{f}" for f in FALLBACKS}
    for path in Path(report.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            literals = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if node.func.attr == "w_":
                keys |= set(literals[:1])
            elif node.func.attr == "headings":
                keys |= set(literals)
    return {f"report.{key}" for key in keys}


def test_report_words_are_in_every_catalog_with_the_same_placeholders() -> None:
    ko, en = catalog("ko"), catalog("en")
    used = _keys_used_in_report()
    assert len(used) > 40
    assert used <= set(ko), sorted(used - set(ko))
    assert used <= set(en), sorted(used - set(en))

    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    for key in used:
        assert fields(ko[key]) == fields(en[key]), key


def test_weak_link_is_the_lowest_critical_item(tiny_bank: Bank) -> None:
    answers = {"XA01": 4, "XA02": 1, "XA03": 0, "XA04": 0}  # XA03, XA04 are not critical
    weakest = weakest_items(tiny_bank, answers)
    assert weak_link(weakest["XA"], "en") == WeakLink(text="question 2", level=1)
    assert weakest["XB"] is None and weak_link(weakest["XB"], "en") is None


def test_next_step_row_puts_advice_into_words(tiny_bank: Bank) -> None:
    answers = {f"{p}0{n}": 2 for p in ("XA", "XB") for n in (1, 2, 3, 4)}
    step = next_steps(tiny_bank, answers, limit=1)[0]
    row = next_step_row(tiny_bank, step, "ko")
    assert row.pillar == tiny_bank.pillar(step.pillar).name.ko
    assert row.level == 2
    assert row.level_text == "level 2 (ko)"
    assert row.action == "from 2 to 3 (ko)"
    assert row.item_text.startswith("question")


# --- report data of stored v2 assessments (issue #10) -------------------------------------------

ITEM_CODE = re.compile(r"\b(EXP|SRV|AI|COL)\d{2}\b")


def _squeezed(text: str) -> str:
    """Text without whitespace: a PDF wraps lines anywhere, Hangul between any two syllables."""
    return re.sub(r"\s", "", text)


@pytest.fixture(scope="module")
def v2_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('report') / 'db.sqlite3'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def _stored_results(
    engine: sa.Engine,
    *,
    ksic: str,
    roles: list[str],
    mode: str,
    answers: dict[str, int | None],
    lang: str = "ko",
) -> CompanyResults:
    """A member's submitted assessment with the current bank, as the results page reads it."""
    bank = default_bank()
    profile = CompanyProfile(
        name=f"{ksic} {'-'.join(roles)} {mode} {len(answers)}",
        ksic=ksic,
        employees=45,
        region="41",
        export_share=0.1,
        markets=["US"],
        roles=roles,
    )
    first = store.NewAssessment(wave=2026, mode=mode, bank=bank)
    company, _ = store.create_company(engine=engine, profile=profile, first=first)
    draft = store.open_draft(engine=engine, company_id=company.id)
    store.submit_assessment(engine=engine, bank=bank, assessment_id=draft.id, answers=answers)
    history = store.assessments_of(engine=engine, company_id=company.id)
    return company_results(
        engine=engine,
        bank=bank,
        company=company,
        assessment=history[0],
        submitted=history,
        norm_frame=store.norm_frame(engine=engine, wave=2026, mode=mode),
        members=[],
        lang=lang,
    )


def _srv_offering_lowest() -> dict[str, int | None]:
    """Every item at level 3, the service offering (critical) at 0: its step comes first."""
    answers: dict[str, int | None] = {i.id: 3 for i in default_bank().items}
    answers["SRV01"] = 0
    return answers


@pytest.mark.parametrize(
    ("ksic", "roles", "segment"),
    [("C30", ["components"], "component"), ("C29", ["final_product"], "equipment")],
)
def test_report_words_next_steps_and_weak_links_as_the_segment_reads_them(
    v2_engine: sa.Engine, ksic: str, roles: list[str], segment: str
) -> None:
    results = _stored_results(
        v2_engine, ksic=ksic, roles=roles, mode="full", answers=_srv_offering_lowest()
    )
    assert results.segment == segment
    data = report_data(results, results.bank, "ko")
    seen = default_bank().item_view("SRV01", segment)
    step = data.next_steps[0]
    assert step.item_text == seen.text.get("ko")
    assert (step.level, step.level_text) == (0, seen.levels[0].get("ko"))
    assert step.action == seen.actions[0].get("ko")
    srv = next(p for p in data.pillars if p.id == "SRV")
    assert srv.weakest == WeakLink(text=seen.text.get("ko"), level=0)
    text = "\n".join(pages_text(build_report(data, "ko")))
    assert _squeezed(seen.text.get("ko")) in _squeezed(text)
    assert not ITEM_CODE.search(text)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_report_of_a_pillar_short_of_levels_has_no_overall_and_says_what_is_missing(
    v2_engine: sa.Engine, lang: str
) -> None:
    bank = default_bank()
    srv = bank.items_of("SRV")
    answers: dict[str, int | None] = {i.id: 3 for i in bank.items if i.pillar != "SRV"}
    answers.update({i.id: 2 for i in srv[:4]})  # four of eight: six are needed
    results = _stored_results(
        v2_engine, ksic="C29", roles=["final_product"], mode="full", answers=answers, lang=lang
    )
    data = report_data(results, results.bank, lang)
    assert data.overall is None and data.stage_id is None
    assert data.stage_name == catalog(lang)["report.no_stage"]
    by_id = {p.id: p for p in data.pillars}
    assert by_id["SRV"].score is None and by_id["SRV"].missing == 2
    assert by_id["EXP"].score == pytest.approx(60.0) and by_id["EXP"].missing == 0
    assert data.missing == (by_id["SRV"],)
    assert data.peers is None or (
        data.peers.overall_percentile is None
        and all(data.peers.figures(p).percentile is None for p in PILLAR_IDS)
    )
    words = catalog(lang)
    pillar = by_id["SRV"].name
    named = words["report.missing_pillar"].format(pillar=pillar, n=2)
    text = _squeezed("\n".join(pages_text(build_report(data, lang))))
    assert _squeezed(words["report.missing_overall"].format(pillars=named)) in text
    assert _squeezed(words["report.no_score_missing"].format(n=2)) in text
    assert _squeezed(words["report.no_stage"]) in text


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_report_of_a_quick_scan_is_labelled_indicative(v2_engine: sa.Engine, lang: str) -> None:
    bank = default_bank()
    answers: dict[str, int | None] = {i: 5 for i in bank.item_ids(quick_only=True)}
    results = _stored_results(
        v2_engine, ksic="C20", roles=["final_product"], mode="quick", answers=answers, lang=lang
    )
    data = report_data(results, results.bank, lang)
    assert data.indicative and data.stage_id == "leading"
    assert data.max_stage == bank.stage("leading").name.get(lang)
    assert data.full_items == len(bank.item_ids())
    words = catalog(lang)
    text = _squeezed("\n".join(pages_text(build_report(data, lang))))
    assert _squeezed(words["report.indicative_title"]) in text
    note = words["report.quick_note"].format(max_stage=data.max_stage, n=data.full_items)
    assert _squeezed(note) in text
    assert _squeezed(words["report.mode_quick"]) in text


def test_report_shows_market_and_capability_partners_apart(v2_engine: sa.Engine) -> None:
    answers: dict[str, int | None] = {i.id: 1 for i in default_bank().items}
    results = _stored_results(
        v2_engine, ksic="C30", roles=["components"], mode="full", answers=answers, lang="en"
    )
    assert results.top_partners and results.capability_partners
    data = report_data(results, results.bank, "en")
    assert [p.name for p in data.partners] == [s.name for s in results.top_partners]
    assert [p.name for p in data.capability_partners] == [
        s.name for s in results.capability_partners
    ]
    assert {s.group for s in results.top_partners} == {"market"}
    assert {s.group for s in results.capability_partners} == {"capability"}
    text = "\n".join(pages_text(build_report(data, "en")))
    market = text.index(catalog("en")["report.partners_market_title"])
    capability = text.index(catalog("en")["report.partners_capability_title"])
    assert market < capability
    assert _squeezed(data.capability_partners[0].name) in _squeezed(text[capability:])


def test_a_team_result_gets_a_page_for_its_divergence_agenda() -> None:
    row = AgendaRow(
        item="COL03  Data sharing", answers="CTO: 1\n<b>Export</b>: 5", team="1", spread=4
    )
    for lang, title in (
        ("ko", "다음 경영회의 안건"),
        ("en", "Agenda for the next management meeting"),
    ):
        plain_pages = pages_text(build_report(sample(lang), lang))
        assert title not in "\n".join(plain_pages)
        team_pages = pages_text(build_report(sample(lang, agenda=(row,)), lang))
        assert len(team_pages) == len(plain_pages) + 1
        agenda_page = next(p for p in team_pages if title in p)
        assert "COL03" in agenda_page and "<b>Export</b>: 5" in agenda_page
        calm = pages_text(build_report(sample(lang, agenda=()), lang))
        assert any(title in p for p in calm) and "COL03" not in "\n".join(calm)
