"""党建云 in the console: 报到审核, 单位党组织, 服务岗位, 党建活动 and 单位月报 as community workers use
them — pages for each right, another community's records answer 404, decisions change what they should, bad
input shows its errors and changes nothing, downloads, lists in a fixed number of statements.

The clock stands on Monday 2026-12-07 08:00 in Asia/Shanghai, as in tests/party.
"""

import io
import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from openpyxl import load_workbook
from sqlalchemy import func, select

from cloudplatform.audit.models import AuditEntry
from cloudplatform.clock import LOCAL_TZ, now
from cloudplatform.identity.models import (
    CITY_ADMIN,
    COMMUNITY_ADMIN,
    COMMUNITY_STAFF,
    GRID_WORKER,
    PARTY_MEMBER,
    RESIDENT,
    STREET_ADMIN,
    Membership,
)
from cloudplatform.party.activities.operations import check_in, create_activity, sign_up
from cloudplatform.party.hours.operations import build_unit_reports
from cloudplatform.party.members.operations import claim_post, create_post
from cloudplatform.party.models import (
    APPROVED,
    CANCELLED,
    CLAIMED,
    CONFIRMED,
    PENDING,
    REJECTED,
    RELEASED,
    REVOKED,
    Activity,
    PartyReport,
    PartyUnit,
    PartyUnitCommunity,
    PostClaim,
    ServiceHours,
    ServicePost,
)
from cloudplatform.privacy import mask_name
from cloudplatform.venue import venue_code
from tests.admin.console import sign_in_as, submit, text
from tests.admin.list_pages import ids_on, row_of
from tests.helpers import count_queries
from tests.world import wechat_user

START = datetime(2026, 12, 7, 8, 0, tzinfo=LOCAL_TZ)
TUESDAY_9 = datetime(2026, 12, 8, 9, 0, tzinfo=LOCAL_TZ)
REPORTS, UNITS, POSTS = "/admin/party/reports", "/admin/party/units", "/admin/party/posts"
ACTIVITIES, UNIT_REPORTS = "/admin/party/activities", "/admin/party/unit-reports"
ROLES = [GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN]
MANAGERS = {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def counter(client, world):
    """The community's staff member, signed in."""
    return sign_in_as(client, world.staff[COMMUNITY_STAFF])


def make_unit(db, community, name="宝鸡市税务局高新分局", *also) -> PartyUnit:
    unit = PartyUnit(community_id=community.id, name=name, branch=f"{name}机关党支部", contact_name="王主任")
    db.session.add(unit)
    db.session.flush()
    for c in (community, *also):
        db.session.add(PartyUnitCommunity(unit_id=unit.id, community_id=c.id))
    db.session.commit()
    return unit


def reporter(db, community, unit, real_name: str, status=PENDING, nickname=None) -> PartyReport:
    """A verified resident of ``community`` who reported as a member of ``unit`` (``status``)."""
    user = wechat_user(nickname or real_name)
    db.session.add(Membership(user_id=user.id, community_id=community.id, role=RESIDENT))
    if status == APPROVED:
        db.session.add(Membership(user_id=user.id, community_id=community.id, role=PARTY_MEMBER))
    report = PartyReport(
        user_id=user.id,
        community_id=community.id,
        unit_id=unit.id,
        real_name=real_name,
        position="科员",
        status=status,
        confirmed_until=now() + timedelta(days=300) if status == APPROVED else None,
    )
    db.session.add(report)
    db.session.commit()
    return report


def roles_of(db, report) -> set[str]:
    db.session.commit()
    held = select(Membership.role).where(
        Membership.user_id == report.user_id, Membership.community_id == report.community_id
    )
    return set(db.session.scalars(held))


def fresh(db, model, record_id):
    db.session.commit()  # end the test's transaction: see what the request committed
    return db.session.get(model, record_id)


@pytest.fixture
def unit(db, world):
    return make_unit(db, world.home)


# -- pages by right ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (REPORTS, MANAGERS),
        (UNITS, MANAGERS),
        (f"{UNITS}/new", MANAGERS),
        (POSTS, MANAGERS),
        (f"{POSTS}/new", MANAGERS),
        (ACTIVITIES, set(ROLES)),
        (f"{ACTIVITIES}/new", MANAGERS),
        (UNIT_REPORTS, MANAGERS),
    ],
)
def test_page_answers_by_right(client, world, path, allowed, role):
    sign_in_as(client, world.staff[role])
    assert client.get(path).status_code == (200 if role in allowed else 403)


# -- 报到审核 ---------------------------------------------------------------------------------------


def test_queue_shows_waiting_reports_oldest_first_with_counts_per_status(
    client, db, world, unit, counter, clock
):
    first = reporter(db, world.home, unit, "李建国")
    clock.shift(timedelta(minutes=5))
    second = reporter(db, world.home, unit, "王芳")
    reporter(db, world.home, unit, "赵强", status=APPROVED)
    reporter(db, world.neighbour, unit, "别处人")  # another community's
    page = text(client.get(REPORTS))
    assert ids_on(page, "report") == [str(first.id), str(second.id)]
    assert mask_name("李建国") in page and "李建国" not in page
    counts = dict(re.findall(r'data-count="(\w+)">(\d+)<', page))
    assert counts == {"pending": "2", "approved": "1", "rejected": "0", "revoked": "0", "lapsed": "0"}
    approved = text(client.get(REPORTS, query_string={"status": "approved"}))
    assert len(ids_on(approved, "report")) == 1


def test_queue_searches_by_name_and_by_unit(client, db, world, unit, counter):
    other_unit = make_unit(db, world.home, "高新区教育局")
    li = reporter(db, world.home, unit, "李建国")
    wang = reporter(db, world.home, other_unit, "王芳")
    assert ids_on(text(client.get(REPORTS, query_string={"q": "李建"})), "report") == [str(li.id)]
    page = text(client.get(REPORTS, query_string={"q": "教育局"}))
    assert ids_on(page, "report") == [str(wang.id)]
    assert "共 1 条" in page


def test_street_admin_filters_the_queue_by_community(client, db, world, unit):
    home = reporter(db, world.home, unit, "李建国")
    neighbour = reporter(db, world.neighbour, unit, "王芳")
    sign_in_as(client, world.staff[STREET_ADMIN])
    assert set(ids_on(text(client.get(REPORTS)), "report")) == {str(home.id), str(neighbour.id)}
    page = text(client.get(REPORTS, query_string={"community_id": world.neighbour.id}))
    assert ids_on(page, "report") == [str(neighbour.id)]


def test_queue_runs_the_same_statements_however_many(app, client, db, world, unit, counter):
    reporter(db, world.home, unit, "李建国")
    with count_queries(app) as one:
        client.get(REPORTS)
    for i in range(10):
        reporter(db, world.home, unit, f"党员{i}")
    with count_queries(app) as many:
        assert len(ids_on(text(client.get(REPORTS)), "report")) == 11
    assert len(many) == len(one) <= 5  # the account, the total, the page, the tabs' counts


def test_the_detail_shows_the_full_name_and_records_the_view(client, db, world, unit, counter):
    report = reporter(db, world.home, unit, "李建国")
    page = text(client.get(f"{REPORTS}/{report.id}"))
    assert '<dd data-field="real_name">李建国</dd>' in page
    db.session.commit()
    viewed = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "party_report.view"))
    assert viewed is not None and viewed.target_id == str(report.id)


def test_approving_makes_a_party_member(client, db, world, unit, counter):
    report = reporter(db, world.home, unit, "李建国")
    page = text(submit(client, f"{REPORTS}/{report.id}/approve", page=f"{REPORTS}/{report.id}"))
    assert f"已通过 {mask_name('李建国')} 的报到" in page
    assert fresh(db, PartyReport, report.id).status == APPROVED
    assert PARTY_MEMBER in roles_of(db, report)


def test_approving_twice_shows_the_refusal(client, db, world, unit, counter):
    report = reporter(db, world.home, unit, "李建国", status=REJECTED)
    page = text(submit(client, f"{REPORTS}/{report.id}/approve", page=REPORTS))
    assert "该报到已审核" in page
    assert fresh(db, PartyReport, report.id).status == REJECTED
    assert PARTY_MEMBER not in roles_of(db, report)


def test_rejecting_needs_a_reason_and_changes_nothing_without_one(client, db, world, unit, counter):
    report = reporter(db, world.home, unit, "李建国")
    page = text(submit(client, f"{REPORTS}/{report.id}/reject", {"reason": "  "}, page=REPORTS))
    assert "驳回时请填写原因" in page
    assert fresh(db, PartyReport, report.id).status == PENDING
    page = text(submit(client, f"{REPORTS}/{report.id}/reject", {"reason": "单位信息不符"}, page=REPORTS))
    assert "已驳回" in page
    rejected = fresh(db, PartyReport, report.id)
    assert (rejected.status, rejected.reason) == (REJECTED, "单位信息不符")


def test_revoking_needs_a_reason_then_removes_the_role(client, db, world, unit, counter):
    report = reporter(db, world.home, unit, "李建国", status=APPROVED)
    page = text(submit(client, f"{REPORTS}/{report.id}/revoke", {"reason": ""}, page=REPORTS))
    assert "请填写撤销原因" in page
    assert fresh(db, PartyReport, report.id).status == APPROVED
    page = text(submit(client, f"{REPORTS}/{report.id}/revoke", {"reason": "已调离该单位"}, page=REPORTS))
    assert f"已撤销 {mask_name('李建国')} 的报到" in page
    assert fresh(db, PartyReport, report.id).status == REVOKED
    assert PARTY_MEMBER not in roles_of(db, report)


def test_another_communitys_report_is_not_found_and_unchanged(client, db, world, unit, counter):
    report = reporter(db, world.elsewhere, make_unit(db, world.elsewhere), "李建国")
    assert client.get(f"{REPORTS}/{report.id}").status_code == 404
    response = submit(client, f"{REPORTS}/{report.id}/approve", page=REPORTS)
    assert response.status_code == 404
    assert fresh(db, PartyReport, report.id).status == PENDING


# -- 单位党组织 -------------------------------------------------------------------------------------


def test_units_list_searches_and_counts_members(client, db, world, unit, counter):
    other = make_unit(db, world.home, "高新区教育局")
    make_unit(db, world.elsewhere, "别处单位")
    reporter(db, world.home, unit, "李建国", status=APPROVED)
    reporter(db, world.home, unit, "王芳", status=PENDING)
    page = text(client.get(UNITS))
    assert ids_on(page, "unit") == [str(unit.id), str(other.id)]  # by name
    assert '<td data-field="members">1</td>' in row_of(page, "unit", unit.id)
    assert ids_on(text(client.get(UNITS, query_string={"q": "教育"})), "unit") == [str(other.id)]


def test_units_list_runs_the_same_statements_however_many(app, client, db, world, unit, counter):
    with count_queries(app) as one:
        client.get(UNITS)
    for i in range(10):
        make_unit(db, world.home, f"单位{i}")
    with count_queries(app) as many:
        assert len(ids_on(text(client.get(UNITS)), "unit")) == 11
    assert len(many) == len(one) == 4  # the account, the total, the page, the members


UNIT_FORM = {
    "name": "宝鸡市审计局",
    "branch": "机关党支部",
    "kind": "paired",
    "contact_name": "刘主任",
    "contact_phone": "0917-3210000",
    "agreement_starts": "2026-01-01",
    "agreement_ends": "2027-12-31",
    "commitments": "四点半课堂辅导\n\n文明劝导\n",
}


def test_a_street_admin_registers_a_unit_open_to_two_communities(client, db, world):
    sign_in_as(client, world.staff[STREET_ADMIN])
    contact = wechat_user("刘主任")
    db.session.add(Membership(user_id=contact.id, community_id=world.home.id, role=RESIDENT))
    db.session.commit()
    form = UNIT_FORM | {
        "community_id": world.home.id,
        "community_ids": [world.neighbour.id],
        "contact_user_id": contact.id,
    }
    page = text(submit(client, f"{UNITS}/new", form, page=f"{UNITS}/new"))
    assert "已登记单位党组织“宝鸡市审计局”" in page
    db.session.commit()
    unit = db.session.scalar(select(PartyUnit).where(PartyUnit.name == "宝鸡市审计局"))
    assert (unit.community_id, unit.kind, unit.contact_user_id) == (world.home.id, "paired", contact.id)
    assert unit.commitments == ["四点半课堂辅导", "文明劝导"]
    assert unit.agreement_ends == date(2027, 12, 31)
    linked = db.session.scalars(
        select(PartyUnitCommunity.community_id).where(PartyUnitCommunity.unit_id == unit.id)
    )
    assert set(linked) == {world.home.id, world.neighbour.id}


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"name": ""}, "请填写单位名称"),
        ({"agreement_ends": "2025-01-01"}, "协议结束日期应不早于开始日期"),
        ({"agreement_starts": "2026-13-01"}, "日期格式应为 年-月-日"),
        ({"contact_phone": "电话"}, "联系电话应为 5 至 20 位数字"),
        ({"kind": "other"}, "请选择类型"),
        ({"commitments": "项" * 65}, "第 1 项不能超过 64 字"),
        ({"contact_user_id": "999999"}, "该微信用户不存在"),
    ],
)
def test_a_bad_unit_form_shows_its_error_and_creates_nothing(client, db, world, counter, changes, error):
    response = submit(client, f"{UNITS}/new", UNIT_FORM | changes, page=f"{UNITS}/new")
    assert response.status_code == 422
    assert error in text(response)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(PartyUnit)) == 0


def test_a_unit_cannot_open_to_a_community_outside_the_scope(client, db, world, counter):
    form = UNIT_FORM | {"community_id": world.home.id, "add_community_id": world.elsewhere.id}
    response = submit(client, f"{UNITS}/new", form, page=f"{UNITS}/new")
    assert "社区不存在" in text(response)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(PartyUnit)) == 0


def test_editing_a_unit_shows_its_agreement_and_saves_changes(client, db, world, unit, counter):
    unit.commitments = ["文明劝导"]
    db.session.commit()
    page = text(client.get(f"{UNITS}/{unit.id}/edit"))
    assert "文明劝导</textarea>" in page
    form = UNIT_FORM | {"name": "宝鸡市税务局", "community_ids": [world.home.id]}
    page = text(submit(client, f"{UNITS}/{unit.id}/edit", form, page=f"{UNITS}/{unit.id}/edit"))
    assert "已保存单位党组织“宝鸡市税务局”" in page
    saved = fresh(db, PartyUnit, unit.id)
    assert (saved.name, saved.commitments) == ("宝鸡市税务局", ["四点半课堂辅导", "文明劝导"])


def test_a_community_worker_keeps_the_communities_a_street_admin_opened_the_unit_to(
    client, db, world, counter
):
    unit = make_unit(db, world.home, "宝鸡市审计局", world.neighbour)
    page = text(client.get(f"{UNITS}/{unit.id}/edit"))
    assert (
        f"{world.home.name}、{world.neighbour.name}" in page
        or f"{world.neighbour.name}、{world.home.name}" in page
    )
    assert 'name="community_ids"' not in page
    path = f"{UNITS}/{unit.id}/edit"
    assert "已保存单位党组织" in text(submit(client, path, UNIT_FORM, page=path))
    db.session.commit()
    linked = db.session.scalars(
        select(PartyUnitCommunity.community_id).where(PartyUnitCommunity.unit_id == unit.id)
    )
    assert set(linked) == {world.home.id, world.neighbour.id}


def test_deactivating_and_activating_a_unit(client, db, world, unit, counter):
    page = text(submit(client, f"{UNITS}/{unit.id}/active", {"active": "0"}, page=UNITS))
    assert "已停用单位党组织" in page
    assert fresh(db, PartyUnit, unit.id).active is False
    submit(client, f"{UNITS}/{unit.id}/active", {"active": "1"}, page=UNITS)
    assert fresh(db, PartyUnit, unit.id).active is True


def test_another_communitys_unit_is_not_found(client, db, world, counter):
    other = make_unit(db, world.elsewhere, "别处单位")
    assert client.get(f"{UNITS}/{other.id}/edit").status_code == 404
    assert submit(client, f"{UNITS}/{other.id}/active", {"active": "0"}, page=UNITS).status_code == 404
    assert fresh(db, PartyUnit, other.id).active is True


# -- 服务岗位 ---------------------------------------------------------------------------------------

POST_FORM = {"title": "楼栋党员联络员", "duties": "每月走访", "headcount": "2"}
POST_FORM |= {"starts_on": "2026-01-01", "ends_on": "2026-12-31"}


def open_post(db, world, community=None, headcount=2) -> ServicePost:
    staff = world.staff[COMMUNITY_STAFF] if community is None else world.staff[CITY_ADMIN]
    post = create_post(
        staff,
        (community or world.home).id,
        title="楼栋党员联络员",
        duties="每月走访",
        headcount=headcount,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    db.session.commit()
    return post


def claimed(db, community, unit, name, post) -> PostClaim:
    report = reporter(db, community, unit, name, status=APPROVED)
    claim = claim_post(report.user, post.id)
    db.session.commit()
    return claim


def test_creating_a_post(client, db, world, counter):
    page = text(
        submit(client, f"{POSTS}/new", POST_FORM | {"community_id": world.home.id}, page=f"{POSTS}/new")
    )
    assert "已设立服务岗位“楼栋党员联络员”" in page
    db.session.commit()
    post = db.session.scalar(select(ServicePost))
    assert (post.headcount, post.ends_on) == (2, date(2026, 12, 31))


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"title": ""}, "请填写岗位名称"),
        ({"headcount": "0"}, "应为 1 至 500 之间的整数"),
        ({"headcount": "两"}, "请填写整数"),
        ({"ends_on": "2025-01-01"}, "结束日期应不早于开始日期"),
        ({"starts_on": ""}, "请选择开始日期"),
    ],
)
def test_a_bad_post_form_shows_its_error_and_creates_nothing(client, db, world, counter, changes, error):
    form = POST_FORM | {"community_id": world.home.id} | changes
    response = submit(client, f"{POSTS}/new", form, page=f"{POSTS}/new")
    assert response.status_code == 422 and error in text(response)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ServicePost)) == 0


def test_posts_list_shows_claims_waiting(client, db, world, unit, counter):
    post = open_post(db, world)
    claimed(db, world.home, unit, "李建国", post)
    open_post(db, world, world.elsewhere)
    page = text(client.get(POSTS))
    assert ids_on(page, "post") == [str(post.id)]
    row = row_of(page, "post", post.id)
    assert '<td data-field="claimed">1 / 2</td>' in row and '<td data-field="waiting">1</td>' in row


def test_posts_list_runs_the_same_statements_however_many(app, client, db, world, counter):
    open_post(db, world)
    with count_queries(app) as one:
        client.get(POSTS)
    for _ in range(10):
        open_post(db, world)
    with count_queries(app) as many:
        assert len(ids_on(text(client.get(POSTS)), "post")) == 11
    assert len(many) == len(one) == 5  # the account, the total, the page, waiting claims, communities


def test_confirming_a_claim_then_crediting_a_month(client, db, world, unit, counter):
    post = open_post(db, world)
    claim = claimed(db, world.home, unit, "李建国", post)
    page = text(client.get(f"{POSTS}/{post.id}"))
    assert mask_name("李建国") in row_of(page, "claim", claim.id)
    page = text(submit(client, f"/admin/party/claims/{claim.id}/confirm", page=f"{POSTS}/{post.id}"))
    assert "已确认" in page
    assert fresh(db, PostClaim, claim.id).status == CONFIRMED
    form = {"month": "2026-11", "minutes": "240", "note": "走访 8 户"}
    page = text(submit(client, f"/admin/party/claims/{claim.id}/credit", form, page=f"{POSTS}/{post.id}"))
    assert "服务时长 240 分钟" in page
    assert "2026年11月：240 分钟（走访 8 户）" in page
    db.session.commit()
    hours = db.session.scalar(select(ServiceHours).where(ServiceHours.claim_id == claim.id))
    assert (hours.served_on, hours.minutes) == (date(2026, 11, 1), 240)
    again = text(submit(client, f"/admin/party/claims/{claim.id}/credit", form, page=f"{POSTS}/{post.id}"))
    assert "该出勤已确认，服务时长已记入" in again


@pytest.mark.parametrize(
    ("form", "error"),
    [
        ({"month": "2027-01", "minutes": "60"}, "不能为未来的月份记入时长"),
        ({"month": "2026-11", "minutes": "0"}, "应为 1 至 44640 之间的整数"),
        ({"month": "11月", "minutes": "60"}, "月份格式应为 年-月"),
    ],
)
def test_a_bad_credit_is_shown_on_the_post_and_credits_nothing(client, db, world, unit, counter, form, error):
    post = open_post(db, world)
    claim = claimed(db, world.home, unit, "李建国", post)
    submit(client, f"/admin/party/claims/{claim.id}/confirm", page=f"{POSTS}/{post.id}")
    response = submit(client, f"/admin/party/claims/{claim.id}/credit", form, page=f"{POSTS}/{post.id}")
    assert response.status_code == 422 and error in text(response)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ServiceHours)) == 0


def test_turning_a_claim_down_gives_the_place_back(client, db, world, unit, counter):
    post = open_post(db, world)
    claim = claimed(db, world.home, unit, "李建国", post)
    page = text(submit(client, f"/admin/party/claims/{claim.id}/release", page=f"{POSTS}/{post.id}"))
    assert "已释放" in page
    assert fresh(db, PostClaim, claim.id).status == RELEASED
    assert fresh(db, ServicePost, post.id).claimed == 0


def test_editing_and_closing_a_post(client, db, world, counter):
    post = open_post(db, world)
    form = POST_FORM | {"title": "文明劝导岗", "headcount": "5"}
    page = text(submit(client, f"{POSTS}/{post.id}", form, page=f"{POSTS}/{post.id}"))
    assert "已保存服务岗位“文明劝导岗”" in page
    assert fresh(db, ServicePost, post.id).headcount == 5
    page = text(submit(client, f"{POSTS}/{post.id}/close", page=f"{POSTS}/{post.id}"))
    assert "已停止认领" in page
    assert fresh(db, ServicePost, post.id).active is False


def test_another_communitys_post_and_claim_are_not_found(client, db, world, counter):
    post = open_post(db, world, world.elsewhere)
    claim = claimed(db, world.elsewhere, make_unit(db, world.elsewhere), "李建国", post)
    assert client.get(f"{POSTS}/{post.id}").status_code == 404
    assert submit(client, f"/admin/party/claims/{claim.id}/confirm", page=POSTS).status_code == 404
    assert fresh(db, PostClaim, claim.id).status == CLAIMED


# -- 党建活动 ---------------------------------------------------------------------------------------


def make_activity(db, world, community=None, starts_at=TUESDAY_9, **fields) -> Activity:
    staff = world.staff[COMMUNITY_STAFF] if community is None else world.staff[CITY_ADMIN]
    values = {
        "title": "十二月主题党日",
        "venue": "党群服务中心",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=2),
        "capacity": 1,
    } | fields
    activity = create_activity(staff, (community or world.home).id, **values)
    db.session.commit()
    return activity


ACTIVITY_FORM = {
    "title": "学习二十大精神",
    "kind": "study",
    "venue": "党群服务中心",
    "starts_at": "2026-12-10T14:00",
    "ends_at": "2026-12-10T16:00",
    "capacity": "20",
    "audience": "community",
    "cancel_deadline_hours": "2",
    "check_in_margin_minutes": "30",
}


def test_the_list_shows_upcoming_activities_soonest_first(client, db, world, counter):
    later = make_activity(db, world, starts_at=TUESDAY_9 + timedelta(days=7))
    sooner = make_activity(db, world)
    past = make_activity(db, world, starts_at=START - timedelta(days=3))
    make_activity(db, world, world.elsewhere)
    assert ids_on(text(client.get(ACTIVITIES)), "activity") == [str(sooner.id), str(later.id)]
    assert ids_on(text(client.get(ACTIVITIES, query_string={"when": "past"})), "activity") == [str(past.id)]


def test_the_activity_list_runs_the_same_statements_however_many(app, client, db, world, counter):
    make_activity(db, world)
    with count_queries(app) as one:
        client.get(ACTIVITIES)
    for i in range(10):
        make_activity(db, world, starts_at=TUESDAY_9 + timedelta(days=i + 1))
    with count_queries(app) as many:
        assert len(ids_on(text(client.get(ACTIVITIES)), "activity")) == 11
    assert len(many) == len(one) == 5  # the account, the total, the page, the counts, the communities


def test_publishing_an_activity(client, db, world, counter):
    page = text(
        submit(
            client,
            f"{ACTIVITIES}/new",
            ACTIVITY_FORM | {"community_id": world.home.id},
            page=f"{ACTIVITIES}/new",
        )
    )
    assert "已发布党建活动“学习二十大精神”" in page
    db.session.commit()
    activity = db.session.scalar(select(Activity))
    assert (activity.kind, activity.capacity) == ("study", 20)
    assert activity.starts_at == datetime(2026, 12, 10, 14, 0, tzinfo=LOCAL_TZ)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"title": ""}, "请填写活动名称"),
        ({"ends_at": "2026-12-10T13:00"}, "结束时间应晚于开始时间"),
        ({"starts_at": "明天"}, "时间格式应为 年-月-日 时:分"),
        ({"capacity": "0"}, "应为 1 至 5000 之间的整数"),
        ({"audience": "unit"}, "面向指定单位党员时请选择单位"),
        ({"kind": "party"}, "请选择活动类型"),
    ],
)
def test_a_bad_activity_form_shows_its_error_and_creates_nothing(client, db, world, counter, changes, error):
    form = ACTIVITY_FORM | {"community_id": world.home.id} | changes
    response = submit(client, f"{ACTIVITIES}/new", form, page=f"{ACTIVITIES}/new")
    assert response.status_code == 422 and error in text(response)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Activity)) == 0


def test_an_activity_for_a_unit_not_open_to_the_community_is_refused(client, db, world, counter):
    elsewhere = make_unit(db, world.elsewhere, "别处单位")
    form = ACTIVITY_FORM | {"community_id": world.home.id, "audience": "unit", "unit_id": elsewhere.id}
    response = submit(client, f"{ACTIVITIES}/new", form, page=f"{ACTIVITIES}/new")
    assert "单位党组织不存在" in text(response)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Activity)) == 0


def test_the_activity_shows_signups_in_order_with_the_waitlist_and_the_venue_link(
    client, db, world, unit, counter
):
    activity = make_activity(db, world)  # one place
    first = reporter(db, world.home, unit, "李建国", status=APPROVED)
    second = reporter(db, world.home, unit, "王芳", status=APPROVED)
    sign_up(first.user, activity.id)
    sign_up(second.user, activity.id)
    db.session.commit()
    page = text(client.get(f"{ACTIVITIES}/{activity.id}"))
    rows = re.findall(r'<tr data-signup="\d+">(.*?)</tr>', page, re.S)
    assert [re.search(r'data-field="status">([^<]+)<', r).group(1) for r in rows] == ["已报名", "候补中"]
    assert mask_name("王芳") in rows[1]
    assert f'href="/admin/venue/party_activity/{activity.id}"' in page
    assert "候补 1 人" in page


def test_confirming_attendance_credits_hours_and_a_correction_needs_a_reason(client, db, world, unit, clock):
    activity = make_activity(db, world, capacity=2)
    member = reporter(db, world.home, unit, "李建国", status=APPROVED)
    signup = sign_up(member.user, activity.id)
    db.session.commit()
    clock.move_to(TUESDAY_9 + timedelta(minutes=5))
    signup = check_in(member.user, venue_code("party_activity", activity.id))
    db.session.commit()
    sign_in_as(client, world.staff[COMMUNITY_STAFF])  # on the day
    page_path = f"{ACTIVITIES}/{activity.id}"
    assert "确认出勤" in text(client.get(page_path))
    page = text(submit(client, f"/admin/party/signups/{signup.id}/confirm"))
    assert "已确认出勤并记入服务时长" in page
    assert '<td data-field="minutes">120 分钟</td>' in page
    refused = text(
        submit(client, f"/admin/party/signups/{signup.id}/correct", {"minutes": "60"}, page=page_path)
    )
    assert "请填写更正原因" in refused
    db.session.commit()
    assert db.session.scalar(select(ServiceHours.minutes).where(ServiceHours.signup_id == signup.id)) == 120
    form = {"minutes": "90", "reason": "提前离场"}
    page = text(submit(client, f"/admin/party/signups/{signup.id}/correct", form, page=page_path))
    assert "已将服务时长更正为 90 分钟" in page
    db.session.commit()
    hours = db.session.scalar(select(ServiceHours).where(ServiceHours.signup_id == signup.id))
    assert (hours.minutes, hours.note) == (90, "提前离场")


def test_a_grid_worker_confirms_attendance_but_does_not_edit(client, db, world, unit, clock):
    activity = make_activity(db, world)
    member = reporter(db, world.home, unit, "李建国", status=APPROVED)
    sign_up(member.user, activity.id)
    db.session.commit()
    clock.move_to(TUESDAY_9)
    signup = check_in(member.user, venue_code("party_activity", activity.id))
    db.session.commit()
    sign_in_as(client, world.staff[GRID_WORKER])
    page = text(client.get(f"{ACTIVITIES}/{activity.id}"))
    assert "修改活动" not in page and "确认出勤" in page
    assert client.get(f"{ACTIVITIES}/{activity.id}/edit").status_code == 403
    submit(client, f"/admin/party/signups/{signup.id}/confirm", page=f"{ACTIVITIES}/{activity.id}")
    db.session.commit()
    assert db.session.scalar(select(ServiceHours.minutes).where(ServiceHours.signup_id == signup.id)) == 120


def test_confirming_everyone_checked_in_at_once(client, db, world, unit, clock):
    activity = make_activity(db, world, capacity=3)
    members = [reporter(db, world.home, unit, name, status=APPROVED) for name in ("李建国", "王芳", "赵强")]
    for m in members:
        sign_up(m.user, activity.id)
    db.session.commit()
    clock.move_to(TUESDAY_9)
    for m in members[:2]:
        check_in(m.user, venue_code("party_activity", activity.id))
    db.session.commit()
    sign_in_as(client, world.staff[GRID_WORKER])
    page_path = f"{ACTIVITIES}/{activity.id}"
    page = text(submit(client, f"{page_path}/confirm-all", page=page_path))
    assert "已确认 2 名签到党员的出勤并记入服务时长" in page
    assert page.count('<td data-field="minutes">120 分钟</td>') == 2
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(ServiceHours)) == 2


def test_editing_and_cancelling_an_activity(client, db, world, counter):
    activity = make_activity(db, world)
    path = f"{ACTIVITIES}/{activity.id}/edit"
    form = ACTIVITY_FORM | {"capacity": "40"}
    page = text(submit(client, path, form, page=path))
    assert "已保存党建活动“学习二十大精神”" in page
    assert fresh(db, Activity, activity.id).capacity == 40
    page = text(submit(client, f"{ACTIVITIES}/{activity.id}/cancel", {"reason": "天气原因"}, page=path))
    assert "已取消党建活动" in page
    assert fresh(db, Activity, activity.id).status == CANCELLED


def test_a_started_activity_is_not_changed(client, db, world, clock):
    activity = make_activity(db, world)
    clock.move_to(TUESDAY_9 + timedelta(minutes=1))
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    path = f"{ACTIVITIES}/{activity.id}/edit"
    page = text(submit(client, path, ACTIVITY_FORM | {"capacity": "40"}))
    assert "活动已开始，无法修改或取消" in page
    assert fresh(db, Activity, activity.id).capacity == 1


def test_another_communitys_activity_and_signup_are_not_found(client, db, world, counter):
    activity = make_activity(db, world, world.elsewhere)
    member = reporter(db, world.elsewhere, make_unit(db, world.elsewhere), "李建国", status=APPROVED)
    signup = sign_up(member.user, activity.id)
    db.session.commit()
    assert client.get(f"{ACTIVITIES}/{activity.id}").status_code == 404
    assert client.get(f"/admin/venue/party_activity/{activity.id}").status_code == 404
    assert submit(client, f"{ACTIVITIES}/{activity.id}/cancel", page=ACTIVITIES).status_code == 404
    assert submit(client, f"/admin/party/signups/{signup.id}/confirm", page=ACTIVITIES).status_code == 404
    assert fresh(db, Activity, activity.id).status != CANCELLED


def test_the_venue_screen_names_the_activity(client, db, world, counter):
    activity = make_activity(db, world)
    page = text(client.get(f"/admin/venue/party_activity/{activity.id}"))
    assert "党建活动签到" in page and "十二月主题党日（党群服务中心）" in page
    image = client.get(f"/admin/venue/party_activity/{activity.id}.png")
    assert image.status_code == 200 and image.mimetype == "image/png"


# -- 单位月报 ---------------------------------------------------------------------------------------

NOVEMBER = date(2026, 11, 1)


@pytest.fixture
def november(db, world, unit):
    """November's reports: the home unit with two members, one credited 90 minutes; and one elsewhere."""
    report = reporter(db, world.home, unit, "李建国", status=APPROVED)
    reporter(db, world.home, unit, "=王芳", status=APPROVED, nickname="wangfang")
    db.session.add(
        ServiceHours(
            user_id=report.user_id,
            community_id=world.home.id,
            unit_id=unit.id,
            source="post",
            served_on=date(2026, 11, 1),
            minutes=90,
        )
    )
    make_unit(db, world.elsewhere, "别处单位")
    build_unit_reports(NOVEMBER)
    db.session.commit()
    return world


def test_unit_reports_of_a_month(client, november, counter):
    page = text(client.get(UNIT_REPORTS, query_string={"month": "2026-11"}))
    assert "单位月报 · 2026年11月" in page
    (report_id,) = ids_on(page, "unit-report")
    row = row_of(page, "unit-report", report_id)
    assert '<td data-field="members">2</td>' in row and '<td data-field="hours">1.5</td>' in row
    assert ids_on(text(client.get(UNIT_REPORTS, query_string={"month": "2026-10"})), "unit-report") == []
    # last month by default
    assert ids_on(text(client.get(UNIT_REPORTS)), "unit-report") == [report_id]


def test_a_unit_report_lists_its_members_masked(client, november, counter):
    report_id = ids_on(text(client.get(UNIT_REPORTS)), "unit-report")[0]
    page = text(client.get(f"{UNIT_REPORTS}/{report_id}"))
    assert mask_name("李建国") in page and "李建国" not in page
    assert '<div class="value" data-count="hours">1.5</div>' in page


def test_a_unit_report_downloads_as_csv_and_excel(client, db, november, counter):
    report_id = ids_on(text(client.get(UNIT_REPORTS)), "unit-report")[0]
    csv = client.get(f"{UNIT_REPORTS}/{report_id}.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    body = csv.get_data().decode("utf-8-sig")
    assert body.splitlines()[0] == "姓名,居住社区,报到状态,参加活动（次）,服务岗位（个）,服务时长（小时）"
    assert "'=" in body  # a name that would start a formula is quoted
    assert "filename*=UTF-8''" in csv.headers["Content-Disposition"]
    xlsx = client.get(f"{UNIT_REPORTS}/{report_id}.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and rows[-1][0] == "合计" and rows[-1][-1] == 1.5
    exports = db.session.scalars(select(AuditEntry.details).where(AuditEntry.action == "export.unit_report"))
    assert [d["format"] for d in exports] == ["csv", "xlsx"]


def test_another_communitys_unit_report_is_not_found(client, db, november):
    sign_in_as(client, november.staff[CITY_ADMIN])
    everyone = ids_on(text(client.get(UNIT_REPORTS)), "unit-report")
    assert len(everyone) == 2
    client.post("/admin/sign-out")
    sign_in_as(client, november.staff[COMMUNITY_STAFF])
    (mine,) = ids_on(text(client.get(UNIT_REPORTS)), "unit-report")
    (theirs,) = set(everyone) - {mine}
    assert client.get(f"{UNIT_REPORTS}/{theirs}").status_code == 404
    assert client.get(f"{UNIT_REPORTS}/{theirs}.csv").status_code == 404


# -- the dashboard --------------------------------------------------------------------------------


def party_figures_on(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-party-count="(\w+)">([\d.]+)<', page))


def test_the_dashboard_shows_party_figures_of_the_scope(client, db, world, unit):
    reporter(db, world.home, unit, "李建国", status=APPROVED)
    neighbour = reporter(
        db, world.neighbour, make_unit(db, world.neighbour, "邻居单位"), "王芳", status=APPROVED
    )
    post = open_post(db, world)
    claimed(db, world.home, unit, "赵强", post)
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    figures = party_figures_on(text(client.get("/admin/")))
    assert figures == {
        "units_reported": "1",
        "members_reported": "2",  # 李建国 and 赵强
        "activities_held": "0",
        "hours_served": "0.0",
        "posts_claimed": "1",
    }
    client.post("/admin/sign-out")
    sign_in_as(client, world.staff[STREET_ADMIN])
    page = text(client.get("/admin/"))
    assert party_figures_on(page)["members_reported"] == "3"
    assert f'data-party-row="{world.neighbour.name}"' in page
    assert 'data-chart="party-hours"' not in page  # no hours served yet
    db.session.add(
        ServiceHours(
            user_id=neighbour.user_id,
            community_id=world.neighbour.id,
            source="post",
            served_on=date(2026, 11, 1),
            minutes=90,
        )
    )
    db.session.commit()
    chart = text(client.get("/admin/")).split('data-chart="party-hours"')[1].split("</svg>")[0]
    assert f"<title>{world.neighbour.name}：1.5小时</title>" in chart
    assert world.home.name not in chart  # only where hours were served


def test_the_dashboard_counts_reports_waiting_and_links_to_the_queue(client, db, world, unit):
    reporter(db, world.home, unit, "李建国")
    reporter(db, world.elsewhere, make_unit(db, world.elsewhere, "别处单位"), "王芳")
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    page = text(client.get("/admin/"))
    assert '<div class="value" data-count="待审核党员报到">1</div>' in page
    assert re.search(
        r'data-tile="待审核党员报到">\s*<div class="label"><a href="/admin/party/reports">', page
    )


def test_the_unit_report_list_runs_the_same_statements_however_many(app, client, db, november, counter):
    with count_queries(app) as one:
        client.get(UNIT_REPORTS)
    for i in range(5):
        make_unit(db, november.home, f"单位{i}")
    build_unit_reports(NOVEMBER)
    db.session.commit()
    with count_queries(app) as many:
        assert len(ids_on(text(client.get(UNIT_REPORTS)), "unit-report")) == 6
    assert len(many) == len(one) == 3  # the account, the total, the page with its units


def test_the_activity_page_runs_the_same_statements_however_many_signed_up(
    app, client, db, world, unit, counter
):
    activity = make_activity(db, world, capacity=20)
    path = f"{ACTIVITIES}/{activity.id}"
    sign_up(reporter(db, world.home, unit, "党员甲", status=APPROVED).user, activity.id)
    db.session.commit()
    with count_queries(app) as one:
        client.get(path)
    for i in range(10):
        sign_up(reporter(db, world.home, unit, f"党员{i}", status=APPROVED).user, activity.id)
    db.session.commit()
    with count_queries(app) as many:
        assert len(ids_on(text(client.get(path)), "signup")) == 11
    assert len(many) == len(one) <= 6  # account, activity, waitlist, sign-ups, labels, community
