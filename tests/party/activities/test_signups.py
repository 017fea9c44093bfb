"""Members find the activities for them, sign up or wait, and cancel; a place given back goes to the first
waiting member. Staff publish, change and cancel activities."""

from datetime import timedelta

from sqlalchemy import select

from cloudplatform.audit.models import AuditEntry
from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_STAFF, GRID_WORKER
from cloudplatform.party.models import ActivitySignup
from tests.helpers import count_queries
from tests.party.activities.fixtures import (
    ACTIVITIES,
    TUESDAY_9,
    at,
    make_activity,
    member,
    messages,
    places,
    sign_up,
)
from tests.party.fixtures import make_unit, resident
from tests.world import log_in

STAFF_ACTIVITIES = "/api/v1/staff/party/activities"


def test_staff_publish_an_activity_and_members_see_it_with_places(client, world):
    unit = make_unit(world.home)
    _, headers = member(client, world.home, "lijianguo", unit)
    staff = log_in(client, f"staff-{COMMUNITY_STAFF}")
    body = {
        "community_id": world.home.id,
        "title": "十二月主题党日",
        "venue": "党群服务中心",
        "starts_at": "2026-12-08T09:00:00",  # Beijing time
        "ends_at": "2026-12-08T11:00:00+08:00",
        "capacity": 30,
    }
    created = client.post(STAFF_ACTIVITIES, json=body, headers=staff)
    assert created.status_code == 201, created.json
    assert created.json["starts_at"] == "2026-12-08T01:00:00+00:00"
    assert created.json["waiting"] == 0
    page = client.get(ACTIVITIES, headers=headers).json
    assert [(a["title"], a["places_left"], a["my_status"]) for a in page["items"]] == [
        ("十二月主题党日", 30, None)
    ]
    assert page["items"][0]["starts_at_local"] == "2026-12-08T09:00:00+08:00"
    assert page["items"][0]["cancel_until"] == "2026-12-07T23:00:00+00:00"
    _db.session.commit()
    assert _db.session.scalar(select(AuditEntry.action).where(AuditEntry.action == "party_activity.create"))


def test_the_list_is_a_page_soonest_first_in_three_statements(app, client, world):
    unit = make_unit(world.home)
    _, headers = member(client, world.home, "lijianguo", unit)
    made = [make_activity(world, starts_at=TUESDAY_9 + timedelta(days=d)) for d in (2, 0, 1)]
    sign_up(client, made[1], headers)
    with count_queries(app) as statements:
        first = client.get(ACTIVITIES, query_string={"limit": 2}, headers=headers).json
    assert len(statements) <= 4  # the token, the member's report, the page with their sign-ups
    assert len(statements) == 3
    rest = client.get(
        ACTIVITIES, query_string={"limit": 2, "cursor": first["next_cursor"]}, headers=headers
    ).json
    assert [a["id"] for a in first["items"] + rest["items"]] == [made[1].id, made[2].id, made[0].id]
    assert first["items"][0]["my_status"] == "signed_up"


def test_past_activities_are_listed_latest_first_on_request(client, world, clock):
    unit = make_unit(world.home)
    _, headers = member(client, world.home, "lijianguo", unit)
    early, late = make_activity(world), make_activity(world, starts_at=TUESDAY_9 + timedelta(hours=3))
    at(clock, days=2)
    assert client.get(ACTIVITIES, headers=headers).json["items"] == []
    past = client.get(ACTIVITIES, query_string={"upcoming": "false"}, headers=headers).json
    assert [a["id"] for a in past["items"]] == [late.id, early.id]


def test_the_last_places_go_then_members_wait(client, world):
    unit = make_unit(world.home)
    activity = make_activity(world, capacity=2)
    answers = [sign_up(client, activity, member(client, world.home, f"m{i}", unit)[1]) for i in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert [a.json["my_status"] for a in answers] == ["signed_up", "signed_up", "waiting"]
    assert answers[2].json["places_left"] == 0
    assert places(activity.id) == (2, 2)


def test_signing_up_twice_is_refused(client, world):
    unit = make_unit(world.home)
    activity = make_activity(world, capacity=1)
    _, headers = member(client, world.home, "lijianguo", unit)
    assert sign_up(client, activity, headers).status_code == 201
    again = sign_up(client, activity, headers)
    assert again.status_code == 409
    assert again.json["error"]["code"] == "ALREADY_SIGNED_UP"
    assert places(activity.id) == (1, 1)


def test_a_cancelled_place_goes_to_the_first_waiting_member_who_is_told(client, world):
    unit = make_unit(world.home)
    activity = make_activity(world, capacity=1)
    (_, holder), (first, first_h), (second, second_h) = (
        member(client, world.home, name, unit) for name in ("holder", "first", "second")
    )
    for headers in (holder, first_h, second_h):
        sign_up(client, activity, headers)
    cancelled = client.post(f"{ACTIVITIES}/{activity.id}/signups/cancel", headers=holder)
    assert cancelled.status_code == 200, cancelled.json
    assert cancelled.json["my_status"] is None
    statuses = {
        s.user_id: s.status
        for s in _db.session.scalars(select(ActivitySignup).where(ActivitySignup.activity_id == activity.id))
    }
    assert statuses[first.id] == "signed_up" and statuses[second.id] == "waiting"
    assert places(activity.id) == (1, 1)
    assert len(messages(first)) == 1 and messages(second) == []
    assert messages(first)[0].data["thing1"]["value"] == "十二月主题党日"


def test_a_waiting_member_cancels_without_changing_the_places(client, world):
    unit = make_unit(world.home)
    activity = make_activity(world, capacity=1)
    _, holder = member(client, world.home, "holder", unit)
    _, waiting = member(client, world.home, "waiting", unit)
    sign_up(client, activity, holder)
    sign_up(client, activity, waiting)
    assert client.post(f"{ACTIVITIES}/{activity.id}/signups/cancel", headers=waiting).status_code == 200
    assert places(activity.id) == (1, 1)
    again = client.post(f"{ACTIVITIES}/{activity.id}/signups/cancel", headers=waiting)
    assert again.json["error"]["code"] == "SIGNUP_NOT_FOUND"


def test_cancelling_after_the_deadline_is_refused(client, world, clock):
    unit = make_unit(world.home)
    activity = make_activity(world, cancel_deadline_hours=2)
    _, headers = member(client, world.home, "lijianguo", unit)
    sign_up(client, activity, headers)
    at(clock, days=1, minutes=1)  # Tuesday 08:01, less than two hours before 09:00
    late = client.post(f"{ACTIVITIES}/{activity.id}/signups/cancel", headers=headers)
    assert late.status_code == 409
    assert late.json["error"]["code"] == "SIGNUP_CANCEL_TOO_LATE"
    assert places(activity.id) == (1, 1)


def test_a_started_or_cancelled_activity_takes_no_sign_ups(client, world, clock):
    unit = make_unit(world.home)
    activity = make_activity(world)
    _, headers = member(client, world.home, "lijianguo", unit)
    at(clock, days=1, hours=1, minutes=30)
    assert sign_up(client, activity, headers).json["error"]["code"] == "ACTIVITY_CLOSED"


def test_the_audience_decides_who_sees_and_signs_up(client, world):
    unit, other_unit = make_unit(world.home), make_unit(world.home, "宝鸡市供电局")
    far_unit = make_unit(world.elsewhere, "渭滨区教育局")
    for_unit = make_activity(world, audience="unit", unit_id=unit.id, title="单位活动")
    for_everyone = make_activity(world, world.elsewhere, audience="everyone", title="全市活动")
    theirs = make_activity(world, world.elsewhere, title="别的社区")
    _, ours = member(client, world.home, "ours", unit)
    _, neighbour = member(client, world.home, "neighbour", other_unit)
    _, far = member(client, world.elsewhere, "far", far_unit)
    assert {a["title"] for a in client.get(ACTIVITIES, headers=ours).json["items"]} == {
        "单位活动",
        "全市活动",
    }
    assert {a["title"] for a in client.get(ACTIVITIES, headers=neighbour).json["items"]} == {"全市活动"}
    assert {a["title"] for a in client.get(ACTIVITIES, headers=far).json["items"]} == {"全市活动", "别的社区"}
    assert sign_up(client, for_unit, ours).status_code == 201
    refused = sign_up(client, for_unit, neighbour)  # seen (their community's), not for them
    assert refused.status_code == 403 and refused.json["error"]["code"] == "NOT_IN_AUDIENCE"
    assert client.get(f"{ACTIVITIES}/{for_unit.id}", headers=neighbour).status_code == 200
    hidden = client.get(f"{ACTIVITIES}/{theirs.id}", headers=ours)
    assert hidden.status_code == 404 and hidden.json["error"]["code"] == "ACTIVITY_NOT_FOUND"
    assert sign_up(client, theirs, ours).json["error"]["code"] == "ACTIVITY_NOT_FOUND"
    assert sign_up(client, for_everyone, far).status_code == 201
    assert sign_up(client, for_everyone, ours).status_code == 201


def test_only_party_members_use_activities(client, world):
    make_activity(world)
    resident(world.home, "plain")
    headers = log_in(client, "plain")
    refused = client.get(ACTIVITIES, headers=headers)
    assert refused.status_code == 403 and refused.json["error"]["code"] == "NOT_PARTY_MEMBER"


def test_more_places_go_to_the_waiting_members(client, world):
    unit = make_unit(world.home)
    activity = make_activity(world, capacity=1)
    users = [member(client, world.home, f"m{i}", unit) for i in range(3)]
    for _, headers in users:
        sign_up(client, activity, headers)
    staff = log_in(client, f"staff-{COMMUNITY_STAFF}")
    fewer = client.patch(f"{STAFF_ACTIVITIES}/{activity.id}", json={"capacity": 0}, headers=staff)
    assert fewer.status_code == 422
    changed = client.patch(f"{STAFF_ACTIVITIES}/{activity.id}", json={"capacity": 2}, headers=staff)
    assert changed.status_code == 200, changed.json
    assert (changed.json["signed_up"], changed.json["waiting"]) == (2, 1)
    assert places(activity.id) == (2, 2)
    assert len(messages(users[1][0])) == 1 and messages(users[2][0]) == []


def test_staff_refuse_bad_changes(client, world, clock):
    activity = make_activity(world)
    staff = log_in(client, f"staff-{COMMUNITY_STAFF}")
    url = f"{STAFF_ACTIVITIES}/{activity.id}"
    backwards = client.patch(url, json={"ends_at": "2026-12-08T08:00:00+08:00"}, headers=staff)
    assert backwards.json["error"]["code"] == "INVALID_ACTIVITY_TIME"
    no_unit = client.patch(url, json={"audience": "unit"}, headers=staff)
    assert no_unit.json["error"]["code"] == "UNIT_NOT_FOUND"
    at(clock, days=1, hours=1, minutes=30)
    started = client.patch(url, json={"title": "改名"}, headers=staff)
    assert started.status_code == 409 and started.json["error"]["code"] == "ACTIVITY_STARTED"


def test_cancelling_an_activity_withdraws_and_tells_everyone(client, world):
    unit = make_unit(world.home)
    activity = make_activity(world, capacity=1)
    (holder, holder_h), (waiting, waiting_h) = (
        member(client, world.home, "h", unit),
        member(client, world.home, "w", unit),
    )
    sign_up(client, activity, holder_h)
    sign_up(client, activity, waiting_h)
    staff = log_in(client, f"staff-{COMMUNITY_STAFF}")
    cancelled = client.post(
        f"{STAFF_ACTIVITIES}/{activity.id}/cancel", json={"reason": "因天气原因"}, headers=staff
    )
    assert cancelled.status_code == 200, cancelled.json
    assert (cancelled.json["status"], cancelled.json["signed_up"], cancelled.json["waiting"]) == (
        "cancelled",
        0,
        0,
    )
    assert [m.data["thing3"]["value"] for m in messages(holder) + messages(waiting)] == [
        "活动已取消 因天气原因"
    ] * 2
    again = client.post(f"{STAFF_ACTIVITIES}/{activity.id}/cancel", json={}, headers=staff)
    assert again.json["error"]["code"] == "ACTIVITY_CANCELLED"
    assert sign_up(client, activity, holder_h).json["error"]["code"] == "ACTIVITY_CLOSED"


def test_staff_of_another_community_find_nothing(client, world):
    theirs = make_activity(world, world.elsewhere)
    staff = log_in(client, f"staff-{COMMUNITY_STAFF}")
    assert (
        client.patch(f"{STAFF_ACTIVITIES}/{theirs.id}", json={"title": "x"}, headers=staff).status_code == 404
    )
    body = {"community_id": world.elsewhere.id, "title": "x", "capacity": 1}
    body |= {"starts_at": "2026-12-08T09:00:00+08:00", "ends_at": "2026-12-08T10:00:00+08:00"}
    assert client.post(STAFF_ACTIVITIES, json=body, headers=staff).status_code == 404
    listed = client.get(STAFF_ACTIVITIES, headers=staff).json["items"]
    assert theirs.id not in {a["id"] for a in listed}
    grid = log_in(client, f"staff-{GRID_WORKER}")  # attendance only
    assert client.get(STAFF_ACTIVITIES, headers=grid).status_code == 403
