"""The staff's side of 志愿云's API: a shift's roster (names masked) and points adjustments; refusals
answer their codes and change nothing."""

import pytest
from sqlalchemy import func, select

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_ADMIN, COMMUNITY_STAFF, GRID_WORKER, STREET_ADMIN
from cloudplatform.venue import venue_code
from cloudplatform.volunteer.models import OFFERED, WAITING, HoursDispute, PointEntry, ShiftSignup
from tests.volunteer.fixtures import project, rule, shift, signup, volunteer
from tests.volunteer.shift_fixtures import at, audited, standing_clock
from tests.world import log_in

STAFF = "/api/v1/staff/volunteer"


@pytest.fixture(autouse=True)
def clock():
    with standing_clock() as traveller:
        yield traveller


def test_the_roster_lists_places_and_the_waitlist_with_names_masked(client, world):
    on = shift(project(world.home, name="智慧老人课堂"), capacity=2)
    first, second, third, fourth = (
        volunteer(world.home, name) for name in ("王小明", "李建国", "张三", "赵四")
    )
    signup(on, first)
    signup(on, second, OFFERED)
    signup(on, third, WAITING)
    signup(on, fourth, WAITING)
    answer = client.get(f"{STAFF}/shifts/{on.id}", headers=log_in(client, f"staff-{COMMUNITY_STAFF}"))
    assert answer.status_code == 200, answer.json
    body = answer.json
    assert (body["project_name"], body["taken"], body["capacity"]) == ("智慧老人课堂", 2, 2)
    assert [(s["name"], s["status"]) for s in body["signups"]] == [("王**", "signed_up"), ("李**", "offered")]
    assert [s["name"] for s in body["waitlist"]] == ["张*", "赵*"]
    assert body["signups"][0]["phone"] == "138****1234"
    assert "real_name" not in body["signups"][0]


def test_the_roster_of_another_community_is_not_found(client, world):
    on = shift(project(world.neighbour))
    answer = client.get(f"{STAFF}/shifts/{on.id}", headers=log_in(client, f"staff-{COMMUNITY_STAFF}"))
    assert (answer.status_code, answer.json["error"]["code"]) == (404, "SHIFT_NOT_FOUND")
    street = client.get(f"{STAFF}/shifts/{on.id}", headers=log_in(client, f"staff-{STREET_ADMIN}"))
    assert street.status_code == 200


def entries() -> int:
    _db.session.commit()
    return _db.session.scalar(select(func.count(PointEntry.id)))


def test_an_adjustment_adds_or_takes_points_and_is_audited(client, world):
    me = volunteer(world.home, "lijianguo")
    admin = log_in(client, f"staff-{COMMUNITY_ADMIN}")
    added = client.post(
        f"{STAFF}/points/adjustments",
        json={"user_id": me.user_id, "amount": 20, "reason": "表彰"},
        headers=admin,
    )
    assert added.status_code == 201, added.json
    assert (added.json["kind"], added.json["amount"], added.json["balance_after"]) == ("adjust", 20, 20)
    assert added.json["user_id"] == me.user_id
    assert [e.details["amount"] for e in audited("points.adjust")] == [20]

    def refused(body, status, code, headers=admin):
        before = entries()
        answer = client.post(f"{STAFF}/points/adjustments", json=body, headers=headers)
        assert (answer.status_code, answer.json["error"]["code"]) == (status, code)
        assert entries() == before

    refused({"user_id": me.user_id, "amount": -21, "reason": "更正"}, 409, "POINTS_INSUFFICIENT")
    refused({"user_id": me.user_id, "amount": 0, "reason": "更正"}, 422, "INVALID_POINTS_AMOUNT")
    refused({"user_id": me.user_id, "amount": 5, "reason": " "}, 422, "POINTS_REASON_REQUIRED")
    refused({"user_id": me.user_id, "amount": 5}, 422, "VALIDATION_ERROR")
    elsewhere = volunteer(world.elsewhere, "elsewhere")
    refused({"user_id": elsewhere.user_id, "amount": 5, "reason": "表彰"}, 404, "POINTS_VOLUNTEER_NOT_FOUND")
    refused({"user_id": 999999, "amount": 5, "reason": "表彰"}, 404, "POINTS_VOLUNTEER_NOT_FOUND")
    staff = log_in(client, f"staff-{COMMUNITY_STAFF}")  # no points.manage
    refused({"user_id": me.user_id, "amount": 5, "reason": "表彰"}, 403, "FORBIDDEN", staff)
    resident = log_in(client, "lijianguo")
    refused({"user_id": me.user_id, "amount": 5, "reason": "表彰"}, 403, "STAFF_ONLY", resident)


def signup_row(signup_id):
    _db.session.commit()
    _db.session.expire_all()
    return _db.session.get(ShiftSignup, signup_id)


def test_an_organiser_scans_volunteers_in_and_out_and_confirms_them_all(client, world, clock):
    rule(world.home, points_per_hour=10)
    on = shift(project(world.home), capacity=3)
    first, second = volunteer(world.home, "王小明"), volunteer(world.home, "李建国")
    own = [signup(on, first), signup(on, second)]
    grid = log_in(client, f"staff-{GRID_WORKER}")  # volunteer.attendance, not volunteer.manage
    at(clock, days=2, minutes=-5)
    for who in (first, second):
        card = venue_code("volunteer_card", who.id)
        scanned = client.post(f"{STAFF}/shifts/{on.id}/scan", json={"code": card}, headers=grid)
        assert scanned.status_code == 200, scanned.json
        assert scanned.json["checked_in_at"] == "2026-12-08T23:55:00+00:00"
    assert scanned.json["name"] == "李**"
    at(clock, days=2, hours=2)
    card = venue_code("volunteer_card", first.id)
    out = client.post(f"{STAFF}/shifts/{on.id}/scan", json={"code": card}, headers=grid)
    assert out.json["checked_out_at"] == "2026-12-09T02:00:00+00:00"
    assert [e.details["direction"] for e in audited("shift_signup.scan")] == ["in", "in", "out"]
    not_yet = client.post(
        f"{STAFF}/signups/{own[0].id}/correct", json={"minutes": 60, "reason": "更正"}, headers=grid
    )
    assert (not_yet.status_code, not_yet.json["error"]["code"]) == (409, "SHIFT_HOURS_NOT_CONFIRMED")

    confirmed = client.post(f"{STAFF}/shifts/{on.id}/confirm-all", headers=grid)
    assert confirmed.json == {"confirmed": 2}
    assert [signup_row(s.id).minutes for s in own] == [120, 120]
    assert client.post(f"{STAFF}/shifts/{on.id}/confirm-all", headers=grid).json == {"confirmed": 0}
    single = client.post(f"{STAFF}/signups/{own[0].id}/confirm", headers=grid)
    assert (single.status_code, single.json["error"]["code"]) == (409, "SHIFT_ATTENDANCE_CONFIRMED")

    corrected = client.post(
        f"{STAFF}/signups/{own[1].id}/correct", json={"minutes": 60, "reason": "提前离场"}, headers=grid
    )
    assert corrected.status_code == 200, corrected.json
    assert corrected.json["minutes"] == 60
    too_long = client.post(
        f"{STAFF}/signups/{own[1].id}/correct", json={"minutes": 150, "reason": "更正"}, headers=grid
    )
    assert (too_long.status_code, too_long.json["error"]["code"]) == (422, "INVALID_SERVICE_MINUTES")
    blank = client.post(
        f"{STAFF}/signups/{own[1].id}/correct", json={"minutes": 30, "reason": " "}, headers=grid
    )
    assert (blank.status_code, blank.json["error"]["code"]) == (422, "REASON_REQUIRED")
    assert signup_row(own[1].id).minutes == 60
    roster = client.get(f"{STAFF}/shifts/{on.id}", headers=log_in(client, f"staff-{COMMUNITY_STAFF}")).json
    assert [s["minutes"] for s in roster["signups"]] == [120, 60]


def test_confirming_refusals_change_nothing(client, world, clock):
    on = shift(project(world.home))
    who = volunteer(world.home, "王小明")
    own = signup(on, who)
    staff = log_in(client, f"staff-{COMMUNITY_STAFF}")
    early = client.post(f"{STAFF}/signups/{own.id}/confirm", headers=staff)
    assert (early.status_code, early.json["error"]["code"]) == (409, "SHIFT_NOT_STARTED")
    at(clock, days=2, hours=3)
    absent = client.post(f"{STAFF}/signups/{own.id}/confirm", headers=staff)
    assert (absent.status_code, absent.json["error"]["code"]) == (409, "SHIFT_NOT_ATTENDED")
    card = venue_code("volunteer_card", who.id)
    closed = client.post(f"{STAFF}/shifts/{on.id}/scan", json={"code": card}, headers=staff)
    assert (closed.status_code, closed.json["error"]["code"]) == (409, "SHIFT_CHECK_IN_CLOSED")
    row = signup_row(own.id)
    assert (row.checked_in_at, row.confirmed_at, row.minutes) == (None, None, None)


def test_a_dispute_is_decided_once_by_those_with_the_right(client, world, clock):
    on = shift(project(world.home))
    who = volunteer(world.home, "王小明")
    at(clock, days=2, hours=3)
    own = signup(on, who, checked_in_at=on.starts_at, minutes=90, confirmed_at=on.ends_at)
    dispute = HoursDispute(
        signup_id=own.id, community_id=own.community_id, user_id=who.user_id, reason="少记", minutes_before=90
    )
    _db.session.add(dispute)
    _db.session.commit()
    path = f"{STAFF}/disputes/{dispute.id}/decision"
    staff = client.post(
        path, json={"uphold": False, "note": "维持"}, headers=log_in(client, f"staff-{COMMUNITY_STAFF}")
    )
    assert (staff.status_code, staff.json["error"]["code"]) == (403, "FORBIDDEN")
    admin = log_in(client, f"staff-{COMMUNITY_ADMIN}")
    no_minutes = client.post(path, json={"uphold": True, "note": "属实"}, headers=admin)
    assert (no_minutes.status_code, no_minutes.json["error"]["code"]) == (422, "INVALID_SERVICE_MINUTES")
    dismissed = client.post(path, json={"uphold": False, "note": "签到记录为准"}, headers=admin)
    assert dismissed.status_code == 200, dismissed.json
    assert (dismissed.json["status"], dismissed.json["status_name"]) == ("dismissed", "维持原时长")
    again = client.post(path, json={"uphold": True, "note": "属实", "minutes": 120}, headers=admin)
    assert (again.status_code, again.json["error"]["code"]) == (409, "HOURS_DISPUTE_DECIDED")
    assert signup_row(own.id).minutes == 90
