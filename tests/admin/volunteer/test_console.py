"""志愿云 in the console: 志愿班次, a shift's roster and attendance, 出勤确认, 时长异议, 积分规则 and 志愿者
as community workers use them — pages for each right, another community's records answer 404, actions change
what they should, bad input shows its Chinese error and changes nothing, lists in a bounded number of
statements.

The clock stands on Monday 2026-12-07 08:00 in Asia/Shanghai, as in tests/volunteer.
"""

import re
from datetime import date, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from cloudplatform.clock import now
from cloudplatform.identity.models import (
    CITY_ADMIN,
    COMMUNITY_ADMIN,
    COMMUNITY_STAFF,
    GRID_WORKER,
    STREET_ADMIN,
)
from cloudplatform.privacy import mask_name
from cloudplatform.volunteer.models import (
    CANCELLED,
    WAITING,
    HoursDispute,
    PointEntry,
    PointRule,
    Shift,
    ShiftSignup,
    Volunteer,
    VolunteerProject,
)
from cloudplatform.volunteer.points.operations import adjust_points
from tests.admin.console import sign_in_as, submit, text
from tests.admin.list_pages import ids_on, row_of
from tests.helpers import count_queries
from tests.volunteer.fixtures import START, project, rule, shift, signup, volunteer

SHIFTS, ATTENDANCE, DISPUTES = (
    "/admin/volunteer/shifts",
    "/admin/volunteer/attendance",
    "/admin/volunteer/disputes",
)
RULES, VOLUNTEERS, PROJECTS = (
    "/admin/volunteer/rules",
    "/admin/volunteer/volunteers",
    "/admin/volunteer/projects",
)
ROLES = [GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN]
MANAGERS = {COMMUNITY_STAFF, COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN}
ADMINS = {COMMUNITY_ADMIN, STREET_ADMIN, CITY_ADMIN}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def counter(client, world):
    """The community's staff member, signed in."""
    return sign_in_as(client, world.staff[COMMUNITY_STAFF])


def fresh(db, model, record_id):
    db.session.commit()  # end the test's transaction: see what the request committed
    return db.session.get(model, record_id)


def counted(db, model, *where) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def attended(world, names=("李建国", "王芳"), community=None):
    """A two-hour shift of ``community`` (home) that started an hour ago, each volunteer signed up and
    checked in at its start (no check-out: the end counts): (shift, sign-ups)."""
    on = shift(project(community or world.home), starts_in=timedelta(hours=-1), capacity=max(5, len(names)))
    made = [
        signup(on, volunteer(community or world.home, name), checked_in_at=on.starts_at) for name in names
    ]
    return on, made


# -- pages by right ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (SHIFTS, set(ROLES)),
        (f"{SHIFTS}/new", MANAGERS),
        (f"{PROJECTS}/new", MANAGERS),
        (ATTENDANCE, set(ROLES)),
        (DISPUTES, ADMINS),
        (RULES, ADMINS),
        (VOLUNTEERS, MANAGERS),
    ],
)
def test_page_answers_by_right(client, world, path, allowed, role):
    sign_in_as(client, world.staff[role])
    assert client.get(path).status_code == (200 if role in allowed else 403)


@pytest.mark.parametrize(("role", "shown"), [(COMMUNITY_ADMIN, True), (GRID_WORKER, False)])
def test_the_sidebar_shows_the_volunteer_group(client, world, role, shown):
    sign_in_as(client, world.staff[role])
    page = text(client.get("/admin/", follow_redirects=True))
    for label in ("志愿云", "志愿班次", "出勤确认"):
        assert label in page
    assert ("时长异议" in page and "积分规则" in page) == shown


# -- 志愿班次 -------------------------------------------------------------------------------------


def test_the_list_shows_upcoming_shifts_soonest_first_with_places_and_waitlist(client, db, world, counter):
    course = project(world.home)
    later = shift(course, starts_in=timedelta(days=5))
    sooner = shift(course, starts_in=timedelta(days=1), capacity=1)
    past = shift(course, starts_in=timedelta(days=-3))
    shift(project(world.elsewhere))
    signup(sooner, volunteer(world.home, "李建国"))
    signup(sooner, volunteer(world.home, "王芳"), status=WAITING)
    page = text(client.get(SHIFTS))
    assert ids_on(page, "shift") == [str(sooner.id), str(later.id)]
    row = row_of(page, "shift", sooner.id)
    assert "1 / 1" in row and '<td data-field="waiting">1</td>' in row and "四点半课堂" in row
    assert ids_on(text(client.get(SHIFTS, query_string={"when": "past"})), "shift") == [str(past.id)]


def test_the_list_filters_by_project_and_searches(client, db, world, counter):
    course, care = project(world.home), project(world.home, "智慧老人课堂", "elderly")
    one, other = shift(course), shift(care, starts_in=timedelta(days=3))
    assert ids_on(text(client.get(SHIFTS, query_string={"project_id": care.id})), "shift") == [str(other.id)]
    assert ids_on(text(client.get(SHIFTS, query_string={"q": "四点半"})), "shift") == [str(one.id)]


def test_the_shift_list_runs_the_same_statements_however_many(app, client, db, world, counter):
    course = project(world.home)
    shift(course)
    with count_queries(app) as one:
        client.get(SHIFTS)
    for i in range(10):
        on = shift(project(world.home, f"项目{i}"), starts_in=timedelta(days=i + 3))
        signup(on, volunteer(world.home, f"志愿者{i}"))
    with count_queries(app) as many:
        assert len(ids_on(text(client.get(SHIFTS)), "shift")) == 11
    assert len(many) == len(one) <= 7


SHIFT_FORM = {
    "starts_at": "2026-12-10T14:00",
    "ends_at": "2026-12-10T16:00",
    "place": "社区党群服务中心",
    "capacity": "8",
    "skills": "急救，书法",
    "cancel_deadline_hours": "2",
    "check_in_margin_minutes": "30",
}


def test_creating_a_project_then_its_shift(client, db, world, counter):
    form = {
        "community_id": world.home.id,
        "name": "四点半课堂",
        "category": "youth",
        "description": "课后辅导",
    }
    page = text(submit(client, f"{PROJECTS}/new", form, page=f"{PROJECTS}/new"))
    assert "已创建志愿项目“四点半课堂”" in page and "发布班次" in page
    created = db.session.scalar(select(VolunteerProject))
    page = text(
        submit(client, f"{SHIFTS}/new", SHIFT_FORM | {"project_id": created.id}, page=f"{SHIFTS}/new")
    )
    assert "已发布“四点半课堂”的班次" in page
    made = db.session.scalar(select(Shift))
    assert (made.capacity, made.place, made.skills) == (8, "社区党群服务中心", ["急救", "书法"])
    assert made.community_id == world.home.id


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"place": ""}, "请填写服务地点"),
        ({"ends_at": "2026-12-10T13:00"}, "结束时间应晚于开始时间"),
        ({"starts_at": "明天"}, "时间格式应为 年-月-日 时:分"),
        ({"capacity": "0"}, "应为 1 至 500 之间的整数"),
        ({"project_id": ""}, "请选择志愿项目"),
        ({"starts_at": "2026-12-01T14:00"}, "班次时间有误"),
    ],
)
def test_a_bad_shift_form_shows_its_error_and_creates_nothing(client, db, world, counter, changes, error):
    course = project(world.home)
    form = SHIFT_FORM | {"project_id": course.id} | changes
    response = submit(client, f"{SHIFTS}/new", form, page=f"{SHIFTS}/new")
    assert response.status_code in (409, 422, 400) and error in text(response)
    assert counted(db, Shift) == 0


def test_a_shift_of_another_communitys_project_is_refused(client, db, world, counter):
    elsewhere = project(world.elsewhere)
    response = submit(
        client, f"{SHIFTS}/new", SHIFT_FORM | {"project_id": elsewhere.id}, page=f"{SHIFTS}/new"
    )
    assert response.status_code == 404 and "志愿项目不存在" in text(response)
    assert counted(db, Shift) == 0


def test_a_bad_project_form_creates_nothing(client, db, world, counter):
    form = {"community_id": world.home.id, "name": "", "category": "youth"}
    response = submit(client, f"{PROJECTS}/new", form, page=f"{PROJECTS}/new")
    assert response.status_code == 422 and "请填写项目名称" in text(response)
    response = submit(client, f"{PROJECTS}/new", form | {"name": "课堂", "category": "sport"})
    assert response.status_code == 422 and "请选择项目类别" in text(response)
    assert counted(db, VolunteerProject) == 0


def test_cancelling_a_shift_needs_a_reason(client, db, world, counter):
    on = shift(project(world.home))
    taken = signup(on, volunteer(world.home, "李建国"))
    path = f"{SHIFTS}/{on.id}"
    page = text(submit(client, f"{path}/cancel", {"reason": ""}, page=path))
    assert "请填写取消原因" in page
    assert fresh(db, Shift, on.id).status != CANCELLED
    page = text(submit(client, f"{path}/cancel", {"reason": "天气原因"}, page=path))
    assert "已取消“四点半课堂”的班次" in page
    assert fresh(db, Shift, on.id).status == CANCELLED
    assert fresh(db, ShiftSignup, taken.id).status == "withdrawn"


# -- a shift's page -------------------------------------------------------------------------------------


def test_the_shift_shows_its_roster_in_order_with_the_waitlist_and_the_venue_link(client, db, world, counter):
    on = shift(project(world.home), capacity=1)
    signup(on, volunteer(world.home, "李建国"))
    signup(on, volunteer(world.home, "王芳"), status=WAITING)
    page = text(client.get(f"{SHIFTS}/{on.id}"))
    assert mask_name("李建国") in row_of(page, "signup", r"\d+") and "李建国" not in page
    assert re.search(r'<tr data-waiting="\d+"><td>1</td><td>王\*</td>', page)
    assert f'href="/admin/venue/volunteer_shift/{on.id}"' in page
    assert "已占 1 / 1，候补 1 人" in page and "取消班次" in page


def test_confirming_one_then_correcting_needs_a_reason(client, db, world, counter):
    on, (first, second) = attended(world)
    path = f"{SHIFTS}/{on.id}"
    assert "确认全部" in text(client.get(path))
    refused = text(submit(client, f"/admin/volunteer/signups/{second.id}/confirm", page=path))
    assert "志愿者尚未签退且服务尚未结束，暂不能确认时长" in refused  # still serving
    first.checked_out_at = on.starts_at + timedelta(hours=1)  # left after an hour
    db.session.commit()
    page = text(submit(client, f"/admin/volunteer/signups/{first.id}/confirm", page=path))
    assert "已确认服务时长：李**" in page
    assert '<td data-field="minutes">60 分钟</td>' in row_of(page, "signup", first.id)
    assert fresh(db, Volunteer, first.volunteer_id).confirmed_minutes == 60
    refused = text(
        submit(client, f"/admin/volunteer/signups/{first.id}/correct", {"minutes": "30"}, page=path)
    )
    assert "请填写更正原因" in refused
    assert fresh(db, ShiftSignup, first.id).minutes == 60
    form = {"minutes": "30", "reason": "提前离场"}
    page = text(submit(client, f"/admin/volunteer/signups/{first.id}/correct", form, page=path))
    assert "已将服务时长更正为 30 分钟" in page
    assert fresh(db, ShiftSignup, first.id).minutes == 30
    assert fresh(db, ShiftSignup, second.id).confirmed_at is None


def test_a_grid_worker_confirms_everyone_checked_in(client, db, world, clock):
    on, _made = attended(world, ("李建国", "王芳", "赵强"))
    clock.move_to(START + timedelta(hours=1))  # the shift is over
    sign_in_as(client, world.staff[GRID_WORKER])
    path = f"{SHIFTS}/{on.id}"
    page = text(client.get(path))
    assert "取消班次" not in page
    page = text(submit(client, f"{path}/confirm-all", page=path))
    assert "已确认 3 名签到志愿者的服务时长" in page
    assert page.count('<td data-field="minutes">120 分钟</td>') == 3
    assert counted(db, ShiftSignup, ShiftSignup.confirmed_at.is_not(None)) == 3


def test_a_shift_not_started_is_not_confirmed(client, db, world, counter):
    on = shift(project(world.home))
    taken = signup(on, volunteer(world.home, "李建国"), checked_in_at=now())
    page = text(submit(client, f"/admin/volunteer/signups/{taken.id}/confirm", page=f"{SHIFTS}/{on.id}"))
    assert "志愿服务尚未开始，不能确认时长" in page
    assert fresh(db, ShiftSignup, taken.id).confirmed_at is None


def test_another_communitys_shift_and_signup_are_not_found(client, db, world, counter):
    on, (taken, _) = attended(world, community=world.elsewhere)
    assert client.get(f"{SHIFTS}/{on.id}").status_code == 404
    assert client.get(f"/admin/venue/volunteer_shift/{on.id}").status_code == 404
    assert submit(client, f"{SHIFTS}/{on.id}/cancel", {"reason": "x"}, page=SHIFTS).status_code == 404
    assert submit(client, f"{SHIFTS}/{on.id}/confirm-all", page=SHIFTS).status_code == 404
    assert submit(client, f"/admin/volunteer/signups/{taken.id}/confirm", page=SHIFTS).status_code == 404
    assert fresh(db, ShiftSignup, taken.id).confirmed_at is None
    assert fresh(db, Shift, on.id).status != CANCELLED


def test_the_venue_screen_names_the_project(client, db, world, counter):
    on = shift(project(world.home))
    page = text(client.get(f"/admin/venue/volunteer_shift/{on.id}"))
    assert "志愿服务签到" in page and "四点半课堂" in page


def test_the_shift_page_runs_the_same_statements_however_many(app, client, db, world, counter):
    on = shift(project(world.home), capacity=20)
    signup(on, volunteer(world.home, "李建国"))
    with count_queries(app) as one:
        client.get(f"{SHIFTS}/{on.id}")
    for i in range(8):
        signup(on, volunteer(world.home, f"志愿者{i}"))
    with count_queries(app) as many:
        client.get(f"{SHIFTS}/{on.id}")
    assert len(many) == len(one)


# -- 出勤确认 -------------------------------------------------------------------------------------


def test_the_queue_lists_checked_in_unconfirmed_and_confirms_from_there(client, db, world, counter):
    _on, (first, second) = attended(world)
    attended(world, ("赵强",), community=world.elsewhere)
    page = text(client.get(ATTENDANCE))
    assert ids_on(page, "signup") == [str(first.id), str(second.id)]
    first.checked_out_at = first.checked_in_at + timedelta(hours=1)  # confirmable once checked out
    db.session.commit()
    page = text(
        submit(client, f"/admin/volunteer/signups/{first.id}/confirm", {"back": "queue"}, page=ATTENDANCE)
    )
    assert "已确认服务时长" in page and ids_on(page, "signup") == [str(second.id)]


def test_the_queue_runs_the_same_statements_however_many(app, client, db, world, counter):
    attended(world, ("李建国",))
    with count_queries(app) as one:
        client.get(ATTENDANCE)
    attended(world, tuple(f"志愿者{i}" for i in range(6)))
    with count_queries(app) as many:
        assert len(ids_on(text(client.get(ATTENDANCE)), "signup")) == 7
    assert len(many) == len(one)


# -- 时长异议 -------------------------------------------------------------------------------------


def disputed(db, world, community=None, claimed=90):
    _on, (taken,) = attended(world, ("李建国",), community=community)
    taken.minutes, taken.confirmed_at = 60, now()
    dispute = HoursDispute(
        signup_id=taken.id,
        community_id=taken.community_id,
        user_id=taken.user_id,
        reason="签退晚了",
        claimed_minutes=claimed,
        minutes_before=60,
    )
    db.session.add(dispute)
    db.session.commit()
    return dispute


def test_a_dispute_is_dismissed_with_a_note_only(client, db, world):
    dispute = disputed(db, world)
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    assert ids_on(text(client.get(DISPUTES)), "dispute") == [str(dispute.id)]
    path = f"{DISPUTES}/{dispute.id}/decide"
    page = text(submit(client, path, {"decision": "dismiss", "note": ""}, page=DISPUTES))
    assert "请填写处理说明" in page
    assert fresh(db, HoursDispute, dispute.id).status == "open"
    page = text(submit(client, path, {"decision": "dismiss", "note": "签退记录无误"}, page=DISPUTES))
    assert "已维持原服务时长" in page and ids_on(page, "dispute") == []
    assert fresh(db, HoursDispute, dispute.id).status == "dismissed"


def test_a_dispute_upheld_corrects_the_minutes(client, db, world):
    dispute = disputed(db, world)
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    path = f"{DISPUTES}/{dispute.id}/decide"
    page = text(submit(client, path, {"decision": "uphold", "minutes": "abc", "note": "核实"}, page=DISPUTES))
    assert "请填写整数" in page and fresh(db, HoursDispute, dispute.id).status == "open"
    page = text(submit(client, path, {"decision": "uphold", "minutes": "90", "note": "核实"}, page=DISPUTES))
    assert "已更正服务时长" in page
    assert fresh(db, ShiftSignup, dispute.signup_id).minutes == 90


def test_another_communitys_dispute_is_not_found(client, db, world):
    dispute = disputed(db, world, community=world.elsewhere)
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    assert ids_on(text(client.get(DISPUTES)), "dispute") == []
    form = {"decision": "dismiss", "note": "无误"}
    assert submit(client, f"{DISPUTES}/{dispute.id}/decide", form, page=DISPUTES).status_code == 404
    assert fresh(db, HoursDispute, dispute.id).status == "open"


# -- 积分规则 -------------------------------------------------------------------------------------

RULE_FORM = {
    "points_per_hour": "12",
    "multiplier_elderly": "150",
    "daily_cap": "50",
    "effective_from": "2026-12-08",
}


def test_setting_a_rule_ends_the_open_one(client, db, world):
    old = rule(world.home)
    rule(world.elsewhere, points_per_hour=99)
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    page = text(submit(client, RULES, RULE_FORM | {"community_id": world.home.id}, page=RULES))
    assert "已设置积分规则，自 2026-12-08 起生效" in page
    assert '<td data-field="points_per_hour">99</td>' not in page
    made = db.session.scalar(select(PointRule).where(PointRule.points_per_hour == 12))
    assert (made.multipliers, made.daily_cap) == ({"elderly": 150}, 50)
    assert fresh(db, PointRule, old.id).effective_until == date(2026, 12, 7)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"points_per_hour": "2000"}, "应为 0 至 1000 之间的整数"),
        ({"multiplier_youth": "5000"}, "应为 0 至 1000 之间的整数"),
        ({"daily_cap": "0"}, "应为 1 至 10000 之间的整数"),
        ({"effective_from": ""}, "请填写生效日期"),
        ({"effective_from": "2026-12-01"}, "生效日期不能早于今天"),
        ({"effective_until": "2026-12-01"}, "失效日期不能早于生效日期"),
    ],
)
def test_a_bad_rule_shows_its_error_and_sets_nothing(client, db, world, changes, error):
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    response = submit(client, RULES, RULE_FORM | {"community_id": world.home.id} | changes, page=RULES)
    assert response.status_code in (400, 422) and error in text(response)
    assert counted(db, PointRule) == 0


def test_a_rule_for_a_community_outside_the_scope_is_refused(client, db, world):
    sign_in_as(client, world.staff[STREET_ADMIN])
    response = submit(client, RULES, RULE_FORM | {"community_id": world.elsewhere.id}, page=RULES)
    assert response.status_code in (404, 422)
    assert counted(db, PointRule) == 0


# -- 志愿者 ---------------------------------------------------------------------------------------


def test_volunteers_list_searches_and_shows_hours_and_balance(client, db, world, counter):
    li = volunteer(world.home, "李建国")
    wang = volunteer(world.home, "王芳")
    volunteer(world.elsewhere, "赵强")
    li.confirmed_minutes = 150
    adjust_points(world.staff[COMMUNITY_ADMIN], li.user_id, 30, "表彰")
    db.session.commit()
    page = text(client.get(VOLUNTEERS))
    assert sorted(ids_on(page, "volunteer")) == sorted([str(li.id), str(wang.id)])
    row = row_of(page, "volunteer", li.id)
    assert "李**" in row and "2.5 小时" in row and '<td data-field="balance">30</td>' in row
    assert ids_on(text(client.get(VOLUNTEERS, query_string={"q": "王"})), "volunteer") == [str(wang.id)]


def test_volunteers_list_runs_the_same_statements_however_many(app, client, db, world, counter):
    volunteer(world.home, "李建国")
    with count_queries(app) as one:
        client.get(VOLUNTEERS)
    for i in range(8):
        volunteer(world.home, f"志愿者{i}")
    with count_queries(app) as many:
        assert len(ids_on(text(client.get(VOLUNTEERS)), "volunteer")) == 9
    assert len(many) == len(one) <= 6


def test_an_adjustment_needs_a_reason_and_shows_in_the_ledger(client, db, world):
    li = volunteer(world.home, "李建国")
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    path = f"{VOLUNTEERS}/{li.id}"
    page = text(submit(client, f"{path}/adjust", {"amount": "20", "reason": ""}, page=path))
    assert "请填写调整原因" in page
    page = text(submit(client, f"{path}/adjust", {"amount": "0", "reason": "表彰"}, page=path))
    assert "调整积分不能为 0" in page
    assert counted(db, PointEntry) == 0
    page = text(submit(client, f"{path}/adjust", {"amount": "20", "reason": "表彰"}, page=path))
    assert "已调整积分 +20" in page and '<dd data-field="balance">20</dd>' in page
    page = text(submit(client, f"{path}/adjust", {"amount": "-50", "reason": "纠错"}, page=path))
    assert "积分余额不足" in page
    assert counted(db, PointEntry) == 1
    assert re.search(r'<td data-field="amount">\+20</td>', page)


def test_a_worker_sees_a_volunteer_but_does_not_adjust(client, db, world, counter):
    li = volunteer(world.home, "李建国")
    path = f"{VOLUNTEERS}/{li.id}"
    page = text(client.get(path))
    assert "积分明细" in page and "调整积分" not in page
    assert submit(client, f"{path}/adjust", {"amount": "20", "reason": "表彰"}, page=path).status_code == 403
    assert counted(db, PointEntry) == 0


def test_another_communitys_volunteer_is_not_found(client, db, world):
    zhao = volunteer(world.elsewhere, "赵强")
    sign_in_as(client, world.staff[COMMUNITY_ADMIN])
    assert client.get(f"{VOLUNTEERS}/{zhao.id}").status_code == 404
    form = {"amount": "20", "reason": "表彰"}
    assert submit(client, f"{VOLUNTEERS}/{zhao.id}/adjust", form, page=VOLUNTEERS).status_code == 404
    assert counted(db, PointEntry) == 0
