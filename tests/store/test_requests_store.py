"""Requests to the association in the store: created, tied to the member, worked by staff, audited;
and a member's private link reissued."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from readiness import store
from readiness.profile import CompanyProfile
from readiness.requests import check_request


def _link_request(biz_no: str = "124-81-00998"):
    request, problems = check_request(
        kind="link",
        company_name="한빛정밀",
        biz_no=biz_no,
        contact_name="김대표",
        phone="010-1234-5678",
        email="",
        consent=True,
    )
    assert request is not None, problems
    return request


def test_a_link_request_is_tied_to_the_member_with_that_number(
    engine: sa.Engine, profile: CompanyProfile
) -> None:
    company, _ = store.create_company(engine=engine, profile=profile)
    rid = store.create_request(engine=engine, request=_link_request())
    stored = store.get_request(engine=engine, request_id=rid)
    assert stored is not None
    assert stored.company_id == company.id
    assert (stored.kind, stored.status, stored.contact_name) == ("link", "new", "김대표")
    assert stored.consent is True


def test_a_link_request_for_an_unknown_number_is_stored_untied(engine: sa.Engine) -> None:
    rid = store.create_request(engine=engine, request=_link_request("220-81-62517"))
    stored = store.get_request(engine=engine, request_id=rid)
    assert stored is not None and stored.company_id is None and stored.biz_no == "2208162517"


def test_staff_work_a_request_and_every_change_is_audited(
    engine: sa.Engine, profile: CompanyProfile
) -> None:
    store.create_company(engine=engine, profile=profile)
    rid = store.create_request(engine=engine, request=_link_request())
    store.update_request(
        engine=engine,
        request_id=rid,
        actor="staff@org.kr",
        status="in_progress",
        assignee="staff@org.kr",
        notes="전화함",
    )
    store.update_request(engine=engine, request_id=rid, actor="staff@org.kr", status="done")
    row = store.get_request(engine=engine, request_id=rid)
    assert row is not None
    assert (row.status, row.assignee, row.notes) == ("done", "staff@org.kr", "전화함")
    assert store.list_requests(engine=engine, statuses=["new"]) == []
    assert [r.id for r in store.list_requests(engine=engine, statuses=["done"])] == [rid]
    assert [r.id for r in store.list_requests(engine=engine, kinds=["introduction"])] == []
    with engine.connect() as conn:
        actions = [
            row.action
            for row in conn.execute(
                sa.text("select action from audit_event where entity = 'request' order by id")
            )
        ]
    assert actions == ["request.create", "request.update", "request.update"]
    assert store.verify_audit(engine=engine).ok
    with pytest.raises(store.StoreError):
        store.update_request(engine=engine, request_id=rid, actor="s@org.kr", status="lost")


def test_introductions_show_on_the_company_own_list_only(
    engine: sa.Engine, profile: CompanyProfile
) -> None:
    company, _ = store.create_company(engine=engine, profile=profile)
    other, _ = store.create_company(
        engine=engine, profile=profile.model_copy(update={"name": "가온", "biz_no": None})
    )
    request, _ = check_request(
        kind="introduction",
        contact_name="김대표",
        phone="",
        email="kim@hanbit.co.kr",
        consent=True,
        company_id=company.id,
        member_id=other.id,
        message="같이 나가고 싶습니다",
    )
    assert request is not None
    rid = store.create_request(engine=engine, request=request)
    assert [r.id for r in store.requests_of(engine=engine, company_id=company.id)] == [rid]
    stored = store.get_request(engine=engine, request_id=rid)
    assert stored is not None and stored.company_name == "한빛정밀"  # staff see who asked
    assert store.requests_of(engine=engine, company_id=other.id) == []


def test_reissuing_a_link_refuses_the_old_one_at_once(
    engine: sa.Engine, profile: CompanyProfile
) -> None:
    company, old = store.create_company(engine=engine, profile=profile)
    new = store.reissue_link(engine=engine, company_id=company.id, actor="staff@org.kr")
    assert new != old
    assert store.company_by_token(engine=engine, token=old) is None
    found = store.company_by_token(engine=engine, token=new)
    assert found is not None and found.id == company.id
    with engine.connect() as conn:
        action = conn.execute(
            sa.text("select action from audit_event order by id desc limit 1")
        ).scalar_one()
    assert action == "company.reissue_link"
    with pytest.raises(store.StoreError):
        store.reissue_link(engine=engine, company_id=company.id + 99, actor="staff@org.kr")


def test_self_registration_leaves_out_a_number_that_is_already_a_member(
    engine: sa.Engine, profile: CompanyProfile
) -> None:
    member, _ = store.create_company(engine=engine, profile=profile)
    again = profile.model_copy(update={"name": "다시온정밀"})
    with pytest.raises(store.StoreError):
        store.create_company(engine=engine, profile=again)
    newcomer, token = store.create_company(
        engine=engine, profile=again, if_biz_no_taken="leave_out"
    )
    assert newcomer.biz_no is None and newcomer.id != member.id
    assert store.company_by_token(engine=engine, token=token) is not None
    kept = store.get_company(engine=engine, company_id=member.id)
    assert kept is not None and kept.biz_no == "1248100998"
    with engine.connect() as conn:
        detail = (
            conn.execute(
                sa.text(
                    "select detail from audit_event where action = 'company.create' order by id"
                )
            )
            .scalars()
            .all()
        )
    assert '"biz_no_left_out": true' in detail[-1] and "biz_no_left_out" not in detail[0]
