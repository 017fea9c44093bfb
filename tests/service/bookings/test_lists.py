"""What the booking screens show: services, slots and bookings as pages, each item carrying what its
screen needs (names, places, Beijing times, booking windows), loaded in a bounded number of statements."""

from datetime import timedelta

import pytest

from cloudplatform.identity.models import COMMUNITY_STAFF
from tests.helpers import count_queries
from tests.service.bookings.fixtures import MONDAY, later, make_service, resident_of, slot_at
from tests.world import log_in

TUESDAY = MONDAY + timedelta(days=1)
SLOTS = "/api/v1/services/bookables/{}/slots"
MINE = "/api/v1/services/bookings/mine"


def book(client, headers, slot):
    response = client.post("/api/v1/services/bookings", json={"slot_id": slot.id}, headers=headers)
    assert response.status_code == 201
    return response.json


@pytest.fixture
def counter(client, world):
    return log_in(client, f"staff-{COMMUNITY_STAFF}")


def test_a_booking_carries_its_service_place_and_beijing_times(client, world, resident):
    service = make_service(world, location="社区服务中心一楼 2 号窗口")
    booking = book(client, resident, slot_at(service, TUESDAY, 9))
    assert booking["bookable_name"] == "证明开具"
    assert booking["location"] == "社区服务中心一楼 2 号窗口"
    assert booking["starts_at"] == "2026-12-08T01:00:00+00:00"
    assert booking["starts_at_local"] == "2026-12-08T09:00:00+08:00"
    assert booking["ends_at_local"] == "2026-12-08T10:00:00+08:00"
    assert booking["cancel_until"] == "2026-12-07T23:00:00+00:00"  # two hours before
    assert (booking["status"], booking["status_name"]) == ("confirmed", "已预约")


def test_my_bookings_show_the_same_as_the_booking(client, service, resident):
    booking = book(client, resident, slot_at(service, TUESDAY, 9))
    assert client.get(MINE, headers=resident).json["items"] == [booking]


def test_my_bookings_take_two_statements_however_many(client, app, service, resident):
    for hour in (9, 10):
        book(client, resident, slot_at(service, TUESDAY, hour))
    with count_queries(app) as statements:
        page = client.get(MINE, headers=resident).json
    assert len(page["items"]) == 2
    assert len(statements) <= 2  # the token, the page with its slots and services


def test_my_bookings_page_soonest_first_and_history_newest_first(client, service, resident, clock):
    made = [book(client, resident, slot_at(service, TUESDAY, hour))["id"] for hour in (9, 10)]
    first = client.get(MINE, query_string={"limit": 1}, headers=resident).json
    second = client.get(
        MINE, query_string={"limit": 1, "cursor": first["next_cursor"]}, headers=resident
    ).json
    assert [b["id"] for b in first["items"] + second["items"]] == made
    assert second["next_cursor"] is None
    later(clock, days=2)  # both over: no longer upcoming
    assert client.get(MINE, headers=resident).json["items"] == []
    history = client.get(MINE, query_string={"upcoming": "false"}, headers=resident).json
    assert [b["id"] for b in history["items"]] == made[::-1]


def test_a_slot_says_whether_and_when_it_can_be_booked(client, service, resident):
    slots = client.get(SLOTS.format(service.id), query_string={"date": TUESDAY}, headers=resident).json[
        "items"
    ]
    nine = slots[0]
    assert nine["starts_at_local"] == "2026-12-08T09:00:00+08:00"
    assert nine["book_from"] == "2026-11-24T01:00:00+00:00"  # 14 days ahead
    assert nine["book_until"] == "2026-12-07T23:00:00+00:00"  # 2 hours' notice
    assert (nine["free"], nine["bookable_now"]) == (2, True)


def test_a_full_or_past_slot_cannot_be_booked_now(client, world, service, resident, clock):
    slot = slot_at(service, TUESDAY, 9)
    for name in ("a", "b"):
        resident_of(world.home, name)
        book(client, log_in(client, name), slot)
    slots = client.get(SLOTS.format(service.id), query_string={"date": TUESDAY}, headers=resident).json[
        "items"
    ]
    assert [(s["free"], s["bookable_now"]) for s in slots] == [(0, False), (2, True), (2, True)]
    later(clock, hours=23, minutes=30)  # Tuesday 07:30: the 9:00 slot's window closed at 7:00
    slots = client.get(SLOTS.format(service.id), query_string={"date": TUESDAY}, headers=resident).json[
        "items"
    ]
    assert [s["bookable_now"] for s in slots] == [False, True, True]


def test_slots_page_in_start_order(client, service, resident):
    url = SLOTS.format(service.id)
    first = client.get(url, query_string={"date": TUESDAY, "limit": 2}, headers=resident).json
    rest = client.get(
        url, query_string={"date": TUESDAY, "limit": 2, "cursor": first["next_cursor"]}, headers=resident
    ).json
    starts = [s["starts_at_local"][11:16] for s in first["items"] + rest["items"]]
    assert starts == ["09:00", "10:00", "11:00"]
    assert rest["next_cursor"] is None


def test_a_day_outside_the_century_is_422(client, service, resident):
    response = client.get(SLOTS.format(service.id), query_string={"date": "9999-12-31"}, headers=resident)
    assert response.status_code == 422
    assert "date" in response.json["error"]["details"]["fields"]


def test_services_of_a_community_are_a_page_with_their_hours(client, app, world, resident):
    for name in ("证明开具", "老年证办理", "活动室预约"):
        make_service(world, name=name)
    url = f"/api/v1/services/bookables?community_id={world.home.id}"
    with count_queries(app) as statements:
        first = client.get(url + "&limit=2", headers=resident).json
    assert len(statements) <= 4  # the token, membership, the page, the hours of its services
    rest = client.get(url + f"&limit=2&cursor={first['next_cursor']}", headers=resident).json
    assert [b["name"] for b in first["items"] + rest["items"]] == ["证明开具", "老年证办理", "活动室预约"]
    assert first["items"][0]["hours"][0] == {"weekday": 0, "opens": "09:00", "closes": "12:00"}


def test_the_counters_day_is_a_page_with_names_and_times(client, app, world, service, counter):
    for hour, name in ((9, "a"), (10, "b")):
        resident_of(world.home, name)
        book(client, log_in(client, name), slot_at(service, TUESDAY, hour))
    url = f"/api/v1/staff/bookables/{service.id}/bookings"
    with count_queries(app) as statements:
        page = client.get(url, query_string={"date": TUESDAY}, headers=counter).json
    assert len(statements) <= 4  # the token, the staff account, the service, the page
    assert [(b["starts_at_local"][11:16], b["bookable_name"]) for b in page["items"]] == [
        ("09:00", "证明开具"),
        ("10:00", "证明开具"),
    ]
    assert page["next_cursor"] is None
