"""Many residents go for the last places of one slot at once, on PostgreSQL: never overbooked."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cloudplatform.extensions import db as _db
from cloudplatform.service.bookings.models import ACTIVE, Booking, Slot
from tests.service.bookings.fixtures import MONDAY, make_service, resident_of, slot_at
from tests.world import log_in

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def many_logins(app):
    app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"  # every racer logs in from 127.0.0.1


CLIENTS = 30
CAPACITY = 3


def active_bookings(slot) -> int:
    holding = select(func.count()).where(Booking.slot_id == slot.id, Booking.status.in_(ACTIVE))
    return _db.session.scalar(holding)


def race(app, requests_to_send):
    """Fire every (method, url, json, headers) at once from its own thread and client."""
    barrier = threading.Barrier(len(requests_to_send))
    results = [None] * len(requests_to_send)

    def fire(i, url, body, headers):
        client = app.test_client()
        barrier.wait()
        results[i] = client.post(url, json=body, headers=headers)

    threads = [threading.Thread(target=fire, args=(i, *r)) for i, r in enumerate(requests_to_send)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_exactly_capacity_residents_get_the_last_places(app, client, world):
    service = make_service(world, capacity=CAPACITY)
    slot = slot_at(service, MONDAY + timedelta(days=1), 9)
    headers = []
    for i in range(CLIENTS):
        resident_of(world.home, f"racer{i}")
        headers.append(log_in(client, f"racer{i}"))
    url = "/api/v1/services/bookings"
    results = race(app, [(url, {"slot_id": slot.id}, h) for h in headers])
    codes = sorted(r.status_code for r in results)
    assert codes == [201] * CAPACITY + [409] * (CLIENTS - CAPACITY)
    assert {r.json["error"]["code"] for r in results if r.status_code == 409} == {"SLOT_FULL"}
    _db.session.commit()
    active = active_bookings(slot)
    assert active == CAPACITY
    assert _db.session.scalar(select(Slot.booked).where(Slot.id == slot.id)) == CAPACITY


def test_one_resident_racing_for_many_slots_stays_within_the_limit(app, client, world):
    service = make_service(world, capacity=5, max_active_per_user=2)
    resident_of(world.home, "greedy")
    headers = log_in(client, "greedy")
    slots = [slot_at(service, MONDAY + timedelta(days=d), h) for d in (1, 2, 3) for h in (9, 10, 11)]
    url = "/api/v1/services/bookings"
    results = race(app, [(url, {"slot_id": s.id}, headers) for s in slots])
    assert sum(r.status_code == 201 for r in results) == 2
    assert {r.json["error"]["code"] for r in results if r.status_code != 201} == {"BOOKING_LIMIT"}
    _db.session.commit()
    assert _db.session.scalar(select(func.sum(Slot.booked)).where(Slot.bookable_id == service.id)) == 2


def test_cancel_and_book_race_keeps_the_count_true(app, client, world):
    service = make_service(world, capacity=1)
    slot = slot_at(service, MONDAY + timedelta(days=1), 9)
    resident_of(world.home, "holder")
    holder = log_in(client, "holder")
    booking = client.post("/api/v1/services/bookings", json={"slot_id": slot.id}, headers=holder).json
    others = []
    for i in range(10):
        resident_of(world.home, f"waiting{i}")
        others.append(log_in(client, f"waiting{i}"))
    requests_to_send = [(f"/api/v1/services/bookings/{booking['id']}/cancel", None, holder)]
    requests_to_send += [("/api/v1/services/bookings", {"slot_id": slot.id}, h) for h in others]
    race(app, requests_to_send)
    _db.session.commit()
    active = active_bookings(slot)
    assert active == _db.session.scalar(select(Slot.booked).where(Slot.id == slot.id)) <= 1
