"""bench/ws_load.py's check in the database: it sees lost and doubled submissions and answers."""

from __future__ import annotations

import importlib.util
import sys

import sqlalchemy as sa

from readiness import workshops
from readiness.bank import Bank
from readiness.paths import ROOT

_spec = importlib.util.spec_from_file_location("ws_load", ROOT / "bench" / "ws_load.py")
assert _spec is not None and _spec.loader is not None
ws_load = importlib.util.module_from_spec(_spec)
sys.modules["ws_load"] = ws_load  # its dataclasses look their module up
_spec.loader.exec_module(ws_load)


def _join(engine: sa.Engine, bank: Bank, code: str, name: str) -> workshops.Participant:
    profile = workshops.participant_profile(code=code, ksic="C29", employees=20, name=name)
    return workshops.join(engine=engine, code=code, profile=profile, bank=bank)


def _answer(engine: sa.Engine, bank: Bank, joined: workshops.Participant, taps: dict) -> None:
    for item, level in taps.items():
        workshops.save_participant_answer(
            engine=engine, bank=bank, assessment_id=joined.assessment.id, item_id=item, level=level
        )


def test_the_check_counts_what_the_database_lost_or_holds_twice(
    engine: sa.Engine, bank: Bank
) -> None:
    workshop = workshops.create_workshop(engine=engine, title="check", actor="t")
    code = workshop.code
    items = bank.item_ids(quick_only=True)
    taps = {item: 1 + k % 4 for k, item in enumerate(items)}
    people = [ws_load.Session(ws_load.participant_name(code, n)) for n in range(3)]
    for person in people:
        person.taps, person.submit_sent = dict(taps), True

    whole = _join(engine, bank, code, people[0].name)  # everything kept, once
    _answer(engine, bank, whole, taps)
    workshops.submit_participant(engine=engine, bank=bank, assessment_id=whole.assessment.id)

    partial = _join(engine, bank, code, people[1].name)  # one answer missing, one changed
    _answer(engine, bank, partial, {**{i: taps[i] for i in items[1:]}, items[1]: 0})

    twice = _join(engine, bank, code, people[2].name)  # joined twice, submitted in both
    again = _join(engine, bank, code, people[2].name)
    for joined in (twice, again):
        _answer(engine, bank, joined, taps)
        workshops.submit_participant(engine=engine, bank=bank, assessment_id=joined.assessment.id)

    check = ws_load.check_room(engine, workshop, people)

    assert check.submissions_lost == 1  # the partial one never submitted
    assert check.submissions_doubled == 2  # a second company, a second submission
    assert check.answers_lost == 2
    assert check.answers_doubled == len(items)  # the second company's answers
    assert len(check.company_ids) == 4
