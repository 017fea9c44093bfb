"""Members race for the last places of an activity, a cancellation races new sign-ups, and staff race to
confirm one attendance — on PostgreSQL, each client in its own thread and connection."""

import pytest
from sqlalchemy import func, select

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_ADMIN, COMMUNITY_STAFF, GRID_WORKER
from cloudplatform.party.models import WAITING, ActivitySignup, ServiceHours
from cloudplatform.venue import venue_code
from tests.party.activities.fixtures import ACTIVITIES, at, make_activity, places, sign_up
from tests.party.fixtures import make_unit, party_member
from tests.service.bookings.test_race import race
from tests.world import log_in

pytestmark = pytest.mark.postgres

CLIENTS = 20


@pytest.fixture(autouse=True)
def many_logins(app):
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"  # every racer logs in from 127.0.0.1


def members(client, world, prefix, count):
    unit = make_unit(world.home, f"单位{prefix}")
    headers = []
    for i in range(count):
        party_member(world.home, f"{prefix}{i}", unit)
        headers.append(log_in(client, f"{prefix}{i}"))
    return headers


def statuses(activity) -> dict[int, str]:
    _db.session.expire_all()
    rows = _db.session.execute(
        select(ActivitySignup.id, ActivitySignup.status).where(ActivitySignup.activity_id == activity.id)
    )
    return dict(rows.tuples().all())


def test_exactly_capacity_members_get_the_last_places_and_the_rest_wait(app, client, world):
    activity = make_activity(world, capacity=3)
    url = f"{ACTIVITIES}/{activity.id}/signups"
    results = race(app, [(url, None, h) for h in members(client, world, "racer", CLIENTS)])
    assert sorted(r.status_code for r in results) == [201] * CLIENTS
    mine = sorted(r.json["my_status"] for r in results)
    assert mine == ["signed_up"] * 3 + ["waiting"] * (CLIENTS - 3)
    assert places(activity.id) == (3, 3)


def test_one_member_signing_up_many_times_at_once_holds_one_sign_up(app, client, world):
    activity = make_activity(world, capacity=5)
    (headers,) = members(client, world, "eager", 1)
    results = race(app, [(f"{ACTIVITIES}/{activity.id}/signups", None, headers)] * 6)
    assert sorted(r.status_code for r in results) == [201] + [409] * 5
    assert places(activity.id) == (1, 1)


def test_a_cancellation_racing_sign_ups_promotes_exactly_the_first_waiting(app, client, world):
    activity = make_activity(world, capacity=2)
    holders = members(client, world, "holder", 2)
    waiting = members(client, world, "waiting", 2)
    for headers in holders + waiting:
        sign_up(client, activity, headers)
    first_waiting = min(i for i, s in statuses(activity).items() if s == WAITING)
    newcomers = members(client, world, "new", 10)
    requests = [(f"{ACTIVITIES}/{activity.id}/signups/cancel", None, holders[0])]
    requests += [(f"{ACTIVITIES}/{activity.id}/signups", None, h) for h in newcomers]
    results = race(app, requests)
    assert results[0].status_code == 200
    assert all(r.status_code == 201 and r.json["my_status"] == "waiting" for r in results[1:])
    after = statuses(activity)
    assert after[first_waiting] == "signed_up"
    assert sorted(after.values()).count("waiting") == 1 + 10
    assert places(activity.id) == (2, 2)


def test_a_cancellation_racing_sign_ups_leaves_no_free_place_while_members_wait(app, client, world):
    activity = make_activity(world, capacity=1)
    (holder,) = members(client, world, "holder", 1)
    sign_up(client, activity, holder)
    newcomers = members(client, world, "new", 10)
    requests = [(f"{ACTIVITIES}/{activity.id}/signups/cancel", None, holder)]
    requests += [(f"{ACTIVITIES}/{activity.id}/signups", None, h) for h in newcomers]
    results = race(app, requests)
    assert [r.status_code for r in results] == [200] + [201] * 10
    after = statuses(activity)
    assert sorted(after.values()).count("signed_up") == 1  # the place went to exactly one newcomer
    assert places(activity.id) == (1, 1)


def test_two_staff_confirming_one_attendance_credit_it_once(app, client, world, clock):
    activity = make_activity(world)
    (headers,) = members(client, world, "member", 1)
    sign_up(client, activity, headers)
    at(clock, days=1, minutes=50)
    code = {"venue_code": venue_code("party_activity", activity.id)}
    checked = client.post("/api/v1/party/checkins", json=code, headers=headers)
    assert checked.status_code == 200
    url = f"/api/v1/staff/party/signups/{checked.json['id']}/confirm"
    staff = [log_in(client, f"staff-{role}") for role in (GRID_WORKER, COMMUNITY_STAFF, COMMUNITY_ADMIN)]
    results = race(app, [(url, None, h) for h in staff * 2])
    assert sorted(r.status_code for r in results) == [200] + [409] * 5
    assert {r.json["error"]["code"] for r in results if r.status_code == 409} == {"ATTENDANCE_CONFIRMED"}
    _db.session.expire_all()
    credited = select(func.count()).where(ServiceHours.signup_id == checked.json["id"])
    assert _db.session.scalar(credited) == 1
