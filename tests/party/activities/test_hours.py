"""Staff confirm a member's attendance: their service hours are credited once, and may be corrected with a
reason (audited)."""

from datetime import date

from sqlalchemy import select

from cloudplatform.audit.models import AuditEntry
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_STAFF, GRID_WORKER
from cloudplatform.party.models import ActivitySignup, ServiceHours
from cloudplatform.venue import venue_code
from tests.factories import StaffAccountFactory
from tests.party.activities.fixtures import at, make_activity, member, sign_up
from tests.party.fixtures import make_unit
from tests.world import log_in, wechat_user

STAFF = "/api/v1/staff/party"


def attended(client, world, clock, name="lijianguo", check_out_after=None, **fields):
    """A member of the home community who signed up for an activity and checked in at 08:50 Tuesday
    (and out ``check_out_after`` later): (activity, user, sign-up id)."""
    unit = make_unit(world.home)
    activity = make_activity(world, **fields)
    user, headers = member(client, world.home, name, unit)
    sign_up(client, activity, headers)
    at(clock, days=1, minutes=50)
    code = {"venue_code": venue_code("party_activity", activity.id)}
    assert client.post("/api/v1/party/checkins", json=code, headers=headers).status_code == 200
    if check_out_after is not None:
        at(clock, days=1, minutes=50, **check_out_after)
        code = {"venue_code": venue_code("party_activity", activity.id)}
        assert client.post("/api/v1/party/checkouts", json=code, headers=headers).status_code == 200
    signup_id = _db.session.scalar(select(ActivitySignup.id).where(ActivitySignup.user_id == user.id))
    return activity, user, signup_id, unit


def hours_of(user):
    _db.session.commit()
    return list(_db.session.scalars(select(ServiceHours).where(ServiceHours.user_id == user.id)))


def test_confirming_credits_the_planned_time_once(client, world, clock):
    activity, user, signup_id, unit = attended(client, world, clock)
    grid = log_in(client, f"staff-{GRID_WORKER}")
    listed = client.get(f"{STAFF}/activities/{activity.id}/signups", headers=grid).json["items"]
    assert [(s["nickname"], s["minutes"]) for s in listed] == [("lijianguo", None)]
    confirmed = client.post(f"{STAFF}/signups/{signup_id}/confirm", headers=grid)
    assert confirmed.status_code == 200, confirmed.json
    assert confirmed.json["minutes"] == 120
    again = client.post(f"{STAFF}/signups/{signup_id}/confirm", headers=grid)
    assert again.status_code == 409 and again.json["error"]["code"] == "ATTENDANCE_CONFIRMED"
    (hours,) = hours_of(user)
    assert (hours.minutes, hours.unit_id, hours.source, hours.served_on) == (
        120,
        unit.id,
        "activity",
        date(2026, 12, 8),
    )
    listed = client.get(f"{STAFF}/activities/{activity.id}/signups", headers=grid).json["items"]
    assert listed[0]["minutes"] == 120 and listed[0]["checked_in_at"] == "2026-12-08T00:50:00+00:00"


def test_actual_time_counts_from_the_start_until_the_check_out(client, world, clock):
    _, user, signup_id, _ = attended(
        client, world, clock, counts_actual_time=True, check_out_after={"hours": 1}
    )
    grid = log_in(client, f"staff-{GRID_WORKER}")
    confirmed = client.post(f"{STAFF}/signups/{signup_id}/confirm", headers=grid)
    assert confirmed.json["minutes"] == 50  # 09:00 (checked in at 08:50) until 09:50
    assert hours_of(user)[0].minutes == 50


def test_a_member_who_did_not_check_in_is_not_credited(client, world):
    unit = make_unit(world.home)
    activity = make_activity(world)
    user, headers = member(client, world.home, "absent", unit)
    sign_up(client, activity, headers)
    signup_id = _db.session.scalar(select(ActivitySignup.id).where(ActivitySignup.user_id == user.id))
    grid = log_in(client, f"staff-{GRID_WORKER}")
    refused = client.post(f"{STAFF}/signups/{signup_id}/confirm", headers=grid)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "NOT_ATTENDED"
    assert hours_of(user) == []


def test_a_correction_needs_a_reason_and_is_audited(client, world, clock):
    _, user, signup_id, _ = attended(client, world, clock)
    staff = log_in(client, f"staff-{COMMUNITY_STAFF}")
    url = f"{STAFF}/signups/{signup_id}/correct"
    early = client.post(url, json={"minutes": 90, "reason": "提前离场"}, headers=staff)
    assert early.status_code == 409 and early.json["error"]["code"] == "HOURS_NOT_CONFIRMED"
    client.post(f"{STAFF}/signups/{signup_id}/confirm", headers=staff)
    blank = client.post(url, json={"minutes": 90, "reason": "  "}, headers=staff)
    assert blank.status_code == 422 and blank.json["error"]["code"] == "REASON_REQUIRED"
    assert hours_of(user)[0].minutes == 120
    corrected = client.post(url, json={"minutes": 90, "reason": "提前离场半小时"}, headers=staff)
    assert corrected.status_code == 200 and corrected.json["minutes"] == 90
    (hours,) = hours_of(user)
    assert (hours.minutes, hours.note) == (90, "提前离场半小时")
    entry = _db.session.scalar(select(AuditEntry).where(AuditEntry.action == "party_activity.correct_hours"))
    assert entry.details == {"old_minutes": 120, "new_minutes": 90, "reason": "提前离场半小时"}


def test_staff_of_another_community_cannot_confirm(client, world, clock):
    _, user, signup_id, _ = attended(client, world, clock)
    far = wechat_user("far-staff")
    StaffAccountFactory(role=COMMUNITY_STAFF, community_id=world.elsewhere.id, user_id=far.id, username="far")
    elsewhere = log_in(client, "far-staff")
    refused = client.post(f"{STAFF}/signups/{signup_id}/confirm", headers=elsewhere)
    assert refused.status_code == 404 and refused.json["error"]["code"] == "SIGNUP_NOT_FOUND"
    assert hours_of(user) == []


def test_confirming_everyone_at_once_credits_each_checked_in_member_once(client, world, clock):
    activity, first, first_signup, unit = attended(client, world, clock)
    second, second_headers = member(client, world.home, "wangfang", unit)
    sign_up(client, activity, second_headers)
    absent, absent_headers = member(client, world.home, "absent", unit)
    sign_up(client, activity, absent_headers)
    code = {"venue_code": venue_code("party_activity", activity.id)}
    assert client.post("/api/v1/party/checkins", json=code, headers=second_headers).status_code == 200
    grid = log_in(client, f"staff-{GRID_WORKER}")
    assert client.post(f"{STAFF}/signups/{first_signup}/confirm", headers=grid).status_code == 200

    url = f"{STAFF}/activities/{activity.id}/confirm-all"
    confirmed = client.post(url, headers=grid)
    assert confirmed.status_code == 200 and confirmed.json == {"credited": 1}
    assert client.post(url, headers=grid).json == {"credited": 0}
    assert [h.minutes for h in hours_of(first)] == [120]
    assert [(h.minutes, h.unit_id) for h in hours_of(second)] == [(120, unit.id)]
    assert hours_of(absent) == []
    audited = _db.session.scalars(
        select(AuditEntry.details).where(AuditEntry.action == "party_activity.confirm_all")
    )
    assert [d["credited"] for d in audited] == [1, 0]
