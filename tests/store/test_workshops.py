"""Workshops: join codes, status, joining, submitting once, and the room's aggregate picture."""

from __future__ import annotations

import statistics
import threading
from dataclasses import fields
from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import func, select

from readiness import peers, store, workshops
from readiness.bank import Bank
from readiness.cli import main
from readiness.db import read_session
from readiness.models import Answer, Assessment, AuditEvent, Company, PillarScoreRow, Workshop
from readiness.store.rows import table_of
from readiness.workshops import WorkshopError

WAVE = 2026


def _count(engine: sa.Engine, model: type) -> int:
    with read_session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def _actions(engine: sa.Engine) -> list[str]:
    with read_session(engine) as session:
        return list(session.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all())


def _room(engine: sa.Engine, title: str = "부산 혁신 워크숍") -> Workshop:
    return workshops.create_workshop(engine=engine, title=title, actor="staff@x.kr")


def _join(engine: sa.Engine, bank: Bank, code: str, ksic: str = "C29", name: str | None = None):
    profile = workshops.participant_profile(code=code, ksic=ksic, employees=30, name=name)
    return workshops.join(engine=engine, code=code, profile=profile, bank=bank, wave=WAVE)


def _answers(bank: Bank, shift: int) -> dict[str, int | None]:
    return {item: (shift + 3 * i) % 6 for i, item in enumerate(bank.item_ids(quick_only=True))}


# --- codes ---------------------------------------------------------------------------------------


def test_code_alphabet_has_no_look_alike_characters() -> None:
    assert not set(workshops.CODE_ALPHABET) & set("0O1IlLU")
    assert len(set(workshops.CODE_ALPHABET)) == len(workshops.CODE_ALPHABET)


def test_new_codes_are_six_symbols_of_the_alphabet() -> None:
    codes = {workshops.new_code() for _ in range(500)}
    assert len(codes) > 495
    for code in codes:
        assert len(code) == 6
        assert set(code) <= set(workshops.CODE_ALPHABET)
        assert workshops.is_valid_code(code)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("abc234", "ABC234"),
        ("  AB C-23 4 ", "ABC234"),
        ("ＡＢＣ２３４", "ABC234"),  # full-width, as a Korean keyboard may type it
        ("https://r.example.kr/join?code=abc234", "ABC234"),
    ],
)
def test_typed_codes_are_normalised(typed: str, expected: str) -> None:
    assert workshops.normalize_code(typed) == expected
    assert workshops.is_valid_code(workshops.normalize_code(typed))


@pytest.mark.parametrize("typed", ["ABC0D2", "ABCOD2", "ABC1D2", "abcld2", "ABCID2", "ABC23", ""])
def test_look_alikes_are_not_mapped_and_stay_invalid(typed: str) -> None:
    normalized = workshops.normalize_code(typed)
    assert normalized == typed.upper()
    assert not workshops.is_valid_code(normalized)


def test_join_url_uses_the_public_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("READINESS_PUBLIC_URL", raising=False)
    assert workshops.join_url("ABC234") == "http://localhost:8501/join?code=ABC234"
    monkeypatch.setenv("READINESS_PUBLIC_URL", "https://readiness.example.kr/")
    assert workshops.join_url("ABC234") == "https://readiness.example.kr/join?code=ABC234"
    assert "<svg" in workshops.join_qr_svg("ABC234")


# --- workshops -----------------------------------------------------------------------------------


def test_create_list_and_status_changes_are_audited(engine: sa.Engine) -> None:
    room = workshops.create_workshop(
        engine=engine,
        title="  부산   혁신 워크숍 ",
        held_on=date(2026, 12, 3),
        lang="en",
        actor="s",
    )
    assert (room.title, room.held_on, room.lang, room.status) == (
        "부산 혁신 워크숍",
        date(2026, 12, 3),
        "en",
        "open",
    )
    assert workshops.workshop_by_code(engine=engine, code=room.code.lower()) == room
    for status in ("paused", "paused", "closed", "open"):
        changed = workshops.set_status(engine=engine, workshop_id=room.id, status=status, actor="s")
        assert changed.status == status
    assert _actions(engine) == ["workshop.create"] + ["workshop.status"] * 3  # "paused" twice
    with read_session(engine) as session:
        detail = session.exec(select(AuditEvent.detail).order_by(AuditEvent.id.desc())).first()
        assert store.verify_audit(engine=engine).ok
    assert '"from": "closed"' in detail and '"to": "open"' in detail
    other = workshops.create_workshop(
        engine=engine, title="서울", held_on=date(2026, 11, 1), actor="s"
    )
    listed = workshops.list_workshops(engine=engine)
    assert [row.workshop.code for row in listed] == [room.code, other.code]  # by date, newest first
    assert [(row.joined, row.submitted) for row in listed] == [(0, 0), (0, 0)]


def test_bad_workshop_input_is_refused_and_writes_nothing(engine: sa.Engine) -> None:
    with pytest.raises(ValueError, match="title"):
        workshops.create_workshop(engine=engine, title="  ", actor="s")
    with pytest.raises(ValueError, match="at most 200"):
        workshops.create_workshop(engine=engine, title="x" * 201, actor="s")
    with pytest.raises(ValueError, match="lang"):
        workshops.create_workshop(engine=engine, title="t", lang="fr", actor="s")
    room = _room(engine)
    with pytest.raises(ValueError, match="status"):
        workshops.set_status(engine=engine, workshop_id=room.id, status="done", actor="s")
    with pytest.raises(WorkshopError) as refused:
        workshops.set_status(engine=engine, workshop_id=room.id + 1, status="closed", actor="s")
    assert refused.value.kind == "unknown"
    assert _count(engine, Workshop) == 1 and _actions(engine) == ["workshop.create"]


def test_a_taken_code_is_drawn_again(engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _room(engine)
    draws = iter([first.code, first.code, "ZZZ999"])
    monkeypatch.setattr(workshops, "new_code", lambda: next(draws))
    second = _room(engine)
    assert second.code == "ZZZ999"
    assert _count(engine, Workshop) == 2
    assert store.verify_audit(engine=engine).checked == 2


# --- joining -------------------------------------------------------------------------------------


def test_join_creates_a_member_with_a_quick_draft_in_the_workshop(
    engine: sa.Engine, bank: Bank
) -> None:
    room = _room(engine)
    named = _join(engine, bank, f" {room.code.lower()} ", name="한빛정밀")
    anonymous = _join(engine, bank, room.code)
    assert named.company.name == "한빛정밀"
    assert anonymous.company.name.startswith(f"워크숍 참가자 {room.code}-")
    for joined in (named, anonymous):
        assert not joined.company.synthetic
        draft = joined.assessment
        assert (draft.workshop_id, draft.mode, draft.status, draft.wave) == (
            room.id,
            "quick",
            "draft",
            WAVE,
        )
        assert draft.company_id == joined.company.id
        found = store.company_by_token(engine=engine, token=joined.token)
        assert found is not None and found.id == joined.company.id
    assert _actions(engine) == ["workshop.create", "company.create", "company.create"]


@pytest.mark.parametrize(
    ("code", "kind"),
    [("ABC0D2", "malformed"), ("ABC2", "malformed"), ("ZZZ999", "unknown")],
)
def test_wrong_codes_are_refused_with_their_kind(
    engine: sa.Engine, bank: Bank, code: str, kind: str
) -> None:
    _room(engine)
    with pytest.raises(WorkshopError) as refused:
        _join(engine, bank, code)
    assert refused.value.kind == kind
    assert str(refused.value)  # a message fit to show
    assert _count(engine, Company) == 0


@pytest.mark.parametrize("status", ["paused", "closed"])
def test_paused_and_closed_workshops_take_nobody_new(
    engine: sa.Engine, bank: Bank, status: str
) -> None:
    room = _room(engine)
    workshops.set_status(engine=engine, workshop_id=room.id, status=status, actor="s")
    with pytest.raises(WorkshopError) as refused:
        _join(engine, bank, room.code)
    assert refused.value.kind == status
    assert _count(engine, Company) == 0 and _count(engine, Assessment) == 0


def test_join_is_checked_again_inside_the_write_transaction(engine: sa.Engine, bank: Bank) -> None:
    """A close that lands between the code check and the insert still refuses the join."""
    room = _room(engine)
    workshops.set_status(engine=engine, workshop_id=room.id, status="closed", actor="s")
    profile = workshops.participant_profile(code=room.code, ksic="C29", employees=30)
    first = store.NewAssessment(WAVE, "quick", bank, workshop_id=room.id)
    with pytest.raises(store.WorkshopStateError) as refused:
        store.create_company(engine=engine, profile=profile, first=first)
    assert refused.value.status == "closed"
    assert _count(engine, Company) == 0


# --- submitting ----------------------------------------------------------------------------------


def test_a_closed_workshop_refuses_answers_and_submissions_and_writes_nothing(
    engine: sa.Engine, bank: Bank
) -> None:
    room = _room(engine)
    joined = _join(engine, bank, room.code)
    first_item = bank.item_ids(quick_only=True)[0]
    workshops.save_participant_answer(
        engine=engine, bank=bank, assessment_id=joined.assessment.id, item_id=first_item, level=2
    )
    workshops.set_status(engine=engine, workshop_id=room.id, status="closed", actor="s")
    events = _count(engine, AuditEvent)
    with pytest.raises(WorkshopError) as refused:
        workshops.submit_participant(
            engine=engine, bank=bank, assessment_id=joined.assessment.id, answers=_answers(bank, 1)
        )
    assert refused.value.kind == "closed"
    with pytest.raises(WorkshopError):
        workshops.save_participant_answer(
            engine=engine,
            bank=bank,
            assessment_id=joined.assessment.id,
            item_id=first_item,
            level=5,
        )
    assert store.answers_of(engine=engine, assessment_id=joined.assessment.id) == {first_item: 2}
    draft = store.get_assessment(engine=engine, assessment_id=joined.assessment.id)
    assert draft is not None and draft.status == "draft"
    assert _count(engine, PillarScoreRow) == 0 and _count(engine, AuditEvent) == events


def test_a_paused_workshop_still_takes_the_answers_of_those_in_the_room(
    engine: sa.Engine, bank: Bank
) -> None:
    room = _room(engine)
    joined = _join(engine, bank, room.code)
    workshops.set_status(engine=engine, workshop_id=room.id, status="paused", actor="s")
    done = workshops.submit_participant(
        engine=engine, bank=bank, assessment_id=joined.assessment.id, answers=_answers(bank, 0)
    )
    assert not done.repeated and done.result.overall is not None


def test_submitting_twice_counts_once_and_returns_the_first_result(
    engine: sa.Engine, bank: Bank
) -> None:
    room = _room(engine)
    joined = _join(engine, bank, room.code)
    answers = _answers(bank, 2)
    first = workshops.submit_participant(
        engine=engine, bank=bank, assessment_id=joined.assessment.id, answers=answers
    )
    again = workshops.submit_participant(
        engine=engine, bank=bank, assessment_id=joined.assessment.id, answers=_answers(bank, 4)
    )
    assert not first.repeated and again.repeated
    assert again.result == first.result
    assert store.answers_of(engine=engine, assessment_id=joined.assessment.id) == answers
    assert _actions(engine).count("assessment.submit") == 1
    snapshot = workshops.room_snapshot(engine=engine, workshop_id=room.id, bank=bank, k=1)
    assert (snapshot.joined, snapshot.submitted) == (1, 1)


def test_a_double_tap_racing_itself_is_counted_once(engine: sa.Engine, bank: Bank) -> None:
    room = _room(engine)
    joined = _join(engine, bank, room.code)
    start = threading.Barrier(4)
    outcomes: list[workshops.Submission] = []
    errors: list[BaseException] = []

    def tap() -> None:
        start.wait()
        try:
            outcomes.append(
                workshops.submit_participant(
                    engine=engine,
                    bank=bank,
                    assessment_id=joined.assessment.id,
                    answers=_answers(bank, 3),
                )
            )
        except BaseException as exc:  # asserted below
            errors.append(exc)

    taps = [threading.Thread(target=tap) for _ in range(4)]
    for th in taps:
        th.start()
    for th in taps:
        th.join()
    assert errors == []
    assert sorted(o.repeated for o in outcomes) == [False, True, True, True]
    assert len({o.result.overall for o in outcomes}) == 1
    assert _actions(engine).count("assessment.submit") == 1
    assert _count(engine, PillarScoreRow) == len(bank.pillars)


def test_closing_during_a_burst_counts_exactly_the_submissions_that_were_accepted(
    engine: sa.Engine, bank: Bank
) -> None:
    room = _room(engine)
    people = [_join(engine, bank, room.code).assessment.id for _ in range(40)]
    accepted: list[int] = []
    refused: list[int] = []
    errors: list[BaseException] = []

    def submit(n: int, assessment_id: int) -> None:
        if n == len(people) // 2:
            workshops.set_status(engine=engine, workshop_id=room.id, status="closed", actor="s")
        try:
            workshops.submit_participant(
                engine=engine, bank=bank, assessment_id=assessment_id, answers=_answers(bank, n)
            )
            accepted.append(assessment_id)
        except WorkshopError as exc:
            assert exc.kind == "closed"
            refused.append(assessment_id)
        except BaseException as exc:  # asserted below
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=(n, a)) for n, a in enumerate(people)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == [] and len(accepted) + len(refused) == len(people) and refused
    snapshot = workshops.room_snapshot(engine=engine, workshop_id=room.id, bank=bank)
    assert (snapshot.status, snapshot.submitted) == ("closed", len(accepted))
    with read_session(engine) as session:
        answered = set(session.exec(select(Answer.assessment_id).distinct()).all())
        assert store.verify_audit(engine=engine).ok
    assert answered == set(accepted)  # a refused submission wrote nothing
    assert _actions(engine).count("assessment.submit") == len(accepted)


def test_answers_outside_the_quick_scan_or_out_of_range_write_nothing(
    engine: sa.Engine, bank: Bank
) -> None:
    room = _room(engine)
    joined = _join(engine, bank, room.code)
    full_only = next(i.id for i in bank.items if not i.quick)
    bad = [{**_answers(bank, 0), full_only: 3}, {**_answers(bank, 0), "EXP01": 6}]
    for answers in bad:
        with pytest.raises(store.StoreError):
            workshops.submit_participant(
                engine=engine, bank=bank, assessment_id=joined.assessment.id, answers=answers
            )
    assert _count(engine, Answer) == 0 and _count(engine, PillarScoreRow) == 0
    outsider, _ = store.create_company(
        engine=engine,
        profile=workshops.participant_profile(code=room.code, ksic="C10", employees=3),
        first=store.NewAssessment(WAVE, "quick", bank),
    )
    draft = store.open_draft(engine=engine, company_id=outsider.id)
    with pytest.raises(store.StoreError, match="workshop"):
        workshops.submit_participant(engine=engine, bank=bank, assessment_id=draft.id)


# --- the room ------------------------------------------------------------------------------------


def _fill_room(engine: sa.Engine, bank: Bank, room: Workshop, sectors: list[str]) -> list:
    """One participant per sector entry, each submitting different answers; the results."""
    results = []
    for n, ksic in enumerate(sectors):
        joined = _join(engine, bank, room.code, ksic=ksic)
        results.append(
            workshops.submit_participant(
                engine=engine,
                bank=bank,
                assessment_id=joined.assessment.id,
                answers=_answers(bank, n),
            ).result
        )
    return results


def _room_company_ids(engine: sa.Engine, room: Workshop) -> list[int]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                sa.select(Assessment.company_id).where(Assessment.workshop_id == room.id)
            ).scalars()
        )


def test_room_snapshot_equals_a_direct_computation(engine: sa.Engine, bank: Bank) -> None:
    room = _room(engine)
    elsewhere = _room(engine, title="다른 방")
    results = _fill_room(engine, bank, room, ["C29"] * 5 + ["C10"] * 2 + ["C25"])
    _fill_room(engine, bank, elsewhere, ["C30"] * 6)  # another room does not leak in
    _join(engine, bank, room.code, ksic="C29")  # joined, not submitted yet
    snapshot = workshops.room_snapshot(engine=engine, workshop_id=room.id, bank=bank)

    assert (snapshot.status, snapshot.joined, snapshot.submitted) == ("open", 9, 8)
    assert not snapshot.suppressed
    assert snapshot.shown == 5  # the figures rest on the first five who submitted
    first = results[:5]
    expected = {peers.OVERALL: [r.overall for r in first]}
    for pid in bank.pillar_ids:
        expected[pid] = [r.pillars[pid].score for r in first]
    assert set(snapshot.scores) == set(expected)
    for key, values in expected.items():
        stats = snapshot.scores[key]
        assert stats.n == len(values)
        assert stats.mean == pytest.approx(statistics.fmean(values))
        assert stats.median == pytest.approx(statistics.median(values))
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
        assert (stats.q1, stats.q3) == (pytest.approx(q1), pytest.approx(q3))
        assert not hasattr(stats, "values")  # no one's own score is kept for the room
    stage_counts = {s.id: sum(r.stage == s.id for r in first) for s in bank.stages}
    assert snapshot.stages == stage_counts
    assert list(snapshot.stages) == [s.id for s in bank.stages]
    assert snapshot.sectors == (("C29", 6), ("other", 3))  # C10 (2) and C25 (1) grouped


def test_scores_stay_hidden_until_k_have_submitted(engine: sa.Engine, bank: Bank) -> None:
    room = _room(engine)
    _fill_room(engine, bank, room, ["C29"] * 4)
    snapshot = workshops.room_snapshot(engine=engine, workshop_id=room.id, bank=bank)
    assert snapshot.suppressed and (snapshot.joined, snapshot.submitted) == (4, 4)
    assert snapshot.stages is None
    for stats in snapshot.scores.values():
        assert stats.n == 0 and stats.mean is stats.median is stats.q1 is stats.q3 is None
    assert snapshot.shown == 0
    assert snapshot.sectors == (("other", 4),)


def test_an_empty_room_and_an_unknown_one(engine: sa.Engine, bank: Bank) -> None:
    room = _room(engine)
    empty = workshops.room_snapshot(engine=engine, workshop_id=room.id, bank=bank)
    assert (empty.status, empty.joined, empty.submitted, empty.sectors) == ("open", 0, 0, ())
    with pytest.raises(WorkshopError) as refused:
        workshops.room_snapshot(engine=engine, workshop_id=room.id + 1, bank=bank)
    assert refused.value.kind == "unknown"


def test_sectors_under_k_are_grouped_as_other() -> None:
    counts = {"C29": 7, "C10": 5, "C25": 4, "C30": 1}
    assert workshops.group_sectors(counts, 5) == (("C29", 7), ("C10", 5), ("other", 5))
    assert workshops.group_sectors({"C29": 5, "C10": 5}, 5) == (("C10", 5), ("C29", 5))
    assert workshops.group_sectors({"C20": 2}, 5) == (("other", 2),)
    assert workshops.group_sectors({}, 5) == ()


def test_the_snapshot_holds_no_individual_data(engine: sa.Engine, bank: Bank) -> None:
    assert {f.name for f in fields(workshops.RoomSnapshot)} == {
        "status",
        "k",
        "joined",
        "submitted",
        "scores",
        "stages",
        "sectors",
        "taken_at",
        "shown",
    }
    assert {f.name for f in fields(workshops.ScoreStats)} == {"n", "mean", "median", "q1", "q3"}
    room = _room(engine)
    names = [f"비밀기업 {n}" for n in range(6)]
    ids = []
    for n, name in enumerate(names):
        joined = _join(engine, bank, room.code, name=name)
        ids.append(joined.company.id)
        workshops.submit_participant(
            engine=engine, bank=bank, assessment_id=joined.assessment.id, answers=_answers(bank, n)
        )
    text = repr(workshops.room_snapshot(engine=engine, workshop_id=room.id, bank=bank))
    assert not any(name in text for name in names)
    assert "token" not in text and "company" not in text


def test_all_members_reference_is_the_median_of_the_wave_norms(
    engine: sa.Engine, bank: Bank
) -> None:
    room = _room(engine)
    _fill_room(engine, bank, room, ["C29", "C10", "C25", "C30", "C22", "C29"])
    # Workshop respondents are not members: they stay out of member norms, verified or not.
    assert workshops.all_members_reference(engine=engine, wave=WAVE, bank=bank).n == 0
    ids = _room_company_ids(engine, room)
    for company_id in ids:
        store.set_verified(engine=engine, company_id=company_id, verified=True, actor="staff")
    assert workshops.all_members_reference(engine=engine, wave=WAVE, bank=bank).n == 0
    with engine.begin() as conn:  # as if verified members had taken these quick scans
        conn.execute(
            sa.update(table_of(Company))
            .where(table_of(Company).c.id.in_(ids))
            .values(respondent=False)
        )
    reference = workshops.all_members_reference(engine=engine, wave=WAVE, bank=bank)
    frame = store.norm_frame(engine=engine, wave=WAVE, pillars=bank.pillar_ids, mode="quick")
    assert reference.n == len(frame) == 6  # the members' quick scans against quick-scan norms
    assert store.norm_frame(engine=engine, wave=WAVE, pillars=bank.pillar_ids).empty
    for key in (peers.OVERALL, *bank.pillar_ids):
        assert reference.median[key] == pytest.approx(frame[key].median())
    assert workshops.all_members_reference(engine=engine, wave=WAVE + 1, bank=bank).median == {
        key: None for key in (peers.OVERALL, *bank.pillar_ids)
    }


# --- command line --------------------------------------------------------------------------------


def test_cli_creates_lists_and_sets_the_status(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setenv("READINESS_PUBLIC_URL", "https://r.example.kr")
    qr = tmp_path / "join.png"
    assert (
        main(
            [
                "--database-url",
                sqlite_url,
                "workshop",
                "create",
                "부산 혁신 워크숍",
                "--date",
                "2026-12-03",
                "--qr",
                str(qr),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    code = next(line.split()[-1] for line in out.splitlines() if line.startswith("code:"))
    assert workshops.is_valid_code(code)
    assert f"join: https://r.example.kr/join?code={code}" in out
    assert qr.read_bytes().startswith(b"\x89PNG")
    base = ["--database-url", sqlite_url, "workshop"]
    assert main([*base, "pause", code.lower()]) == 0
    assert "now paused (was open)" in capsys.readouterr().out
    assert main([*base, "close", code]) == 0
    assert main([*base, "list"]) == 0
    listing = capsys.readouterr().out
    assert code in listing and "closed" in listing and "2026-12-03" in listing
    assert main([*base, "open", "ZZZ999"]) == 1
    assert "no workshop" in capsys.readouterr().err
    assert main([*base, "open", "ABC0D2"]) == 1
    assert "never 0, O" in capsys.readouterr().err
    assert main([*base, "create", "x", "--date", "03.12.2026"]) == 2
    assert main(["--database-url", sqlite_url, "audit", "verify"]) == 0


def test_the_room_figures_change_only_when_k_more_have_submitted(
    engine: sa.Engine, bank: Bank
) -> None:
    """A sixth submission must not move the room's median: the difference between two pictures
    would show where that one person stands. The figures move again at ten."""
    room = _room(engine)
    _fill_room(engine, bank, room, ["C29"] * 5)
    five = workshops.room_snapshot(engine=engine, workshop_id=room.id, bank=bank)

    def top_scorer() -> None:
        joined = _join(engine, bank, room.code, ksic="C10")
        answers = dict.fromkeys(bank.item_ids(quick_only=True), 5)
        workshops.submit_participant(
            engine=engine, bank=bank, assessment_id=joined.assessment.id, answers=answers
        )

    for n in range(6, 10):
        top_scorer()  # one at a time
        later = workshops.room_snapshot(engine=engine, workshop_id=room.id, bank=bank)
        assert (later.submitted, later.shown) == (n, 5)
        assert later.scores == five.scores and later.stages == five.stages
    top_scorer()
    ten = workshops.room_snapshot(engine=engine, workshop_id=room.id, bank=bank)
    assert (ten.submitted, ten.shown) == (10, 10)
    assert ten.scores[peers.OVERALL].median != five.scores[peers.OVERALL].median
