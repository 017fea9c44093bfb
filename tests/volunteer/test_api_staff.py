"""The staff's side of 志愿云's API: a shift's roster (names masked) and points adjustments; refusals
answer their codes and change nothing."""

import pytest
from sqlalchemy import func, select

from cloudplatform.extensions import db as _db
from cloudplatform.identity.models import COMMUNITY_ADMIN, COMMUNITY_STAFF, STREET_ADMIN
from cloudplatform.volunteer.models import OFFERED, WAITING, PointEntry
from tests.volunteer.fixtures import project, shift, signup, volunteer
from tests.volunteer.shift_fixtures import audited, standing_clock
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
    refused({"user_id": me.user_id, "amount": 0, "reason": "更正"}, 422, "VALIDATION_ERROR")
    refused({"user_id": me.user_id, "amount": 5, "reason": " "}, 422, "POINTS_REASON_REQUIRED")
    refused({"user_id": me.user_id, "amount": 5}, 422, "VALIDATION_ERROR")
    elsewhere = volunteer(world.elsewhere, "elsewhere")
    refused({"user_id": elsewhere.user_id, "amount": 5, "reason": "表彰"}, 404, "POINTS_VOLUNTEER_NOT_FOUND")
    refused({"user_id": 999999, "amount": 5, "reason": "表彰"}, 404, "POINTS_VOLUNTEER_NOT_FOUND")
    staff = log_in(client, f"staff-{COMMUNITY_STAFF}")  # no points.manage
    refused({"user_id": me.user_id, "amount": 5, "reason": "表彰"}, 403, "FORBIDDEN", staff)
    resident = log_in(client, "lijianguo")
    refused({"user_id": me.user_id, "amount": 5, "reason": "表彰"}, 403, "STAFF_ONLY", resident)
