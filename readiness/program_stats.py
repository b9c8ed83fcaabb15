"""Which support programmes the membership is matched to and asks about, by sector and stage
(staff's view of the programme catalog; issue #15).

Each member of the newest wave is matched with readiness.programs.match_programs on its latest
answers, exactly as its results page does (the top MATCH_LIMIT), against the catalog in force.
Requests of kind "programme" are counted by the asking company's sector and stage.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa

from readiness import store
from readiness.bank import Bank
from readiness.cohorts import Cohort
from readiness.programs import ProgramCatalog, match_programs
from readiness.scoring import score_assessment

COLUMNS = ("program", "ksic", "stage", "matched", "asked")
NO_STAGE = "none"


def program_interest(
    *,
    engine: sa.Engine,
    bank: Bank,
    catalog: ProgramCatalog,
    today: dt.date | None = None,
    wave: int | None = None,
) -> pd.DataFrame:
    """One row per (programme, KSIC division, stage) with how many members are matched to it and
    how many asked the association about it; stage NO_STAGE where a member has none."""
    wave = wave if wave is not None else store.latest_wave(engine=engine)
    counts: dict[tuple[str, str, str], list[int]] = {}
    stage_of: dict[int, str] = {}
    if wave is not None and catalog.bank == bank.version:
        cohort = Cohort(waves=(wave,)).of_bank(bank.version)
        answers: dict[int, dict[str, int | None]] = {}
        owner: dict[int, int] = {}
        for assessment_id, company_id, item_id, level in store.cohort_answer_rows(
            engine=engine, cohort=cohort
        ):
            answers.setdefault(assessment_id, {})[item_id] = level
            owner[assessment_id] = company_id
        profiles = store.partner_profiles(engine=engine)
        for assessment_id, given in answers.items():
            company_id = owner[assessment_id]
            profile = profiles.get(company_id)
            if profile is None:
                continue
            result = score_assessment(bank, given, validate=False)
            stage = result.stage or NO_STAGE
            stage_of[company_id] = stage
            for match in match_programs(
                catalog, bank, profile=profile, answers=given, result=result, today=today
            ):
                counts.setdefault((match.id, profile["ksic"], stage), [0, 0])[0] += 1
    for program_id, company_id, ksic in store.program_request_rows(engine=engine):
        key = (program_id, ksic, stage_of.get(company_id, NO_STAGE))
        counts.setdefault(key, [0, 0])[1] += 1
    rows = [(*key, matched, asked) for key, (matched, asked) in counts.items()]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    return frame.sort_values(["program", "ksic", "stage"], ignore_index=True)
