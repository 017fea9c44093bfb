"""Service hours: a member's hours by month and year with their 报到 card, the monthly unit reports
(idempotent, one notice per change, names masked), the dashboard's figures per scope, and the job."""

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from admin.exports import to_csv
from cloudplatform.clock import LOCAL_TZ, now
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import CITY_ADMIN, COMMUNITY_ADMIN, COMMUNITY_STAFF, STREET_ADMIN
from cloudplatform.jobs import JOBS, build_scheduler
from cloudplatform.notify.models import Notification
from cloudplatform.party.hours import queries
from cloudplatform.party.hours.operations import build_unit_reports
from cloudplatform.party.hours.tasks import build_last_month_reports
from cloudplatform.party.models import (
    ACTIVITY_SOURCE,
    CANCELLED,
    CONFIRMED,
    PENDING,
    POST_SOURCE,
    RELEASED,
    REVOKED,
    SIGNED_UP,
    Activity,
    ActivitySignup,
    PartyReport,
    PostClaim,
    ServiceHours,
    ServicePost,
    UnitMonthlyReport,
)
from tests.helpers import count_queries
from tests.party.fixtures import make_unit, party_member, resident
from tests.world import log_in

NOVEMBER = date(2026, 11, 1)


def activity(community, *, days_ago=10, hours=2, status="published") -> Activity:
    starts = now() - timedelta(days=days_ago)
    row = Activity(
        community_id=community.id,
        title="主题党日：学习二十届全会精神",
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        capacity=40,
        status=status,
    )
    _db.session.add(row)
    _db.session.commit()
    return row


def attended(user, unit, act: Activity, minutes=None) -> ServiceHours:
    """The member signed up, checked in and was credited the activity's time."""
    signup = ActivitySignup(
        activity_id=act.id,
        community_id=act.community_id,
        user_id=user.id,
        status=SIGNED_UP,
        checked_in_at=act.starts_at,
    )
    _db.session.add(signup)
    _db.session.flush()
    hours = ServiceHours(
        user_id=user.id,
        community_id=act.community_id,
        unit_id=unit.id,
        source=ACTIVITY_SOURCE,
        signup_id=signup.id,
        served_on=act.starts_at.astimezone(LOCAL_TZ).date(),
        minutes=minutes if minutes is not None else int((act.ends_at - act.starts_at).total_seconds() // 60),
    )
    _db.session.add(hours)
    _db.session.commit()
    return hours


def post_claim(user, community, status=CONFIRMED) -> PostClaim:
    post = ServicePost(
        community_id=community.id,
        title="楼栋党员联络员",
        headcount=5,
        claimed=0 if status == RELEASED else 1,
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    _db.session.add(post)
    _db.session.flush()
    claim = PostClaim(post_id=post.id, community_id=community.id, user_id=user.id, status=status)
    _db.session.add(claim)
    _db.session.commit()
    return claim


def served_post(user, unit, claim: PostClaim, month: date, minutes=240) -> ServiceHours:
    hours = ServiceHours(
        user_id=user.id,
        community_id=claim.community_id,
        unit_id=unit.id,
        source=POST_SOURCE,
        claim_id=claim.id,
        served_on=month,
        minutes=minutes,
    )
    _db.session.add(hours)
    _db.session.commit()
    return hours


def report_of(user) -> PartyReport:
    return _db.session.scalar(sa.select(PartyReport).where(PartyReport.user_id == user.id))


def notices(user) -> int:
    return _db.session.scalar(
        sa.select(sa.func.count()).select_from(Notification).where(Notification.user_id == user.id)
    )


# -- GET /party/me/hours ------------------------------------------------------------------------------


def test_hours_by_month_and_year_with_the_card(client, world):
    unit = make_unit(world.home)
    member = party_member(world.home, "李建国", unit)
    attended(member, unit, activity(world.home, days_ago=30))  # 2026-11-07: 120 minutes
    served_post(member, unit, post_claim(member, world.home), NOVEMBER, 240)
    attended(member, unit, activity(world.home, days_ago=270, hours=1.5))  # March 2026: 90 minutes
    attended(member, unit, activity(world.home, days_ago=400, hours=1))  # 2025: 60 minutes
    headers = log_in(client, "李建国")

    answer = client.get("/api/v1/party/me/hours", headers=headers)

    assert answer.status_code == 200, answer.json
    body = answer.json
    assert body["year"] == 2026
    november = body["months"][10]
    assert november == {"month": 11, "minutes": 360, "hours": 6.0, "activities": 1, "post_months": 1}
    assert body["months"][2]["minutes"] == 90
    assert [m["month"] for m in body["months"]] == list(range(1, 13))
    assert body["total_minutes"] == 450 and body["total_hours"] == 7.5
    card = body["card"]
    assert card["unit_name"] == "宝鸡市税务局高新分局"
    assert card["community_name"] == world.home.name
    assert card["status"] == "approved" and card["status_name"] == "已报到"
    assert card["hours_this_year"] == 7.5

    last_year = client.get("/api/v1/party/me/hours?year=2025", headers=headers).json
    assert last_year["year"] == 2025 and last_year["total_minutes"] == 60
    assert last_year["card"]["hours_this_year"] == 7.5


def test_a_member_without_hours_sees_zeros(client, world):
    member = party_member(world.home, "王芳", make_unit(world.home))
    body = client.get("/api/v1/party/me/hours", headers=log_in(client, member.nickname)).json
    assert body["total_minutes"] == 0
    assert all(m["minutes"] == 0 and m["hours"] == 0 for m in body["months"])
    assert body["card"]["hours_this_year"] == 0


def test_someone_never_approved_is_refused(client, world):
    unit = make_unit(world.home)
    resident(world.home, "张秀兰")
    waiting = resident(world.home, "刘洋")
    _db.session.add(
        PartyReport(user_id=waiting.id, community_id=world.home.id, unit_id=unit.id, real_name="刘洋")
    )
    _db.session.commit()
    for name in ("张秀兰", "刘洋"):
        answer = client.get("/api/v1/party/me/hours", headers=log_in(client, name))
        assert answer.status_code == 403
        assert answer.json["error"]["code"] == "NOT_PARTY_MEMBER"


def test_a_revoked_member_still_sees_their_hours(client, world):
    unit = make_unit(world.home)
    member = party_member(world.home, "赵敏", unit)
    attended(member, unit, activity(world.home))
    report_of(member).status = REVOKED
    _db.session.commit()
    body = client.get("/api/v1/party/me/hours", headers=log_in(client, "赵敏")).json
    assert body["total_minutes"] == 120
    assert body["card"]["status"] == "revoked" and body["card"]["status_name"] == "已撤销"


@pytest.mark.parametrize("year", ["1999", "2100", "abc"])
def test_a_bad_year_is_refused(client, world, year):
    party_member(world.home, "王伟", make_unit(world.home))
    answer = client.get(f"/api/v1/party/me/hours?year={year}", headers=log_in(client, "王伟"))
    assert answer.status_code == 422


# -- the monthly unit reports -------------------------------------------------------------------------


@pytest.fixture
def unit_with_members(world):
    unit = make_unit(world.home, "国网宝鸡供电公司", world.neighbour)
    contact = resident(world.home, "单位联系人")
    unit.contact_user_id = contact.id
    busy = party_member(world.home, "李建国", unit)
    idle = party_member(world.neighbour, "王芳", unit)
    attended(busy, unit, activity(world.home, days_ago=30))  # November
    served_post(busy, unit, post_claim(busy, world.home), NOVEMBER, 240)
    attended(busy, unit, activity(world.home, days_ago=3))  # December: not in November's report
    return unit, contact, busy, idle


def test_the_report_lists_every_member_with_masked_names(world, unit_with_members):
    unit, contact, busy, idle = unit_with_members
    result = build_unit_reports(date(2026, 11, 20))
    _db.session.commit()

    assert result.created == 1 and result.notified == 1
    report = _db.session.scalar(sa.select(UnitMonthlyReport).where(UnitMonthlyReport.unit_id == unit.id))
    assert report.month == NOVEMBER and report.community_id == world.home.id
    assert (report.members_reported, report.activities_attended, report.minutes_served) == (2, 1, 360)
    lines = {line["user_id"]: line for line in report.rows}
    assert lines[busy.id] == {
        "user_id": busy.id,
        "name": "李**",
        "community": world.home.name,
        "status": "approved",
        "status_name": "已报到",
        "activities": 1,
        "posts": 1,
        "minutes": 360,
        "hours": 6.0,
    }
    assert lines[idle.id]["name"] == "王*" and lines[idle.id]["community"] == world.neighbour.name
    assert lines[idle.id]["minutes"] == 0
    assert [line["user_id"] for line in report.rows] == [busy.id, idle.id]  # most hours first
    message = _db.session.scalar(sa.select(Notification).where(Notification.user_id == contact.id))
    assert message.template_key == "party_unit_report" and message.page == "pages/party/hours"
    assert message.data["thing1"]["value"] == "国网宝鸡供电公司"
    assert message.data["thing2"]["value"] == "2026年11月"


def test_a_rerun_replaces_the_month_and_notifies_only_on_change(world, unit_with_members):
    unit, contact, busy, _ = unit_with_members
    build_unit_reports(NOVEMBER)
    _db.session.commit()
    first = _db.session.scalar(sa.select(UnitMonthlyReport.id))

    again = build_unit_reports(NOVEMBER)
    _db.session.commit()
    assert (again.created, again.changed, again.unchanged, again.notified) == (0, 0, 1, 0)
    assert notices(contact) == 1

    attended(busy, unit, activity(world.home, days_ago=25), minutes=60)  # confirmed late
    changed = build_unit_reports(NOVEMBER)
    _db.session.commit()
    assert (changed.changed, changed.notified) == (1, 1)
    assert notices(contact) == 2
    reports = _db.session.scalars(sa.select(UnitMonthlyReport)).all()
    assert [r.id for r in reports] == [first]
    assert (reports[0].activities_attended, reports[0].minutes_served) == (2, 420)


def test_a_former_member_with_hours_keeps_their_line(world, unit_with_members):
    _, _, busy, _ = unit_with_members
    report_of(busy).status = REVOKED
    _db.session.commit()
    build_unit_reports(NOVEMBER)
    report = _db.session.scalar(sa.select(UnitMonthlyReport))
    lines = {line["user_id"]: line for line in report.rows}
    assert lines[busy.id]["status_name"] == "已撤销" and lines[busy.id]["minutes"] == 360
    assert report.members_reported == 1


def test_inactive_units_get_no_report_and_units_without_contact_no_notice(world):
    gone = make_unit(world.home, "已撤销的单位")
    gone.active = False
    quiet = make_unit(world.home, "宝鸡高新第一中学")
    party_member(world.home, "周杰", quiet)
    result = build_unit_reports(NOVEMBER)
    assert (result.created, result.notified) == (1, 0)
    assert _db.session.scalar(sa.select(UnitMonthlyReport.unit_id)) == quiet.id


def test_the_export_rows_are_masked_with_a_totals_line_and_safe_in_a_spreadsheet(world):
    unit = make_unit(world.home, "中国银行宝鸡高新支行")
    member = party_member(world.home, "=HYPERLINK", unit)
    attended(member, unit, activity(world.home, days_ago=30))
    build_unit_reports(NOVEMBER)
    report = _db.session.scalar(sa.select(UnitMonthlyReport))
    name, headers, rows = queries.unit_report_export(report)
    assert name == "中国银行宝鸡高新支行-2026年11月党员服务月报"
    assert headers[0] == "姓名"
    assert rows[0][0] == "=*********" and rows[0][-1] == 2.0
    assert rows[-1][0] == "合计" and rows[-1][-1] == 2.0
    assert "'=*********" in to_csv(headers, rows).decode("utf-8-sig")


# -- staff reads --------------------------------------------------------------------------------------


def test_staff_read_the_reports_of_their_communities_only(client, world):
    mine = make_unit(world.home, "宝鸡市税务局高新分局")
    theirs = make_unit(world.elsewhere, "宝鸡钛业股份有限公司")
    party_member(world.home, "李建国", mine)
    build_unit_reports(NOVEMBER)
    _db.session.commit()
    other = _db.session.scalar(sa.select(UnitMonthlyReport.id).where(UnitMonthlyReport.unit_id == theirs.id))
    headers = log_in(client, f"staff-{COMMUNITY_STAFF}")

    page = client.get("/api/v1/staff/party/unit-reports?month=2026-11", headers=headers)
    assert page.status_code == 200, page.json
    assert [r["unit_name"] for r in page.json["items"]] == ["宝鸡市税务局高新分局"]
    assert page.json["items"][0]["month"] == "2026-11"
    assert page.json["items"][0]["members_reported"] == 1
    default = client.get("/api/v1/staff/party/unit-reports", headers=headers).json  # last month
    assert [r["id"] for r in default["items"]] == [r["id"] for r in page.json["items"]]

    one = client.get(f"/api/v1/staff/party/unit-reports/{page.json['items'][0]['id']}", headers=headers)
    assert one.status_code == 200 and one.json["rows"][0]["name"] == "李**"
    assert client.get(f"/api/v1/staff/party/unit-reports/{other}", headers=headers).status_code == 404
    grid = log_in(client, "staff-grid_worker")
    assert client.get("/api/v1/staff/party/unit-reports", headers=grid).status_code == 403
    city = log_in(client, f"staff-{CITY_ADMIN}")
    everything = client.get("/api/v1/staff/party/unit-reports?month=2026-11", headers=city).json
    assert len(everything["items"]) == 2
    bad = client.get("/api/v1/staff/party/unit-reports?month=2026-13", headers=headers)
    assert bad.status_code == 422


def test_console_list_filters_by_month_and_name(world):
    make_unit(world.home, "宝鸡市税务局高新分局")
    make_unit(world.home, "国网宝鸡供电公司")
    build_unit_reports(NOVEMBER)
    build_unit_reports(date(2026, 10, 1))
    staff = world.staff[COMMUNITY_ADMIN]
    assert queries.unit_reports_list(staff).total == 4
    november = queries.unit_reports_list(staff, NOVEMBER, q="供电")
    assert [r.unit.name for r in november.items] == ["国网宝鸡供电公司"]
    assert queries.unit_report(staff, november.items[0].id).month == NOVEMBER


# -- the dashboard's figures --------------------------------------------------------------------------


@pytest.fixture
def party_city(world):
    """Units, members, activities, hours and claims in each of the world's three communities."""
    for community, members in ((world.home, 3), (world.neighbour, 2), (world.elsewhere, 1)):
        unit = make_unit(community, f"{community.name}驻地单位")
        make_unit(community, f"{community.name}无人报到的单位")
        people = [party_member(community, f"{community.name}党员{i}", unit) for i in range(members)]
        held = activity(community, days_ago=5)
        activity(community, days_ago=-3)  # upcoming: not held yet
        activity(community, days_ago=8, status=CANCELLED)
        for person in people:
            attended(person, unit, held, minutes=90)
        post_claim(people[0], community)
        post_claim(people[0], community, status=RELEASED)
    waiting = resident(world.home, "待审核")
    _db.session.add(
        PartyReport(
            user_id=waiting.id,
            community_id=world.home.id,
            unit_id=unit.id,
            real_name="待审核",
            status=PENDING,
        )
    )
    _db.session.commit()
    return world


def figures(row):
    return (
        row.units_reported,
        row.members_reported,
        row.activities_held,
        row.hours_served,
        row.posts_claimed,
    )


def test_a_community_admin_sees_their_community(party_city):
    dashboard = queries.party_figures(party_city.staff[COMMUNITY_ADMIN])
    assert dashboard.total.name == party_city.home.name
    assert figures(dashboard.total) == (1, 3, 1, 4.5, 1)
    assert dashboard.streets == []
    assert [c.name for c in dashboard.communities] == [party_city.home.name]


def test_a_street_admin_sees_their_street(party_city):
    dashboard = queries.party_figures(party_city.staff[STREET_ADMIN])
    assert figures(dashboard.total) == (2, 5, 2, 7.5, 2)
    assert len(dashboard.streets) == 1 and figures(dashboard.streets[0]) == figures(dashboard.total)
    assert {c.name for c in dashboard.communities} == {party_city.home.name, party_city.neighbour.name}


def test_a_city_admin_sees_everything(party_city):
    dashboard = queries.party_figures(party_city.staff[CITY_ADMIN])
    assert dashboard.total.name == "全市"
    assert figures(dashboard.total) == (3, 6, 3, 9.0, 3)
    assert len(dashboard.streets) == 2
    assert sum(s.members_reported for s in dashboard.streets) == 6


def test_the_figures_take_six_statements(app, party_city):
    staff = party_city.staff[CITY_ADMIN]
    _db.session.commit()
    assert staff.role  # loaded again before counting
    with count_queries(app) as statements:
        queries.party_figures(staff)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 6


def test_staff_get_the_figures_from_the_api(client, party_city):
    body = client.get("/api/v1/staff/party/figures", headers=log_in(client, f"staff-{STREET_ADMIN}")).json
    assert body["total"]["members_reported"] == 5 and body["total"]["hours_served"] == 7.5
    assert len(body["streets"]) == 1 and len(body["communities"]) == 2


# -- the job ------------------------------------------------------------------------------------------


def test_the_monthly_job_is_declared_for_the_first_at_six_beijing_time(app):
    job = next(j for j in JOBS if j.id == "build_party_unit_reports")
    assert job.func is build_last_month_reports
    trigger = build_scheduler(app).get_job(job.id).trigger
    fire = trigger.get_next_fire_time(None, now())
    assert fire == datetime(2027, 1, 1, 6, 0, tzinfo=LOCAL_TZ)


def test_the_job_builds_last_month(world):
    make_unit(world.home)
    assert build_last_month_reports()["created"] == 1
    assert _db.session.scalar(sa.select(UnitMonthlyReport.month)) == NOVEMBER


def test_staff_build_this_month_for_their_units_only(client, world):
    home_unit = make_unit(world.home, "国网宝鸡供电公司")
    elsewhere_unit = make_unit(world.elsewhere, "宝鸡石油机械厂")
    member = party_member(world.home, "李建国", home_unit)
    attended(member, home_unit, activity(world.home, days_ago=3))  # December
    staff = log_in(client, "staff-community_staff")

    built = client.post("/api/v1/staff/party/unit-reports/build", json={"month": "2026-12"}, headers=staff)
    assert built.status_code == 200 and built.json == {
        "created": 1,
        "changed": 0,
        "unchanged": 0,
        "notified": 0,
    }
    reports = _db.session.scalars(sa.select(UnitMonthlyReport)).all()
    assert [(r.unit_id, r.month, r.activities_attended) for r in reports] == [
        (home_unit.id, date(2026, 12, 1), 1)
    ]
    assert elsewhere_unit.id not in {r.unit_id for r in reports}
    listed = client.get("/api/v1/staff/party/unit-reports?month=2026-12", headers=staff).json["items"]
    assert [r["unit_id"] for r in listed] == [home_unit.id]

    bad = client.post("/api/v1/staff/party/unit-reports/build", json={"month": "2026-13"}, headers=staff)
    assert bad.status_code == 422
    grid = log_in(client, "staff-grid_worker")
    refused = client.post("/api/v1/staff/party/unit-reports/build", json={"month": "2026-12"}, headers=grid)
    assert refused.status_code == 403
