"""群众点单 in the console as community workers, the street and an organisation's workers use it: the board
by 五单 stage with its counts (overdue in red, held ones marked, residents masked), a demand (404 outside
the scope or for another organisation) with the decisions its status and the viewer's role allow; each
decision changes the status and says so, a stale page's decision shows the 409 message and changes
nothing; the organisations with their workers; the inbox with one reply; statistics, export, dashboard.

The clock stands on Monday 2026-12-07 08:00 in Asia/Shanghai.
"""

import csv
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa

from cloudplatform.extensions import db
from cloudplatform.identity.models import (
    CITY_ADMIN,
    COMMUNITY_ADMIN,
    COMMUNITY_STAFF,
    GRID_WORKER,
    ORG_STAFF,
    STREET_ADMIN,
    StaffAccount,
)
from cloudplatform.service.demands import operations as five
from cloudplatform.service.demands.models import (
    ACCEPTED,
    DISMISSED,
    DISPATCHED,
    DONE,
    MERGED,
    RATED,
    SUBMITTED,
    VERIFIED,
    Demand,
    DemandFile,
    Organisation,
    OrganisationCommunity,
    OrganisationStaff,
)
from cloudplatform.service.messages import operations as mail
from cloudplatform.service.messages.models import REPLIED, SUGGESTION
from tests.admin.console import sign_in, sign_in_as, submit, text
from tests.admin.demands.cases import (
    BOARD,
    INBOX,
    ORG_BOARD,
    ORGANISATIONS,
    STATISTICS,
    WRONG_STEP,
    audit_rows,
    demand_at,
    message_in,
    message_of,
    organisation_for,
    status_of,
    steps_of,
    worker_of,
)
from tests.admin.list_pages import ids_on, row_of
from tests.helpers import count_queries
from tests.service.aid.fixtures import png_bytes
from tests.service.demands.fixtures import make_organisation

DISPATCHERS = [COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN]


def page_of(demand) -> str:
    return f"{BOARD}/{demand.id}"


def post(client, demand, action, data=None):
    return submit(client, f"{BOARD}/{demand.id}/{action}", data, page=page_of(demand))


def forms_on(page: str) -> list[str]:
    return re.findall(r'data-form="([a-z_]+)"', page)


def cards_in(page: str, column: str) -> list[str]:
    section = re.search(rf'<section data-column="{column}"(.*?)</section>', page, re.S).group(1)
    return re.findall(r'data-demand="(\d+)"', section)


def dispatch_data(organisation, **changes):
    return {
        "seen": SUBMITTED,
        "organisation_id": organisation.id,
        "deadline": "2026-12-20",
        "funding_source": "社区党组织服务群众经费",
        "responsible_member": "李建国",
        "project": "",
        **changes,
    }


# -- who opens what -----------------------------------------


@pytest.mark.parametrize("role", [GRID_WORKER, *DISPATCHERS])
@pytest.mark.parametrize("path", [BOARD, INBOX, STATISTICS])
def test_dispatchers_open_the_pages_and_grid_workers_do_not(client, world, path, role):
    demand_at(world)
    message_in(world)
    sign_in_as(client, world.staff[role])
    assert client.get(path).status_code == (403 if role == GRID_WORKER else 200)


@pytest.mark.parametrize("role", [GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN])
def test_organisations_are_kept_by_community_admins_and_up(client, world, role):
    organisation_for(world)
    sign_in_as(client, world.staff[role])
    allowed = role in (COMMUNITY_ADMIN, STREET_ADMIN)
    assert client.get(ORGANISATIONS).status_code == (200 if allowed else 403)


def test_an_organisations_worker_sees_only_its_own_page(client, world):
    worker = worker_of(organisation_for(world))
    sign_in_as(client, worker)
    page = text(client.get("/admin/"))
    nav = re.search(r'<nav id="sidebar" aria-label="主导航">(.*?)</nav>', page, re.S).group(1)
    assert re.findall(r'href="([^"]+)"', nav) == ["/admin/", ORG_BOARD]
    for path in (BOARD, INBOX, STATISTICS, ORGANISATIONS):
        assert client.get(path).status_code == 403
    assert client.get(ORG_BOARD).status_code == 200


# -- the board -----------------------------------------


def test_the_board_shows_each_stage_with_its_count(client, world):
    submitted = demand_at(world)
    dispatched = demand_at(world, DISPATCHED)
    done = demand_at(world, DONE, title="门口路灯不亮")
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    page = text(client.get(BOARD))
    assert cards_in(page, SUBMITTED) == [str(submitted.id)]
    assert cards_in(page, DISPATCHED) == [str(dispatched.id)]
    assert cards_in(page, DONE) == [str(done.id)]
    assert cards_in(page, ACCEPTED) == []
    for column, count in ((SUBMITTED, 1), (DISPATCHED, 1), (ACCEPTED, 0), (DONE, 1), (RATED, 0)):
        assert f'<span data-count="{column}">{count}</span>' in page
    for label in ("群众点单", "社区下单", "组织接单", "街道验单", "群众评单", "已办结"):
        assert label in page


def test_a_column_lists_its_demands_with_the_resident_masked(client, world):
    demand = demand_at(world)
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    page = text(client.get(BOARD, query_string={"column": SUBMITTED}))
    assert ids_on(page, "demand") == [str(demand.id)]
    name = db.session.get(Demand, demand.id).user.nickname
    assert "周*" in row_of(page, "demand", demand.id) and name not in page


def test_overdue_demands_are_red_and_held_ones_marked(client, world, clock):
    late = demand_at(world, ACCEPTED)
    held = demand_at(world, description="有需要的可以加微信联系我")
    clock.move_to("2026-12-22 09:00+08:00")  # the deadline (12-20) has passed
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    page = text(client.get(BOARD, query_string={"column": ACCEPTED}))
    assert 'class="overdue" data-overdue>2026-12-20 · 已超期' in row_of(page, "demand", late.id)
    listed = text(client.get(BOARD, query_string={"column": SUBMITTED}))
    assert "data-held>待审核" in row_of(listed, "demand", held.id)


def test_the_board_searches_and_the_street_filters_by_community(client, world):
    lamp = demand_at(world, title="门口路灯不亮")
    rail = demand_at(world)
    neighbour = demand_at(world, community=world.neighbour, title="楼道堆物")
    sign_in_as(client, world.staff[STREET_ADMIN])
    found = text(client.get(BOARD, query_string={"column": SUBMITTED, "q": "路灯"}))
    assert ids_on(found, "demand") == [str(lamp.id)]
    every = text(client.get(BOARD, query_string={"column": SUBMITTED}))
    assert sorted(ids_on(every, "demand")) == sorted([str(lamp.id), str(rail.id), str(neighbour.id)])
    chosen = text(client.get(BOARD, query_string={"column": SUBMITTED, "community_id": world.neighbour.id}))
    assert ids_on(chosen, "demand") == [str(neighbour.id)]


def test_another_communitys_demands_are_not_on_the_board(client, world):
    demand_at(world, community=world.neighbour)
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    page = text(client.get(BOARD))
    assert cards_in(page, SUBMITTED) == []
    assert '<span data-count="submitted">0</span>' in page


def test_the_board_and_a_column_run_the_same_statements_however_many_demands(app, client, world):
    demand_at(world)
    demand_at(world, DISPATCHED)
    sign_in_as(client, world.staff[CITY_ADMIN])
    for query in ({}, {"column": SUBMITTED}):
        client.get(BOARD, query_string=query)
        with count_queries(app) as before:
            client.get(BOARD, query_string=query)
        for _ in range(3):
            demand_at(world)
            demand_at(world, ACCEPTED, community=world.elsewhere)
        with count_queries(app) as after:
            assert client.get(BOARD, query_string=query).status_code == 200
        assert len(after) == len(before)


def test_the_export_masks_the_resident_and_is_audited(client, world):
    demand = demand_at(world, DISPATCHED)
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    response = client.get(f"{BOARD}/export.csv", query_string={"column": DISPATCHED})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["编号", "提交时间", "社区", "居民"]
    assert [r[0] for r in rows[1:]] == [str(demand.id)]
    assert rows[1][3].startswith("周*") and rows[1][8] == "火炬路为老服务中心"
    assert [e.details["rows"] for e in audit_rows("demand.export")] == [1]
    assert client.get(f"{BOARD}/export.xlsx").status_code == 200


# -- a demand -----------------------------------------


def test_a_demand_shows_its_facts_and_timeline_with_the_resident_masked(client, world):
    demand = demand_at(world, ACCEPTED, photo=True)
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    page = text(client.get(page_of(demand)))
    assert '<dd data-field="organisation">火炬路为老服务中心</dd>' in page
    assert '<dd data-field="funding_source">社区党组织服务群众经费</dd>' in page
    assert '<dd data-field="responsible_member">李建国</dd>' in page
    assert "2026-12-20" in page
    assert '<dd data-field="resident">周*' in page
    assert re.findall(r'data-step="([a-z_]+)"', page) == ["submit", "dispatch", "accept"]
    assert 'alt="居民上传的照片：楼道.png"' in page


@pytest.mark.parametrize("role", [COMMUNITY_STAFF, COMMUNITY_ADMIN])
def test_another_communitys_demand_is_404(client, world, role):
    demand = demand_at(world, community=world.neighbour)
    sign_in_as(client, world.staff[role])
    assert client.get(page_of(demand)).status_code == 404


def test_the_street_opens_its_communities_demands_but_not_another_streets(client, world):
    neighbour, elsewhere = (
        demand_at(world, community=world.neighbour),
        demand_at(world, community=world.elsewhere),
    )
    sign_in_as(client, world.staff[STREET_ADMIN])
    assert client.get(page_of(neighbour)).status_code == 200
    assert client.get(page_of(elsewhere)).status_code == 404


def test_the_decisions_follow_the_status_and_the_role(client, world):
    new, held = demand_at(world), demand_at(world, description="详情加微信联系")
    other = demand_at(world, DISPATCHED)
    done = demand_at(world, DONE)
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    assert forms_on(text(client.get(page_of(new)))) == ["dispatch", "merge", "dismiss"]
    assert forms_on(text(client.get(page_of(held)))) == ["release", "merge", "dismiss"]
    assert forms_on(text(client.get(page_of(other)))) == ["merge"]
    assert forms_on(text(client.get(page_of(done)))) == []
    client.post("/admin/sign-out")
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    assert forms_on(text(client.get(page_of(other)))) == ["merge", "supervise"]
    client.post("/admin/sign-out")
    sign_in_as(client, world.staff[STREET_ADMIN])
    assert forms_on(text(client.get(page_of(done)))) == ["supervise", "verify", "send_back"]


def test_the_photo_is_served_to_staff_in_scope_and_the_organisations_workers_only(client, world):
    demand = demand_at(world, DISPATCHED, photo=True)
    upload_id = db.session.scalar(sa.select(DemandFile.upload_id).where(DemandFile.demand_id == demand.id))
    path = f"{page_of(demand)}/files/{upload_id}"
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    response = client.get(path)
    assert response.status_code == 200 and response.content_type == "image/png"
    client.post("/admin/sign-out")
    sign_in_as(client, worker_of(organisation_for(world)))
    assert client.get(path).status_code == 200
    client.post("/admin/sign-out")
    stranger = worker_of(organisation_for(world, name="火炬路志愿服务队"))
    sign_in_as(client, stranger)
    assert client.get(path).status_code == 404


# -- the community's decisions -----------------------------------------


def test_dispatching_sets_the_four_facts_and_says_so(client, world):
    demand = demand_at(world)
    organisation = organisation_for(world)
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    page = text(post(client, demand, "dispatch", dispatch_data(organisation)))
    assert "诉求“楼道扶手松动”已下单" in page
    db.session.commit()
    stored = db.session.get(Demand, demand.id)
    assert (stored.status, stored.organisation_id, stored.deadline, stored.responsible_member) == (
        DISPATCHED,
        organisation.id,
        date(2026, 12, 20),
        "李建国",
    )
    assert stored.project == "楼道扶手松动"


def test_dispatch_offers_the_organisations_serving_the_community_by_name(client, world):
    demand = demand_at(world)
    mine = organisation_for(world)
    organisation_for(world, world.elsewhere, name="别处的服务队")
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    page = text(client.get(page_of(demand)))
    form = re.search(r'data-form="dispatch"(.*?)</form>', page, re.S).group(1)
    assert f'<option value="{mine.id}">火炬路为老服务中心</option>' in form
    assert "别处的服务队" not in form


def test_more_than_twenty_organisations_are_chosen_with_the_picker(client, world):
    demand = demand_at(world)
    for i in range(21):
        organisation_for(world, name=f"服务组织{i:02d}")
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    form = re.search(r'data-form="dispatch"(.*?)</form>', text(client.get(page_of(demand))), re.S).group(1)
    assert "data-picker=" in form and "<option" not in form
    found = client.get(
        "/admin/pick/demand-organisations", query_string={"community_id": world.home.id, "q": "组织07"}
    )
    assert [i["label"] for i in found.get_json()["items"]] == ["服务组织07"]
    outside = client.get(
        "/admin/pick/demand-organisations", query_string={"community_id": world.elsewhere.id}
    )
    assert outside.status_code == 404


def test_a_dispatch_without_the_facts_is_refused(client, world):
    demand = demand_at(world)
    organisation = organisation_for(world)
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    page = text(post(client, demand, "dispatch", dispatch_data(organisation, funding_source="")))
    assert "请填写资金来源" in page
    past = text(post(client, demand, "dispatch", dispatch_data(organisation, deadline="2026-12-01")))
    assert "办理期限不能早于今天" in past
    assert status_of(demand.id) == SUBMITTED


def test_a_stale_page_gets_the_wrong_step_message_and_changes_nothing(client, world):
    demand = demand_at(world)
    organisation = organisation_for(world)
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    post(client, demand, "dispatch", dispatch_data(organisation))
    assert steps_of(demand.id) == ["submit", "dispatch"]
    again = text(post(client, demand, "dispatch", dispatch_data(organisation)))
    assert WRONG_STEP in again
    dismissed = text(post(client, demand, "dismiss", {"seen": SUBMITTED, "reason": "重复"}))
    assert WRONG_STEP in dismissed
    assert status_of(demand.id) == DISPATCHED
    assert steps_of(demand.id) == ["submit", "dispatch"]


def test_a_held_demand_is_released_then_dispatched(client, world):
    demand = demand_at(world, description="有意者加微信")
    organisation = organisation_for(world)
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    refused = text(post(client, demand, "dispatch", dispatch_data(organisation)))
    assert "该诉求内容待审核，审核通过后才能下单" in refused
    assert "诉求“楼道扶手松动”已通过内容审核" in text(post(client, demand, "release", {"seen": SUBMITTED}))
    post(client, demand, "dispatch", dispatch_data(organisation))
    assert status_of(demand.id) == DISPATCHED
    assert steps_of(demand.id) == ["submit", "release", "dispatch"]


def test_dismissing_needs_a_reason(client, world):
    demand = demand_at(world)
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    assert "请填写理由" in text(post(client, demand, "dismiss", {"seen": SUBMITTED, "reason": ""}))
    assert status_of(demand.id) == SUBMITTED
    page = text(post(client, demand, "dismiss", {"seen": SUBMITTED, "reason": "属物业维修范围"}))
    assert "诉求“楼道扶手松动”不予受理" in page
    assert status_of(demand.id) == DISMISSED


def test_a_demand_is_merged_into_another_open_one_of_the_community(client, world):
    first, second = demand_at(world), demand_at(world, title="扶手坏了")
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    page = text(post(client, second, "merge", {"seen": SUBMITTED, "into": first.id}))
    assert "诉求“扶手坏了”已合并" in page
    db.session.commit()
    assert (status_of(second.id), db.session.get(Demand, second.id).merged_into_id) == (MERGED, first.id)


def test_a_merge_into_another_communitys_demand_is_refused(client, world):
    mine, theirs = demand_at(world), demand_at(world, community=world.elsewhere)
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    assert "诉求不存在" in text(post(client, mine, "merge", {"seen": SUBMITTED, "into": theirs.id}))
    assert status_of(mine.id) == SUBMITTED


def test_a_community_admin_supervises_and_staff_may_not(client, world):
    demand = demand_at(world, ACCEPTED)
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    assert post(client, demand, "supervise", {"seen": ACCEPTED, "comment": "请加快"}).status_code == 403
    client.post("/admin/sign-out")
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    page = text(post(client, demand, "supervise", {"seen": ACCEPTED, "comment": "请于本周内完成"}))
    assert "已记录督办意见" in page
    assert steps_of(demand.id)[-1] == "supervise"
    assert status_of(demand.id) == ACCEPTED


def test_the_street_verifies_or_sends_back_and_the_community_may_not(client, world):
    kept, returned = demand_at(world, DONE), demand_at(world, DONE, title="门口路灯不亮")
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    assert post(client, kept, "verify", {"seen": DONE}).status_code == 403
    client.post("/admin/sign-out")
    sign_in_as(client, world.staff[STREET_ADMIN])
    assert "诉求“楼道扶手松动”已验单" in text(post(client, kept, "verify", {"seen": DONE, "note": "已核实"}))
    assert status_of(kept.id) == VERIFIED
    page = text(post(client, returned, "send-back", {"seen": DONE, "reason": "灯仍不亮"}))
    assert "诉求“门口路灯不亮”已退回重办" in page
    assert status_of(returned.id) == ACCEPTED
    stale = text(post(client, kept, "send-back", {"seen": DONE, "reason": "再看看"}))
    assert WRONG_STEP in stale and status_of(kept.id) == VERIFIED


# -- the organisation's workers -----------------------------------------


def test_a_worker_sees_only_the_organisations_demands(client, world):
    mine = demand_at(world, DISPATCHED)
    other_org = organisation_for(world, name="火炬路志愿服务队")
    theirs = demand_at(world)
    five.dispatch(
        world.staff[COMMUNITY_STAFF],
        theirs,
        organisation_id=other_org.id,
        deadline=date(2026, 12, 20),
        funding_source="自筹",
        responsible_member="王",
    )
    db.session.commit()
    sign_in_as(client, worker_of(organisation_for(world)))
    page = text(client.get(ORG_BOARD))
    assert ids_on(page, "demand") == [str(mine.id)]
    assert '<span data-count="dispatched">1</span>' in page
    assert client.get(page_of(theirs)).status_code == 404
    assert submit(client, f"{BOARD}/{theirs.id}/accept", {"seen": DISPATCHED}, ORG_BOARD).status_code == 404
    assert status_of(theirs.id) == DISPATCHED


def test_a_worker_accepts_then_reports_done_with_evidence(client, world):
    demand = demand_at(world, DISPATCHED)
    sign_in_as(client, worker_of(organisation_for(world)))
    assert forms_on(text(client.get(page_of(demand)))) == ["accept", "decline"]
    assert "已接单：楼道扶手松动" in text(post(client, demand, "accept", {"seen": DISPATCHED}))
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', text(client.get(page_of(demand)))).group(1)
    response = client.post(
        f"{BOARD}/{demand.id}/report-done",
        data={
            "csrf_token": token,
            "seen": ACCEPTED,
            "note": "已更换扶手",
            "evidence": [(io.BytesIO(png_bytes()), "完工.png")],
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = text(response)
    assert "已报结：楼道扶手松动" in page
    assert 'alt="办结凭证：完工.png"' in page
    assert status_of(demand.id) == DONE
    assert steps_of(demand.id) == ["submit", "dispatch", "accept", "report_done"]


def test_a_worker_declines_with_a_reason_and_a_stale_accept_changes_nothing(client, world):
    demand = demand_at(world, DISPATCHED)
    sign_in_as(client, worker_of(organisation_for(world)))
    assert "请填写理由" in text(post(client, demand, "decline", {"seen": DISPATCHED, "reason": ""}))
    assert "已退单：楼道扶手松动" in text(
        post(client, demand, "decline", {"seen": DISPATCHED, "reason": "人手不足"})
    )
    assert status_of(demand.id) == SUBMITTED
    assert post(client, demand, "accept", {"seen": DISPATCHED}).status_code == 404  # no longer theirs
    assert status_of(demand.id) == SUBMITTED


def test_staff_may_not_take_the_organisations_steps(client, world):
    demand = demand_at(world, DISPATCHED)
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    assert post(client, demand, "accept", {"seen": DISPATCHED}).status_code == 403
    assert status_of(demand.id) == DISPATCHED


# -- 社会组织 -----------------------------------------


def test_a_community_admin_creates_an_organisation_and_adds_a_worker(client, world):
    admin = sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    data = {
        "name": "火炬路助残服务队",
        "kind": "volunteer_team",
        "community_id": world.home.id,
        "service_areas": ["disability", "elderly"],
        "registration_no": "宝高民社备2024-003",
        "contact_name": "刘芳",
        "contact_phone": "13900001111",
        "active": "y",
    }
    page = text(submit(client, f"{ORGANISATIONS}/new", data, page=f"{ORGANISATIONS}/new"))
    assert "已新建社会组织“火炬路助残服务队”" in page
    db.session.commit()
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.name == "火炬路助残服务队"))
    assert (organisation.community_id, organisation.kind, organisation.service_areas) == (
        world.home.id,
        "volunteer_team",
        ["disability", "elderly"],
    )
    served = db.session.scalars(
        sa.select(OrganisationCommunity.community_id).where(
            OrganisationCommunity.organisation_id == organisation.id
        )
    ).all()
    assert served == [world.home.id]
    assert [(e.actor_id, e.community_id) for e in audit_rows("organisation.create")] == [
        (admin.id, world.home.id)
    ]

    edit = f"{ORGANISATIONS}/{organisation.id}"
    worker = {"username": "zhuchan01", "display_name": "刘芳（助残服务队）", "password": "short"}
    assert "初始密码为 10 至 128 位" in text(submit(client, f"{edit}/workers", worker, page=edit))
    worker["password"] = "baoji-demo-2026"
    page = text(submit(client, f"{edit}/workers", worker, page=edit))
    assert "已为“火炬路助残服务队”添加工作人员 zhuchan01" in page
    assert '<tr data-worker="zhuchan01">' in page
    db.session.commit()
    account = db.session.scalar(sa.select(StaffAccount).where(StaffAccount.username == "zhuchan01"))
    assert (account.role, account.community_id, account.street_id) == (ORG_STAFF, None, None)
    link = db.session.scalar(sa.select(OrganisationStaff).where(OrganisationStaff.staff_id == account.id))
    assert link.organisation_id == organisation.id
    assert len(audit_rows("organisation.add_worker")) == 1
    again = text(submit(client, f"{edit}/workers", worker, page=edit))
    assert "用户名" in again and len(audit_rows("organisation.add_worker")) == 1

    client.post("/admin/sign-out")
    assert sign_in(client, "zhuchan01", "baoji-demo-2026").status_code == 302
    assert client.get(ORG_BOARD).status_code == 200


def test_an_organisation_is_edited_to_serve_another_community(client, world):
    organisation = organisation_for(world)
    sign_in_as(client, world.staff[STREET_ADMIN])
    edit = f"{ORGANISATIONS}/{organisation.id}"
    data = {
        "name": "火炬路为老服务中心",
        "kind": "social",
        "communities": [world.neighbour.id],
        "service_areas": ["elderly"],
        "active": "y",
    }
    assert "已保存社会组织“火炬路为老服务中心”" in text(submit(client, edit, data, page=edit))
    db.session.commit()
    served = db.session.scalars(
        sa.select(OrganisationCommunity.community_id).where(
            OrganisationCommunity.organisation_id == organisation.id
        )
    ).all()
    assert sorted(served) == sorted([world.home.id, world.neighbour.id])
    assert audit_rows("organisation.update")[0].details["communities"] == sorted(
        [world.home.id, world.neighbour.id]
    )


def test_a_community_admin_editing_keeps_the_communities_a_wider_admin_added(client, world):
    organisation = make_organisation(world.home, "火炬路为老服务中心", world.neighbour)
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    edit = f"{ORGANISATIONS}/{organisation.id}"
    data = {"name": "火炬路为老服务中心", "kind": "social", "contact_name": "孙丽", "active": "y"}
    assert "已保存社会组织" in text(submit(client, edit, data, page=edit))
    db.session.commit()
    served = db.session.scalars(
        sa.select(OrganisationCommunity.community_id).where(
            OrganisationCommunity.organisation_id == organisation.id
        )
    ).all()
    assert sorted(served) == sorted([world.home.id, world.neighbour.id])
    assert db.session.get(Organisation, organisation.id).contact_name == "孙丽"


def test_the_organisations_list_searches_and_another_communitys_is_404(client, world):
    organisation_for(world)
    organisation_for(world, name="火炬路志愿服务队")
    theirs = organisation_for(world, world.elsewhere, name="别处的服务队")
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    page = text(client.get(ORGANISATIONS, query_string={"q": "志愿"}))
    assert re.findall(r'<td data-field="name">([^<]+)</td>', page) == ["火炬路志愿服务队"]
    assert client.get(f"{ORGANISATIONS}/{theirs.id}").status_code == 404


# -- 留言信箱 -----------------------------------------


def test_the_inbox_lists_waiting_messages_by_kind_with_counts(client, world):
    mailbox = message_in(world)
    suggestion = message_in(world, content="建议增设健身器材", kind=SUGGESTION)
    held = message_in(world, content="有事加微信")
    message_in(world, world.elsewhere)
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    page = text(client.get(INBOX))
    assert ids_on(page, "message") == [str(mailbox.id), str(suggestion.id), str(held.id)]
    assert '<span data-count="waiting">3</span>' in page
    assert "data-held>待审核" in row_of(page, "message", held.id)
    only = text(client.get(INBOX, query_string={"kind": SUGGESTION}))
    assert ids_on(only, "message") == [str(suggestion.id)]


def test_a_message_is_replied_once(client, world):
    message = message_in(world)
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    path = f"{INBOX}/{message.id}"
    page = text(submit(client, f"{path}/reply", {"reply": "已联系物业维修"}, page=path))
    assert "已回复，留言人将收到通知" in page
    assert message_of(message.id).status == REPLIED
    # a second reply, as from a page opened before the first
    second = text(submit(client, f"{path}/reply", {"reply": "再次回复"}, page=INBOX))
    assert "该留言已回复" in second
    assert message_of(message.id).reply == "已联系物业维修"
    assert len(audit_rows("message.reply")) == 1


def test_a_consented_suggestion_is_published_after_its_reply(client, world):
    suggestion = message_in(world, content="建议增设健身器材", kind=SUGGESTION, publish_consent=True)
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    path = f"{INBOX}/{suggestion.id}"
    assert 'data-form="publish"' not in text(client.get(path))
    submit(client, f"{path}/reply", {"reply": "已列入明年计划"}, page=path)
    assert 'data-form="publish"' in text(client.get(path))
    assert "已公开该建言及答复" in text(submit(client, f"{path}/publish", page=path))
    assert message_of(suggestion.id).published_at is not None


def test_another_communitys_message_is_404(client, world):
    message = message_in(world, world.elsewhere)
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    assert client.get(f"{INBOX}/{message.id}").status_code == 404


def test_the_inbox_runs_the_same_statements_however_many_messages(app, client, world):
    message_in(world)
    sign_in_as(client, world.staff[STREET_ADMIN])
    client.get(INBOX)
    with count_queries(app) as before:
        client.get(INBOX)
    for _ in range(3):
        message_in(world)
        message_in(world, world.neighbour)
    with count_queries(app) as after:
        client.get(INBOX)
    assert len(after) == len(before)


# -- statistics and the dashboard -----------------------------------------


def test_statistics_count_each_step_per_community(client, world, clock):
    demand_at(world)
    demand_at(world, VERIFIED)
    demand_at(world, DISPATCHED, community=world.neighbour)
    replied = message_in(world)
    clock.shift(7200)
    mail.reply_to(world.staff[COMMUNITY_STAFF], replied, "好的")
    db.session.commit()
    sign_in_as(client, world.staff[STREET_ADMIN])
    page = text(client.get(STATISTICS))
    totals = re.search(r'<tr data-row="合计">(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", totals)[:7] == ["合计", "3", "2", "1", "1", "0", "—"]
    home = re.search(rf'<tr data-row="{world.home.name}">(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", home)[:3] == [world.home.name, "2", "1"]
    messages = re.search(r'<tr data-message-row="合计">(.*?)</tr>', page, re.S).group(1)
    assert re.findall(r"<td>([^<]*)</td>", messages) == ["合计", "1", "1", "2.0"]
    assert 'data-chart="demands"' in page


def test_the_dashboard_card_counts_demands_and_answers_in_scope(client, world, clock):
    demand_at(world)
    demand_at(world, DISPATCHED)
    demand_at(world, community=world.elsewhere)
    message = message_in(world)
    message_in(world)
    clock.shift(3 * 3600)
    mail.reply_to(world.staff[COMMUNITY_STAFF], message, "已处理")
    db.session.commit()
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    page = text(client.get("/admin/"))
    assert '<div class="value" data-demands-count="collected">2</div>' in page
    assert '<div class="value" data-demands-count="answered">1</div>' in page
    assert '<div class="value" data-demands-count="hours">3.0</div>' in page
