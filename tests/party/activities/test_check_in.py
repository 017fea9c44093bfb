"""Members check in (and out) by scanning the rotating code staff show at the activity."""

from sqlalchemy import select

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_STAFF, GRID_WORKER
from cloudplatform.party.models import ActivitySignup
from cloudplatform.venue import venue_code
from tests.admin.console import sign_in_as
from tests.helpers import count_queries
from tests.party.activities.fixtures import at, make_activity, member, sign_up
from tests.party.fixtures import make_unit
from tests.world import log_in

CHECK_IN, CHECK_OUT = "/api/v1/party/checkins", "/api/v1/party/checkouts"


def code_of(activity):
    return {"venue_code": venue_code("party_activity", activity.id)}


def signups_of(activity):
    _db.session.commit()
    return list(_db.session.scalars(select(ActivitySignup).where(ActivitySignup.activity_id == activity.id)))


def test_a_signed_up_member_checks_in_once_within_the_margin(app, client, world, clock):
    unit = make_unit(world.home)
    activity = make_activity(world, check_in_margin_minutes=30)
    _, headers = member(client, world.home, "lijianguo", unit)
    sign_up(client, activity, headers)
    at(clock, days=1, minutes=29)  # Tuesday 08:29: 31 minutes before the start
    early = client.post(CHECK_IN, json=code_of(activity), headers=headers)
    assert early.status_code == 409 and early.json["error"]["code"] == "CHECK_IN_CLOSED"
    at(clock, days=1, minutes=31)
    code = code_of(activity)
    with count_queries(app) as statements:
        checked = client.post(CHECK_IN, json=code, headers=headers)
    assert checked.status_code == 200, checked.json
    assert len(statements) == 3  # the token, the activity with the member's report and sign-up, the UPDATE
    assert (checked.json["status"], checked.json["activity_title"]) == ("signed_up", "十二月主题党日")
    assert checked.json["checked_in_at"] == "2026-12-08T00:31:00+00:00"
    again = client.post(CHECK_IN, json=code_of(activity), headers=headers)
    assert again.status_code == 409 and again.json["error"]["code"] == "ALREADY_CHECKED_IN"


def test_check_in_closes_at_the_end(client, world, clock):
    unit = make_unit(world.home)
    activity = make_activity(world)
    _, headers = member(client, world.home, "lijianguo", unit)
    sign_up(client, activity, headers)
    at(clock, days=1, hours=3, seconds=1)  # Tuesday 11:00:01
    late = client.post(CHECK_IN, json=code_of(activity), headers=headers)
    assert late.json["error"]["code"] == "CHECK_IN_CLOSED"
    assert signups_of(activity)[0].checked_in_at is None


def test_the_previous_code_works_an_older_one_does_not(client, world, clock):
    unit = make_unit(world.home)
    activity = make_activity(world)
    (_, a), (_, b) = member(client, world.home, "a", unit), member(client, world.home, "b", unit)
    sign_up(client, activity, a)
    sign_up(client, activity, b)
    at(clock, days=1, hours=1)
    shown = code_of(activity)
    at(clock, days=1, hours=1, seconds=35)  # the next window: the code just shown still works
    assert client.post(CHECK_IN, json=shown, headers=a).status_code == 200
    at(clock, days=1, hours=1, seconds=65)  # two windows later: a photo
    expired = client.post(CHECK_IN, json=shown, headers=b)
    assert expired.status_code == 422 and expired.json["error"]["code"] == "VENUE_CODE_EXPIRED"


def test_forged_truncated_and_foreign_codes_are_refused(client, world, clock):
    unit = make_unit(world.home)
    activity = make_activity(world)
    _, headers = member(client, world.home, "lijianguo", unit)
    sign_up(client, activity, headers)
    at(clock, days=1, hours=1)
    genuine = code_of(activity)["venue_code"]
    purpose, record_id, window, mac = genuine.split(".")
    for forged in (
        f"{purpose}.{record_id}.{window}.{'A' * 22}",
        genuine[:-3],
        venue_code("booking", activity.id),
        f"{purpose}.{record_id}.{int(window) + 5}.{mac}",
    ):
        refused = client.post(CHECK_IN, json={"venue_code": forged}, headers=headers)
        assert refused.status_code == 422 and refused.json["error"]["code"] == "VENUE_CODE_INVALID", forged
    assert signups_of(activity)[0].checked_in_at is None


def test_another_activity_code_does_not_check_in_to_this_one(client, world, clock):
    unit = make_unit(world.home)
    activity, other = make_activity(world), make_activity(world, title="党员学习")
    _, headers = member(client, world.home, "lijianguo", unit)
    sign_up(client, activity, headers)
    at(clock, days=1, hours=1)
    refused = client.post(CHECK_IN, json=code_of(other), headers=headers)
    assert refused.status_code == 403 and refused.json["error"]["code"] == "NOT_SIGNED_UP"
    assert signups_of(activity)[0].checked_in_at is None and signups_of(other) == []


def test_another_community_activity_is_not_found(client, world, clock):
    unit = make_unit(world.home)
    theirs = make_activity(world, world.elsewhere, walk_ins=True)
    _, headers = member(client, world.home, "lijianguo", unit)
    at(clock, days=1, hours=1)
    refused = client.post(CHECK_IN, json=code_of(theirs), headers=headers)
    assert refused.status_code == 404 and refused.json["error"]["code"] == "ACTIVITY_NOT_FOUND"


def test_walk_ins_check_in_without_a_place_where_allowed(app, client, world, clock):
    unit = make_unit(world.home)
    open_door = make_activity(world, walk_ins=True, capacity=1)
    _, holder = member(client, world.home, "holder", unit)
    _, waiting = member(client, world.home, "waiting", unit)
    _, walker = member(client, world.home, "walker", unit)
    sign_up(client, open_door, holder)
    sign_up(client, open_door, waiting)
    at(clock, days=1, hours=1)
    code = code_of(open_door)
    with count_queries(app) as statements:
        walked = client.post(CHECK_IN, json=code, headers=walker)
    assert walked.status_code == 200, walked.json
    assert len(statements) == 3 and walked.json["status"] == "walk_in"  # the token, the read, the INSERT
    came = client.post(CHECK_IN, json=code_of(open_door), headers=waiting)
    assert came.status_code == 200 and came.json["status"] == "walk_in"
    again = client.post(CHECK_IN, json=code_of(open_door), headers=walker)
    assert again.json["error"]["code"] == "ALREADY_CHECKED_IN"
    statuses = sorted(s.status for s in signups_of(open_door))
    assert statuses == ["signed_up", "walk_in", "walk_in", "withdrawn"]


def test_without_walk_ins_only_members_with_a_place_check_in(client, world, clock):
    unit = make_unit(world.home)
    activity = make_activity(world, capacity=1)
    _, holder = member(client, world.home, "holder", unit)
    _, waiting = member(client, world.home, "waiting", unit)
    sign_up(client, activity, holder)
    sign_up(client, activity, waiting)
    at(clock, days=1, hours=1)
    refused = client.post(CHECK_IN, json=code_of(activity), headers=waiting)
    assert refused.json["error"]["code"] == "NOT_SIGNED_UP"


def test_check_out_where_actual_time_counts(client, world, clock):
    unit = make_unit(world.home)
    timed, planned = make_activity(world, counts_actual_time=True), make_activity(world, title="学习")
    _, headers = member(client, world.home, "lijianguo", unit)
    sign_up(client, timed, headers)
    sign_up(client, planned, headers)
    at(clock, days=1, hours=1)
    early = client.post(CHECK_OUT, json=code_of(timed), headers=headers)
    assert early.status_code == 409 and early.json["error"]["code"] == "NOT_CHECKED_IN"
    client.post(CHECK_IN, json=code_of(timed), headers=headers)
    client.post(CHECK_IN, json=code_of(planned), headers=headers)
    at(clock, days=1, hours=2, minutes=30)
    out = client.post(CHECK_OUT, json=code_of(timed), headers=headers)
    assert out.status_code == 200, out.json
    assert out.json["checked_out_at"] == "2026-12-08T02:30:00+00:00"
    assert (
        client.post(CHECK_OUT, json=code_of(timed), headers=headers).json["error"]["code"] == "NOT_CHECKED_IN"
    )
    not_needed = client.post(CHECK_OUT, json=code_of(planned), headers=headers)
    assert not_needed.json["error"]["code"] == "CHECK_OUT_NOT_NEEDED"


def test_staff_fetch_the_current_code_and_members_check_in_with_it(client, world, clock):
    unit = make_unit(world.home)
    activity = make_activity(world)
    _, headers = member(client, world.home, "lijianguo", unit)
    sign_up(client, activity, headers)
    at(clock, days=1, hours=1, seconds=12)
    grid = log_in(client, f"staff-{GRID_WORKER}")
    shown = client.get(f"/api/v1/staff/party/activities/{activity.id}/qr", headers=grid)
    assert shown.status_code == 200
    assert shown.json["expires_in"] == 18
    assert client.post(CHECK_IN, json={"venue_code": shown.json["code"]}, headers=headers).status_code == 200
    image = client.get(f"/api/v1/staff/venue-codes/party_activity/{activity.id}.png", headers=grid)
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    theirs = make_activity(world, world.elsewhere)
    assert client.get(f"/api/v1/staff/party/activities/{theirs.id}/qr", headers=grid).status_code == 404


def test_the_console_screen_shows_the_activity(client, world):
    activity = make_activity(world)
    sign_in_as(client, world.staff[COMMUNITY_STAFF])
    page = client.get(f"/admin/venue/party_activity/{activity.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "党建活动签到" in text and "十二月主题党日（党群服务中心）" in text


def test_a_cancelled_activity_takes_no_check_in(client, world, clock):
    from cloudplatform.party.activities.operations import cancel_activity

    unit = make_unit(world.home)
    activity = make_activity(world, walk_ins=True)
    _, headers = member(client, world.home, "lijianguo", unit)
    cancel_activity(world.staff[COMMUNITY_STAFF], activity)
    _db.session.commit()
    at(clock, days=1, hours=1)
    refused = client.post(CHECK_IN, json=code_of(activity), headers=headers)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "ACTIVITY_CANCELLED"
