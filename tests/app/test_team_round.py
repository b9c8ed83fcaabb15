"""The management team answers together: the CEO invites two colleagues, each answers through
their own link in a session of their own, the CEO closes, and the consensus is the result."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pypdf
from streamlit.testing.v1 import AppTest

from components.widgets import plain
from readiness import store
from readiness.bank import default_bank
from readiness.i18n import t
from readiness.report import report_pdf
from readiness.report.data import report_data
from readiness.results import company_results
from readiness.team import consensus
from tests.app.test_journey import _engine, _start

# Two colleagues on the collaboration pillar: they differ by 3, 3 and 4 levels on its first
# three items, and by at most one level on the others.
CTO_LEVELS = [1, 1, 1, 3, 3, 3, 3, 3]
EXPORT_LEVELS = [4, 4, 5, 3, 3, 3, 2, 2]


def _open(make_app: Callable[..., AppTest], param: str, token: str) -> AppTest:
    at = make_app("ko")
    at.query_params[param] = token
    at.run()
    return at.switch_page("pages/team.py").run()


def _round_opened(make_app: Callable[..., AppTest]) -> tuple[AppTest, str]:
    """A new company's CEO on the team page, a round just opened; and the company's token."""
    _, token = _start(make_app)
    ceo = _open(make_app, "c", token)
    assert not ceo.exception
    ceo.button(key="team_open_go").click().run()
    return ceo, token


def _invite(at: AppTest, role: str, name: str) -> str:
    at.text_input(key="team_role").input(role)
    at.text_input(key="team_name").input(name)
    at.multiselect(key="team_pillars").set_value(["COL"])
    at.button(key="team_invite_go").click().run()
    assert not at.exception
    link = str(at.code[0].value)
    assert at.text_input(key="team_role").value == ""  # cleared for the next colleague
    assert at.multiselect(key="team_pillars").value == default_bank().pillar_ids
    assert "/team?t=" in link and "c=" not in link
    at.button(key="team_link_done").click().run()
    assert not at.code  # shown once
    return re.search(r"[?&]t=([^&]+)", link).group(1)  # type: ignore[union-attr]


def _answer(at: AppTest, levels: list[int]) -> None:
    radios = [r for r in at.radio if str(r.key).startswith("t_")]
    items = [i.id for i in default_bank().items_of("COL")]
    assert [str(r.key).rsplit("_", 1)[1] for r in radios] == items  # the assigned pillar only
    for radio, level in zip(radios, levels, strict=True):
        radio.set_value(level)
    at.run()
    assert not at.exception
    at.button(key="team_send").click().run()
    assert at.success[0].value == t("team.sent_note", "ko")


def test_the_team_answers_apart_and_the_consensus_becomes_the_result(
    make_app: Callable[..., AppTest],
) -> None:
    ceo, token = _round_opened(make_app)
    cto_token = _invite(ceo, "CTO", "<b>김철수</b>")
    export_token = _invite(ceo, "수출 담당", "이영희")

    cto = _open(make_app, "t", cto_token)
    assert not cto.exception
    assert "c" not in cto.query_params and not cto.code  # never the company's link
    assert t("team.member_lead", "ko") in [m.value for m in cto.markdown]  # what this link is
    _answer(cto, CTO_LEVELS)
    export = _open(make_app, "t", export_token)
    _answer(export, EXPORT_LEVELS)
    # Before the round closes, a colleague sees only their own answers: no team view.
    assert not export.table and not export.dataframe
    assert [r.value for r in export.radio if str(r.key).startswith("t_")] == EXPORT_LEVELS

    ceo.run()
    members = ceo.table[0].value
    assert list(members.iloc[:, 1]) == [
        plain(t("team.status_not_started", "ko")),
        plain(t("team.status_sent", "ko")),
        plain(t("team.status_sent", "ko")),
    ]
    # A name is shown as typed (Markdown made inert), never as HTML.
    assert plain("CTO (<b>김철수</b>)") in list(members.iloc[:, 0])
    ceo.checkbox(key="team_close_confirm").check().run()
    ceo.button(key="team_close").click().run()
    assert not ceo.exception

    agenda = [c.key for c in ceo.get("flex_container") if str(c.key).startswith("team_agenda_")]
    # The team's answer per question: one table per pillar answered, a row per question.
    (table,) = ceo.table
    rows = table.value
    assert len(rows) == 8 and rows.index[0].startswith("COL01 · ")
    answers = "CTO (<b>김철수</b>) 1 · 수출 담당 (이영희) 4"
    assert rows.iloc[0].tolist()[1:] == [plain(answers, limit=600), "3"]  # Markdown made inert
    # Most important first (COL01-03 weigh the same), then the widest spread.
    assert [str(k).removeprefix("team_agenda_") for k in agenda] == ["COL03", "COL01", "COL02"]

    company = store.company_by_token(engine=_engine(), token=token)
    assert company is not None
    team_round = store.latest_team_round(engine=_engine(), company_id=company.id)
    assert team_round is not None and team_round.assessment_id is not None
    result = store.answers_of(engine=_engine(), assessment_id=team_round.assessment_id)
    responses = store.team_responses(engine=_engine(), round_id=team_round.id)
    items = [i.id for i in default_bank().items_of("COL")]
    assert result == consensus(default_bank(), responses)
    assert result == dict(zip(items, [1, 1, 1, 3, 3, 3, 2, 2], strict=True))
    submitted = [
        a
        for a in store.assessments_of(engine=_engine(), company_id=company.id)
        if a.status == "submitted"
    ]
    assert [a.id for a in submitted] == [team_round.assessment_id]

    # The result's report carries the same agenda; the results page shows the consensus.
    ceo.switch_page("pages/results.py").run()
    assert not ceo.exception and ceo.query_params["c"] == token
    results = company_results(
        engine=_engine(),
        bank=default_bank(),
        company=company,
        assessment=submitted[0],
        submitted=submitted,
        norm_frame=store.norm_frame(engine=_engine(), wave=submitted[0].wave, mode="full"),
        members=[],
        lang="en",
    )
    data = report_data(results, results.bank, "en")
    assert data.agenda is not None
    assert [row.item.split()[0] for row in data.agenda] == ["COL03", "COL01", "COL02"]
    assert data.agenda[0].answers == "CTO (<b>김철수</b>): 1\n수출 담당 (이영희): 5"
    assert data.agenda[0].team == "1"
    pdf = pypdf.PdfReader(io.BytesIO(report_pdf(results, results.bank, "en")))
    assert any("Agenda for the next management meeting" in p.extract_text() for p in pdf.pages)

    # After the close, a colleague's link opens the team view too.
    cto.run()
    assert not cto.exception
    assert [
        str(c.key) for c in cto.get("flex_container") if str(c.key).startswith("team_agenda_")
    ] == [str(k) for k in agenda]


def test_the_ceos_role_follows_a_language_switch_until_it_is_typed(
    make_app: Callable[..., AppTest],
) -> None:
    _, token = _start(make_app)
    ceo = _open(make_app, "c", token)
    assert ceo.text_input(key="team_ceo_role").value == t("team.ceo_role_default", "ko")
    ceo.segmented_control(key="lang_switch").set_value("en").run()
    assert ceo.text_input(key="team_ceo_role").value == t("team.ceo_role_default", "en")
    ceo.text_input(key="team_ceo_role").input("공동대표").run()
    ceo.segmented_control(key="lang_switch").set_value("ko").run()
    assert ceo.text_input(key="team_ceo_role").value == "공동대표"  # typed: kept as typed


def test_a_full_team_is_told_so_and_nobody_more_is_invited(
    make_app: Callable[..., AppTest],
) -> None:
    ceo, token = _round_opened(make_app)
    company = store.company_by_token(engine=_engine(), token=token)
    assert company is not None
    team_round = store.latest_team_round(engine=_engine(), company_id=company.id)
    assert team_round is not None
    for n in range(store.TEAM_MEMBERS_MAX - 1):
        store.invite_member(
            engine=_engine(), bank=default_bank(), round_id=team_round.id, role=f"임원 {n}"
        )
    ceo.text_input(key="team_role").input("공장장")
    ceo.button(key="team_invite_go").click().run()
    assert not ceo.exception and not ceo.code  # no link
    assert [e.value for e in ceo.error] == [t("team.team_full", "ko", n=store.TEAM_MEMBERS_MAX)]
    members = store.team_members(engine=_engine(), round_id=team_round.id)
    assert len(members) == store.TEAM_MEMBERS_MAX and "공장장" not in [m.role for m in members]


def test_the_ceo_sees_how_far_each_colleague_has_got_but_not_their_answers(
    make_app: Callable[..., AppTest],
) -> None:
    ceo, token = _round_opened(make_app)
    cto_token = _invite(ceo, "CTO", "")
    _invite(ceo, "공장장", "")
    cto = _open(make_app, "t", cto_token)
    radios = [r for r in cto.radio if str(r.key).startswith("t_")]
    for radio, level in zip(radios[:3], (1, 4, 2), strict=True):
        radio.set_value(level)
    cto.run()  # three taps, saved as they go; not sent

    ceo.run()
    members = ceo.table[0].value
    assert list(members.iloc[:, 1]) == [
        plain(t("team.status_not_started", "ko")),
        plain(t("team.status_answering", "ko", answered=3, total=8)),
        plain(t("team.status_not_started", "ko")),
    ]
    shown = members.astype(str).to_string()
    assert not any(t("common.level_n", "ko", n=n) in shown for n in range(6))  # counts only
