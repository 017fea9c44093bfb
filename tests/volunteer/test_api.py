"""The volunteer's side of 志愿云's API: registering, finding shifts, signing up (or waiting), being
offered a place given back and confirming it, and reading one's points; refusals answer their codes and
change nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_ADMIN, COMMUNITY_STAFF, VOLUNTEER, Membership
from cloudplatform.venue import venue_code
from cloudplatform.volunteer.models import Volunteer
from cloudplatform.volunteer.volunteers.operations import personal_code
from tests.helpers import count_queries
from tests.volunteer.fixtures import project, resident, rule, shift, volunteer
from tests.volunteer.shift_fixtures import at, messages, places, snapshot, standing_clock, statuses
from tests.world import log_in

API = "/api/v1/volunteer"


@pytest.fixture(autouse=True)
def clock():
    with standing_clock() as traveller:
        yield traveller


def register(client, community, name, **fields):
    """A resident of ``community`` registered through the API: (their headers, the answer)."""
    resident(community, name)
    headers = log_in(client, name)
    body = {
        "community_id": community.id,
        "real_name": "李建国",
        "skills": ["急救"],
        "consent": True,
        **fields,
    }
    return headers, client.post(f"{API}/profile", json=body, headers=headers)


def volunteer_headers(client, community, name, skills=()):
    made = volunteer(community, name, skills)
    return made, log_in(client, name)


def test_a_volunteer_waits_for_a_full_shift_is_offered_the_place_serves_and_earns(client, world, clock):
    headers, registered = register(client, world.home, "lijianguo", availability="周末上午")
    assert registered.status_code == 201, registered.json
    assert registered.json["community_id"] == world.home.id
    assert registered.json["community_name"] == world.home.name
    assert (registered.json["skills"], registered.json["status"]) == (["急救"], "active")
    assert (registered.json["points"], registered.json["confirmed_hours"]) == (0, 0)
    profile = client.get(f"{API}/profile", headers=headers).json
    me = _db.session.scalar(select(Volunteer).where(Volunteer.real_name == "李建国"))
    assert profile["qr_code"] == personal_code(me)
    assert 1 <= profile["qr_expires_in"] <= 30
    assert _db.session.scalar(
        select(Membership.role).where(Membership.user_id == me.user_id, Membership.role == VOLUNTEER)
    )

    on = shift(project(world.home, name="四点半课堂"), capacity=1, skills=["急救"])
    _, holder_headers = volunteer_headers(client, world.home, "holder", ["急救"])
    assert client.post(f"{API}/shifts/{on.id}/signups", headers=holder_headers).status_code == 201

    listed = client.get(f"{API}/shifts", query_string={"community_id": world.home.id}, headers=headers).json
    item = listed["items"][0]
    assert (item["id"], item["project_name"], item["category"], item["category_name"]) == (
        on.id,
        "四点半课堂",
        "youth",
        "青少年成长",
    )
    assert (item["taken"], item["capacity"], item["skills"], item["my_status"]) == (1, 1, ["急救"], None)
    assert item["starts_at_local"] == "2026-12-09T08:00:00+08:00"
    assert item["starts_at"] == "2026-12-09T00:00:00+00:00"

    waiting = client.post(f"{API}/shifts/{on.id}/signups", headers=headers)
    assert waiting.status_code == 201, waiting.json
    assert (waiting.json["status"], waiting.json["status_name"]) == ("waiting", "候补中")
    assert waiting.json["project_name"] == "四点半课堂"
    assert client.get(f"{API}/shifts", headers=headers).json["items"][0]["my_status"] == "waiting"

    cancelled = client.post(f"{API}/shifts/{on.id}/signups/cancel", headers=holder_headers)
    assert cancelled.status_code == 200, cancelled.json
    assert cancelled.json["status"] == "withdrawn"
    assert statuses(on.id)[me.id] == "offered"
    assert places(on.id) == (1, 1)
    assert len(messages(me.user_id)) == 1  # told of the offer

    mine = client.get(f"{API}/signups/mine", headers=headers).json["items"]
    assert [(s["shift_id"], s["status"]) for s in mine] == [(on.id, "offered")]
    assert mine[0]["offered_until"] == "2026-12-07T02:00:00+00:00"  # two hours from Monday 08:00
    confirmed = client.post(f"{API}/shifts/{on.id}/signups/confirm", headers=headers)
    assert confirmed.status_code == 200, confirmed.json
    assert (confirmed.json["status"], confirmed.json["offered_until"]) == (
        "signed_up",
        mine[0]["offered_until"],
    )
    assert client.get(f"{API}/shifts", headers=headers).json["items"][0]["my_status"] == "signed_up"
    everything = client.get(f"{API}/signups/mine", query_string={"active": "false"}, headers=holder_headers)
    assert [s["status"] for s in everything.json["items"]] == ["withdrawn"]

    # Wednesday 08:20 (Beijing) they check in by the shift's screen, twenty minutes late, and leave at 10:00
    rule(world.home, points_per_hour=10)
    at(clock, days=2, minutes=20)
    staff = log_in(client, f"staff-{COMMUNITY_STAFF}")
    screen = client.get(f"/api/v1/staff/volunteer/shifts/{on.id}/qr", headers=staff)  # the venue screen
    assert screen.status_code == 200 and 1 <= screen.json["expires_in"] <= 30, screen.json
    code = screen.json["code"]
    checked_in = client.post(f"{API}/attendance", json={"code": code, "action": "check_in"}, headers=headers)
    assert checked_in.status_code == 200, checked_in.json
    assert checked_in.json["checked_in_at"] == "2026-12-09T00:20:00+00:00"
    again = client.post(f"{API}/attendance", json={"code": code, "action": "check_in"}, headers=headers)
    assert (again.status_code, again.json["error"]["code"]) == (409, "SHIFT_ALREADY_CHECKED_IN")
    at(clock, days=2, hours=2)
    code = venue_code("volunteer_shift", on.id)
    checked_out = client.post(
        f"{API}/attendance", json={"code": code, "action": "check_out"}, headers=headers
    )
    assert checked_out.status_code == 200, checked_out.json
    assert checked_out.json["checked_out_at"] == "2026-12-09T02:00:00+00:00"

    signup_id = confirmed.json["id"]
    credited = client.post(f"/api/v1/staff/volunteer/signups/{signup_id}/confirm", headers=staff)
    assert credited.status_code == 200, credited.json
    assert credited.json["minutes"] == 90  # 08:20 to 10:00, whole half hours down
    points = client.get(f"{API}/me/points", headers=headers).json
    assert points["balance"] == 15
    assert [(e["kind"], e["kind_name"], e["amount"], e["signup_id"]) for e in points["items"]] == [
        ("earn", "服务获得", 15, signup_id)
    ]
    hours = client.get(f"{API}/me/hours", headers=headers).json
    assert (hours["confirmed_minutes"], hours["confirmed_hours"]) == (90, 1.5)
    assert hours["months"] == [{"period": "2026-12", "minutes": 90, "hours": 1.5, "shifts": 1}]
    assert hours["years"] == [{"period": "2026", "minutes": 90, "hours": 1.5, "shifts": 1}]

    # they came at 08:00 but the screen was off: a dispute, upheld by the community's admin
    disputed = client.post(
        f"{API}/signups/{signup_id}/dispute",
        json={"reason": "8点到场，签到屏未开", "claimed_minutes": 120},
        headers=headers,
    )
    assert disputed.status_code == 201, disputed.json
    assert (disputed.json["status"], disputed.json["minutes_before"]) == ("open", 90)
    twice = client.post(f"{API}/signups/{signup_id}/dispute", json={"reason": "再次申诉"}, headers=headers)
    assert (twice.status_code, twice.json["error"]["code"]) == (409, "HOURS_ALREADY_DISPUTED")
    admin = log_in(client, f"staff-{COMMUNITY_ADMIN}")
    decided = client.post(
        f"/api/v1/staff/volunteer/disputes/{disputed.json['id']}/decision",
        json={"uphold": True, "note": "经核实属实"},
        headers=admin,
    )
    assert decided.status_code == 200, decided.json
    assert (decided.json["status"], decided.json["minutes_after"]) == ("upheld", 120)
    assert client.get(f"{API}/me/hours", headers=headers).json["confirmed_minutes"] == 120
    assert client.get(f"{API}/me/points", headers=headers).json["balance"] == 20


def test_registration_refusals_answer_their_codes_and_register_no_one(client, world):
    resident(world.home, "nophone", phone=None)
    no_phone = client.post(
        f"{API}/profile",
        json={"community_id": world.home.id, "real_name": "王", "consent": True},
        headers=log_in(client, "nophone"),
    )
    assert (no_phone.status_code, no_phone.json["error"]["code"]) == (403, "VOLUNTEER_PHONE_REQUIRED")
    headers, no_consent = register(client, world.home, "lijianguo", consent=False)
    assert (no_consent.status_code, no_consent.json["error"]["code"]) == (422, "VOLUNTEER_CONSENT_REQUIRED")
    elsewhere = client.post(
        f"{API}/profile",
        json={"community_id": world.elsewhere.id, "real_name": "李", "consent": True},
        headers=headers,
    )
    assert (elsewhere.status_code, elsewhere.json["error"]["code"]) == (403, "VOLUNTEER_NOT_RESIDENT")
    too_long = client.post(
        f"{API}/profile",
        json={"community_id": world.home.id, "real_name": "李", "consent": True, "skills": ["急" * 17]},
        headers=headers,
    )
    assert (too_long.status_code, too_long.json["error"]["code"]) == (422, "VALIDATION_ERROR")
    assert _db.session.scalar(select(func.count(Volunteer.id))) == 0
    assert client.get(f"{API}/profile", headers=headers).json["error"]["code"] == "NOT_VOLUNTEER"
    assert client.get(f"{API}/shifts", headers=headers).status_code == 403
    assert client.get(f"{API}/profile/qr.png", headers=headers).status_code == 403

    body = {"community_id": world.home.id, "real_name": "李建国", "consent": True}
    assert client.post(f"{API}/profile", json=body, headers=headers).status_code == 201
    again = client.post(f"{API}/profile", json=body, headers=headers)
    assert (again.status_code, again.json["error"]["code"]) == (409, "ALREADY_VOLUNTEER")
    assert _db.session.scalar(select(func.count(Volunteer.id))) == 1
    png = client.get(f"{API}/profile/qr.png", headers=headers)
    assert (png.status_code, png.mimetype, png.data[:4]) == (200, "image/png", b"\x89PNG")
    assert png.headers["Cache-Control"] == "no-store"


def test_a_retried_registration_with_its_key_registers_once(client, world):
    resident(world.home, "lijianguo")
    headers = {**log_in(client, "lijianguo"), "Idempotency-Key": "reg-1"}
    body = {"community_id": world.home.id, "real_name": "李建国", "consent": True}
    first = client.post(f"{API}/profile", json=body, headers=headers)
    second = client.post(f"{API}/profile", json=body, headers=headers)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.headers["Idempotent-Replayed"] == "true"
    assert _db.session.scalar(select(func.count(Volunteer.id))) == 1


def test_sign_up_refusals_answer_their_codes_and_change_nothing(client, world, clock):
    me, headers = volunteer_headers(client, world.home, "lijianguo")
    skilled = shift(project(world.home), skills=["急救"])
    other = shift(project(world.elsewhere))
    plain = shift(project(world.home, name="环境整治", category="environment"), starts_in=timedelta(days=3))
    overlapping = shift(
        project(world.home, name="邻里守望", category="neighbourhood"), starts_in=timedelta(days=3)
    )
    assert client.post(f"{API}/shifts/{plain.id}/signups", headers=headers).status_code == 201

    def refused(on, path, status, code):
        before = snapshot(on.id)
        answer = client.post(f"{API}/shifts/{on.id}/{path}", headers=headers)
        assert (answer.status_code, answer.json["error"]["code"]) == (status, code)
        assert snapshot(on.id) == before
        return answer

    missing = refused(skilled, "signups", 409, "SHIFT_SKILLS_MISSING")
    assert missing.json["error"]["details"]["missing"] == ["急救"]
    refused(other, "signups", 404, "SHIFT_NOT_FOUND")
    refused(plain, "signups", 409, "SHIFT_ALREADY_SIGNED_UP")
    refused(overlapping, "signups", 409, "SHIFT_OVERLAPS")
    refused(overlapping, "signups/cancel", 404, "SHIFT_SIGNUP_NOT_FOUND")
    refused(plain, "signups/confirm", 409, "SHIFT_OFFER_EXPIRED")
    refused(skilled, "signups/confirm", 404, "SHIFT_SIGNUP_NOT_FOUND")
    assert client.post(f"{API}/shifts/999999/signups", headers=headers).status_code == 404
    at(clock, days=2, hours=23)  # two hours before the start of ``plain``: past its cancel deadline
    refused(plain, "signups/cancel", 409, "SHIFT_CANCEL_TOO_LATE")
    at(clock, days=3, hours=1)
    refused(overlapping, "signups", 409, "SHIFT_CLOSED")
    me.status = "suspended"
    _db.session.commit()
    refused(skilled, "signups", 403, "VOLUNTEER_SUSPENDED")


def test_the_shift_list_is_a_page_soonest_first_in_at_most_four_statements(app, client, world):
    _, headers = volunteer_headers(client, world.home, "lijianguo")
    of = project(world.home)
    made = [shift(of, starts_in=timedelta(days=d)) for d in (3, 1, 2)]
    shift(of, starts_in=timedelta(days=-1))  # started: not listed
    shift(project(world.neighbour))  # another community's
    client.post(f"{API}/shifts/{made[1].id}/signups", headers=headers)
    for query in ({"limit": 2}, {"limit": 2, "community_id": world.home.id}):
        with count_queries(app) as statements:
            first = client.get(f"{API}/shifts", query_string=query, headers=headers).json
        assert len(statements) <= 4, statements
    rest = client.get(
        f"{API}/shifts", query_string={"limit": 2, "cursor": first["next_cursor"]}, headers=headers
    )
    assert [s["id"] for s in first["items"] + rest.json["items"]] == [made[1].id, made[2].id, made[0].id]
    assert [s["my_status"] for s in first["items"]] == ["signed_up", None]
    assert rest.json["next_cursor"] is None
    neighbour = client.get(
        f"{API}/shifts", query_string={"community_id": world.neighbour.id}, headers=headers
    )
    assert neighbour.json == {"items": [], "next_cursor": None}
    bad = client.get(f"{API}/shifts", query_string={"cursor": "WzE3XQ"}, headers=headers)
    assert (bad.status_code, bad.json["error"]["code"]) == (422, "INVALID_CURSOR")


def test_points_are_a_balance_and_a_ledger_newest_first(client, world):
    me, headers = volunteer_headers(client, world.home, "lijianguo")
    admin = log_in(client, f"staff-{COMMUNITY_ADMIN}")
    for amount, reason in ((30, "协助组织活动"), (-5, "更正"), (10, "表彰")):
        answer = client.post(
            "/api/v1/staff/volunteer/points/adjustments",
            json={"user_id": me.user_id, "amount": amount, "reason": reason},
            headers=admin,
        )
        assert answer.status_code == 201, answer.json
    first = client.get(f"{API}/me/points", query_string={"limit": 2}, headers=headers).json
    assert first["balance"] == 35
    assert [
        (e["kind"], e["kind_name"], e["amount"], e["balance_after"], e["reason"]) for e in first["items"]
    ] == [
        ("adjust", "调整", 10, 35, "表彰"),
        ("adjust", "调整", -5, 25, "更正"),
    ]
    rest = client.get(f"{API}/me/points", query_string={"cursor": first["next_cursor"]}, headers=headers).json
    assert [e["amount"] for e in rest["items"]] == [30]
    assert rest["next_cursor"] is None
    assert client.get(f"{API}/profile", headers=headers).json["points"] == 35


def test_attendance_refusals_answer_their_codes(client, world, clock):
    _, headers = volunteer_headers(client, world.home, "lijianguo")
    on = shift(project(world.home))
    bogus = client.post(f"{API}/attendance", json={"code": "nonsense", "action": "check_in"}, headers=headers)
    assert (bogus.status_code, bogus.json["error"]["code"]) == (422, "VENUE_CODE_INVALID")
    code = venue_code("volunteer_shift", on.id)
    refused = client.post(f"{API}/attendance", json={"code": code, "action": "check_in"}, headers=headers)
    assert (refused.status_code, refused.json["error"]["code"]) == (409, "ATTENDANCE_NOT_SIGNED_UP")
    client.post(f"{API}/shifts/{on.id}/signups", headers=headers)
    early = client.post(f"{API}/attendance", json={"code": code, "action": "check_in"}, headers=headers)
    assert (early.status_code, early.json["error"]["code"]) == (409, "SHIFT_CHECK_IN_CLOSED")
    out = client.post(f"{API}/attendance", json={"code": code, "action": "check_out"}, headers=headers)
    assert (out.status_code, out.json["error"]["code"]) == (409, "SHIFT_NOT_CHECKED_IN")
    wrong = client.post(f"{API}/attendance", json={"code": code, "action": "leave"}, headers=headers)
    assert wrong.status_code == 422
    signup_id = client.get(f"{API}/signups/mine", headers=headers).json["items"][0]["id"]
    unconfirmed = client.post(f"{API}/signups/{signup_id}/dispute", json={"reason": "少记"}, headers=headers)
    assert (unconfirmed.status_code, unconfirmed.json["error"]["code"]) == (409, "SHIFT_HOURS_NOT_CONFIRMED")
    _, other = volunteer_headers(client, world.home, "other")
    theirs = client.post(f"{API}/signups/{signup_id}/dispute", json={"reason": "少记"}, headers=other)
    assert (theirs.status_code, theirs.json["error"]["code"]) == (404, "ATTENDANCE_SIGNUP_NOT_FOUND")
    assert client.get(f"{API}/signups/mine", headers=headers).json["items"][0]["checked_in_at"] is None
