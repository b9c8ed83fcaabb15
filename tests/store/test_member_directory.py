"""The member directory's reads: search by business number, pages, completeness of results."""

from __future__ import annotations

import sqlalchemy as sa

from readiness import store
from readiness.bank import Bank
from readiness.profile import CompanyProfile

BIZ_NOS = ["124-81-00998", "220-81-62517", "107-81-04169"]  # valid check digits


def _member(
    engine: sa.Engine, bank: Bank, name: str, *, biz_no: str | None = None, answered: str = ""
) -> int:
    profile = CompanyProfile(name=name, biz_no=biz_no, ksic="C29", employees=40, region="44")
    first = store.NewAssessment(wave=2026, mode="full", bank=bank) if answered else None
    company, _ = store.create_company(engine=engine, profile=profile, first=first, verified=True)
    assert company.id is not None
    if answered:
        draft = store.open_draft(engine=engine, company_id=company.id)
        assert draft is not None and draft.id is not None
        items = bank.item_ids()
        if answered == "some":  # two thirds of each pillar: scored, yet under the 80 % rule
            items = []
            for pillar in bank.pillar_ids:
                ids = [i.id for i in bank.items if i.pillar == pillar]
                items += ids[: -(-len(ids) * 7 // 10)]
        answers = {i: 3 for i in items}
        store.submit_assessment(engine=engine, bank=bank, assessment_id=draft.id, answers=answers)
    return company.id


def _names(engine: sa.Engine, **filters: object) -> tuple[int, list[str]]:
    total, rows = store.member_directory(engine=engine, **filters)  # type: ignore[arg-type]
    return total, [r["name"] for r in rows]


def test_a_business_number_with_or_without_dashes_finds_the_member(
    engine: sa.Engine, bank: Bank
) -> None:
    for n, biz_no in enumerate(BIZ_NOS):
        _member(engine, bank, f"회사{n}", biz_no=biz_no)
    assert _names(engine, search="220-81-62517") == (1, ["회사1"])
    assert _names(engine, search="2208162517") == (1, ["회사1"])
    assert _names(engine, search=" 220 81 62517 ") == (1, ["회사1"])
    assert _names(engine, search="81-0") == (2, ["회사0", "회사2"])  # a part of the number
    assert _names(engine, search="회사2") == (1, ["회사2"])
    assert _names(engine, search="99999") == (0, [])


def test_the_directory_pages_through_every_match(engine: sa.Engine, bank: Bank) -> None:
    for n in range(7):
        _member(engine, bank, f"회사{n:02d}")
    pages = [_names(engine, limit=3, offset=offset) for offset in (0, 3, 6)]
    assert [total for total, _ in pages] == [7, 7, 7]
    assert [names for _, names in pages] == [
        ["회사00", "회사01", "회사02"],
        ["회사03", "회사04", "회사05"],
        ["회사06"],
    ]


def test_completeness_keeps_complete_incomplete_or_resultless_members(
    engine: sa.Engine, bank: Bank
) -> None:
    _member(engine, bank, "완료", answered="all")
    _member(engine, bank, "일부", answered="some")
    _member(engine, bank, "없음")
    assert _names(engine, completeness="complete") == (1, ["완료"])
    assert _names(engine, completeness="incomplete") == (1, ["일부"])
    assert _names(engine, completeness="none") == (1, ["없음"])
    assert _names(engine, completeness="all")[0] == 3
    _, rows = store.member_directory(engine=engine, completeness="complete")
    assert rows[0]["latest_completeness"] == 1.0
